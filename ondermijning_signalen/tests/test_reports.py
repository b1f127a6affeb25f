from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import OndermijningCase

DOSSIER = "ondermijning_signalen.action_report_casus_dossier"
LIJST = "ondermijning_signalen.action_report_vernietigingslijst"


@tagged("post_install", "-at_install")
class TestCasusDossier(OndermijningCase):
    """Issue 15: the casus dossier as PDF (wkhtmltopdf) shows each reader
    what his own reads show him, and each print is in the audit log."""

    def setUp(self):
        super().setUp()
        self.signal = self.new_signal(
            subject_ids=[Command.create({"kind": "persoon", "name": "Piet Verborgen"})]
        )
        self.casus = self.through_stap3(self.signal)
        self.privacy_check(self.casus, "2a")
        medewerker = self.users["medewerker"]
        self.casus.with_user(medewerker).plan_van_aanpak = "Sluiting van het pand"
        self.env["ondermijning.interventie"].with_user(medewerker).create(
            {
                "casus_id": self.casus.id,
                "instrument_id": self.env.ref("ondermijning_signalen.instrument_1").id,
                "afdeling_id": self.afdeling.id,
                "result": "Last onder dwangsom opgelegd",
            }
        )

    def dossier(self, user):
        return self.pdf_text(DOSSIER, user, self.casus)

    def test_the_medewerker_sees_the_whole_dossier(self):
        text = self.dossier(self.users["medewerker"])
        for shown in (
            self.casus.name,
            self.signal.name,
            "Gemeente Hengelo (test)",
            "Hennepkwekerij",  # the signal
            "Piet Verborgen",  # its subject
            "Motivering w3 voldoende_zwaar",  # a weging
            "Bekend bij vergunningen",  # a hit
            "Adres en KvK-gegevens",  # privacy check 2A
            "Sluiting van het pand",  # plan van aanpak
            "Last onder dwangsom opgelegd",  # an intervention's result
        ):
            self.assertIn(shown, text)
        printed = self.env["ondermijning.audit.log"].search(
            [("action", "=", "print"), ("user_id", "=", self.users["medewerker"].id)]
        )
        self.assertEqual(
            set(printed.mapped("res_model")),
            {"ondermijning.casus", "ondermijning.signaal"},
        )
        self.assertIn(self.casus.name, printed.mapped("reference"))
        self.assertNotIn("Sluiting", " ".join(printed.mapped("references")))

    def test_a_partner_sees_only_what_was_cleared(self):
        overleg = self.env["ondermijning.overleg"].create(
            {
                "company_id": self.gemeente.id,
                "user_ids": [Command.set(self.users["overleg"].ids)],
                "signaal_ids": [Command.set(self.signal.ids)],
                "casus_ids": [Command.set(self.casus.ids)],
            }
        )
        self.assertTrue(overleg)
        text = self.dossier(self.users["overleg"])
        # the casus was cleared for the politie by privacy check 2A
        self.assertIn(self.casus.name, text)
        self.assertIn("Sluiting van het pand", text)
        # the signal was not cleared: that it exists, nothing of it
        self.assertIn(self.signal.name, text)
        for hidden in (
            "Hennepkwekerij",
            "Piet Verborgen",
            "Motivering",
            "Bekend bij vergunningen",
            "Adres en KvK-gegevens",
            self.users["medewerker"].name,
        ):
            self.assertNotIn(hidden, text)
        # cleared with its subjects, it shows them
        self.env["ondermijning.vrijgave"].with_user(self.users["privacy"]).create(
            {
                "signaal_id": self.signal.id,
                "partner_id": self.politie.id,
                "scope": "subjecten",
                "legal_ground": "RIEC-convenant",
            }
        )
        text = self.dossier(self.users["overleg"])
        self.assertIn("Hennepkwekerij", text)
        self.assertIn("Piet Verborgen", text)
        self.assertNotIn("Motivering", text)

    def test_no_dossier_beyond_the_readers_access(self):
        with self.assertRaises(AccessError):
            self.dossier(self.medewerker2)  # another gemeente
        with self.assertRaises(AccessError):
            self.dossier(self.users["overleg"])  # not on his agenda
        with self.assertRaises(AccessError):
            self.dossier(self.users["melder"])
        self.assertFalse(
            self.env["ondermijning.audit.log"].search(
                [("action", "=", "print"), ("res_model", "=", "ondermijning.casus")]
            )
        )

    def test_in_dutch(self):
        self.users["medewerker"].lang = "nl_NL"
        text = self.dossier(self.users["medewerker"])
        self.assertIn("Signalen", text)
        self.assertIn("Vertrouwelijk", text)
        self.assertIn("Plan van aanpak", text)


@tagged("post_install", "-at_install")
class TestVernietigingslijstReport(OndermijningCase):
    """The destruction list the privacyfunctionaris approves: references,
    no content; only hers to print."""

    def setUp(self):
        super().setUp()
        self.signal = self.new_signal(
            subject_ids=[Command.create({"kind": "persoon", "name": "Piet Verborgen"})]
        )
        self.lijst = self.env["ondermijning.vernietigingslijst"]._propose(
            self.gemeente.id, self.signal.ids, self.signal.date_received.date()
        )

    def test_references_without_content(self):
        text = self.pdf_text(LIJST, self.users["privacy"], self.lijst)
        self.assertIn(self.signal.name, text)
        self.assertIn("Gemeente Hengelo (test)", text)
        self.assertNotIn("Hennepkwekerij", text)
        self.assertNotIn("Piet Verborgen", text)
        self.assertTrue(
            self.env["ondermijning.audit.log"].search(
                [("action", "=", "print"), ("res_id", "=", self.lijst.id)]
            )
        )

    def test_only_the_privacyfunctionaris_prints_it(self):
        for role in ("medewerker", "beheerder"):
            with self.assertRaises(AccessError):
                self.pdf_text(LIJST, self.users[role], self.lijst)
