"""Issue 14: the overleg as a rhythm (series, standing members, proposed
agenda), the MMA register's follow-up and BT-tafel, campaigns, the Bibob
procedure, and the confirmation of a recorded weging."""

import datetime

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from odoo.addons.ondermijning_signalen import stappenplan

from .common import OndermijningCase

NOW = datetime.datetime(2026, 3, 10, 9, 0)


@tagged("post_install", "-at_install")
class TestOverlegReeks(OndermijningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reeks = (
            cls.env["ondermijning.overleg.reeks"]
            .with_user(cls.users["medewerker"])
            .create(
                {
                    "name": "Maandelijks ondermijningsoverleg",
                    "company_id": cls.gemeente.id,
                    "user_ids": [Command.set(cls.users["overleg"].ids)],
                    "partner_ids": [Command.set(cls.politie.ids)],
                    "next_date": "2026-03-12 13:00:00",
                }
            )
        )

    def signal_received(self, when, user=None, **vals):
        with freeze_time(when):
            if not user:
                return self.new_signal(**vals)
            return (
                self.env["ondermijning.signaal"]
                .with_user(user)
                .create(dict(categorie_id=self.categorie.id, **vals))
            )

    @freeze_time(NOW)
    def test_planning_takes_the_standing_members_and_moves_on_by_the_rhythm(self):
        action = self.reeks.with_user(self.users["medewerker"]).action_plan_next()
        overleg = self.env["ondermijning.overleg"].browse(action["res_id"])
        self.assertEqual(overleg.user_ids, self.users["overleg"])
        self.assertEqual(overleg.partner_ids, self.politie)
        self.assertEqual(overleg.date, fields.Datetime.to_datetime("2026-03-12 13:00"))
        self.assertEqual(
            self.reeks.next_date, fields.Datetime.to_datetime("2026-04-12 13:00")
        )
        # the partner member sees the planned overleg
        self.assertEqual(
            self.as_user("overleg", self.env["ondermijning.overleg"]).search(
                [("id", "=", overleg.id)]
            ),
            overleg,
        )

    def test_the_proposed_agenda_is_new_signals_and_those_that_need_regie(self):
        with freeze_time("2026-01-10 09:00"):
            last = self.env["ondermijning.overleg"].create(
                {
                    "reeks_id": self.reeks.id,
                    "company_id": self.gemeente.id,
                    "date": "2026-01-10 09:00:00",
                }
            )
        old_intake = self.signal_received(
            "2026-01-05 10:00", date_deadline="2026-04-01"
        )
        old_running = self.signal_received("2026-01-06 10:00")
        self.through_stap1(old_running)
        old_ended = self.signal_received("2026-01-07 10:00")
        self.weeg(old_ended, "w1", "geen_ondermijning")
        new = self.signal_received("2026-02-20 10:00")
        elsewhere = self.signal_received(
            "2026-02-21 10:00", self.medewerker2, company_id=self.gemeente2.id
        )
        with freeze_time(NOW):
            action = self.reeks.with_user(self.users["medewerker"]).action_plan_next()
        overleg = self.env["ondermijning.overleg"].browse(action["res_id"])
        self.assertTrue(overleg.reeks_id._last_overleg(overleg.date) == last)
        self.assertIn(new, overleg.signaal_ids, "new since the last overleg")
        self.assertIn(old_running, overleg.signaal_ids, "past stap 1: needs regie")
        self.assertNotIn(old_intake, overleg.signaal_ids, "in intake, not overdue")
        old_intake.date_deadline = "2026-03-01"
        overleg.action_propose_agenda()
        self.assertIn(old_intake, overleg.signaal_ids, "overdue: needs regie")
        self.assertNotIn(old_ended, overleg.signaal_ids, "ended")
        self.assertNotIn(elsewhere, overleg.signaal_ids, "another gemeente")
        # proposing again keeps what the regisseur added by hand
        extra = self.signal_received("2026-01-02 10:00")
        overleg.signaal_ids |= extra
        overleg.with_user(self.users["medewerker"]).action_propose_agenda()
        self.assertIn(extra, overleg.signaal_ids)

    def test_the_cron_plans_what_falls_within_two_weeks(self):
        with freeze_time("2026-02-20 09:00"):
            self.assertFalse(self.env["ondermijning.overleg.reeks"]._cron_plan())
        with freeze_time("2026-03-01 09:00"):
            planned = self.env["ondermijning.overleg.reeks"]._cron_plan()
        self.assertEqual(planned.reeks_id, self.reeks)
        self.assertEqual(len(self.reeks.overleg_ids), 1)

    def test_a_partner_cannot_run_a_series(self):
        Reeks = self.as_user("overleg", self.env["ondermijning.overleg.reeks"])
        with self.assertRaises(AccessError):
            Reeks.browse(self.reeks.id).action_plan_next()
        with self.assertRaises(AccessError):
            Reeks.create({"name": "Eigen reeks", "next_date": "2026-03-12 13:00:00"})

    def test_a_rhythm_is_at_least_one_period(self):
        with self.assertRefused(UserError, "at least one"):
            self.reeks.interval_number = 0


@tagged("post_install", "-at_install")
class TestMmaRegister(OndermijningCase):
    def mma_signal(self, **vals):
        return self.new_signal(
            herkomst_id=self.env.ref("ondermijning_signalen.herkomst_mma").id,
            channel="mma_platform",
            mma_number=vals.pop("mma_number", "MMA-2026-0001"),
            **vals,
        )

    def test_an_ended_mma_signal_always_has_its_follow_up(self):
        signal = self.mma_signal()
        self.weeg(signal, "w1", "geen_ondermijning")
        self.assertEqual(signal.mma_follow_up, "geen_actie")
        referred = self.mma_signal(mma_number="MMA-2026-0002")
        self.through_stap1(referred)
        self.weeg(referred, "w3", "voldoende_zwaar")
        self.weeg(referred, "beslis", "riec", role="team")
        self.assertEqual(referred.mma_follow_up, "riec")

    def test_what_the_handler_recorded_stands(self):
        signal = self.mma_signal(mma_follow_up="politie")
        self.weeg(signal, "w1", "geen_ondermijning")
        self.assertEqual(signal.mma_follow_up, "politie")

    def test_a_bt_tafel_on_the_agenda_ties_multi_signals_to_it(self):
        signal = self.mma_signal(mma_discipline="multi")
        self.assertTrue(signal.mma_bt_tafel_missing)
        Signal = self.env["ondermijning.signaal"]
        self.assertIn(signal, Signal.search([("mma_bt_tafel_missing", "=", True)]))
        self.env["ondermijning.overleg"].create(
            {
                "company_id": self.gemeente.id,
                "overleg_type": "bt_tafel",
                "date": "2026-03-05 10:00:00",
                "signaal_ids": [Command.set(signal.ids)],
            }
        )
        self.assertEqual(signal.bt_tafel_date, datetime.date(2026, 3, 5))
        self.assertFalse(signal.mma_bt_tafel_missing)
        self.assertNotIn(signal, Signal.search([("mma_bt_tafel_missing", "=", True)]))
        # a later tafel does not move the date it was first brought in
        self.env["ondermijning.overleg"].create(
            {
                "company_id": self.gemeente.id,
                "overleg_type": "bt_tafel",
                "date": "2026-04-02 10:00:00",
                "signaal_ids": [Command.set(signal.ids)],
            }
        )
        self.assertEqual(signal.bt_tafel_date, datetime.date(2026, 3, 5))

    def test_a_mono_signal_needs_no_bt_tafel(self):
        self.assertFalse(self.mma_signal(mma_discipline="mono").mma_bt_tafel_missing)

    def test_after_the_mma_intake_the_way_to_the_signal(self):
        signal = self.mma_signal()
        action = signal.with_user(self.users["medewerker"]).action_open_signal()
        self.assertEqual(
            (action["res_model"], action["res_id"]), (signal._name, signal.id)
        )
        self.assertEqual(action["views"], [(False, "form")], "the signal's own form")
        following = signal.with_user(self.users["medewerker"]).action_next_mma_report()
        self.assertEqual(
            following["id"],
            self.env.ref("ondermijning_signalen.ondermijning_signaal_action_mma").id,
        )


@tagged("post_install", "-at_install")
class TestCampagnesAndPriorities(OndermijningCase):
    def test_signals_are_tagged_with_a_campaign_of_their_gemeente(self):
        Campagne = self.as_user("beheerder", self.env["ondermijning.campagne"])
        campagne = Campagne.create(
            {
                "name": "MMA-campagne Berflo Es",
                "company_id": self.gemeente.id,
                "date_from": "2026-02-01",
                "date_to": "2026-02-28",
            }
        )
        signal = self.new_signal(campagne_ids=[Command.set(campagne.ids)])
        self.new_signal()
        self.assertEqual(campagne.signal_count, 1)
        self.assertEqual(signal.campagne_ids, campagne)
        with self.assertRefused(ValidationError, "ends after it starts"):
            campagne.date_to = "2026-01-01"
        # another gemeente neither sees it nor tags with it
        other = self.env["ondermijning.campagne"].with_user(self.medewerker2)
        self.assertFalse(other.search([("id", "=", campagne.id)]))
        with self.assertRaises(UserError):
            self.env["ondermijning.signaal"].with_user(self.medewerker2).create(
                {
                    "categorie_id": self.categorie.id,
                    "company_id": self.gemeente2.id,
                    "campagne_ids": [Command.set(campagne.ids)],
                }
            )

    def test_priority_follows_the_gemeentes_categories(self):
        categorie = self.categorie
        self.assertFalse(categorie.is_priority)
        signal = self.new_signal()
        Signal = self.as_user("medewerker", self.env["ondermijning.signaal"])
        self.assertFalse(Signal.search([("is_priority", "=", True)]))
        categorie.is_priority = True
        self.assertTrue(signal.is_priority)
        self.assertEqual(Signal.search([("is_priority", "=", True)]), signal)


@tagged("post_install", "-at_install")
class TestBibob(OndermijningCase):
    def intervention(self):
        signal = self.new_signal()
        casus = self.through_stap3(signal)
        return self.env["ondermijning.interventie"].create(
            {
                "casus_id": casus.id,
                "instrument_id": self.env.ref("ondermijning_signalen.instrument_2").id,
            }
        )

    def test_the_procedure_follows_the_woerden_plan(self):
        bibob = self.intervention()
        self.assertEqual(bibob.procedure, "bibob")
        bibob.write(
            {
                "bibob_request_date": "2026-01-05",
                "bibob_lbb_request_date": "2026-01-20",
                "bibob_lbb_advice_date": "2026-03-02",
                "bibob_lbb_advice": "ernstige",
                "bibob_decision_date": "2026-03-20",
                "bibob_decision": "geweigerd",
            }
        )
        with self.assertRefused(ValidationError, "follow each other"):
            bibob.bibob_decision_date = "2026-01-01"
        with self.assertRefused(ValidationError, "date the advice"):
            bibob.write({"bibob_lbb_advice_date": False})
        with self.assertRefused(ValidationError, "date of the decision"):
            bibob.write({"bibob_decision_date": False})


@tagged("post_install", "-at_install")
class TestWegingConfirmation(OndermijningCase):
    def test_recording_says_what_was_recorded_and_what_comes_next(self):
        signal = self.new_signal()
        weging = self.weeg(signal, "w1", "ondermijning")
        answer = weging.with_user(self.users["medewerker"]).action_confirm_recorded()
        self.assertEqual(answer["tag"], "display_notification")
        message = answer["params"]["message"]
        self.assertIn(self.outcome("w1", "ondermijning").name, message)
        self.assertIn("Weging 2A", message, "what is due next")
        self.assertNotIn(weging.motivation, message, "never the motivation")
        self.assertEqual(
            answer["params"]["next"]["type"], "ir.actions.act_window_close"
        )
        # and the signal's history has it
        self.assertIn(
            self.outcome("w1", "ondermijning").name,
            signal.message_ids.mapped("body")[0],
        )
        self.assertEqual(signal.stage_code, stappenplan.INTAKE)


@tagged("post_install", "-at_install")
class TestAgendaParticipants(OndermijningCase):
    """Issue 16: the partners' record rules read the participants of a
    signal's overleggen from a stored relation; it must follow every change
    of an agenda and its participants, so that a partner sees exactly the
    signals on the agendas of his overleggen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner2 = new_test_user(
            cls.env,
            login="test_overleg2",
            groups="base.group_user,ondermijning_signalen.group_overleg",
            company_id=cls.gemeente.id,
            company_ids=[cls.gemeente.id],
        )
        cls.s1, cls.s2, cls.s3 = (
            cls.env["ondermijning.signaal"]
            .with_user(cls.users["medewerker"])
            .create(
                [{"categorie_id": cls.categorie.id, "company_id": cls.gemeente.id}] * 3
            )
        )
        cls.overleg = cls.env["ondermijning.overleg"].create(
            {
                "company_id": cls.gemeente.id,
                "user_ids": [Command.set(cls.users["overleg"].ids)],
                "signaal_ids": [Command.set(cls.s1.ids)],
            }
        )

    def stored(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT signaal_id, user_id FROM ondermijning_signaal_participant_rel"
        )
        return set(self.env.cr.fetchall())

    def defined(self):
        """By the definition: a participant of an overleg with the signal on
        its agenda."""
        return {
            (signal.id, user.id)
            for overleg in self.env["ondermijning.overleg"].search([])
            for signal in overleg.with_context(active_test=False).signaal_ids
            for user in overleg.user_ids
        }

    def assertSees(self, user, signals):
        ours = (self.s1 | self.s2 | self.s3).exists()
        self.assertEqual(self.stored(), self.defined())
        self.assertEqual(
            self.env["ondermijning.signaal"]
            .with_user(user)
            .search([("id", "in", ours.ids)]),
            signals,
        )

    def test_the_stored_participants_follow_the_agendas(self):
        me, other = self.users["overleg"], self.partner2
        self.assertSees(me, self.s1)
        self.assertSees(other, self.s1.browse())
        # an item added to, another taken off the agenda
        self.overleg.signaal_ids = [Command.link(self.s2.id)]
        self.assertSees(me, self.s1 | self.s2)
        self.overleg.signaal_ids = [Command.unlink(self.s1.id)]
        self.assertSees(me, self.s2)
        # from the signal's side
        self.s3.overleg_ids = [Command.link(self.overleg.id)]
        self.assertSees(me, self.s2 | self.s3)
        self.s3.overleg_ids = [Command.clear()]
        self.assertSees(me, self.s2)
        # a participant added, and removed again
        self.overleg.user_ids = [Command.link(other.id)]
        self.assertSees(other, self.s2)
        self.overleg.user_ids = [Command.unlink(other.id)]
        self.assertSees(other, self.s2.browse())
        self.assertSees(me, self.s2)
        # the same signal on a second agenda: deleting the first overleg
        # leaves what the second one shows
        second = self.env["ondermijning.overleg"].create(
            {
                "company_id": self.gemeente.id,
                "user_ids": [Command.set((me | other).ids)],
                "signaal_ids": [Command.set((self.s2 | self.s3).ids)],
            }
        )
        self.assertSees(other, self.s2 | self.s3)
        self.overleg.signaal_ids = [Command.link(self.s1.id)]
        self.overleg.unlink()
        self.assertSees(me, self.s2 | self.s3)
        # a destroyed signal takes its rows along
        self.s3.sudo().unlink()
        self.assertSees(me, self.s2)
        second.unlink()
        self.assertSees(me, self.s2.browse())
        self.assertFalse(self.stored() & {(self.s2.id, me.id), (self.s1.id, me.id)})

    def test_install_fills_the_relation_in_one_pass(self):
        """What install and upgrade run (and the data generator after its
        SQL copies): the whole relation made again from the agendas."""
        self.overleg.write({"signaal_ids": [Command.link(self.s2.id)]})
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("DELETE FROM ondermijning_signaal_participant_rel")
        cr.execute(
            "INSERT INTO ondermijning_signaal_participant_rel VALUES (%s, %s)",
            [self.s3.id, self.partner2.id],
        )
        self.env["ondermijning.signaal"].invalidate_model(["participant_user_ids"])
        self.env["ondermijning.signaal"]._sync_participants()
        me = self.users["overleg"].id
        ours = {s.id for s in self.s1 | self.s2 | self.s3}
        self.assertEqual(
            {row for row in self.stored() if row[0] in ours},
            {(self.s1.id, me), (self.s2.id, me)},
        )
        self.assertSees(self.users["overleg"], self.s1 | self.s2)
        self.assertSees(self.partner2, self.s1.browse())

    # -- the copied columns (gemeente, seal, archived, end, stage, date) ----
    COPIED = "company_id, is_sealed, active, end_state, stage_id, date_received"

    def assertCopiesEqual(self):
        """Every row's copy equals its signal's columns."""
        self.env.flush_all()
        self.env.cr.execute(
            f"""SELECT count(*) FROM ondermijning_signaal_participant_rel r
                  JOIN ondermijning_signaal s ON s.id = r.signaal_id
                 WHERE (r.{self.COPIED.replace(", ", ", r.")})
                       IS DISTINCT FROM (s.{self.COPIED.replace(", ", ", s.")})"""
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def assertAnswers(self, user, expected):
        """The partner's board and list searches, answered from his rows,
        give what the ORM gives through the record rules (the same
        signals, in the same order, the same counts), and ``expected`` for
        the list without filter."""
        self.assertCopiesEqual()
        Signal = self.env["ondermijning.signaal"].with_user(user)
        self.assertTrue(Signal._agenda_only())
        general = Signal.with_context(ondermijning_agenda_general=True)
        self.env.invalidate_all()
        stages = [stage.id for stage in self.stage.values()]
        for domain in (
            [],
            [("end_state", "=", False)],
            [("end_state", "!=", False)],
            [("active", "=", False)],
            [("stage_id", "in", stages[1:])],
            [("end_state", "=", False), ("stage_id", "=", stages[0])],
        ):
            with self.subTest(domain=domain):
                self.assertIsNotNone(Signal._agenda_conditions(domain))
                self.assertEqual(Signal.search(domain), general.search(domain))
                self.assertEqual(
                    Signal.search_count(domain, limit=2),
                    general.search_count(domain, limit=2),
                )
                self.assertEqual(
                    Signal.search(domain, offset=1, limit=1),
                    general.search(domain, offset=1, limit=1),
                )
                self.assertEqual(
                    Signal.search(domain, limit=0), general.search(domain, limit=0)
                )
                self.assertEqual(
                    Signal.with_context(active_test=False).search(domain),
                    general.with_context(active_test=False).search(domain),
                )
                self.assertEqual(
                    Signal._read_group(domain, ["stage_id"], ["__count"]),
                    general._read_group(domain, ["stage_id"], ["__count"]),
                )
        self.assertEqual(Signal.search([]), expected)
        # reading them: let through on his rows, in one query
        self.assertTrue(expected.with_user(user)._agenda_readable())
        expected.with_user(user).check_access("read")

    def assertNotReadable(self, user, signal):
        """Not on his rows: the ORM's refusal."""
        self.assertFalse(signal.with_user(user)._agenda_readable())
        with self.assertRaises(AccessError):
            signal.with_user(user).check_access("read")

    def test_the_copied_columns_follow_the_signal(self):
        """Sealed, unsealed, archived, restored, moved to another stage or
        gemeente, ended, received on another date, taken off the agenda:
        the partner's rows follow, whoever writes (the ORM or SQL), and he
        sees exactly what the record rules let him see."""
        me = self.users["overleg"]
        cr = self.env.cr
        s1, s2, s3 = self.s1, self.s2, self.s3
        for days, signal in enumerate((s1, s2, s3)):
            signal.sudo().date_received = fields.Datetime.now() - datetime.timedelta(
                days=days
            )
        self.overleg.signaal_ids = [Command.set((s1 | s2 | s3).ids)]
        self.assertAnswers(me, s1 | s2 | s3)
        # sealed and unsealed (the ORM)
        s2.sudo().is_sealed = True
        self.assertAnswers(me, s1 | s3)
        self.assertNotReadable(me, s2)
        self.assertNotReadable(me, s1 | s2)
        s2.sudo().is_sealed = False
        self.assertAnswers(me, s1 | s2 | s3)
        # archived and restored
        s3.sudo().action_archive()
        self.assertAnswers(me, s1 | s2)
        self.assertTrue(s3.with_user(me)._agenda_readable(), "the rules allow it")
        s3.sudo().action_unarchive()
        self.assertAnswers(me, s1 | s2 | s3)
        # an earlier date puts it last
        s1.sudo().date_received = fields.Datetime.now() - datetime.timedelta(days=5)
        self.assertAnswers(me, s2 | s3 | s1)
        # moved to another stage, ended (SQL, as retention and the data
        # generator write)
        cr.execute(
            "UPDATE ondermijning_signaal SET stage_id = %s WHERE id = %s",
            [self.stage[stappenplan.STEP_ORDER[-1]].id, s1.id],
        )
        cr.execute(
            "UPDATE ondermijning_signaal SET end_state = 'niet_in_behandeling' "
            "WHERE id = %s",
            [s2.id],
        )
        self.env.invalidate_all()
        self.assertAnswers(me, s2 | s3 | s1)
        self.assertEqual(
            self.env["ondermijning.signaal"]
            .with_user(me)
            .search([("end_state", "=", False)]),
            s3 | s1,
        )
        # to another gemeente: out of his sight
        cr.execute(
            "UPDATE ondermijning_signaal SET company_id = %s WHERE id = %s",
            [self.gemeente2.id, s1.id],
        )
        self.env.invalidate_all()
        self.assertAnswers(me, s3 | s2)
        self.assertNotReadable(me, s1)
        cr.execute(
            "UPDATE ondermijning_signaal SET company_id = %s WHERE id = %s",
            [self.gemeente.id, s1.id],
        )
        self.env.invalidate_all()
        # taken off the agenda
        self.overleg.signaal_ids = [Command.unlink(s3.id)]
        self.assertAnswers(me, s1 | s2)
        self.assertNotReadable(me, s3)
        # a copy made wrong by hand is set right by the row's own trigger
        cr.execute(
            "UPDATE ondermijning_signaal_participant_rel SET is_sealed = TRUE, "
            "company_id = NULL"
        )
        self.assertAnswers(me, s1 | s2)
        # the other partner, at no overleg, sees nothing
        self.assertFalse(
            self.env["ondermijning.signaal"].with_user(self.partner2).search([])
        )
        self.assertNotReadable(self.partner2, s1)

    def test_other_rules_keep_the_orm_search(self):
        """Only a partner whose record rules are exactly the agenda rule is
        answered from his rows: a gemeente hiding uncleared items, another
        role, a search on another field or another order go the ORM's way
        (and still see the same)."""
        me = self.users["overleg"]
        Signal = self.env["ondermijning.signaal"].with_user(me)
        self.assertTrue(Signal._agenda_only())
        self.assertIsNone(Signal._agenda_conditions([("name", "ilike", "S")]))
        self.assertIsNone(
            Signal._agenda_conditions(
                ["|", ("end_state", "=", False), ("stage_id", "=", 1)]
            )
        )
        self.assertFalse(
            Signal.with_user(self.users["medewerker"])._agenda_only(),
            "a medewerker sees his gemeente, not an agenda",
        )
        self.assertEqual(Signal.search([], order="name"), self.s1)
        self.gemeente.ondermijning_uncleared_agenda = "hide"
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        self.assertFalse(Signal._agenda_only())
        self.assertFalse(Signal.search([]), "nothing cleared: nothing shown")
