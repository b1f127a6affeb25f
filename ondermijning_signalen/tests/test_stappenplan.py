from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .. import stappenplan
from .common import OndermijningCase


@tagged("post_install", "-at_install")
class TestStappenplan(OndermijningCase):
    """One signal through every road of the CCV stappenplan."""

    def test_reference_per_gemeente_and_year(self):
        first = self.new_signal()
        second = self.new_signal()
        year = fields.Date.today().year
        self.assertRegex(first.name, rf"^{year}-\d{{5}}$")
        self.assertEqual(int(second.name[-5:]), int(first.name[-5:]) + 1)
        other = (
            self.env["ondermijning.signaal"]
            .with_user(self.medewerker2)
            .create(
                {
                    "categorie_id": self.categorie.id,
                    "company_id": self.gemeente2.id,
                }
            )
        )
        self.assertEqual(
            other.name, f"{year}-00001", "each gemeente numbers its own signals"
        )
        last_year = self.new_signal(
            date_received=fields.Datetime.now() - timedelta(days=366)
        )
        self.assertTrue(last_year.name.startswith(str(year - 1)))

    def test_new_signal_starts_in_stap1_with_weging1_due(self):
        signal = self.new_signal()
        self.assertEqual(signal.stage_code, stappenplan.INTAKE)
        self.assertEqual(signal.next_weging, "w1")
        self.assertEqual(signal.date_deadline, fields.Date.today() + timedelta(days=5))

    def test_gate_refuses_stap2_without_wegingen_and_says_which(self):
        signal = self.new_signal()
        with self.assertRefused(
            UserError, "Weging 1.*missing.*Weging 2A.*missing.*Weging 2B.*missing"
        ):
            self.move(signal, stappenplan.WEGING3)
        self.weeg(signal, "w1", "ondermijning")
        self.weeg(signal, "w2a", "gemeentelijke_taak")
        with self.assertRefused(UserError, "Weging 2B") as caught:
            self.move(signal, stappenplan.WEGING3)
        self.assertNotIn("Weging 1", str(caught.exception))
        self.weeg(signal, "w2b", "binnen_gemeente")
        self.move(signal, stappenplan.WEGING3)
        self.assertEqual(signal.stage_code, stappenplan.WEGING3)
        self.assertTrue(signal.date_stap2)

    def test_gate_refuses_skipping_a_step(self):
        signal = self.new_signal()
        self.weeg(signal, "w1", "ondermijning")
        self.weeg(signal, "w2a", "gemeentelijke_taak")
        self.weeg(signal, "w2b", "binnen_gemeente")
        with self.assertRefused(UserError, "Weging 3.*missing.*Beslismoment.*missing"):
            self.move(signal, stappenplan.BRONNEN)
        with self.assertRefused(UserError, "end state"):
            self.move(signal, stappenplan.AFGESLOTEN)
        self.assertEqual(signal.stage_code, stappenplan.INTAKE)

    def test_button_uses_the_same_gate(self):
        signal = self.new_signal()
        with self.assertRefused(UserError, "Weging 1"):
            signal.with_user(self.users["medewerker"]).action_next_step()
        self.weeg(signal, "w1", "ondermijning")
        self.weeg(signal, "w2a", "gemeentelijke_taak")
        self.weeg(signal, "w2b", "binnen_gemeente")
        signal.with_user(self.users["medewerker"]).action_next_step()
        self.assertEqual(signal.stage_code, stappenplan.WEGING3)

    def test_weging_needs_motivation_and_checklist(self):
        signal = self.new_signal()
        with self.assertRaises(ValidationError):
            self.weeg(signal, "w1", "ondermijning", indicator_ids=[])
        with self.assertRaises(ValidationError):
            self.weeg(signal, "w2b", "binnen_gemeente", register=False)
        with self.assertRaises(ValidationError):
            self.weeg(signal, "w1", "ondermijning", motivation=False)
        with self.assertRaises(ValidationError, msg="weging 3 belongs to stap 2"):
            self.weeg(signal, "w3", "voldoende_zwaar")

    def test_weging_is_not_editable(self):
        signal = self.new_signal()
        weging = self.weeg(signal, "w1", "ondermijning")
        with self.assertRaises(UserError):
            weging.with_user(self.users["medewerker"]).write(
                {"uitkomst_id": self.outcome("w1", "geen_ondermijning").id}
            )

    def test_weging1_negative_ends_not_in_treatment(self):
        signal = self.new_signal()
        self.weeg(signal, "w1", "geen_ondermijning", indicator_ids=[])
        self.assertEqual(signal.end_state, "niet_in_behandeling")
        self.assertEqual(signal.stage_code, stappenplan.AFGESLOTEN)
        self.assertTrue(signal.date_end)
        with self.assertRefused(UserError, "ended"):
            self.move(signal, stappenplan.WEGING3)
        with self.assertRaises(ValidationError):
            self.weeg(signal, "w2a", "gemeentelijke_taak")

    def test_weging2a_no_task_of_the_gemeente_refers_where_needed(self):
        """ "Het signaal wordt niet in behandeling genomen en zo nodig
        doorverwezen naar een andere instantie"; a positive 2A names the task
        or power of the gemeente."""
        signal = self.new_signal()
        self.weeg(signal, "w1", "ondermijning")
        with self.assertRefused(ValidationError, "task or power"):
            self.weeg(signal, "w2a", "gemeentelijke_taak", taak_id=False)
        self.weeg(signal, "w2a", "andere_instantie")
        self.assertEqual(signal.end_state, "niet_in_behandeling")
        referred = self.new_signal()
        self.weeg(referred, "w1", "ondermijning")
        self.weeg(referred, "w2a", "andere_instantie", referred_to="Veilig Thuis")
        self.assertEqual(referred.end_state, "doorverwezen")
        self.assertEqual(referred.referred_to, "Veilig Thuis")

    def test_weging2b_asks_the_protocols_three_questions(self):
        """ "1. Gaat het om een object of een subject? 2. ... ligt het object
        binnen de gemeentegrens 3. ... woont het subject binnen de
        gemeentegrenzen (dan wel is er anderszins een link met de
        gemeente)?"
        """
        signal = self.new_signal()
        self.weeg(signal, "w1", "ondermijning")
        self.weeg(signal, "w2a", "gemeentelijke_taak")
        with self.assertRefused(ValidationError, "subject or an object"):
            self.weeg(signal, "w2b", "binnen_gemeente", subject_kind=False)
        with self.assertRefused(ValidationError, "within the gemeente means"):
            self.weeg(signal, "w2b", "binnen_gemeente", within_gemeente=False)
        with self.assertRefused(ValidationError, "concerns the gemeente"):
            self.weeg(signal, "w2b", "buiten_gemeente", within_gemeente=True)
        self.weeg(
            signal,
            "w2b",
            "binnen_gemeente",
            subject_kind="subject",
            within_gemeente=False,
            other_link=True,
            other_link_note="Exploitant van een bedrijf in de gemeente",
        )
        self.move(signal, stappenplan.WEGING3)
        self.assertEqual(signal.stage_code, stappenplan.WEGING3)

    def test_weging3_follows_the_gemeentes_criteria(self):
        signal = self.new_signal()
        self.through_stap1(signal)
        recent = self.env.ref("ondermijning_signalen.criterium_recent")
        concreet = self.env.ref("ondermijning_signalen.criterium_concreet")
        with self.assertRefused(ValidationError, recent.name):
            self.weeg(
                signal, "w3", "voldoende_zwaar", criterium_ids=[(6, 0, concreet.ids)]
            )
        with self.assertRefused(ValidationError, "objective criterion"):
            self.weeg(signal, "w3", "voldoende_zwaar", research_done=True)
        # a gemeente may make its own criterion required
        eigen = self.env["ondermijning.weging.criterium"].create(
            {
                "name": "Past bij de prioriteiten van het college",
                "required": True,
                "company_id": self.gemeente.id,
            }
        )
        with self.assertRefused(ValidationError, eigen.name):
            self.weeg(
                signal,
                "w3",
                "voldoende_zwaar",
                criterium_ids=[(6, 0, (recent | concreet).ids)],
            )
        weging = self.weeg(
            signal,
            "w3",
            "voldoende_zwaar",
            criterium_ids=[(6, 0, (recent | concreet | eigen).ids)],
            research_done=True,
            research_query="Openbare bronnen over het pand",
            research_ground="Beleid: signalen over panden met een bedrijfsfunctie",
            research_date=fields.Date.today(),
        )
        self.assertTrue(weging.positive)

    def test_weging2b_negative_refers_to_other_gemeente(self):
        signal = self.new_signal()
        self.weeg(signal, "w1", "ondermijning")
        self.weeg(signal, "w2a", "gemeentelijke_taak")
        self.weeg(
            signal,
            "w2b",
            "buiten_gemeente",
            referred_to="Gemeente Enschede",
            register="brp",
        )
        self.assertEqual(signal.end_state, "doorverwezen")

    def test_beslismoment_a_not_in_treatment(self):
        signal = self.new_signal()
        self.through_stap1(signal)
        self.weeg(signal, "w3", "onvoldoende_zwaar")
        self.weeg(signal, "beslis", "niet_in_behandeling", role="team")
        self.assertEqual(signal.end_state, "niet_in_behandeling")

    def test_beslismoment_b_to_afdeling(self):
        signal = self.new_signal()
        self.through_stap1(signal)
        self.weeg(signal, "w3", "voldoende_zwaar")
        with self.assertRefused(ValidationError, "department"):
            self.weeg(signal, "beslis", "afdeling", role="team")
        self.weeg(
            signal, "beslis", "afdeling", role="team", afdeling_id=self.afdeling.id
        )
        self.assertEqual(signal.end_state, "afdeling")
        self.assertEqual(signal.afdeling_id, self.afdeling)

    def test_beslismoment_c_to_riec(self):
        signal = self.new_signal()
        self.through_stap1(signal)
        self.weeg(signal, "w3", "voldoende_zwaar")
        self.weeg(signal, "beslis", "riec", role="team")
        self.assertEqual(signal.end_state, "riec")

    def test_beslismoment_d_vervolganalyse_needs_heavy_signal(self):
        signal = self.new_signal()
        self.through_stap1(signal)
        self.weeg(signal, "w3", "onvoldoende_zwaar")
        with self.assertRefused(ValidationError, "weging 3"):
            self.weeg(signal, "beslis", "vervolganalyse", role="team")
        self.weeg(signal, "w3", "voldoende_zwaar")
        self.weeg(signal, "beslis", "vervolganalyse", role="team")
        self.move(signal, stappenplan.BRONNEN)
        self.assertEqual(signal.stage_code, stappenplan.BRONNEN)

    def test_only_the_team_takes_the_beslismoment(self):
        signal = self.new_signal()
        self.through_stap1(signal)
        self.weeg(signal, "w3", "voldoende_zwaar")
        with self.assertRaises(AccessError):
            self.weeg(signal, "beslis", "vervolganalyse", role="medewerker")

    def test_only_privacyfunctionaris_approves_sources(self):
        signal = self.new_signal()
        self.through_stap2(signal)
        with self.assertRaises(AccessError):
            self.env["ondermijning.bronraadpleging"].with_user(
                self.users["medewerker"]
            ).create(
                {
                    "signaal_id": signal.id,
                    "bron_id": self.env.ref("ondermijning_signalen.bron_1").id,
                    "legal_ground": "x",
                }
            )
        consultation = self.approve_source(signal)
        self.assertEqual(consultation.approved_by_id, self.users["privacy"])

    def test_no_hit_anywhere_ends_not_in_treatment(self):
        signal = self.new_signal()
        self.through_stap2(signal)
        first = self.approve_source(signal, "ondermijning_signalen.bron_1")
        second = self.approve_source(signal, "ondermijning_signalen.bron_2")
        first.with_user(self.users["medewerker"]).action_record_no_hit()
        self.assertFalse(signal.end_state, "one source is still to be consulted")
        second.with_user(self.users["medewerker"]).action_record_no_hit()
        self.assertEqual(signal.end_state, "niet_in_behandeling")
        self.assertEqual(signal.stage_code, stappenplan.AFGESLOTEN)

    def test_hit_needs_a_summary_and_weging4(self):
        signal = self.new_signal()
        self.through_stap2(signal)
        consultation = self.approve_source(signal)
        with self.assertRefused(UserError, "Summarise"):
            consultation.with_user(self.users["medewerker"]).action_record_hit()
        with self.assertRefused(ValidationError, "no relevant hit"):
            self.weeg(signal, "w4", "casusoverleg", role="team")
        consultation.with_user(
            self.users["medewerker"]
        ).summary = "Vergunning aangevraagd in 2025"
        consultation.with_user(self.users["medewerker"]).action_record_hit()
        self.assertEqual(signal.next_weging, "w4")

    def test_weging4_outcomes(self):
        for code, end_state in (("afdelingen", "afdeling"), ("riec", "riec")):
            signal = self.new_signal()
            self.through_stap2(signal)
            hit = self.approve_source(signal)
            hit.with_user(self.users["medewerker"]).summary = "hit"
            hit.with_user(self.users["medewerker"]).action_record_hit()
            extra = {"afdeling_id": self.afdeling.id} if code == "afdelingen" else {}
            self.weeg(signal, "w4", code, role="team", **extra)
            self.assertEqual(signal.end_state, end_state, code)
        casus = self.through_stap3(self.new_signal())
        self.assertTrue(casus)
        self.assertEqual(casus.state, "privacycheck")

    def test_casus_through_interventions_and_monitoring_to_closed(self):
        signal = self.new_signal()
        casus = self.through_stap3(signal)
        self.assertEqual(signal.stage_code, stappenplan.CASUS)
        as_medewerker = casus.with_user(self.users["medewerker"])
        with self.assertRefused(UserError, "weging 5"):
            as_medewerker.action_next_state()
        with self.assertRaises(AccessError):
            self.env["ondermijning.weging"].with_user(self.users["medewerker"]).create(
                {
                    "casus_id": casus.id,
                    "weging_type": "w5",
                    "uitkomst_id": self.outcome("w5", "akkoord").id,
                    "motivation": "x",
                }
            )
        self.privacy_check(casus, "2a")
        self.assertEqual(casus.cleared_afdeling_ids, self.afdeling)
        as_medewerker.action_next_state()
        self.assertEqual(casus.state, "plan")
        with self.assertRefused(
            UserError, "plan van aanpak is empty.*no interventions"
        ):
            as_medewerker.action_next_state()
        as_medewerker.plan_van_aanpak = "Sluiting pand en Bibob-toets exploitant"
        intervention = (
            self.env["ondermijning.interventie"]
            .with_user(self.users["medewerker"])
            .create(
                {
                    "casus_id": casus.id,
                    "instrument_id": self.env.ref(
                        "ondermijning_signalen.instrument_1"
                    ).id,
                    "afdeling_id": self.afdeling.id,
                    "user_id": self.users["medewerker"].id,
                    "date_deadline": fields.Date.today() + timedelta(days=14),
                }
            )
        )
        self.assertEqual(len(intervention.activity_ids), 1)
        self.assertEqual(
            intervention.activity_ids.summary, intervention.instrument_id.name
        )
        # "tot slot": privacy check 2B once the approach is set
        with self.assertRefused(UserError, "privacy check 2B"):
            as_medewerker.action_next_state()
        self.privacy_check(casus, "2b")
        as_medewerker.action_next_state()
        self.assertEqual(casus.state, "uitvoering")
        with self.assertRefused(UserError, "still open.*result.*monitored"):
            as_medewerker.action_next_state()
        intervention.with_user(self.users["medewerker"]).write(
            {"state": "afgerond", "result": "Pand gesloten"}
        )
        as_medewerker.write(
            {
                "result": "bereikt",
                "monitoring_until": fields.Date.today() + timedelta(days=90),
            }
        )
        as_medewerker.action_next_state()
        self.assertEqual(casus.state, stappenplan.CASUS_MONITORING)
        self.assertEqual(signal.stage_code, stappenplan.MONITORING)
        with self.assertRefused(UserError, "monitoring runs until"):
            as_medewerker.action_next_state()
        as_medewerker.monitoring_until = fields.Date.today()
        as_medewerker.action_next_state()
        self.assertEqual(casus.state, stappenplan.CASUS_CLOSED)
        self.assertEqual(signal.end_state, "casus_afgesloten")
        self.assertEqual(signal.stage_code, stappenplan.AFGESLOTEN)
        self.assertTrue(casus.date_closed)

    def test_duplicate_mma_number_is_flagged(self):
        mma = self.env.ref("ondermijning_signalen.herkomst_mma")
        first = self.new_signal(herkomst_id=mma.id, mma_number="MMA-2026-1234")
        self.assertEqual(first.mma_duplicate_count, 0)
        Signal = self.env["ondermijning.signaal"].with_user(self.users["medewerker"])
        with self.assertRefused(ValidationError, "MMA report number"):
            Signal.create({"categorie_id": self.categorie.id, "herkomst_id": mma.id})
        form_values = Signal.new(
            {
                "herkomst_id": mma.id,
                "mma_number": "MMA-2026-1234",
                "company_id": self.gemeente.id,
            }
        )
        self.assertEqual(form_values.mma_duplicate_count, 1)
        warning = form_values._onchange_mma_number()
        self.assertIn("MMA-2026-1234", warning["warning"]["message"])
        second = self.new_signal(herkomst_id=mma.id, mma_number="MMA-2026-1234")
        self.assertEqual(second.mma_duplicate_count, 1)
        elsewhere = (
            self.env["ondermijning.signaal"]
            .with_user(self.medewerker2)
            .create(
                {
                    "categorie_id": self.categorie.id,
                    "company_id": self.gemeente2.id,
                    "herkomst_id": mma.id,
                    "mma_number": "MMA-2026-1234",
                }
            )
        )
        self.assertEqual(
            elsewhere.mma_duplicate_count, 0, "another gemeente's numbers do not count"
        )

    def test_subject_links_earlier_signals(self):
        subject = {
            "kind": "bedrijf",
            "name": "Kapsalon De Schaar",
            "kvk_number": "12345678",
        }
        first = self.new_signal(
            date_received=fields.Datetime.now() - timedelta(days=30),
            subject_ids=[(0, 0, subject)],
        )
        second = self.new_signal(
            date_received=fields.Datetime.now() - timedelta(days=10),
            subject_ids=[(0, 0, dict(subject, kvk_number="1234 5678"))],
        )
        unrelated = self.new_signal(
            subject_ids=[(0, 0, dict(subject, kvk_number="87654321"))]
        )
        third = self.new_signal(
            subject_ids=[(0, 0, {"kind": "bedrijf", "kvk_number": "12345678"})]
        )
        self.assertEqual(first.earlier_signal_count, 0)
        self.assertEqual(second.earlier_signal_count, 1)
        self.assertEqual(third.earlier_signal_count, 2)
        self.assertEqual(unrelated.earlier_signal_count, 0)
        self.assertEqual(third.subject_ids.earlier_count, 2)
        action = third.with_user(self.users["medewerker"]).action_open_earlier_signals()
        self.assertEqual(set(action["domain"][0][2]), {first.id, second.id})
        self.assertNotIn(
            "12345678", third.subject_ids.match_key, "the match key is a keyed hash"
        )

    def test_melder_reports_and_gets_feedback_without_details(self):
        melder = self.users["melder"]
        melding = (
            self.env["ondermijning.melding"]
            .with_user(melder)
            .create(
                {
                    "categorie_id": self.categorie.id,
                    "place": "Industrieweg 12",
                    "who": "Autobedrijf Snel",
                    "description": "Veel contant geld en wisselende kentekens",
                }
            )
        )
        signal = melding.sudo().signaal_id
        self.assertTrue(signal)
        self.assertEqual(signal.melder_user_id, melder)
        self.assertIn("Veel contant geld", signal.description)
        self.assertEqual(melding.with_user(melder).name, signal.name)
        self.assertEqual(
            melding.with_user(melder).description,
            "Veel contant geld en wisselende kentekens",
            "the melder still reads what they wrote",
        )
        self.assertNotIn(
            melder.partner_id, signal.message_partner_ids, "the melder is not inside"
        )
        self.assertEqual(melding.with_user(melder).status, "ontvangen")
        messages = melding.message_ids.filtered(
            lambda m: melder.partner_id in m.partner_ids
        )
        self.assertEqual(len(messages), 1)
        self.assertNotIn("contant", messages.body)
        # the melder cannot open the signal itself
        with self.assertRaises(AccessError):
            signal.with_user(melder).check_access("read")
        self.env.invalidate_all()
        self.weeg(signal, "w1", "geen_ondermijning", indicator_ids=[])
        self.assertEqual(melding.with_user(melder).status, "afgehandeld")
        closing = (
            melding.message_ids.filtered(lambda m: melder.partner_id in m.partner_ids)
            - messages
        )
        self.assertEqual(len(closing), 1)
        self.assertNotIn("Motivering", closing.body)
        self.assertNotIn("niet in behandeling", closing.body.lower())

    def test_owner_is_reminded_of_the_due_weging_without_details(self):
        signal = self.new_signal()
        activity = signal.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.users["medewerker"])
        self.assertEqual(activity.date_deadline, signal.date_deadline)
        self.assertIn("Weging 1", activity.summary)
        self.assertNotIn("Hennep", activity.summary + (activity.note or ""))
        self.weeg(signal, "w1", "ondermijning")
        self.assertIn("Weging 2A", signal.activity_ids.summary)
        signal.with_user(self.users["medewerker"]).write(
            {
                "user_id": self.users["team"].id,
                "date_deadline": fields.Date.today() + timedelta(days=2),
            }
        )
        self.assertEqual(signal.activity_ids.user_id, self.users["team"])
        self.assertEqual(signal.activity_ids.date_deadline, signal.date_deadline)
        self.weeg(signal, "w2a", "andere_instantie", referred_to="Politie")
        self.assertFalse(signal.activity_ids, "an ended signal has nothing due")

    def test_mma_registered_late_and_overdue_filter(self):
        mma = self.env.ref("ondermijning_signalen.herkomst_mma")
        on_time = self.new_signal(
            herkomst_id=mma.id, mma_number="MMA-1", mma_date_opened=fields.Date.today()
        )
        late = self.new_signal(
            herkomst_id=mma.id,
            mma_number="MMA-2",
            mma_date_opened=fields.Date.today() - timedelta(days=3),
            date_received=fields.Datetime.now() - timedelta(days=1),
        )
        self.assertFalse(on_time.mma_registered_late)
        self.assertTrue(late.mma_registered_late)
        late.date_deadline = fields.Date.today() - timedelta(days=1)
        Signal = self.env["ondermijning.signaal"].with_user(self.users["medewerker"])
        overdue = Signal.search(
            [("is_overdue", "=", True), ("id", "in", (on_time | late).ids)]
        )
        self.assertEqual(overdue, late)
        self.assertEqual(
            Signal.search(
                [("is_overdue", "=", False), ("id", "in", (on_time | late).ids)]
            ),
            on_time,
        )


