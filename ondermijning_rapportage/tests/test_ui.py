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

    def test_analyst_opens_the_protected_statistics(self):
        tour = self.env["res.company"].create({"name": "Regio Tour"})
        small = self.env["res.company"].create({"name": "Regio Klein"})
        Signal = self.env["ondermijning.signaal"].with_context(
            tracking_disable=True, mail_create_nolog=True
        )
        categorie = self.env.ref("ondermijning_signalen.categorie_mma_drugsdelicten")
        for company, count in ((tour, 12), (small, 2)):
            Signal.create(
                [
                    {
                        "company_id": company.id,
                        "categorie_id": categorie.id,
                        "date_received": "2024-03-05 10:00:00",
                        "user_id": False,
                    }
                    for _i in range(count)
                ]
            )
        self.start_tour(
            "/odoo/action-ondermijning_rapportage.ondermijning_statistiek_action",
            "ondermijning_statistics_analyst_tour",
            login="test_analist",
        )
