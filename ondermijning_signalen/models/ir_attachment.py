import base64
import contextlib
import logging
import os

from odoo import api, models, modules, tools
from odoo.exceptions import UserError
from odoo.http import Stream
from odoo.tools import split_every

from ..tools import crypto

_logger = logging.getLogger(__name__)


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

    # ------------------------------------------------------------------
    # Retention: sealed signals and purged files
    # ------------------------------------------------------------------
    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        query = super()._search(domain, offset, limit, order)
        if self.env.su:
            return query
        ids = list(query)
        if not ids:
            return query
        self.env.cr.execute(
            "SELECT id, res_id FROM ir_attachment WHERE id IN %s AND res_model = %s "
            "AND res_id IS NOT NULL",
            [tuple(ids), "ondermijning.signaal"],
        )
        by_signal = {}
        for attachment_id, res_id in self.env.cr.fetchall():
            by_signal.setdefault(res_id, []).append(attachment_id)
        if not by_signal:
            return query
        closed = (
            self.env["ondermijning.signaal"].browse(list(by_signal))._sealed_closed()
        )
        if not closed:
            return query
        hidden = {
            attachment_id
            for signal_id in closed.ids
            for attachment_id in by_signal[signal_id]
        }
        return self.browse([i for i in ids if i not in hidden])._as_query(order)

    def init(self):
        result = super().init()
        # the purge's queue of files to remove once their deletion committed
        self.env.cr.execute(
            "CREATE TABLE IF NOT EXISTS ondermijning_purged_file "
            "(store_fname varchar PRIMARY KEY)"
        )
        return result

    def _file_delete(self, fname):
        """During a purge, collect the files of deleted documents so that
        they are removed at once, not at the next garbage collection. They
        are queued in the database with the deletion (``_ondermijning_queue_files``)
        instead of marked one by one in Odoo's checklist: one file written
        per document cost a third of the purge."""
        collector = self.env.context.get("ondermijning_purged_files")
        if collector is not None:
            collector.append(fname)
            return None
        return super()._file_delete(fname)

    @api.model
    def _ondermijning_queue_files(self, fnames):
        """Queue files to remove, in the transaction that deleted their
        attachments: committed together, or rolled back together."""
        fnames = sorted(set(filter(None, fnames)))
        if fnames:
            self.env.cr.execute(
                "INSERT INTO ondermijning_purged_file (store_fname) "
                "SELECT unnest(%s::varchar[]) ON CONFLICT DO NOTHING",
                [fnames],
            )
        return len(fnames)

    @api.model
    def _ondermijning_remove_queued_files(self):
        """Remove the files a purge queued but did not get to remove (it was
        interrupted after its commit)."""
        self.env.cr.execute("SELECT store_fname FROM ondermijning_purged_file")
        fnames = [row[0] for row in self.env.cr.fetchall()]
        return self._ondermijning_remove_files(fnames)

    @api.model
    def _ondermijning_remove_files(self, fnames):
        """Remove files no attachment refers to any more, and take them off
        the purge's queue. Called after the deletion was committed; until
        then the queue holds them, so that the next purge finishes the job
        if this is interrupted. A file that cannot be removed is left to
        Odoo's garbage collection."""
        fnames = sorted(set(filter(None, fnames)))
        if not fnames:
            return 0
        removed = 0
        for names in split_every(1000, fnames, tuple):
            self.env.cr.execute(
                "SELECT store_fname FROM ir_attachment WHERE store_fname IN %s", [names]
            )
            in_use = {row[0] for row in self.env.cr.fetchall()}
            for fname in names:
                if fname in in_use:
                    continue
                path = self._full_path(fname)
                if os.path.exists(path):
                    try:
                        os.unlink(path)
                        removed += 1
                    except OSError:
                        # left to the garbage collection
                        _logger.warning(
                            "Could not remove a purged file from the filestore.",
                            exc_info=True,
                        )
                        self._mark_for_gc(fname)
                        continue
                # nothing left for the garbage collection to do
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(self._full_path("checklist"), fname))
            self.env.cr.execute(
                "DELETE FROM ondermijning_purged_file WHERE store_fname IN %s", [names]
            )
        return removed
