from odoo import fields, models


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
    ondermijning_team_name = fields.Char(
        string="Team name shown to partners",
        default="Team Ondermijning",
    )

    def _ondermijning_official_name(self, user):
        """The name the current user sees for a handling official: partners
        see the team name when the gemeente hides officials' names."""
        self.ensure_one()
        if self.ondermijning_hide_officials and not self.env.user.has_group(
            "ondermijning_signalen.group_medewerker"
        ):
            return self.ondermijning_team_name or ""
        return user.name or ""
