from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .. import stappenplan
from ..stappenplan import END_STATES, WEGING_TYPES

__all__ = ["END_STATES", "WEGING_TYPES", "OndermijningWegingUitkomst"]


class OndermijningWegingUitkomst(models.Model):
    """A possible outcome of a weging: the gemeente's wording of one of the
    protocol's outcomes. What the outcome means (the signal goes on, ends,
    is referred, opens a casus) is the stappenplan's (``stappenplan.py``),
    by its code."""

    _name = "ondermijning.weging.uitkomst"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Weging outcome"
    _order = "weging_type, sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, index=True)
    weging_type = fields.Selection(WEGING_TYPES, required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    positive = fields.Boolean(
        compute="_compute_meaning",
        store=True,
        help="The signal may go on to the next step after this outcome.",
    )
    end_state = fields.Selection(
        END_STATES,
        compute="_compute_meaning",
        store=True,
        help="Recording this outcome ends the signal in this end state.",
    )
    offers_referral = fields.Boolean(
        compute="_compute_meaning",
        store=True,
        help="Not taken into treatment and, where needed, referred: naming where "
        "to refers it (doorverwezen).",
    )
    needs_afdeling = fields.Boolean(
        compute="_compute_meaning",
        store=True,
        help="The weging must name the department that takes regie.",
    )

    _sql_constraints = [
        (
            "code_unique",
            "unique(weging_type, code)",
            "Outcome codes are unique per weging.",
        ),
    ]

    @api.depends("weging_type", "code")
    def _compute_meaning(self):
        for uitkomst in self:
            outcome = stappenplan.outcome(uitkomst.weging_type, uitkomst.code)
            uitkomst.positive = bool(outcome) and stappenplan.lets_on(
                uitkomst.weging_type, uitkomst.code
            )
            uitkomst.end_state = (
                outcome
                and outcome.effect != stappenplan.REFERRAL
                and stappenplan.end_state_of(uitkomst.weging_type, uitkomst.code)
            ) or False
            uitkomst.offers_referral = bool(
                outcome and outcome.effect == stappenplan.REFERRAL
            )
            uitkomst.needs_afdeling = bool(outcome and "afdeling" in outcome.needs)

    @api.constrains("weging_type", "code")
    def _check_protocol_outcome(self):
        for uitkomst in self:
            if not stappenplan.outcome(uitkomst.weging_type, uitkomst.code):
                raise ValidationError(
                    self.env._(
                        "%(code)s is not an outcome of %(weging)s in the stappenplan.",
                        code=uitkomst.code,
                        weging=dict(WEGING_TYPES)[uitkomst.weging_type],
                    )
                )
