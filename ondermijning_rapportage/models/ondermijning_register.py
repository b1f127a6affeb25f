"""The signal register and the destruction log out to Excel, as the user:
only the rows and the columns the user may read, streamed in batches."""

import datetime
import logging

import pytz

from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.ondermijning_signalen.tools import lead_times

from ..report import ondermijning_register_reader as reader
from ..report import ondermijning_workbooks as workbooks

_logger = logging.getLogger(__name__)

# Register column key -> field of ondermijning.signaal
REGISTER_FIELDS = {
    "name": "name",
    "company": "company_id",
    "mma_number": "mma_number",
    "mma_date_received": "mma_date_received",
    "mma_date_opened": "mma_date_opened",
    "date_received": "date_received",
    "categorie": "categorie_id",
    "mma_discipline": "mma_discipline",
    "bt_tafel_date": "bt_tafel_date",
    "mma_follow_up": "mma_follow_up",
    "herkomst": "herkomst_id",
    "channel": "channel",
    "wijk": "wijk_id",
    "stage": "stage_id",
    "end_state": "end_state",
    "date_end": "date_end",
    "user": "user_id",
}
# MMA register column key (the import format) -> field of ondermijning.signaal
MMA_REGISTER_FIELDS = {
    "mma_number": "mma_number",
    "date_received": "date_received",
    "mma_date_received": "mma_date_received",
    "mma_date_opened": "mma_date_opened",
    "categorie": "categorie_id",
    "mma_discipline": "mma_discipline",
    "bt_tafel_date": "bt_tafel_date",
    "mma_follow_up": "mma_follow_up",
    "herkomst": "herkomst_id",
    "channel": "channel",
    "wijk": "wijk_id",
    "date_facts": "date_facts",
    "facts_location": "facts_location",
    "description": "description",
}
LEAD_KEYS = lead_times.LEAD_FIELDS
LEAD_DATE_FIELDS = lead_times.LEAD_DATE_FIELDS


