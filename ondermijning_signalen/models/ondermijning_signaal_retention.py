"""Retention on the signal: when it will be destroyed, legal hold, the seal,
and the destruction itself. The engine that decides *what* to destroy lives
in ondermijning_bewaartermijn.py."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools.crypto import EncryptedChar, EncryptedText

PRIVACY_GROUP = "ondermijning_signalen.group_privacy"
UNSEAL_WINDOW = timedelta(hours=1)
# What may be seen of a sealed signal without stating a reason is decided by
# the fields' own groups: case content is what the model reserves for the
# case roles (and whatever is encrypted). These are not content.
SEAL_FREE_FIELDS = {"user_id", "handler_display"}
SEAL_CONTENT_FIELDS = {
    "melder_user_id",
    "message_ids",
    "website_message_ids",
    "message_follower_ids",
    "message_partner_ids",
    "legal_hold_reason",
}


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
    is_sealed = fields.Boolean(
        string="Sealed",
        readonly=True,
        copy=False,
        default=False,
        help="Hidden from everyone but the privacyfunctionaris, who must state a "
        "reason to open it, until it is destroyed.",
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
    unseal_open = fields.Boolean(
        string="Opened by me",
        compute="_compute_unseal_open",
        search="_search_unseal_open",
        help="You stated a reason to open this sealed signal within the last hour.",
    )

    def init(self):
        result = super().init()
        # the privacyfunctionaris' list of sealed signals: a small part
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS ondermijning_signaal_sealed_idx "
            "ON ondermijning_signaal (id) WHERE is_sealed"
        )
        return result

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
    # The seal
    # ------------------------------------------------------------------
    def action_unseal(self):
        """Button: state a reason to open a sealed signal."""
        self._check_privacy()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Open a sealed signal"),
            "res_model": "ondermijning.unseal.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_signaal_id": self[:1].id},
        }

    def _unseal(self, reason):
        """Log who opens which sealed signal and why; that opens it to them
        for an hour."""
        self.ensure_one()
        self._check_privacy()
        if not (reason or "").strip():
            raise UserError(
                self.env._("State the reason for opening the sealed signal.")
            )
        signal = self.sudo()
        if not signal.is_sealed:
            raise UserError(self.env._("%s is not sealed.", signal.name))
        if signal.company_id not in self.env.user.company_ids:
            raise AccessError(self.env._("This signal belongs to another gemeente."))
        self.env["ondermijning.audit.log"]._log_unseal(signal, reason)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.model
    def _unsealed_ids(self, ids=None):
        """Ids of sealed signals the current user opened with a reason within
        the window."""
        query = SQL(
            """
            SELECT DISTINCT res_id FROM ondermijning_audit_log
             WHERE action = 'unseal' AND res_model = %(model)s
               AND user_id = %(uid)s AND date >= %(since)s
            """,
            model=self._name,
            uid=self.env.uid,
            since=fields.Datetime.now() - UNSEAL_WINDOW,
        )
        if ids is not None:
            query = SQL("%s AND res_id IN %s", query, tuple(ids) or (0,))
        self.env["ondermijning.audit.log"].flush_model()
        self.env.cr.execute(query)
        return {row[0] for row in self.env.cr.fetchall()}

    @api.depends_context("uid")
    def _compute_unseal_open(self):
        opened = self._unsealed_ids([i for i in self.ids if isinstance(i, int)])
        for signal in self:
            signal.unseal_open = signal.id in opened

    def _search_unseal_open(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search."))
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", list(self._unsealed_ids()))]

    def _sealed_closed(self):
        """The sealed signals among ``self`` the current user has not opened
        with a reason (empty for the superuser and the engine)."""
        ids = [i for i in self._ids if isinstance(i, int)]
        if self.env.su or not ids:
            return self.browse()
        sealed = self.sudo().browse(ids).filtered("is_sealed")
        if not sealed:
            return self.browse()
        opened = self._unsealed_ids(sealed.ids)
        return self.browse([i for i in sealed.ids if i not in opened])

    def _seal_error(self, closed):
        return AccessError(
            self.env._(
                "%(signals)s is sealed. The privacyfunctionaris can open it after "
                "stating a reason (Open sealed signal).",
                signals=", ".join(closed.sudo().mapped("name")),
            )
        )

    @api.model
    def _seal_content_fields(self):
        names = set(SEAL_CONTENT_FIELDS)
        for name, field in self._fields.items():
            if name in SEAL_FREE_FIELDS:
                continue
            if getattr(field, "encrypted", False) or (
                field.groups
                and "ondermijning_signalen.group_medewerker" in field.groups
            ):
                names.add(name)
        return names

    def _check_sealed_content(self, field_names):
        names = {name.split("/", 1)[0].split(".", 1)[0] for name in field_names or ()}
        if field_names and not names & self._seal_content_fields():
            return
        closed = self._sealed_closed()
        if closed:
            raise self._seal_error(closed)

    def _check_access(self, operation):
        """Documents, messages and changes of a sealed signal are closed
        until it was opened with a reason."""
        result = super()._check_access(operation)
        if result or operation not in ("read", "write", "unlink"):
            return result
        closed = self._sealed_closed()
        if closed:
            return closed, lambda: self._seal_error(closed)
        return None

    def _read_format(self, fnames, load="_classic_read"):
        # read(), search_read() and web_read() all end here
        self._check_sealed_content(fnames)
        return super()._read_format(fnames, load=load)

    def export_data(self, fields_to_export):
        self._check_sealed_content(fields_to_export)
        return super().export_data(fields_to_export)

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

        The ORM unlink does the clean-up of everything linked by model and
        id (messages with their tracking values and notifications, followers,
        activities, documents); the receipts of the melders go first, through
        the ORM too, so that their messages go with them."""
        signals = (
            self.sudo()
            .with_context(
                ondermijning_no_audit=True,
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
        casussen = signals.casus_id
        Vernietiging = self.env["ondermijning.vernietiging"]
        self.env["ondermijning.signaal.spoor"]._create_for_signals(ids)
        Vernietiging._create_for_signals(ids)
        self.env["ondermijning.vernietigingslijst.regel"]._mark_destroyed(ids)
        env = signals.env
        env["ondermijning.melding"].search([("signaal_id", "in", ids)]).unlink()
        env["ondermijning.weging"].search([("signaal_id", "in", ids)]).unlink()
        env["ondermijning.bronraadpleging"].search([("signaal_id", "in", ids)]).unlink()
        env["ondermijning.subject"].search([("signaal_id", "in", ids)]).unlink()
        env["ondermijning.audit.log"]._forget_records(self._name, ids)
        signals._retention_destroy_messages()
        signals.unlink()
        casussen.with_env(env)._retention_destroy_when_empty(files)
        return signals

    def _retention_destroy_messages(self):
        """The chatter of a batch in one go, before the signals (as the
        thread's unlink would). ``mail.message.unlink`` itself is passed by:
        per message it works out whom to tell on the bus that it was
        deleted (a tenth of the purge); nobody is told about destroyed
        signals. What it does besides is done here: the documents that hang
        from the messages themselves go with them; their tracking values,
        notifications and other links go by their foreign keys."""
        env = self.env
        messages = env["mail.message"].search(
            [("model", "=", self._name), ("res_id", "in", self.ids)]
        )
        if not messages:
            return messages
        env["ir.attachment"].search(
            [("res_model", "=", "mail.message"), ("res_id", "in", messages.ids)]
        ).unlink()
        models.Model.unlink(messages)
        return messages


class OndermijningCasus(models.Model):
    _inherit = "ondermijning.casus"

    def _retention_destroy_when_empty(self, files):
        """A closed casus goes when its last signal went."""
        env = self.env
        empty = self.exists().filtered(
            lambda casus: (
                casus.state == "afgesloten"
                and not env["ondermijning.signaal"].search_count(
                    [("casus_id", "=", casus.id)]
                )
            )
        )
        if not empty:
            return empty
        ids = tuple(empty.ids)
        env["ondermijning.vernietiging"]._create_for_casussen(ids)
        env["ondermijning.interventie"].search([("casus_id", "in", ids)]).unlink()
        env["ondermijning.weging"].search([("casus_id", "in", ids)]).unlink()
        env["ondermijning.audit.log"]._forget_records(self._name, ids)
        empty.unlink()
        return empty


class OndermijningAuditLog(models.Model):
    """Opening a sealed signal is logged with the reason (encrypted: it may
    name a request or a person). Destroyed records keep their log lines,
    reduced to the reference."""

    _name = "ondermijning.audit.log"
    _inherit = ["ondermijning.audit.log", "ondermijning.encryption.mixin"]

    reason = EncryptedText(readonly=True, help="Why a sealed record was opened.")

    @api.model
    def _log_unseal(self, record, reason):
        return self.sudo().create(
            {
                "user_id": self.env.uid,
                "action": "unseal",
                "res_model": record._name,
                "res_id": record.id,
                "reference": record.sudo().display_name,
                "company_id": record.sudo().company_id.id,
                "reason": reason,
            }
        )

    @api.model
    def _forget_records(self, model_name, ids):
        """The record is gone: its lines keep the reference, not the id."""
        if not ids:
            return
        self.flush_model()
        self.env.cr.execute(
            "UPDATE ondermijning_audit_log SET res_id = NULL "
            "WHERE res_model = %s AND res_id IN %s",
            [model_name, tuple(ids)],
        )
        self.invalidate_model(["res_id"])
