from odoo import fields, models


class OndermijningAfdeling(models.Model):
    """A department of the gemeente that can receive regie over a signal,
    own interventions and receive data cleared by privacy check 2A."""

    _name = "ondermijning.afdeling"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Department"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        required=True,
        default=lambda self: self.env.company,
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Members",
        help="Members with the Afdeling role see what is referred to this department.",
    )
    active = fields.Boolean(default=True)
