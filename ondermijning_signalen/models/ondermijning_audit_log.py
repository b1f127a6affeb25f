from odoo import api, fields, models

AUDIT_ACTIONS = [
    ("read", "Opened"),
    ("create", "Created"),
    ("write", "Changed"),
    ("unlink", "Deleted"),
    ("export", "Exported"),
    ("unseal", "Opened sealed record"),
]


class OndermijningAuditLog(models.Model):
    """Who opened or changed which sensitive record, and when. It names the
    record and the changed fields, never their content. Read by the
    privacyfunctionaris; nobody edits it."""

    _name = "ondermijning.audit.log"
    _description = "Audit log"
    _order = "id desc"
    _log_access = False
    _rec_name = "reference"

    date = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    action = fields.Selection(AUDIT_ACTIONS, required=True, readonly=True)
    res_model = fields.Char(string="Model", required=True, readonly=True, index=True)
    res_id = fields.Integer(string="Record ID", readonly=True, index=True)
    reference = fields.Char(
        readonly=True, help="Reference of the record, not its content."
    )
    field_names = fields.Char(string="Fields", readonly=True)
    company_id = fields.Many2one(
        "res.company", string="Gemeente", readonly=True, index=True
    )

    @api.model
    def _log(self, records, action, field_names=()):
        """Write one line per record; runs as superuser so that logging never
        depends on the user's rights."""
        if not records or self.env.context.get("ondermijning_no_audit"):
            return
        names = ",".join(sorted(field_names))[:1000] or False
        lines = [
            {
                "user_id": self.env.uid,
                "action": action,
                "res_model": record._name,
                "res_id": record.id,
                "reference": record.sudo().display_name,
                "field_names": names,
                "company_id": record.sudo().company_id.id,
            }
            for record in records
        ]
        self.sudo().create(lines)
