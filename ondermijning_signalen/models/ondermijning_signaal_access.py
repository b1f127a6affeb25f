"""Access control on a signal's content: the seal, and what partners in an
overleg were cleared to see.

The seal.

A sealed signal shows only what the protocol allows (reference, dates,
state, destruction date) until the privacyfunctionaris opened it with a
logged reason, and then only to them, for an hour. Every door is held here
or by the mechanism it shares: ``read``/``search_read``/``web_read`` (masked,
never failing, so lists and boards work), searches, orderings, groupings and
aggregates on other fields (the sealed signal is left out), exports (refused),
writes (refused), and what hangs from it (messages, followers, activities,
documents, notes: closed by the content access of
``ondermijning.encryption.mixin``). Nobody follows a sealed signal and it has
no activities.

Partner clearance. An overleg partner (politie, OM, RIEC) sees of a signal on
the agenda of his overleg only what the privacyfunctionaris cleared for his
organisation (``ondermijning.vrijgave``): the facts, or the facts and the
subjects; without a clearance only that the item exists (or, as the gemeente
sets, nothing at all: the record rule). The same doors as the seal."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL

from .ondermijning_guard_mixin import domain_field_names
from .ondermijning_vrijgave import CLEARED_FIELDS

PRIVACY_GROUP = "ondermijning_signalen.group_privacy"
UNSEAL_WINDOW = timedelta(hours=1)
# What a sealed signal shows without a stated reason.
SEAL_FREE_FIELDS = frozenset(
    {
        "id",
        "name",
        "display_name",
        "company_id",
        "active",
        "date_received",
        "date_deadline",
        "date_end",
        "date_destroy",
        "stage_id",
        "stage_code",
        "end_state",
        "is_sealed",
        "unseal_open",
        "legal_hold",
        "legal_hold_date",
        "bewaartermijn_id",
        "age_days",
        "is_overdue",
        "create_date",
        "write_date",
    }
)
# Keeps content of sealed signals out of a query.
NOT_SEALED_FOR_ME = ["|", ("is_sealed", "=", False), ("unseal_open", "=", True)]
OFFICIAL_OR_STAFF = (
    "ondermijning_signalen.group_medewerker",
    "ondermijning_signalen.group_afdeling",
)


def _field_name(spec):
    """'date_received:month' / 'id:count' / 'user_id.name' -> field name."""
    return spec.split(":", 1)[0].split(".", 1)[0].strip().split(" ", 1)[0]


class OndermijningSignaal(models.Model):
    _inherit = "ondermijning.signaal"

    user_is_privacy = fields.Boolean(compute="_compute_user_is_privacy")
    vrijgave_ids = fields.One2many(
        "ondermijning.vrijgave",
        "signaal_id",
        string="Cleared for partners",
        groups="ondermijning_signalen.group_medewerker",
    )

    is_sealed = fields.Boolean(
        string="Sealed",
        readonly=True,
        copy=False,
        default=False,
        help="Hidden from everyone but the privacyfunctionaris, who must state a "
        "reason to open it, until it is destroyed.",
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
    # Opening a sealed signal
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

    def _check_sealed_available(self):
        """The same answer whether the signal does not exist, belongs to
        another gemeente or is otherwise out of reach: a wizard that takes
        an id must not tell which ids exist."""
        self.ensure_one()
        signal = self.exists()
        forbidden = signal and signal._check_access("read")
        if not signal or forbidden:
            raise UserError(
                self.env._("There is no sealed signal by that reference for you.")
            )
        return signal

    def _unseal(self, reason):
        """Log who opens which sealed signal and why; that opens it to them
        for an hour."""
        self.ensure_one()
        self._check_privacy()
        signal = self._check_sealed_available()
        if not (reason or "").strip():
            raise UserError(
                self.env._("State the reason for opening the sealed signal.")
            )
        if not signal.sudo().is_sealed:
            raise UserError(
                self.env._("There is no sealed signal by that reference for you.")
            )
        self.env["ondermijning.audit.log"]._log_unseal(signal, reason)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": signal.id,
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
               AND res_id IS NOT NULL
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
        with a reason (empty for the server's own code)."""
        ids = [i for i in self._ids if isinstance(i, int)]
        if self.env.su or not ids:
            return self.browse()
        # the one column (a plain access would prefetch every column)
        signals = self.sudo().browse(ids)
        signals.fetch(["is_sealed"])
        sealed = signals.filtered("is_sealed")
        if not sealed:
            return self.browse()
        opened = self._unsealed_ids(sealed.ids)
        return self.browse([i for i in sealed.ids if i not in opened])

    def _seal_error(self, closed):
        return AccessError(
            self.env._(
                "Sealed: %(signals)s. The privacyfunctionaris can open a sealed "
                "signal after stating a reason (Open sealed signal).",
                signals=", ".join(closed.sudo().mapped("name")),
            )
        )

    @api.depends_context("uid")
    def _compute_user_is_privacy(self):
        self.user_is_privacy = self._sees_sealed()

    # ------------------------------------------------------------------
    # What the user may see of which signal
    # ------------------------------------------------------------------
    @api.model
    def _is_partner(self):
        """An overleg partner (and nothing more): sees cleared content only."""
        user = self.env.user
        return (
            not self.env.su
            and user.has_group("ondermijning_signalen.group_overleg")
            and not any(user.has_group(group) for group in OFFICIAL_OR_STAFF)
        )

    def _partner_scopes(self):
        """{signal id: scope} of the clearances for the user's organisation."""
        organisation = self.env.user.commercial_partner_id
        clearances = (
            self.env["ondermijning.vrijgave"]
            .sudo()
            .search(
                [
                    ("signaal_id", "in", [i for i in self._ids if isinstance(i, int)]),
                    ("partner_id", "=", organisation.id),
                ]
            )
        )
        return {c.signaal_id.id: c.scope for c in clearances}

    def _content_limits(self):
        """{signal id: the fields the user may see} for the signals among
        ``self`` whose content is (partly) withheld from the user: sealed
        ones not opened with a reason, and for a partner every signal (as
        far as it was cleared for his organisation)."""
        limits = dict.fromkeys(self._sealed_closed().ids, SEAL_FREE_FIELDS)
        if self._is_partner():
            scopes = self._partner_scopes()
            for signal_id in self._ids:
                if isinstance(signal_id, int) and signal_id not in limits:
                    limits[signal_id] = SEAL_FREE_FIELDS | CLEARED_FIELDS.get(
                        scopes.get(signal_id), frozenset()
                    )
        return limits

    @api.model
    def _limit_domain(self, names):
        """What a search, ordering or grouping on ``names`` must leave out
        for this user: sealed signals, and for a partner what was not
        cleared as far as those fields."""
        domain = []
        if self._sees_sealed() and names - SEAL_FREE_FIELDS:
            domain = expression.AND([domain, NOT_SEALED_FOR_ME])
        if self._is_partner() and names - SEAL_FREE_FIELDS:
            scopes = (
                ("subjecten",)
                if names - CLEARED_FIELDS["kern"] - SEAL_FREE_FIELDS
                else ("kern", "subjecten")
            )
            domain = expression.AND(
                [domain, [("id", "in", self._cleared_ids_sql(scopes))]]
            )
        return domain

    @api.model
    def _cleared_ids_sql(self, scopes):
        """A subquery of the signals cleared for the user's organisation in
        one of ``scopes``: a semi-join the planner can use with the board's
        index, where a list of every clearance ever made grew with the
        history of the overleggen (``ondermijning_vrijgave_partner_idx``)."""
        Vrijgave = self.env["ondermijning.vrijgave"].sudo()
        query = Vrijgave._search(
            [
                ("partner_id", "=", self.env.user.commercial_partner_id.id),
                ("scope", "in", list(scopes)),
            ]
        )
        return query.subselect(SQL.identifier(query.table, "signaal_id"))

    @api.model
    def _ondermijning_content_domain(self):
        return NOT_SEALED_FOR_ME if self._sees_sealed() else []

    @api.model
    def _sees_sealed(self):
        """Whether the user's record rules let sealed signals through at all
        (the privacyfunctionaris); for everyone else they are not there."""
        return not self.env.su and self.env.user.has_group(PRIVACY_GROUP)

    # ------------------------------------------------------------------
    # The doors
    # ------------------------------------------------------------------
    def _check_access(self, operation):
        """Nobody changes a sealed signal, nor its messages, followers,
        activities and documents (which ask for write access), until it was
        opened with a reason. Reading it shows the free fields only."""
        result = super()._check_access(operation)
        if result or operation == "read":
            return result
        closed = self._sealed_closed()
        if closed:
            return closed, lambda: self._seal_error(closed)
        return None

    def _read_format(self, fnames, load="_classic_read"):
        """read(), search_read(), web_read() and web_search_read() end here:
        a signal whose content is withheld gives the fields the user may
        see, every other field empty (lists and boards never fail on it)."""
        limits = self._content_limits()
        if not limits:
            return super()._read_format(fnames, load=load)
        free = self.browse([i for i in self._ids if i not in limits])
        values = {
            vals["id"]: vals
            for vals in super(OndermijningSignaal, free)._read_format(fnames, load=load)
        }
        by_allowed = {}
        for signal_id, allowed in limits.items():
            by_allowed.setdefault(allowed, []).append(signal_id)
        for allowed, ids in by_allowed.items():
            shown = [name for name in fnames if name in allowed]
            hidden = [name for name in fnames if name not in allowed]
            limited = self.browse(ids)
            for vals in super(OndermijningSignaal, limited)._read_format(
                shown, load=load
            ):
                for name in hidden:
                    field = self._fields[name]
                    vals[name] = (
                        [] if field.type in ("one2many", "many2many") else False
                    )
                values[vals["id"]] = vals
        closed = self._sealed_closed()
        hidden = [name for name in fnames if name not in SEAL_FREE_FIELDS]
        if closed and hidden and not self.env.cr.readonly:
            # a sealed record opened (not a list on a read-only cursor)
            self.env["ondermijning.audit.log"]._log(
                closed, "read", hidden, result="withheld"
            )
        return [values[record.id] for record in self if record.id in values]

    def export_data(self, fields_to_export):
        names = {_field_name(path) for path in fields_to_export}
        if names - SEAL_FREE_FIELDS:
            closed = self._sealed_closed()
            if closed:
                raise self._seal_error(closed)
        limits = self._content_limits()
        if any(names - allowed for allowed in limits.values()):
            raise AccessError(
                self.env._(
                    "Only what the privacyfunctionaris cleared for your organisation "
                    "can be exported."
                )
            )
        return super().export_data(fields_to_export)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """A condition or an ordering on a field a sealed signal does not
        show leaves the sealed signals out: it would answer questions about
        them."""
        if not self.env.su:
            names = domain_field_names(domain)
            names |= {_field_name(part) for part in (order or "").split(",") if part}
            limit_domain = self._limit_domain(names)
            if limit_domain:
                domain = expression.AND([domain or [], limit_domain])
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        """Groups and aggregates of fields a sealed signal does not show
        leave the sealed signals out."""
        if not self.env.su:
            names = {_field_name(spec) for spec in (*groupby, *aggregates)}
            names |= domain_field_names(having)
            limit_domain = self._limit_domain(names - {"__count"})
            if limit_domain:
                domain = expression.AND([domain or [], limit_domain])
        return super()._read_group(
            domain,
            groupby=groupby,
            aggregates=aggregates,
            having=having,
            offset=offset,
            limit=limit,
            order=order,
        )

    def _seal_cleanup(self):
        """A sealed signal has no followers and no activities: nobody gets
        its events, nobody is reminded of it."""
        if not self:
            return
        self.env["mail.followers"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        ).unlink()
        self.env["mail.activity"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        ).unlink()
