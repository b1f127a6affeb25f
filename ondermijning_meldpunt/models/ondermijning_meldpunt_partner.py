from odoo import api, fields, models

from .ondermijning_meldpunt import grouped, normalise_code, random_code

PARTNER_CODE_LENGTH = 8


class OndermijningMeldpuntPartner(models.Model):
    """A partner organisation (woningcorporatie, energiebedrijf, boa's) that
    reports through the public page with a code of its own: the signal
    records it as the source without anyone logging in. The code is in the
    organisation's link, or typed in the form."""

    _name = "ondermijning.meldpunt.partner"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Partner organisation of a meldpunt"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(string="Organisation", required=True)
    meldpunt_id = fields.Many2one(
        "ondermijning.meldpunt",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="meldpunt_id.company_id", store=True, string="Gemeente", index=True
    )
    code = fields.Char(
        string="Organisation code",
        required=True,
        copy=False,
        index=True,
        default=lambda self: random_code(PARTNER_CODE_LENGTH),
        help="Give the organisation its link, or this code to type in the form. "
        "Change it when it has become known outside the organisation.",
    )
    code_display = fields.Char(string="Code", compute="_compute_link")
    link = fields.Char(compute="_compute_link")
    herkomst_id = fields.Many2one(
        "ondermijning.herkomst",
        string="Source",
        required=True,
        default=lambda self: self.env.ref(
            "ondermijning_signalen.herkomst_ketenpartner", raise_if_not_found=False
        ),
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "Another organisation has this code."),
    ]

    @api.depends("code", "meldpunt_id.url")
    def _compute_link(self):
        for partner in self:
            partner.code_display = grouped(partner.code or "", 4)
            partner.link = (
                f"{partner.meldpunt_id.url}?organisatie={partner.code}"
                if partner.code
                else False
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("code"):
                vals["code"] = normalise_code(vals["code"])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("code"):
            vals = dict(vals, code=normalise_code(vals["code"]))
        return super().write(vals)

    def action_new_code(self):
        """The old link stops working; the organisation gets a new one."""
        for partner in self:
            partner.code = random_code(PARTNER_CODE_LENGTH)
        return True
