import base64
import os

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import config, mute_logger

from ..tools import crypto
from .common import OndermijningCase

SECRET = "Pietje Puk, Dorpsstraat 13, hennep op zolder"


def new_key_setting(*key_ids):
    return ",".join(
        f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode()}"
        for key_id in key_ids
    )


@tagged("post_install", "-at_install")
class TestEncryption(OndermijningCase):
    """Sensitive content is ciphertext in the database and the filestore."""

    def setUp(self):
        super().setUp()
        self.original_keys = config.get("ondermijning_keys")
        self.addCleanup(self.restore_keys)

    def restore_keys(self):
        config["ondermijning_keys"] = self.original_keys
        self.env.invalidate_all()

    def raw_column(self, record, column):
        record.env.flush_all()
        self.env.cr.execute(
            f'SELECT "{column}" FROM "{record._table}" WHERE id = %s', [record.id]
        )  # noqa: S608
        return self.env.cr.fetchone()[0]

    def test_no_sensitive_column_holds_plaintext(self):
        signal = self.new_signal(
            description=SECRET,
            facts_location="Dorpsstraat 13",
            melder_contact="06-12345678",
            subject_ids=[
                (
                    0,
                    0,
                    {
                        "kind": "persoon",
                        "name": "Pietje Puk",
                        "birth_date": "1980-01-01",
                        "address": "Dorpsstraat 13",
                    },
                )
            ],
        )
        self.assertEqual(signal.description, SECRET)
        checks = [
            (signal, "description", SECRET),
            (signal, "facts_location", "Dorpsstraat"),
            (signal, "melder_contact", "0612345678"),
            (signal.subject_ids, "name", "Pietje"),
            (signal.subject_ids, "address", "Dorpsstraat"),
        ]
        weging = self.weeg(signal, "w1", "ondermijning", motivation=SECRET)
        checks.append((weging, "motivation", "Pietje"))
        for record, column, clear in checks:
            stored = self.raw_column(record, column)
            self.assertTrue(
                stored.startswith("ond1:"), f"{record._name}.{column} is not encrypted"
            )
            self.assertNotIn(clear, stored.replace("-", ""))
        # every stored value of every encrypted field, in every ondermijning table
        for model_name in self.env["ir.attachment"]._ondermijning_encrypted_models():
            model = self.env[model_name]
            for name in model._encrypted_field_names():
                self.env.cr.execute(
                    f'SELECT count(*) FROM "{model._table}" WHERE "{name}" IS NOT NULL '  # noqa: S608
                    f"AND \"{name}\" NOT LIKE 'ond1:%%'"
                )
                self.assertEqual(self.env.cr.fetchone()[0], 0, f"{model_name}.{name}")

    def test_attachment_is_encrypted_on_disk_and_not_indexed(self):
        signal = self.new_signal()
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.users["medewerker"])
            .create(
                {
                    "name": "proces-verbaal.txt",
                    "res_model": signal._name,
                    "res_id": signal.id,
                    "raw": SECRET.encode(),
                }
            )
        )
        self.assertEqual(attachment.raw, SECRET.encode())
        self.assertEqual(attachment.mimetype, "text/plain")
        self.assertFalse(self.raw_column(attachment, "index_content"))
        stored = self.raw_column(attachment, "store_fname")
        path = attachment._full_path(stored)
        with open(path, "rb") as handle:
            on_disk = handle.read()
        self.assertTrue(on_disk.startswith(crypto.FILE_MAGIC))
        self.assertNotIn(b"Pietje", on_disk)
        with self.assertRaises(UserError):
            attachment.write({"public": True})
        with self.assertRaises(UserError):
            attachment.generate_access_token()

    def test_search_on_encrypted_field_is_refused(self):
        with self.assertRefused(UserError, "encrypted"):
            self.env["ondermijning.signaal"].with_user(self.users["medewerker"]).search(
                [("description", "ilike", "hennep")]
            )

    @mute_logger("odoo.sql_db")
    def test_missing_key_refuses_to_write_plaintext(self):
        signal = self.new_signal(description=SECRET)
        before = self.raw_column(signal, "description")
        config["ondermijning_keys"] = ""
        self.env.invalidate_all()
        with self.assertRefused(UserError, "No encryption key"):
            signal.with_user(self.users["medewerker"]).write({"description": "nieuw"})
            self.env.flush_all()
        with self.assertRefused(UserError, "No encryption key"):
            signal.with_user(self.users["medewerker"]).description  # noqa: B018
        self.restore_keys()
        self.assertEqual(
            self.raw_column(signal, "description"), before, "nothing was lost"
        )
        self.assertEqual(signal.description, SECRET)

    def test_wrong_key_is_a_clear_error(self):
        signal = self.new_signal(description=SECRET)
        key_id = crypto.current_key_id(self.env)
        config["ondermijning_keys"] = new_key_setting(key_id)
        self.env.invalidate_all()
        with self.assertRefused(UserError, "wrong"):
            signal.with_user(self.users["medewerker"]).description  # noqa: B018

    def test_rotation_reencrypts_in_resumable_batches(self):
        signals = self.env["ondermijning.signaal"]
        for number in range(7):
            signals |= self.new_signal(description=f"{SECRET} {number}")
        document = self.env["ir.attachment"].create(
            {
                "name": "pv.txt",
                "raw": SECRET.encode(),
                "res_model": signals._name,
                "res_id": signals[0].id,
            }
        )
        old_id = crypto.current_key_id(self.env)
        config["ondermijning_keys"] = f"{new_key_setting('k9')},{self.original_keys}"
        self.env.invalidate_all()
        Signal = self.env["ondermijning.signaal"]
        outdated = f"ond1:{old_id}:%"
        self.env.cr.execute(
            "SELECT count(*) FROM ondermijning_signaal WHERE description LIKE %s",
            [outdated],
        )
        total = self.env.cr.fetchone()[0]
        self.assertGreaterEqual(total, 7)
        # an interrupted run: only part of the work is done
        self.assertEqual(Signal._rotate_encryption(batch_size=3, limit=3), 3)
        self.env.cr.execute(
            "SELECT count(*) FROM ondermijning_signaal WHERE description LIKE %s",
            [outdated],
        )
        self.assertEqual(self.env.cr.fetchone()[0], total - 3)
        # the next run finishes the job and a third finds nothing to do
        self.assertEqual(Signal._rotate_encryption(batch_size=3), total - 3)
        self.assertEqual(Signal._rotate_encryption(batch_size=3), 0)
        self.env.cr.execute(
            "SELECT count(*) FROM ondermijning_signaal "
            "WHERE description LIKE 'ond1:k9:%%'"
        )
        self.assertGreaterEqual(self.env.cr.fetchone()[0], 7)
        for number, signal in enumerate(signals):
            self.assertEqual(signal.description, f"{SECRET} {number}")
        # the scheduled action rotates every model and the documents
        self.assertGreaterEqual(Signal._cron_rotate_keys(batch_size=2), 1)
        self.assertEqual(Signal._cron_rotate_keys(batch_size=2), 0)
        with open(document._full_path(document.store_fname), "rb") as handle:
            self.assertTrue(handle.read().startswith(crypto.FILE_MAGIC + b"k9:"))
        # the old key can now be removed
        config["ondermijning_keys"] = config["ondermijning_keys"].split(",")[0]
        self.env.invalidate_all()
        self.assertEqual(signals[0].description, f"{SECRET} 0")
