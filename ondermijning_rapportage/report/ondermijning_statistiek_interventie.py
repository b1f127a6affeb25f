"""The statistics of interventions: one anonymous row per intervention of the
bestuurlijk instrumentarium, live or destroyed, under the same disclosure
control as the signals' statistics."""

from odoo import api, fields, models, tools
from odoo.tools import SQL

from odoo.addons.ondermijning_signalen.tools.periods import local_month_sql

from .ondermijning_statistiek import run
from .ondermijning_statistiek_cells import delta_trigger, fold_sql, swap_query

CELLS = "ondermijning_statistiek_interventie_cell"
CELL_COLUMNS = (
    "company_id",
    "instrument_id",
    "procedure",
    "state",
    "date_start",
    "date_done",
    "bibob_lbb_advice",
    "date_bibob_advice",
    "bibob_decision",
    "date_bibob_decision",
    "destroyed",
)


def _selection_of(fname, model="ondermijning.interventie"):
    """The selection of the model's field, with its labels translated."""
    return lambda self: self.env[model]._fields[fname]._description_selection(self.env)


class OndermijningStatistiekInterventie(models.Model):
    """How often each instrument was deployed (Damocles closures, Bibob
    advices, lasten onder dwangsom ...) per month, gemeente and state, and
    the Bibob advices and decisions: interventions that retention destroyed
    count through their anonymous trace. No casus, person or text."""

    _name = "ondermijning.statistiek.interventie"
    _inherit = ["ondermijning.disclosure.mixin"]
    _description = "Intervention statistics"
    _auto = False
    _order = "date_start desc"
    _rec_name = "date_start"

    _disclosure_dimensions = (
        "company_id",
        "instrument_id",
        "procedure",
        "state",
        "bibob_lbb_advice",
        "bibob_decision",
        "destroyed",
    )
    _disclosure_date_dimensions = (
        "date_start",
        "date_done",
        "date_bibob_advice",
        "date_bibob_decision",
    )
    _disclosure_unit = "interventies"

    company_id = fields.Many2one("res.company", string="Gemeente", readonly=True)
    instrument_id = fields.Many2one("ondermijning.instrument", readonly=True)
    procedure = fields.Selection(
        _selection_of("procedure", "ondermijning.instrument"), readonly=True
    )
    state = fields.Selection(_selection_of("state"), readonly=True)
    date_start = fields.Date(
        string="Month registered",
        readonly=True,
        help="First day of the month the intervention was registered.",
    )
    date_done = fields.Date(
        string="Month done",
        readonly=True,
        help="First day of the month it was done or cancelled.",
    )
    bibob_lbb_advice = fields.Selection(
        _selection_of("bibob_lbb_advice"),
        string="Bibob: advice of the LBB",
        readonly=True,
    )
    date_bibob_advice = fields.Date(string="Month of the Bibob advice", readonly=True)
    bibob_decision = fields.Selection(
        _selection_of("bibob_decision"), string="Bibob: decision", readonly=True
    )
    date_bibob_decision = fields.Date(
        string="Month of the Bibob decision", readonly=True
    )
    destroyed = fields.Boolean(
        readonly=True,
        help="The intervention was destroyed with its casus; its anonymous "
        "trace remains.",
    )

    # A live intervention is shown as the purge leaves its trace
    # (ondermijning.interventie.spoor._create_for_interventions): months
    # instead of dates, so a figure is the same before and after the purge.
    def _live_select(self, interventions="ondermijning_interventie", instruments=None):
        """Live interventions (of ``interventions``, a table or a query;
        with ``instruments``, only those of these instruments)."""
        join = (
            f"JOIN {instruments} ins"
            if instruments
            else "LEFT JOIN ondermijning_instrument ins"
        )
        return f"""
            SELECT
                i.id * 2 AS id,
                i.company_id,
                i.instrument_id,
                ins.procedure,
                i.state,
                {local_month_sql("i.create_date")} AS date_start,
                date_trunc('month', i.date_done)::date AS date_done,
                i.bibob_lbb_advice,
                date_trunc('month', i.bibob_lbb_advice_date)::date
                    AS date_bibob_advice,
                i.bibob_decision,
                date_trunc('month', i.bibob_decision_date)::date
                    AS date_bibob_decision,
                FALSE AS destroyed
            FROM {interventions} i
            {join} ON ins.id = i.instrument_id
        """

    def _trace_select(self, traces="ondermijning_interventie_spoor", instruments=None):
        """Destroyed interventions, from their traces (as ``_live_select``)."""
        join = (
            f"JOIN {instruments} ins"
            if instruments
            else "LEFT JOIN ondermijning_instrument ins"
        )
        return f"""
            SELECT
                t.id * 2 + 1 AS id,
                t.company_id,
                t.instrument_id,
                ins.procedure,
                t.state,
                t.date_start,
                t.date_done,
                t.bibob_lbb_advice,
                t.date_bibob_advice,
                t.bibob_decision,
                t.date_bibob_decision,
                TRUE AS destroyed
            FROM {traces} t
            {join} ON ins.id = t.instrument_id
        """

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # built from constants only (no user input)
        body = f"{self._live_select()}\nUNION ALL\n{self._trace_select()}"
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(body),
            )
        )
        self._install_cells()

    # ------------------------------------------------------------------
    # The aggregates: one row per distinct combination of the columns with
    # its count (some 10^4 rows for 3 x 10^5 interventions), kept up to
    # date like the signals' (ondermijning_statistiek_cells.py): insert-only
    # deltas from triggers, folded by the same cron. Every column is there,
    # so any filter and grouping on the view's columns is answered.
    # ------------------------------------------------------------------
    def _cells_select(self, signed, folded=False):
        """The deltas of ``signed`` [(+1 or -1, query of view rows)]."""
        rows = " UNION ALL ".join(
            f"SELECT {sign} AS sign, {', '.join(CELL_COLUMNS)} FROM ({sql}) x"
            for sign, sql in signed
        )
        columns = ", ".join(CELL_COLUMNS)
        return f"""
            INSERT INTO {CELLS} (cell_key, folded, {columns}, cnt)
            SELECT ROW({columns})::text, {"TRUE" if folded else "FALSE"},
                   {columns}, sum(sign)::int
              FROM ({rows}) d
             GROUP BY {columns}
            HAVING sum(sign) <> 0"""

    def _install_cells(self):
        """The aggregates filled from the view in one statement, and the
        triggers on every table the view reads."""
        cr = self.env.cr
        self._drop_cells()
        columns = ", ".join(CELL_COLUMNS)
        run(
            cr,
            f"CREATE TABLE {CELLS} AS SELECT ''::text AS cell_key, TRUE AS folded,"
            f" {columns}, 0 AS cnt FROM {self._table} WHERE FALSE",
        )
        run(cr, f"ALTER TABLE {CELLS} ALTER cnt SET NOT NULL")
        run(cr, self._cells_select([(1, f"SELECT * FROM {self._table}")], True))
        run(cr, f"CREATE UNIQUE INDEX ON {CELLS} (cell_key) WHERE folded")
        run(cr, f"CREATE INDEX ON {CELLS} (folded) WHERE NOT folded")
        run(cr, f"ANALYZE {CELLS}")
        changed = (
            "(SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id"
            " WHERE o.procedure IS DISTINCT FROM n.procedure)"
        )
        old_changed = changed.replace("SELECT n.*", "SELECT o.*")
        triggers = {
            "ondermijning_interventie": {
                "insert": [(1, self._live_select("new_rows"))],
                "update": [
                    (1, self._live_select("new_rows")),
                    (-1, self._live_select("old_rows")),
                ],
                "delete": [(-1, self._live_select("old_rows"))],
            },
            "ondermijning_interventie_spoor": {
                "insert": [(1, self._trace_select("new_rows"))],
                "update": [
                    (1, self._trace_select("new_rows")),
                    (-1, self._trace_select("old_rows")),
                ],
                "delete": [(-1, self._trace_select("old_rows"))],
            },
            # a procedure changes with its instrument
            "ondermijning_instrument": {
                "update": [
                    (1, self._live_select(instruments=changed)),
                    (-1, self._live_select(instruments=old_changed)),
                    (1, self._trace_select(instruments=changed)),
                    (-1, self._trace_select(instruments=old_changed)),
                ],
            },
        }
        short = {  # names within PostgreSQL's 63 characters
            "ondermijning_interventie": "live",
            "ondermijning_interventie_spoor": "trace",
            "ondermijning_instrument": "instrument",
        }
        for table, ops in triggers.items():
            for op, signed in ops.items():
                delta_trigger(
                    cr,
                    f"{CELLS}_{short[table]}_{op}",
                    table,
                    op,
                    self._cells_select(signed),
                )

    def _drop_cells(self):
        """Remove the aggregates and their triggers (uninstall)."""
        cr = self.env.cr
        cr.execute(
            "SELECT proname FROM pg_proc WHERE proname LIKE %s",
            [f"{CELLS}%"],
        )
        for (name,) in cr.fetchall():
            run(cr, f"DROP FUNCTION IF EXISTS {name}() CASCADE")
        run(cr, f"DROP TABLE IF EXISTS {CELLS}")

    def _cells_sql(self):
        """(the aggregates as readers see them, the view aggregated
        afresh), to compare."""
        columns = ", ".join(CELL_COLUMNS)
        return (
            f"SELECT {columns}, sum(cnt) FROM {CELLS} GROUP BY {columns}"
            " HAVING sum(cnt) <> 0",
            f"SELECT {columns}, count(*) FROM {self._table} GROUP BY {columns}",
        )

    @api.model
    def _fold_cells(self):
        run(self.env.cr, fold_sql(CELLS, ["cell_key", *CELL_COLUMNS], ["cnt"]))

    @api.model
    def _cube_parts(self, domain, dims, groupings, leads):
        """Every grouping and filter on the view's columns from the
        aggregates (one query)."""
        query = swap_query(self, domain, CELLS, CELL_COLUMNS)
        if query is None:
            return None
        cnt = SQL.identifier(self._table, "cnt")
        return [
            (
                query,
                [SQL("SUM(%s)", cnt), SQL("0"), SQL("0")],
                SQL(" HAVING SUM(%s) <> 0", cnt),
                dims,
                groupings,
            )
        ]
