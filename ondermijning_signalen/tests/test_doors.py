"""The doors Odoo opens around the product, tried as an attacker with a
valid login would: XML-RPC, JSON-RPC (/web/dataset/call_kw), the /mail
routes, /web/content; context keys and domains on hidden fields."""

import json
import xmlrpc.client
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.http import Request
from odoo.tests import HttpCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from odoo.addons.ondermijning_signalen import stappenplan

from ..tools import crypto
from .common import OndermijningCase

SIGNAAL = "ondermijning.signaal"


class RpcError(Exception):
    """An error answer of JSON-RPC: the exception's name and its message."""


class RpcCase(HttpCase, OndermijningCase):
    """Calls as a role over JSON-RPC (the web client's door, with a session)
    and XML-RPC (the external API, with the password)."""

    @mute_logger("odoo.http")  # refusals are logged as warnings
    def call(self, role, model, method, *args, **kwargs):
        self.authenticate(f"test_{role}", f"test_{role}")
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": model,
                        "method": method,
                        "args": list(args),
                        "kwargs": kwargs,
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        answer = response.json()
        if "error" in answer:
            data = answer["error"]["data"]
            raise RpcError(data["name"], data["message"])
        return answer["result"]

    def refused(self, role, model, method, *args, **kwargs):
        """The call fails with an error: (exception name, message)."""
        try:
            with mute_logger("odoo.http"):
                self.call(role, model, method, *args, **kwargs)
        except RpcError as error:
            return error.args
        self.fail(f"{model}.{method} was not refused for {role}")

    def setUp(self):
        super().setUp()
        # XML-RPC refusals are logged as warnings by Odoo
        muted = mute_logger("odoo.http", "odoo.addons.base.models.res_users")
        muted.__enter__()
        self.addCleanup(muted.__exit__, None, None, None)

    def xmlrpc(self, role, model, method, *args, **kwargs):
        login = f"test_{role}"
        uid = self.xmlrpc_common.authenticate(get_db_name(), login, login, {})
        return self.xmlrpc_object.execute_kw(
            get_db_name(), uid, login, model, method, list(args), kwargs
        )


