from odoo import api, models


class OndermijningAuditMixin(models.AbstractModel):
    """Puts every read of case content, every change and every export of
    the record in the audit log, whatever door it comes through (form,
    list, XML-RPC, JSON-RPC, export). What is content: the encrypted fields
    and those listed in ``_audit_content_fields``."""

    _name = "ondermijning.audit.mixin"
    _description = "Audited record"

    # Fields that are case content although they are not encrypted.
    _audit_content_fields = ()

    @api.model
    def _audit_content_field_names(self):
        return {
            name
            for name, field in self._fields.items()
            if getattr(field, "encrypted", False) or name in self._audit_content_fields
        }

    def _audit_owner(self):
        """[(records, path)]: whose content these records are, and the field
        of the owner that leads to them (logged as path.field). A weging is
        the content of its signal, not a record of its own."""
        return [(self, "")]

    def web_read(self, specification):
        return super().web_read(specification)

    # Opening a form: on the primary, in a read/write transaction (Odoo 18
    # serves web_read on a read-only cursor, on the replica when there is
    # one, otherwise). The form shown after a button or a save is then never
    # older than that change (a replica replays it a moment later), and its
    # audit line is written in the same transaction. Lists, boards and
    # exports do run on the replica; their audit lines go to the primary
    # (ondermijning.audit.log._write_lines).
    web_read._readonly = False

    def _read_format(self, fnames, load="_classic_read"):
        # read(), search_read(), web_read() and web_search_read() end here
        result = super()._read_format(fnames, load=load)
        content = self._audit_content_field_names().intersection(fnames)
        if content and result:
            self.env["ondermijning.audit.log"]._log(
                self.browse([vals["id"] for vals in result]), "read", content
            )
        return result

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
        # early 18.0 builds export a field without checking its groups, and
        # records without checking the record rules
        self.check_access("read")
        self.check_field_access_rights(
            "read",
            list(
                {
                    path.split("/", 1)[0].split(".", 1)[0]
                    for path in fields_to_export
                    if path.split("/", 1)[0] not in ("id", ".id")
                }
            ),
        )
        self.env["ondermijning.audit.log"]._log(self, "export", fields_to_export)
        return super().export_data(fields_to_export)
