from odoo import fields, models

from ..tools.crypto import EncryptedChar


class OndermijningLegalHoldWizard(models.TransientModel):
    """Place a legal hold on signals, with the reason (kept encrypted on the
    signal; the chatter only says who and when)."""

    _name = "ondermijning.legal.hold.wizard"
    _description = "Legal hold"

    signaal_ids = fields.Many2many(
        "ondermijning.signaal", string="Signals", required=True
    )
    reason = EncryptedChar(
        required=True, help="E.g. a pending procedure or a request for access."
    )

    def action_confirm(self):
        self.ensure_one()
        self.signaal_ids._place_legal_hold(self.reason)
        return {"type": "ir.actions.act_window_close"}
