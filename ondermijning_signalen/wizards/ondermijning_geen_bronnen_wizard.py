from odoo import fields, models

from ..tools.crypto import EncryptedText


class OndermijningGeenBronnenWizard(models.TransientModel):
    """The privacyfunctionaris decides that no municipal source may be
    consulted for a signal in stap 3, and why: the signal is then not taken
    into treatment."""

    _name = "ondermijning.geen.bronnen.wizard"
    _description = "No source may be consulted"

    signaal_id = fields.Many2one("ondermijning.signaal", required=True, readonly=True)
    reason = EncryptedText(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.signaal_id._decide_no_sources(self.reason)
        return {"type": "ir.actions.act_window_close"}