@tagged("post_install", "-at_install")
class TestDoors(RpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agenda = cls.new_signal_as_su(
            description="Geheime beschrijving",
            subject_ids=[Command.create({"kind": "persoon", "name": "Jan Verdacht"})],
        )
        cls.overleg = cls.env["ondermijning.overleg"].create(
            {
                "company_id": cls.gemeente.id,
                "user_ids": [Command.set(cls.users["overleg"].ids)],
                "signaal_ids": [Command.set(cls.agenda.ids)],
            }
        )
        # the privacyfunctionaris cleared the agenda signal for the politie
        cls.env["ondermijning.vrijgave"].create(
            {
                "signaal_id": cls.agenda.id,
                "partner_id": cls.politie.id,
                "scope": "subjecten",
                "legal_ground": "RIEC-convenant",
            }
        )

    @classmethod
    def new_signal_as_su(cls, **vals):
        return cls.env[SIGNAAL].create(
            dict(
                {
                    "categorie_id": cls.categorie.id,
                    "company_id": cls.gemeente.id,
                    "user_id": cls.users["medewerker"].id,
                },
                **vals,
            )
        )

    # -- 1. two-factor authentication over RPC ------------------------------------
    def test_password_logins_over_rpc_refused_when_2fa_required(self):
        db = get_db_name()
        login = "test_medewerker"
        uid = self.users["medewerker"].id
        # without 2FA, the password works over RPC
        self.assertEqual(self.xmlrpc_common.authenticate(db, login, login, {}), uid)
        self.gemeente.ondermijning_require_2fa = True
        self.env.flush_all()
        self.assertFalse(self.xmlrpc_common.authenticate(db, login, login, {}))
        self.assertFalse(
            self.make_jsonrpc_request(
                "/jsonrpc",
                {"service": "common", "method": "login", "args": [db, login, login]},
            )
        )
        with self.assertRaisesRegex(xmlrpc.client.Fault, "API key"):
            self.xmlrpc_object.execute_kw(
                db,
                uid,
                login,
                SIGNAAL,
                "search_read",
                [[]],
                {"fields": ["description"]},
            )
        # an API key (made after a login with the second factor) is the way
        key = (
            self.env["res.users.apikeys"]
            .with_user(self.users["medewerker"])
            ._generate(None, "Koppeling", fields.Datetime.now() + timedelta(days=30))
        )
        self.assertEqual(self.xmlrpc_common.authenticate(db, login, key, {}), uid)
        rows = self.xmlrpc_object.execute_kw(
            db,
            uid,
            key,
            SIGNAAL,
            "search_read",
            [[("id", "=", self.agenda.id)]],
            {"fields": ["name"]},
        )
        self.assertEqual(rows[0]["name"], self.agenda.name)
        # a role without case content keeps its password login
        melder = self.users["melder"]
        self.assertEqual(
            self.xmlrpc_common.authenticate(db, melder.login, melder.login, {}),
            melder.id,
        )

    # -- 6. login throttling ---------------------------------------------------------
    def test_failed_logins_throttled_per_login_not_for_others(self):
        db = get_db_name()
        with mute_logger("odoo.addons.base.models.res_users"):
            for _attempt in range(6):
                self.assertFalse(
                    self.xmlrpc_common.authenticate(db, "test_team", "wrong", {})
                )
            # the right password does not help now
            self.assertFalse(
                self.xmlrpc_common.authenticate(db, "test_team", "test_team", {})
            )
            # another user behind the same address logs in, and that does
            # not lift the throttle of the first
            self.assertTrue(
                self.xmlrpc_common.authenticate(db, "test_privacy", "test_privacy", {})
            )
            self.assertFalse(
                self.xmlrpc_common.authenticate(db, "test_team", "test_team", {})
            )
            # guessing through execute_kw counts too, and is refused as well
            # (no assertRaises: Odoo's rolls back what the server recorded)
            uid = self.users["afdeling"].id
            faults = []
            for password in ["wrong"] * 6 + ["test_afdeling"]:
                try:
                    self.xmlrpc_object.execute_kw(
                        db, uid, password, "res.partner", "search", [[]], {}
                    )
                except xmlrpc.client.Fault as fault:
                    faults.append(fault.faultString)
            self.assertEqual(len(faults), 7)
            self.assertIn("Too many failed logins", faults[-1])
        rows = self.env["ondermijning.login.attempt"].sudo().search([])
        self.assertFalse(
            [row for row in rows if "test_team" in row.key or "127.0.0.1" in row.key],
            "logins and addresses are kept as keyed hashes only",
        )

    def test_many_logins_from_one_address_do_not_lock_out_known_users(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "ondermijning.login_address_failures", 3
        )
        db = get_db_name()
        self.assertTrue(
            self.xmlrpc_common.authenticate(db, "test_privacy", "test_privacy", {})
        )
        with mute_logger("odoo.addons.base.models.res_users"):
            for login in ("nobody1", "nobody2", "nobody3", "nobody4"):
                self.assertFalse(self.xmlrpc_common.authenticate(db, login, "x", {}))
            # a login never seen from this address is held up now...
            self.assertFalse(
                self.xmlrpc_common.authenticate(db, "test_team", "test_team", {})
            )
        # ...but a user who logged in from here before is not
        self.assertTrue(
            self.xmlrpc_common.authenticate(db, "test_privacy", "test_privacy", {})
        )

    # -- 2. the melder is outside the case ------------------------------------------
    def test_melder_is_never_inside_the_signal(self):
        melding_id = self.call(
            "melder",
            "ondermijning.melding",
            "create",
            {"categorie_id": self.categorie.id, "description": "Contant geld"},
        )
        signal = self.env["ondermijning.melding"].browse(melding_id).signaal_id
        melder = self.users["melder"]
        self.assertNotIn(melder.partner_id, signal.message_partner_ids)
        # the team writes a note and the server posts an event
        self.env["ondermijning.notitie"].with_user(self.users["medewerker"]).create(
            {"signaal_id": signal.id, "body": "verdachte Jan is bekend bij politie"}
        )
        signal.with_user(self.users["medewerker"]).write(
            {"user_id": self.users["team"].id}
        )
        self.env.flush_all()
        self.env.cr.precommit.run()
        for model, domain in (
            ("mail.message", [("model", "=", SIGNAAL), ("res_id", "=", signal.id)]),
            ("mail.message", [("body", "ilike", "verdachte")]),
            ("mail.followers", [("res_model", "=", SIGNAAL)]),
            ("ondermijning.notitie", [("signaal_id", "=", signal.id)]),
        ):
            with self.subTest(model=model, domain=domain):
                self.assertFalse(
                    self.call("melder", model, "search_read", domain, ["id"])
                )
        inbox = self.call(
            "melder",
            "mail.message",
            "search_read",
            [("needaction", "=", True)],
            ["model", "body"],
        )
        self.assertFalse([m for m in inbox if m["model"] == SIGNAAL])
        for args, kwargs in (
            (
                [[signal.id]],
                {
                    "body": "x",
                    "partner_ids": self.users["medewerker"].partner_id.ids,
                    "message_type": "comment",
                },
            ),
        ):
            self.refused("melder", SIGNAAL, "message_post", *args, **kwargs)
        self.refused("melder", SIGNAAL, "read", [signal.id], ["message_follower_ids"])
        # he adds to his report: it reaches the handlers, encrypted
        wizard = self.call(
            "melder",
            "ondermijning.melding.aanvulling",
            "create",
            {"melding_id": melding_id, "text": "Ook een witte bus"},
        )
        self.call(
            "melder", "ondermijning.melding.aanvulling", "action_confirm", [wizard]
        )
        note = self.env["ondermijning.notitie"].search(
            [("signaal_id", "=", signal.id), ("kind", "=", "van_melder")]
        )
        self.assertEqual(note.body, "Ook een witte bus")
        self.refused(
            "melder", "ondermijning.melding", "message_post", [melding_id], body="x"
        )

    # -- 3. chatter uploads by every route are encrypted ------------------------------
    def test_pending_chatter_upload_is_encrypted_at_once(self):
        self.authenticate("test_medewerker", "test_medewerker")
        response = self.url_open(
            "/mail/attachment/upload",
            data={
                "thread_id": self.agenda.id,
                "thread_model": SIGNAAL,
                "is_pending": "true",
                "csrf_token": Request.csrf_token(self),
            },
            files={"ufile": ("verslag_jan.txt", b"PLATTE TEKST Jan", "text/plain")},
        )
        response.raise_for_status()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", SIGNAAL), ("res_id", "=", self.agenda.id)]
        )
        self.assertEqual(len(attachment), 1, "linked to the case, not pending")
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT name, index_content, store_fname FROM ir_attachment WHERE id = %s",
            [attachment.id],
        )
        name, index_content, store_fname = self.env.cr.fetchone()
        self.assertTrue(crypto.is_encrypted(name), "the file name is encrypted")
        self.assertFalse(index_content)
        with open(attachment._full_path(store_fname), "rb") as stored:
            self.assertTrue(crypto.is_encrypted_bytes(stored.read()))
        self.assertEqual(attachment.name, "verslag_jan.txt")
        self.assertEqual(attachment.raw, b"PLATTE TEKST Jan")

    # -- 4/5. followers, activities, names --------------------------------------------
    def test_followers_activities_and_names_only_for_officials(self):
        self.agenda.message_subscribe(
            partner_ids=self.users["medewerker"].partner_id.ids
        )
        self.agenda.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.users["medewerker"].id
        )
        self.env.flush_all()
        for role in ("melder", "overleg", "afdeling", "beheerder", "analist"):
            with self.subTest(role=role):
                followers = self.call(
                    role, "mail.followers", "search_read", [], ["res_model"]
                )
                self.assertFalse(
                    [f for f in followers if f["res_model"].startswith("ondermijning.")]
                )
                activities = self.call(
                    role, "mail.activity", "search_read", [], ["res_model"]
                )
                self.assertFalse([a for a in activities if a["res_model"] == SIGNAAL])
        # the partner reads the agenda signal, never the people around it
        for fname in (
            "create_uid",
            "write_uid",
            "message_partner_ids",
            "message_follower_ids",
            "activity_user_id",
            "activity_ids",
            "user_id",
            "melder_user_id",
        ):
            with self.subTest(field=fname):
                self.refused("overleg", SIGNAAL, "read", [self.agenda.id], [fname])
        self.refused(
            "overleg", "ondermijning.overleg", "read", [self.overleg.id], ["user_ids"]
        )
        users = self.call("overleg", "res.users", "search_read", [], ["name", "login"])
        self.assertEqual([u["id"] for u in users], self.users["overleg"].ids)
        staff = self.env.ref("ondermijning_signalen.group_medewerker")
        [group] = self.call("overleg", "res.groups", "read", [staff.id], ["users"])
        self.assertFalse(group["users"])
        partners = self.call("overleg", "res.partner", "search_read", [], ["name"])
        self.assertNotIn(
            self.users["medewerker"].partner_id.id, [p["id"] for p in partners]
        )
        [values] = self.call(
            "overleg", SIGNAAL, "read", [self.agenda.id], ["handler_display"]
        )
        self.assertEqual(
            values["handler_display"], self.gemeente.ondermijning_team_name
        )

    def test_another_gemeente_sees_nothing_around_a_case(self):
        """Followers, activities, messages, notes and documents of a case
        stay in its gemeente, also for the staff of another."""
        self.agenda.message_subscribe(
            partner_ids=self.users["medewerker"].partner_id.ids
        )
        self.agenda.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.users["medewerker"].id
        )
        self.agenda.message_post(body="Gebeurtenis", message_type="notification")
        self.env["ondermijning.notitie"].create(
            {"signaal_id": self.agenda.id, "body": "Notitie"}
        )
        self.env["ir.attachment"].create(
            {
                "name": "stuk.txt",
                "raw": b"stuk",
                "res_model": SIGNAAL,
                "res_id": self.agenda.id,
            }
        )
        self.env.flush_all()
        other = self.medewerker2
        for model, domain in (
            ("mail.followers", [("res_model", "=", SIGNAAL)]),
            ("mail.activity", [("res_model", "=", SIGNAAL)]),
            ("mail.message", [("model", "=", SIGNAAL)]),
            ("ondermijning.notitie", []),
            ("ir.attachment", [("res_model", "=", SIGNAAL)]),
        ):
            with self.subTest(model=model):
                found = self.env[model].with_user(other).search(domain)
                self.assertFalse(
                    found.sudo().filtered(
                        lambda r: (
                            self.agenda.id
                            in (r.res_id if "res_id" in r._fields else r.signaal_id.id,)
                        )
                    )
                )
        self.assertFalse(
            self.agenda.with_user(other).message_subscribe(
                partner_ids=other.partner_id.ids
            )
        )
        self.assertNotIn(other.partner_id, self.agenda.message_partner_ids)

    def test_searching_hidden_fields_is_refused(self):
        self.agenda.sudo().message_post(body="informant Klaas", message_type="comment")
        for domain in (
            [("message_ids.body", "ilike", "informant Klaas")],
            [("weging_ids", "!=", False)],
            [("melder_user_id", "=", self.users["melder"].id)],
            [("create_uid.name", "ilike", "test")],
            [("activity_user_id", "=", self.users["medewerker"].id)],
        ):
            with self.subTest(domain=domain):
                self.refused("overleg", SIGNAAL, "search", domain)

    # -- 7. company walls -----------------------------------------------------------
    def test_audit_log_and_categories_stay_in_their_gemeente(self):
        other_privacy = self.env["res.users"].create(
            {
                "name": "Privacy Almelo",
                "login": "test_privacy_almelo",
                "password": "test_privacy_almelo",
                "company_id": self.gemeente2.id,
                "company_ids": [Command.set(self.gemeente2.ids)],
                "groups_id": [
                    Command.set(
                        [
                            self.env.ref("base.group_user").id,
                            self.env.ref("ondermijning_signalen.group_privacy").id,
                        ]
                    )
                ],
            }
        )
        self.agenda.with_user(self.users["medewerker"]).read(["description"])
        self.env.flush_all()
        self.env.cr.precommit.run()
        own = self.call("privacy", "ondermijning.audit.log", "search_read", [], ["id"])
        self.assertTrue(own)
        self.authenticate(other_privacy.login, other_privacy.login)
        foreign = self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": "ondermijning.audit.log",
                "method": "search_read",
                "args": [[("id", "in", [line["id"] for line in own])], ["id"]],
                "kwargs": {},
            },
        )
        self.assertFalse(foreign)
        own_category = self.env["ondermijning.categorie"].create(
            {"name": "Eigen prioriteit Hengelo", "company_id": self.gemeente.id}
        )
        self.assertFalse(
            self.env["ondermijning.categorie"]
            .with_user(other_privacy)
            .search([("id", "=", own_category.id)])
        )
        self.assertTrue(
            self.call(
                "medewerker",
                "ondermijning.categorie",
                "search",
                [("id", "=", own_category.id)],
            )
        )
        with self.assertRaises(UserError):  # check_company: another gemeente's
            self.env[SIGNAAL].with_user(self.medewerker2).create(
                {
                    "categorie_id": own_category.id,
                    "company_id": self.gemeente2.id,
                }
            )


