from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import OndermijningCase


@tagged("post_install", "-at_install")
class TestSubjectSearch(OndermijningCase):
    """Issue 15: the signal search finds a subject or object by its exact
    KvK number, BAG id, postcode and house number, or name and date of
    birth, through blind indexes; never by a part of it, never beyond what
    the user may see."""

    def setUp(self):
        super().setUp()
        self.signal = self.new_signal(
            subject_ids=[
                Command.create(
                    {
                        "kind": "bedrijf",
                        "name": "Autohandel De Wisselstrook B.V.",
                        "kvk_number": "89902341",
                        "address": "Smederijweg 15, 7554 PW Hengelo",
                    }
                ),
                Command.create(
                    {
                        "kind": "persoon",
                        "name": "Wesley Hofsteenge",
                        "birth_date": "1982-03-05",
                    }
                ),
                Command.create(
                    {
                        "kind": "object",
                        "address": "Veldkampsweg 12a, 7559 SN Hengelo",
                        "bag_id": "0164010000771234",
                    }
                ),
            ]
        )
        self.other = self.new_signal()

    def found(self, value, role="medewerker", user=None):
        Signal = self.env["ondermijning.signaal"].with_user(user or self.users[role])
        return Signal.search([("subject_search", "ilike", value)])

    def test_exact_values_find_the_signal(self):
        for value in (
            "89902341",
            "8990 2341",
            "0164010000771234",
            "7554PW 15",
            "7554 pw 15",
            "Smederijweg 15, 7554 PW",
            "7559SN 12",
            "Wesley Hofsteenge 1982-03-05",
            "wesley hofsteenge 05-03-1982",
        ):
            self.assertEqual(self.found(value), self.signal, value)

    def test_parts_and_near_values_find_nothing(self):
        for value in (
            "8990",
            "89902342",
            "7554PW",
            "7554 PW 16",
            "Smederijweg",
            "Wesley",
            "Wesley Hofsteenge",
            "Wesley Hofsteenge 1982-03-06",
            "Autohandel",
            "0164010000",
        ):
            self.assertFalse(self.found(value), value)

    def test_nothing_in_clear_is_stored_to_find_it(self):
        subject = self.signal.sudo().subject_ids.filtered(lambda s: s.kvk_number)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT kvk_key, postcode_key FROM ondermijning_subject WHERE id = %s",
            subject.ids,
        )
        for value in self.env.cr.fetchone():
            self.assertTrue(value)
            self.assertNotIn("8990", value)
            self.assertNotIn("7554", value)

    def test_not_beyond_what_the_user_may_see(self):
        # another gemeente
        self.assertFalse(self.found("89902341", user=self.medewerker2))
        # a melder may not search on subjects at all
        with self.assertRaises(AccessError):
            self.found("89902341", role="melder")
        # a partner: only when the privacyfunctionaris cleared the subjects
        overleg = self.env["ondermijning.overleg"].create(
            {
                "company_id": self.gemeente.id,
                "user_ids": [Command.set(self.users["overleg"].ids)],
                "signaal_ids": [Command.set(self.signal.ids)],
            }
        )
        self.assertTrue(overleg)
        clearance = (
            self.env["ondermijning.vrijgave"]
            .with_user(self.users["privacy"])
            .create(
                {
                    "signaal_id": self.signal.id,
                    "partner_id": self.politie.id,
                    "scope": "kern",
                    "legal_ground": "RIEC-convenant",
                }
            )
        )
        self.assertFalse(self.found("89902341", role="overleg"), "facts only")
        clearance.sudo().scope = "subjecten"
        self.assertEqual(self.found("89902341", role="overleg"), self.signal)

    def test_a_sealed_signal_is_not_found(self):
        signal = self.new_signal(
            subject_ids=[Command.create({"kind": "bedrijf", "kvk_number": "11223344"})]
        )
        self.assertEqual(self.found("11223344", role="privacy"), signal)
        self.weeg(signal, "w1", "geen_ondermijning", indicator_ids=[])
        tomorrow = fields.Date.today() + timedelta(days=1)
        self.env["ondermijning.bewaartermijn"]._seal_ended_signals(tomorrow)
        self.assertTrue(signal.sudo().is_sealed)
        self.env.invalidate_all()
        self.assertFalse(self.found("11223344", role="privacy"))
