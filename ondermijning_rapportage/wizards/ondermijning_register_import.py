import base64
import binascii

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.ondermijning_signalen.tools import crypto

from ..models.ondermijning_register_importer import ImportFailed


class OndermijningRegisterImport(models.TransientModel):
    """Import an existing register (xlsx): preview every row, write only
    when the user confirms and only if every row is valid."""

    _name = "ondermijning.register.import"
    _description = "Import a signal register"

    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    # The register holds case content: the upload is never stored as it
    # came. ``file`` only passes through (computed, not stored); what is kept
    # until the import is encrypted (``file_sealed``), and emptied by the
    # import, "Other file" and the transient vacuum.
    file = fields.Binary(
        string="Register (xlsx)",
        compute="_compute_file",
        inverse="_inverse_file",
    )
    file_sealed = fields.Binary(
        string="Register (encrypted)", attachment=False, copy=False
    )
    filename = fields.Char()
    state = fields.Selection(
        [("upload", "Upload"), ("preview", "Preview"), ("done", "Imported")],
        default="upload",
        required=True,
    )
    line_ids = fields.One2many(
        "ondermijning.register.import.line", "wizard_id", string="Rows"
    )
    valid_count = fields.Integer(compute="_compute_counts", string="Valid rows")
    invalid_count = fields.Integer(compute="_compute_counts", string="Rows with errors")
    imported_count = fields.Integer(readonly=True)
    imported_signal_ids = fields.Many2many(
        "ondermijning.signaal", string="Imported signals"
    )
    message = fields.Text(readonly=True)

    @api.depends("file_sealed")
    def _compute_file(self):
        for wizard in self:
            data = wizard._file_data()
            wizard.file = base64.b64encode(data) if data else False

    def _inverse_file(self):
        Register = self.env["ondermijning.register.importer"]
        for wizard in self:
            if not wizard.file:
                wizard.file_sealed = False
                continue
            try:
                data = base64.b64decode(wizard.file, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise UserError(self.env._("The upload is not a file.")) from exc
            Register._import_check_upload(data)
            wizard.file_sealed = base64.b64encode(crypto.encrypt_bytes(self.env, data))

    def _file_data(self):
        """The uploaded register's bytes (decrypted), or None."""
        self.ensure_one()
        sealed = self.file_sealed
        if not sealed:
            return None
        if isinstance(sealed, str):
            sealed = sealed.encode()
        return crypto.decrypt_bytes(self.env, base64.b64decode(sealed))

    @api.depends("line_ids.state")
    def _compute_counts(self):
        for wizard in self:
            wizard.valid_count = len(
                wizard.line_ids.filtered(lambda line: line.state == "valid")
            )
            wizard.invalid_count = len(wizard.line_ids) - wizard.valid_count

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import register"),
        }

    def _data(self):
        self.ensure_one()
        data = self._file_data()
        if not data:
            raise UserError(self.env._("Choose the register workbook (xlsx) first."))
        if self.company_id not in self.env.user.company_ids:
            raise UserError(self.env._("You can only import into your own gemeente."))
        return data

    def _check(self):
        return self.env["ondermijning.register.importer"]._import_check(
            self.company_id, self._data()
        )

    def _show(self, results, message=None):
        self.line_ids = [Command.clear()] + [
            Command.create(
                {
                    "row_number": result["row"],
                    "mma_number": result["mma_number"],
                    "date_received": result["date_received"],
                    "categorie": result["categorie"],
                    "state": "invalid" if result["errors"] else "valid",
                    "reason": "\n".join(result["errors"]) or False,
                }
            )
            for result in results
        ]
        self.write({"state": "preview", "message": message or False})

    def action_preview(self):
        """Read and check the file and try the import without keeping it;
        writes only the preview lines."""
        self.ensure_one()
        results = self.env["ondermijning.register.importer"]._import_preview(
            self.company_id, self._data()
        )
        invalid = sum(1 for result in results if result["errors"])
        message = (
            self.env._(
                "%(count)s of %(total)s rows have errors: correct the file and "
                "preview again. Nothing is imported while a row has an error.",
                count=invalid,
                total=len(results),
            )
            if invalid
            else self.env._(
                "All %s rows are valid. Confirm to import them.", len(results)
            )
        )
        self._show(results, message)
        return self._reopen()

    def action_import(self):
        """Import now, or for a register of many rows in the background
        (``ondermijning.rapportage.job``)."""
        self.ensure_one()
        Job = self.env["ondermijning.rapportage.job"]
        if len(self.line_ids) > Job._background_rows():
            self._data()  # refuse here what the job would refuse
            Job._enqueue("import", params={"wizard_id": self.id})
            return Job._queued_action()
        return self._import_now()

    def _import_now(self):
        """Check the file again and create every signal in one go, or none."""
        self.ensure_one()
        results = self._check()
        try:
            signals = self.env["ondermijning.register.importer"]._import_create(
                self.company_id, results
            )
        except ImportFailed as failure:
            self._show(failure.results, str(failure.args[0]))
            return self._reopen()
        self.line_ids = [Command.clear()]
        self.write(
            {
                "state": "done",
                "file_sealed": False,
                "imported_count": len(signals),
                "imported_signal_ids": [Command.set(signals.ids)],
                "message": self.env._("%s signals were imported.", len(signals)),
            }
        )
        return self._reopen()

    def action_back(self):
        self.ensure_one()
        self.write(
            {
                "state": "upload",
                "line_ids": [Command.clear()],
                "message": False,
                "file_sealed": False,
                "filename": False,
            }
        )
        return self._reopen()

    def action_open_signals(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Imported signals"),
            "res_model": "ondermijning.signaal",
            "view_mode": "list,form",
            "domain": [("id", "in", self.imported_signal_ids.ids)],
        }

    def action_download_template(self):
        return {
            "type": "ir.actions.act_url",
            "url": "/ondermijning_rapportage/import_template",
            "target": "download",
        }


class OndermijningRegisterImportLine(models.TransientModel):
    _name = "ondermijning.register.import.line"
    _description = "Preview row of a register import"
    _order = "row_number"

    wizard_id = fields.Many2one(
        "ondermijning.register.import", required=True, ondelete="cascade"
    )
    row_number = fields.Integer(string="Row")
    mma_number = fields.Char(string="MMA number")
    date_received = fields.Date(string="Received")
    categorie = fields.Char(string="Category")
    state = fields.Selection([("valid", "Valid"), ("invalid", "Error")], required=True)
    reason = fields.Text()
