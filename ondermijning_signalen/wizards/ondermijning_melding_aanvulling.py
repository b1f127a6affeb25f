from odoo import fields, models

from ..tools.crypto import EncryptedText


class OndermijningMeldingAanvulling(models.TransientModel):
    """What a melder adds to their report later. It reaches the handlers as
    a note on the signal (encrypted); the receipt says it was passed on."""

    _name = "ondermijning.melding.aanvulling"
    _description = "Addition to a report"

    melding_id = fields.Many2one("ondermijning.melding", required=True, readonly=True)
    text = EncryptedText(string="What do you want to add?", required=True)

    def action_confirm(self):
        self.ensure_one()
        self.melding_id._add_information(self.text)
        return {"type": "ir.actions.act_window_close"}
