import base64
import io
import json

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import RapportageCase


@tagged("post_install", "-at_install")
class TestBackgroundJobs(HttpCase, RapportageCase):
    """Exports and imports of many rows run in a cron job as the user who
    asked; the file is his alone; the notification says only where to look."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "ondermijning_rapportage.background_rows", 2
        )
        cls.signals = cls.quick_signals(
            cls.gemeente,
            3,
            "2024-05-02 10:00:00",
            description="Hennepkwekerij aan de Geheimstraat 13",
        )
        cls.Job = cls.env["ondermijning.rapportage.job"]

    def ask_export(self, user):
        wizard = (
            self.env["ondermijning.export.wizard"]
            .with_user(user)
            .create({"export_type": "register"})
        )
        before = self.Job.sudo().search([]).ids
        action = wizard.action_export()
        job = self.Job.sudo().search([("id", "not in", before)])
        return action, job

    def notifications(self, partner):
        self.env.cr.precommit.run()
        messages = self.env["bus.bus"].sudo().search([], order="id")
        channel = json.dumps([self.env.cr.dbname, "res.partner", partner.id])
        return [
            json.loads(message.message)
            for message in messages
            if json.loads(message.channel) == json.loads(channel)
        ]

    def test_a_long_export_runs_in_the_background(self):
        medewerker = self.users["medewerker"]
        action, job = self.ask_export(medewerker)
        # the wizard closes and says the export runs
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            action["params"]["next"]["type"], "ir.actions.act_window_close"
        )
        self.assertEqual(
            (job.user_id, job.state, job.export_type),
            (medewerker, "queued", "register"),
        )
        self.Job._cron_run_jobs()
        self.assertEqual(job.state, "done", job.message)
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(job.file)))
        values = [
            value
            for row in book.worksheets[0].iter_rows(values_only=True)
            for value in row
        ]
        for signal in self.signals:
            self.assertIn(signal.name, values)
        # the requester reads his job and its file
        self.env.invalidate_all()
        own = self.Job.with_user(medewerker).search([])
        self.assertEqual(own, job)
        self.assertTrue(own.file)
        # the notification: that it is done, not what is in it
        payloads = [
            n["payload"]
            for n in self.notifications(medewerker.partner_id)
            if n["type"] == "simple_notification"
        ]
        self.assertEqual(len(payloads), 1)
        text = json.dumps(payloads, ensure_ascii=False)
        for secret in [
            "Geheimstraat",
            job.filename,
            *self.signals.mapped("name"),
            self.gemeente.name,
        ]:
            self.assertNotIn(secret, text)

    def test_the_file_is_the_requesters_only(self):
        medewerker = self.users["medewerker"]
        _action, job = self.ask_export(medewerker)
        self.Job._cron_run_jobs()
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", job._name),
                    ("res_id", "=", job.id),
                    ("res_field", "=", "file"),
                ]
            )
        )
        self.assertEqual(len(attachment), 1)
        self.assertFalse(attachment.public)
        domain = [
            ("res_model", "=", job._name),
            ("res_id", "=", job.id),
            ("res_field", "=", "file"),
        ]
        # the requester: through the job's field, the attachment and HTTP
        self.env.invalidate_all()
        self.assertEqual(
            self.env["ir.attachment"].with_user(medewerker).search(domain), attachment
        )
        self.authenticate("test_medewerker", "test_medewerker")
        response = self.url_open(f"/web/content/{attachment.id}?download=true")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"PK"))
        # anyone else, even an administrator or a colleague of the same gemeente
        colleague = self.users["team"]
        for other in (
            self.users["analist"],
            colleague,
            self.env.ref("base.user_admin"),
        ):
            with self.subTest(user=other.login):
                self.env.invalidate_all()
                self.assertFalse(
                    self.Job.with_user(other).search([]).filtered(lambda j: j == job)
                )
                self.assertFalse(
                    self.env["ir.attachment"].with_user(other).search(domain)
                )
                with self.assertRaises(AccessError):
                    attachment.with_user(other).read(["datas"])
                with self.assertRaises(AccessError):
                    job.with_user(other).read(["file"])
        self.authenticate("test_team", "test_team")
        for url in (
            f"/web/content/{attachment.id}?download=true",
            f"/web/content/{job._name}/{job.id}/file?download=true",
        ):
            response = self.url_open(url)
            self.assertIn(response.status_code, (403, 404), url)
            self.assertFalse(response.content.startswith(b"PK"))

    def test_users_cannot_make_or_change_jobs(self):
        medewerker = self.users["medewerker"]
        _action, job = self.ask_export(medewerker)
        with self.assertRaises(AccessError):
            self.Job.with_user(medewerker).create(
                {
                    "job_type": "export",
                    "export_type": "register",
                    "user_id": medewerker.id,
                }
            )
        with self.assertRaises(AccessError):
            job.with_user(medewerker).write({"state": "done"})

    def test_a_short_export_is_downloaded_at_once(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "ondermijning_rapportage.background_rows", 10
        )
        action, job = self.ask_export(self.users["medewerker"])
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertFalse(job)

    def test_a_failed_job_says_so(self):
        medewerker = self.users["medewerker"]
        _action, job = self.ask_export(medewerker)
        # the medewerker lost his right to the register before the job ran
        medewerker.groups_id -= self.env.ref("ondermijning_signalen.group_medewerker")
        self.Job._cron_run_jobs()
        self.assertEqual(job.state, "failed")
        self.assertFalse(job.file)
        self.assertTrue(job.message)
