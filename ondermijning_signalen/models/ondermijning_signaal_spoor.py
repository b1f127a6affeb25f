from odoo import api, fields, models
from odoo.tools import SQL

from .. import stappenplan
from ..stappenplan import END_STATES
from ..tools import lead_times
from ..tools.periods import local_month_sql
from .ondermijning_campagne import campaign_tagged_sql, in_campaign_sql
from .ondermijning_signaal import CHANNELS

STAPPEN = [
    (code, label)
    for code, label in stappenplan.STEP_CODES
    if code in stappenplan.OPEN_STEPS
]


class OndermijningSignaalSpoor(models.Model):
    """The anonymous statistical trace a destroyed signal leaves behind, so
    that every report stays correct after the purge.

    It holds no reference, no text, no person and no id of the signal:
    months instead of days, the classifications, the end state, how far the
    signal got and how long each step took. Written by the purge only."""

    _name = "ondermijning.signaal.spoor"
    _check_company_auto = True
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Statistical trace of a destroyed signal"
    _order = "date_received desc, id desc"
    _log_access = False

    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
    )
    date_received = fields.Date(
        string="Month received",
        required=True,
        index=True,
        readonly=True,
        help="First day of the month it was received.",
    )
    categorie_id = fields.Many2one(
        "ondermijning.categorie",
        string="Category",
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    herkomst_id = fields.Many2one(
        "ondermijning.herkomst",
        string="Source",
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    channel = fields.Selection(CHANNELS, readonly=True)
    wijk_id = fields.Many2one(
        "ondermijning.wijk", readonly=True, ondelete="set null", check_company=True
    )
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
    bt_tafel = fields.Boolean(
        string="Brought into BT-ondermijningstafel", readonly=True
    )
    in_campaign = fields.Boolean(
        string="Received during a campaign",
        readonly=True,
        help="Received within the period of a campaign of its gemeente.",
    )
    campaign_tagged = fields.Boolean(string="Tagged with a campaign", readonly=True)
    end_state = fields.Selection(END_STATES, readonly=True, index=True)
    stap_reached = fields.Selection(STAPPEN, string="Furthest step", readonly=True)
    date_end = fields.Date(
        string="Month ended", readonly=True, help="First day of the month it ended."
    )
    lead_stap1 = fields.Float(
        string="Days in stap 1", readonly=True, aggregator="avg", digits=(16, 2)
    )
    lead_stap2 = fields.Float(
        string="Days in stap 2",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Empty when the signal never got there.",
    )
    lead_stap3 = fields.Float(
        string="Days in stap 3",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Empty when the signal never got there.",
    )
    lead_stap4 = fields.Float(
        string="Days in stap 4",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Empty when the signal never got there.",
    )
    lead_total = fields.Float(
        string="Days until ended", readonly=True, aggregator="avg", digits=(16, 2)
    )
    date_destroyed = fields.Date(string="Destroyed on", readonly=True, index=True)

    @api.model
    def _create_for_signals(self, signal_ids):
        """One trace per signal, straight from the signals' columns (set-based:
        the purge handles 10^5 signals). A step that was never reached has no
        lead time (NULL), so that averages only count those that were."""
        if not signal_ids:
            return 0
        self.env.flush_all()

        leads = lead_times.sql_columns("s")
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO ondermijning_signaal_spoor (
                company_id, date_received, categorie_id, herkomst_id, channel, wijk_id,
                is_mma, mma_discipline, mma_follow_up, mma_registered_late, bt_tafel,
                in_campaign, campaign_tagged,
                end_state, stap_reached, date_end,
                %(lead_columns)s,
                date_destroyed)
            SELECT s.company_id,
                   %(month_received)s,
                   s.categorie_id, s.herkomst_id, s.channel, s.wijk_id,
                   COALESCE(h.code = 'mma', FALSE), s.mma_discipline, s.mma_follow_up,
                   COALESCE(s.mma_registered_late, FALSE), s.bt_tafel_date IS NOT NULL,
                   %(in_campaign)s, %(campaign_tagged)s,
                   s.end_state,
                   %(reached)s,
                   %(month_end)s,
                   %(leads)s,
                   %(today)s
              FROM ondermijning_signaal s
         LEFT JOIN ondermijning_herkomst h ON h.id = s.herkomst_id
             WHERE s.id IN %(ids)s
            """,
                lead_columns=SQL(", ").join(SQL.identifier(f) for f in leads),
                leads=SQL(", ").join(SQL(expression) for expression in leads.values()),
                month_received=SQL(local_month_sql("s.date_received")),
                month_end=SQL(local_month_sql("s.date_end")),
                reached=SQL(stappenplan.furthest_step_expression("s")),
                in_campaign=SQL(in_campaign_sql("s")),
                campaign_tagged=SQL(campaign_tagged_sql("s")),
                today=fields.Date.today(),
                ids=tuple(signal_ids),
            )
        )
        self.invalidate_model()
        return self.env.cr.rowcount
