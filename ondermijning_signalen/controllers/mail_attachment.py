from odoo import http
from odoo.http import request

from odoo.addons.mail.controllers.attachment import AttachmentController


class OndermijningAttachmentController(AttachmentController):
    @http.route()
    def mail_attachment_upload(
        self, ufile, thread_id, thread_model, is_pending=False, **kwargs
    ):
        """A document uploaded to a case is the case's at once (encrypted),
        never a pending upload that would lie in clear until a message is
        posted (and nobody posts into a case's chatter)."""
        governed = request.env["ir.attachment"]._ondermijning_encrypted_models()
        if thread_model in governed:
            is_pending = False
        return super().mail_attachment_upload(
            ufile, thread_id, thread_model, is_pending=is_pending, **kwargs
        )
