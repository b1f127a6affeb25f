from odoo import api, models

from ..models.mail_activity import _check_activity_text


class MailActivitySchedule(models.TransientModel):
    """The scheduling dialog keeps what was typed in its own table: on a
    case it takes no text either."""

    _inherit = "mail.activity.schedule"

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards._check_case_text()
        return wizards

    def write(self, vals):
        result = super().write(vals)
        self._check_case_text()
        return result

    def _check_case_text(self):
        for wizard in self:
            _check_activity_text(
                self.env,
                wizard.res_model,
                wizard.activity_type_id,
                wizard.summary,
                wizard.note,
            )
