from odoo import api, models, modules
from odoo.exceptions import UserError

from ..tools import crypto


class OndermijningEncryptionMixin(models.AbstractModel):
    """Shared behaviour of every model with encrypted fields: encrypted
    fields cannot be searched (the database only holds ciphertext), and
    their values can be re-encrypted under the current key (rotation).

    What hangs from such a record (its documents, messages, followers,
    activities, notes) is its content too: it is encrypted where it holds
    text, and visible only to those who may see the record's content
    (``_ondermijning_content_access``), whatever door they use."""

    _name = "ondermijning.encryption.mixin"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Encrypted fields"

    # The access on the record that its documents, messages, followers and
    # activities need: case records reserve them for their handlers.
    _ondermijning_content_access = "read"

    def _ondermijning_content_forbidden(self, operation="read"):
        """The records among ``self`` whose content the user may not see
        (``operation`` read) or change (any other operation)."""
        if self.env.su or not self:
            return self.browse()
        mode = self._ondermijning_content_access if operation == "read" else "write"
        result = self._check_access(mode)
        return result[0] if result else self.browse()

    @api.model
    def _ondermijning_content_query(self):
        """A query of the records whose content the user may see (for the
        followers, messages, activities and documents hanging from them),
        or None when there are none."""
        mode = self._ondermijning_content_access
        if not self.env["ir.model.access"].check(self._name, mode, False):
            return None
        query = self._where_calc(self._ondermijning_content_domain(), active_test=False)
        self._apply_ir_rules(query, mode)
        return query

    @api.model
    def _ondermijning_content_domain(self):
        return []

    def _encrypted_field_names(self):
        return [
            name
            for name, field in self._fields.items()
            if getattr(field, "encrypted", False) and field.store
        ]

    def _condition_to_sql(self, alias, fname, operator, value, query):
        field = self._fields.get(fname)
        is_set_check = operator in ("=", "!=") and value in (False, None)
        if getattr(field, "encrypted", False) and not is_set_check:
            raise UserError(
                self.env._(
                    "The field '%s' is encrypted and cannot be searched.",
                    field.string,
                )
            )
        return super()._condition_to_sql(alias, fname, operator, value, query)

    def _rotate_encryption(self, batch_size=1000, limit=None):
        """Re-encrypt stored values that are not under the current key.

        Works on raw column values in id order, so an interrupted run loses
        nothing and the next run continues where it stopped. Returns the
        number of rows rewritten."""
        names = self._encrypted_field_names()
        if not names:
            return 0
        current = crypto.current_key_id(self.env)
        prefix = f"{crypto.PREFIX}{current}:"
        cr = self.env.cr
        outdated = " OR ".join(
            f'("{n}" IS NOT NULL AND "{n}" NOT LIKE %s)' for n in names
        )
        columns = ", ".join(f'"{n}"' for n in names)
        assignments = ", ".join(f'"{n}" = v."{n}"' for n in names)
        done = last_id = 0
        while limit is None or done < limit:
            size = batch_size if limit is None else min(batch_size, limit - done)
            # keyset on id: each batch starts where the previous one ended
            # instead of scanning the rows already rotated again
            cr.execute(
                f"SELECT id, {columns} "  # noqa: S608
                f'FROM "{self._table}" WHERE id > %s AND ({outdated}) '
                "ORDER BY id LIMIT %s",
                [last_id] + [prefix + "%"] * len(names) + [size],
            )
            rows = cr.fetchall()
            if not rows:
                break
            updates = []
            for row in rows:
                values = [row[0]]
                for raw in row[1:]:
                    if raw is None or raw.startswith(prefix):
                        values.append(raw)
                    else:
                        plain = (
                            crypto.decrypt(self.env, raw)
                            if crypto.is_encrypted(raw)
                            else raw
                        )
                        values.append(crypto.encrypt(self.env, plain))
                updates.append(tuple(values))
            # one statement per batch, not one per row
            cr.execute(
                f'UPDATE "{self._table}" SET {assignments} '  # noqa: S608
                f"FROM (VALUES {', '.join(['%s'] * len(updates))}) AS v(id, {columns}) "
                f'WHERE "{self._table}".id = v.id',
                updates,
            )
            last_id = rows[-1][0]
            done += len(rows)
            self.env.invalidate_all()
            if not modules.module.current_test:
                # a batched job: each batch is kept when the next fails
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done
