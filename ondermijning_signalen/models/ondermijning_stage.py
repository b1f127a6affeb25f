from odoo import fields, models

from ..stappenplan import STEP_CODES as STAGE_CODES

__all__ = ["STAGE_CODES", "OndermijningStage"]


class OndermijningStage(models.Model):
    """A column of the signal board. The code ties a stage to a step of the
    CCV stappenplan; the gates that guard each step are keyed on it."""

    _name = "ondermijning.stage"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Signal stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(STAGE_CODES, required=True, index=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(help="Folded in the board: used for end states.")
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "Each step of the stappenplan has one stage."),
    ]
