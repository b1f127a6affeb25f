from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import OndermijningCase

CASE_ROLES = ("medewerker", "team", "privacy")
NO_CASE_ROLES = ("melder", "beheerder", "analist")


@tagged("post_install", "-at_install")
class TestAccess(OndermijningCase):
    """Every role, both ways: what it may see and do, and what it must not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Signal = cls.env["ondermijning.signaal"]
        base = {
            "categorie_id": cls.categorie.id,
            "company_id": cls.gemeente.id,
            "description": "Geheime beschrijving",
            "user_id": cls.users["medewerker"].id,
        }
        cls.on_agenda = Signal.create(
            dict(base, subject_ids=[Command.create({"kind": "persoon", "name": "A"})])
        )
        cls.not_on_agenda = Signal.create(dict(base))
        cls.referred = Signal.create(dict(base, afdeling_id=cls.afdeling.id))
        cls.elsewhere = Signal.create(
            dict(base, company_id=cls.gemeente2.id, user_id=cls.medewerker2.id)
        )
        cls.casus_cleared = cls.env["ondermijning.casus"].create(
            {"company_id": cls.gemeente.id, "user_id": cls.users["medewerker"].id}
        )
        cls.casus_cleared.write(
            {
                "cleared_partner_ids": [Command.set(cls.politie.ids)],
                "cleared_afdeling_ids": [Command.set(cls.afdeling.ids)],
            }
        )
        cls.casus_not_cleared = cls.env["ondermijning.casus"].create(
            {"company_id": cls.gemeente.id}
        )
        cls.overleg = cls.env["ondermijning.overleg"].create(
            {
                "company_id": cls.gemeente.id,
                "user_ids": [Command.set(cls.users["overleg"].ids)],
                "partner_ids": [Command.set(cls.politie.ids)],
                "signaal_ids": [Command.set(cls.on_agenda.ids)],
                "casus_ids": [
                    Command.set((cls.casus_cleared | cls.casus_not_cleared).ids)
                ],
            }
        )
        # the privacyfunctionaris cleared the agenda signal for the politie
        cls.env["ondermijning.vrijgave"].create(
            {
                "signaal_id": cls.on_agenda.id,
                "partner_id": cls.politie.id,
                "scope": "subjecten",
                "legal_ground": "RIEC-convenant",
            }
        )
        cls.all_signals = (
            cls.on_agenda | cls.not_on_agenda | cls.referred | cls.elsewhere
        )
        cls.on_agenda.message_post(
            body="Interne notitie: Pietje Puk is bekend bij de politie",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        cls.attachment_agenda = cls.env["ir.attachment"].create(
            {
                "name": "a.txt",
                "raw": b"agenda",
                "res_model": "ondermijning.signaal",
                "res_id": cls.on_agenda.id,
            }
        )
        cls.attachment_other = cls.env["ir.attachment"].create(
            {
                "name": "b.txt",
                "raw": b"other",
                "res_model": "ondermijning.signaal",
                "res_id": cls.not_on_agenda.id,
            }
        )

    def visible(self, role, model="ondermijning.signaal", records=None):
        self.env.invalidate_all()
        records = records if records is not None else self.all_signals
        return (
            self.env[model]
            .with_user(self.users[role])
            .search([("id", "in", records.ids)])
        )

    # -- signals ---------------------------------------------------------------
    def test_signal_visibility_per_role(self):
        expected = {
            "medewerker": self.on_agenda | self.not_on_agenda | self.referred,
            "team": self.on_agenda | self.not_on_agenda | self.referred,
            "privacy": self.on_agenda | self.not_on_agenda | self.referred,
            "overleg": self.on_agenda,
            "afdeling": self.referred,
        }
        for role, signals in expected.items():
            with self.subTest(role=role):
                self.assertEqual(self.visible(role), signals)
                Signal = self.env["ondermijning.signaal"].with_user(self.users[role])
                groups = Signal.read_group(
                    [("id", "in", self.all_signals.ids)], ["stage_id"], ["stage_id"]
                )
                self.assertEqual(sum(g["stage_id_count"] for g in groups), len(signals))
                found = {id_ for id_, _name in Signal.name_search("", limit=1000)}
                self.assertEqual(found & set(self.all_signals.ids), set(signals.ids))
                for hidden in self.all_signals - signals:
                    with self.assertRaises(AccessError):
                        hidden.with_user(self.users[role]).read(["name"])
        self.assertEqual(
            self.env["ondermijning.signaal"]
            .with_user(self.medewerker2)
            .search([("id", "in", self.all_signals.ids)]),
            self.elsewhere,
        )

    def test_roles_without_case_access_see_no_signal_at_all(self):
        for role in NO_CASE_ROLES:
            with self.subTest(role=role):
                Signal = self.env["ondermijning.signaal"].with_user(self.users[role])
                for call in (
                    lambda S=Signal: S.search([]),
                    lambda S=Signal: S.read_group([], ["stage_id"], ["stage_id"]),
                    lambda S=Signal: S.name_search("20"),
                    lambda S=Signal: self.on_agenda.with_env(S.env).read(["name"]),
                    lambda S=Signal: S.create({"categorie_id": self.categorie.id}),
                ):
                    with self.assertRaises(AccessError):
                        call()

    def test_write_create_unlink(self):
        for role in CASE_ROLES:
            with self.subTest(role=role):
                signal = self.on_agenda.with_user(self.users[role])
                signal.date_deadline = fields.Date.today()
                new = self.new_signal().with_user(self.users[role])
                with self.assertRaises(
                    AccessError, msg="signals are destroyed by retention, not deleted"
                ):
                    new.unlink()
        for role in ("overleg", "afdeling"):
            with self.subTest(role=role):
                record = (
                    self.on_agenda if role == "overleg" else self.referred
                ).with_user(self.users[role])
                with self.assertRaises(AccessError):
                    record.write({"date_deadline": fields.Date.today()})
                with self.assertRaises(AccessError):
                    record.unlink()
                with self.assertRaises(AccessError):
                    self.env["ondermijning.signaal"].with_user(self.users[role]).create(
                        {"categorie_id": self.categorie.id}
                    )

    def test_partner_sees_content_but_not_officials_or_process(self):
        signal = self.on_agenda.with_user(self.users["overleg"])
        self.assertEqual(signal.description, "Geheime beschrijving")
        self.assertEqual(signal.handler_display, self.gemeente.ondermijning_team_name)
        for field in ("user_id", "weging_ids", "raadpleging_ids"):
            with self.assertRaises(AccessError, msg=field):
                signal.read([field])
        self.gemeente.ondermijning_hide_officials = False
        self.env.invalidate_all()
        self.assertEqual(signal.handler_display, self.users["medewerker"].name)

    def test_partner_searches_through_the_clearances_as_a_subquery(self):
        """Searches, groupings and orderings on content leave out what was
        not cleared for the partner's organisation, through a subquery of
        the clearances (issue 16: a list of every clearance ever made grew
        with the agenda history): facts for a 'kern' clearance, subjects
        only for a 'subjecten' one, never a clearance of another partner."""
        Signal = self.env["ondermijning.signaal"]
        base = {"categorie_id": self.categorie.id, "company_id": self.gemeente.id}
        with_subject = dict(
            base, subject_ids=[Command.create({"kind": "persoon", "name": "B"})]
        )
        kern, uncleared, other_partner = Signal.create(
            [with_subject, with_subject, with_subject]
        )
        self.overleg.signaal_ids = [
            Command.link(s.id) for s in (kern, uncleared, other_partner)
        ]
        om = self.env["res.partner"].create({"name": "OM", "is_company": True})
        self.env["ondermijning.vrijgave"].create(
            [
                {
                    "signaal_id": kern.id,
                    "partner_id": self.politie.id,
                    "scope": "kern",
                    "legal_ground": "RIEC-convenant",
                },
                {
                    "signaal_id": other_partner.id,
                    "partner_id": om.id,
                    "scope": "subjecten",
                    "legal_ground": "RIEC-convenant",
                },
            ]
        )
        self.env.flush_all()
        partner = Signal.with_user(self.users["overleg"])
        limit = partner._limit_domain({"categorie_id"})
        self.assertIsInstance(limit[-1][2], SQL, "a subquery, not a list of ids")
        agenda = (self.on_agenda | kern | uncleared | other_partner).ids
        self.assertEqual(
            partner.search(
                [("id", "in", agenda), ("categorie_id", "=", self.categorie.id)]
            ),
            self.on_agenda | kern,
        )
        self.assertEqual(
            partner.search([("id", "in", agenda), ("subject_ids", "!=", False)]),
            self.on_agenda,
            "subjects only where cleared with them",
        )
        groups = partner._read_group(
            [("id", "in", agenda)], ["categorie_id"], ["__count"]
        )
        self.assertEqual(groups, [(self.categorie.with_user(self.users["overleg"]), 2)])
        ordered = partner.search([("id", "in", agenda)], order="categorie_id, id")
        self.assertEqual(ordered, (self.on_agenda | kern).sorted("id"))
        # the indexes the subquery and the agenda board read
        self.env.cr.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname IN %s",
            [("ondermijning_vrijgave_partner_idx", "ondermijning_signaal_open_idx")],
        )
        self.assertEqual(len(self.env.cr.fetchall()), 2)
        # everything on the agenda still shows that it exists
        self.assertEqual(set(partner.search([("id", "in", agenda)]).ids), set(agenda))

    def test_export_respects_field_access_and_is_audited(self):
        medewerker = self.on_agenda.with_user(self.users["medewerker"])
        rows = medewerker.export_data(["name", "description", "user_id"])["datas"]
        self.assertEqual(rows[0][1], "Geheime beschrijving")
        log = self.env["ondermijning.audit.log"].search(
            [("res_id", "=", self.on_agenda.id), ("action", "=", "export")]
        )
        self.assertEqual(log.user_id, self.users["medewerker"])
        self.assertNotIn("Geheime", log.field_names)
        with self.assertRaises(AccessError):
            self.on_agenda.with_user(self.users["overleg"]).export_data(
                ["name", "user_id"]
            )
        with self.assertRaises(AccessError):
            self.not_on_agenda.with_user(self.users["overleg"]).export_data(["name"])

    def test_messages_only_for_staff(self):
        Message = self.env["mail.message"]
        domain = [
            ("model", "=", "ondermijning.signaal"),
            ("res_id", "=", self.on_agenda.id),
            ("body", "ilike", "Pietje"),
        ]
        self.assertEqual(
            len(Message.with_user(self.users["medewerker"]).search(domain)), 1
        )
        for role in ("overleg", "afdeling", "melder", "beheerder"):
            with self.subTest(role=role):
                self.env.invalidate_all()
                self.assertFalse(Message.with_user(self.users[role]).search(domain))
                note = self.on_agenda.message_ids.filtered(
                    lambda m: "Pietje" in (m.body or "")
                )
                with self.assertRaises(AccessError):
                    note.with_user(self.users[role]).read(["body"])

    def test_attachments_only_for_the_handlers(self):
        """A case's documents are its content: its handlers read them, a
        partner who sees the signal on an agenda does not."""
        for role, readable in (
            ("medewerker", True),
            ("overleg", False),
            ("afdeling", False),
            ("melder", False),
            ("beheerder", False),
        ):
            with self.subTest(role=role):
                self.env.invalidate_all()
                attachment = self.attachment_agenda.with_user(self.users[role])
                if readable:
                    self.assertEqual(attachment.raw, b"agenda")
                else:
                    with self.assertRaises(AccessError):
                        attachment.read(["raw"])
                with self.assertRaises(AccessError):
                    self.attachment_other.with_user(self.users["overleg"]).read(["raw"])

    # -- casus, overleg, process records -----------------------------------------
    def test_casus_visibility(self):
        casussen = self.casus_cleared | self.casus_not_cleared
        self.assertEqual(
            self.visible("medewerker", "ondermijning.casus", casussen), casussen
        )
        self.assertEqual(
            self.visible("overleg", "ondermijning.casus", casussen),
            self.casus_cleared,
            "a partner sees only casussen that privacy check 2A cleared for them",
        )
        self.assertEqual(
            self.visible("afdeling", "ondermijning.casus", casussen), self.casus_cleared
        )
        for role in NO_CASE_ROLES:
            with self.assertRaises(AccessError):
                self.visible(role, "ondermijning.casus", casussen)

    def test_overleg_visibility(self):
        self.assertEqual(
            self.visible("overleg", "ondermijning.overleg", self.overleg), self.overleg
        )
        other = self.env["ondermijning.overleg"].create(
            {"overleg_type": "casusoverleg", "company_id": self.gemeente.id}
        )
        self.assertFalse(self.visible("overleg", "ondermijning.overleg", other))
        with self.assertRaises(AccessError):
            self.overleg.with_user(self.users["overleg"]).write({"duration": 2.0})
        for role in ("afdeling", *NO_CASE_ROLES):
            with self.assertRaises(AccessError):
                self.visible(role, "ondermijning.overleg", self.overleg)

    def test_subjects_follow_their_signal(self):
        subjects = self.all_signals.subject_ids
        self.assertEqual(
            self.visible("medewerker", "ondermijning.subject", subjects), subjects
        )
        self.assertEqual(
            self.visible("overleg", "ondermijning.subject", subjects),
            self.on_agenda.subject_ids,
        )
        self.assertFalse(self.visible("afdeling", "ondermijning.subject", subjects))
        for role in NO_CASE_ROLES:
            with self.assertRaises(AccessError):
                self.visible(role, "ondermijning.subject", subjects)

    def test_wegingen_only_for_staff(self):
        weging = self.weeg(self.on_agenda, "w1", "ondermijning")
        self.assertEqual(
            self.visible("medewerker", "ondermijning.weging", weging), weging
        )
        for role in ("overleg", "afdeling", *NO_CASE_ROLES):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.visible(role, "ondermijning.weging", weging)

    def test_audit_log_for_the_privacyfunctionaris_only(self):
        self.on_agenda.with_user(self.users["overleg"]).web_read(
            {"name": {}, "description": {}}
        )
        log = (
            self.env["ondermijning.audit.log"]
            .with_user(self.users["privacy"])
            .search([("res_id", "=", self.on_agenda.id), ("action", "=", "read")])
        )
        self.assertEqual(log.user_id, self.users["overleg"])
        self.assertEqual(log.reference, self.on_agenda.name)
        for role in ("medewerker", "team", "overleg", "afdeling", *NO_CASE_ROLES):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.env["ondermijning.audit.log"].with_user(self.users[role]).search(
                    []
                )
        with self.assertRaises(AccessError):
            log.with_user(self.users["privacy"]).unlink()

    def test_beheerder_configures_without_case_content(self):
        Categorie = self.env["ondermijning.categorie"].with_user(
            self.users["beheerder"]
        )
        categorie = Categorie.create({"name": "Cybercrime"})
        categorie.name = "Cybercriminaliteit"
        for role in ("medewerker", "melder", "overleg"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.env["ondermijning.categorie"].with_user(self.users[role]).create(
                    {"name": "x"}
                )
        with self.assertRaises(AccessError):
            self.visible("beheerder")

    def test_melder_sees_own_reports_only(self):
        Melding = self.env["ondermijning.melding"]
        own = Melding.with_user(self.users["melder"]).create(
            {"categorie_id": self.categorie.id, "description": "Verdacht pand"}
        )
        other = Melding.with_user(self.users["medewerker"]).create(
            {"categorie_id": self.categorie.id, "description": "Nog een"}
        )
        self.env.invalidate_all()
        mine = Melding.with_user(self.users["melder"]).search([])
        self.assertIn(own, mine)
        self.assertNotIn(other, mine)
        with self.assertRaises(AccessError):
            other.with_user(self.users["melder"]).read(["name"])
        with self.assertRaises(AccessError):
            own.with_user(self.users["melder"]).read(["signaal_id"])

    def test_two_factor_required_for_case_content_where_the_gemeente_says_so(self):
        self.assertIsNone(self.users["medewerker"]._mfa_type())
        self.gemeente.ondermijning_require_2fa = True
        for role in ("medewerker", "privacy", "overleg", "afdeling"):
            with self.subTest(role=role):
                self.assertEqual(self.users[role]._mfa_type(), "totp_mail")
                self.assertEqual(self.users[role]._mfa_url(), "/web/login/totp")
        for role in ("melder", "beheerder", "analist"):
            with self.subTest(role=role):
                self.assertIsNone(self.users[role]._mfa_type())
        self.assertIsNone(
            self.medewerker2._mfa_type(), "another gemeente's setting does not apply"
        )
