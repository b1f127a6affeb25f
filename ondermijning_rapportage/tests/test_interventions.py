import datetime

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from odoo.addons.ondermijning_rapportage.report.ondermijning_statistiek_cells import (
    FULL_SCAN,
)
from odoo.addons.ondermijning_signalen import stappenplan

from .common import RapportageCase

INTERVENTIE = "ondermijning.statistiek.interventie"


@tagged("post_install", "-at_install")
class TestInterventionStatistics(RapportageCase):
    """Interventions per instrument, year, gemeente and state, and the Bibob
    procedure: exact for the medewerker of the gemeente, protected for the
    regional analyst, who reads no intervention or casus."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.damocles = cls.env.ref("ondermijning_signalen.instrument_1")
        cls.bibob = cls.env.ref("ondermijning_signalen.instrument_2")
        cls.dwangsom = cls.env.ref("ondermijning_signalen.instrument_4")
        Casus = cls.env["ondermijning.casus"].sudo()
        cls.casus = Casus.create({"company_id": cls.gemeente.id})
        cls.casus2 = Casus.create({"company_id": cls.gemeente2.id})
        cls.interventions = cls.env["ondermijning.interventie"]
        # (casus, instrument, registered (UTC), state, count)
        layout = [
            (cls.casus, cls.damocles, "2023-06-15 10:00:00", "afgerond", 4),
            (cls.casus, cls.damocles, "2023-07-15 10:00:00", "lopend", 2),
            (cls.casus, cls.damocles, "2024-02-01 10:00:00", "gepland", 2),
            (cls.casus, cls.dwangsom, "2024-03-01 10:00:00", "afgerond", 5),
            (cls.casus2, cls.damocles, "2024-05-01 10:00:00", "afgerond", 5),
            (cls.casus2, cls.dwangsom, "2024-06-01 10:00:00", "lopend", 7),
            # 31 December 23:30 UTC is 1 January 00:30 in the gemeente
            (cls.casus, cls.dwangsom, "2024-12-31 23:30:00", "gepland", 1),
        ]
        for casus, instrument, registered, state, count in layout:
            records = cls.make(casus, instrument, registered, count, state=state)
            cls.interventions |= records
        cls.bibob_1 = cls.make(
            cls.casus,
            cls.bibob,
            "2024-02-10 10:00:00",
            1,
            state="afgerond",
            bibob_request_date="2024-02-01",
            bibob_lbb_request_date="2024-02-12",
            bibob_lbb_advice_date="2024-03-05",
            bibob_lbb_advice="ernstige",
            bibob_decision_date="2024-04-01",
            bibob_decision="geweigerd",
        )
        cls.bibob_2 = cls.make(
            cls.casus2,
            cls.bibob,
            "2024-02-10 10:00:00",
            1,
            bibob_lbb_advice_date="2024-03-20",
            bibob_lbb_advice="geen",
        )
        cls.companies = cls.gemeente | cls.gemeente2
        cls.domain = [("company_id", "in", cls.companies.ids)]

    @classmethod
    def make(cls, casus, instrument, registered, count, **vals):
        """Interventions as the plan van aanpak records them, registered
        at ``registered`` (UTC)."""
        records = (
            cls.env["ondermijning.interventie"]
            .sudo()
            .create(
                [
                    dict({"casus_id": casus.id, "instrument_id": instrument.id}, **vals)
                    for _i in range(count)
                ]
            )
        )
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE ondermijning_interventie SET create_date = %s WHERE id IN %s",
            [registered, tuple(records.ids)],
        )
        cls.env.invalidate_all()
        return records

    def stat(self, role):
        self.env.invalidate_all()
        user = self.users[role] if isinstance(role, str) else role
        return self.env[INTERVENTIE].with_user(user)

    def counts(self, role, groupby, domain=None):
        rows = self.stat(role)._read_group(
            list(domain or self.domain), groupby, ["__count"]
        )
        return {
            tuple(
                value.id if hasattr(value, "id") else value for value in row[:-1]
            ): row[-1]
            for row in rows
        }

    def test_medewerker_counts_exactly_per_instrument_and_local_year(self):
        counts = self.counts("medewerker", ["instrument_id", "date_start:year"])
        self.assertEqual(
            counts,
            {
                (self.damocles.id, datetime.date(2023, 1, 1)): 6,
                (self.damocles.id, datetime.date(2024, 1, 1)): 2,
                (self.dwangsom.id, datetime.date(2024, 1, 1)): 5,
                (self.bibob.id, datetime.date(2024, 1, 1)): 1,
                # registered on New Year's Eve in UTC, New Year's Day here
                (self.dwangsom.id, datetime.date(2025, 1, 1)): 1,
            },
            "own gemeente only, exact, by the gemeente's local year",
        )
        states = self.counts("medewerker", ["instrument_id", "state"])
        self.assertEqual(states[self.damocles.id, "afgerond"], 4)
        self.assertEqual(states[self.damocles.id, "lopend"], 2)
        self.assertEqual(states[self.bibob.id, "afgerond"], 1)

    def test_bibob_advice_and_decision(self):
        counts = self.counts(
            "medewerker",
            ["bibob_lbb_advice", "bibob_decision", "date_bibob_decision:year"],
            self.domain + [("procedure", "=", "bibob")],
        )
        self.assertEqual(
            counts, {("ernstige", "geweigerd", datetime.date(2024, 1, 1)): 1}
        )

    def test_done_month(self):
        intervention = self.interventions.filtered(lambda i: i.state == "gepland")[0]
        self.assertFalse(intervention.date_done)
        intervention.with_user(self.users["medewerker"]).state = "afgerond"
        self.assertTrue(intervention.date_done)
        done = self.counts(
            "medewerker",
            ["date_done:month"],
            self.domain + [("instrument_id", "=", intervention.instrument_id.id)],
        )
        self.assertIn((intervention.date_done.replace(day=1),), done)
        intervention.with_user(self.users["medewerker"]).state = "lopend"
        self.assertFalse(intervention.date_done)

    def test_analyst_gets_protected_counts(self):
        exact = {
            (company.id, instrument.id): count
            for company, instrument, count in self.env[INTERVENTIE]._read_group(
                self.domain, ["company_id", "instrument_id"], ["__count"]
            )
        }
        counts = self.counts("analist", ["company_id", "instrument_id"])
        self.assertTrue(counts, "the analyst sees figures across gemeenten")
        for key, value in counts.items():
            self.assertEqual(value, exact[key], "a shown cell is the exact count")
        # a single Bibob procedure per gemeente is withheld, and so much
        # more that no total gives it away
        self.assertNotIn((self.gemeente.id, self.bibob.id), counts)
        self.assertNotIn((self.gemeente2.id, self.bibob.id), counts)
        by_gemeente = self.counts("analist", ["company_id"])
        self.assertEqual(
            by_gemeente,
            {(self.gemeente.id,): 15, (self.gemeente2.id,): 13},
            "totals are exact",
        )
        by_instrument = self.counts("analist", ["instrument_id"])
        self.assertNotIn((self.bibob.id,), by_instrument, "2 Bibob: withheld")
        with self.assertRaises(AccessError):
            self.stat("analist")._read_group(self.domain, ["state", "id"], ["__count"])
        with self.assertRaises(AccessError):
            self.stat("analist")._read_group(
                self.domain, ["date_start:day"], ["__count"]
            )

    def test_analyst_reads_no_intervention_or_casus(self):
        analist = self.users["analist"]
        for model in (INTERVENTIE, "ondermijning.interventie", "ondermijning.casus"):
            Model = self.env[model].with_user(analist)
            with self.subTest(model=model), self.assertRaises(AccessError):
                Model.search_read(self.domain, ["company_id"])
        with self.assertRaises(AccessError):
            self.stat("analist").browse(self.interventions[0].id * 2).read(
                ["instrument_id"]
            )
        with self.assertRaises(AccessError):
            self.env["ondermijning.interventie.spoor"].with_user(analist).search([])
        # a melder or an overleg partner reads no statistics at all
        for role in ("melder", "overleg"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.stat(role)._read_group([], ["instrument_id"], ["__count"])

    def test_workbook_sheets(self):
        filters = {
            "date_from": datetime.date(2023, 1, 1),
            "date_to": datetime.date(2025, 12, 31),
            "company_ids": self.companies.ids,
        }
        medewerker = self.export("medewerker", "statistieken", **filters)
        rows = self.rows(medewerker["Interventies"])
        self.assertEqual(
            rows[0][0], "Interventies per instrument en jaar van registratie"
        )
        self.assertEqual(rows[1], ["Instrument", 2023, 2024, 2025, "Totaal"])
        table = {row[0]: row[1:5] for row in rows[2:6]}
        self.assertEqual(table[self.damocles.name], [6, 2, 0, 8])
        self.assertEqual(table[self.dwangsom.name], [0, 5, 1, 6])
        self.assertEqual(table[self.bibob.name], [0, 1, 0, 1])
        self.assertEqual(table["Totaal"], [6, 8, 1, 15])
        bibob = self.rows(medewerker["Bibob"])
        self.assertIn(["A serious degree of danger", 1, 1], [r[:3] for r in bibob])
        self.assertIn(["Refused", 1, 1], [r[:3] for r in bibob])
        analist = self.export("analist", "statistieken", **filters)
        per_gemeente = self.rows(analist["Interventies per gemeente"])
        cells = [value for row in per_gemeente for value in row]
        self.assertIn("x", cells)
        line = next(row for row in per_gemeente if row[0] == self.gemeente.name)
        self.assertIn(6, line, "the gemeente's lasten onder dwangsom: shown")
        self.assertEqual(line[-1], 15, "the gemeente's total: exact")
        notes = [row[0] for row in per_gemeente if row[0] and "geheim" in row[0]]
        self.assertTrue(notes and "interventies" in notes[0])
        bibob = self.rows(analist["Bibob"])
        self.assertFalse(
            [r for r in bibob if r[0] == "A serious degree of danger" and 1 in r],
            "a single Bibob advice is withheld from the analyst",
        )

    def assertAggregatesCurrent(self):
        """The aggregates, deltas summed, equal the view counted afresh, and
        every intervention sheet is the full scan's, for both roles."""
        self.env.flush_all()
        summed, fresh = self.env[INTERVENTIE].sudo()._cells_sql()
        cr = self.env.cr
        for first, second in ((summed, fresh), (fresh, summed)):
            cr.execute(f"SELECT * FROM (({first}) EXCEPT ALL ({second})) x")
            self.assertEqual(cr.fetchall(), [], "the aggregates are up to date")
        filters = [
            {},
            {
                "date_from": datetime.date(2024, 1, 1),
                "date_to": datetime.date(2024, 12, 31),
                "company_ids": self.gemeente.ids,
            },
        ]
        for role in ("medewerker", "analist"):
            Stat = self.env["ondermijning.statistiek"].with_user(self.users[role])
            self.assertIsNotNone(
                self.stat(role)._cube_parts(self.domain, [], [()], False),
                "answered from the aggregates",
            )
            for period in filters:
                self.env.invalidate_all()
                fast = Stat._intervention_tables(period)
                self.env.invalidate_all()
                full = Stat.with_context(**{FULL_SCAN: True})._intervention_tables(
                    period
                )
                self.assertEqual(fast, full, (role, period))

    def test_aggregates_follow_changes(self):
        self.assertAggregatesCurrent()
        Interventie = self.env["ondermijning.interventie"].sudo()
        Interventie.browse(self.interventions[:3].ids).write({"state": "lopend"})
        self.assertAggregatesCurrent()
        # the procedure comes with the instrument
        self.dwangsom.sudo().procedure = "bibob"
        self.assertAggregatesCurrent()
        # destroyed: counted from its trace
        gone = self.interventions[3:5]
        self.env["ondermijning.interventie.spoor"].sudo()._create_for_interventions(
            gone.ids
        )
        Interventie.browse(gone.ids).unlink()
        self.assertAggregatesCurrent()
        self.env["ondermijning.statistiek"].sudo()._fold_cells()
        self.env.cr.execute(
            "SELECT count(*) FROM ondermijning_statistiek_interventie_cell"
            " WHERE NOT folded"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0, "folded")
        self.assertAggregatesCurrent()
        # a filter on the id cannot be answered from the aggregates
        self.assertIsNone(
            self.stat("medewerker")._cube_parts([("id", ">", 0)], [], [()], False)
        )


