from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.periods import local_month_sql


def _selection_of(fname):
    """The selection of an intervention field (one definition for both)."""
    return lambda self: self.env["ondermijning.interventie"]._fields[fname].selection


class OndermijningInterventieSpoor(models.Model):
    """The anonymous statistical trace a destroyed intervention leaves, so
    that the counts of instruments (Damocles closures, Bibob advices, lasten
    onder dwangsom per year) stay right after the purge.

    No casus, no person, no department, no text, no id of the intervention:
    the gemeente, the instrument, its state, the Bibob advice and decision
    and months instead of days. Written by the purge only."""

    _name = "ondermijning.interventie.spoor"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Statistical trace of a destroyed intervention"
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _log_access = False

    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
    )
    instrument_id = fields.Many2one(
        "ondermijning.instrument", readonly=True, index=True, ondelete="restrict"
    )
    state = fields.Selection(_selection_of("state"), readonly=True)
    date_start = fields.Date(
        string="Month registered",
        readonly=True,
        index=True,
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
    date_destroyed = fields.Date(string="Destroyed on", readonly=True, index=True)

    @api.model
    def _create_for_interventions(self, intervention_ids):
        """One trace per intervention, straight from their columns
        (set-based, as the signals' trace)."""
        if not intervention_ids:
            return 0
        self.env.flush_all()

        def month(column):
            return SQL(local_month_sql(column))

        self.env.cr.execute(
            SQL(
                """
            INSERT INTO ondermijning_interventie_spoor (
                company_id, instrument_id, state, date_start, date_done,
                bibob_lbb_advice, date_bibob_advice, bibob_decision,
                date_bibob_decision, date_destroyed)
            SELECT i.company_id, i.instrument_id, i.state,
                   %(start)s,
                   date_trunc('month', i.date_done)::date,
                   i.bibob_lbb_advice,
                   date_trunc('month', i.bibob_lbb_advice_date)::date,
                   i.bibob_decision,
                   date_trunc('month', i.bibob_decision_date)::date,
                   %(today)s
              FROM ondermijning_interventie i
             WHERE i.id IN %(ids)s
            """,
                start=month("i.create_date"),
                today=fields.Date.today(),
                ids=tuple(intervention_ids),
            )
        )
        self.invalidate_model()
        return self.env.cr.rowcount
