import datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import RapportageCase

CAMPAGNE = "ondermijning.statistiek.campagne"


@tagged("post_install", "-at_install")
class TestPrioritiesAndCampaigns(RapportageCase):
    """The gemeente's priority categories and its campaigns in the
    statistics (filter and grouping) and in the workbook: signals received
    during a campaign (by the gemeente's local date) versus outside, MMA or
    not, and per campaign."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.categorie.sudo().is_priority = True  # drugs: a priority
        cls.woonfraude.sudo().is_priority = False
        Campagne = cls.env["ondermijning.campagne"].sudo()
        cls.vastgoed = Campagne.create(
            {
                "name": "MMA vastgoedcampagne",
                "company_id": cls.gemeente.id,
                "date_from": "2024-03-01",
                "date_to": "2024-03-31",
            }
        )
        cls.wijk = Campagne.create(
            {
                "name": "Wijkcampagne",
                "company_id": cls.gemeente2.id,
                "date_from": "2024-03-10",
                "date_to": "2024-03-10",
            }
        )
        mma = {"herkomst_id": cls.mma.id, "channel": "mma_platform"}
        woon = {"categorie_id": cls.woonfraude.id}
        march = cls.quick_signals(cls.gemeente, 6, "2024-03-10 10:00:00", **mma)
        # 23:30 on 31 March in the gemeente (summer time): in the campaign
        last_evening = cls.quick_signals(
            cls.gemeente, 1, "2024-03-31 21:30:00", **mma, **woon
        )
        # 00:30 on 1 April in the gemeente: after it
        cls.quick_signals(
            cls.gemeente,
            1,
            "2024-03-31 22:30:00",
            mma_number="MMA-APRIL",
            **mma,
            **woon,
        )
        cls.quick_signals(cls.gemeente, 5, "2024-05-10 10:00:00", **mma)
        meldpunt = cls.quick_signals(cls.gemeente, 5, "2024-03-15 10:00:00", **woon)
        june = cls.quick_signals(cls.gemeente, 1, "2024-06-01 10:00:00", **woon)
        (march[:3] | meldpunt[:1] | june).write(
            {"campagne_ids": [(6, 0, cls.vastgoed.ids)]}
        )
        elsewhere = cls.quick_signals(cls.gemeente2, 5, "2024-03-10 10:00:00")
        elsewhere[:2].write({"campagne_ids": [(6, 0, cls.wijk.ids)]})
        cls.last_evening = last_evening
        cls.companies = cls.gemeente | cls.gemeente2
        cls.domain = [("company_id", "in", cls.companies.ids)]

    def counts(self, model, role, groupby, domain=None):
        self.env.invalidate_all()
        rows = (
            self.env[model]
            .with_user(self.users[role])
            ._read_group(list(domain or self.domain), groupby, ["__count"])
        )
        return {
            tuple(v.id if hasattr(v, "ids") else v for v in row[:-1]): row[-1]
            for row in rows
        }

    def test_during_and_outside_campaigns(self):
        counts = self.counts(
            "ondermijning.statistiek", "medewerker", ["in_campaign", "is_mma"]
        )
        self.assertEqual(
            counts,
            {(True, True): 7, (False, True): 6, (True, False): 5, (False, False): 1},
            "31 March 23:30 local is in the campaign, 1 April 00:30 is not",
        )
        tagged = self.counts(
            "ondermijning.statistiek", "medewerker", ["campaign_tagged"]
        )
        self.assertEqual(tagged, {(True,): 5, (False,): 14})

    def test_priorities_filter_and_group(self):
        counts = self.counts("ondermijning.statistiek", "medewerker", ["is_priority"])
        self.assertEqual(counts, {(True,): 11, (False,): 8})
        filtered = self.counts(
            "ondermijning.statistiek",
            "analist",
            ["company_id"],
            self.domain + [("is_priority", "=", True)],
        )
        self.assertEqual(filtered, {(self.gemeente.id,): 11, (self.gemeente2.id,): 5})
        arch = self.env["ondermijning.statistiek"].get_views([(False, "search")])[
            "views"
        ]["search"]["arch"]
        for name in ("filter_priority", "group_priority", "filter_in_campaign"):
            self.assertIn(f'name="{name}"', arch)

    def test_signals_per_campaign(self):
        counts = self.counts(
            CAMPAGNE, "medewerker", ["campagne_id", "in_period", "tagged"]
        )
        self.assertEqual(
            counts,
            {
                (self.vastgoed.id, True, True): 4,
                (self.vastgoed.id, True, False): 8,
                (self.vastgoed.id, False, True): 1,
            },
            "12 received during the campaign (4 of them tagged), 1 tagged later",
        )
        mma = self.counts(
            CAMPAGNE,
            "medewerker",
            ["is_mma"],
            [("campagne_id", "=", self.vastgoed.id), ("in_period", "=", True)],
        )
        self.assertEqual(mma, {(True,): 7, (False,): 5})

    def test_analyst_protected_and_no_rows(self):
        exact = {
            tuple(row[:-1]): row[-1]
            for row in self.env["ondermijning.statistiek"]._read_group(
                self.domain, ["in_campaign", "is_mma"], ["__count"]
            )
        }
        counts = self.counts(
            "ondermijning.statistiek", "analist", ["in_campaign", "is_mma"]
        )
        self.assertNotIn((False, False), counts, "a single signal: withheld")
        for key, value in counts.items():
            self.assertEqual(value, exact[key])
        self.assertEqual(
            self.counts("ondermijning.statistiek", "analist", ["in_campaign"]),
            {(True,): 17, (False,): 7},
            "the totals are exact",
        )
        per_campaign = self.counts(CAMPAGNE, "analist", ["campagne_id", "tagged"])
        self.assertNotIn((self.wijk.id, True), per_campaign, "2 tagged: withheld")
        self.assertEqual(
            self.counts(CAMPAGNE, "analist", ["campagne_id"]),
            {(self.vastgoed.id,): 13, (self.wijk.id,): 5},
        )
        Campagne = self.env[CAMPAGNE].with_user(self.users["analist"])
        with self.assertRaises(AccessError):
            Campagne.search_read(self.domain, ["campagne_id"])
        with self.assertRaises(AccessError):
            Campagne._read_group(self.domain, ["date_received:day"], ["__count"])
        with self.assertRaises(AccessError):
            self.env["ondermijning.campagne.spoor"].with_user(
                self.users["analist"]
            ).search([])

    def test_workbook(self):
        filters = {
            "date_from": datetime.date(2024, 1, 1),
            "date_to": datetime.date(2024, 12, 31),
        }
        book = self.export("medewerker", "statistieken", **filters)
        priority = {row[0]: row[1] for row in self.rows(book["Per prioriteit"])}
        self.assertEqual(priority["Prioriteit van de gemeente"], 11)
        self.assertEqual(priority["Overige categorieën"], 8)
        rows = self.rows(book["Campagnes"])
        label = (
            "MMA vastgoedcampagne (Gemeente Hengelo (test), 01-03-2024 t/m 31-03-2024)"
        )
        line = next(row for row in rows if row[0] == label)
        self.assertEqual(line[1:4], [12, 7, 5])
        during = next(row for row in rows if row[0] == "Tijdens een campagne")
        header = next(row for row in rows if row[0] == "Ontvangen")
        self.assertEqual(header[1:4], ["MMA", "Niet via MMA", "Totaal"])
        self.assertEqual(during[1:4], [7, 5, 12])
        analist = self.export(
            "analist", "statistieken", company_ids=self.companies.ids, **filters
        )
        rows = self.rows(analist["Campagnes"])
        wijk = next(row for row in rows if row[0].startswith("Wijkcampagne"))
        self.assertEqual(wijk[3], "x", "two signals tagged: withheld")
        self.assertTrue(any(row[0] and "geheim" in row[0] for row in rows))
