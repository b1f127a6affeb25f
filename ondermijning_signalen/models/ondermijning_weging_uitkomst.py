from odoo import fields, models

WEGING_TYPES = [
    ("w1", "Weging 1: ondermijning?"),
    ("w2a", "Weging 2A: taak van de gemeente?"),
    ("w2b", "Weging 2B: binnen de gemeente?"),
    ("w3", "Weging 3: zwaarte"),
    ("beslis", "Beslismoment"),
    ("w4", "Weging 4: uitkomst van de hits"),
    ("w5", "Weging 5: privacy checks 2A/2B"),
]

END_STATES = [
    ("niet_in_behandeling", "Niet in behandeling"),
    ("doorverwezen", "Doorverwezen"),
    ("afdeling", "Naar afdeling"),
    ("riec", "Naar RIEC"),
    ("casus_afgesloten", "Casus afgesloten"),
]


class OndermijningWegingUitkomst(models.Model):
    """A possible outcome of a weging. The code drives the process (gates
    and end states); the label is the gemeente's wording."""

    _name = "ondermijning.weging.uitkomst"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Weging outcome"
    _order = "weging_type, sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, index=True)
    weging_type = fields.Selection(WEGING_TYPES, required=True)
    sequence = fields.Integer(default=10)
    positive = fields.Boolean(
        help="The signal may go on to the next step after this outcome."
    )
    end_state = fields.Selection(
        END_STATES, help="Recording this outcome ends the signal in this end state."
    )
    needs_referral = fields.Boolean(
        help="The weging must say to which instantie or gemeente it is referred."
    )
    needs_afdeling = fields.Boolean(
        help="The weging must name the department that takes regie."
    )

    _sql_constraints = [
        (
            "code_unique",
            "unique(weging_type, code)",
            "Outcome codes are unique per weging.",
        ),
    ]