@tagged("post_install", "-at_install")
class TestInterventionsSurvivePurge(RapportageCase):
    """A casus taken the real way to its end, with a Damocles closure and a
    Bibob procedure, in a campaign: after retention destroyed it, its
    interventions and campaign count as before, from an anonymous trace."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the demo data's gemeenten are out of this purge
        cls.env["ondermijning.bewaartermijn"].search(
            [("company_id", "not in", (cls.gemeente | cls.gemeente2).ids)]
        ).write({"active": False})

    def close_casus(self, casus):
        """Weging 5, plan, interventions, result and monitoring, closed."""
        self.privacy_check(casus, "2a")
        as_medewerker = casus.with_user(self.users["medewerker"])
        as_medewerker.action_next_state()
        as_medewerker.plan_van_aanpak = "Sluiting pand, Bibob-toets exploitatie"
        Interventie = self.env["ondermijning.interventie"].with_user(
            self.users["medewerker"]
        )
        today = fields.Date.today()
        interventions = Interventie.create(
            [
                {
                    "casus_id": casus.id,
                    "instrument_id": self.env.ref(
                        "ondermijning_signalen.instrument_1"
                    ).id,
                    "user_id": self.users["medewerker"].id,
                    "date_deadline": today + datetime.timedelta(days=14),
                },
                {
                    "casus_id": casus.id,
                    "instrument_id": self.env.ref(
                        "ondermijning_signalen.instrument_2"
                    ).id,
                    "bibob_request_date": today,
                    "bibob_lbb_request_date": today,
                },
            ]
        )
        self.privacy_check(casus, "2b")
        as_medewerker.action_next_state()
        interventions[0].write({"state": "afgerond", "result": "Pand gesloten"})
        interventions[1].write(
            {
                "state": "afgerond",
                "bibob_lbb_advice_date": today,
                "bibob_lbb_advice": "ernstige",
                "bibob_decision_date": today,
                "bibob_decision": "geweigerd",
            }
        )
        as_medewerker.write({"result": "bereikt", "monitoring_until": today})
        as_medewerker.action_next_state()
        as_medewerker.action_next_state()
        self.assertEqual(casus.state, stappenplan.CASUS_CLOSED)
        return interventions

    def snapshot(self, user):
        self.env.invalidate_all()
        domain = [("company_id", "=", self.gemeente.id)]
        Interventie = self.env[INTERVENTIE].with_user(user)
        Campagne = self.env["ondermijning.statistiek.campagne"].with_user(user)
        Stat = self.env["ondermijning.statistiek"].with_user(user)

        def plain(rows):
            return sorted(
                (tuple(v.id if hasattr(v, "ids") else v for v in row) for row in rows),
                key=repr,
            )

        return {
            "interventions": plain(
                Interventie._read_group(
                    domain,
                    ["instrument_id", "state", "date_start:year"],
                    ["__count"],
                )
            ),
            "done": plain(
                Interventie._read_group(domain, ["date_done:month"], ["__count"])
            ),
            "bibob": plain(
                Interventie._read_group(
                    domain,
                    ["bibob_lbb_advice", "bibob_decision", "date_bibob_advice:year"],
                    ["__count"],
                )
            ),
            "campaigns": plain(
                Campagne._read_group(
                    domain, ["campagne_id", "tagged", "in_period"], ["__count"]
                )
            ),
            "signals": plain(
                Stat._read_group(
                    domain,
                    ["in_campaign", "campaign_tagged", "is_priority"],
                    ["__count"],
                )
            ),
        }

    def test_counts_survive_the_purge(self):
        today = fields.Date.today()
        campaign = self.env["ondermijning.campagne"].create(
            {
                "name": "MMA vastgoedcampagne",
                "company_id": self.gemeente.id,
                "date_from": today - datetime.timedelta(days=10),
            }
        )
        signal = self.new_signal(
            herkomst_id=self.mma.id,
            mma_number="MMA-PURGE-1",
            channel="mma_platform",
            campagne_ids=[(6, 0, campaign.ids)],
        )
        casus = self.through_stap3(signal)
        interventions = self.close_casus(casus)
        medewerker, analist = self.users["medewerker"], self.users["analist"]
        before = self.snapshot(medewerker)
        self.assertEqual(
            [row[-1] for row in before["interventions"]], [1, 1], "both counted"
        )
        self.assertIn(
            ("ernstige", "geweigerd", today.replace(month=1, day=1), 1), before["bibob"]
        )
        self.assertEqual(before["campaigns"], [(campaign.id, True, True, 1)])
        self.assertIn((True, True, False, 1), before["signals"])
        analyst_before = self.snapshot(analist)
        date_destroy = signal.sudo().date_destroy
        self.assertTrue(date_destroy)
        with freeze_time(date_destroy):
            destroyed, failed = (
                self.env["ondermijning.bewaartermijn"].sudo()._cron_purge()
            )
        self.assertEqual((destroyed, failed), (1, []))
        self.assertFalse(casus.sudo().exists(), "the casus went with its last signal")
        self.assertFalse(interventions.sudo().exists())
        self.env.invalidate_all()
        self.assertEqual(self.snapshot(medewerker), before, "the same figures")
        self.assertEqual(self.snapshot(analist), analyst_before)
        Interventie = self.env[INTERVENTIE]
        self.assertEqual(
            Interventie.search_count(
                [("company_id", "=", self.gemeente.id), ("destroyed", "=", True)]
            ),
            2,
            "counted from the trace, once",
        )
        self.assertEqual(
            Interventie.search_count([("company_id", "=", self.gemeente.id)]), 2
        )
        local_today = fields.Date.context_today(
            self.env.user.with_context(tz="Europe/Amsterdam")
        )
        # the trace says nothing that leads back to the casus
        self.env.cr.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'ondermijning_interventie_spoor'"
        )
        columns = {row[0] for row in self.env.cr.fetchall()}
        self.assertEqual(
            columns,
            {
                "id",
                "company_id",
                "instrument_id",
                "state",
                "date_start",
                "date_done",
                "bibob_lbb_advice",
                "date_bibob_advice",
                "bibob_decision",
                "date_bibob_decision",
                "date_destroyed",
            },
        )
        trace = self.env["ondermijning.interventie.spoor"].search(
            [("company_id", "=", self.gemeente.id)]
        )
        self.assertEqual(
            sorted(trace.mapped("date_start")),
            [local_today.replace(day=1)] * 2,
            "months, not days",
        )
