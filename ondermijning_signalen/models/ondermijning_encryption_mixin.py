from odoo import models, modules
from odoo.exceptions import UserError

from ..tools import crypto


class OndermijningEncryptionMixin(models.AbstractModel):
    """Shared behaviour of every model with encrypted fields: encrypted
    fields cannot be searched (the database only holds ciphertext), and
    their values can be re-encrypted under the current key (rotation)."""

    _name = "ondermijning.encryption.mixin"
    _description = "Encrypted fields"

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
        done = 0
        while limit is None or done < limit:
            size = batch_size if limit is None else min(batch_size, limit - done)
            cr.execute(
                f"SELECT id, {', '.join(chr(34) + n + chr(34) for n in names)} "  # noqa: S608
                f'FROM "{self._table}" WHERE {outdated} ORDER BY id LIMIT %s',
                [prefix + "%"] * len(names) + [size],
            )
            rows = cr.fetchall()
            if not rows:
                break
            for row in rows:
                values = []
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
                assignments = ", ".join(f'"{n}" = %s' for n in names)
                cr.execute(
                    f'UPDATE "{self._table}" SET {assignments} WHERE id = %s',  # noqa: S608
                    values + [row[0]],
                )
            done += len(rows)
            self.env.invalidate_all()
            if not modules.module.current_test:
                # a batched job: each batch is kept when the next fails
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done
