import io

import openpyxl

from odoo.tests import HttpCase, tagged

from odoo.addons.ondermijning_signalen.tests.common import OndermijningCase


@tagged("post_install", "-at_install")
class TestUi(HttpCase, OndermijningCase):
    """Journey 5 in a real browser: a medewerker downloads the statistics."""

    def test_medewerker_downloads_the_statistics_workbook(self):
        self.new_signal()
        Wizard = self.env["ondermijning.export.wizard"]
        before = Wizard.search([]).ids
        self.start_tour(
            "/odoo/action-ondermijning_signalen.ondermijning_signaal_action",
            "ondermijning_statistics_download_tour",
            login="test_medewerker",
        )
        wizard = Wizard.search([("id", "not in", before)])
        self.assertEqual(wizard.export_type, "statistieken")
        self.assertEqual(wizard.create_uid, self.users["medewerker"])
        # the file the browser was sent to download, fetched with the same rights
        self.authenticate("test_medewerker", "test_medewerker")
        response = self.url_open(f"/ondermijning_rapportage/export/{wizard.id}")
        self.assertEqual(response.status_code, 200)
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        self.assertIn("Dashboard", book.sheetnames)
