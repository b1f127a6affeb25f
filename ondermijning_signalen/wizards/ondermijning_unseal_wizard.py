from odoo import api, fields, models

from ..tools.crypto import EncryptedText


class OndermijningUnsealWizard(models.TransientModel):
    """The privacyfunctionaris states why a sealed signal must be opened.
    The reason and who go to the audit log; the signal then opens to them
    for an hour. The decision is the signal's own (``_unseal``)."""

    _name = "ondermijning.unseal.wizard"
    _description = "Open a sealed signal"

    signaal_id = fields.Many2one(
        "ondermijning.signaal",
        string="Signal",
        required=True,
        ondelete="cascade",
        domain="[('is_sealed', '=', True)]",
    )
    reason = EncryptedText(
        required=True,
        help="Why the signal must be opened (a request, a procedure, a question of "
        "the data subject). Logged, encrypted, with your name.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """The same answer for an id of another gemeente and one that does
        not exist: the wizard tells nothing about which signals exist."""
        Signal = self.env["ondermijning.signaal"]
        for vals in vals_list:
            if vals.get("signaal_id"):
                Signal.browse(vals["signaal_id"])._check_sealed_available()
        return super().create(vals_list)

    def action_confirm(self):
        self.ensure_one()
        action = self.signaal_id._unseal(self.reason)
        return action
