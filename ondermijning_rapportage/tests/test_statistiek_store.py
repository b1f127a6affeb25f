import datetime

from odoo.tests import tagged

from odoo.addons.ondermijning_rapportage.report.ondermijning_statistiek import STORE
from odoo.addons.ondermijning_rapportage.report.ondermijning_statistiek_cells import (
    CELLS,
    FULL_SCAN,
)
from odoo.addons.ondermijning_signalen import stappenplan

from .common import RapportageCase


@tagged("post_install", "-at_install")
class TestStatistiekStore(RapportageCase):
    """The statistics read stored rows, kept up to date by triggers: after
    every kind of change the rows equal their definition computed in full,
    and every figure of the workbooks is the one the full scan gives."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.categorie.sudo().is_priority = True
        cls.woonfraude.sudo().is_priority = False
        cls.wijk = cls.env["ondermijning.wijk"].create(
            {"name": "Centrum", "company_id": cls.gemeente.id}
        )
        cls.campagne = (
            cls.env["ondermijning.campagne"]
            .sudo()
            .create(
                {
                    "name": "Vastgoed",
                    "company_id": cls.gemeente.id,
                    "date_from": "2024-03-01",
                    "date_to": "2024-03-31",
                }
            )
        )
        mma = {"herkomst_id": cls.mma.id, "channel": "mma_platform"}
        cls.march = cls.quick_signals(
            cls.gemeente, 8, "2024-03-10 10:00:00", mma_discipline="multi", **mma
        )
        cls.feb = cls.quick_signals(
            cls.gemeente,
            6,
            "2024-02-05 10:00:00",
            categorie_id=cls.woonfraude.id,
            channel="telefoon",
            wijk_id=cls.wijk.id,
            date_deadline="2024-02-20",
        )
        cls.other = cls.quick_signals(
            cls.gemeente2, 7, "2023-12-31 23:30:00", herkomst_id=cls.meldpunt.id
        )
        cls.Signal = (
            cls.env["ondermijning.signaal"]
            .sudo()
            .with_context(ondermijning_no_audit=True, tracking_disable=True)
        )
        for i, signal in enumerate(cls.march):
            cls.Signal.browse(signal.id).write(
                {"date_stap2": datetime.datetime(2024, 3, 10 + i, 10 + i)}
            )
        cls.close(cls.march[:3], "riec", "2024-04-02 08:00:00")
        cls.close(cls.feb[:2], "niet_in_behandeling", "2024-03-01 10:00:00")
        cls.march[3:5].write({"campagne_ids": [(6, 0, cls.campagne.ids)]})

    @classmethod
    def close(cls, signals, end_state, date_end):
        cls.Signal.browse(signals.ids).write(
            {
                "end_state": end_state,
                "date_end": date_end,
                "stage_id": cls.stage[stappenplan.AFGESLOTEN].id,
            }
        )

    # the pivot's and the graph's questions (tools/load/locustfile.py) and
    # the dashboards' (data/files)
    PIVOT = [
        [],
        ["company_id"],
        ["date_received:year"],
        ["company_id", "date_received:year"],
        ["date_received:month", "categorie_id"],
        ["stage_code"],
        ["end_state"],
    ]
    MEASURES = [
        "count_in_treatment:sum",
        "count_closed:sum",
        "__count",
        "lead_total:avg",
        "lead_stap1:avg",
    ]

    def figures(self, user, full=False):
        """Every figure the statistics give ``user``, as plain values
        (``full``: from the full scan instead of the aggregates)."""
        self.env.invalidate_all()
        Stat = (
            self.env["ondermijning.statistiek"]
            .with_user(user)
            .with_context(**{FULL_SCAN: full})
        )

        def plain(value):
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            # exact: the means of the exact sums, percentiles as PostgreSQL's
            return value

        periods = [
            {},
            {
                "date_from": datetime.date(2024, 2, 1),
                "date_to": datetime.date(2024, 3, 31),
                "company_ids": self.gemeente.ids,
            },
        ]
        result = []
        for filters in periods:
            statistics = Stat._statistics(filters)
            statistics.pop("filters")  # the time it was made
            result.append(plain(statistics))
            result.append(plain(Stat._year_table(filters)))
        figures = Stat._figures([], [["deadline_state"], ["in_campaign", "stap"]])
        result.append(
            sorted(
                (str(key), figures.count(cell))
                for grouping in (["deadline_state"], ["in_campaign", "stap"])
                for key, cell in figures.groups(grouping)
            )
        )
        for groupby in self.PIVOT:
            result.append(Stat.read_group([], self.MEASURES, groupby, lazy=False))
        result.append(Stat.read_group([], ["__count"], ["date_received:month"]))
        # what the aggregates cannot answer (a condition on the deadline
        # state, which changes with the day; two dimensions besides the key)
        for domain, groupby in (
            ([("deadline_state", "=", "overdue")], ["company_id"]),
            ([], ["categorie_id", "channel"]),
        ):
            self.assertIsNone(
                Stat._read_group_fast(domain, groupby, ["__count"], (), None)
            )
            result.append(Stat.read_group(domain, ["__count"], groupby, lazy=False))
        answered = Stat._read_group_fast([], ["company_id"], ["__count"], (), None)
        self.assertEqual(
            answered is None, full, "the pivot's questions from the aggregates"
        )
        return plain(result)

    def assertCellsCurrent(self):
        """The aggregates, deltas summed, equal a fresh aggregation of the
        stored rows."""
        self.env.flush_all()
        summed, fresh = self.env["ondermijning.statistiek"].sudo()._cells_sql()
        cr = self.env.cr
        for first, second in ((summed, fresh), (fresh, summed)):
            cr.execute(f"SELECT * FROM (({first}) EXCEPT ALL ({second})) x")
            self.assertEqual(cr.fetchall(), [], "the cells are up to date")
        cr.execute(f"SELECT count(*) FROM ({fresh}) x")
        self.assertTrue(cr.fetchone()[0], "cells compared")

    def assertSameAsFullScan(self):
        self.env.flush_all()
        Stat = self.env["ondermijning.statistiek"].sudo()
        cr = self.env.cr
        stored, definition = f"SELECT * FROM {STORE}", Stat._definition()
        for first, second in ((stored, definition), (definition, stored)):
            cr.execute(f"SELECT count(*) FROM (({first}) EXCEPT ALL ({second})) x")
            self.assertEqual(cr.fetchone()[0], 0, "stored rows equal the definition")
        # the campaigns' view reads the stored rows too
        Campagne = self.env["ondermijning.statistiek.campagne"].sudo()
        fast, full = Campagne._live_select(), Campagne._live_select(stored=False)
        for first, second in ((fast, full), (full, fast)):
            cr.execute(f"SELECT count(*) FROM (({first}) EXCEPT ALL ({second})) x")
            self.assertEqual(cr.fetchone()[0], 0, "the same rows per campaign")
        cr.execute(f"SELECT count(*) FROM ({fast}) x")
        self.assertTrue(cr.fetchone()[0], "signals per campaign compared")
        self.assertCellsCurrent()
        users = [self.users["medewerker"], self.users["analist"]]
        fast = [self.figures(user) for user in users]
        Stat._create_view(stored=False)
        try:
            full = [self.figures(user, full=True) for user in users]
        finally:
            Stat._create_view()
        self.assertEqual(fast, full)
        return fast

    def test_same_figures_through_changes(self):
        medewerker, analist = self.assertSameAsFullScan()
        totals = dict(medewerker[0]["totals"])
        self.assertEqual(totals["Ontvangen"], 14, "the gemeente's signals")
        self.assertEqual(totals["Afgesloten"], 5)
        self.assertNotEqual(medewerker, analist)

        # the signals move on, one ends
        self.Signal.browse(self.feb[2:4].ids).write(
            {"date_stap2": "2024-02-10 09:00:00", "date_deadline": "2099-01-01"}
        )
        self.close(self.march[5:6], "doorverwezen", "2024-05-01 12:00:00")
        self.assertSameAsFullScan()

        # priorities, campaigns, tags and the MMA source change
        self.woonfraude.sudo().is_priority = True
        self.campagne.date_to = "2024-03-09"
        jaarwisseling = (
            self.env["ondermijning.campagne"]
            .sudo()
            .create(
                {
                    "name": "Jaarwisseling",
                    "company_id": self.gemeente2.id,
                    "date_from": "2024-01-01",
                }
            )
        )
        self.other[:2].write({"campagne_ids": [(6, 0, jaarwisseling.ids)]})
        self.march[3:4].write({"campagne_ids": [(5, 0, 0)]})
        self.Signal.browse(self.other[2].id).write(
            {"herkomst_id": self.mma.id, "mma_number": "MMA-STORE-1"}
        )
        self.assertSameAsFullScan()

        # a signal destroyed leaves its trace; then its category changes
        Spoor = self.env["ondermijning.signaal.spoor"].sudo()
        Spoor._create_for_signals(self.march[:1].ids)
        self.Signal.browse(self.march[0].id).unlink()
        self.assertSameAsFullScan()
        self.categorie.sudo().is_priority = False
        self.campagne.unlink()
        self.mma.sudo().code = "mma_oud"
        medewerker, _analist = self.assertSameAsFullScan()
        self.assertEqual(dict(medewerker[0]["totals"])["Ontvangen"], 14)
        self.mma.sudo().code = "mma"
        self.assertSameAsFullScan()

        # the cron folds the deltas into one row per cell
        cr = self.env.cr
        cr.execute(f"SELECT count(*) FROM {CELLS} WHERE NOT folded")
        self.assertTrue(cr.fetchone()[0], "the changes left deltas")
        self.env["ondermijning.statistiek"].sudo()._fold_cells()
        cr.execute(f"SELECT count(*) FROM {CELLS} WHERE NOT folded")
        self.assertEqual(cr.fetchone()[0], 0)
        cr.execute(
            f"SELECT count(*) FROM {CELLS} GROUP BY cell_key ORDER BY 1 DESC LIMIT 1"
        )
        self.assertEqual(cr.fetchone()[0], 1, "one row per cell")
        self.assertSameAsFullScan()

    def test_unchanged_rows_write_no_cells(self):
        """A change the statistics do not show writes no delta."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(f"SELECT count(*) FROM {CELLS}")
        before = cr.fetchone()[0]
        self.Signal.browse(self.feb[0].id).write({"date_deadline": "2099-02-02"})
        self.env.flush_all()
        cr.execute(f"SELECT count(*) FROM {CELLS}")
        self.assertEqual(cr.fetchone()[0], before, "only the deadline changed")
        self.close(self.feb[4:5], "riec", "2024-03-05 10:00:00")
        self.env.flush_all()
        cr.execute(f"SELECT count(*) FROM {CELLS}")
        self.assertGreater(cr.fetchone()[0], before, "an end changes cells")
        self.assertCellsCurrent()

    def test_exact_percentiles(self):
        """Medians and 90th percentiles from the aggregates equal
        percentile_cont over every row, with lead times of 0.01 day, ties,
        odd and even counts and values in every kind of bucket."""
        may = self.quick_signals(self.gemeente, 9, "2024-05-06 09:00:00")
        june = self.quick_signals(self.gemeente2, 4, "2024-06-03 09:00:00")
        received = datetime.datetime(2024, 5, 6, 9)
        offsets = [
            (3, 1000),
            (3, 1000),  # a tie
            (3, 2000),
            (0, 700),
            (45, 123),
            (61, 5000),
            (100, 40000),
            (400, 999),
            (3, 2000),  # another tie
        ]
        for signal, (days, seconds) in zip(may, offsets, strict=True):
            self.close(
                signal,
                "riec",
                received + datetime.timedelta(days=days, seconds=seconds),
            )
        for i, signal in enumerate(june):
            self.close(
                signal,
                "doorverwezen",
                datetime.datetime(2024, 6, 3, 9)
                + datetime.timedelta(days=2 + i, seconds=777 * i),
            )
        self.env.flush_all()
        self.assertCellsCurrent()
        Stat = self.env["ondermijning.statistiek"].sudo()
        domains = [
            [],
            [("company_id", "=", self.gemeente.id)],
            [("company_id", "=", self.gemeente2.id)],
            [("date_received", ">=", "2024-05-01")],
            [("date_received", "=", "2024-05-01")],
            [
                ("company_id", "=", self.gemeente.id),
                ("date_received", "<", "2024-05-01"),
            ],
        ]
        counts = set()
        for domain in domains:
            self.assertIsNotNone(Stat._lead_row(domain), "from the aggregates")
            fast = Stat._lead_times(domain)
            full = Stat.with_context(**{FULL_SCAN: True})._lead_times(domain)
            self.assertEqual(fast, full, domain)
            counts.add(fast["lead_total"][0] % 2)
        self.assertEqual(counts, {0, 1}, "odd and even counts")
        values = Stat.search_read(
            [("date_received", "=", "2024-05-01")], ["lead_total"]
        )
        self.assertIn(3.02, [v["lead_total"] for v in values], "0.01 day apart")
        # a condition on a column outside the key: the full scan
        domain = [("categorie_id", "=", self.categorie.id)]
        self.assertIsNone(Stat._lead_row(domain))
        self.assertTrue(Stat._lead_times(domain)["lead_total"][0])

    def test_uninstall_and_install(self):
        """The uninstall hook removes the aggregates with the stored rows;
        installing fills them again from the rows in one statement."""
        Stat = self.env["ondermijning.statistiek"].sudo()
        cr = self.env.cr
        self.env.flush_all()
        Stat._drop_store()
        cr.execute("SELECT to_regclass(%s), to_regclass(%s)", [STORE, CELLS])
        self.assertEqual(cr.fetchone(), (None, None))
        cr.execute(
            "SELECT count(*) FROM pg_proc WHERE proname LIKE %s",
            [f"{CELLS}%"],
        )
        self.assertEqual(cr.fetchone()[0], 0, "no trigger functions left")
        Stat._install_store()
        Stat._create_view()
        self.assertCellsCurrent()
        cr.execute(f"SELECT count(*) FROM {CELLS} WHERE NOT folded")
        self.assertEqual(cr.fetchone()[0], 0, "filled as folded cells")
        # the interventions' aggregates, which the hook removes too
        Interventie = self.env["ondermijning.statistiek.interventie"].sudo()
        triggers = (
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE"
            " 'ondermijning_statistiek_interventie_cell%'"
        )
        cr.execute(triggers)
        self.assertEqual(cr.fetchone()[0], 7, "on interventions, traces, instruments")
        Interventie._drop_cells()
        cr.execute(triggers)
        self.assertEqual(cr.fetchone()[0], 0, "no trigger left")
        Interventie._install_cells()
        summed, fresh = Interventie._cells_sql()
        for first, second in ((summed, fresh), (fresh, summed)):
            cr.execute(f"SELECT count(*) FROM (({first}) EXCEPT ALL ({second})) x")
            self.assertEqual(cr.fetchone()[0], 0)
