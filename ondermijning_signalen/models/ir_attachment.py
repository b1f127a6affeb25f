"""Documents of cases: encrypted in the filestore, never indexed, governed by
the record they belong to (upload, read, download, delete).

Over 450 lines because every door through which Odoo stores or serves a file
(``create``/``write`` of datas and raw, the chatter's pending upload,
``/web/content`` streams, the garbage collector, the key rotation) must pass
the same encryption and access, and splitting them would hide one door from
the others."""

import base64
import logging
import os

from odoo import api, fields, models, modules, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import Stream
from odoo.tools import SQL, split_every

from ..tools import crypto
from ..tools.purged_files import remove_from_filestore

_logger = logging.getLogger(__name__)
DEFAULT_DOCUMENT_MB = 25


class DocumentName(fields.Char):
    """The name of a case's document is encrypted at rest like its content:
    a file name can name a person ("pv_jan_jansen.pdf"). Other documents keep
    their name in clear (searchable); reading decrypts either way."""

    def _belongs_to_a_case(self, record, values):
        Attachment = record.env["ir.attachment"]
        if values is not None and "res_model" in values:
            res_model, res_id = values.get("res_model"), values.get("res_id")
        elif len(record) == 1:
            res_model, res_id = record.res_model, record.res_id
        else:
            return False
        return res_model in Attachment._ondermijning_encrypted_models() or bool(
            Attachment._ondermijning_owner_of(res_model, res_id)
        )

    def convert_to_column(self, value, record, values=None, validate=True):
        value = super().convert_to_column(value, record, values, validate)
        if (
            value
            and not crypto.is_encrypted(value)
            and self._belongs_to_a_case(record, values)
        ):
            return crypto.encrypt(record.env, value)
        return value

    def convert_to_record(self, value, record):
        if crypto.is_encrypted(value):
            value = crypto.decrypt(record.env, value)
        return super().convert_to_record(value, record)


