# pylint: disable=consider-merging-classes-inherited
"""Who sits at an overleg with a signal on its agenda, kept as stored data.

The overleg partner's record rules asked ``overleg_ids.user_ids in [user]``:
a semi-join that PostgreSQL walks from the agenda side, reading every signal
ever on his agendas for each query of his board and list (issue 16: it grew
with the history of his overleggen). The same relation, (signal, participant),
is kept here in one table with an index on the participant, so that the rule
is one probe per signal or one index range per participant. It is maintained
in the transaction of every change to an agenda or its participants (below
and in ``ondermijning.overleg``), and made again by one SQL statement on
install and upgrade (and by ``tools/generate_data.py``, which copies rows
with SQL). Deleting a signal, a user or an agenda row removes its rows by the
foreign keys' cascade.

Each row also carries a copy of the signal's columns that the partner's
record rules, his board and his list filter and sort on (gemeente, seal,
archived, end state, stage, date received), kept equal to the signal's by
two triggers in the database (a row takes them from its signal when made,
and a change of the signal passes them on), whoever writes: the ORM, the
data generator's SQL or the retention code. Then the searches of a partner
whose only way to a signal is his agendas are answered from his rows in
this table (one index range, in the list's order) instead of a visit to
every signal ever on his agendas (issue 16: the list counted up to 10,001
of them, the board grew with the history of his overleggen).
"""

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from .ondermijning_case_mixin import STAFF_GROUP

_TABLE = "ondermijning_signaal_participant_rel"
# the signal's columns copied into each row
_MIRRORED = (
    "company_id",
    "is_sealed",
    "active",
    "end_state",
    "stage_id",
    "date_received",
)
_MIRROR_SQL = """
ALTER TABLE ondermijning_signaal_participant_rel
    ADD COLUMN IF NOT EXISTS company_id integer,
    ADD COLUMN IF NOT EXISTS is_sealed boolean,
    ADD COLUMN IF NOT EXISTS active boolean,
    ADD COLUMN IF NOT EXISTS end_state varchar,
    ADD COLUMN IF NOT EXISTS stage_id integer,
    ADD COLUMN IF NOT EXISTS date_received timestamp;

-- a row takes the columns from its signal (whoever inserts or edits it)
CREATE OR REPLACE FUNCTION ondermijning_agenda_row_fill()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT s.company_id, s.is_sealed, s.active, s.end_state, s.stage_id,
           s.date_received
      INTO NEW.company_id, NEW.is_sealed, NEW.active, NEW.end_state,
           NEW.stage_id, NEW.date_received
      FROM ondermijning_signaal s WHERE s.id = NEW.signaal_id;
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER ondermijning_agenda_row_fill
    BEFORE INSERT OR UPDATE OF signaal_id, company_id, is_sealed, active,
        end_state, stage_id, date_received
    ON ondermijning_signaal_participant_rel
    FOR EACH ROW EXECUTE FUNCTION ondermijning_agenda_row_fill();

-- a change of the signal passes them on to its rows
CREATE OR REPLACE FUNCTION ondermijning_agenda_row_follow()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ondermijning_signaal_participant_rel SET signaal_id = signaal_id
     WHERE signaal_id = NEW.id;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER ondermijning_agenda_row_follow
    AFTER UPDATE OF company_id, is_sealed, active, end_state, stage_id,
        date_received
    ON ondermijning_signaal
    FOR EACH ROW WHEN (
        OLD.company_id IS DISTINCT FROM NEW.company_id
        OR OLD.is_sealed IS DISTINCT FROM NEW.is_sealed
        OR OLD.active IS DISTINCT FROM NEW.active
        OR OLD.end_state IS DISTINCT FROM NEW.end_state
        OR OLD.stage_id IS DISTINCT FROM NEW.stage_id
        OR OLD.date_received IS DISTINCT FROM NEW.date_received)
    EXECUTE FUNCTION ondermijning_agenda_row_follow();

-- rows made before the triggers (an upgrade): set right once
UPDATE ondermijning_signaal_participant_rel r SET signaal_id = r.signaal_id
  FROM ondermijning_signaal s
 WHERE s.id = r.signaal_id
   AND (r.company_id, r.is_sealed, r.active, r.end_state, r.stage_id,
        r.date_received)
       IS DISTINCT FROM (s.company_id, s.is_sealed, s.active, s.end_state,
        s.stage_id, s.date_received);

-- his list: his rows newest first; his board: his open rows per stage
CREATE INDEX IF NOT EXISTS ondermijning_agenda_list_idx
    ON ondermijning_signaal_participant_rel
    (user_id, date_received DESC, signaal_id DESC)
    INCLUDE (company_id, is_sealed, active, end_state, stage_id);
CREATE INDEX IF NOT EXISTS ondermijning_agenda_board_idx
    ON ondermijning_signaal_participant_rel
    (user_id, stage_id, date_received DESC, signaal_id DESC)
    INCLUDE (company_id, is_sealed, active) WHERE end_state IS NULL;
"""
_DEFAULT_ORDER = "date_received desc, id desc"

