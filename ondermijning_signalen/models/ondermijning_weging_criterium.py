from odoo import fields, models


class OndermijningWegingCriterium(models.Model):
    """A criterion of weging 3, as the gemeente's policy sets it: "Je kunt in
    beleid vastleggen hoe deze weging wordt uitgevoerd en welke factoren
    relevant zijn". A required criterion must be met for 'heavy enough'."""

    _name = "ondermijning.weging.criterium"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Weging 3 criterion"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    required = fields.Boolean(
        string="Required for 'heavy enough'",
        help="A signal is only heavy enough for further analysis when it meets "
        "this criterion.",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        help="Leave empty for a criterion of every gemeente.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
