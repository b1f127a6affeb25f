from odoo import fields, models


class OndermijningHerkomst(models.Model):
    """Where a signal came from (MMA, intern meldpunt, ketenpartner, ...)."""

    _name = "ondermijning.herkomst"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Signal source"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(index=True, help="Technical code, e.g. 'mma'.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
