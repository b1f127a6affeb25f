from odoo import api, models


class OndermijningAuditMixin(models.AbstractModel):
    """Logs every opening of a form, every change and every export of a
    sensitive record in the audit log."""

    _name = "ondermijning.audit.mixin"
    _description = "Audited record"

    def web_read(self, specification):
        """Opening a form (one record read by the web client)."""
        result = super().web_read(specification)
        if len(self) == 1:
            self.env["ondermijning.audit.log"]._log(self, "read")
        return result

    # Opening a form writes its audit line: it needs a read/write transaction
    # (Odoo 18 serves web_read on a read-only cursor otherwise).
    web_read._readonly = False

    @api.model
    def web_search_read(self, *args, **kwargs):
        """Lists and boards read many records: not a form being opened."""
        return super(
            OndermijningAuditMixin, self.with_context(ondermijning_no_audit=True)
        ).web_search_read(*args, **kwargs)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env["ondermijning.audit.log"]._log(
            records, "create", {name for vals in vals_list for name in vals}
        )
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env["ondermijning.audit.log"]._log(self, "write", vals.keys())
        return result

    def unlink(self):
        self.env["ondermijning.audit.log"]._log(self, "unlink")
        return super().unlink()

    def export_data(self, fields_to_export):
        self.env["ondermijning.audit.log"]._log(self, "export", fields_to_export)
        return super().export_data(fields_to_export)

    def _get_mail_message_access(self, res_ids, operation, model_name=None):
        """Chatter messages may hold case details: only those who may change
        the record (the ondermijning staff) read them. Partners and
        departments can still post (``_mail_post_access``) and read their own."""
        access = super()._get_mail_message_access(
            res_ids, operation, model_name=model_name
        )
        if operation == "read":
            return "write"
        return access
