"""The statistics view: one anonymous row per signal, live or destroyed.

Figures and workbooks are in ``ondermijning_statistiek_figures.py``; who may
read rows and who gets protected aggregates in
``ondermijning_statistiek_disclosure.py``.
"""

import re

from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.ondermijning_signalen import stappenplan
from odoo.addons.ondermijning_signalen.models.ondermijning_campagne import (
    campaign_tagged_sql,
    in_campaign_sql,
)
from odoo.addons.ondermijning_signalen.models.ondermijning_signaal import CHANNELS
from odoo.addons.ondermijning_signalen.models.ondermijning_weging_uitkomst import (
    END_STATES,
)
from odoo.addons.ondermijning_signalen.tools import lead_times
from odoo.addons.ondermijning_signalen.tools.periods import (
    GEMEENTE_TZ,
    local_date_sql,
    local_month_sql,
)

# The steps a signal can reach, in order (afgesloten is a state, not a step).
REACHED_STEPS = [
    (code, label)
    for code, label in stappenplan.STEP_CODES
    if code in stappenplan.OPEN_STEPS
]
STAGE_CODES = stappenplan.STEP_CODES
# A signal counts as MMA when its source has this code (the trace keeps the
# answer as is_mma).
MMA_CODE = "mma"
local_month = local_month_sql
# The stored rows the view reads (see OndermijningStatistiek._install_store).
STORE = "ondermijning_statistiek_row"


def run(cr, text):
    """Execute DDL built from this module's constants (no user input)."""
    cr.execute(SQL(text))


__all__ = ["GEMEENTE_TZ", "MMA_CODE", "REACHED_STEPS", "OndermijningStatistiek"]


