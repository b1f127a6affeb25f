from odoo import fields, models


class OndermijningIndicator(models.Model):
    """An item of the weging 1 checklist (Checklist beoordelingskader
    ondermijning): an indicator of situational and local anchoring, or a
    red flag of signalering."""

    _name = "ondermijning.indicator"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Weging 1 indicator"
    _order = "kind, sequence, name"

    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(
        [
            ("verankering", "Situationele en lokale verankering"),
            ("signalering", "Signalering (red flag)"),
        ],
        required=True,
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
