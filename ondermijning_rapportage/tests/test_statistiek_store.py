import datetime

from odoo.tests import tagged

from odoo.addons.ondermijning_rapportage.report.ondermijning_statistiek import STORE
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

    def figures(self, user):
        """Every figure the statistics give ``user``, as plain values."""
        self.env.invalidate_all()
        Stat = self.env["ondermijning.statistiek"].with_user(user)

        def plain(value):
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            # averages of the same numbers, summed in another order
            return round(value, 6) if isinstance(value, float) else value

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
        return result

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
        users = [self.users["medewerker"], self.users["analist"]]
        fast = [self.figures(user) for user in users]
        Stat._create_view(stored=False)
        try:
            full = [self.figures(user) for user in users]
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
