from odoo import fields, models


class OndermijningCategorie(models.Model):
    """Category of a signal: the MMA report types plus the gemeente's own
    priorities (drugs, witwassen, fraude, ...)."""

    _name = "ondermijning.categorie"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Signal category"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    is_mma = fields.Boolean(
        string="MMA report type", help="One of the report types MMA sends to gemeenten."
    )
    is_priority = fields.Boolean(string="Priority of the gemeente")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        help="Leave empty to share the category between gemeenten.",
    )
