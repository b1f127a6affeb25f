from odoo import api, fields, models
from odoo.tools import SQL

from .ondermijning_weging_uitkomst import END_STATES

RECORD_KINDS = [("signaal", "Signal"), ("casus", "Casus")]


class OndermijningVernietiging(models.Model):
    """One line per destroyed record: what kind of record, which reference,
    under which rule and when. No content; the rule is copied as plain
    values so that the line still says what applied after the rule changed.
    Read (and exported) by the privacyfunctionaris; written by the purge."""

    _name = "ondermijning.vernietiging"
    _check_company_auto = True
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Destruction log"
    _order = "date_destroyed desc, id desc"
    _log_access = False
    _rec_name = "reference"

    reference = fields.Char(required=True, readonly=True, index=True)
    record_kind = fields.Selection(
        RECORD_KINDS, string="Kind of record", required=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
    )
    end_state = fields.Selection(END_STATES, readonly=True)
    bewaartermijn_id = fields.Many2one(
        "ondermijning.bewaartermijn",
        string="Retention period",
        readonly=True,
        ondelete="set null",
        check_company=True,
    )
    rule_months = fields.Integer(string="Months kept (rule at the time)", readonly=True)
    rule_seal = fields.Boolean(string="Sealed (rule at the time)", readonly=True)
    rule_requires_approval = fields.Boolean(
        string="Approval required (rule at the time)", readonly=True
    )
    date_end = fields.Date(string="Ended on", readonly=True)
    date_destroy = fields.Date(string="Planned destruction", readonly=True)
    date_destroyed = fields.Datetime(
        string="Destroyed on", required=True, readonly=True, index=True
    )
    vernietigingslijst_id = fields.Many2one(
        "ondermijning.vernietigingslijst",
        string="Approved destruction list",
        readonly=True,
        ondelete="restrict",
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Destroyed by",
        readonly=True,
        ondelete="restrict",
        help="The user who ran the purge (the scheduler's user for "
        "the daily scheduled action).",
    )

    @api.model
    def _create_for_signals(self, signal_ids):
        if not signal_ids:
            return 0
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO ondermijning_vernietiging (
                reference, record_kind, company_id, end_state, bewaartermijn_id,
                rule_months, rule_seal, rule_requires_approval, date_end, date_destroy,
                date_destroyed, vernietigingslijst_id, user_id)
            SELECT s.name, 'signaal', s.company_id, s.end_state, s.bewaartermijn_id,
                   r.months, COALESCE(r.seal, FALSE),
                   COALESCE(r.requires_approval, FALSE),
                   s.date_end::date, s.date_destroy, %(now)s,
                   (SELECT l.lijst_id FROM ondermijning_vernietigingslijst_regel l
                      JOIN ondermijning_vernietigingslijst v ON v.id = l.lijst_id
                     WHERE l.signaal_id = s.id AND l.state = 'proposed'
                       AND v.state = 'approved'
                  ORDER BY l.id DESC LIMIT 1),
                   %(uid)s
              FROM ondermijning_signaal s
         LEFT JOIN ondermijning_bewaartermijn r ON r.id = s.bewaartermijn_id
             WHERE s.id IN %(ids)s
            """,
                now=fields.Datetime.now(),
                uid=self.env.uid,
                ids=tuple(signal_ids),
            )
        )
        self.invalidate_model()
        return self.env.cr.rowcount

    @api.model
    def _create_for_casussen(self, casus_ids):
        """A casus is destroyed with its last signal: under the rule for a
        closed casus of its gemeente, counted from the end of monitoring."""
        if not casus_ids:
            return 0
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO ondermijning_vernietiging (
                reference, record_kind, company_id, end_state, bewaartermijn_id,
                rule_months, rule_seal, rule_requires_approval, date_end, date_destroy,
                date_destroyed, user_id)
            SELECT c.name, 'casus', c.company_id, 'casus_afgesloten', r.id,
                   r.months, COALESCE(r.seal, FALSE),
                   COALESCE(r.requires_approval, FALSE),
                   c.date_closed::date,
                   (COALESCE(c.monitoring_until, c.date_closed::date)
                    + make_interval(months => r.months))::date,
                   %(now)s, %(uid)s
              FROM ondermijning_casus c
         LEFT JOIN ondermijning_bewaartermijn r
                ON r.company_id = c.company_id AND r.end_state = 'casus_afgesloten'
             WHERE c.id IN %(ids)s
            """,
                now=fields.Datetime.now(),
                uid=self.env.uid,
                ids=tuple(casus_ids),
            )
        )
        self.invalidate_model()
        return self.env.cr.rowcount