# The definition: a participant of an overleg with the signal on its agenda.
_DEFINITION = """
    SELECT DISTINCT a.ondermijning_signaal_id, p.res_users_id
      FROM ondermijning_overleg_ondermijning_signaal_rel a
      JOIN ondermijning_overleg_res_users_rel p
        ON p.ondermijning_overleg_id = a.ondermijning_overleg_id
"""


class OndermijningSignaal(models.Model):
    _inherit = "ondermijning.signaal"

    participant_user_ids = fields.Many2many(
        "res.users",
        "ondermijning_signaal_participant_rel",
        "signaal_id",
        "user_id",
        string="Agenda participants",
        readonly=True,
        copy=False,
        # names people: for the staff only (the rules read it as the server)
        groups=STAFF_GROUP,
        help="The participants of the overleggen with this signal on their "
        "agenda (kept by the agenda's changes; the partners' record rules).",
    )

    def init(self):
        result = super().init()
        # after every model's tables exist (the overleg's relations too)
        self.pool.post_init(self._mirror_signal_columns)
        self.pool.post_init(self._sync_participants)
        return result

    @api.model
    def _mirror_signal_columns(self):
        """The copied columns, their triggers and the partner's indexes; on
        every install and upgrade the rows whose copy differs are set right
        (none, unless the table was written with the triggers absent)."""
        self.env.cr.execute(_MIRROR_SQL)

    @api.model
    def _sync_participants(self, signal_ids=None):
        """Make the stored participants of ``signal_ids`` (all when None)
        equal to the definition: one DELETE of what is no longer so, one
        INSERT of what is missing."""
        if signal_ids is not None and not signal_ids:
            return
        self.env["ondermijning.overleg"].flush_model(["signaal_ids", "user_ids"])
        self.flush_model(["overleg_ids"])
        cr = self.env.cr
        only = "" if signal_ids is None else "WHERE a.ondermijning_signaal_id = ANY(%s)"
        params = [] if signal_ids is None else [list(signal_ids)]
        cr.execute(
            f"""DELETE FROM ondermijning_signaal_participant_rel r
                 WHERE {"TRUE" if signal_ids is None else "r.signaal_id = ANY(%s)"}
                   AND NOT EXISTS (
                       SELECT 1
                         FROM ondermijning_overleg_ondermijning_signaal_rel a
                         JOIN ondermijning_overleg_res_users_rel p
                           ON p.ondermijning_overleg_id = a.ondermijning_overleg_id
                        WHERE a.ondermijning_signaal_id = r.signaal_id
                          AND p.res_users_id = r.user_id)""",  # noqa: S608
            params,
        )
        cr.execute(
            f"""INSERT INTO ondermijning_signaal_participant_rel (signaal_id, user_id)
                {_DEFINITION} {only}
                ON CONFLICT DO NOTHING""",  # noqa: S608
            params,
        )
        self.invalidate_model(["participant_user_ids"])

    @api.model_create_multi
    def create(self, vals_list):
        signals = super().create(vals_list)
        if any(vals.get("overleg_ids") for vals in vals_list):
            self._sync_participants(signals.ids)
        return signals

    def write(self, vals):
        result = super().write(vals)
        if "overleg_ids" in vals:
            self._sync_participants(self.ids)
        return result

    # ------------------------------------------------------------------
    # A partner's searches, answered from his rows
    # ------------------------------------------------------------------
    @api.model
    def _agenda_only(self):
        """Whether the user's record rules on signals are exactly the
        partner's (his gemeenten; not sealed, on an agenda of his), so that
        what he may see is his rows of the relation. Any other rule (an
        extra group, the gemeente hiding uncleared items, a changed rule)
        leaves his searches to the ORM."""
        if self.env.su or self.env.context.get("ondermijning_agenda_general"):
            return False
        if not self._is_partner():
            return False
        expected = expression.AND(
            [
                [("company_id", "in", self.env.companies.ids)],
                expression.OR(
                    [
                        expression.normalize_domain(
                            [
                                ("is_sealed", "=", False),
                                ("participant_user_ids", "in", self.env.uid),
                            ]
                        )
                    ]
                ),
            ]
        )
        return self.env["ir.rule"]._compute_domain(self._name, "read") == expected

    @api.model
    def _agenda_conditions(self, domain):
        """The conditions on his rows (alias ``r``) that select what
        ``domain`` and his record rules select, or None when the domain
        asks for more than the copied columns tell: the board's and the
        list's domains (open, a stage, archived or not) and nothing else."""
        domain = expression.normalize_domain(domain or [])
        if any(item in ("|", "!") for item in domain):
            return None
        leaves = [item for item in domain if item != "&"]
        conditions = [
            SQL("r.user_id = %s", self.env.uid),
            SQL("r.company_id = ANY(%s)", self.env.companies.ids),
            SQL("r.is_sealed IS NOT TRUE"),
        ]
        if self.env.context.get("active_test", True) and not any(
            leaf[0] == "active" for leaf in leaves
        ):
            leaves.append(("active", "=", True))
        for leaf in leaves:
            if list(leaf) == list(expression.TRUE_LEAF):
                continue
            if not (isinstance(leaf, (list, tuple)) and len(leaf) == 3):
                return None
            name, operator, value = leaf
            if name == "end_state" and value is False and operator in ("=", "!="):
                null = "IS NULL" if operator == "=" else "IS NOT NULL"
                conditions.append(SQL(f"r.end_state {null}"))  # noqa: S608
            elif (
                name == "active" and operator == "=" and isinstance(value, (bool, int))
            ):
                conditions.append(
                    SQL("r.active IS TRUE" if value else "r.active IS NOT TRUE")
                )
            elif name == "stage_id" and operator in ("=", "in"):
                ids = value if operator == "in" else [value]
                if not (
                    isinstance(ids, (list, tuple))
                    and ids
                    and all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
                ):
                    return None
                conditions.append(SQL("r.stage_id = ANY(%s)", list(ids)))
            else:
                return None
        return SQL(" AND ").join(conditions)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """For a partner who sees signals only through his agendas, the
        signals a board or list asks for are his rows of the relation that
        pass the same conditions: the ids come from one index range (in the
        list's order), the count of up to 10,001 rows never visits the
        signals. All other searches, and every check, stay the ORM's."""
        query = super()._search(domain, offset=offset, limit=limit, order=order)
        if query.is_empty() or (
            order and " ".join(order.lower().split()) != _DEFAULT_ORDER
        ):
            return query
        if not self._agenda_only():
            return query
        conditions = self._agenda_conditions(domain)
        if conditions is None:
            return query
        self.flush_model(list(_MIRRORED))
        self.env.cr.execute(
            SQL(
                f"""SELECT r.signaal_id FROM {_TABLE} r WHERE %s
                  ORDER BY r.date_received DESC, r.signaal_id DESC
                 OFFSET %s LIMIT %s""",  # noqa: S608
                conditions,
                offset or 0,
                # as the ORM: no limit (0 or None) is all
                limit or None,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        return self.browse(ids)._as_query(ordered=bool(order))

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
        """His board's columns (the count per stage of what he may see) from
        his rows too; other groupings are the ORM's."""
        if (
            list(groupby) == ["stage_id"]
            and list(aggregates) == ["__count"]
            and not having
            and not offset
            and (order or "stage_id").strip() in ("stage_id", "stage_id ASC")
            and self._agenda_only()
        ):
            conditions = self._agenda_conditions(domain)
            if conditions is not None:
                # every check of a search, as the ORM's grouping makes them
                self._search(domain, limit=1)
                self.env.cr.execute(
                    SQL(
                        f"""SELECT r.stage_id, count(*) FROM {_TABLE} r
                             WHERE %s GROUP BY r.stage_id""",  # noqa: S608
                        conditions,
                    )
                )
                counts = dict(self.env.cr.fetchall())
                Stage = self.env["ondermijning.stage"]
                # in the stages' order, no stage last, as the ORM's SQL
                stages = (
                    Stage.sudo()
                    .with_context(active_test=False)
                    .search([("id", "in", [i for i in counts if i])])
                )
                rows = [(Stage.browse(stage.id), counts[stage.id]) for stage in stages]
                if None in counts:
                    rows.append((Stage, counts[None]))
                return rows[:limit] if limit else rows
        return super()._read_group(
            domain,
            groupby=groupby,
            aggregates=aggregates,
            having=having,
            offset=offset,
            limit=limit,
            order=order,
        )

    def _agenda_readable(self):
        """Whether every signal of ``self`` passes the partner's record
        rules, by his rows of the relation (False also when that is not
        for this user to say)."""
        ids = set(self._ids)
        if not ids or not all(isinstance(i, int) for i in ids):
            return False
        if not self._agenda_only():
            return False
        # changes not yet written: the ORM's check sees them, the table not
        mirrored = [self._fields[name] for name in _MIRRORED]
        if self.env.cache.has_dirty_fields(self, mirrored):
            return False
        self.env.cr.execute(
            SQL(
                f"""SELECT count(*) FROM {_TABLE} r
                     WHERE r.signaal_id = ANY(%s) AND %s""",  # noqa: S608
                list(ids),
                # archived ones too: the rules do not ask
                self.with_context(active_test=False)._agenda_conditions([]),
            )
        )
        return self.env.cr.fetchone()[0] == len(ids)

    def _check_access(self, operation):
        """A partner reading signals that are all on his agendas is let
        through on his rows of the relation, in one query; the ORM would
        evaluate his record rule in Python, reading every participant of
        every signal (on his board, most of its time). Anything else, and
        every refusal with its message, is the ORM's."""
        if (
            operation == "read"
            and self.env["ir.model.access"].check(
                self._name, operation, raise_exception=False
            )
            and self._agenda_readable()
        ):
            return None
        return super()._check_access(operation)
