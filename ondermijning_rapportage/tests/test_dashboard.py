import datetime
import json

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import file_open

from odoo.addons.ondermijning_signalen import stappenplan

from .common import RapportageCase

REGIO = "ondermijning_rapportage/data/files/ondermijning_regio_dashboard.json"


def month_start(day):
    return day.replace(day=1)


class DashboardData(RapportageCase):
    """Signals in the last 12 months in two gemeenten, with cells small
    enough to be withheld from the regional analyst, and some outside the
    period."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env["ondermijning.statistiek"])
        cls.today = today
        this_month = datetime.datetime.combine(month_start(today), datetime.time(10))
        earlier = this_month - relativedelta(months=3)
        cls.quick_signals(cls.gemeente, 9, this_month, herkomst_id=cls.meldpunt.id)
        treated = cls.quick_signals(cls.gemeente, 6, earlier, herkomst_id=cls.mma.id)
        # stap 1 took 1 to 6 days (a lead time the dashboard averages)
        for days, signal in enumerate(treated, start=1):
            signal.write({"date_stap2": earlier + datetime.timedelta(days=days)})
        cls.quick_signals(cls.gemeente2, 2, earlier, categorie_id=cls.woonfraude.id)
        cls.quick_signals(cls.gemeente2, 1, this_month, categorie_id=cls.woonfraude.id)
        # outside the period (13 months ago)
        cls.quick_signals(cls.gemeente2, 7, this_month - relativedelta(months=13))


@tagged("post_install", "-at_install")
class TestDashboardFigures(DashboardData):
    """The regional dashboard's charts show what the statistics workbook
    shows for the same period: same cells, same withheld cells."""

    def chart_groups(self, user, chart, period, gemeente):
        """The groups the chart asks for (as the graph model does: one
        web_read_group, lazy, with fill_temporal) under the period filter
        and the gemeente filter set to the two gemeenten of the test."""
        meta = chart["metaData"]
        domain = list(chart["searchParams"]["domain"])
        if period in chart["fieldMatching"]:
            field = chart["fieldMatching"][period]["chain"]
            domain += [(field, ">=", self.start), (field, "<=", self.today)]
        field = chart["fieldMatching"][gemeente]["chain"]
        domain += [(field, "in", (self.gemeente | self.gemeente2).ids)]
        model = self.env[meta["resModel"]].with_user(user)
        self.env.invalidate_all()
        return model.with_context(fill_temporal=True).web_read_group(
            domain, ["__count"], meta["groupBy"], lazy=False
        )["groups"]

    def test_the_regional_dashboard_equals_the_workbook(self):
        with file_open(REGIO) as handle:
            data = json.load(handle)
        (period,) = [f["id"] for f in data["globalFilters"] if f["type"] == "date"]
        (gemeente,) = [
            f["id"]
            for f in data["globalFilters"]
            if f.get("modelName") == "res.company"
        ]
        self.assertEqual(
            [f["defaultValue"] for f in data["globalFilters"] if f["id"] == period],
            ["last_year"],
        )
        # the spreadsheet's "last 365 days": from tomorrow a year ago to today;
        # on monthly rows that is the months from the first one after start
        self.start = self.today + datetime.timedelta(days=1) - datetime.timedelta(365)
        first_month = (
            self.start
            if self.start.day == 1
            else month_start(self.start) + relativedelta(months=1)
        )
        analist = self.users["analist"]
        Stat = self.env["ondermijning.statistiek"]
        book = self.export(
            "analist",
            "statistieken",
            date_from=first_month,
            date_to=self.today,
            company_ids=(self.gemeente | self.gemeente2).ids,
        )
        charts = {
            figure["data"]["title"]["text"]: figure["data"]
            for figure in data["sheets"][0]["figures"]
        }

        def visible(rows, label, count="Aantal"):
            return {
                row[label]: row[count]
                for row in rows
                if row[label] not in (None, "Totaal")
                and row[count] not in (0, "x", None)
            }

        # per month
        groups = self.chart_groups(
            analist, charts["Signals per month"], period, gemeente
        )
        shown = {
            fields.Date.to_date(g["__range"]["date_received:month"]["from"]): g[
                "__count"
            ]
            for g in groups
            if g["__count"]
        }
        months = visible(self.as_dicts(book["Per maand"]), "Maand", "Ontvangen")
        self.assertEqual(shown, {m.date(): n for m, n in months.items()})
        this_month = month_start(self.today)
        self.assertEqual(
            shown, {this_month: 10, this_month - relativedelta(months=3): 8}
        )
        # per category, source and end state
        for title, sheet, label, fname in (
            ("Signals per category", "Per categorie", "Categorie", "categorie_id"),
            ("Signals per source", "Per bron", "Bron", "herkomst_id"),
            (
                "End states (None: still open)",
                "Per eindstatus",
                "Eindstatus",
                "end_state",
            ),
        ):
            with self.subTest(chart=title):
                shown = {}
                for group in self.chart_groups(
                    analist, charts[title], period, gemeente
                ):
                    value = group[fname]
                    if isinstance(value, (list, tuple)):
                        value = value[0]
                    shown[Stat._label(fname, value)] = group["__count"]
                self.assertEqual(shown, visible(self.as_dicts(book[sheet]), label))
        self.assertNotIn(
            self.woonfraude.name,
            visible(self.as_dicts(book["Per categorie"]), "Categorie"),
            "3 signals of woonfraude: withheld from the analyst, in both",
        )
        # lead times (the pivot under the chart): the same averages
        pivot = data["pivots"]["1"]
        specs = [
            f"{m['id'].replace(':', '_')}:{m['aggregator']}({m['fieldName']})"
            for m in pivot["measures"]
        ]
        self.env.invalidate_all()
        (row,) = Stat.with_user(analist).read_group(
            [
                ("date_received", ">=", self.start),
                ("date_received", "<=", self.today),
                ("company_id", "in", (self.gemeente | self.gemeente2).ids),
            ],
            specs,
            [],
            lazy=False,
        )
        leads = {
            line["Stap"]: line["Gemiddeld (dagen)"]
            for line in self.as_dicts(book["Doorlooptijden"])
            if line["Aantal"] is not None  # not the note under the table
        }
        self.assertEqual(len(leads), len(pivot["measures"]))
        self.assertEqual(
            row["lead_stap1_avg"], 3.5, "stap 1 of the 6 signals: 1 to 6 days"
        )
        for measure, (_label, average) in zip(
            pivot["measures"], leads.items(), strict=True
        ):
            value = row[measure["id"].replace(":", "_")]
            self.assertEqual(
                round(value, 2) if isinstance(value, float) else value,
                None if average in ("x", None) else average,
            )

    def test_open_per_step_with_overdue(self):
        """The dashboard's "open per step, overdue or not": open signals
        past their deadline, today."""
        late = self.quick_signals(
            self.gemeente, 1, fields.Datetime.now() - relativedelta(days=40)
        )
        Stat = self.env["ondermijning.statistiek"].with_user(self.users["medewerker"])
        overdue = [("closed", "=", False), ("deadline_state", "=", "overdue")]

        def count():
            self.env.flush_all()
            return Stat._read_group(overdue, [], ["__count"])[0][0]

        late.date_deadline = self.today
        on_time = count()
        late.date_deadline = self.today - relativedelta(days=1)
        self.assertEqual(count(), on_time + 1)
        late.write(
            {
                "end_state": "riec",
                "date_end": fields.Datetime.now(),
                "stage_id": self.stage[stappenplan.AFGESLOTEN].id,
            }
        )
        self.assertEqual(count(), on_time, "a closed signal is not overdue")

    def test_the_dashboards_are_for_their_groups_and_not_shared(self):
        Dashboard = self.env["spreadsheet.dashboard"]
        regio = self.env.ref("ondermijning_rapportage.spreadsheet_dashboard_regio")
        gemeente = self.env.ref(
            "ondermijning_rapportage.spreadsheet_dashboard_gemeente"
        )
        self.env.invalidate_all()
        self.assertEqual(
            Dashboard.with_user(self.users["analist"]).search(
                [("id", "in", (regio | gemeente).ids)]
            ),
            regio,
        )
        self.assertEqual(
            Dashboard.with_user(self.users["medewerker"]).search(
                [("id", "in", (regio | gemeente).ids)]
            ),
            gemeente,
        )
        self.assertFalse(
            Dashboard.with_user(self.users["melder"]).search(
                [("id", "in", (regio | gemeente).ids)]
            )
        )
        with self.assertRefused(UserError, "cannot be shared"):
            self.env["spreadsheet.dashboard.share"].with_user(
                self.users["analist"]
            ).action_get_share_url({"dashboard_id": regio.id, "spreadsheet_data": "{}"})


@tagged("post_install", "-at_install")
class TestDashboardTour(HttpCase, DashboardData):
    """The dashboard renders its charts with data in the browser."""

    def setUp(self):
        super().setUp()
        # build the lazily loaded bundles before the browser asks for them
        for bundle in ("spreadsheet.o_spreadsheet", "web.chartjs_lib"):
            self.env["ir.qweb"]._get_asset_bundle(bundle, css=False).js()

    def test_analyst_sees_the_regional_dashboard(self):
        home = self.env.ref("ondermijning_signalen.action_ondermijning_home")
        self.assertEqual(
            home.with_user(self.users["analist"]).run()["id"],
            self.env.ref("ondermijning_rapportage.action_dashboard_home").id,
        )
        # from the login page to the dashboard, her home
        self.start_tour("/web/login", "ondermijning_home_analist_tour", login=None)
        self.start_tour(
            "/odoo/action-ondermijning_rapportage.action_dashboard_home",
            "ondermijning_dashboard_tour",
            login="test_analist",
        )

    def test_medewerker_sees_the_dashboard_of_his_gemeente(self):
        self.start_tour(
            "/odoo/action-ondermijning_rapportage.action_dashboard_home",
            "ondermijning_dashboard_tour",
            login="test_medewerker",
        )
