# pylint: disable=consider-merging-classes-inherited
"""Retention on the signal: when it will be destroyed, legal hold,
reminders, and the destruction itself. The engine that decides *what* to
destroy lives in ondermijning_bewaartermijn.py; the seal, which is access
control, in ondermijning_signaal_access.py. The signal is split by
concern into files named after it, hence the pylint note below."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .. import stappenplan
from ..tools import destroy
from ..tools.crypto import EncryptedChar
from .ondermijning_audit_log import silenced

PRIVACY_GROUP = "ondermijning_signalen.group_privacy"


class OndermijningSignaal(models.Model):
    _inherit = "ondermijning.signaal"

    bewaartermijn_id = fields.Many2one(
        "ondermijning.bewaartermijn",
        string="Retention period",
        readonly=True,
        copy=False,
        compute="_compute_retention",
        store=True,
        ondelete="set null",
    )
    date_destroy = fields.Date(
        string="To be destroyed on",
        readonly=True,
        copy=False,
        index="btree_not_null",
        compute="_compute_retention",
        store=True,
        help="The day the scheduled purge destroys this signal, from its end state "
        "and the gemeente's retention period. A legal hold or an open casus keeps it.",
    )
    legal_hold = fields.Boolean(
        readonly=True,
        copy=False,
        help="Never destroyed while the hold lasts.",
    )
    legal_hold_reason = EncryptedChar(
        readonly=True,
        copy=False,
        groups="ondermijning_signalen.group_medewerker",
    )
    legal_hold_user_id = fields.Many2one(
        "res.users",
        string="Legal hold by",
        readonly=True,
        copy=False,
    )
    legal_hold_date = fields.Datetime(
        string="Legal hold since", readonly=True, copy=False
    )
    retention_reminded_for = fields.Date(
        readonly=True,
        copy=False,
        help="The destruction date the owner was last reminded of.",
    )

    # ------------------------------------------------------------------
    # Destruction date
    # ------------------------------------------------------------------
    @api.depends("end_state", "date_end", "company_id", "casus_id.monitoring_until")
    def _compute_retention(self):
        """Rule and date for the signals that just changed; a change of the
        rules themselves goes through the set-based ``_sync_signals``, which
        uses the same formula."""
        ended = self.filtered(lambda s: s.end_state and s.company_id)
        rules = (
            self.env["ondermijning.bewaartermijn"]
            .sudo()
            .search(
                [
                    ("company_id", "in", ended.company_id.ids),
                    ("end_state", "in", list(set(ended.mapped("end_state")))),
                ]
            )
            if ended
            else self.env["ondermijning.bewaartermijn"]
        )
        by_key = {(rule.company_id.id, rule.end_state): rule for rule in rules}
        for signal in self:
            rule = (
                by_key.get((signal.company_id.id, signal.end_state))
                if signal.end_state
                else None
            )
            signal.bewaartermijn_id = rule
            signal.date_destroy = signal._retention_date(rule)

    def _retention_date(self, rule):
        self.ensure_one()
        if not rule or not self.date_end:
            return False
        start = self.date_end.date()
        if (
            self.end_state == "casus_afgesloten"
            and self.sudo().casus_id.monitoring_until
        ):
            start = self.sudo().casus_id.monitoring_until
        return start + relativedelta(months=rule.months)

    # ------------------------------------------------------------------
    # Legal hold
    # ------------------------------------------------------------------
    def _check_privacy(self):
        if not self.env.su and not self.env.user.has_group(PRIVACY_GROUP):
            raise AccessError(self.env._("Only the privacyfunctionaris can do this."))

    def action_legal_hold(self):
        """Button: ask the reason for a hold."""
        self._check_privacy()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Legal hold"),
            "res_model": "ondermijning.legal.hold.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_signaal_ids": [fields.Command.set(self.ids)]},
        }

    def _place_legal_hold(self, reason):
        self._check_privacy()
        if not (reason or "").strip():
            raise UserError(self.env._("State the reason for the legal hold."))
        user = self.env.user
        for signal in self.sudo():
            signal.write(
                {
                    "legal_hold": True,
                    "legal_hold_reason": reason,
                    "legal_hold_user_id": user.id,
                    "legal_hold_date": fields.Datetime.now(),
                }
            )
            # the chatter says who and when, never why
            signal.message_post(
                body=self.env._(
                    "Legal hold placed by %s: this signal is not destroyed "
                    "until the hold is released.",
                    user.name,
                ),
                message_type="notification",
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_release_legal_hold(self):
        self._check_privacy()
        user = self.env.user
        for signal in self.sudo().filtered("legal_hold"):
            signal.write(
                {
                    "legal_hold": False,
                    "legal_hold_reason": False,
                    "legal_hold_user_id": False,
                    "legal_hold_date": False,
                }
            )
            signal.message_post(
                body=self.env._("Legal hold released by %s.", user.name),
                message_type="notification",
                subtype_xmlid="mail.mt_note",
            )
        return True

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------
    def _retention_remind(self):
        for signal in self.sudo():
            signal.activity_schedule(
                "ondermijning_signalen.mail_activity_type_retention",
                date_deadline=signal.date_destroy,
                user_id=signal.user_id.id,
            )
            signal.retention_reminded_for = signal.date_destroy

    # ------------------------------------------------------------------
    # Destruction
    # ------------------------------------------------------------------
    def _retention_destroy(self, files):
        """Destroy these signals completely, leaving an anonymous trace and a
        log line each, in the current transaction. ``files`` receives the
        names of the filestore files to remove once this is committed.

        The signals go with everything that exists only inside them (the
        melders' receipts, subjects, wegingen, consultations, notes, and
        their chatter, followers, activities and documents) set-based
        (``tools/destroy.py``); a closed casus goes with its last signal."""
        signals = (
            self.sudo()
            .with_context(
                tracking_disable=True,
                mail_notrack=True,
                ondermijning_purged_files=files,
                active_test=False,
            )
            .exists()
        )
        if not signals:
            return signals
        ids = tuple(signals.ids)
        # not ``signals.casus_id``, which reads every column of the batch
        self.env.cr.execute(
            "SELECT DISTINCT casus_id FROM ondermijning_signaal "
            "WHERE id IN %s AND casus_id IS NOT NULL",
            [ids],
        )
        casussen = self.env["ondermijning.casus"].browse(
            row[0] for row in self.env.cr.fetchall()
        )
        Vernietiging = self.env["ondermijning.vernietiging"]
        self.env["ondermijning.signaal.spoor"]._create_for_signals(ids)
        self.env["ondermijning.campagne.spoor"]._create_for_signals(ids)
        Vernietiging._create_for_signals(ids)
        self.env["ondermijning.vernietigingslijst.regel"]._mark_destroyed(ids)
        env = signals.env
        with silenced():  # the destruction log is the record of this
            destroy.destroy(env, self._name, ids, files)
            casussen.with_env(env)._retention_destroy_when_empty(files)
        return signals


class OndermijningCasus(models.Model):
    _inherit = "ondermijning.casus"

    def _retention_destroy_when_empty(self, files):
        """A closed casus goes when its last signal went."""
        env = self.env
        empty = self.exists().filtered(
            lambda casus: (
                casus.state == stappenplan.CASUS_CLOSED
                and not env["ondermijning.signaal"].search_count(
                    [("casus_id", "=", casus.id)]
                )
            )
        )
        if not empty:
            return empty
        ids = tuple(empty.ids)
        env["ondermijning.vernietiging"]._create_for_casussen(ids)
        interventions = env["ondermijning.interventie"].search(
            [("casus_id", "in", ids)]
        )
        env["ondermijning.interventie.spoor"]._create_for_interventions(
            interventions.ids
        )
        destroy.destroy(env, self._name, ids, files)
        return empty
