import base64

from odoo import api, models, modules, tools
from odoo.exceptions import UserError
from odoo.http import Stream

from ..tools import crypto


class IrAttachment(models.Model):
    """Documents attached to signals, casussen and overleggen are encrypted
    at rest, are never indexed in clear, and are never public."""

    _inherit = "ir.attachment"

    @api.model
    @tools.ormcache()
    def _ondermijning_encrypted_models(self):
        """Models whose documents are encrypted: those with encrypted fields."""
        mixin = self.env.registry["ondermijning.encryption.mixin"]
        return frozenset(
            name
            for name, model in self.env.registry.items()
            if not model._abstract and issubclass(model, mixin)
        )

    @api.model_create_multi
    def create(self, vals_list):
        encrypted_models = self._ondermijning_encrypted_models()
        for vals in vals_list:
            if vals.get("res_model") in encrypted_models:
                self._ondermijning_seal_values(vals)
        return super().create(vals_list)

    def _ondermijning_seal_values(self, vals):
        """Replace the content in ``vals`` by its ciphertext, after the
        mimetype was taken from the plaintext."""
        if vals.get("public"):
            raise UserError(
                self.env._("Documents of a signal or casus cannot be public.")
            )
        raw, datas = vals.get("raw"), vals.get("datas")
        if not raw and not datas:
            return
        if isinstance(raw, str):
            raw = raw.encode()
        data = raw or base64.b64decode(datas)
        vals["mimetype"] = self._compute_mimetype(dict(vals, raw=data))
        vals.pop("datas", None)
        vals["raw"] = crypto.encrypt_bytes(self.env, data)

    def write(self, vals):
        if vals.get("public") and any(
            a.res_model in self._ondermijning_encrypted_models() for a in self
        ):
            raise UserError(
                self.env._("Documents of a signal or casus cannot be public.")
            )
        return super().write(vals)

    def _set_attachment_data(self, asbytes):
        encrypted_models = self._ondermijning_encrypted_models()

        def sealed(attachment):
            data = asbytes(attachment)
            if (
                attachment.res_model in encrypted_models
                and data
                and not crypto.is_encrypted_bytes(data)
            ):
                return crypto.encrypt_bytes(self.env, data)
            return data

        return super()._set_attachment_data(sealed)

    def _index(self, bin_data, file_type, checksum=None):
        if crypto.is_encrypted_bytes(bin_data):
            return False
        return super()._index(bin_data, file_type, checksum=checksum)

    def _compute_raw(self):
        result = super()._compute_raw()
        for attachment in self:
            if crypto.is_encrypted_bytes(attachment.raw):
                attachment.raw = crypto.decrypt_bytes(self.env, attachment.raw)
        return result

    def _to_http_stream(self):
        """Serve the decrypted content, never the file on disk."""
        if self.res_model in self._ondermijning_encrypted_models() and self.store_fname:
            return Stream(
                type="data",
                data=self.raw,
                mimetype=self.mimetype,
                download_name=self.name,
                etag=self.checksum,
                public=False,
                size=len(self.raw or b""),
                last_modified=self.write_date,
            )
        return super()._to_http_stream()

    def generate_access_token(self):
        if any(a.res_model in self._ondermijning_encrypted_models() for a in self):
            raise UserError(
                self.env._("Documents of a signal or casus cannot be shared by link.")
            )
        return super().generate_access_token()

    def _ondermijning_rotate_files(self, batch_size=100):
        """Re-encrypt documents whose file is not under the current key."""
        current = crypto.FILE_MAGIC + crypto.current_key_id(self.env).encode() + b":"
        done = 0
        attachments = self.sudo().search(
            [
                ("res_model", "in", list(self._ondermijning_encrypted_models())),
                ("type", "=", "binary"),
            ],
            order="id",
        )
        for start in range(0, len(attachments), batch_size):
            batch = attachments[start : start + batch_size]
            for attachment in batch:
                stored = (
                    attachment._file_read(attachment.store_fname)
                    if attachment.store_fname
                    else attachment.db_datas
                ) or b""
                if stored and not stored.startswith(current):
                    attachment.raw = attachment.raw
                    done += 1
            self.env.invalidate_all()
            if not modules.module.current_test:
                # a batched job: each batch is kept when the next fails
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done