@tagged("post_install", "-at_install")
class TestSealAuditProcess(RpcCase):
    """Issue 12: the seal, the audit, the process fields and bad input, at
    every door."""

    def sealed_signal(self):
        """A signal that ended 'niet in behandeling' the normal way and was
        sealed by the retention job the next night."""
        signal = self.new_signal(melder_user_id=self.users["melder"].id)
        signal.sudo().message_subscribe(
            partner_ids=self.users["medewerker"].partner_id.ids
        )
        signal.sudo().message_post(body="Gebeurtenis", message_type="notification")
        self.weeg(signal, "w1", "geen_ondermijning", indicator_ids=[])
        tomorrow = fields.Date.today() + timedelta(days=1)
        self.env["ondermijning.bewaartermijn"]._seal_ended_signals(tomorrow)
        signal = signal.sudo()
        self.assertTrue(signal.is_sealed)
        return signal

    def audit_lines(self, role, action="read"):
        return (
            self.env["ondermijning.audit.log"]
            .sudo()
            .search_count(
                [("user_id", "=", self.users[role].id), ("action", "=", action)]
            )
        )

    # -- the seal -------------------------------------------------------------------
    def test_a_sealed_signal_shows_only_what_the_protocol_allows(self):
        signal = self.sealed_signal()
        other = self.new_signal(melder_user_id=self.users["melder"].id)
        [values] = self.call(
            "privacy",
            SIGNAAL,
            "read",
            [signal.id],
            ["name", "mma_number", "create_uid", "description", "melder_user_id"],
        )
        self.assertEqual(values["name"], signal.name)
        for fname in ("mma_number", "create_uid", "description", "melder_user_id"):
            self.assertFalse(values[fname], fname)
        # lists and boards show it, and never fail on it
        rows = self.call(
            "privacy",
            SIGNAAL,
            "web_search_read",
            [("id", "in", (signal | other).ids)],
            {"name": {}, "categorie_id": {"fields": {"display_name": {}}}},
        )["records"]
        self.assertEqual({row["id"] for row in rows}, {signal.id, other.id})
        # groupings, aggregates and conditions on hidden fields leave it out
        groups = self.call(
            "privacy",
            SIGNAAL,
            "read_group",
            [("id", "in", (signal | other).ids)],
            ["melder_user_id"],
            ["melder_user_id"],
        )
        self.assertEqual(sum(g["melder_user_id_count"] for g in groups), 1)
        [aggregate] = self.call(
            "privacy",
            SIGNAAL,
            "read_group",
            [("id", "=", signal.id)],
            ["mma_number:array_agg"],
            [],
        )
        self.assertFalse(aggregate["__count"])
        self.assertEqual(
            self.call(
                "privacy",
                SIGNAAL,
                "search",
                [("melder_user_id", "=", self.users["melder"].id)],
            ),
            other.ids,
        )
        # what hangs from it: closed, also to a handler who followed it
        for role in ("privacy", "medewerker"):
            with self.subTest(role=role):
                self.assertFalse(
                    self.call(
                        role,
                        "mail.message",
                        "search_read",
                        [("model", "=", SIGNAAL), ("res_id", "=", signal.id)],
                        ["body"],
                    )
                )
                self.assertFalse(
                    self.call(
                        role,
                        "mail.followers",
                        "search_read",
                        [("res_model", "=", SIGNAAL), ("res_id", "=", signal.id)],
                        ["partner_id"],
                    )
                )
                self.refused(role, SIGNAAL, "message_post", [signal.id], body="x")
        self.assertFalse(signal.message_follower_ids, "nobody follows a sealed signal")
        self.refused("privacy", SIGNAAL, "export_data", [signal.id], ["description"])

    def test_the_unseal_wizard_tells_nothing_about_other_ids(self):
        signal = self.sealed_signal()
        elsewhere = self.env[SIGNAAL].create(
            {"categorie_id": self.categorie.id, "company_id": self.gemeente2.id}
        )
        missing = elsewhere.id + 1000
        answers = set()
        for target in (elsewhere.id, missing):
            error = self.refused(
                "privacy",
                "ondermijning.unseal.wizard",
                "create",
                {"signaal_id": target, "reason": "Inzageverzoek"},
            )
            answers.add(error[1])
        self.assertEqual(len(answers), 1, answers)
        self.assertNotIn(elsewhere.name, answers.pop())
        wizard = self.call(
            "privacy",
            "ondermijning.unseal.wizard",
            "create",
            {"signaal_id": signal.id, "reason": "Inzageverzoek betrokkene"},
        )
        self.call("privacy", "ondermijning.unseal.wizard", "action_confirm", [wizard])
        [values] = self.call("privacy", SIGNAAL, "read", [signal.id], ["description"])
        self.assertIn("Hennep", values["description"])

    # -- the audit --------------------------------------------------------------
    def test_every_read_path_writes_one_line_per_call(self):
        signal = self.new_signal()
        calls = {
            "read": (("read", [signal.id], ["description"]), {}),
            "search_read": (
                ("search_read", [("id", "=", signal.id)], ["description"]),
                {},
            ),
            "web_read": (("web_read", [signal.id], {"description": {}}), {}),
            "web_search_read": (
                ("web_search_read", [("id", "=", signal.id)], {"description": {}}),
                {},
            ),
            "no_audit context key": (
                ("read", [signal.id], ["description"]),
                {"context": {"ondermijning_no_audit": True}},
            ),
        }
        for name, (args, kwargs) in calls.items():
            with self.subTest(path=name):
                before = self.audit_lines("medewerker")
                self.call("medewerker", SIGNAAL, *args, **kwargs)
                self.assertEqual(self.audit_lines("medewerker") - before, 1)
        # a read without content (the board) writes nothing
        before = self.audit_lines("medewerker")
        self.call("medewerker", SIGNAAL, "read", [signal.id], ["name", "stage_id"])
        self.assertEqual(self.audit_lines("medewerker"), before)
        line = (
            self.env["ondermijning.audit.log"]
            .sudo()
            .search(
                [
                    ("user_id", "=", self.users["medewerker"].id),
                    ("action", "=", "read"),
                ],
                limit=1,
            )
        )
        self.assertEqual(line.references, signal.name)
        self.assertIn("/web/dataset/call_kw", line.origin)
        self.assertNotIn("Hennep", line.field_names + line.field_labels)
        # an export is one line for all it covered
        signals = signal | self.new_signal() | self.new_signal()
        before = self.audit_lines("medewerker", "export")
        self.call("medewerker", SIGNAAL, "export_data", signals.ids, ["description"])
        self.assertEqual(self.audit_lines("medewerker", "export") - before, 1)
        export = (
            self.env["ondermijning.audit.log"]
            .sudo()
            .search(
                [
                    ("user_id", "=", self.users["medewerker"].id),
                    ("action", "=", "export"),
                ],
                limit=1,
            )
        )
        self.assertEqual(export.record_count, 3)

    # -- process fields ---------------------------------------------------------
    def test_process_fields_only_through_the_stappenplan(self):
        signal = self.new_signal()
        for vals in (
            {"end_state": "niet_in_behandeling"},
            {"date_end": "2000-01-01 00:00:00"},
            {"date_destroy": "2000-01-01"},
            {"legal_hold": True},
            {"is_sealed": False},
            {"name": "<img src=x onerror=alert(1)>"},
            {"date_stap2": "2020-01-01 00:00:00"},
        ):
            with self.subTest(vals=vals):
                self.refused("medewerker", SIGNAAL, "write", [signal.id], vals)
        self.refused(
            "medewerker",
            SIGNAAL,
            "create",
            {"categorie_id": self.categorie.id, "end_state": "doorverwezen"},
        )
        # a hold placed by the privacyfunctionaris is not lifted by a write
        signal.with_user(self.users["privacy"])._place_legal_hold("Procedure")
        self.refused("medewerker", SIGNAAL, "write", [signal.id], {"legal_hold": False})
        self.assertTrue(signal.legal_hold)
        # a card dragged back does not go back
        self.through_stap1(signal)
        self.refused(
            "medewerker",
            SIGNAAL,
            "write",
            [signal.id],
            {"stage_id": self.stage[stappenplan.INTAKE].id},
        )
        self.assertEqual(signal.stage_code, stappenplan.WEGING3)

    # -- bad input --------------------------------------------------------------
    def test_bad_input_gets_a_clear_error_and_is_not_stored(self):
        base = {"categorie_id": self.categorie.id}
        count = self.env[SIGNAAL].search_count([])
        for vals, message in (
            ({"date_received": "0001-01-01 00:00:00"}, "plausible"),
            ({"date_received": "9999-12-31 00:00:00"}, "plausible"),
            ({"date_received": "1990-01-01 00:00:00"}, "between"),
            ({"date_deadline": "1000-01-01"}, "plausible"),
            ({"description": "x" * 100001}, "too long"),
            ({"mma_number": "M" * 100000}, "too long"),
            ({"mma_number": "MMA\x00-1"}, "control characters"),
        ):
            with self.subTest(vals=list(vals)):
                error = self.refused(
                    "medewerker", SIGNAAL, "create", dict(base, **vals)
                )
                self.assertIn(message, error[1])
        self.assertEqual(self.env[SIGNAAL].search_count([]), count)


