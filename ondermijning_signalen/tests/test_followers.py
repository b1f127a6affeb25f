from odoo.tests import tagged

from .common import OndermijningCase

SIGNAAL = "ondermijning.signaal"


@tagged("post_install", "-at_install")
class TestFollowersOfOneRecord(OndermijningCase):
    """The chatter asks the followers of one record: the visibility check
    then looks at that record only (issue 16), with the same answer as the
    check over every record the user may see."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Signal = cls.env["ondermijning.signaal"]
        cls.signal = Signal.with_user(cls.users["medewerker"]).create(
            {
                "categorie_id": cls.categorie.id,
                "description": "Hennepkwekerij vermoed",
                "company_id": cls.gemeente.id,
            }
        )
        cls.signal.message_subscribe(partner_ids=cls.users["team"].partner_id.ids)
        cls.other = Signal.with_user(cls.medewerker2).create(
            {
                "categorie_id": cls.categorie.id,
                "description": "Signaal in de andere gemeente",
                "company_id": cls.gemeente2.id,
            }
        )
        cls.partner = cls.env["res.partner"].create({"name": "Gewone relatie"})
        cls.partner.message_subscribe(
            partner_ids=cls.users["medewerker"].partner_id.ids
        )
        cls.env.flush_all()

    def followers(self, user, domain):
        return self.env["mail.followers"].with_user(user).search(domain)

    def both_ways(self, user, res_model, res_id):
        """(followers of one record, the same through the check of all)."""
        pinned = [("res_model", "=", res_model), ("res_id", "=", res_id)]
        # a '|' makes the domain no plain conjunction: the check of all
        general = ["|", ("res_model", "=", res_model), ("id", "=", 0)]
        general.append(("res_id", "=", res_id))
        return self.followers(user, pinned), self.followers(user, general)

    def test_handlers_see_the_followers_of_their_signal(self):
        everyone = self.signal.sudo().message_follower_ids
        self.assertIn(self.users["team"].partner_id, everyone.partner_id)
        for role in ("medewerker", "team"):
            with self.subTest(role=role):
                pinned, general = self.both_ways(
                    self.users[role], SIGNAAL, self.signal.id
                )
                self.assertEqual(pinned, everyone)
                self.assertEqual(pinned, general)
                # by id, as the web client reads them: the check of all
                by_id = self.followers(self.users[role], [("id", "in", everyone.ids)])
                self.assertEqual(by_id, everyone)
                # the chatter's path: the one2many of the record
                chatter = self.signal.with_user(self.users[role]).message_follower_ids
                self.assertEqual(chatter, everyone)

    def test_others_see_no_followers_of_a_signal(self):
        cases = [
            (self.medewerker2, self.signal),  # another gemeente
            (self.users["medewerker"], self.other),
            (self.users["melder"], self.signal),  # no case content
            (self.users["analist"], self.signal),
        ]
        for user, signal in cases:
            with self.subTest(user=user.login, signal=signal.id):
                self.assertTrue(signal.sudo().message_follower_ids)
                pinned, general = self.both_ways(user, SIGNAAL, signal.id)
                self.assertFalse(pinned)
                self.assertFalse(general)
                followers = signal.sudo().message_follower_ids
                self.assertFalse(self.followers(user, [("id", "in", followers.ids)]))

    def test_several_records_and_other_models(self):
        domain = [
            ("res_model", "=", SIGNAAL),
            ("res_id", "in", [self.signal.id, self.other.id]),
        ]
        self.assertEqual(
            self.followers(self.users["medewerker"], domain),
            self.signal.sudo().message_follower_ids,
            "of two signals, only those of the signal he may see",
        )
        self.assertFalse(
            self.followers(
                self.users["medewerker"], [*domain[:1], ("res_id", "in", [])]
            )
        )
        # a record that holds no case content: its followers as in Odoo
        pinned, general = self.both_ways(
            self.users["melder"], "res.partner", self.partner.id
        )
        self.assertEqual(pinned, self.partner.message_follower_ids)
        self.assertEqual(pinned, general)

    def test_one_record_is_checked_not_all(self):
        Followers = self.env["mail.followers"].with_user(self.users["medewerker"])
        pinned = Followers._search(
            [("res_model", "=", SIGNAAL), ("res_id", "=", self.signal.id)]
        )
        general = Followers._search(["|", ("res_model", "=", SIGNAAL), ("id", "=", 0)])
        pinned_sql, general_sql = pinned.select(), general.select()
        self.assertIn('"ondermijning_signaal"."id" IN %s', pinned_sql.code)
        self.assertIn((self.signal.id,), pinned_sql.params)
        self.assertNotIn("ondermijning_bronraadpleging", pinned_sql.code)
        self.assertIn("ondermijning_bronraadpleging", general_sql.code)
