from odoo import models


class MailMessage(models.Model):
    """Make message search honour ``_get_mail_message_access``: Odoo checks
    it when a message is read, but its search only asks whether the document
    is readable. Documents that demand more (signals, casussen, overleggen:
    write access) then show no messages to readers without it."""

    _inherit = "mail.message"

    def _find_allowed_model_wise(self, doc_model, doc_dict):
        documents = self.env[doc_model]
        operation = "read"
        if hasattr(documents, "_get_mail_message_access"):
            operation = documents._get_mail_message_access(list(doc_dict), "read")
        if operation == "read":
            return super()._find_allowed_model_wise(doc_model, doc_dict)
        if not self.env["ir.model.access"].check(doc_model, operation, False):
            return set()
        allowed = (
            documents.with_context(active_test=False)
            .search([("id", "in", list(doc_dict))])
            ._filtered_access(operation)
        )
        return {message_id for doc_id in allowed.ids for message_id in doc_dict[doc_id]}
