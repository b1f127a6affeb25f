"""The statistics of interventions: one anonymous row per intervention of the
bestuurlijk instrumentarium, live or destroyed, under the same disclosure
control as the signals' statistics."""

from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.ondermijning_signalen.tools.periods import local_month_sql


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
    def _live_select(self):
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
            FROM ondermijning_interventie i
            LEFT JOIN ondermijning_instrument ins ON ins.id = i.instrument_id
        """

    def _trace_select(self):
        return """
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
            FROM ondermijning_interventie_spoor t
            LEFT JOIN ondermijning_instrument ins ON ins.id = t.instrument_id
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