@tagged("post_install", "-at_install")
class TestStap3Relevance(OndermijningCase):
    def test_too_old_or_irrelevant_finds_are_no_hits(self):
        """ "Soms is dan meer informatie niet nodig. Bijvoorbeeld als het gaat
        om (te) oude informatie" and "kijken of het om relevante informatie
        gaat": only a relevant hit lets weging 4 weigh it."""
        signal = self.new_signal()
        self.through_stap2(signal)
        old = self.approve_source(signal, "ondermijning_signalen.bron_1")
        irrelevant = self.approve_source(signal, "ondermijning_signalen.bron_2")
        old.with_user(self.users["medewerker"]).action_record_too_old()
        self.assertFalse(signal.end_state, "one source is still to be consulted")
        self.assertEqual(old.not_relevant_reason, "te_oud")
        with self.assertRefused(ValidationError, "no relevant hit"):
            self.weeg(signal, "w4", "casusoverleg", role="team")
        irrelevant.with_user(self.users["medewerker"]).action_record_not_relevant()
        self.assertEqual(signal.end_state, "niet_in_behandeling")

    def test_privacy_decides_no_source_may_be_consulted(self):
        signal = self.new_signal()
        self.through_stap2(signal)
        with self.assertRaises(AccessError):
            signal.with_user(self.users["medewerker"])._decide_no_sources("Geen grond")
        signal.with_user(self.users["privacy"])._decide_no_sources(
            "Geen grondslag voor raadpleging van deze bronnen"
        )
        self.assertEqual(signal.end_state, "niet_in_behandeling")