class OndermijningRegister(models.AbstractModel):
    """The signal register out of Excel: the rows and fields the user may
    read (the import is ``ondermijning.register.importer``)."""

    _name = "ondermijning.register"
    _description = "Signal register (Excel export)"

    # ------------------------------------------------------------------
    # Progress
    # ------------------------------------------------------------------
    @api.model
    def _progress_notifier(self, total, title, minimum=10000):
        """A callback ``progress(done)`` that tells the user how far a long
        export or import is, every 10%, as a notification through the bus on
        a cursor of its own (the work's own transaction only ends when it is
        done). None for runs under ``minimum`` rows: the caller decides."""
        if total < minimum:
            return None
        partner_id = self.env.user.partner_id.id
        registry = self.env.registry
        state = {"last": 0}

        def progress(done):
            percent = min(100, done * 100 // max(total, 1))
            if percent < state["last"] + 10 or percent >= 100:
                return
            state["last"] = percent
            try:
                with registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    env["bus.bus"]._sendone(
                        env["res.partner"].browse(partner_id),
                        "simple_notification",
                        {
                            "type": "info",
                            "title": title,
                            "sticky": False,
                            "message": f"{done} / {total} ({percent}%)",
                        },
                    )
            except Exception:  # noqa: BLE001 - progress is a courtesy, never a failure
                _logger.debug("Could not send progress", exc_info=True)

        return progress

    # ------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------
    @api.model
    def _signal_domain(self, filters):
        """The filter dict of the export wizard as a domain on signals (the
        same translation as the statistics': ``_filter_domain``)."""
        domain = self.env["ondermijning.statistiek"]._filter_domain(
            filters, target="ondermijning.signaal"
        )
        if "is_sealed" in self.env["ondermijning.signaal"]._fields:
            # a sealed signal is read only after the privacyfunctionaris
            # opened it with a reason: it is not exported in bulk
            domain += ["|", ("is_sealed", "=", False), ("unseal_open", "=", True)]
        return domain

    @api.model
    def _register_columns(self):
        """The register columns whose fields the user may read."""
        Signal = self.env["ondermijning.signaal"]
        leads_ok = all(
            Signal._fields[f].is_accessible(self.env) for f in LEAD_DATE_FIELDS
        )
        columns = []
        for column in workbooks.REGISTER_COLUMNS:
            if column.key in REGISTER_FIELDS:
                if Signal._fields[REGISTER_FIELDS[column.key]].is_accessible(self.env):
                    columns.append(column)
            elif column.key in LEAD_KEYS and leads_ok:
                columns.append(column)
        return columns

    @api.model
    def _register_rows(self, domain, columns, batch_size=2000, field_map=None):
        """Rows of the register, searched as the current user (record
        rules), in batches by (received, id) so memory stays flat however
        large the register. Every exported batch is written to the audit
        log. ``field_map``: column key -> signal field (default the
        register's).

        Plain stored columns are read straight from the table, with local
        times and lead times computed in the same query (the ORM's read and
        the per-cell conversions were half the export); what the ORM must
        decrypt, audit as content or withhold (a partner, a sealed signal)
        is read through the ORM as before (``_register_fetch``)."""
        field_map = field_map or REGISTER_FIELDS
        Signal = self.env["ondermijning.signaal"]
        Signal.check_access("read")
        keys = {column.key for column in columns}
        fnames = [field_map[key] for key in field_map if key in keys]
        with_leads = bool(keys & set(LEAD_KEYS))
        if with_leads:
            fnames += [f for f in LEAD_DATE_FIELDS if f not in fnames]
        fnames = list(dict.fromkeys(fnames + ["date_received"]))
        selections = {
            fname: dict(Signal._fields[fname]._description_selection(self.env))
            for fname in fnames
            if Signal._fields[fname].type == "selection"
        }
        relations = {
            fname: Signal._fields[fname].comodel_name
            for fname in fnames
            if Signal._fields[fname].type == "many2one"
        }
        names = {model: {} for model in relations.values()}
        wanted = [(key, fname) for key, fname in field_map.items() if key in keys]

        last = None
        while True:
            page = list(domain)
            if last:
                page += [
                    "|",
                    ("date_received", ">", last[0]),
                    "&",
                    ("date_received", "=", last[0]),
                    ("id", ">", last[1]),
                ]
            batch = Signal.search(page, order="date_received, id", limit=batch_size)
            if not batch:
                return
            records = self._register_fetch(batch, fnames, with_leads)
            for fname, model in relations.items():
                missing = {r[fname] for r in records if r[fname]} - names[model].keys()
                if missing:
                    for rec in self.env[model].browse(missing).read(["display_name"]):
                        names[model][rec["id"]] = rec["display_name"]
            self.env["ondermijning.audit.log"]._log(batch, "export", fnames)
            last = (records[-1]["_utc_received"], records[-1]["id"])
            for values in records:
                row = {}
                for key, fname in wanted:
                    value = values[fname]
                    if fname in relations:
                        value = names[relations[fname]].get(value) if value else None
                    elif fname in selections:
                        value = selections[fname].get(value, value) if value else None
                    row[key] = value
                if with_leads:
                    row.update(values["_leads"])
                yield row
            # keep memory flat: forget the batch (and its audit lines)
            self.env.invalidate_all()

    @api.model
    def _register_sql_fields(self, fnames):
        """The fields among ``fnames`` that are read from their column as
        they are: stored, not encrypted, not content the audit log records
        per read, not translated or company-dependent."""
        Signal = self.env["ondermijning.signaal"]
        content = Signal._audit_content_field_names()
        plain = ("char", "selection", "date", "datetime", "many2one", "integer")
        return [
            fname
            for fname in fnames
            if (field := Signal._fields[fname]).store
            and field.column_type
            and field.type in plain
            and not getattr(field, "encrypted", False)
            and not field.translate
            and not field.company_dependent
            and fname not in content
        ]

    @api.model
    def _register_fetch(self, batch, fnames, with_leads):
        """[{field: value}] of the signals of ``batch`` in its order, with
        datetimes in the gemeenten's local time (naive), ``_utc_received``
        (the paging key) and, with ``with_leads``, ``_leads`` ({lead field:
        days}). A signal whose content is withheld from the user, and the
        fields that are not plain columns, are read through the ORM (its
        masking, decryption and audit)."""
        Signal = self.env["ondermijning.signaal"]
        # what the seal check and the audit log look at, without the other
        # columns a plain access would prefetch
        batch.sudo().fetch(["is_sealed", "company_id"])
        limits = batch._content_limits()
        free = batch.browse([i for i in batch.ids if i not in limits])
        sql_names = self._register_sql_fields(fnames)
        orm_names = [f for f in fnames if f not in sql_names]
        tz = self.env["ondermijning.statistiek"]._tz()
        values = {}
        if free:
            Signal.flush_model(sql_names)
            terms = [SQL("s.id"), SQL("s.date_received")]
            for fname in sql_names:
                column = SQL.identifier("s", fname)
                if Signal._fields[fname].type == "datetime":
                    column = SQL("timezone(%s, timezone('UTC', %s))", tz.zone, column)
                terms.append(column)
            leads = lead_times.sql_columns("s") if with_leads else {}
            terms += [SQL(expression) for expression in leads.values()]
            rows = self.env.execute_query(
                SQL(
                    "SELECT %s FROM %s s WHERE s.id = ANY(%s)",
                    SQL(", ").join(terms),
                    SQL.identifier(Signal._table),
                    list(free.ids),
                )
            )
            width = 2 + len(sql_names)
            for row in rows:
                record = dict(zip(sql_names, row[2:width], strict=True))
                record.update(id=row[0], _utc_received=row[1])
                record["_leads"] = dict(zip(leads, row[width:], strict=True))
                values[row[0]] = record
            if orm_names:
                for vals in free.read(orm_names, load=None):
                    values[vals["id"]].update(self._register_local(vals, tz))
        if limits:
            limited = batch.browse(list(limits))
            for vals in limited.read(fnames, load=None):
                record = self._register_local(vals, tz)
                record["_utc_received"] = vals["date_received"]
                record["_leads"] = lead_times.compute(vals) if with_leads else {}
                values[vals["id"]] = record
        return [values[signal_id] for signal_id in batch.ids]

    @api.model
    def _register_local(self, vals, tz):
        """ORM values with their datetimes in local time (naive)."""
        return {
            fname: pytz.utc.localize(value).astimezone(tz).replace(tzinfo=None)
            if isinstance(value, datetime.datetime)
            else value
            for fname, value in vals.items()
        }

    @api.model
    def _export_register(self, fileobj, filters, progress=None, batch_size=2000):
        """Write the register of the signals matching ``filters`` that the
        user may read, with only the columns the user may read. Returns the
        number of rows."""
        columns = self._register_columns()
        domain = self._signal_domain(filters)
        rows = self._register_rows(domain, columns, batch_size=batch_size)
        return workbooks.write_register(
            fileobj, rows, columns=columns, progress=progress, progress_every=batch_size
        )

    # ------------------------------------------------------------------
    # MMA register: the import format, so that an export imported into an
    # empty register and exported again gives the same workbook
    # ------------------------------------------------------------------
    @api.model
    def _mma_register_columns(self):
        """The import format's columns whose fields the user may read (the
        content -- time and place of the facts, the summary -- only for
        those who may read it; rows are read as the user, so a partner's
        clearance and the seal apply as in the register)."""
        Signal = self.env["ondermijning.signaal"]
        return [
            workbooks.Column(column.key, column.header, column.kind, column.width)
            for column in reader.IMPORT_COLUMNS
            if Signal._fields[MMA_REGISTER_FIELDS[column.key]].is_accessible(self.env)
        ]

    @api.model
    def _export_mma_register(self, fileobj, filters, progress=None, batch_size=2000):
        """Write the MMA signals matching ``filters`` that the user may read
        in the import format (one row per signal, oldest first). Returns
        the number of rows."""
        columns = self._mma_register_columns()
        domain = self._signal_domain(dict(filters or {}, only_mma=True))
        rows = self._register_rows(
            domain, columns, batch_size=batch_size, field_map=MMA_REGISTER_FIELDS
        )
        return workbooks.write_register(
            fileobj,
            rows,
            columns=columns,
            sheet_name="MMA-register",
            progress=progress,
            progress_every=batch_size,
        )

    # ------------------------------------------------------------------
    # Destruction log
    # ------------------------------------------------------------------
    @api.model
    def _destruction_rows(self, filters):
        """The destruction log lines destroyed in the period, read as the
        user: the privacyfunctionaris, for their own gemeente(n)."""
        if not self.env.user.has_group("ondermijning_signalen.group_privacy"):
            raise AccessError(
                self.env._("Only the privacyfunctionaris exports the destruction log.")
            )
        if "ondermijning.vernietiging" not in self.env:
            raise UserError(
                self.env._("The destruction log is not available in this installation.")
            )
        Log = self.env["ondermijning.vernietiging"]
        Log.check_access("read")
        Stat = self.env["ondermijning.statistiek"]
        start, stop = Stat._period_bounds(filters, "day")
        domain = []
        if start:
            domain.append(("date_destroyed", ">=", start))
        if stop:
            domain.append(("date_destroyed", "<", stop))
        if filters.get("company_ids"):
            domain.append(("company_id", "in", list(filters["company_ids"])))
        fnames = [
            "reference",
            "record_kind",
            "company_id",
            "end_state",
            "bewaartermijn_id",
            "rule_months",
            "rule_seal",
            "rule_requires_approval",
            "date_end",
            "date_destroy",
            "date_destroyed",
            "vernietigingslijst_id",
            "user_id",
        ]
        tz = Stat._tz()
        kinds = dict(Log._fields["record_kind"]._description_selection(self.env))
        states = dict(Log._fields["end_state"]._description_selection(self.env))
        last_id = 0
        while True:
            batch = Log.search(domain + [("id", ">", last_id)], order="id", limit=2000)
            if not batch:
                return
            for values in batch.read(fnames):
                yield {
                    "reference": values["reference"],
                    "kind": kinds.get(values["record_kind"], values["record_kind"]),
                    "company": values["company_id"] and values["company_id"][1],
                    "end_state": states.get(values["end_state"])
                    if values["end_state"]
                    else None,
                    "rule": values["bewaartermijn_id"]
                    and values["bewaartermijn_id"][1],
                    "rule_months": values["rule_months"],
                    "rule_seal": "ja" if values["rule_seal"] else "nee",
                    "rule_approval": "ja"
                    if values["rule_requires_approval"]
                    else "nee",
                    "date_end": values["date_end"],
                    "date_destroy": values["date_destroy"],
                    "date_destroyed": values["date_destroyed"]
                    and pytz.utc.localize(values["date_destroyed"])
                    .astimezone(tz)
                    .replace(tzinfo=None),
                    "lijst": values["vernietigingslijst_id"]
                    and values["vernietigingslijst_id"][1],
                    "user": values["user_id"] and values["user_id"][1],
                }
            last_id = batch[-1].id
            self.env.invalidate_all()

    @api.model
    def _export_destruction_log(self, fileobj, filters):
        return workbooks.write_destruction_log(fileobj, self._destruction_rows(filters))
