"""The signals per campaign: one anonymous row per campaign and signal that
was tagged with it or received during it, live or destroyed, under the same
disclosure control as the signals' statistics."""

from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.ondermijning_signalen.models.ondermijning_campagne import (
    received_during_sql,
)
from odoo.addons.ondermijning_signalen.tools.periods import local_month_sql

from .ondermijning_statistiek import MMA_CODE, STORE


class OndermijningStatistiekCampagne(models.Model):
    """Signals per campaign (the DVO evaluation measures what an MMA
    campaign brought in): tagged with the campaign, and received during its
    period in its gemeente. A signal counts once per campaign; signals that
    retention destroyed count through their anonymous trace."""

    _name = "ondermijning.statistiek.campagne"
    _inherit = ["ondermijning.disclosure.mixin"]
    _description = "Signals per campaign"
    _auto = False
    _order = "date_received desc"
    _rec_name = "date_received"

    _disclosure_dimensions = (
        "campagne_id",
        "company_id",
        "categorie_id",
        "is_mma",
        "is_priority",
        "tagged",
        "in_period",
        "destroyed",
    )
    _disclosure_date_dimensions = ("date_received",)

    campagne_id = fields.Many2one(
        "ondermijning.campagne", string="Campaign", readonly=True
    )
    company_id = fields.Many2one("res.company", string="Gemeente", readonly=True)
    date_received = fields.Date(
        string="Month received",
        readonly=True,
        help="First day of the month the signal was received.",
    )
    categorie_id = fields.Many2one(
        "ondermijning.categorie", string="Category", readonly=True
    )
    is_mma = fields.Boolean(string="MMA", readonly=True)
    is_priority = fields.Boolean(string="Priority", readonly=True)
    tagged = fields.Boolean(string="Tagged with the campaign", readonly=True)
    in_period = fields.Boolean(string="Received during the campaign", readonly=True)
    destroyed = fields.Boolean(
        readonly=True,
        help="The signal was destroyed; its anonymous trace remains.",
    )

    def _live_select(self, stored=True):
        """Live signals, from the statistics' stored rows (their local day,
        month, MMA and priority); ``stored=False``: from the signals
        themselves (the full scan, to compare with)."""
        if not stored:
            return self._live_select_signals()
        # received during the campaign (from the index on the gemeente and
        # the local day), then tagged with it but received outside it
        tagged = (
            "EXISTS (SELECT 1 FROM ondermijning_campagne_signaal_rel r"
            " WHERE r.ondermijning_signaal_id = st.id / 2"
            " AND r.ondermijning_campagne_id = c.id)"
        )
        during = received_during_sql("st", "c", day="st.day_received")
        columns = """
                c.id::bigint * 4294967296 + st.id AS id,
                c.id AS campagne_id,
                st.company_id,
                st.date_received,
                st.categorie_id,
                st.is_mma,
                st.is_priority,"""
        return f"""
            SELECT {columns}
                {tagged} AS tagged,
                TRUE AS in_period,
                FALSE AS destroyed
            FROM ondermijning_campagne c
            JOIN {STORE} st ON {during}
            WHERE NOT st.destroyed
            UNION ALL
            SELECT {columns}
                TRUE AS tagged,
                ({during}) AS in_period,
                FALSE AS destroyed
            FROM ondermijning_campagne_signaal_rel r
            JOIN ondermijning_campagne c ON c.id = r.ondermijning_campagne_id
            JOIN {STORE} st ON st.id = r.ondermijning_signaal_id * 2
             AND st.company_id = c.company_id
            WHERE NOT COALESCE(({during}), FALSE)
        """

    def _live_select_signals(self):
        tagged = (
            "EXISTS (SELECT 1 FROM ondermijning_campagne_signaal_rel r"
            " WHERE r.ondermijning_signaal_id = s.id"
            " AND r.ondermijning_campagne_id = c.id)"
        )
        during = received_during_sql("s", "c")
        return f"""
            SELECT
                c.id::bigint * 4294967296 + s.id * 2 AS id,
                c.id AS campagne_id,
                s.company_id,
                {local_month_sql("s.date_received")} AS date_received,
                s.categorie_id,
                COALESCE(h.code = '{MMA_CODE}', FALSE) AS is_mma,
                COALESCE(s.is_priority, FALSE) AS is_priority,
                {tagged} AS tagged,
                ({during}) AS in_period,
                FALSE AS destroyed
            FROM ondermijning_signaal s
            JOIN ondermijning_campagne c ON c.company_id = s.company_id
            LEFT JOIN ondermijning_herkomst h ON h.id = s.herkomst_id
            WHERE ({during}) OR {tagged}
        """

    def _trace_select(self):
        return """
            SELECT
                t.id::bigint * 2 + 1 AS id,
                t.campagne_id,
                t.company_id,
                t.date_received,
                t.categorie_id,
                COALESCE(t.is_mma, FALSE) AS is_mma,
                COALESCE(cat.is_priority, FALSE) AS is_priority,
                COALESCE(t.tagged, FALSE) AS tagged,
                COALESCE(t.in_period, FALSE) AS in_period,
                TRUE AS destroyed
            FROM ondermijning_campagne_spoor t
            LEFT JOIN ondermijning_categorie cat ON cat.id = t.categorie_id
        """

    def init(self):
        self._create_view()

    def _create_view(self, stored=True):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # built from constants only (no user input)
        body = f"{self._live_select(stored)}\nUNION ALL\n{self._trace_select()}"
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(body),
            )
        )
