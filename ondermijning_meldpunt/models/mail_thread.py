from odoo import models


class MailThread(models.AbstractModel):
    """E-mail to a meldpunt's alias never becomes a mail message: the
    meldpunt takes it in (a signal with the content encrypted, or MMA's
    alert as a task) and the gateway posts nothing."""

    _inherit = "mail.thread"

    def _message_route_process(self, message, message_dict, routes):
        ours, others = [], []
        for route in routes or ():
            alias = route[4] if len(route) > 4 else None
            if (
                alias
                and not route[1]
                and alias.sudo().alias_parent_model_id.model == "ondermijning.meldpunt"
            ):
                ours.append(alias.sudo().alias_parent_thread_id)
            else:
                others.append(route)
        thread_id = False
        for meldpunt_id in ours:
            meldpunt = self.env["ondermijning.meldpunt"].sudo().browse(meldpunt_id)
            if meldpunt.exists():
                thread_id = meldpunt._receive_email(message_dict, message).id
        if others or not ours:
            thread_id = super()._message_route_process(message, message_dict, others)
        return thread_id
