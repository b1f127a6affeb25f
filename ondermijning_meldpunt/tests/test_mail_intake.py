import base64
import email.message
import email.policy
from unittest.mock import patch

from odoo import fields
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.base.models.ir_mail_server import IrMailServer
from odoo.addons.ondermijning_signalen import stappenplan

from .common import captured_log, files_holding, photo_with_gps, tables_holding

MARKER = "Zq7MailMarker"
SENDER = "bewoner.zq7@example.nl"


def raw_email(sender, to, subject, body, attachments=(), message_id=None):
    message = email.message.EmailMessage(policy=email.policy.SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-Id"] = message_id or f"<{abs(hash((sender, subject)))}@example.nl>"
    message["Date"] = "Tue, 02 Dec 2025 09:15:00 +0100"
    message.set_content(body)
    for name, content, maintype, subtype in attachments:
        message.add_attachment(
            content, maintype=maintype, subtype=subtype, filename=name
        )
    return message.as_bytes()


@tagged("post_install", "-at_install")
class TestMailIntake(TransactionCase):
    """E-mail to a meldpunt's alias, fed to Odoo's mail gateway as the
    mailgate script or an incoming mail server does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gemeente = cls.env["res.company"].create({"name": "Gemeente Maildorp"})
        domain = cls.env["mail.alias.domain"].create({"name": "maildorp.example.nl"})
        cls.gemeente.alias_domain_id = domain
        cls.intake = new_test_user(
            cls.env,
            login="test_mail_intake",
            groups="base.group_user,ondermijning_signalen.group_medewerker",
            company_id=cls.gemeente.id,
            company_ids=[cls.gemeente.id],
        )
        cls.meldpunt = cls.env["ondermijning.meldpunt"].create(
            {
                "company_id": cls.gemeente.id,
                "slug": "maildorp",
                "intake_user_id": cls.intake.id,
                "alias_name": "meldpunt-maildorp",
            }
        )
        cls.address = "meldpunt-maildorp@maildorp.example.nl"

    def setUp(self):
        super().setUp()
        self.sent = []

        def capture(server, message, *args, **kwargs):
            self.sent.append(message)
            return message["Message-Id"]

        patcher = patch.object(
            IrMailServer, "send_email", autospec=True, side_effect=capture
        )
        patcher.start()
        self.addCleanup(patcher.stop)

    def receipts(self, address):
        return [m for m in self.sent if address in str(m["To"])]

    def process(self, raw):
        with captured_log() as log:
            result = self.env["mail.thread"].message_process(None, raw)
            self.env.flush_all()
            self.env.cr.precommit.run()
            self.env.flush_all()
            self.env.cr.postcommit.run()
        return result, log

    def test_an_email_becomes_an_encrypted_signal_in_stap1(self):
        self.assertEqual(self.meldpunt.alias_email, self.address)
        last = self.env["mail.message"].search([], order="id desc", limit=1).id
        raw = raw_email(
            f"Bewoner <{SENDER}>",
            self.address,
            f"Verdachte loods {MARKER} onderwerp",
            f"Bij de loods aan de Kanaalweg {MARKER} komen elke nacht busjes.",
            attachments=[
                (f"foto_{MARKER}.jpg", photo_with_gps(), "image", "jpeg"),
                (f"notitie_{MARKER}.txt", f"tekst {MARKER}".encode(), "text", "plain"),
            ],
        )
        signal_id, log = self.process(raw)
        signal = self.env["ondermijning.signaal"].browse(signal_id)
        self.assertEqual(signal.company_id, self.gemeente)
        self.assertEqual(signal.stage_code, stappenplan.INTAKE)
        self.assertEqual(signal.channel, "email")
        self.assertEqual(signal.herkomst_id.code, "burger")
        self.assertEqual(signal.user_id, self.intake)
        self.assertTrue(
            signal.activity_ids.filtered(lambda a: a.user_id == self.intake)
        )
        self.assertIn(f"Kanaalweg {MARKER}", signal.description)
        self.assertIn(f"Verdachte loods {MARKER}", signal.description)
        self.assertIn(SENDER, signal.melder_contact)
        documents = self.env["ir.attachment"].search(
            [("res_model", "=", "ondermijning.signaal"), ("res_id", "=", signal.id)]
        )
        self.assertEqual(len(documents), 2)
        photo = documents.filtered(lambda d: d.mimetype == "image/jpeg")
        self.assertNotIn(b"Zq7MarkerCam", photo.raw)
        # nothing of the e-mail as a message: only the notice to the team
        new = self.env["mail.message"].search([("id", ">", last)])
        self.assertLessEqual(len(new), 2, "the notice and the activity, nothing else")
        for message in new:
            self.assertNotIn(MARKER, message.body or "")
            self.assertNotIn(SENDER, message.email_from or "")
        # the marker and the sender are nowhere in clear
        for secret in (MARKER, SENDER):
            self.assertFalse(tables_holding(self.env, secret), secret)
            self.assertFalse(
                files_holding(self.env["ir.attachment"]._filestore(), secret), secret
            )
            self.assertFalse([line for line in log if secret in line], secret)
        # the sender got the reference, and nothing else
        receipts = self.receipts(SENDER)
        self.assertEqual(len(receipts), 1)
        receipt = receipts[0]
        self.assertIn(SENDER, receipt["To"])
        self.assertEqual(receipt["Auto-Submitted"], "auto-replied")
        text = receipt.get_body(("plain",)).get_content()
        self.assertIn(signal.name, text)
        self.assertIn(signal.name, receipt["Subject"])
        self.assertNotIn(MARKER, text + receipt["Subject"])
        self.assertNotIn("Kanaalweg", text)

    def test_the_same_email_twice_is_one_signal(self):
        raw = raw_email(
            SENDER, self.address, "Melding", "Tekst", message_id="<twice@example.nl>"
        )
        first, _log = self.process(raw)
        second, _log = self.process(raw)
        self.assertEqual(first, second)
        self.assertEqual(len(self.receipts(SENDER)), 1)

    def test_no_receipt_to_automatic_mail(self):
        raw = raw_email("no-reply@example.nl", self.address, "Nieuwsbrief", "x")
        signal_id, _log = self.process(raw)
        self.assertTrue(signal_id)
        self.assertFalse(self.receipts("no-reply@example.nl"))

    def test_mma_alert_becomes_a_task_due_today_not_a_signal(self):
        signals = self.env["ondermijning.signaal"].search_count([])
        raw = raw_email(
            "Meld Misdaad Anoniem <noreply@meldmisdaadanoniem.nl>",
            self.address,
            "Er staat een melding voor u klaar",
            "Beste gebruiker, er staat een melding klaar op het MMA-platform.",
        )
        alert_id, _log = self.process(raw)
        self.assertEqual(self.env["ondermijning.signaal"].search_count([]), signals)
        alert = self.env["ondermijning.mma.alert"].browse(alert_id)
        self.assertEqual(alert.company_id, self.gemeente)
        self.assertEqual(alert.state, "open")
        activity = alert.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("ondermijning_meldpunt.mail_activity_type_mma_ophalen"),
        )
        self.assertEqual(activity.user_id, self.intake)
        self.assertEqual(
            activity.date_deadline,
            fields.Date.context_today(alert.with_context(tz="Europe/Amsterdam")),
        )
        self.assertFalse(self.receipts("meldmisdaadanoniem.nl"), "MMA gets no receipt")
        # done: the activity is done and the alert registered
        alert.with_user(self.intake).action_done()
        self.assertEqual(alert.state, "done")
        self.assertFalse(alert.activity_ids)
        self.assertEqual(
            alert.with_user(self.intake).action_register()["res_model"],
            "ondermijning.signaal",
        )

    def test_attachment_that_cannot_be_cleaned_is_left_out(self):
        raw = raw_email(
            SENDER,
            self.address,
            "Met bijlage",
            "Zie bijlage",
            attachments=[
                (
                    "tool.exe",
                    base64.b64decode("TVqQAAMAAAAEAAAA"),
                    "application",
                    "octet-stream",
                )
            ],
        )
        signal_id, _log = self.process(raw)
        signal = self.env["ondermijning.signaal"].browse(signal_id)
        self.assertFalse(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "ondermijning.signaal"), ("res_id", "=", signal.id)]
            )
        )
        self.assertIn("tool", signal.description)
