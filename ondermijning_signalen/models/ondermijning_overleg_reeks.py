from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import stappenplan
from .ondermijning_overleg import OVERLEG_TYPES


class OndermijningOverlegReeks(models.Model):
    """A recurring overleg (the monthly ondermijningsoverleg of gemeente,
    politie, OM and RIEC; the BT-ondermijningstafel): its standing members
    and rhythm. Planning the next one proposes its agenda: the signals
    received since the last one, and the running signals and casussen that
    need regie."""

    _name = "ondermijning.overleg.reeks"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Overleg series"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(
        required=True,
        help="The name of the series, e.g. 'Maandelijks ondermijningsoverleg'. "
        "No names of persons or places: it is shown to every participant.",
    )
    overleg_type = fields.Selection(
        OVERLEG_TYPES, string="Type", required=True, default="ondermijningsoverleg"
    )
    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    user_ids = fields.Many2many(
        "res.users",
        "ondermijning_overleg_reeks_user_rel",
        string="Standing members",
        domain="[('share', '=', False)]",
        groups="ondermijning_signalen.group_medewerker",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "ondermijning_overleg_reeks_partner_rel",
        string="Partner organisations",
        domain="[('is_company', '=', True)]",
    )
    interval_number = fields.Integer(string="Every", default=1, required=True)
    interval_type = fields.Selection(
        [("weeks", "Weeks"), ("months", "Months")],
        default="months",
        required=True,
    )
    duration = fields.Float(default=1.5, help="Duration in hours.")
    next_date = fields.Datetime(string="Next overleg", required=True)
    overleg_ids = fields.One2many(
        "ondermijning.overleg", "reeks_id", string="Overleggen"
    )
    active = fields.Boolean(default=True)

    @api.constrains("interval_number")
    def _check_interval(self):
        for reeks in self:
            if reeks.interval_number < 1:
                raise UserError(self.env._("The rhythm is at least one week or month."))

    def action_plan_next(self):
        """Plan the next overleg of the series, with its standing members and
        a proposed agenda, and move the series on by its rhythm."""
        self.ensure_one()
        self.check_access("write")
        overleg = self.env["ondermijning.overleg"].create(
            {
                "reeks_id": self.id,
                "overleg_type": self.overleg_type,
                "company_id": self.company_id.id,
                "date": self.next_date,
                "duration": self.duration,
                "user_ids": [fields.Command.set(self.sudo().user_ids.ids)],
                "partner_ids": [fields.Command.set(self.partner_ids.ids)],
            }
        )
        overleg._propose_agenda()
        self.next_date = self.next_date + relativedelta(
            **{self.interval_type: self.interval_number}
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "ondermijning.overleg",
            "res_id": overleg.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.model
    def _cron_plan(self, days_ahead=14):
        """Plan the overleggen of every series that fall within the coming
        ``days_ahead`` days and are not planned yet."""
        horizon = fields.Datetime.now() + relativedelta(days=days_ahead)
        planned = self.env["ondermijning.overleg"]
        for reeks in self.search([("next_date", "<=", horizon)]):
            action = reeks.action_plan_next()
            planned |= planned.browse(action["res_id"])
        return planned

    def _last_overleg(self, before):
        self.ensure_one()
        return self.env["ondermijning.overleg"].search(
            [("reeks_id", "=", self.id), ("date", "<", before)],
            order="date desc",
            limit=1,
        )

    @api.model
    def _regie_domain(self):
        """Running signals that need regie: past stap 1 or overdue."""
        return [
            ("end_state", "=", False),
            "|",
            ("stage_code", "!=", stappenplan.FIRST_STEP),
            ("is_overdue", "=", True),
        ]
