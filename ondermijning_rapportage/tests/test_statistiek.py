import datetime
import io

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.ondermijning_signalen import stappenplan

from .common import RapportageCase


@tagged("post_install", "-at_install")
class TestStatistiek(RapportageCase):
    """The statistics view: who aggregates what, the figures, the workbook."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wijk = cls.env["ondermijning.wijk"].create(
            {"name": "Centrum", "company_id": cls.gemeente.id}
        )
        # gemeente: 3 in Jan 2024 (drugs, MMA),
        # 2 in Feb 2024 (woonfraude, via phone, Centrum)
        cls.jan = cls.quick_signals(
            cls.gemeente,
            3,
            "2024-01-10 10:00:00",
            herkomst_id=cls.mma.id,
            channel="mma_platform",
            mma_discipline="mono",
        )
        cls.feb = cls.quick_signals(
            cls.gemeente,
            2,
            "2024-02-05 10:00:00",
            categorie_id=cls.woonfraude.id,
            channel="telefoon",
            wijk_id=cls.wijk.id,
        )
        cls.other = cls.quick_signals(cls.gemeente2, 4, "2024-01-20 10:00:00")
        # lead times: stap 1 took 1, 2, 3 days for the January signals; two
        # of them ended in Feb/Mar.
        Signal = (
            cls.env["ondermijning.signaal"]
            .sudo()
            .with_context(ondermijning_no_audit=True)
        )
        for signal, days in zip(cls.jan, (1, 2, 3), strict=True):
            Signal.browse(signal.id).write(
                {
                    "date_stap2": datetime.datetime(2024, 1, 10, 10)
                    + datetime.timedelta(days=days)
                }
            )
        Signal.browse(cls.jan[0].id).write(
            {
                "end_state": "riec",
                "date_end": "2024-02-15 10:00:00",
                "stage_id": cls.stage[stappenplan.AFGESLOTEN].id,
            }
        )
        Signal.browse(cls.feb[0].id).write(
            {
                "end_state": "niet_in_behandeling",
                "date_end": "2024-03-01 10:00:00",
                "stage_id": cls.stage[stappenplan.AFGESLOTEN].id,
            }
        )

    def stat(self, role):
        self.env.invalidate_all()
        user = self.users[role] if isinstance(role, str) else role
        return self.env["ondermijning.statistiek"].with_user(user)

    def test_rows_mirror_signals(self):
        rows = self.env["ondermijning.statistiek"].search(
            [("company_id", "=", self.gemeente.id)]
        )
        self.assertEqual(len(rows), 5)
        row = rows.filtered(lambda r: r.id == self.jan[0].id * 2)
        self.assertEqual(
            row.stap,
            stappenplan.WEGING3,
            "a closed signal counts at the step it reached",
        )
        self.assertEqual(row.stage_code, stappenplan.AFGESLOTEN)
        self.assertTrue(row.in_treatment and row.closed and row.is_mma)
        self.assertFalse(row.destroyed)
        self.assertEqual(
            row.date_received,
            datetime.date(2024, 1, 1),
            "months, as the trace keeps them",
        )
        self.assertEqual(row.date_end, datetime.date(2024, 2, 1))
        self.assertAlmostEqual(row.lead_stap1, 1.0)
        self.assertAlmostEqual(row.lead_stap2, 35.0)
        self.assertAlmostEqual(row.lead_total, 36.0)
        closed_early = rows.filtered(lambda r: r.id == self.feb[0].id * 2)
        self.assertEqual(
            (closed_early.stap, closed_early.in_treatment), (stappenplan.INTAKE, False)
        )
        self.assertAlmostEqual(closed_early.lead_stap1, 25.0)

    def test_medewerker_aggregates_own_gemeente(self):
        groups = self.stat("medewerker")._read_group([], ["company_id"], ["__count"])
        self.assertEqual([(c, n) for c, n in groups], [(self.gemeente, 5)])
        # a filter on another gemeente does not widen the rules
        self.assertEqual(
            self.stat("medewerker").search_count(
                [("company_id", "=", self.gemeente2.id)]
            ),
            0,
        )

    def test_analist_aggregates_across_gemeenten_without_rows(self):
        """The analyst gets protected totals (test_disclosure has the rule):
        4 signals in one gemeente is under the threshold, and then the other
        gemeente's 5 cannot be shown either (9 - 5 would give the 4)."""
        Stat = self.stat("analist")
        ours = [("company_id", "in", (self.gemeente | self.gemeente2).ids)]
        self.assertEqual(Stat._read_group(ours, [], ["__count"]), [(9,)])
        self.assertEqual(Stat._read_group(ours, ["company_id"], ["__count"]), [])
        self.assertEqual(Stat.read_group(ours, ["company_id"], ["company_id"]), [])
        # what the graph view asks (pivot uses read_group above)
        web = Stat.web_read_group(
            ours, ["__count"], ["date_received:month"], lazy=False
        )
        self.assertEqual(web["groups"], [], "January 3 + 4, February 2: all small")
        with self.assertRaises(AccessError):
            Stat.search_read([], ["date_received", "categorie_id"])
        with self.assertRaises(AccessError):
            Stat.search([], limit=1)
        with self.assertRaises(AccessError):
            Stat.browse(self.jan[0].id * 2).read(["company_id"])
        # and no signals at all
        with self.assertRaises(AccessError):
            self.env["ondermijning.signaal"].with_user(self.users["analist"]).search([])

    def test_medewerker_rows_only_of_own_gemeente(self):
        rows = self.stat("medewerker").search_read([], ["company_id"])
        self.assertEqual({r["company_id"][0] for r in rows}, {self.gemeente.id})

    def test_no_statistics_for_other_roles(self):
        for role in ("melder", "overleg", "afdeling", "beheerder"):
            with self.assertRaises(AccessError, msg=role):
                self.stat(role)._read_group([], ["company_id"], ["__count"])

    def test_lead_time_percentiles(self):
        lead = self.stat("medewerker")._lead_times([])
        count, avg, median, p90 = lead["lead_stap1"]
        # stap 1 finished for: 1, 2, 3 days (Jan) and 25 days (Feb, ended in stap 1)
        self.assertEqual(count, 4)
        self.assertAlmostEqual(avg, 31 / 4)
        self.assertAlmostEqual(median, 2.5)
        self.assertAlmostEqual(p90, 3 + 0.7 * 22)
        self.assertEqual(lead["lead_stap3"][0], 0)
        self.assertIsNone(lead["lead_stap3"][2])

    def test_statistics_workbook(self):
        book = self.export(
            "medewerker",
            "statistieken",
            date_from=datetime.date(2024, 1, 1),
            date_to=datetime.date(2024, 3, 31),
        )
        self.assertEqual(
            book.sheetnames[:3], ["Dashboard", "Per maand", "Per categorie"]
        )
        months = self.rows(book["Per maand"])
        self.assertEqual(
            months,
            [
                [
                    "Maand",
                    "Ontvangen",
                    "Waarvan in behandeling genomen",
                    "Waarvan afgesloten",
                    "Afgesloten in de maand",
                ],
                [datetime.datetime(2024, 1, 1), 3, 3, 1, 0],
                [datetime.datetime(2024, 2, 1), 2, 0, 1, 1],
                [datetime.datetime(2024, 3, 1), 0, 0, 0, 1],
                ["Totaal", 5, 3, 2, 2],
            ],
        )
        self.assertTrue(book["Per maand"]["A2"].is_date)
        self.assertEqual(book["Per maand"]["B2"].data_type, "n")
        categories = self.rows(book["Per categorie"])
        self.assertEqual(
            categories[1:],
            [["Drugsdelicten", 3, 3, 1], ["Woonfraude", 2, 0, 1], ["Totaal", 5, 3, 2]],
        )
        self.assertEqual(self.rows(book["Per kanaal"])[1][:2], ["MMA-platform", 3])
        self.assertEqual(
            self.rows(book["Per gemeente"])[1:],
            [[self.gemeente.name, 5, 3, 2], ["Totaal", 5, 3, 2]],
        )
        wijken = dict((r[0], r[1]) for r in self.rows(book["Per wijk"])[1:])
        self.assertEqual(wijken["Centrum"], 2)
        lead = self.rows(book["Doorlooptijden"])
        self.assertEqual(
            lead[0],
            [
                "Stap",
                "Aantal",
                "Gemiddeld (dagen)",
                "Mediaan (dagen)",
                "90e percentiel (dagen)",
            ],
        )
        self.assertEqual(lead[1][1:4], [4, 7.75, 2.5])
        dashboard = self.rows(book["Dashboard"])
        figures = {r[0]: r[1] for r in dashboard if r and r[0]}
        self.assertEqual(figures["Ontvangen"], 5)
        self.assertEqual(figures["Afgesloten"], 2)

    def test_analist_workbooks_span_gemeenten(self):
        ours = (self.gemeente | self.gemeente2).ids
        book = self.export("analist", "statistieken", company_ids=ours)
        gemeenten = {
            r[0]: r[1] for r in self.rows(book["Per gemeente"])[1:] if r[1] is not None
        }
        self.assertEqual(
            gemeenten, {self.gemeente.name: "x", self.gemeente2.name: "x", "Totaal": 9}
        )
        self.assertTrue(
            any("geheim" in (r[0] or "") for r in self.rows(book["Per gemeente"])),
            "the sheet says what x means",
        )
        table = self.rows(self.export("analist", "jaartabel", company_ids=ours).active)
        self.assertEqual(
            table[:4],
            [
                ["Gemeente", 2024, "Totaal"],
                [self.gemeente2.name, "x", "x"],
                [self.gemeente.name, "x", "x"],
                ["Totaal", 9, 9],
            ],
        )

    def test_medewerker_year_table_own_gemeente(self):
        table = self.rows(self.export("medewerker", "jaartabel").active)
        self.assertEqual(
            table,
            [
                ["Gemeente", 2024, "Totaal"],
                [self.gemeente.name, 5, 5],
                ["Totaal", 5, 5],
            ],
        )

    def test_overleg_has_no_statistics_export(self):
        Wizard = self.env["ondermijning.export.wizard"].with_user(self.users["overleg"])
        self.assertEqual(Wizard._available_types(), ["register", "mma_register"])
        with self.assertRaises(AccessError):
            self.env["ondermijning.statistiek"].with_user(
                self.users["overleg"]
            )._export_statistics(io.BytesIO(), {})

    def test_views_load_for_each_role(self):
        """The menus' views open for the roles that have them."""
        for role in ("medewerker", "analist"):
            Stat = self.stat(role)
            views = Stat.get_views(
                [(False, "pivot"), (False, "graph"), (False, "search")]
            )
            self.assertEqual(set(views["views"]), {"pivot", "graph", "search"})
        for role in ("medewerker", "analist", "overleg", "afdeling", "privacy"):
            Wizard = self.env["ondermijning.export.wizard"].with_user(self.users[role])
            Wizard.get_views([(False, "form")])
            wizard = Wizard.create({})
            self.assertTrue(wizard.export_type, role)
            self.assertIsInstance(wizard.record_count, int)
        Import = self.env["ondermijning.register.import"].with_user(
            self.users["medewerker"]
        )
        Import.get_views([(False, "form")])
        menus = (
            self.env["ir.ui.menu"].with_user(self.users["analist"])._visible_menu_ids()
        )
        self.assertIn(self.env.ref("ondermijning_rapportage.menu_statistiek").id, menus)
        self.assertNotIn(
            self.env.ref("ondermijning_rapportage.menu_register_import").id, menus
        )
        menus = (
            self.env["ir.ui.menu"].with_user(self.users["melder"])._visible_menu_ids()
        )
        self.assertNotIn(
            self.env.ref("ondermijning_rapportage.menu_rapportage").id, menus
        )
