from odoo import api, models
from odoo.tools import SQL


class MailMessage(models.Model):
    """Messages of a record that holds case content are readable through
    that record only: being their author, a recipient or notified does not
    open them (a melder who once followed a signal, a handler after the
    signal was sealed). And message search honours
    ``_get_mail_message_access`` as message reads do."""

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

    def _ondermijning_governed_forbidden(self, operation):
        """The messages among ``self`` whose case record's content the user
        may not see (read) or change (other operations)."""
        governed = self.env["ir.attachment"]._ondermijning_encrypted_models()
        rows = self.env.execute_query(
            SQL(
                "SELECT id, model, res_id FROM mail_message "
                "WHERE id = ANY(%s) AND model = ANY(%s) AND res_id IS NOT NULL",
                list(self._ids),
                list(governed),
            )
        )
        by_model = {}
        for message_id, model_name, res_id in rows:
            by_model.setdefault(model_name, {}).setdefault(res_id, []).append(
                message_id
            )
        forbidden = []
        for model_name, by_doc in by_model.items():
            documents = self.env[model_name].browse(list(by_doc))
            for document in documents._ondermijning_content_forbidden(operation):
                forbidden.extend(by_doc[document.id])
        return self.browse(forbidden)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        query = super()._search(domain, offset=offset, limit=limit, order=order)
        if self.env.su:
            return query
        found = self.browse(query)
        forbidden = found._ondermijning_governed_forbidden("read")
        if not forbidden:
            return query
        return (found - forbidden)._as_query(order)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if self.env.su or not self:
            return result
        checked = self - result[0] if result else self
        self.flush_recordset(["model", "res_id"])
        forbidden = checked._ondermijning_governed_forbidden(operation)
        if not forbidden:
            return result
        if result:
            return result[0] | forbidden, result[1]
        return forbidden, lambda: forbidden._make_access_error(operation)
