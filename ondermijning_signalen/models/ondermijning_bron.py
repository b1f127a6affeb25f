from odoo import fields, models


class OndermijningBron(models.Model):
    """A municipal source that may be consulted in stap 3 (hit / no hit)."""

    _name = "ondermijning.bron"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Municipal source"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    afdeling_id = fields.Many2one("ondermijning.afdeling", string="Department")
    legal_ground = fields.Char(
        string="Usual legal ground",
        translate=True,
        help="Proposed legal ground; the privacyfunctionaris confirms it per case.",
    )
    active = fields.Boolean(default=True)
