from odoo import fields, models


class OndermijningWijk(models.Model):
    """A wijk or buurt of a gemeente, for place-based statistics."""

    _name = "ondermijning.wijk"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Wijk"
    _order = "name"

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        required=True,
        default=lambda self: self.env.company,
    )
    active = fields.Boolean(default=True)
