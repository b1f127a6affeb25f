import os
import re
import shutil
import tempfile
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import config

from ..models.ondermijning_vernietiging import JOURNAL_OFFSET
from ..tools import journal
from .common import OndermijningCase

SECRET = "Pietje Puk, Dorpsstraat 13, hennep op zolder"
LINE = re.compile(r"^v1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ [0-9a-f]{64}$")


@tagged("post_install", "-at_install")
class TestDestructionJournal(OndermijningCase):
    """The journal outside the database that makes a restored backup forget
    again what was destroyed after it (docs/backup-restore.md). The restore
    itself is tests/test_restore_drill.py; here the database's side."""

    def setUp(self):
        super().setUp()
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        self.path = os.path.join(folder, "destruction-journal")
        for option, value in (
            ("ondermijning_destruction_journal", self.path),
            ("ondermijning_keys", config.get("ondermijning_keys")),
        ):
            self.addCleanup(config.__setitem__, option, config.get(option))
            config[option] = value
        # tests journal only when they ask, to a journal of their own
        env = self.env(context=dict(self.env.context, ondermijning_test_journal=True))
        self.Engine = env["ondermijning.bewaartermijn"].sudo()
        self.Log = env["ondermijning.vernietiging"].sudo()

    def ended(self, days_ago):
        """A signal not taken into treatment ``days_ago`` (kept 12 months)."""
        signal = self.new_signal(description=SECRET).sudo()
        signal._end("niet_in_behandeling", "Geen ondermijning")
        signal.date_end = fields.Datetime.now() - timedelta(days=days_ago)
        return signal

    def offset(self):
        self.env.cr.execute(
            "SELECT value FROM ir_config_parameter WHERE key = %s", [JOURNAL_OFFSET]
        )
        return int(self.env.cr.fetchone()[0])

    def test_a_destruction_is_journaled_without_content(self):
        signal = self.ended(800)
        name, digest = signal.name, self.Log._journal_hashes(signal.ids)[signal.id]
        self.Engine._cron_purge()
        self.assertFalse(signal.exists())
        with open(self.path, encoding="ascii") as handle:
            text = handle.read()
        lines = text.splitlines()
        self.assertIn(digest, [line.split()[-1] for line in lines])
        self.assertTrue(all(LINE.match(line) for line in lines), lines)
        for content in (name, "Pietje"):
            self.assertNotIn(content, text)
        # read up to its end: the next purge reads nothing
        self.assertEqual(self.offset(), os.path.getsize(self.path))
        self.assertEqual(self.Log._journal_replay_ids(), ([], self.offset()))

    def test_a_line_written_after_the_backup_destroys_again(self):
        """As after a restore: the journal has a line this database has not
        read (written after its backup). The rule keeps the signal for
        another eleven months, the journal's decision wins."""
        kept, gone = self.ended(30), self.ended(30)
        name = gone.name
        digest = self.Log._journal_hashes(gone.ids)[gone.id]
        journal.append(self.path, "2026-01-01T00:00:00Z", [digest])
        self.Engine._cron_purge()
        self.assertFalse(gone.exists())
        self.assertTrue(kept.exists())
        self.assertEqual(len(self.Log.search([("reference", "=", name)])), 1)
        self.assertEqual(self.offset(), os.path.getsize(self.path))

    def test_without_the_keys_the_journal_waits_for_them(self):
        gone = self.ended(30)
        digest = self.Log._journal_hashes(gone.ids)[gone.id]
        journal.append(self.path, "2026-01-01T00:00:00Z", [digest])
        keys = config["ondermijning_keys"]
        self.env.flush_all()
        config["ondermijning_keys"] = ""
        self.env.invalidate_all()
        today = fields.Date.today()
        logger = "odoo.addons.ondermijning_signalen.models.ondermijning_vernietiging"
        with self.assertLogs(logger, "WARNING") as logs:
            self.assertEqual(self.Engine._replay_destruction_journal(today, 500), [])
        self.assertIn("cannot be read without the encryption keys", logs.output[0])
        self.assertTrue(gone.exists(), "nothing is destroyed unread")
        config["ondermijning_keys"] = keys
        self.assertEqual(self.Engine._replay_destruction_journal(today, 500), gone.ids)
        self.assertFalse(gone.exists())

    def test_an_identity_is_its_creation_to_the_microsecond(self):
        """A signal made after a restore may get the id of one destroyed
        before it; never its creation time."""
        signal = self.ended(30)
        digest = self.Log._journal_hashes(signal.ids)[signal.id]
        self.env.cr.execute(
            "UPDATE ondermijning_signaal SET create_date = create_date + "
            "interval '1 microsecond' WHERE id = %s",
            [signal.id],
        )
        self.assertNotEqual(self.Log._journal_hashes(signal.ids)[signal.id], digest)