@tagged("post_install", "-at_install")
class TestPartnerClearance(RpcCase):
    """Issue 14: what is shared with politie, OM or RIEC in an overleg is
    what the privacyfunctionaris cleared for their organisation, by every
    door."""

    def setUp(self):
        super().setUp()
        self.cleared = self.new_signal(
            subject_ids=[Command.create({"kind": "persoon", "name": "Piet Gedeeld"})]
        )
        self.uncleared = self.new_signal(
            description="Wietplantage op zolder aan de Kerkstraat 9",
            subject_ids=[Command.create({"kind": "persoon", "name": "Kees Geheim"})],
        )
        self.overleg = self.env["ondermijning.overleg"].create(
            {
                "company_id": self.gemeente.id,
                "user_ids": [Command.set(self.users["overleg"].ids)],
                "signaal_ids": [Command.set((self.cleared | self.uncleared).ids)],
            }
        )
        self.clearance = (
            self.env["ondermijning.vrijgave"]
            .with_user(self.users["privacy"])
            .create(
                {
                    "signaal_id": self.cleared.id,
                    "partner_id": self.politie.id,
                    "scope": "kern",
                    "legal_ground": "RIEC-convenant, art. 6 lid 1 sub e AVG",
                }
            )
        )

    def test_an_uncleared_item_shows_only_that_it_exists(self):
        both = (self.cleared | self.uncleared).ids
        rows = {
            row["id"]: row
            for row in self.call(
                "overleg",
                SIGNAAL,
                "read",
                both,
                ["name", "description", "categorie_id", "subject_ids"],
            )
        }
        self.assertIn("Hennep", rows[self.cleared.id]["description"])
        self.assertTrue(rows[self.cleared.id]["categorie_id"])
        self.assertFalse(rows[self.cleared.id]["subject_ids"], "facts only (kern)")
        self.assertEqual(rows[self.uncleared.id]["name"], self.uncleared.name)
        for fname in ("description", "categorie_id", "subject_ids"):
            self.assertFalse(rows[self.uncleared.id][fname], fname)
        # searches, groupings, exports and subjects leave it out
        found = self.call(
            "overleg", SIGNAAL, "search", [("categorie_id", "=", self.categorie.id)]
        )
        self.assertEqual(found, self.cleared.ids)
        groups = self.call(
            "overleg",
            SIGNAAL,
            "read_group",
            [("id", "in", both)],
            ["categorie_id"],
            ["categorie_id"],
        )
        self.assertEqual(sum(g["categorie_id_count"] for g in groups), 1)
        self.refused("overleg", SIGNAAL, "export_data", both, ["description"])
        self.assertFalse(
            self.call(
                "overleg",
                "ondermijning.subject",
                "search",
                [("signaal_id", "in", both)],
            )
        )

    def test_subjects_only_when_cleared_with_them(self):
        self.clearance.sudo().scope = "subjecten"
        subjects = self.call(
            "overleg",
            "ondermijning.subject",
            "search_read",
            [("signaal_id", "in", (self.cleared | self.uncleared).ids)],
            ["name"],
        )
        self.assertEqual([s["name"] for s in subjects], ["Piet Gedeeld"])

    def test_the_gemeente_may_hide_uncleared_items_entirely(self):
        self.gemeente.ondermijning_uncleared_agenda = "hide"
        self.env.flush_all()
        found = self.call(
            "overleg",
            SIGNAAL,
            "search",
            [("id", "in", (self.cleared | self.uncleared).ids)],
        )
        self.assertEqual(found, self.cleared.ids)

    def test_only_the_privacyfunctionaris_clears(self):
        self.refused(
            "medewerker",
            "ondermijning.vrijgave",
            "create",
            {
                "signaal_id": self.uncleared.id,
                "partner_id": self.politie.id,
                "legal_ground": "x",
            },
        )
        self.refused(
            "medewerker", "ondermijning.vrijgave", "unlink", self.clearance.ids
        )
        self.refused(
            "overleg",
            "ondermijning.vrijgave",
            "search_read",
            [],
            ["signaal_id"],
        )

    def handout_text(self, role, partner=None):
        """The handout as PDF, as that role prints it, in plain text."""
        return self.pdf_text(
            "ondermijning_signalen.action_report_overleg_handout",
            self.users[role],
            self.overleg,
            data={"partner_id": partner.id} if partner else None,
        )

    def test_the_handout_holds_only_what_was_cleared(self):
        self.clearance.sudo().scope = "subjecten"
        text = self.handout_text("overleg")
        self.assertIn("Hennepkwekerij", text)
        self.assertIn("Piet Gedeeld", text)
        self.assertIn(self.uncleared.name, text, "that the item exists")
        self.assertNotIn("Kerkstraat", text)
        self.assertNotIn("Kees Geheim", text)
        printed = self.env["ondermijning.audit.log"].search(
            [("action", "=", "print"), ("user_id", "=", self.users["overleg"].id)]
        )
        self.assertEqual(printed.record_count, 1, "only the cleared signal was shown")
        # hidden, the uncleared item is not even named
        self.gemeente.ondermijning_uncleared_agenda = "hide"
        self.assertNotIn(self.uncleared.name, self.handout_text("overleg"))

    def test_the_staff_print_it_per_partner(self):
        om = self.env["res.partner"].create(
            {"name": "OM Oost-Nederland", "is_company": True}
        )
        text = self.handout_text("medewerker", om)
        self.assertIn("OM Oost-Nederland", text)
        self.assertNotIn("Hennepkwekerij", text, "cleared for the politie, not the OM")
        self.assertNotIn("Kerkstraat", text)

    def test_a_partner_prints_no_other_organisations_handout(self):
        om = self.env["res.partner"].create(
            {"name": "OM Oost-Nederland", "is_company": True}
        )
        self.authenticate("test_overleg", "test_overleg")
        report = "/report/html/ondermijning_signalen.report_overleg_handout"
        url = f"{report}/{self.overleg.id}"
        with mute_logger("odoo.http"):
            foreign = self.url_open(
                url + "?options=" + json.dumps({"partner_id": om.id})
            )
        self.assertNotEqual(foreign.status_code, 200)
        self.assertNotIn("Hennepkwekerij", foreign.text)
        own = self.url_open(url)
        self.assertEqual(own.status_code, 200)
        self.assertIn("Hennepkwekerij", own.text)
        self.assertNotIn("Kerkstraat", own.text)
        # nor the handout of an overleg he is not in
        other = self.env["ondermijning.overleg"].create(
            {
                "company_id": self.gemeente.id,
                "signaal_ids": [Command.set(self.cleared.ids)],
            }
        )
        with mute_logger("odoo.http"):
            outside = self.url_open(f"{report}/{other.id}")
        self.assertNotEqual(outside.status_code, 200)
        self.assertNotIn("Hennepkwekerij", outside.text)
