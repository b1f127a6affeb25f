from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import OndermijningCase


@tagged("post_install", "-at_install")
class TestHomeMapping(OndermijningCase):
    """Every internal user's home action asks ROLE_HOMES at login: a change
    of roles changes the home without touching the user."""

    def home(self, user):
        action = self.env.ref("ondermijning_signalen.action_ondermijning_home")
        return action.with_user(user).run()

    def test_new_users_get_the_role_home(self):
        home = self.env.ref("ondermijning_signalen.action_ondermijning_home")
        for user in self.users.values():
            self.assertEqual(user.action_id.id, home.id, user.login)
        portal = new_test_user(
            self.env, login="test_portal", groups="base.group_portal"
        )
        self.assertFalse(portal.action_id, "portal users have no backend home")

    def test_a_home_chosen_by_hand_is_kept(self):
        user = self.users["melder"]
        board = self.env.ref("ondermijning_signalen.ondermijning_signaal_action")
        user.action_id = board.id
        user.groups_id |= self.env.ref("ondermijning_signalen.group_afdeling")
        self.assertEqual(user.action_id.id, board.id)

    def test_each_role_lands_on_its_home(self):
        expected = {
            "melder": "ondermijning_signalen.ondermijning_melding_action",
            "medewerker": "ondermijning_signalen.ondermijning_signaal_action",
            "team": "ondermijning_signalen.ondermijning_signaal_action",
            "afdeling": "ondermijning_signalen.ondermijning_signaal_action_afdeling",
            "beheerder": "ondermijning_signalen.action_ondermijning_company_settings",
            "overleg": "ondermijning_signalen.ondermijning_overleg_action",
        }
        for role, xml_id in expected.items():
            action = self.home(self.users[role])
            self.assertEqual(action["id"], self.env.ref(xml_id).id, role)
        # the privacyfunctionaris and the analyst have hooks of their own,
        # which come before the roles their groups imply
        privacy = self.users["privacy"]
        self.assertEqual(
            self.home(privacy)["id"],
            self.env.ref("ondermijning_signalen.action_privacy_queue").id,
        )
        analist = self.users["analist"]
        self.assertEqual(
            self.home(analist)["id"],
            analist._ondermijning_home_analist()["id"],
        )

    def test_a_change_of_role_changes_the_home(self):
        user = self.users["melder"]
        self.assertEqual(
            self.home(user)["id"],
            self.env.ref("ondermijning_signalen.ondermijning_melding_action").id,
        )
        user.groups_id |= self.env.ref("ondermijning_signalen.group_afdeling")
        self.assertEqual(
            self.home(user)["id"],
            self.env.ref(
                "ondermijning_signalen.ondermijning_signaal_action_afdeling"
            ).id,
        )

    def test_partner_lands_on_the_next_overleg_they_take_part_in(self):
        partner = self.users["overleg"]
        now = fields.Datetime.now()
        Overleg = self.env["ondermijning.overleg"]

        def overleg(days, users=partner, state="gepland"):
            return Overleg.create(
                {
                    "overleg_type": "bt_tafel",
                    "company_id": self.gemeente.id,
                    "date": now + timedelta(days=days),
                    "state": state,
                    "user_ids": [Command.set(users.ids)],
                }
            )

        overleg(-7)  # earlier
        later = overleg(30)
        overleg(2, users=self.users["medewerker"])  # without the partner
        overleg(3, state="gehouden")  # already held
        following = overleg(7)
        action = self.home(partner)
        self.assertEqual(action["res_id"], following.id)
        self.assertEqual(action["views"], [(False, "form")])
        following.state = "gehouden"
        self.assertEqual(self.home(partner)["res_id"], later.id)
        later.state = "gehouden"
        action = self.home(partner)
        self.assertFalse(action.get("res_id"), "none planned: the list of overleggen")
        self.assertEqual(
            action["id"],
            self.env.ref("ondermijning_signalen.ondermijning_overleg_action").id,
        )


@tagged("post_install", "-at_install")
class TestMeldingDate(OndermijningCase):
    """'When did it happen?' never lies in the future."""

    def melding(self, **vals):
        return (
            self.env["ondermijning.melding"]
            .with_user(self.users["melder"])
            .create(
                dict(
                    {
                        "categorie_id": self.categorie.id,
                        "description": "Een loods met afgeplakte ramen",
                    },
                    **vals,
                )
            )
        )

    def test_the_future_is_refused(self):
        tomorrow = fields.Datetime.now() + timedelta(days=1)
        with self.assertRefused(ValidationError, "cannot have happened in the future"):
            self.melding(date_facts=tomorrow)
        self.assertFalse(
            self.env["ondermijning.melding"].search(
                [("user_id", "=", self.users["melder"].id)]
            )
        )

    def test_the_past_goes_to_the_signal(self):
        day = fields.Datetime.to_datetime("2026-03-13 23:00:00")
        melding = self.melding(date_facts=day)
        self.assertEqual(melding.date_facts, day)
        self.assertEqual(melding.sudo().signaal_id.date_facts, day)


