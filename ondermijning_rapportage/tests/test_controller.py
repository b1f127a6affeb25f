import io

import openpyxl

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..report import ondermijning_register_reader as rd
from ..report import ondermijning_workbooks as wb


@tagged("post_install", "-at_install")
class TestExportController(HttpCase):
    """The download streams the file generated as the logged-in user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gemeente = cls.env["res.company"].create(
            {"name": "Gemeente Controller (test)"}
        )
        cls.medewerker = new_test_user(
            cls.env,
            login="rap_ctrl_medewerker",
            groups="base.group_user,ondermijning_signalen.group_medewerker",
            company_id=cls.gemeente.id,
            company_ids=[cls.gemeente.id],
        )
        cls.other = new_test_user(
            cls.env,
            login="rap_ctrl_other",
            groups="base.group_user,ondermijning_signalen.group_medewerker",
            company_id=cls.gemeente.id,
            company_ids=[cls.gemeente.id],
        )
        cls.signal = cls.env["ondermijning.signaal"].create(
            {
                "company_id": cls.gemeente.id,
                "categorie_id": cls.env.ref(
                    "ondermijning_signalen.categorie_mma_drugsdelicten"
                ).id,
                "user_id": cls.medewerker.id,
            }
        )

    # The download is a read-only route: on the replica, its audit lines go
    # to the primary. A test cursor only simulates a read-only transaction,
    # so here the route runs again on a read/write one, which odoo.http logs
    # as a warning (tests/test_read_replica.py has the real read-only path).
    @mute_logger("odoo.http")
    def test_download_register(self):
        wizard = (
            self.env["ondermijning.export.wizard"]
            .with_user(self.medewerker)
            .create({"export_type": "register"})
        )
        action = wizard.action_export()
        self.assertEqual(action["target"], "download")
        self.authenticate("rap_ctrl_medewerker", "rap_ctrl_medewerker")
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], wb.XLSX_MIMETYPE)
        self.assertIn("register-", response.headers["Content-Disposition"])
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        rows = list(book["Register"].iter_rows(values_only=True))
        self.assertEqual([r[0] for r in rows[1:]], [self.signal.name])
        self.assertFalse(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "ondermijning.export.wizard")]
            ),
            "nothing stored",
        )

    @mute_logger("odoo.http")  # not found read-only: tried again read/write
    def test_someone_elses_wizard(self):
        wizard = (
            self.env["ondermijning.export.wizard"]
            .with_user(self.medewerker)
            .create({"export_type": "register"})
        )
        self.authenticate("rap_ctrl_other", "rap_ctrl_other")
        response = self.url_open(f"/ondermijning_rapportage/export/{wizard.id}")
        self.assertEqual(response.status_code, 404)

    def test_anonymous(self):
        response = self.url_open(
            "/ondermijning_rapportage/export/1", allow_redirects=False
        )
        self.assertIn(response.status_code, (303, 302))

    def test_template(self):
        self.authenticate("rap_ctrl_medewerker", "rap_ctrl_medewerker")
        response = self.url_open("/ondermijning_rapportage/import_template")
        self.assertEqual(response.status_code, 200)
        keys, rows = rd.read_register(io.BytesIO(response.content))
        self.assertEqual(keys, [c.key for c in rd.IMPORT_COLUMNS])
        list(rows)