@tagged("post_install", "-at_install")
class TestPrivacyCheck2BAndMovingBack(OndermijningCase):
    def casus_with_plan(self):
        casus = self.through_stap3(self.new_signal())
        self.privacy_check(casus, "2a")
        as_medewerker = casus.with_user(self.users["medewerker"])
        as_medewerker.action_next_state()
        as_medewerker.plan_van_aanpak = "Bibob-toets exploitant"
        self.env["ondermijning.interventie"].create(
            {
                "casus_id": casus.id,
                "instrument_id": self.env.ref("ondermijning_signalen.instrument_2").id,
            }
        )
        return as_medewerker

    def test_privacy_check_2b_comes_after_the_plan(self):
        casus = self.casus_with_plan()
        self.privacy_check(casus, "2b")
        # the plan changes after the check: "tot slot" means check again
        with freeze_time(fields.Datetime.now() + timedelta(minutes=5)):
            casus.plan_van_aanpak = "Bibob-toets exploitant en integrale controle"
            with self.assertRefused(UserError, "changed after privacy check 2B"):
                casus.action_next_state()
        with freeze_time(fields.Datetime.now() + timedelta(minutes=10)):
            self.privacy_check(casus, "2b")
            casus.action_next_state()
        self.assertEqual(casus.state, "uitvoering")

    def test_an_exchange_that_is_not_permitted_is_no_agreement(self):
        casus = self.casus_with_plan()
        with self.assertRefused(ValidationError, "only agreed when it is permitted"):
            self.privacy_check(casus, "2b", pc2b_permitted=False)
        self.privacy_check(casus, "2b", code="niet_akkoord", pc2b_permitted=False)
        with self.assertRefused(UserError, "did not permit the data exchange"):
            casus.action_next_state()

    def test_a_signal_never_moves_back_and_keeps_its_dates(self):
        signal = self.new_signal()
        self.through_stap2(signal)
        entered = (signal.date_stap2, signal.date_stap3)
        for code in (stappenplan.INTAKE, stappenplan.WEGING3):
            with self.assertRefused(UserError, "back"):
                self.move(signal, code)
        self.assertEqual(signal.stage_code, stappenplan.BRONNEN)
        self.assertEqual((signal.date_stap2, signal.date_stap3), entered)
        self.assertEqual(stappenplan.MOVING_BACK, "refused")


@tagged("post_install", "-at_install")
class TestDefinedOnce(OndermijningCase):
    def test_the_gate_reads_the_stappenplan(self):
        """Each step lets a signal in only with the wegingen of the earlier
        steps recorded with an outcome that goes on, as the definition says."""
        for step in stappenplan.STEPS[1:-1]:
            signal = self.new_signal()
            problems = signal._step_gate_problems(self.stage[step.code], {})
            for weging in stappenplan.wegingen_before(step.code):
                self.assertTrue(
                    any(weging.label in problem for problem in problems),
                    (step.code, weging.code, problems),
                )
        self.assertEqual(
            sorted(self.env["ondermijning.stage"].search([]).mapped("code")),
            sorted(stappenplan.STEP_ORDER),
        )
        outcomes = self.env["ondermijning.weging.uitkomst"].search([])
        self.assertEqual(
            {(o.weging_type, o.code) for o in outcomes},
            set(stappenplan.OUTCOME_BY_KEY),
            "every outcome of the protocol has its wording, and no other",
        )
