import contextlib
import contextvars

import psycopg2.errors

from odoo import api, fields, models
from odoo.http import request
from odoo.tools import SQL

from ..tools.crypto import EncryptedText

AUDIT_ACTIONS = [
    ("read", "Read"),
    ("create", "Created"),
    ("write", "Changed"),
    ("unlink", "Deleted"),
    ("export", "Exported"),
    ("download", "Downloaded a document"),
    ("print", "Printed"),
    ("unseal", "Opened sealed record"),
]
AUDIT_RESULTS = [
    ("ok", "Shown"),
    ("withheld", "Sealed content withheld"),
]
# How many references a line shows in the list; all are kept in `references`.
SHOWN_REFERENCES = 3
# Set by server code that records its own trace (the retention purge writes
# a destruction log): a context variable, which no client can set.
_SILENCED = contextvars.ContextVar("ondermijning_audit_silenced", default=False)


@contextlib.contextmanager
def silenced():
    """Server-side only: the changes made inside are not audit-logged
    (the caller logs them its own way)."""
    token = _SILENCED.set(True)
    try:
        yield
    finally:
        _SILENCED.reset(token)


class OndermijningAuditLog(models.Model):
    """Who read, changed, exported or printed which case record, when,
    through which door and with what result (BIO 8.15: actie, object,
    resultaat, oorsprong, actor, tijdstempel). A line names records and
    fields, never their content. One server call gives one line per kind of
    record and gemeente, however many records it covered (an export of
    10^5 signals is one line). Read by the privacyfunctionaris of the
    gemeente; nobody edits it."""

    _name = "ondermijning.audit.log"
    _inherit = ["ondermijning.encryption.mixin"]
    _description = "Audit log"
    _order = "id desc"
    _log_access = False
    _rec_name = "reference"

    date = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    action = fields.Selection(AUDIT_ACTIONS, required=True, readonly=True)
    result = fields.Selection(AUDIT_RESULTS, required=True, readonly=True, default="ok")
    res_model = fields.Char(
        string="Technical model", required=True, readonly=True, index=True
    )
    model_label = fields.Char(
        string="Kind of record", compute="_compute_labels", search="_search_model_label"
    )
    res_id = fields.Integer(
        string="Record ID",
        readonly=True,
        index=True,
        help="Set when the line is about one record that still exists.",
    )
    record_count = fields.Integer(string="Records", readonly=True, default=1)
    reference = fields.Char(
        readonly=True, help="Reference(s) of the records, not their content."
    )
    references = fields.Text(
        string="All references",
        readonly=True,
        index="trigram",
        help="Every record the call covered.",
    )
    field_names = fields.Text(string="Technical field names", readonly=True)
    field_labels = fields.Char(string="Fields", compute="_compute_labels")
    origin = fields.Char(
        readonly=True,
        help="Where the call came from: the route or interface and the address "
        "of the official's computer, or the server itself.",
    )
    company_id = fields.Many2one(
        "res.company", string="Gemeente", readonly=True, index=True
    )
    reason = EncryptedText(readonly=True, help="Why a sealed record was opened.")

    @api.depends("res_model", "field_names")
    @api.depends_context("lang")
    def _compute_labels(self):
        """Model and field names as the privacyfunctionaris knows them."""
        for line in self:
            model = self.env.get(line.res_model)
            line.model_label = (
                self.env["ir.model"]._get(line.res_model).name
                if model is not None
                else line.res_model
            )
            labels = []
            for path in (line.field_names or "").split(","):
                if path:
                    labels.append(self._field_path_label(model, path))
            line.field_labels = ", ".join(labels)

    def _search_model_label(self, operator, value):
        """By the name of the kind of record, in the user's language."""
        if operator not in ("ilike", "=", "like", "=ilike"):
            return [("res_model", operator, value)]
        models = self.env["ir.model"].sudo().search([("name", operator, value)])
        return [("res_model", "in", models.mapped("model"))]

    @api.model
    def _field_path_label(self, model, path):
        names = []
        for name in path.split("."):
            field = model._fields.get(name) if model is not None else None
            if field is None:
                names.append(name)
                model = None
                continue
            names.append(field._description_string(self.env))
            model = self.env[field.comodel_name] if field.relational else None
        return " › ".join(names)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # the lines of this transaction's calls so far are part of the log
        if "ondermijning.audit" in self.env.cr.precommit.data:
            self._flush_log()
        return super()._search(domain, offset=offset, limit=limit, order=order)

    # ------------------------------------------------------------------
    # Writing the log: one line per call
    # ------------------------------------------------------------------
    @api.model
    def _log(self, records, action, field_names=(), result="ok"):
        """Note that this call ``action``-ed ``records`` (their ``field_names``).
        The lines are written when the call's transaction is flushed, one per
        kind of record and gemeente, whatever path led here. Server code
        does not log its own reads; no context key switches logging off."""
        if not records or _SILENCED.get():
            return
        if action == "read" and records.env.su:
            return
        cr = self.env.cr
        if cr.readonly and self.env.registry.in_test_mode():
            # a test cursor only simulates a read-only transaction, inside
            # the test's one transaction: no other cursor can write beside
            # it. Odoo runs the call again in a read/write transaction.
            raise psycopg2.errors.ReadOnlySqlTransaction(
                "the audit log of a read of case content needs a read/write transaction"
            )
        buffer = cr.precommit.data.get("ondermijning.audit")
        if buffer is None:
            buffer = cr.precommit.data["ondermijning.audit"] = {}
            cr.precommit.add(self._flush_log)
        owners = (
            records._audit_owner()
            if hasattr(records, "_audit_owner")
            else [(records, "")]
        )
        for owner, path in owners:
            owner = owner.sudo()
            for company in owner.mapped("company_id") or [False]:
                covered = (
                    owner.filtered(lambda r, c=company: r.company_id == c)
                    if company
                    else owner
                )
                key = (
                    self.env.uid,
                    action,
                    owner._name,
                    company and company.id,
                    result,
                )
                entry = buffer.setdefault(key, {"records": {}, "fields": set()})
                # a deleted record is named now, the others when written
                entry["records"].update(
                    (record.id, record.display_name if action == "unlink" else None)
                    for record in covered
                    if isinstance(record.id, int)
                )
                entry["fields"].update(
                    f"{path}.{name}" if path else name for name in field_names
                )

    @api.model
    def _flush_log(self):
        buffer = self.env.cr.precommit.data.pop("ondermijning.audit", None)
        if not buffer:
            return
        origin = self._request_origin()
        lines = []
        # what a rolled-back savepoint made is not there any more
        users = self.env["res.users"].sudo().browse({key[0] for key in buffer}).exists()
        for (uid, action, model, company_id, result), entry in buffer.items():
            records = entry["records"]
            if action != "unlink":
                alive = self.env[model].sudo().browse(list(records)).exists()
                records = {record.id: record.display_name for record in alive}
            if not records or uid not in users.ids:
                continue
            ids = list(records)
            references = [ref or f"#{i}" for i, ref in records.items()]
            shown = ", ".join(references[:SHOWN_REFERENCES])
            if len(references) > SHOWN_REFERENCES:
                shown = self.env._(
                    "%(shown)s and %(count)s more",
                    shown=shown,
                    count=len(references) - SHOWN_REFERENCES,
                )
            lines.append(
                {
                    "user_id": uid,
                    "action": action,
                    "result": result,
                    "res_model": model,
                    "res_id": ids[0] if len(ids) == 1 else False,
                    "record_count": len(ids),
                    "reference": shown,
                    "references": " ".join(references),
                    "field_names": ",".join(sorted(entry["fields"])) or False,
                    "company_id": company_id,
                    "origin": origin,
                }
            )
        if lines:
            self._write_lines(lines)

    @api.model
    def _write_lines(self, lines):
        """Create the lines in the call's transaction, or, when the call runs
        in a read-only one (a read-only route or ``@api.readonly`` method,
        on the replica when there is one), in a transaction of their own on
        the primary, committed at once.

        Transactional correctness of the second case: the lines are written
        and committed while the call's read-only transaction is flushed,
        before its result leaves the server. If they cannot be written the
        call fails and the content is not shown (never content without its
        line). The reverse can happen: a call failing after this point (the
        response lost, a retry after a serialization error or a write
        attempted on the read-only cursor) leaves a line for content that
        maybe never reached the user, and a retry logs it again: the log
        errs on the side of too much, never too little. Nothing is lost by
        the separate commit: a read-only transaction has nothing of its own
        to roll back. The lines are on the primary at once but reach the
        replica a moment later; the call that wrote them does not see them
        (its snapshot is older)."""
        if not self.env.cr.readonly:
            self.sudo().create(lines)
            return
        with self.env.registry.cursor() as cr:  # the primary (read/write)
            self.with_env(self.env(cr=cr)).sudo().create(lines)

    @api.model
    def _request_origin(self):
        """The door a call came through, for the oorsprong of the line."""
        if not request:
            return self.env._("server")
        path = request.httprequest.path
        address = request.httprequest.remote_addr
        return f"{path} ({address})" if address else path

    @api.model
    def _log_unseal(self, record, reason):
        """Opening a sealed record is a line of its own, at once, with the
        reason (encrypted: it may name a request or a person)."""
        return self.sudo().create(
            {
                "user_id": self.env.uid,
                "action": "unseal",
                "res_model": record._name,
                "res_id": record.id,
                "reference": record.sudo().display_name,
                "references": record.sudo().display_name,
                "company_id": record.sudo().company_id.id,
                "reason": reason,
                "origin": self._request_origin(),
            }
        )

    @api.model
    def _forget_records(self, model_name, ids):
        """The records are destroyed: their lines keep the references, not
        the ids nor the reasons people gave to open them."""
        if not ids:
            return
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "UPDATE ondermijning_audit_log SET res_id = NULL, reason = NULL "
                "WHERE res_model = %s AND res_id IN %s",
                model_name,
                tuple(ids),
            )
        )
        self.invalidate_model(["res_id", "reason"])