class IrAttachment(models.Model):
    """Documents of a record that holds case content are encrypted at rest,
    never indexed in clear, never public nor shared by link, and readable
    only by those who may see the record's content. That holds for the
    documents attached to the record itself and for those that hang from
    its messages or activities, by whatever route they were uploaded
    (attachment box, composer, activity, import): the owner is resolved at
    create and at every change of ``res_model``/``res_id``."""

    _inherit = "ir.attachment"

    name = DocumentName("Name", required=True)

    @api.model
    @tools.ormcache()
    def _ondermijning_encrypted_models(self):
        """Models whose records hold case content: those with encrypted fields."""
        mixin = self.env.registry["ondermijning.encryption.mixin"]
        return frozenset(
            name
            for name, model in self.env.registry.items()
            if not model._abstract and issubclass(model, mixin)
        )

    @api.model
    def _ondermijning_owner_rows(self, rows):
        """[(attachment id, res_model, res_id)] -> {model: {res_id: [ids]}} of
        the case records the documents belong to, directly or through a
        message or an activity of theirs."""
        governed = self._ondermijning_encrypted_models()
        owners = {}
        via = {"mail.message": {}, "mail.activity": {}}
        for attachment_id, res_model, res_id in rows:
            if res_model in governed and res_id:
                owners.setdefault(res_model, {}).setdefault(res_id, []).append(
                    attachment_id
                )
            elif res_model in via and res_id:
                via[res_model].setdefault(res_id, []).append(attachment_id)
        for model_name, column in (
            ("mail.message", "model"),
            ("mail.activity", "res_model"),
        ):
            if not via[model_name]:
                continue
            self.env.cr.execute(
                SQL(
                    "SELECT id, %s, res_id FROM %s WHERE id = ANY(%s) AND %s = ANY(%s)",
                    SQL.identifier(column),
                    SQL.identifier(model_name.replace(".", "_")),
                    list(via[model_name]),
                    SQL.identifier(column),
                    list(governed),
                )
            )
            for record_id, res_model, res_id in self.env.cr.fetchall():
                owners.setdefault(res_model, {}).setdefault(res_id, []).extend(
                    via[model_name][record_id]
                )
        return owners

    @api.model
    def _ondermijning_owner_of(self, res_model, res_id):
        """(model, id) of the case record a new document would belong to."""
        owners = self._ondermijning_owner_rows([(0, res_model, res_id)])
        for model_name, by_doc in owners.items():
            return model_name, next(iter(by_doc))
        return None

    def _ondermijning_owners(self):
        """{model: {res_id: attachment ids}} of the documents among ``self``
        that belong to case records."""
        if not self:
            return {}
        self.flush_recordset(["res_model", "res_id"])
        self.env.cr.execute(
            "SELECT id, res_model, res_id FROM ir_attachment WHERE id IN %s",
            [tuple(self.ids)],
        )
        return self._ondermijning_owner_rows(self.env.cr.fetchall())

    @api.model_create_multi
    def create(self, vals_list):
        governed = self._ondermijning_encrypted_models()
        for vals in vals_list:
            # a case's document, also before the case record has an id (a
            # note's documents are uploaded before the note is saved)
            if vals.get("res_model") in governed or self._ondermijning_owner_of(
                vals.get("res_model"), vals.get("res_id")
            ):
                self._ondermijning_seal_values(vals)
        return super().create(vals_list)

    def _ondermijning_seal_values(self, vals):
        """Replace the content in ``vals`` by its ciphertext, after the
        mimetype was taken from the plaintext."""
        if vals.get("public"):
            raise UserError(
                self.env._("Documents of a signal or casus cannot be public.")
            )
        vals.pop("access_token", None)
        raw, datas = vals.get("raw"), vals.get("datas")
        if not raw and not datas:
            return
        if isinstance(raw, str):
            raw = raw.encode()
        data = raw or base64.b64decode(datas)
        self._ondermijning_check_size(vals.get("name"), data)
        vals["mimetype"] = self._compute_mimetype(dict(vals, raw=data))
        vals.pop("datas", None)
        vals["raw"] = crypto.encrypt_bytes(self.env, data)

    @api.model
    def _ondermijning_check_size(self, name, data):
        """Documents of a case have a size limit (system parameter
        ``ondermijning.max_document_mb``, default 25)."""
        limit = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("ondermijning.max_document_mb", DEFAULT_DOCUMENT_MB)
        )
        try:
            limit = float(limit)
        except ValueError:
            limit = DEFAULT_DOCUMENT_MB
        if len(data) > limit * 1024 * 1024:
            raise ValidationError(
                self.env._(
                    "%(name)s is too large: %(size).1f MB, at most %(limit)s MB.",
                    name=name or self.env._("The document"),
                    size=len(data) / 1024 / 1024,
                    limit=limit,
                )
            )

    def write(self, vals):
        if vals.get("public") and self._ondermijning_owners():
            raise UserError(
                self.env._("Documents of a signal or casus cannot be public.")
            )
        result = super().write(vals)
        if {"res_model", "res_id"} & vals.keys():
            # a document that now belongs to a case (a composer's upload
            # linked on posting, an activity's document): encrypt it now
            moved = self.browse(
                [
                    i
                    for ids in self._ondermijning_owners().values()
                    for v in ids.values()
                    for i in v
                ]
            )
            moved._ondermijning_seal_stored()
        return result

    def _ondermijning_seal_stored(self):
        """Encrypt documents that were stored in clear, and remove the clear
        file and extracted text at once (not at the next garbage
        collection)."""
        for attachment in self.sudo():
            if attachment.public or attachment.access_token:
                attachment.write({"public": False, "access_token": False})
            stored = (
                attachment._file_read(attachment.store_fname)
                if attachment.store_fname
                else attachment.db_datas
            ) or b""
            if not stored or crypto.is_encrypted_bytes(stored):
                continue
            old_fname = attachment.store_fname
            attachment.write({"raw": stored, "index_content": False})
            attachment._ondermijning_seal_name()
            if old_fname and old_fname != attachment.store_fname:
                self._ondermijning_remove_files([old_fname])

    def _ondermijning_seal_name(self):
        """Store the name encrypted under the current key (a document that
        came to belong to a case, or a key rotation)."""
        self.flush_recordset(["name"])
        self.env.cr.execute("SELECT name FROM ir_attachment WHERE id = %s", [self.id])
        stored = self.env.cr.fetchone()[0] or ""
        plain = (
            crypto.decrypt(self.env, stored) if crypto.is_encrypted(stored) else stored
        )
        current = f"{crypto.PREFIX}{crypto.current_key_id(self.env)}:"
        if plain and not stored.startswith(current):
            self.env.cr.execute(
                "UPDATE ir_attachment SET name = %s WHERE id = %s",
                [crypto.encrypt(self.env, plain), self.id],
            )
            self.invalidate_recordset(["name"])

    def _set_attachment_data(self, asbytes):
        owners = self._ondermijning_owners()
        governed_ids = {i for ids in owners.values() for v in ids.values() for i in v}

        def sealed(attachment):
            data = asbytes(attachment)
            if (
                attachment.id in governed_ids
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
        """Serve the decrypted content, never the file on disk, and log the
        download."""
        owners = self._ondermijning_owners()
        if owners and self.store_fname:
            for model_name, by_doc in owners.items():
                self.env["ondermijning.audit.log"]._log(
                    self.env[model_name].browse(list(by_doc)),
                    "download",
                    ["attachment"],
                )
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
        if self._ondermijning_owners():
            raise UserError(
                self.env._("Documents of a signal or casus cannot be shared by link.")
            )
        return super().generate_access_token()

    def check(self, mode, values=None):
        """A case's documents need access to the case's content."""
        if not self.env.su:
            for model_name, by_doc in self._ondermijning_owners().items():
                documents = self.env[model_name].browse(list(by_doc))
                forbidden = documents._ondermijning_content_forbidden(mode)
                if forbidden:
                    raise AccessError(
                        self.env._(
                            "Sorry, you are not allowed to access this document."
                        )
                    )
            if values:
                owner = self._ondermijning_owner_of(
                    values.get("res_model"), values.get("res_id")
                )
                if owner:
                    document = self.env[owner[0]].browse(owner[1])
                    if document._ondermijning_content_forbidden(mode):
                        raise AccessError(
                            self.env._(
                                "Sorry, you are not allowed to access this document."
                            )
                        )
        return super().check(mode, values=values)

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
                attachment._ondermijning_seal_name()
            self.env.invalidate_all()
            if not modules.module.current_test:
                # a batched job: each batch is kept when the next fails
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done

    # ------------------------------------------------------------------
    # Search: a case's documents for those who may see its content
    # ------------------------------------------------------------------
    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        query = super()._search(domain, offset, limit, order)
        if self.env.su:
            return query
        found = self.browse(query)
        hidden = set()
        for model_name, by_doc in found._ondermijning_owners().items():
            documents = self.env[model_name].browse(list(by_doc))
            for document in documents._ondermijning_content_forbidden("read"):
                hidden.update(by_doc[document.id])
        if not hidden:
            return query
        return self.browse([i for i in found.ids if i not in hidden])._as_query(order)

    # ------------------------------------------------------------------
    # Retention: purged files
    # ------------------------------------------------------------------
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
        removed, failed = remove_from_filestore(
            self._ondermijning_files_to_remove(fnames)
        )
        self._ondermijning_files_removed(removed, failed)
        return len(removed)

    @api.model
    def _ondermijning_files_to_remove(self, fnames):
        """(name, path, checklist path) of the queued files that no attachment
        refers to; the others are taken off the queue now."""
        fnames = sorted(set(filter(None, fnames)))
        if not fnames:
            return []
        in_use = set()
        for names in split_every(1000, fnames, list):
            self.env.cr.execute(
                "SELECT store_fname FROM ir_attachment WHERE store_fname = ANY(%s)",
                [names],
            )
            in_use.update(row[0] for row in self.env.cr.fetchall())
        if in_use:
            self._ondermijning_unqueue(sorted(in_use))
        checklist = self._full_path("checklist")
        return [
            (fname, self._full_path(fname), os.path.join(checklist, fname))
            for fname in fnames
            if fname not in in_use
        ]

    @api.model
    def _ondermijning_files_removed(self, removed, failed):
        """Take removed files off the queue; leave those that could not be
        removed to the garbage collection."""
        for fname in failed:
            self._mark_for_gc(fname)
        self._ondermijning_unqueue(removed + failed)

    @api.model
    def _ondermijning_unqueue(self, fnames):
        for names in split_every(5000, fnames, list):
            self.env.cr.execute(
                "DELETE FROM ondermijning_purged_file WHERE store_fname = ANY(%s)",
                [names],
            )
