from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.periods import local_month_sql
from .ondermijning_campagne import received_during_sql


class OndermijningCampagneSpoor(models.Model):
    """What a destroyed signal leaves of its campaigns: one anonymous row
    per campaign it was tagged with or received during, so that the
    signals per campaign (the DVO evaluation of MMA campaigns) stay right
    after the purge. No id of the signal; the month it was received, its
    category and whether it came through MMA."""

    _name = "ondermijning.campagne.spoor"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Statistical trace of a destroyed signal in a campaign"
    _order = "date_received desc, id desc"
    _check_company_auto = True
    _log_access = False

    campagne_id = fields.Many2one(
        "ondermijning.campagne",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
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
        readonly=True,
        help="First day of the month the signal was received.",
    )
    categorie_id = fields.Many2one(
        "ondermijning.categorie",
        string="Category",
        readonly=True,
        ondelete="restrict",
        check_company=True,
    )
    is_mma = fields.Boolean(string="MMA", readonly=True)
    tagged = fields.Boolean(
        string="Tagged with the campaign",
        readonly=True,
        help="The signal was tagged with the campaign.",
    )
    in_period = fields.Boolean(
        string="Received during the campaign",
        readonly=True,
        help="The signal was received within the campaign's period.",
    )
    date_destroyed = fields.Date(string="Destroyed on", readonly=True, index=True)

    @api.model
    def _create_for_signals(self, signal_ids):
        """A row per (campaign, signal) for signals tagged with a campaign
        or received during one, set-based."""
        if not signal_ids:
            return 0
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO ondermijning_campagne_spoor (
                campagne_id, company_id, date_received, categorie_id, is_mma,
                tagged, in_period, date_destroyed)
            SELECT c.id, s.company_id, %(month)s, s.categorie_id,
                   COALESCE(h.code = 'mma', FALSE),
                   EXISTS (
                       SELECT 1 FROM ondermijning_campagne_signaal_rel r
                        WHERE r.ondermijning_signaal_id = s.id
                          AND r.ondermijning_campagne_id = c.id),
                   %(during)s,
                   %(today)s
              FROM ondermijning_signaal s
              JOIN ondermijning_campagne c ON c.company_id = s.company_id
         LEFT JOIN ondermijning_herkomst h ON h.id = s.herkomst_id
             WHERE s.id IN %(ids)s
               AND (%(during)s OR EXISTS (
                       SELECT 1 FROM ondermijning_campagne_signaal_rel r
                        WHERE r.ondermijning_signaal_id = s.id
                          AND r.ondermijning_campagne_id = c.id))
            """,
                month=SQL(local_month_sql("s.date_received")),
                during=SQL(received_during_sql("s", "c")),
                today=fields.Date.today(),
                ids=tuple(signal_ids),
            )
        )
        self.invalidate_model()
        return self.env.cr.rowcount
