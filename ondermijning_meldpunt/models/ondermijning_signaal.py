from odoo import fields, models

from odoo.addons.ondermijning_signalen.models.ondermijning_case_mixin import (
    STAFF_GROUP,
)


class OndermijningSignaal(models.Model):
    _inherit = "ondermijning.signaal"

    meldpunt_partner_id = fields.Many2one(
        "ondermijning.meldpunt.partner",
        string="Partner organisation",
        readonly=True,
        index=True,
        check_company=True,
        groups=STAFF_GROUP,
        help="The organisation whose code came with the report.",
    )
    meldpunt_message_key = fields.Char(
        readonly=True,
        copy=False,
        index=True,
        groups="base.group_system",
        help="Keyed hash of the Message-Id of the e-mail the signal came from.",
    )
