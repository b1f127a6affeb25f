from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import OndermijningCase

QUEUE = "ondermijning.privacy.queue"
REQUEST = "ondermijning.unseal.request"


@tagged("post_install", "-at_install")
class TestPrivacyQueue(OndermijningCase):
    """Issue 15: what waits for the privacyfunctionaris' decision, in one
    list, for her only; requests to open a sealed signal decided by her."""

    def queue(self, role="privacy"):
        self.env.flush_all()
        return self.env[QUEUE].with_user(self.users[role]).search([])

    def kinds(self, rows, reference):
        return set(rows.filtered(lambda r: r.reference == reference).mapped("kind"))

    def sealed_signal(self):
        signal = self.new_signal()
        self.weeg(signal, "w1", "geen_ondermijning", indicator_ids=[])
        tomorrow = fields.Date.today() + timedelta(days=1)
        self.env["ondermijning.bewaartermijn"]._seal_ended_signals(tomorrow)
        self.assertTrue(signal.sudo().is_sealed)
        return signal.sudo()

    def test_she_sees_what_waits_for_her(self):
        stap3 = self.new_signal()
        self.through_stap2(stap3)
        self.assertEqual(self.kinds(self.queue(), stap3.name), {"bronnen"})
        # once she approved a source, it is the medewerker's turn
        self.approve_source(stap3)
        self.assertFalse(self.kinds(self.queue(), stap3.name))

        casus = self.through_stap3(self.new_signal())
        self.assertEqual(self.kinds(self.queue(), casus.name), {"check_2a"})
        self.privacy_check(casus, "2a")
        self.assertFalse(self.kinds(self.queue(), casus.name))
        medewerker = self.users["medewerker"]
        casus.with_user(medewerker).state = "plan"
        casus.with_user(medewerker).plan_van_aanpak = "Sluiting van het pand"
        self.env["ondermijning.interventie"].with_user(medewerker).create(
            {
                "casus_id": casus.id,
                "instrument_id": self.env.ref("ondermijning_signalen.instrument_1").id,
            }
        )
        self.assertEqual(self.kinds(self.queue(), casus.name), {"check_2b"})
        self.privacy_check(casus, "2b")
        self.assertFalse(self.kinds(self.queue(), casus.name))

        lijst = self.env["ondermijning.vernietigingslijst"]._propose(
            self.gemeente.id, self.new_signal().ids, casus.create_date.date()
        )
        self.assertEqual(self.kinds(self.queue(), lijst.name), {"vernietiging"})
        # another gemeente's list is not hers
        other = self.env["ondermijning.vernietigingslijst"]._propose(
            self.gemeente2.id, [], casus.create_date.date()
        )
        self.assertFalse(self.kinds(self.queue(), other.name))

        action = (
            self.queue().filtered(lambda r: r.reference == lijst.name).action_open()
        )
        self.assertEqual(
            (action["res_model"], action["res_id"]), (lijst._name, lijst.id)
        )

    def test_nobody_else_reads_the_queue(self):
        self.through_stap2(self.new_signal())
        self.assertTrue(self.queue())
        for role in ("medewerker", "team", "beheerder", "overleg", "melder"):
            with self.assertRaises(AccessError):
                self.queue(role)

    def test_a_request_to_open_a_sealed_signal(self):
        signal = self.sealed_signal()
        Request = self.env[REQUEST]
        request = Request.with_user(self.users["medewerker"]).create(
            {"reference": signal.name, "reason": "Inzageverzoek van betrokkene"}
        )
        self.assertEqual(request.requested_by_id, self.users["medewerker"])
        self.assertEqual(self.kinds(self.queue(), signal.name), {"unseal"})
        # the requester sees his own request, not another's, and cannot decide
        own = Request.with_user(self.users["medewerker"]).search([])
        self.assertEqual(own, request)
        self.assertFalse(Request.with_user(self.users["team"]).search([]))
        with self.assertRaises(AccessError):
            request.with_user(self.users["medewerker"]).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.users["medewerker"]).action_refuse()
        with self.assertRaises(AccessError):
            request.with_user(self.users["medewerker"]).write({"state": "approved"})
        # she approves: the signal opens to her, with the reason in the log
        privacy = self.users["privacy"]
        self.assertFalse(signal.with_user(privacy).unseal_open)
        action = request.with_user(privacy).action_approve()
        self.assertEqual(action["res_id"], signal.id)
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.decided_by_id, privacy)
        self.env.invalidate_all()
        self.assertTrue(signal.with_user(privacy).unseal_open)
        line = self.env["ondermijning.audit.log"].search(
            [("action", "=", "unseal"), ("res_id", "=", signal.id)]
        )
        self.assertEqual(line.user_id, privacy)
        self.assertIn("Inzageverzoek", line.reason)
        self.assertFalse(self.kinds(self.queue(), signal.name))
        with self.assertRaises(UserError):
            request.with_user(privacy).action_refuse()

    def test_a_request_tells_nothing_and_can_be_refused(self):
        Request = self.env[REQUEST].with_user(self.users["medewerker"])
        unknown = Request.create({"reference": "S-0000-99999", "reason": "Verzoek"})
        with self.assertRefused(UserError, "no sealed signal"):
            unknown.with_user(self.users["privacy"]).action_approve()
        # an open (unsealed) signal is not opened this way either
        with self.assertRefused(UserError, "no sealed signal"):
            Request.create(
                {"reference": self.new_signal().name, "reason": "Verzoek"}
            ).with_user(self.users["privacy"]).action_approve()
        unknown.with_user(self.users["privacy"]).action_refuse()
        self.assertEqual(unknown.state, "refused")
        with self.assertRefused(UserError, "reason"):
            Request.create({"reference": "S-1", "reason": "  "})