@tagged("post_install", "-at_install")
class TestCasusCount(OndermijningCase):
    """A casus card counts the signals it was built on."""

    def test_count_follows_the_signals(self):
        signal = self.new_signal()
        casus = self.through_stap3(signal)
        self.assertEqual(self.as_user("medewerker", casus).signaal_count, 1)
        second = self.new_signal()
        second.sudo().casus_id = casus
        self.assertEqual(self.as_user("medewerker", casus).signaal_count, 2)

    def test_a_partner_counts_the_signals_of_a_casus_cleared_for_them(self):
        casus = self.through_stap3(self.new_signal())
        self.privacy_check(casus, "2a")  # clears the casus for the politie
        self.env["ondermijning.overleg"].create(
            {
                "overleg_type": "casusoverleg",
                "company_id": self.gemeente.id,
                "user_ids": [Command.set(self.users["overleg"].ids)],
                "casus_ids": [Command.set(casus.ids)],
            }
        )
        self.env.invalidate_all()
        seen = self.as_user("overleg", self.env["ondermijning.casus"]).search([])
        self.assertEqual(seen, casus)
        self.assertEqual(seen.signaal_count, 1)
        # the signal itself, not on the agenda, stays closed to the partner
        self.assertFalse(seen.signaal_ids)
        # a melder may not read a casus at all, so no count either
        with self.assertRaises(AccessError):
            self.as_user("melder", casus).read(["signaal_count"])


@tagged("post_install", "-at_install")
class TestHomeTours(HttpCase, OndermijningCase):
    """From the login page, each role lands on its home."""

    def log_in(self, role):
        self.start_tour("/web/login", f"ondermijning_home_{role}_tour", login=None)

    def test_login_page_offers_no_sign_up(self):
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("auth_signup.invitation_scope"),
            "b2b",
        )
        page = self.url_open("/web/login")
        self.assertEqual(page.status_code, 200)
        self.assertIn('name="password"', page.text)
        self.assertNotIn("/web/signup", page.text)

    def test_melder(self):
        self.env["ondermijning.melding"].with_user(self.users["melder"]).create(
            {
                "categorie_id": self.categorie.id,
                "description": "Een loods met afgeplakte ramen",
            }
        )
        self.log_in("melder")

    def test_medewerker_and_team(self):
        self.new_signal()
        self.log_in("medewerker")
        self.log_in("team")

    def test_overleg_partner(self):
        now = fields.Datetime.now()
        agenda = self.new_signal()
        for days, kind in (
            (-7, "ondermijningsoverleg"),
            (3, "bt_tafel"),
            (30, "casusoverleg"),
        ):
            self.env["ondermijning.overleg"].create(
                {
                    "overleg_type": kind,
                    "company_id": self.gemeente.id,
                    "date": now + timedelta(days=days),
                    "user_ids": [Command.set(self.users["overleg"].ids)],
                    "signaal_ids": [Command.set(agenda.ids)],
                }
            )
        self.log_in("overleg")

    def test_afdeling(self):
        self.new_signal(afdeling_id=self.afdeling.id)
        self.log_in("afdeling")

    def test_beheerder(self):
        self.log_in("beheerder")

    def test_privacyfunctionaris(self):
        self.log_in("privacy")


@tagged("post_install", "-at_install")
class TestPhone(HttpCase, OndermijningCase):
    """At 390 px the primary action of a form is a visible button."""

    browser_size = "390x844"

    def test_record_a_weging_and_send_a_melding(self):
        signal = self.new_signal()
        self.start_tour(
            f"/odoo/action-ondermijning_signalen.ondermijning_signaal_action/{signal.id}",
            "ondermijning_phone_weging_tour",
            login="test_medewerker",
        )
        self.assertEqual(signal.weging_ids.mapped("weging_type"), ["w1"])
        self.start_tour(
            "/odoo/action-ondermijning_signalen.ondermijning_melding_action_new",
            "ondermijning_phone_melding_tour",
            login="test_melder",
        )
        melding = self.env["ondermijning.melding"].search(
            [("user_id", "=", self.users["melder"].id)]
        )
        self.assertIn("loods", melding.description)
        # the start of that day in the browser's time zone, stored in UTC
        self.assertLess(
            abs(melding.date_facts - fields.Datetime.to_datetime("2026-03-01")),
            timedelta(hours=14),
        )
