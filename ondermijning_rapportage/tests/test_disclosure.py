import datetime
import io

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.ondermijning_signalen import stappenplan

from .common import QUIET, RapportageCase

# (gemeente, month, categorie) -> signals; several cells under 5
LAYOUT = {
    ("A", 1, "drugs"): 6,
    ("A", 1, "woon"): 5,
    ("A", 2, "drugs"): 7,
    ("A", 2, "woon"): 1,
    ("B", 1, "drugs"): 8,
    ("B", 2, "drugs"): 2,
    ("B", 2, "woon"): 6,
    ("C", 1, "woon"): 3,
    ("C", 2, "drugs"): 9,
}


@tagged("post_install", "-at_install")
class TestDisclosureControl(RapportageCase):
    """The regional analyst over the doors a client can call (read_group,
    web_read_group, search, search_count, read, name_search): what he sees
    and what he must not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Company = cls.env["res.company"]
        cls.region = {name: Company.create({"name": f"Regio {name}"}) for name in "ABC"}
        cls.companies = Company.browse([c.id for c in cls.region.values()])
        cls.domain = [("company_id", "in", cls.companies.ids)]
        cats = {"drugs": cls.categorie, "woon": cls.woonfraude}
        cls.wijk = cls.env["ondermijning.wijk"].create(
            {"name": "Centrum", "company_id": cls.region["A"].id}
        )
        Signal = cls.env["ondermijning.signaal"].with_context(
            **QUIET, ondermijning_no_audit=True
        )
        cls.signals = Signal
        for (name, month, cat), count in LAYOUT.items():
            cls.signals |= Signal.create(
                [
                    {
                        "company_id": cls.region[name].id,
                        "categorie_id": cats[cat].id,
                        "date_received": datetime.datetime(2024, month, 3 + i, 10),
                        "wijk_id": cls.wijk.id if name == "A" else False,
                        "user_id": False,
                    }
                    for i in range(count)
                ]
            )
        # A's January drugs: six signals, one of which ended (its lead time
        # is the only one of that cell)
        first = cls.signals.filtered(
            lambda s: (
                s.company_id == cls.region["A"]
                and s.categorie_id == cls.categorie
                and s.date_received.month == 1
            )
        )[0]
        first.sudo().write(
            {
                "end_state": "niet_in_behandeling",
                "date_end": "2024-01-20 10:00:00",
                "stage_id": cls.stage[stappenplan.AFGESLOTEN].id,
            }
        )
        cls.analist = cls.users["analist"]

    def stat(self, user=None):
        self.env.invalidate_all()
        return self.env["ondermijning.statistiek"].with_user(user or self.analist)

    def truth(self, groupby):
        """The exact counts, as the superuser sees them."""
        return {
            tuple(getattr(v, "id", v) for v in row[:-1]): row[-1]
            for row in self.env["ondermijning.statistiek"]._read_group(
                self.domain, groupby, ["__count"]
            )
        }

    def shown(self, groupby, domain=None, user=None):
        return {
            tuple(getattr(v, "id", v) for v in row[:-1]): row[-1]
            for row in self.stat(user)._read_group(
                domain or self.domain, groupby, ["__count"]
            )
        }

    def test_groupings_that_single_out_signals_are_refused(self):
        Stat = self.stat()
        for groupby in (
            ["id"],
            ["company_id", "wijk_id", "categorie_id", "date_received:day"],
            ["company_id", "wijk_id", "categorie_id", "stap"],
            ["date_received:day"],
            ["date_received:week"],
            ["lead_total"],
            ["count_closed"],
        ):
            with self.subTest(groupby=groupby):
                with self.assertRaises(AccessError):
                    Stat._read_group(self.domain, groupby, ["__count"])
                with self.assertRaises(AccessError):
                    Stat.read_group(self.domain, ["__count"], groupby, lazy=False)
                with self.assertRaises(AccessError):
                    Stat.web_read_group(self.domain, ["__count"], groupby, lazy=False)
        for aggregate in (
            "lead_total:max",
            "lead_total:min",
            "lead_total:sum",
            "id:array_agg",
            "id:count_distinct",
            "company_id:count_distinct",
        ):
            with self.subTest(aggregate=aggregate):
                with self.assertRaises(AccessError):
                    Stat._read_group(self.domain, ["company_id"], [aggregate])
                with self.assertRaises(AccessError):
                    Stat.read_group(self.domain, [aggregate], ["company_id"])
        for leaf in (
            ("id", "=", self.signals[0].id * 2),
            ("lead_total", ">", 1),
            ("lead_stap1", "=", 0.5),
            ("categorie_id.name", "=", "Drugsdelicten"),
            ("wijk_id", "any", [("name", "=", "Centrum")]),
        ):
            with self.subTest(leaf=leaf):
                with self.assertRaises(AccessError):
                    Stat._read_group([*self.domain, leaf], [], ["__count"])
        with self.assertRaises(AccessError):
            Stat._read_group(self.domain, ["company_id"], ["__count"], order="id")

    def test_rows_are_refused(self):
        Stat = self.stat()
        row_id = self.signals[0].id * 2
        for call in (
            lambda: Stat.search(self.domain),
            lambda: Stat.search_count(self.domain),
            lambda: Stat.search_read(self.domain, ["company_id"]),
            lambda: Stat.web_search_read(self.domain, {"company_id": {}}),
            lambda: Stat.browse(row_id).read(["company_id", "lead_total"]),
            lambda: Stat.browse(row_id).web_read({"lead_total": {}}),
            lambda: Stat.name_search("2024"),
        ):
            with self.assertRaises(AccessError):
                call()
        # nor the rows of the anonymous trace under the statistics: counted
        # one by one they would give away what the threshold hides
        Trace = self.env["ondermijning.signaal.spoor"].with_user(Stat.env.user)
        for call in (
            lambda: Trace.search([]),
            lambda: Trace.search_read([], ["company_id"]),
            lambda: Trace.read_group([], ["company_id"], ["company_id"]),
        ):
            with self.assertRaises(AccessError):
                call()

    def test_small_cells_are_hidden_and_totals_give_nothing_away(self):
        threshold = 5
        groupby = ["company_id", "date_received:month"]
        truth = self.truth(groupby)
        shown = self.shown(groupby)
        margins = {
            0: self.shown(["date_received:month"]),
            1: self.shown(["company_id"]),
        }
        total = self.shown([])[()]
        self.assertEqual(total, sum(LAYOUT.values()), "the total is exact")
        for key, count in shown.items():
            self.assertEqual(count, truth[key], "a shown cell is exact")
            self.assertGreaterEqual(count, threshold)
        for key, count in truth.items():
            if count < threshold:
                self.assertNotIn(key, shown)
        # along each row and column whose total is shown: the hidden cells
        # are none, or at least two holding at least the threshold
        for position, margin in margins.items():
            lines = {}
            for key in truth:
                lines.setdefault(key[:position] + key[position + 1 :], []).append(key)
            for margin_key, keys in lines.items():
                hidden = [key for key in keys if key not in shown]
                if not hidden or margin_key not in margin:
                    continue
                self.assertGreaterEqual(len(hidden), 2)
                rest = margin[margin_key] - sum(shown[k] for k in keys if k in shown)
                self.assertGreaterEqual(rest, threshold)
        # and with the dashboard's three dimensions: one group per signal
        # nowhere
        three = self.shown(["company_id", "categorie_id", "date_received:month"])
        self.assertTrue(all(count >= threshold for count in three.values()))

    def test_what_the_analyst_may_see(self):
        """Counts per gemeente, month, category: exact where large enough."""
        by_company = self.shown(["company_id"])
        self.assertEqual(
            by_company,
            {
                (self.region["A"].id,): 19,
                (self.region["B"].id,): 16,
                (self.region["C"].id,): 12,
            },
        )
        by_category = self.shown(["categorie_id"])
        self.assertEqual(
            by_category, {(self.categorie.id,): 32, (self.woonfraude.id,): 15}
        )
        rows = self.stat().read_group(
            self.domain,
            ["__count", "count_closed:sum", "lead_total:avg"],
            ["company_id"],
            lazy=False,
        )
        a = next(r for r in rows if r["company_id"][0] == self.region["A"].id)
        self.assertEqual(a["__count"], 19)
        self.assertIsNone(a["count_closed"], "1 closed of 19: withheld")
        self.assertIsNone(a["lead_total"], "one lead time: withheld")
        # the medewerker of a gemeente sees his own exact figures
        medewerker = new_test_user(
            self.env,
            login="rap_disclosure_a",
            groups="base.group_user,ondermijning_signalen.group_medewerker",
            company_id=self.region["A"].id,
            company_ids=[self.region["A"].id],
        )
        exact = self.stat(medewerker).read_group(
            [],
            ["__count", "count_closed:sum", "lead_total:avg"],
            ["company_id"],
            lazy=False,
        )
        self.assertEqual(
            [(r["__count"], r["count_closed"], r["lead_total"]) for r in exact],
            [(19, 1, 17.0)],
        )
        self.assertEqual(
            self.shown(
                ["categorie_id", "date_received:month"],
                domain=[("company_id", "=", self.region["A"].id)],
                user=medewerker,
            )[(self.woonfraude.id, datetime.date(2024, 2, 1))],
            1,
        )

    def test_lead_times_over_enough_signals(self):
        """Five ended signals in B: their average lead time is shown."""
        ended = self.signals.filtered(lambda s: s.company_id == self.region["B"])[:5]
        for signal in ended:
            signal.sudo().write(
                {
                    "end_state": "niet_in_behandeling",
                    "date_end": signal.date_received + datetime.timedelta(days=4),
                    "stage_id": self.stage[stappenplan.AFGESLOTEN].id,
                }
            )
        rows = self.stat().read_group(
            self.domain,
            ["__count", "count_closed:sum", "lead_total:avg"],
            ["company_id"],
            lazy=False,
        )
        b = next(r for r in rows if r["company_id"][0] == self.region["B"].id)
        self.assertEqual((b["__count"], b["count_closed"]), (16, 5))
        self.assertAlmostEqual(b["lead_total"], 4.0)
        book = self.export(self.analist, "statistieken", company_ids=self.companies.ids)
        lead = {row[0]: row[1:] for row in self.rows(book["Doorlooptijden"])[1:]}
        count, average, median, _p90 = lead["Totaal (ontvangst tot einde)"]
        self.assertEqual(count, 6)
        self.assertAlmostEqual(average, (17 + 5 * 4) / 6, places=2)
        self.assertEqual(median, 4.0)

    def test_an_expanded_header_is_a_slice_of_the_table(self):
        """The pivot filters on a row's value when it is expanded: the
        answer hides the same cells as the table it came from."""
        table = self.shown(["company_id", "date_received:month"])
        for company in self.companies:
            expanded = self.shown(
                ["date_received:month"],
                domain=[*self.domain, ("company_id", "=", company.id)],
            )
            self.assertEqual(
                expanded,
                {
                    (month,): count
                    for (company_id, month), count in table.items()
                    if company_id == company.id
                },
                company.name,
            )

    def test_graph_leaves_hidden_months_empty(self):
        """The graph asks for empty months as zeros: a withheld month is
        left out, not drawn as a zero."""
        d = self.env["res.company"].create({"name": "Regio D"})
        # two gemeenten (one without signals): a filter, not a dimension
        empty = self.env["res.company"].create({"name": "Regio E"})
        scope = [("company_id", "in", (d | empty).ids)]
        self.quick_signals(d, 20, "2024-01-10 10:00:00")
        self.quick_signals(d, 2, "2024-02-10 10:00:00")
        self.quick_signals(d, 7, "2024-03-10 10:00:00")
        self.quick_signals(d, 6, "2024-04-10 10:00:00")
        Stat = self.stat().with_context(fill_temporal=True)
        result = Stat.web_read_group(
            scope,
            ["__count"],
            ["date_received:month"],
            lazy=False,
        )
        counts = [group["__count"] for group in result["groups"]]
        # February (2) is withheld, and April (6) with it: 35 - 20 - 7 would
        # give February otherwise
        self.assertEqual(counts, [20, 7])
        exact = self.env["ondermijning.statistiek"].with_context(fill_temporal=True)
        result = exact.web_read_group(
            scope,
            ["__count"],
            ["date_received:month"],
        )
        self.assertEqual(
            [g["date_received_count"] for g in result["groups"]], [20, 2, 7, 6]
        )

    def test_threshold_is_configurable(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "ondermijning_rapportage.disclosure_threshold", "3"
        )
        shown = self.shown(["company_id", "date_received:month"])
        self.assertEqual(shown[(self.region["C"].id, datetime.date(2024, 1, 1))], 3)
        self.assertEqual(len(shown), 6, "nothing under 3 in this table")
        self.assertNotIn(
            (self.region["A"].id, self.woonfraude.id, datetime.date(2024, 2, 1)),
            self.shown(["company_id", "categorie_id", "date_received:month"]),
            "one signal",
        )
        self.env["ir.config_parameter"].sudo().set_param(
            "ondermijning_rapportage.disclosure_threshold", "1"
        )
        logger = "odoo.addons.ondermijning_rapportage.report"
        with self.assertLogs(logger, "WARNING") as logged:
            threshold = self.stat()._disclosure_threshold()
        self.assertEqual(threshold, 5, "below 2 falls back to 5")
        self.assertIn("not a number of 2 or more", logged.output[0])

    def test_medewerker_who_is_also_analist(self):
        """Exact in his own gemeente, protected as soon as the figures reach
        another one."""
        user = new_test_user(
            self.env,
            login="rap_disclosure_both",
            groups="base.group_user,ondermijning_signalen.group_medewerker,"
            "ondermijning_signalen.group_analist",
            company_id=self.region["A"].id,
            company_ids=[self.region["A"].id],
        )
        own = [("company_id", "=", self.region["A"].id)]
        self.assertIn(
            (self.woonfraude.id, datetime.date(2024, 2, 1)),
            self.shown(["categorie_id", "date_received:month"], own, user),
        )
        region = self.shown(["company_id", "date_received:month"], user=user)
        self.assertNotIn((self.region["B"].id, datetime.date(2024, 2, 1)), region)
        with self.assertRaises(AccessError):
            self.stat(user)._read_group(self.domain, ["id"], ["__count"])

    def test_the_workbook_hides_what_the_pivot_hides(self):
        book = self.export(
            self.analist,
            "statistieken",
            company_ids=self.companies.ids,
            date_from=datetime.date(2024, 1, 1),
            date_to=datetime.date(2024, 2, 29),
        )
        per_company = {
            row[0]: row[1:4]
            for row in self.rows(book["Per gemeente"])[1:]
            if row[1] is not None
        }
        self.assertEqual(
            per_company,
            {
                "Regio A": [19, 0, "x"],
                "Regio B": [16, 0, 0],
                "Regio C": [12, 0, 0],
                "Totaal": [47, 0, "x"],
            },
        )
        months = {row[0]: row[1] for row in self.rows(book["Per maand"])[1:]}
        self.assertEqual(months["Totaal"], 47)
        lead = {row[0]: row[1:] for row in self.rows(book["Doorlooptijden"])[1:]}
        self.assertEqual(lead["Totaal (ontvangst tot einde)"][1:], ["x", "x", "x"])
        figures = {row[0]: row[1] for row in self.rows(book["Dashboard"]) if row[0]}
        self.assertEqual(figures["Ontvangen"], 47)
        self.assertEqual(figures["Afgesloten"], "x", "1 of 47")

    def test_export_wizard_count(self):
        wizard = (
            self.env["ondermijning.export.wizard"]
            .with_user(self.analist)
            .create(
                {
                    "export_type": "statistieken",
                    "company_ids": [(6, 0, self.region["C"].ids)],
                    "categorie_ids": [(6, 0, self.woonfraude.ids)],
                }
            )
        )
        self.assertEqual(wizard.record_count, 0, "3 signals: not shown")
        buffer = io.BytesIO()
        wizard._generate(buffer)
        buffer.seek(0)
        dashboard = openpyxl.load_workbook(buffer)["Dashboard"]
        values = {r[0]: r[1] for r in dashboard.iter_rows(values_only=True) if r[0]}
        self.assertEqual(values["Ontvangen"], "x")
