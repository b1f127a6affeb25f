from odoo import fields, models


class OndermijningInstrument(models.Model):
    """An instrument of the bestuurlijk instrumentarium (Damocles, Bibob...)."""

    _name = "ondermijning.instrument"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Instrument"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    legal_basis = fields.Char(translate=True)
    procedure = fields.Selection(
        [("bibob", "Bibob procedure")],
        help="Instruments with a procedure of their own record its steps "
        "(Bibob: request, advice of the Landelijk Bureau Bibob, decision).",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