class OndermijningStatistiek(models.Model):
    """Anonymous statistics of signals: one row per signal, live or
    destroyed, with only non-personal columns.

    A database view over stored rows (``STORE``) defined from the live
    signals and, for signals that retention destroyed, their anonymous
    statistical trace: every report counts a signal the same way before and
    after it is purged. A medewerker sees the
    figures of their own gemeente(n); the regional analyst aggregates across
    gemeenten but cannot read individual rows."""

    _name = "ondermijning.statistiek"
    _description = "Signal statistics"
    _auto = False
    _order = "date_received desc"
    _rec_name = "date_received"

    company_id = fields.Many2one("res.company", string="Gemeente", readonly=True)
    date_received = fields.Date(
        string="Month received",
        readonly=True,
        help="First day of the month the signal was received.",
    )
    date_end = fields.Date(
        string="Month ended",
        readonly=True,
        help="First day of the month the signal ended.",
    )
    categorie_id = fields.Many2one(
        "ondermijning.categorie", string="Category", readonly=True
    )
    herkomst_id = fields.Many2one(
        "ondermijning.herkomst", string="Source", readonly=True
    )
    channel = fields.Selection(CHANNELS, readonly=True)
    wijk_id = fields.Many2one("ondermijning.wijk", readonly=True)
    is_mma = fields.Boolean(string="MMA", readonly=True)
    mma_discipline = fields.Selection(
        [("mono", "Monodisciplinair"), ("multi", "Multidisciplinair")],
        string="Mono/multi",
        readonly=True,
    )
    mma_follow_up = fields.Selection(
        selection=lambda self: (
            self.env["ondermijning.signaal"]._fields["mma_follow_up"].selection
        ),
        string="MMA result / follow-up",
        readonly=True,
    )
    mma_registered_late = fields.Boolean(string="MMA registered late", readonly=True)
    bt_tafel = fields.Boolean(string="BT-ondermijningstafel", readonly=True)
    is_priority = fields.Boolean(
        string="Priority",
        readonly=True,
        help="The category is one of the gemeente's priorities.",
    )
    in_campaign = fields.Boolean(
        string="During a campaign",
        readonly=True,
        help="Received within the period of a campaign of its gemeente.",
    )
    campaign_tagged = fields.Boolean(
        string="Tagged with a campaign",
        readonly=True,
    )
    stap = fields.Selection(REACHED_STEPS, string="Step reached", readonly=True)
    stage_code = fields.Selection(STAGE_CODES, string="Current step", readonly=True)
    end_state = fields.Selection(END_STATES, readonly=True)
    in_treatment = fields.Boolean(string="Taken into treatment (stap 2)", readonly=True)
    closed = fields.Boolean(readonly=True)
    deadline_state = fields.Selection(
        [("overdue", "Overdue"), ("on_time", "On time")],
        string="Deadline",
        readonly=True,
        help="Of an open signal: past its deadline or not (today, in the "
        "gemeenten's time zone). Empty once it ended.",
    )
    destroyed = fields.Boolean(
        readonly=True,
        help="The signal itself was destroyed; its anonymous trace remains.",
    )
    count_in_treatment = fields.Integer(
        string="# Taken into treatment", readonly=True, aggregator="sum"
    )
    count_closed = fields.Integer(string="# Closed", readonly=True, aggregator="sum")
    lead_stap1 = fields.Float(
        string="Days in stap 1", readonly=True, aggregator="avg", digits=(16, 2)
    )
    lead_stap2 = fields.Float(
        string="Days in stap 2", readonly=True, aggregator="avg", digits=(16, 2)
    )
    lead_stap3 = fields.Float(
        string="Days in stap 3", readonly=True, aggregator="avg", digits=(16, 2)
    )
    lead_stap4 = fields.Float(
        string="Days in stap 4", readonly=True, aggregator="avg", digits=(16, 2)
    )
    lead_total = fields.Float(
        string="Total lead time (days)", readonly=True, aggregator="avg", digits=(16, 2)
    )

    # ------------------------------------------------------------------
    # The view
    # ------------------------------------------------------------------
    # A live signal is shown exactly as the purge will leave its trace
    # (ondermijning.signaal.spoor._create_for_signals): local months instead
    # of dates, lead times in days rounded to 2 decimals, the furthest step
    # from the step dates. So every figure is the same before and after the
    # purge, whatever the period or grouping.
    def _signal_select(self, where=""):
        """Live signals. The step reached is the furthest step the signal
        was ever in (its current step or the latest step date)."""
        reached = stappenplan.furthest_step_expression("s", current_stage=True)
        treated = f"(({reached}) <> '{stappenplan.FIRST_STEP}')"
        late = (
            "COALESCE(s.mma_registered_late, FALSE)"
            if "mma_registered_late" in self.env["ondermijning.signaal"]._fields
            else "FALSE"
        )
        leads = ",\n".join(
            f"{sql} AS {fname}" for fname, sql in lead_times.sql_columns("s").items()
        )
        return f"""
            SELECT
                s.id * 2 AS id,
                s.company_id,
                {local_month("s.date_received")} AS date_received,
                {local_date_sql("s.date_received")} AS day_received,
                {local_month("s.date_end")} AS date_end,
                s.categorie_id,
                s.herkomst_id,
                s.channel,
                s.wijk_id,
                COALESCE(s.herkomst_id IN (
                    SELECT h.id FROM ondermijning_herkomst h WHERE h.code = '{MMA_CODE}'
                ), FALSE) AS is_mma,
                s.mma_discipline,
                s.mma_follow_up,
                {late} AS mma_registered_late,
                (s.bt_tafel_date IS NOT NULL) AS bt_tafel,
                COALESCE(s.is_priority, FALSE) AS is_priority,
                {in_campaign_sql("s")} AS in_campaign,
                {campaign_tagged_sql("s")} AS campaign_tagged,
                {reached} AS stap,
                s.stage_code,
                s.end_state,
                {treated} AS in_treatment,
                (s.end_state IS NOT NULL) AS closed,
                s.date_deadline,
                FALSE AS destroyed,
                CASE WHEN {treated} THEN 1 ELSE 0 END AS count_in_treatment,
                CASE WHEN s.end_state IS NOT NULL THEN 1 ELSE 0 END AS count_closed,
                {leads}
            FROM ondermijning_signaal s
            {where}
        """

    def _trace_select(self, where=""):
        """Destroyed signals, from their anonymous trace."""
        if "ondermijning.signaal.spoor" not in self.env:
            return None
        leads = ",\n".join(
            f"t.{fname}::float AS {fname}" for fname in lead_times.LEAD_FIELDS
        )
        first, last = stappenplan.FIRST_STEP, stappenplan.LAST_STEP
        return f"""
            SELECT
                t.id * 2 + 1 AS id,
                t.company_id,
                t.date_received,
                NULL::date AS day_received,
                t.date_end,
                t.categorie_id,
                t.herkomst_id,
                t.channel,
                t.wijk_id,
                COALESCE(t.is_mma, FALSE) AS is_mma,
                t.mma_discipline,
                t.mma_follow_up,
                COALESCE(t.mma_registered_late, FALSE) AS mma_registered_late,
                COALESCE(t.bt_tafel, FALSE) AS bt_tafel,
                COALESCE((
                    SELECT c.is_priority FROM ondermijning_categorie c
                     WHERE c.id = t.categorie_id
                ), FALSE) AS is_priority,
                COALESCE(t.in_campaign, FALSE) AS in_campaign,
                COALESCE(t.campaign_tagged, FALSE) AS campaign_tagged,
                COALESCE(t.stap_reached, '{first}')::text AS stap,
                '{last}'::varchar AS stage_code,
                t.end_state,
                COALESCE(t.stap_reached, '{first}') != '{first}' AS in_treatment,
                (t.end_state IS NOT NULL) AS closed,
                NULL::date AS date_deadline,
                TRUE AS destroyed,
                CASE WHEN COALESCE(t.stap_reached, '{first}') != '{first}'
                     THEN 1 ELSE 0 END AS count_in_treatment,
                CASE WHEN t.end_state IS NOT NULL THEN 1 ELSE 0 END AS count_closed,
                {leads}
            FROM ondermijning_signaal_spoor t
            {where}
        """

    # ------------------------------------------------------------------
    # The stored rows
    # ------------------------------------------------------------------
    # Computing the columns above row by row at every query made the
    # statistics workbook take seconds at 10^6 signals. So the rows are
    # stored (STORE) and the view reads them; only the deadline state, which
    # changes with the date, is computed when read. Triggers on every table
    # the definition reads replace the rows of what a statement changed, in
    # that statement's own transaction, however it was written (the ORM's
    # flush, the purge's SQL, the data generator's copies).
    def _definition(self, signal_where="", trace_where=""):
        """The definition of the rows (with the signal's deadline instead of
        its deadline state): the live signals and the traces."""
        parts = [self._signal_select(signal_where)]
        trace = self._trace_select(trace_where)
        if trace:
            parts.append(trace)
        return "\nUNION ALL\n".join(parts)

    def _view_columns(self, columns):
        """The view's columns over ``columns`` (of the definition): the
        deadline state computed from the deadline, today."""
        deadline = f"""CASE
                WHEN d.destroyed OR d.end_state IS NOT NULL THEN NULL
                WHEN d.date_deadline < timezone('{GEMEENTE_TZ}', now())::date
                THEN 'overdue'
                ELSE 'on_time'
            END::varchar AS deadline_state"""
        return ",\n".join(
            deadline if name == "date_deadline" else f"d.{name}"
            for name in columns
            if name != "day_received"  # for the campaigns' view
        )

    def _store_columns(self):
        cr = self.env.cr
        cr.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass"
            " AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            [STORE],
        )
        return [name for (name,) in cr.fetchall()]

    def _create_view(self, stored=True):
        """The view over the stored rows or (``stored=False``: the full scan,
        to compare with) over their definition."""
        source = STORE if stored else f"({self._definition()})"
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE VIEW %s AS (SELECT %s FROM %s d)",
                SQL.identifier(self._table),
                SQL(self._view_columns(self._store_columns())),
                SQL(source),
            )
        )

    def _triggers(self):
        """{table: (query of the signal ids, query of the trace ids) that
        the changed rows ``x`` of the table affect, the columns whose change
        matters (None: any)}."""
        signal_columns = sorted(set(re.findall(r"\bs\.(\w+)", self._signal_select())))
        triggers = {
            "ondermijning_signaal": ("SELECT x.id FROM {rows} x", None, signal_columns),
            "ondermijning_campagne_signaal_rel": (
                "SELECT x.ondermijning_signaal_id FROM {rows} x",
                None,
                None,
            ),
            "ondermijning_campagne": (
                "SELECT s.id FROM ondermijning_signaal s"
                " JOIN {rows} x ON x.company_id = s.company_id",
                None,
                ["company_id", "date_from", "date_to"],
            ),
            "ondermijning_herkomst": (
                "SELECT s.id FROM ondermijning_signaal s"
                " JOIN {rows} x ON x.id = s.herkomst_id",
                None,
                ["code"],
            ),
        }
        if self._trace_select():
            trace_columns = sorted(set(re.findall(r"\bt\.(\w+)", self._trace_select())))
            triggers["ondermijning_signaal_spoor"] = (
                None,
                "SELECT x.id FROM {rows} x",
                trace_columns,
            )
            triggers["ondermijning_categorie"] = (
                None,
                "SELECT t.id FROM ondermijning_signaal_spoor t"
                " JOIN {rows} x ON x.id = t.categorie_id",
                ["is_priority"],
            )
        return triggers

    def _install_store(self):
        """(Re)create the stored rows in one statement, their indexes, the
        function that refreshes rows and the triggers that call it."""
        cr = self.env.cr
        tools.drop_view_if_exists(cr, self._table)
        # the campaigns' view reads it too (its init makes it again)
        run(cr, f"DROP TABLE IF EXISTS {STORE} CASCADE")
        run(cr, f"CREATE TABLE {STORE} AS {self._definition()}")
        run(cr, f"ALTER TABLE {STORE} ADD PRIMARY KEY (id)")
        for columns in (
            "company_id, date_received",
            "company_id, day_received",
            "date_received",
            "date_end",
        ):
            run(cr, f"CREATE INDEX ON {STORE} ({columns})")
        run(cr, f"ANALYZE {STORE}")
        # A refresh writes only the rows that changed (an upsert, then the
        # rows whose signal or trace is gone): the triggers on the stored
        # rows (the aggregates, ondermijning_statistiek_cells.py) then see
        # real changes only.
        columns = [name for name in self._store_columns() if name != "id"]
        upsert = (
            f" ON CONFLICT (id) DO UPDATE SET ({', '.join(columns)})"
            f" = ROW({', '.join('EXCLUDED.' + c for c in columns)})"
            f" WHERE ({', '.join('r.' + c for c in columns)})"
            f" IS DISTINCT FROM ({', '.join('EXCLUDED.' + c for c in columns)})"
        )
        trace = self._trace_select("WHERE t.id IN (SELECT unnest(traces))")
        trace_refresh = (
            f"""
            IF cardinality(traces) > 0 THEN
                INSERT INTO {STORE} AS r {trace} {upsert};
                DELETE FROM {STORE}
                 WHERE id IN (
                    SELECT u * 2 + 1 FROM unnest(traces) u
                     WHERE NOT EXISTS (
                        SELECT FROM ondermijning_signaal_spoor t WHERE t.id = u));
            END IF;"""
            if trace
            else ""
        )
        run(
            cr,
            f"""
            CREATE OR REPLACE FUNCTION {STORE}_refresh(
                signals integer[], traces integer[])
            RETURNS void LANGUAGE plpgsql AS $body$
            BEGIN
                IF cardinality(signals) > 0 THEN
                    INSERT INTO {STORE} AS r
                    {self._signal_select("WHERE s.id IN (SELECT unnest(signals))")}
                    {upsert};
                    DELETE FROM {STORE}
                     WHERE id IN (SELECT u * 2 FROM unnest(signals) u
                                   WHERE NOT EXISTS (SELECT FROM ondermijning_signaal s
                                                      WHERE s.id = u));
                END IF;{trace_refresh}
            END $body$
        """,
        )
        # Concurrent writers: two writes of a signal are serialized by its
        # row lock. A change that refreshes the rows of others (a campaign,
        # a source's code, a category's priority) takes an exclusive lock
        # that the refreshes of signals and traces share, so that neither
        # computes rows from the other's state before it committed (each
        # statement after the lock sees what the other committed).
        lock_key = f"hashtext('{STORE}')"
        own_rows = {
            "ondermijning_signaal",
            "ondermijning_campagne_signaal_rel",
            "ondermijning_signaal_spoor",
        }
        for table, (signals, traces, columns) in self._triggers().items():
            name = f"{STORE}_{table}"
            lock = (
                f"pg_advisory_xact_lock_shared({lock_key})"
                if table in own_rows
                else f"pg_advisory_xact_lock({lock_key})"
            )

            def ids(sql, rows):
                if not sql:
                    return "ARRAY[]::integer[]"
                return f"ARRAY({sql.format(rows=rows)})"

            # an update matters when one of the columns changed (a table
            # without them, the campaigns' tags: any update)
            changed, old_changed = "new_rows", "old_rows"
            if columns:
                changed = (
                    "(SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id"
                    f" WHERE ({', '.join('o.' + c for c in columns)}, NULL)"
                    f" IS DISTINCT FROM ({', '.join('n.' + c for c in columns)}, NULL))"
                )
                old_changed = changed.replace("SELECT n.*", "SELECT o.*")
            run(
                cr,
                f"""
                CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
                LANGUAGE plpgsql AS $body$
                BEGIN
                    PERFORM {lock};
                    IF TG_OP = 'INSERT' THEN
                        PERFORM {STORE}_refresh(
                            {ids(signals, "new_rows")}, {ids(traces, "new_rows")});
                    ELSIF TG_OP = 'DELETE' THEN
                        PERFORM {STORE}_refresh(
                            {ids(signals, "old_rows")}, {ids(traces, "old_rows")});
                    ELSE
                        PERFORM {STORE}_refresh(
                            {ids(signals, changed)} || {ids(signals, old_changed)},
                            {ids(traces, changed)} || {ids(traces, old_changed)});
                    END IF;
                    RETURN NULL;
                END $body$
            """,
            )
            for op, tables in (
                ("INSERT", "NEW TABLE AS new_rows"),
                ("UPDATE", "NEW TABLE AS new_rows OLD TABLE AS old_rows"),
                ("DELETE", "OLD TABLE AS old_rows"),
            ):
                trigger = f"{name}_{op.lower()}"
                run(cr, f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
                run(
                    cr,
                    f"""
                    CREATE TRIGGER {trigger} AFTER {op} ON {table}
                    REFERENCING {tables}
                    FOR EACH STATEMENT EXECUTE FUNCTION {name}()
                """,
                )

    def _drop_store(self):
        """Remove the stored rows and their triggers (on uninstall: the
        triggers are on the signals' tables, which stay)."""
        cr = self.env.cr
        tools.drop_view_if_exists(cr, self._table)
        for table in self._triggers():
            run(cr, f"DROP FUNCTION IF EXISTS {STORE}_{table}() CASCADE")
        run(cr, f"DROP FUNCTION IF EXISTS {STORE}_refresh(integer[], integer[])")
        run(cr, f"DROP TABLE IF EXISTS {STORE} CASCADE")  # the campaigns' view

    def init(self):
        # the SQL is built from constants only (no user input); every column
        # must have the same type in both parts of the definition (``stap``:
        # text in each), or the full scan computes every column of every row
        self._install_store()
        self._create_view()
