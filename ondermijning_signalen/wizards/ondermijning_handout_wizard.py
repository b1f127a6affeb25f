from odoo import fields, models


class OndermijningHandoutWizard(models.TransientModel):
    """Print the agenda handout of an overleg for one partner organisation."""

    _name = "ondermijning.handout.wizard"
    _description = "Agenda handout for a partner"

    overleg_id = fields.Many2one("ondermijning.overleg", required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Partner organisation",
        required=True,
        domain="[('is_company', '=', True)]",
    )

    def action_print(self):
        self.ensure_one()
        return self.env.ref(
            "ondermijning_signalen.action_report_overleg_handout"
        ).report_action(self.overleg_id, data={"partner_id": self.partner_id.id})