@tagged("post_install", "-at_install")
class TestAuditLabels(OndermijningCase):
    """Issue 15: the audit log names kinds of records and fields as the
    privacyfunctionaris knows them, in her language, not technically."""

    def test_dutch_labels(self):
        signal = self.new_signal(
            subject_ids=[Command.create({"kind": "bedrijf", "kvk_number": "89902341"})]
        )
        self.env.flush_all()
        signal.subject_ids.with_user(self.users["medewerker"]).read(["kvk_number"])
        self.env.flush_all()
        self.env["ondermijning.audit.log"]._flush_log()
        privacy = self.users["privacy"]
        Log = (
            self.env["ondermijning.audit.log"]
            .with_user(privacy)
            .with_context(lang="nl_NL")
        )
        line = Log.search(
            [
                ("action", "=", "read"),
                ("user_id", "=", self.users["medewerker"].id),
                ("res_model", "=", "ondermijning.signaal"),
            ]
        )
        self.assertEqual(len(line), 1)
        self.assertEqual(line.field_names, "subject_ids.kvk_number")
        self.assertEqual(line.field_labels, "Subjecten en objecten › KvK-nummer")
        self.assertNotIn("ondermijning", line.model_label)
        self.assertNotIn("89902341", line.field_labels + line.reference)
        self.assertIn(line, Log.search([("model_label", "ilike", line.model_label)]))


@tagged("post_install", "-at_install")
class TestPrivacyQueueUi(HttpCase, OndermijningCase):
    def test_she_decides_from_her_queue(self):
        self.through_stap2(self.new_signal())
        sealed = self.new_signal()
        self.weeg(sealed, "w1", "geen_ondermijning", indicator_ids=[])
        tomorrow = fields.Date.today() + timedelta(days=1)
        self.env["ondermijning.bewaartermijn"]._seal_ended_signals(tomorrow)
        request = (
            self.env[REQUEST]
            .with_user(self.users["medewerker"])
            .create(
                {
                    "reference": sealed.sudo().name,
                    "reason": "Inzageverzoek van de betrokkene",
                }
            )
        )
        self.start_tour(
            "/odoo/action-ondermijning_signalen.action_privacy_queue",
            "ondermijning_privacy_queue_tour",
            login="test_privacy",
        )
        self.assertEqual(request.state, "approved")
        self.assertTrue(
            self.env["ondermijning.audit.log"].search(
                [("action", "=", "unseal"), ("res_id", "=", sealed.id)]
            )
        )
