from odoo import api, fields, models

from .ondermijning_bewaartermijn import DEFAULT_RULES


class ResCompany(models.Model):
    """A gemeente is an Odoo company; these are its ondermijning settings."""

    _inherit = "res.company"

    ondermijning_weging1_days = fields.Integer(
        string="Days to record weging 1",
        default=5,
        help="Weging 1 is due this many days after a signal is received.",
    )
    ondermijning_mma_register_days = fields.Integer(
        string="Days to register an MMA report",
        default=0,
        help="An MMA report disappears from the MMA platform once opened: "
        "register it this many days after opening (0 = the same day).",
    )
    ondermijning_hide_officials = fields.Boolean(
        string="Hide handling officials from partners",
        default=True,
        help="Staff safety: overleg partners see the team name instead of "
        "the names of the officials handling a signal or casus.",
    )
    ondermijning_require_2fa = fields.Boolean(
        string="Require two-factor authentication",
        help="Everyone who can read case content must log in with a second "
        "factor (an authenticator app, or else a code by e-mail).",
    )
    ondermijning_uncleared_agenda = fields.Selection(
        [
            ("placeholder", "Show that the item exists (reference only)"),
            ("hide", "Show nothing"),
        ],
        string="Agenda items not cleared for a partner",
        default="placeholder",
        required=True,
        help="What an overleg partner sees of a signal on the agenda that the "
        "privacyfunctionaris did not clear for his organisation.",
    )
    ondermijning_team_name = fields.Char(
        string="Team name shown to partners",
        default="Team Ondermijning",
    )

    ondermijning_retention_reminder_days = fields.Integer(
        string="Days to remind before destruction",
        default=30,
        help="The owner of a signal gets an activity this many days before the "
        "signal is destroyed, in time to ask for a legal hold.",
    )

    def write(self, vals):
        result = super().write(vals)
        if "ondermijning_uncleared_agenda" in vals:
            # the partners' record rule reads it
            self.env.registry.clear_cache()
        return result

    def _ondermijning_official_name(self, user):
        """The name the current user sees for a handling official: partners
        see the team name when the gemeente hides officials' names."""
        self.ensure_one()
        if self.ondermijning_hide_officials and not self.env.user.has_group(
            "ondermijning_signalen.group_medewerker"
        ):
            return self.ondermijning_team_name or ""
        return user.name or ""

    # ------------------------------------------------------------------
    # Retention: every gemeente gets the protocol's periods to start from
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._ondermijning_ensure_retention_rules()
        return companies

    def _ondermijning_ensure_retention_rules(self):
        """Create the default rules a gemeente lacks (archived ones count:
        a gemeente that switched a rule off keeps it off)."""
        Rule = (
            self.env["ondermijning.bewaartermijn"]
            .sudo()
            .with_context(active_test=False)
        )
        existing = {
            (rule.company_id.id, rule.end_state)
            for rule in Rule.search([("company_id", "in", self.ids)])
        }
        Rule.create(
            [
                dict(values, company_id=company.id, end_state=end_state)
                for company in self
                for end_state, values in DEFAULT_RULES.items()
                if (company.id, end_state) not in existing
            ]
        )

    @api.model
    def _ondermijning_init_retention_rules(self):
        """Data hook: rules for the gemeenten that exist at install/update."""
        self.sudo().search([("id", "!=", False)])._ondermijning_ensure_retention_rules()
