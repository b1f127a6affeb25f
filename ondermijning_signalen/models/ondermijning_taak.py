from odoo import fields, models


class OndermijningTaak(models.Model):
    """A task or power of the gemeente a signal may lead to action under
    (weging 2A): "een taak of bevoegdheid van de gemeente ... Bijvoorbeeld
    een van de openbare ordebevoegdheden van de burgemeester"."""

    _name = "ondermijning.taak"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Task or power of the gemeente"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    legal_basis = fields.Char(translate=True, help="E.g. art. 13b Opiumwet.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
