from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged
from odoo.tools import config, mute_logger

from odoo.addons.ondermijning_signalen import stappenplan

from .common import OndermijningCase


@tagged("post_install", "-at_install")
class TestUi(HttpCase, OndermijningCase):
    """The main journeys in a real browser (Odoo's tours, headless chromium)."""

    def test_melder_reports_a_suspicion(self):
        self.start_tour(
            "/odoo/action-ondermijning_signalen.ondermijning_melding_action_new",
            "ondermijning_melder_tour",
            login="test_melder",
        )
        melding = self.env["ondermijning.melding"].search(
            [("user_id", "=", self.users["melder"].id)]
        )
        self.assertEqual(len(melding), 1)
        self.assertIn("afgeplakt", melding.signaal_id.description)
        self.assertIn("afgeplakt", melding.description)

    def test_mma_intake_wegingen_and_board_gates(self):
        # the refused move is logged by odoo.http as a warning: it is expected
        with mute_logger("odoo.http"):
            self.start_tour(
                "/odoo/action-ondermijning_signalen.ondermijning_signaal_action_mma",
                "ondermijning_mma_intake_tour",
                login="test_medewerker",
            )
        signal = self.env["ondermijning.signaal"].search(
            [("mma_number", "=", "MMA-TOUR-0001")]
        )
        self.assertEqual(signal.stage_code, stappenplan.WEGING3)
        self.assertEqual(
            set(signal.weging_ids.mapped("weging_type")), {"w1", "w2a", "w2b"}
        )

    def test_privacy_no_hit_closes_the_signal(self):
        signal = self.new_signal()
        self.through_stap2(signal)
        self.start_tour(
            f"/odoo/action-ondermijning_signalen.ondermijning_signaal_action/{signal.id}",
            "ondermijning_privacy_no_hit_tour",
            login="test_privacy",
        )
        self.assertEqual(signal.end_state, "niet_in_behandeling")
        self.assertEqual(signal.raadpleging_ids.approved_by_id, self.users["privacy"])

    def test_overleg_partner_sees_only_the_agenda(self):
        woonfraude = self.env.ref("ondermijning_signalen.categorie_mma_woonfraude")
        mensenhandel = self.env.ref("ondermijning_signalen.categorie_mma_mensenhandel")
        agenda = self.new_signal(categorie_id=woonfraude.id)
        uncleared = self.new_signal(categorie_id=mensenhandel.id)
        self.new_signal(categorie_id=mensenhandel.id)  # not on the agenda
        self.env["ondermijning.overleg"].create(
            {
                "overleg_type": "bt_tafel",
                "company_id": self.gemeente.id,
                "user_ids": [Command.set(self.users["overleg"].ids)],
                "signaal_ids": [Command.set((agenda | uncleared).ids)],
            }
        )
        self.env["ondermijning.vrijgave"].create(
            {
                "signaal_id": agenda.id,
                "partner_id": self.politie.id,
                "legal_ground": "RIEC-convenant",
            }
        )
        self.env["ondermijning.overleg"].create(
            {"overleg_type": "casusoverleg", "company_id": self.gemeente.id}
        )
        self.start_tour(
            "/odoo/action-ondermijning_signalen.ondermijning_overleg_action",
            "ondermijning_overleg_partner_tour",
            login="test_overleg",
        )

    def test_privacy_works_with_sealed_signals(self):
        sealed = self.new_signal()
        self.weeg(sealed, "w1", "geen_ondermijning", indicator_ids=[])
        tomorrow = fields.Date.today() + timedelta(days=1)
        self.env["ondermijning.bewaartermijn"]._seal_ended_signals(tomorrow)
        self.assertTrue(sealed.sudo().is_sealed)
        self.new_signal()
        self.start_tour(
            "/odoo/action-ondermijning_signalen.ondermijning_signaal_action",
            "ondermijning_privacy_sealed_tour",
            login="test_privacy",
        )
        log = self.env["ondermijning.audit.log"].search(
            [("action", "=", "unseal"), ("res_id", "=", sealed.id)]
        )
        self.assertEqual(log.user_id, self.users["privacy"])

    def test_missing_keys_show_the_message_not_a_traceback(self):
        """A database restored without its keys (docs/backup-restore.md):
        opening a signal tells what is missing; the ciphertext stays."""
        signal = self.new_signal()
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT description FROM ondermijning_signaal WHERE id = %s", [signal.id]
        )
        before = self.env.cr.fetchone()[0]
        keys = config.get("ondermijning_keys")
        self.addCleanup(config.__setitem__, "ondermijning_keys", keys)
        config["ondermijning_keys"] = ""
        self.env.invalidate_all()
        with mute_logger("odoo.http"):
            self.start_tour(
                f"/odoo/action-ondermijning_signalen.ondermijning_signaal_action/{signal.id}",
                "ondermijning_missing_key_tour",
                login="test_medewerker",
            )
        self.env.cr.execute(
            "SELECT description FROM ondermijning_signaal WHERE id = %s", [signal.id]
        )
        self.assertEqual(self.env.cr.fetchone()[0], before, "nothing was overwritten")
