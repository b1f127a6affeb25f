import datetime
import io

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.ondermijning_rapportage.report.ondermijning_statistiek import STORE
from odoo.addons.ondermijning_signalen.tests.common import destroy_failing_for

from .common import QUIET, RapportageCase


@tagged("post_install", "-at_install")
class TestStatisticsSurvivePurge(RapportageCase):
    """Reports give the same figures before and after the retention engine
    destroyed the signals: destroyed signals count through their trace."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wijk = cls.env["ondermijning.wijk"].create(
            {"name": "Noord", "company_id": cls.gemeente.id}
        )
        Signal = (
            cls.env["ondermijning.signaal"]
            .sudo()
            .with_context(**QUIET, ondermijning_no_audit=True)
        )
        cls.ended = Signal
        cls.open = Signal
        categories = [cls.categorie, cls.woonfraude]
        for i in range(24):
            received = datetime.datetime(2024, 1 + i % 12, 3 + i, 9, 30)
            vals = {
                "company_id": (cls.gemeente if i % 4 else cls.gemeente2).id,
                "categorie_id": categories[i % 2].id,
                "date_received": received,
                "channel": ["web", "telefoon", "mma_platform"][i % 3],
                "herkomst_id": (cls.mma if i % 3 == 2 else cls.meldpunt).id,
                "mma_number": f"MMA-P-{i}" if i % 3 == 2 else False,
                "mma_discipline": "multi" if i % 3 == 2 else False,
                "bt_tafel_date": received.date() if i % 6 == 2 else False,
                "wijk_id": cls.wijk.id if i % 4 and i % 5 == 0 else False,
                "user_id": False,
            }
            signal = Signal.create(vals)
            steps = {}
            if i % 2:  # taken into treatment after i hours, some further
                steps["date_stap2"] = received + datetime.timedelta(hours=5 * i + 7)
                if i % 3 == 1:
                    steps["date_stap3"] = steps["date_stap2"] + datetime.timedelta(
                        days=i, hours=3
                    )
            if i % 5 != 4:  # most ended, in 2024; the rest stays open
                last = max(steps.values(), default=received)
                steps.update(
                    {
                        "end_state": [
                            "niet_in_behandeling",
                            "doorverwezen",
                            "riec",
                            "afdeling",
                        ][i % 4],
                        "date_end": last
                        + datetime.timedelta(days=2 + i % 7, minutes=17 * i),
                        "stage_id": cls.env.ref(
                            "ondermijning_signalen.stage_afgesloten"
                        ).id,
                    }
                )
                if steps["end_state"] == "afdeling":
                    steps["afdeling_id"] = (
                        cls.afdeling.id
                        if vals["company_id"] == cls.gemeente.id
                        else False
                    )
                    if not steps["afdeling_id"]:
                        steps["end_state"] = "riec"
                        del steps["afdeling_id"]
                cls.ended |= signal
            else:
                if "date_stap3" in steps:
                    steps["stage_id"] = cls.env.ref(
                        "ondermijning_signalen.stage_stap3"
                    ).id
                elif "date_stap2" in steps:
                    steps["stage_id"] = cls.env.ref(
                        "ondermijning_signalen.stage_stap2"
                    ).id
                cls.open |= signal
            # the step dates as the process would have stamped them (no gate:
            # these are figures, not the process under test)
            stage = steps.pop("stage_id", None)
            signal.write(steps)
            if stage:
                cls.env.cr.execute(
                    "UPDATE ondermijning_signaal SET stage_id = %s WHERE id = %s",
                    [stage, signal.id],
                )
        cls.env.flush_all()
        cls.env.invalidate_all()
        cls.env.cr.execute(
            "UPDATE ondermijning_signaal s SET stage_code = st.code "
            "FROM ondermijning_stage st WHERE st.id = s.stage_id AND s.id IN %s",
            [tuple((cls.ended | cls.open).ids)],
        )
        cls.env.invalidate_all()
        if "ondermijning.bewaartermijn" in cls.env:
            # every ended signal of 2024 is due, whatever day the tests run
            cls.env["ondermijning.bewaartermijn"].sudo().search(
                [("company_id", "in", (cls.gemeente | cls.gemeente2).ids)]
            ).write({"months": 1})

    def snapshot(self, user):
        """Every figure the reports show, as the user sees them."""

        def cells(book):
            return {
                name: [
                    row
                    for row in book[name].iter_rows(values_only=True)
                    if not (row and row[0] == "Gemaakt op")
                ]
                for name in book.sheetnames
            }

        Stat = self.env["ondermijning.statistiek"].with_user(user)
        groups = {
            fields: Stat._read_group(
                [],
                fields.split(","),
                [
                    "__count",
                    "count_in_treatment:sum",
                    "count_closed:sum",
                    "lead_stap1:avg",
                    "lead_total:avg",
                ],
            )
            for fields in (
                "company_id,date_received:month",
                "categorie_id,end_state",
                "herkomst_id,channel",
                "wijk_id,stap",
                "mma_discipline,bt_tafel",
                "date_end:month",
                "is_mma,date_received:year",
            )
        }
        filters = dict(
            date_from=datetime.date(2024, 1, 1), date_to=datetime.date(2024, 12, 31)
        )

        def plain(value):
            if hasattr(value, "ids"):
                return tuple(value.ids)
            # averages of the same numbers, summed in another order
            return round(value, 6) if isinstance(value, float) else value

        return {
            "groups": {
                key: [tuple(plain(v) for v in row) for row in rows]
                for key, rows in groups.items()
            },
            "lead": {
                key: tuple(plain(v) for v in values)
                for key, values in Stat._lead_times([]).items()
            },
            "statistieken": cells(self.export(user, "statistieken", **filters)),
            "jaartabel": cells(self.export(user, "jaartabel")),
        }

    def purge(self):
        return self.env["ondermijning.bewaartermijn"].sudo()._cron_purge()

    def test_same_figures_after_the_purge(self):
        if "ondermijning.signaal.spoor" not in self.env:
            self.skipTest("the statistical trace is not installed")
        users = [self.users["medewerker"], self.users["analist"], self.medewerker2]
        before = {user.login: self.snapshot(user) for user in users}
        months = before["test_analist"]["statistieken"]["Per maand"]
        self.assertEqual(next(r for r in months if r[0] == "Totaal")[1], 24)
        destroyed, failed = self.purge()
        self.assertFalse(failed)
        self.assertEqual(destroyed, len(self.ended))
        self.assertFalse(self.ended.sudo().with_context(active_test=False).exists())
        self.assertEqual(self.open.sudo().exists(), self.open)
        Stat = self.env["ondermijning.statistiek"]
        self.assertEqual(Stat.search_count([("destroyed", "=", True)]), len(self.ended))
        for user in users:
            after = self.snapshot(user)
            for key in before[user.login]:
                self.assertEqual(
                    after[key], before[user.login][key], f"{key} for {user.login}"
                )

    def test_stored_rows_equal_their_definition_after_a_purge_with_a_failure(self):
        """The statistics' stored rows (kept by triggers on the signals and
        the traces) equal their definition after a purge in which a batch
        failed half-way and was undone, then done in halves."""
        bad = self.ended[3]
        Stat = self.env["ondermijning.statistiek"].sudo()
        rows = Stat.search_count([])

        with (
            destroy_failing_for(bad.id),
            mute_logger(
                "odoo.addons.ondermijning_signalen.models.ondermijning_bewaartermijn"
            ),
        ):
            destroyed, failed = self.purge()
        self.assertEqual((destroyed, failed), (len(self.ended) - 1, [bad.id]))
        self.env.flush_all()
        cr = self.env.cr
        stored = f"SELECT * FROM {STORE}"
        definition = Stat._definition()
        for first, second in ((stored, definition), (definition, stored)):
            cr.execute(f"SELECT count(*) FROM (({first}) EXCEPT ALL ({second})) x")
            self.assertEqual(cr.fetchone()[0], 0, "stored rows equal the definition")
        self.assertEqual(Stat.search_count([("destroyed", "=", True)]), destroyed)
        self.assertEqual(Stat.search_count([]), rows, "one row per signal, as before")

    def test_destruction_log_for_the_privacyfunctionaris(self):
        if "ondermijning.vernietiging" not in self.env:
            self.skipTest("the destruction log is not installed")
        references = set(
            self.ended.filtered(lambda s: s.company_id == self.gemeente).mapped("name")
        )
        self.purge()
        # the gemeente's day (in the hour before midnight there, UTC's is the
        # day before)
        today = datetime.datetime.now(self.env["ondermijning.statistiek"]._tz()).date()
        book = self.export("privacy", "vernietiging", date_from=today, date_to=today)
        sheet = book["Vernietigingslijst"]
        rows = self.as_dicts(sheet)
        self.assertEqual(
            {r["Referentie"] for r in rows}, references, "own gemeente only"
        )
        row = rows[0]
        self.assertEqual(row["Soort"], "Signal")
        self.assertEqual(row["Gemeente"], self.gemeente.name)
        self.assertIsInstance(row["Termijn (maanden)"], int)
        self.assertIsInstance(row["Vernietigd op"], datetime.datetime)
        self.assertIsInstance(row["Einddatum"], datetime.datetime)
        self.assertEqual(sheet.freeze_panes, "A2")
        # a period before the purge is empty
        earlier = self.as_dicts(
            self.export("privacy", "vernietiging", date_to=datetime.date(2020, 1, 1))[
                "Vernietigingslijst"
            ]
        )
        self.assertEqual(earlier, [])
        for role in ("medewerker", "analist", "overleg"):
            Wizard = self.env["ondermijning.export.wizard"].with_user(self.users[role])
            self.assertNotIn("vernietiging", Wizard._available_types())
            with self.assertRaises(AccessError, msg=role):
                self.env["ondermijning.register"].with_user(
                    self.users[role]
                )._export_destruction_log(io.BytesIO(), {})
