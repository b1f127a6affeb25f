from odoo import api, fields, models
from odoo.exceptions import AccessError

from .. import stappenplan
from ..tools.crypto import EncryptedChar

# What a clearance lets a partner see, besides what a sealed signal shows.
CLEARED_FIELDS = {
    "kern": frozenset(
        {
            "categorie_id",
            "herkomst_id",
            "channel",
            "date_facts",
            "facts_location",
            "wijk_id",
            "description",
            "handler_display",
            "casus_id",
        }
    ),
}
CLEARED_FIELDS["subjecten"] = CLEARED_FIELDS["kern"] | {"subject_ids"}
SCOPES = [
    ("kern", "The facts: category, date, place and description"),
    ("subjecten", "The facts and the subjects and objects"),
]


class OndermijningVrijgave(models.Model):
    """The privacyfunctionaris' clearance to share a signal with a partner
    organisation (politie, OM, RIEC, ...) in an overleg, on a legal ground
    and limited to what it names. What is put on an overleg's agenda without
    a clearance for a partner, that partner does not see (or sees only that
    an item exists, as the gemeente sets): "wat wordt gedeeld moet
    rechtmatig zijn en beperkt blijven tot wat de privacyfunctionaris heeft
    vrijgegeven"."""

    _name = "ondermijning.vrijgave"
    _inherit = ["ondermijning.audit.mixin", "ondermijning.encryption.mixin"]
    _description = "Clearance to share with a partner"
    _order = "date desc, id desc"
    _check_company_auto = True

    signaal_id = fields.Many2one(
        "ondermijning.signaal",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="signaal_id.company_id", store=True, index=True, string="Gemeente"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Partner organisation",
        required=True,
        index=True,
        domain="[('is_company', '=', True)]",
    )
    scope = fields.Selection(SCOPES, required=True, default="kern")
    legal_ground = EncryptedChar(
        required=True,
        help="The legal ground of sharing (e.g. the RIEC covenant, art. 6 AVG).",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Cleared by",
        readonly=True,
        default=lambda self: self.env.user,
        groups="ondermijning_signalen.group_medewerker",
    )
    date = fields.Datetime(
        string="Cleared on", readonly=True, default=fields.Datetime.now
    )

    _sql_constraints = [
        (
            "signaal_partner_unique",
            "unique(signaal_id, partner_id)",
            "A signal is cleared once per partner organisation.",
        ),
    ]

    def init(self):
        result = super().init()
        # what a partner may see: the signals cleared for his organisation,
        # as a subquery of every search (``_cleared_ids_sql``), from the index
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS ondermijning_vrijgave_partner_idx "
            "ON ondermijning_vrijgave (partner_id, scope, signaal_id)"
        )
        return result

    @api.model_create_multi
    def create(self, vals_list):
        self._check_privacy()
        return super().create(vals_list)

    def unlink(self):
        """Withdrawing a clearance is the privacyfunctionaris' too."""
        self._check_privacy()
        return super().unlink()

    @api.model
    def _check_privacy(self):
        if not self.env.su and not self.env.user.has_group(stappenplan.PRIVACY):
            raise AccessError(
                self.env._(
                    "Only the privacyfunctionaris clears what may be shared with "
                    "partners."
                )
            )

    def _audit_owner(self):
        return [(self.sudo().signaal_id, "vrijgave_ids")]

    @api.depends("partner_id", "scope")
    def _compute_display_name(self):
        scopes = dict(self._fields["scope"]._description_selection(self.env))
        for clearance in self:
            clearance.display_name = (
                f"{clearance.partner_id.name or ''}: {scopes.get(clearance.scope, '')}"
            )
