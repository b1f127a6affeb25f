import json
import os
import sys
from datetime import timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from odoo.addons.ondermijning_signalen import stappenplan
from odoo.addons.ondermijning_signalen.tools import destroy
from odoo.addons.ondermijning_signalen.tools.purged_files import PurgedFileRemover

from .common import OndermijningCase, destroy_failing_for

SIGNAAL = "ondermijning.signaal"


class Killed(BaseException):
    """Stands for the process being killed: not an Exception, so nothing in
    the engine catches it."""


@tagged("post_install", "-at_install")
class TestRetention(OndermijningCase):
    """Retention rules, sealing, legal hold, approval, and a destruction that
    leaves nothing but an anonymous trace and a log line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["ondermijning.bewaartermijn"]
        cls.rules = {
            rule.end_state: rule
            for rule in cls.Rule.search([("company_id", "=", cls.gemeente.id)])
        }
        cls.Engine = cls.Rule.sudo()
        # Other gemeenten's signals (the demo data) are out of these tests:
        # without an active rule they are never sealed nor destroyed.
        cls.Rule.search(
            [("company_id", "not in", (cls.gemeente | cls.gemeente2).ids)]
        ).write({"active": False})

    # -- helpers ---------------------------------------------------------
    def purge(self, **kwargs):
        return self.Engine._cron_purge(**kwargs)

    def end_signal(self, end_state, **vals):
        """A new signal taken the real way to ``end_state`` (today)."""
        signal = self.new_signal(**vals)
        if end_state == "niet_in_behandeling":
            self.weeg(signal, "w1", "geen_ondermijning", indicator_ids=[])
        elif end_state == "doorverwezen":
            self.weeg(signal, "w1", "ondermijning")
            self.weeg(signal, "w2a", "andere_instantie", referred_to="Veilig Thuis")
        elif end_state in ("afdeling", "riec"):
            self.through_stap1(signal)
            self.weeg(signal, "w3", "voldoende_zwaar")
            extra = {"afdeling_id": self.afdeling.id} if end_state == "afdeling" else {}
            self.weeg(signal, "beslis", end_state, role="team", **extra)
        elif end_state == "casus_afgesloten":
            self.close_casus(self.through_stap3(signal))
        self.assertEqual(signal.end_state, end_state)
        # as superuser: a sealed signal is closed to the medewerker who made it
        return signal.sudo()

    def close_casus(self, casus, monitoring_until=None):
        """Weging 5, plan, an intervention, result and monitoring, closed."""
        self.privacy_check(casus, "2a")
        as_medewerker = casus.with_user(self.users["medewerker"])
        as_medewerker.action_next_state()
        as_medewerker.plan_van_aanpak = "Sluiting pand"
        intervention = (
            self.env["ondermijning.interventie"]
            .with_user(self.users["medewerker"])
            .create(
                {
                    "casus_id": casus.id,
                    "instrument_id": self.env.ref(
                        "ondermijning_signalen.instrument_1"
                    ).id,
                    "user_id": self.users["medewerker"].id,
                    "date_deadline": fields.Date.today() + timedelta(days=14),
                }
            )
        )
        self.privacy_check(casus, "2b")
        as_medewerker.action_next_state()
        intervention.with_user(self.users["medewerker"]).write(
            {"state": "afgerond", "result": "Gesloten"}
        )
        as_medewerker.write(
            {"result": "bereikt", "monitoring_until": fields.Date.today()}
        )
        as_medewerker.action_next_state()
        as_medewerker.action_next_state()
        self.assertEqual(casus.state, stappenplan.CASUS_CLOSED)
        if monitoring_until:
            casus.sudo().monitoring_until = monitoring_until
        return casus

    def alive(self, records):
        return records.sudo().with_context(active_test=False).exists()

    def logs(self, *references):
        return (
            self.env["ondermijning.vernietiging"]
            .sudo()
            .search(
                [
                    ("reference", "in", references),
                    ("company_id", "in", (self.gemeente | self.gemeente2).ids),
                ]
            )
        )

    def count_rows_referring_to(self, model_name, ids):
        """Rows in any table that point at these records: by foreign key, or
        by (res_)model and res_id. Returns {table.column: count} of the
        non-empty ones."""
        cr = self.env.cr
        self.env.flush_all()
        table = self.env[model_name]._table
        found = {}
        cr.execute(
            """
            SELECT cl.relname, att.attname
              FROM pg_constraint con
              JOIN pg_class cl ON cl.oid = con.conrelid
              JOIN pg_attribute att
                ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
             WHERE con.contype = 'f' AND con.confrelid = %s::regclass
        """,
            [table],
        )
        for ref_table, column in cr.fetchall():
            cr.execute(
                f'SELECT count(*) FROM "{ref_table}" WHERE "{column}" IN %s',  # noqa: S608
                [tuple(ids)],
            )
            if count := cr.fetchone()[0]:
                found[f"{ref_table}.{column}"] = count
        cr.execute("""
            SELECT c.table_name, c.column_name
              FROM information_schema.columns c
              JOIN information_schema.columns r
                ON r.table_name = c.table_name AND r.column_name = 'res_id'
                   AND r.table_schema = c.table_schema
             WHERE c.column_name IN ('res_model', 'model') AND c.table_schema = 'public'
               AND c.data_type IN ('character varying', 'text')
        """)
        for ref_table, column in cr.fetchall():
            cr.execute(
                f'SELECT count(*) FROM "{ref_table}" '  # noqa: S608
                f'WHERE "{column}" = %s AND res_id IN %s',
                [model_name, tuple(ids)],
            )
            if count := cr.fetchone()[0]:
                found[f"{ref_table}.{column}/res_id"] = count
        return found

    # -- rules and dates -----------------------------------------------------
    def test_every_gemeente_gets_the_protocol_rules(self):
        self.assertEqual(
            {state: (rule.months, rule.seal) for state, rule in self.rules.items()},
            {
                "niet_in_behandeling": (12, True),
                "doorverwezen": (12, False),
                "afdeling": (24, False),
                "riec": (24, False),
                "casus_afgesloten": (60, False),
            },
        )
        new = self.env["res.company"].create({"name": "Gemeente Borne (test)"})
        self.assertEqual(len(self.Rule.search([("company_id", "=", new.id)])), 5)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.Rule.create({"company_id": new.id, "end_state": "riec", "months": 1})
        # the beheerder maintains them, others only read
        self.rules["riec"].with_user(self.users["beheerder"]).months = 36
        self.assertTrue(self.rules["riec"].with_user(self.users["melder"]).months)
        with self.assertRaises(AccessError):
            self.rules["riec"].with_user(self.users["medewerker"]).months = 1

    def test_destruction_date_per_end_state_and_rule_changes(self):
        signals = {state: self.end_signal(state) for state in self.rules}
        for state, signal in signals.items():
            start = signal.date_end.date()
            if state == "casus_afgesloten":
                start = signal.sudo().casus_id.monitoring_until
            with self.subTest(state=state):
                self.assertEqual(signal.bewaartermijn_id, self.rules[state])
                self.assertEqual(
                    signal.date_destroy,
                    start + relativedelta(months=self.rules[state].months),
                )
        open_signal = self.new_signal()
        self.assertFalse(
            open_signal.date_destroy, "an open signal has no destruction date"
        )
        # a rule change moves every signal under it, set-based
        self.rules["riec"].with_user(self.users["beheerder"]).months = 6
        self.assertEqual(
            signals["riec"].date_destroy,
            signals["riec"].date_end.date() + relativedelta(months=6),
        )
        # monitoring extended: counted from its new end
        casus = signals["casus_afgesloten"].sudo().casus_id
        casus.monitoring_until = fields.Date.today() + timedelta(days=90)
        self.assertEqual(
            signals["casus_afgesloten"].date_destroy,
            casus.monitoring_until + relativedelta(months=60),
        )
        # no active rule, no destruction
        self.rules["afdeling"].with_user(self.users["beheerder"]).active = False
        self.assertFalse(signals["afdeling"].date_destroy)
        self.rules["afdeling"].with_user(self.users["beheerder"]).active = True
        self.assertTrue(signals["afdeling"].date_destroy)

    # -- destruction on the right day -------------------------------------------
    def test_each_rule_destroys_on_its_day_and_nothing_else(self):
        self.rules["doorverwezen"].months = 6
        self.rules["riec"].months = 18
        signals = {state: self.end_signal(state) for state in self.rules}
        casus = signals["casus_afgesloten"].casus_id
        casus_name = casus.name
        open_signal = self.new_signal()
        names = {state: signal.name for state, signal in signals.items()}
        by_day = sorted(signals.items(), key=lambda item: item[1].date_destroy)
        self.assertEqual(len({s.date_destroy for s in signals.values()}), 5)
        remaining = set(signals)
        for state, signal in by_day:
            with self.subTest(state=state):
                with freeze_time(signal.date_destroy - timedelta(days=1)):
                    self.assertEqual(self.purge()[0], 0, "a day before: nothing")
                self.assertEqual(
                    {s for s in remaining if self.alive(signals[s])}, remaining
                )
                with freeze_time(signal.date_destroy):
                    destroyed, failed = self.purge()
                self.assertEqual((destroyed, failed), (1, []))
                remaining.discard(state)
                self.assertFalse(self.alive(signal))
                self.assertEqual(
                    {s for s in remaining if self.alive(signals[s])}, remaining
                )
                log = self.logs(names[state])
                self.assertEqual(len(log), 1)
                self.assertEqual(
                    (log.end_state, log.rule_months, log.bewaartermijn_id),
                    (state, self.rules[state].months, self.rules[state]),
                )
        self.assertTrue(self.alive(open_signal), "an open signal is never destroyed")
        # the casus went with its last signal, with its own log line
        self.assertFalse(self.alive(casus))
        casus_log = self.logs(casus_name)
        self.assertEqual(
            (casus_log.record_kind, casus_log.end_state), ("casus", "casus_afgesloten")
        )
        self.assertFalse(
            self.env["ondermijning.interventie"]
            .sudo()
            .search([("casus_id", "=", casus.id)])
        )
        traces = (
            self.env["ondermijning.signaal.spoor"]
            .sudo()
            .search([("company_id", "=", self.gemeente.id)])
        )
        self.assertEqual(sorted(traces.mapped("end_state")), sorted(signals))

    def test_legal_hold_and_open_casus_block_destruction(self):
        held = self.end_signal("doorverwezen")
        with self.assertRaises(AccessError):
            held.with_user(self.users["medewerker"]).action_legal_hold()
        wizard = (
            self.env["ondermijning.legal.hold.wizard"]
            .with_user(self.users["privacy"])
            .create(
                {
                    "signaal_ids": [Command.set(held.ids)],
                    "reason": "WOO-verzoek 2026-17",
                }
            )
        )
        wizard.action_confirm()
        self.assertTrue(held.legal_hold)
        self.assertEqual(held.legal_hold_user_id, self.users["privacy"])
        self.assertEqual(held.sudo().legal_hold_reason, "WOO-verzoek 2026-17")
        note = held.sudo().message_ids[:1]
        self.assertIn("Legal hold placed", note.body)
        self.assertNotIn("WOO", note.body, "the chatter says who and when, not why")
        # part of a casus that is still open
        in_casus = self.new_signal()
        casus = self.through_stap3(in_casus)
        in_casus.sudo()._end("riec", "Overgedragen")
        self.assertTrue(in_casus.date_destroy)
        self.assertEqual(casus.state, "privacycheck")
        with freeze_time(fields.Date.today() + relativedelta(years=3)):
            self.assertEqual(self.purge(), (0, []))
        self.assertTrue(self.alive(held | in_casus) == held | in_casus)
        held.with_user(self.users["privacy"]).action_release_legal_hold()
        self.assertFalse(held.legal_hold)
        with freeze_time(fields.Date.today() + relativedelta(years=3)):
            self.assertEqual(self.purge(), (1, []))
        self.assertFalse(self.alive(held))
        self.assertTrue(self.alive(in_casus))

    def test_approval_mode_waits_for_the_privacyfunctionaris(self):
        self.rules["riec"].requires_approval = True
        signal = self.end_signal("riec")
        other = self.end_signal("doorverwezen")
        day, name = signal.date_destroy, signal.name
        Lijst = self.env["ondermijning.vernietigingslijst"]
        with freeze_time(day):
            self.assertEqual(
                self.purge(), (1, []), "only the rule without approval destroys"
            )
            self.assertFalse(self.alive(other))
            self.assertTrue(self.alive(signal))
            lijst = Lijst.sudo().search([("company_id", "=", self.gemeente.id)])
            self.assertEqual(len(lijst), 1)
            self.assertEqual(
                (lijst.state, lijst.line_ids.reference), ("proposed", name)
            )
            self.assertEqual(lijst.activity_ids.user_id, self.users["privacy"])
            self.assertEqual(self.purge(), (0, []))
            self.assertEqual(
                len(Lijst.sudo().search([("company_id", "=", self.gemeente.id)])),
                1,
                "proposed once",
            )
            with self.assertRaises(AccessError):
                lijst.with_user(self.users["medewerker"]).action_approve()
            lijst.with_user(self.users["privacy"]).action_approve()
            self.assertEqual(lijst.approved_by_id, self.users["privacy"])
            self.assertEqual(self.purge(), (1, []))
        self.assertFalse(self.alive(signal))
        self.assertEqual(lijst.state, "done")
        self.assertEqual(lijst.line_ids.state, "destroyed")
        self.assertFalse(lijst.line_ids.signaal_id)
        log = self.logs(name)
        self.assertEqual(
            (log.vernietigingslijst_id, log.rule_requires_approval), (lijst, True)
        )

    # -- what destruction leaves -----------------------------------------------
    def test_destruction_is_complete_and_leaves_a_trace_and_a_log_line(self):
        melder = self.users["melder"]
        melding = (
            self.env["ondermijning.melding"]
            .with_user(melder)
            .create(
                {
                    "categorie_id": self.categorie.id,
                    "place": "Industrieweg 12",
                    "description": "Veel contant geld",
                }
            )
        )
        signal = melding.sudo().signaal_id.with_user(self.users["medewerker"])
        signal.write(
            {
                "user_id": self.users["medewerker"].id,
                "subject_ids": [
                    Command.create({"kind": "persoon", "name": "Pietje Puk"})
                ],
            }
        )
        self.weeg(signal, "w1", "geen_ondermijning", indicator_ids=[])
        self.env.flush_all()
        self.cr.precommit.run()
        signal.with_context(tracking_disable=False).sudo().user_id = self.users["team"]
        # a note with a document, uploaded the way the form does it (before
        # the note is saved)
        note_document = (
            self.env["ir.attachment"]
            .with_user(self.users["medewerker"])
            .create(
                {
                    "name": "notitie.txt",
                    "raw": b"bijlage bij de notitie",
                    "res_model": "ondermijning.notitie",
                    "res_id": 0,
                }
            )
        )
        note = (
            self.env["ondermijning.notitie"]
            .with_user(self.users["medewerker"])
            .create(
                {
                    "signaal_id": signal.id,
                    "body": "Interne notitie",
                    "attachment_ids": [Command.set(note_document.ids)],
                }
            )
        )
        self.assertEqual(note_document.sudo().res_id, note.id)
        message = signal.sudo().message_post(
            body="Gebeurtenis",
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.users["medewerker"])
            .create(
                {
                    "name": "pv.txt",
                    "raw": b"proces-verbaal",
                    "res_model": SIGNAAL,
                    "res_id": signal.id,
                }
            )
        )
        signal.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=self.users["medewerker"].id,
            summary="Nabellen",
        )
        signal.sudo().message_subscribe(partner_ids=self.users["team"].partner_id.ids)
        overleg = self.env["ondermijning.overleg"].create(
            {
                "company_id": self.gemeente.id,
                "signaal_ids": [Command.set(signal.ids)],
            }
        )
        self.env.flush_all()
        self.cr.precommit.run()
        sig = signal.sudo()
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    "|",
                    "&",
                    ("model", "=", SIGNAAL),
                    ("res_id", "=", sig.id),
                    "&",
                    ("model", "=", "ondermijning.melding"),
                    ("res_id", "=", melding.id),
                ]
            )
        )
        self.assertTrue(message in messages and len(messages) >= 3)
        tracking_ids = messages.tracking_value_ids.ids
        self.assertTrue(tracking_ids, "the test needs a tracking value")
        notification_ids = messages.notification_ids.ids
        self.assertTrue(notification_ids, "the melder was notified")
        path = attachment._full_path(attachment.sudo().store_fname)
        self.assertTrue(os.path.isfile(path))
        ids = {
            "signal": sig.id,
            "melding": melding.id,
            "subject": sig.subject_ids.id,
            "weging": sig.weging_ids.id,
        }
        reference, received, date_end = sig.name, sig.date_received, sig.date_end
        # a document and an external id on a record inside the signal
        self.env["ir.attachment"].create(
            {
                "name": "ontvangst.txt",
                "raw": b"ontvangstbevestiging",
                "res_model": "ondermijning.melding",
                "res_id": melding.id,
            }
        )
        self.env["ir.model.data"].create(
            {
                "module": "__test__",
                "name": "purged_subject",
                "model": "ondermijning.subject",
                "res_id": ids["subject"],
            }
        )
        # everything that exists only inside the signal, as the registry
        # says (the next model that hangs from a signal is in it)
        inside = destroy.doomed_records(self.env, SIGNAAL, [sig.id])
        for model, model_ids in (
            ("ondermijning.melding", [ids["melding"]]),
            ("ondermijning.subject", [ids["subject"]]),
            ("ondermijning.weging", [ids["weging"]]),
            ("ondermijning.notitie", [note.id]),
        ):
            self.assertTrue(set(model_ids) <= set(inside.get(model, ())), model)

        self.env.cr.execute("SELECT coalesce(max(id), 0) FROM bus_bus")
        last_bus_id = self.env.cr.fetchone()[0]
        with freeze_time(sig.date_destroy):
            self.assertEqual(self.purge(), (1, []))
            self.env.cr.precommit.run()  # the bus messages are written

        # the assignee's activity counter is told, as mail.activity.unlink does
        self.env.cr.execute(
            "SELECT message FROM bus_bus WHERE id > %s AND channel LIKE %s",
            [last_bus_id, f'%"res.partner",{self.users["medewerker"].partner_id.id}]'],
        )
        told = [json.loads(message)["payload"] for (message,) in self.env.cr.fetchall()]
        self.assertIn({"activity_deleted": True, "count_diff": -1}, told)
        for model, model_ids in inside.items():
            self.assertFalse(self.alive(self.env[model].browse(model_ids)), model)
            self.assertFalse(self.count_rows_referring_to(model, model_ids), model)

        self.assertFalse(self.count_rows_referring_to(SIGNAAL, [ids["signal"]]))
        self.assertFalse(
            self.count_rows_referring_to("ondermijning.melding", [ids["melding"]])
        )
        cr = self.env.cr
        for table, column, values in (
            ("mail_message", "id", messages.ids),
            ("mail_tracking_value", "id", tracking_ids),
            ("mail_notification", "id", notification_ids),
            ("mail_message_res_partner_rel", "mail_message_id", messages.ids),
            ("ir_attachment", "id", [attachment.id, note_document.id]),
            ("ondermijning_notitie", "id", [note.id]),
            ("ondermijning_melding", "id", [ids["melding"]]),
            ("ondermijning_subject", "id", [ids["subject"]]),
            ("ondermijning_weging", "id", [ids["weging"]]),
            (
                "ondermijning_overleg_ondermijning_signaal_rel",
                "ondermijning_signaal_id",
                [ids["signal"]],
            ),
            ("ondermijning_audit_log", "res_id", [ids["signal"]]),
        ):
            cr.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}" IN %s',  # noqa: S608
                [tuple(values)],
            )
            self.assertEqual(cr.fetchone()[0], 0, f"{table}.{column}")
        self.assertFalse(os.path.exists(path), "the file is gone from the filestore")
        self.assertTrue(overleg.exists())
        # the audit log keeps its lines, with the reference only
        audit = (
            self.env["ondermijning.audit.log"]
            .sudo()
            .search(
                [("reference", "=", reference), ("company_id", "=", self.gemeente.id)]
            )
        )
        self.assertTrue(audit)
        self.assertFalse(any(audit.mapped("res_id")))
        # what remains: a log line ...
        log = self.logs(reference)
        self.assertEqual(len(log), 1)
        self.assertEqual(
            (
                log.record_kind,
                log.company_id,
                log.end_state,
                log.bewaartermijn_id,
                log.rule_months,
                log.rule_seal,
                log.date_end,
                log.date_destroy,
            ),
            (
                "signaal",
                self.gemeente,
                "niet_in_behandeling",
                self.rules["niet_in_behandeling"],
                12,
                True,
                date_end.date(),
                date_end.date() + relativedelta(months=12),
            ),
        )
        self.assertEqual(
            log.date_destroyed.date(), date_end.date() + relativedelta(months=12)
        )
        # ... and an anonymous trace
        trace = (
            self.env["ondermijning.signaal.spoor"]
            .sudo()
            .search([("company_id", "=", self.gemeente.id)])
        )
        self.assertEqual(len(trace), 1)
        self.assertEqual(
            (
                trace.date_received,
                trace.categorie_id,
                trace.herkomst_id,
                trace.channel,
                trace.end_state,
                trace.stap_reached,
                trace.date_end,
                trace.is_mma,
            ),
            (
                received.date().replace(day=1),
                self.categorie,
                self.env.ref("ondermijning_signalen.herkomst_meldpunt"),
                "web",
                "niet_in_behandeling",
                stappenplan.INTAKE,
                date_end.date().replace(day=1),
                False,
            ),
        )
        self.assertAlmostEqual(
            trace.lead_total, (date_end - received).total_seconds() / 86400, 2
        )
        cr.execute(
            "SELECT lead_stap2 IS NULL, lead_stap3 IS NULL "
            "FROM ondermijning_signaal_spoor "
            "WHERE id = %s",
            [trace.id],
        )
        self.assertEqual(
            cr.fetchone(), (True, True), "no lead time for steps never reached"
        )

    def test_destruction_runs_no_unlink_the_models_it_reaches_would(self):
        """The purge deletes set-based (tools/destroy.py): no Python
        ``unlink`` override or ``@api.ondelete`` method of the records it
        reaches runs. Every one of them is known here with why that is
        right; a model or override added later fails this test until it is
        handled there."""
        known = {
            # what these do, destroy() does set-based
            "odoo.models": "deletes, with external ids, documents, defaults",
            "odoo.addons.mail.models.mail_thread": "messages, followers",
            "odoo.addons.mail.models.mail_activity_mixin": "activities",
            "odoo.addons.mail.models.mail_message": "documents of messages",
            "odoo.addons.mail.models.mail_activity": "the assignee's counter "
            "on the bus (notify_activity_owners)",
            "odoo.addons.mail.models.mail_followers": "nothing besides",
            "odoo.addons.base.models.ir_attachment": "files (collected)",
            "odoo.addons.base.models.ir_model": "external ids: nothing besides",
            # the audit line of a deletion: the destruction log is the record
            "odoo.addons.ondermijning_signalen.models.ondermijning_audit_mixin": "",
            # a permission check: the purge runs as superuser
            "odoo.addons.ondermijning_signalen.models.ondermijning_vrijgave": "",
        }
        registry = self.env.registry
        reached = set()
        todo = [SIGNAAL, "ondermijning.casus"]
        while todo:
            name = todo.pop()
            if name in reached:
                continue
            reached.add(name)
            todo += [
                child for child, _column in destroy.cascade_children(registry, name)
            ]
        reached |= {ref[0] for ref in destroy.reference_fields(registry)}
        self.assertTrue({"ondermijning.melding", "mail.message"} <= reached)
        for name in sorted(reached):
            model = registry[name]
            self.assertFalse(self.env[name]._ondelete_methods, f"{name}: @api.ondelete")
            modules = {
                cls.__module__ for cls in type(model).__mro__ if "unlink" in vars(cls)
            }
            self.assertFalse(modules - set(known), f"{name}: unlink of {modules}")

    def test_trace_and_log_access(self):
        signal = self.end_signal("doorverwezen")
        elsewhere = (
            self.env[SIGNAAL]
            .with_user(self.medewerker2)
            .create(
                {"categorie_id": self.categorie.id, "company_id": self.gemeente2.id}
            )
        )
        elsewhere.sudo()._end("doorverwezen", "Elders")
        name = signal.name
        with freeze_time(signal.date_destroy):
            self.assertEqual(self.purge()[0], 2)
        self.env.invalidate_all()
        Spoor = self.env["ondermijning.signaal.spoor"]
        self.assertEqual(
            Spoor.with_user(self.users["medewerker"]).search([]).company_id,
            self.gemeente,
        )
        # the analyst reads the trace only through the statistics, under
        # disclosure control (ondermijning_rapportage)
        for role in ("melder", "overleg", "afdeling", "beheerder", "analist"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                Spoor.with_user(self.users[role]).search([])
        Log = self.env["ondermijning.vernietiging"]
        self.users["privacy"].groups_id |= self.env.ref("base.group_allow_export")
        log = Log.with_user(self.users["privacy"]).search([])
        self.assertEqual(log.mapped("reference"), [name])
        exported = log.export_data(
            ["reference", "end_state", "rule_months", "date_destroyed"]
        )
        self.assertEqual(exported["datas"][0][0], name)
        for role in ("medewerker", "team", "analist", "beheerder"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                Log.with_user(self.users[role]).search([])

    # -- the engine ----------------------------------------------------------------
    def expired_batch(self, count=5):
        signals = self.env[SIGNAAL]
        for _i in range(count):
            signal = self.end_signal(
                "doorverwezen",
                subject_ids=[Command.create({"kind": "persoon", "name": "X"})],
            )
            signal.sudo().message_post(
                body="Notitie", message_type="comment", subtype_xmlid="mail.mt_note"
            )
            self.env["ir.attachment"].create(
                {
                    "name": "a.txt",
                    "raw": b"bijlage",
                    "res_model": SIGNAAL,
                    "res_id": signal.id,
                }
            )
            signals |= signal
        return signals.sudo().sorted("id")

    def assertWhole(self, signals):
        """Every record there with all it had, and nothing left behind of it."""
        for signal in signals:
            self.assertTrue(signal.exists())
            self.assertTrue(signal.subject_ids and signal.message_ids)
            self.assertEqual(
                self.env["ir.attachment"]
                .sudo()
                .search_count(
                    [("res_model", "=", SIGNAAL), ("res_id", "=", signal.id)]
                ),
                1,
            )
        self.assertFalse(self.logs(*signals.mapped("name")))

    def test_running_the_purge_twice_destroys_nothing_twice(self):
        signals = self.expired_batch(3)
        names = signals.mapped("name")
        with freeze_time(signals[0].date_destroy):
            self.assertEqual(self.purge(batch_size=2), (3, []))
            self.assertEqual(self.purge(batch_size=2), (0, []))
        self.assertEqual(len(self.logs(*names)), 3)
        self.assertEqual(
            self.env["ondermijning.signaal.spoor"]
            .sudo()
            .search_count([("company_id", "=", self.gemeente.id)]),
            3,
        )

    def test_a_failing_record_is_skipped_reported_and_retried(self):
        signals = self.expired_batch(5)
        bad, names = signals[2], signals.mapped("name")
        Signal = type(self.env[SIGNAAL])
        original = Signal._retention_destroy

        def failing(records, files):
            if bad.id in records.ids:
                raise ValueError("simulated failure")
            return original(records, files)

        with freeze_time(signals[0].date_destroy):
            with (
                patch.object(Signal, "_retention_destroy", failing),
                mute_logger(
                    "odoo.addons.ondermijning_signalen.models.ondermijning_bewaartermijn"
                ),
            ):
                destroyed, failed = self.purge(batch_size=4)
            self.assertEqual((destroyed, failed), (4, [bad.id]))
            self.assertFalse((signals - bad).exists())
            self.assertWhole(bad)
            self.assertEqual(
                self.purge(batch_size=4), (1, []), "the next run finishes the job"
            )
        self.assertFalse(bad.exists())
        self.assertEqual(len(self.logs(*names)), 5)

    def test_a_batch_failing_late_is_undone_whole_then_done_in_halves(self):
        """A batch that fails after its traces and log lines were written
        and its messages and documents deleted leaves nothing of that: its
        savepoint undoes it all; its halves are then tried down to the bad
        record, which stays whole."""
        signals = self.expired_batch(4)
        bad, names = signals[1], signals.mapped("name")
        gone_names = (signals - bad).mapped("name")
        Spoor = self.env["ondermijning.signaal.spoor"].sudo()
        traces = Spoor.search_count([])
        paths = [
            a._full_path(a.store_fname)
            for a in self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", SIGNAAL), ("res_id", "=", bad.id)])
        ]
        tried = []
        with freeze_time(signals[0].date_destroy):
            with (
                destroy_failing_for(bad.id, tried),
                mute_logger(
                    "odoo.addons.ondermijning_signalen.models.ondermijning_bewaartermijn"
                ),
            ):
                self.assertEqual(self.purge(batch_size=4), (3, [bad.id]))
        # the batch of 4, its first half, each of that half's records, the
        # second half
        self.assertEqual(tried, [4, 2, 1, 1, 2])
        self.env.invalidate_all()
        self.assertFalse(self.alive(signals - bad))
        self.assertWhole(bad)
        self.assertTrue(paths and all(os.path.isfile(p) for p in paths))
        self.assertEqual(Spoor.search_count([]), traces + 3)
        self.assertEqual(
            sorted(self.logs(*names).mapped("reference")), sorted(gone_names)
        )

    def test_batches_without_a_size_grow_while_they_are_quick(self):
        signals = self.expired_batch(7)
        Engine = type(self.Engine)
        original = Engine._lock_destroyable
        sizes = []

        def spy(engine, ids, today, replay=False):
            sizes.append(len(ids))
            return original(engine, ids, today, replay=replay)

        engine_module = sys.modules[Engine._destroy_in_batches.__module__]
        with (
            freeze_time(signals[0].date_destroy),
            patch.multiple(
                engine_module, BATCH_FIRST=1, BATCH_MIN=1, BATCH_SECONDS=3600
            ),
            patch.object(Engine, "_lock_destroyable", spy),
        ):
            self.assertEqual(self.purge(), (7, []))
        self.assertEqual(sizes, [1, 2, 4])
        self.assertFalse(self.alive(signals))

    def test_next_batch_size_aims_at_its_time_within_bounds(self):
        from ..models.ondermijning_bewaartermijn import (
            BATCH_MAX,
            BATCH_MIN,
            BATCH_SECONDS,
        )

        size = self.Engine._next_batch_size
        self.assertEqual(size(1000, BATCH_SECONDS), 1000)
        self.assertEqual(size(1000, BATCH_SECONDS / 1.25), 1250)
        self.assertEqual(size(1000, BATCH_SECONDS / 10), 2000, "at most twice")
        self.assertEqual(size(1000, BATCH_SECONDS * 10), 500, "at least half")
        self.assertEqual(size(BATCH_MAX, 0), BATCH_MAX)
        self.assertEqual(size(BATCH_MIN, BATCH_SECONDS * 10), BATCH_MIN)

    def test_a_killed_purge_leaves_whole_records_and_resumes(self):
        signals = self.expired_batch(5)
        names = signals.mapped("name")
        Signal = type(self.env[SIGNAAL])
        original = Signal._retention_destroy
        third = signals[2]

        def killed_at_third(records, files):
            if third.id in records.ids:
                raise Killed()
            return original(records, files)

        with freeze_time(signals[0].date_destroy):
            # not assertRaises: Odoo's rolls back to a savepoint, which would
            # also undo the batch that was "committed" before the kill
            try:
                with patch.object(Signal, "_retention_destroy", killed_at_third):
                    self.purge(batch_size=2)
            except Killed:
                killed = True
            else:
                killed = False
            self.assertTrue(killed, "the purge should have been killed")
            self.env.invalidate_all()
            # the first batch went completely; the batch in flight not at all
            self.assertFalse(signals[:2].exists())
            self.assertEqual(len(self.logs(*names[:2])), 2)
            self.assertWhole(signals[2:])
            # a run with a limit does part of what is left, the next one the rest
            self.assertEqual(self.purge(batch_size=2, limit=2), (2, []))
            self.assertEqual(self.purge(batch_size=2), (1, []))
        self.assertFalse(signals.exists())
        self.assertEqual(len(self.logs(*names)), 5)
        self.assertEqual(
            self.env["ondermijning.signaal.spoor"]
            .sudo()
            .search_count([("company_id", "=", self.gemeente.id)]),
            5,
        )

    def test_files_of_a_purge_killed_after_its_commit_go_on_the_next_run(self):
        signals = self.expired_batch(2)
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", SIGNAAL), ("res_id", "in", signals.ids)])
        )
        paths = [a._full_path(a.store_fname) for a in attachments]
        self.assertTrue(paths and all(os.path.isfile(p) for p in paths))
        fnames = tuple(attachments.mapped("store_fname"))

        def queued():
            self.cr.execute(
                "SELECT count(*) FROM ondermijning_purged_file WHERE store_fname IN %s",
                [fnames],
            )
            return self.cr.fetchone()[0]

        with freeze_time(signals[0].date_destroy):
            # killed between the commit of the batch and the removal
            with patch.object(PurgedFileRemover, "submit", lambda *a: None):
                self.assertEqual(self.purge(), (2, []))
            self.assertFalse(self.alive(signals))
            self.assertTrue(all(os.path.isfile(p) for p in paths))
            self.assertEqual(queued(), len(paths), "the files are queued")
            self.assertEqual(self.purge(), (0, []), "nothing destroyed twice")
        self.assertFalse(any(os.path.exists(p) for p in paths))
        self.assertEqual(queued(), 0)

    def test_cron_record_runs_the_engine(self):
        signal = self.end_signal("doorverwezen")
        cron = self.env.ref("ondermijning_signalen.ir_cron_retention_purge")
        with freeze_time(signal.date_destroy):
            cron.method_direct_trigger()
        self.assertFalse(self.alive(signal))

    # -- the seal ---------------------------------------------------------------------
    def test_sealed_signal_only_for_the_privacyfunctionaris_with_a_reason(self):
        signal = self.end_signal(
            "niet_in_behandeling",
            afdeling_id=self.afdeling.id,
            subject_ids=[Command.create({"kind": "persoon", "name": "Pietje Puk"})],
        )
        self.env["ondermijning.overleg"].create(
            {
                "company_id": self.gemeente.id,
                "user_ids": [Command.set(self.users["overleg"].ids)],
                "signaal_ids": [Command.set(signal.ids)],
            }
        )
        attachment = self.env["ir.attachment"].create(
            {
                "name": "a.txt",
                "raw": b"geheim",
                "res_model": SIGNAAL,
                "res_id": signal.id,
            }
        )
        signal.message_post(
            body="Gebeurtenis",
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
        Signal = self.env[SIGNAAL]
        self.assertFalse(signal.is_sealed, "sealed by the nightly run, not at once")
        self.assertTrue(
            Signal.with_user(self.users["medewerker"]).search([("id", "=", signal.id)])
        )
        tomorrow = fields.Datetime.now() + timedelta(days=1)
        with freeze_time(tomorrow):
            self.assertEqual(self.purge(), (0, []))
            self.assertTrue(signal.is_sealed)
            for role in ("medewerker", "team", "overleg", "afdeling"):
                with self.subTest(role=role):
                    self.env.invalidate_all()
                    as_role = Signal.with_user(self.users[role])
                    self.assertFalse(as_role.search([("id", "=", signal.id)]))
                    with self.assertRaises(AccessError):
                        signal.with_user(self.users[role]).read(["name"])
            self.env.invalidate_all()
            self.assertFalse(
                self.env["ondermijning.subject"]
                .with_user(self.users["medewerker"])
                .search([("id", "in", signal.subject_ids.ids)])
            )
            # the privacyfunctionaris sees that it exists, not what it holds
            privacy = self.users["privacy"]
            as_privacy = signal.with_user(privacy)
            self.env.invalidate_all()
            self.assertEqual(
                Signal.with_user(privacy).search([("is_sealed", "=", True)]), signal
            )
            self.assertEqual(
                as_privacy.read(["name", "end_state"])[0]["name"], signal.name
            )
            # reading gives the free fields, every other field empty
            reads = {
                "read": lambda: as_privacy.read(["description", "name"]),
                "web_read": lambda: as_privacy.web_read(
                    {"description": {}, "name": {}}
                ),
                "search_read": lambda: Signal.with_user(privacy).search_read(
                    [("id", "=", signal.id)], ["description", "name"]
                ),
            }
            for name, attempt in reads.items():
                self.env.invalidate_all()
                with self.subTest(read=name):
                    [values] = attempt()
                    self.assertEqual(values["name"], signal.name)
                    self.assertFalse(values["description"])
            attempts = {
                "export": (
                    AccessError,
                    lambda: as_privacy.export_data(["subject_ids/name"]),
                ),
                "document": (
                    AccessError,
                    lambda: attachment.with_user(privacy).read(["raw"]),
                ),
                "post": (UserError, lambda: as_privacy.message_post(body="x")),
            }
            for name, (error, attempt) in attempts.items():
                self.env.invalidate_all()
                with self.subTest(attempt=name), self.assertRaises(error):
                    attempt()
            for model, domain in (
                ("ondermijning.subject", [("id", "in", signal.subject_ids.ids)]),
                ("mail.message", [("model", "=", SIGNAAL), ("res_id", "=", signal.id)]),
                (
                    "ir.attachment",
                    [("res_model", "=", SIGNAAL), ("res_id", "=", signal.id)],
                ),
            ):
                self.env.invalidate_all()
                self.assertFalse(
                    self.env[model].with_user(privacy).search(domain), model
                )
            with self.assertRaises(AccessError):
                signal.with_user(self.users["medewerker"]).action_unseal()
            # stating a reason opens it, and is logged
            action = as_privacy.action_unseal()
            wizard = (
                self.env[action["res_model"]]
                .with_user(privacy)
                .with_context(**action["context"])
                .create({"reason": "Inzageverzoek betrokkene, kenmerk 12"})
            )
            result = wizard.action_confirm()
            self.assertEqual(
                (result["res_model"], result["res_id"]), (SIGNAAL, signal.id)
            )
            log = (
                self.env["ondermijning.audit.log"]
                .sudo()
                .search([("action", "=", "unseal"), ("res_id", "=", signal.id)])
            )
            self.assertEqual(log.user_id, privacy)
            self.assertEqual(log.reason, "Inzageverzoek betrokkene, kenmerk 12")
            self.env.flush_all()
            self.env.cr.execute(
                "SELECT reason FROM ondermijning_audit_log WHERE id = %s", [log.id]
            )
            self.assertTrue(
                self.env.cr.fetchone()[0].startswith("ond1:"), "the reason is encrypted"
            )
            self.env.invalidate_all()
            self.assertIn("Hennep", as_privacy.read(["description"])[0]["description"])
            self.assertEqual(
                as_privacy.web_read({"subject_ids": {"fields": {"name": {}}}})[0][
                    "subject_ids"
                ][0]["name"],
                "Pietje Puk",
            )
            self.assertEqual(attachment.with_user(privacy).raw, b"geheim")
            # opened to that user only
            self.env.invalidate_all()
            with self.assertRaises(AccessError):
                signal.with_user(self.users["medewerker"]).read(["description"])
        with freeze_time(tomorrow + timedelta(hours=2)):
            self.env.invalidate_all()
            self.assertFalse(as_privacy.read(["description"])[0]["description"])
            with self.assertRaises(AccessError):
                attachment.with_user(privacy).read(["raw"])

    def test_owner_is_reminded_once_before_destruction(self):
        self.gemeente.ondermijning_retention_reminder_days = 30
        signal = self.end_signal("doorverwezen")
        activity_type = self.env.ref(
            "ondermijning_signalen.mail_activity_type_retention"
        )

        def reminders():
            return signal.sudo().activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            )

        with freeze_time(signal.date_destroy - timedelta(days=31)):
            self.Engine._cron_remind()
            self.assertFalse(reminders())
        with freeze_time(signal.date_destroy - timedelta(days=30)):
            self.Engine._cron_remind()
            self.assertEqual(len(reminders()), 1)
            self.assertEqual(reminders().user_id, self.users["medewerker"])
            self.assertEqual(reminders().date_deadline, signal.date_destroy)
            self.assertNotIn(
                "Hennep", (reminders().summary or "") + (reminders().note or "")
            )
        with freeze_time(signal.date_destroy - timedelta(days=29)):
            self.Engine._cron_remind()
            self.assertEqual(len(reminders()), 1, "once")
