import contextlib
import datetime
import logging

import pytz

from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import AccessError, UserError
from odoo.modules import module

from ..report import ondermijning_register_reader as reader
from ..report import ondermijning_workbooks as workbooks

_logger = logging.getLogger(__name__)

MB = 1024 * 1024
# Register import limits (system parameters ondermijning_rapportage.import_*)
IMPORT_LIMITS = {
    "upload_mb": 10,  # the uploaded file
    "expanded_mb": 50,  # its parts unpacked (a zip bomb is refused before parsing)
    "max_rows": 10000,  # filled rows read
}
# How imported signals are created (as base_import does by default).
IMPORT_CONTEXT = {"tracking_disable": True, "mail_create_nolog": True}
# Dates in a register lie between this day and today.
IMPORT_EARLIEST = datetime.date(2000, 1, 1)

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
# The step dates the lead times are computed from (same rule as the
# statistics view: time spent in a step, until the next step or the end).
LEAD_DATE_FIELDS = [
    "date_received",
    "date_stap2",
    "date_stap3",
    "date_stap4",
    "date_monitoring",
    "date_end",
]
LEAD_KEYS = ["lead_stap1", "lead_stap2", "lead_stap3", "lead_stap4", "lead_total"]


def lead_times(values):
    """{lead key: days or None} from a signal's step dates (datetimes)."""
    received, stap2, stap3, stap4, monitoring, end = (
        values.get(f) for f in LEAD_DATE_FIELDS
    )

    def days(later, earlier):
        if not later or not earlier:
            return None
        return (later - earlier).total_seconds() / 86400.0

    return {
        "lead_stap1": days(stap2 or end, received),
        "lead_stap2": days(stap3 or end, stap2),
        "lead_stap3": days(stap4 or end, stap3),
        "lead_stap4": days(monitoring or end, stap4),
        "lead_total": days(end, received),
    }


def _dmy(day):
    """dd-mm-jjjj, also for the years before 1000 (strftime drops zeros)."""
    return f"{day.day:02d}-{day.month:02d}-{day.year:04d}"


class _RegisterRow:
    """One row of a register being read: typed values, and the reasons
    (translated, named after the file's headers) why it cannot be
    imported."""

    headers = {c.key: c.header for c in reader.IMPORT_COLUMNS}

    def __init__(self, env, raw, lookups, period):
        self.env = env
        self.raw = raw
        self.lookups = lookups
        self.period = period  # (first, last) plausible date
        self.errors = []

    def text(self, key):
        value = self.raw.get(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, (datetime.date, datetime.datetime)):
            value = value.strftime("%d-%m-%Y")
        return str(value).strip()

    def missing(self, key, reason=None):
        if reason:
            self.errors.append(
                self.env._(
                    "Required value missing: %(column)s (%(reason)s)",
                    column=self.headers[key],
                    reason=reason,
                )
            )
        else:
            self.errors.append(
                self.env._("Required value missing: %s", self.headers[key])
            )

    def date(self, key, required=False, not_before=None):
        """A plausible date: between the register's first year and today,
        and not before ``not_before`` (the date received)."""
        try:
            value = reader.parse_date(self.raw.get(key))
        except (ValueError, OverflowError):
            self.errors.append(
                self.env._(
                    "Invalid date in %(column)s: '%(value)s'",
                    column=self.headers[key],
                    value=self.text(key),
                )
            )
            return None
        if value is None:
            if required:
                self.missing(key)
            return None
        first, last = self.period
        if not first <= value <= last:
            self.errors.append(
                self.env._(
                    "%(column)s must lie between %(first)s and today: '%(value)s'",
                    column=self.headers[key],
                    first=_dmy(first),
                    value=_dmy(value),
                )
            )
            return None
        if not_before and value < not_before:
            self.errors.append(
                self.env._(
                    "%(column)s lies before the date received: '%(value)s'",
                    column=self.headers[key],
                    value=_dmy(value),
                )
            )
            return None
        return value

    def lookup(self, key, table, required=False):
        value = self.text(key)
        if not value:
            if required:
                self.missing(key)
            return None
        found = self.lookups[table].get(value.lower())
        if not found:
            if table == "categorie":
                message = self.env._("Unknown category: '%s'", value)
            elif table == "herkomst":
                message = self.env._("Unknown source: '%s'", value)
            elif table == "wijk":
                message = self.env._("Unknown wijk: '%s'", value)
            else:
                message = self.env._(
                    "Unknown value in %(column)s: '%(value)s'",
                    column=self.headers[key],
                    value=value,
                )
            self.errors.append(message)
        return found


class ImportFailed(UserError):
    """An import that wrote nothing; ``results`` holds the reasons per row."""

    def __init__(self, message, results):
        super().__init__(message)
        self.results = results


class OndermijningRegister(models.AbstractModel):
    """The signal register in and out of Excel: export of the rows and
    fields the user may read, and import of an existing register with a
    check of every row before anything is written."""

    _name = "ondermijning.register"
    _description = "Signal register (Excel)"

    # ------------------------------------------------------------------
    # Progress
    # ------------------------------------------------------------------
    @api.model
    def _progress_notifier(self, total, title, minimum=10000):
        """A callback ``progress(done)`` that tells the user how far a long
        export or import is, every 10%, as a notification through the bus on
        a cursor of its own (the work's own transaction only ends when it is
        done). None for short runs and in tests."""
        if module.current_test or total < minimum:
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
        """The filter dict of the export wizard as a domain on signals."""
        Stat = self.env["ondermijning.statistiek"]
        filters = filters or {}
        domain = []
        start, stop = Stat._utc_bounds(filters.get("date_from"), filters.get("date_to"))
        if start:
            domain.append(("date_received", ">=", start))
        if stop:
            domain.append(("date_received", "<", stop))
        if filters.get("company_ids"):
            domain.append(("company_id", "in", list(filters["company_ids"])))
        if filters.get("categorie_ids"):
            domain.append(("categorie_id", "in", list(filters["categorie_ids"])))
        if filters.get("stage_code"):
            domain.append(("stage_code", "=", filters["stage_code"]))
        if filters.get("end_state"):
            domain.append(("end_state", "=", filters["end_state"]))
        if filters.get("only_mma"):
            domain.append(("herkomst_id.code", "=", "mma"))
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
    def _register_rows(self, domain, columns, batch_size=2000):
        """Rows of the register, searched and read as the current user, in
        batches by (received, id) so memory stays flat however large the
        register. Every exported batch is written to the audit log."""
        Signal = self.env["ondermijning.signaal"]
        Signal.check_access("read")
        keys = {column.key for column in columns}
        fnames = [REGISTER_FIELDS[key] for key in REGISTER_FIELDS if key in keys]
        if keys & set(LEAD_KEYS):
            fnames += [f for f in LEAD_DATE_FIELDS if f not in fnames]
        fnames = list(dict.fromkeys(fnames + ["date_received"]))
        tz = self.env["ondermijning.statistiek"]._tz()
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

        def local(value):
            return (
                pytz.utc.localize(value).astimezone(tz).replace(tzinfo=None)
                if value
                else None
            )

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
            records = batch.read(fnames, load=None)
            for fname, model in relations.items():
                missing = {r[fname] for r in records if r[fname]} - names[model].keys()
                if missing:
                    for rec in self.env[model].browse(missing).read(["display_name"]):
                        names[model][rec["id"]] = rec["display_name"]
            self.env["ondermijning.audit.log"]._log(batch, "export", fnames)
            last = (records[-1]["date_received"], records[-1]["id"])
            for values in records:
                row = {}
                for key, fname in REGISTER_FIELDS.items():
                    if key not in keys:
                        continue
                    value = values[fname]
                    if fname in relations:
                        value = names[relations[fname]].get(value) if value else None
                    elif fname in selections:
                        value = selections[fname].get(value, value) if value else None
                    elif isinstance(value, datetime.datetime):
                        value = local(value)
                    row[key] = value
                if keys & set(LEAD_KEYS):
                    row.update(lead_times(values))
                yield row
            # keep memory flat: forget the batch (and its audit lines)
            self.env.invalidate_all()

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
        start, stop = Stat._utc_bounds(filters.get("date_from"), filters.get("date_to"))
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

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------
    @api.model
    def _import_lookups(self, company):
        """Name -> id maps for the values a register row may name."""

        def by_name(records, *langs):
            result = {}
            for lang in langs:
                for record in records.with_context(lang=lang):
                    result.setdefault(record.name.strip().lower(), record.id)
            return result

        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        langs = [
            lang
            for lang in dict.fromkeys([self.env.lang or "en_US", "en_US", "nl_NL"])
            if lang in installed
        ]
        categories = self.env["ondermijning.categorie"].search(
            [("company_id", "in", [False, company.id])]
        )
        herkomsten = self.env["ondermijning.herkomst"].search([("active", "=", True)])
        herkomst_by_name = by_name(herkomsten, *langs)
        for herkomst in herkomsten:
            if herkomst.code:
                herkomst_by_name.setdefault(herkomst.code.lower(), herkomst.id)
        Signal = self.env["ondermijning.signaal"]

        def selection(fname, extra=None):
            result = {}
            for key, label in Signal._fields[fname]._description_selection(self.env):
                result[key.lower()] = key
                result[label.strip().lower()] = key
            for lang in langs:
                for key, label in (
                    Signal.with_context(lang=lang)
                    ._fields[fname]
                    ._description_selection(Signal.with_context(lang=lang).env)
                ):
                    result.setdefault(label.strip().lower(), key)
            result.update(extra or {})
            return result

        return {
            "categorie": by_name(categories, *langs),
            "herkomst": herkomst_by_name,
            "wijk": {
                w.name.strip().lower(): w.id
                for w in self.env["ondermijning.wijk"].search(
                    [("company_id", "=", company.id)]
                )
            },
            "mma_discipline": selection(
                "mma_discipline",
                {
                    "mono": "mono",
                    "multi": "multi",
                    "monodisciplinair": "mono",
                    "multidisciplinair": "multi",
                },
            ),
            "mma_follow_up": selection("mma_follow_up"),
            "channel": selection(
                "channel",
                {
                    "mma": "mma_platform",
                    "e-mail": "email",
                    "mail": "email",
                    "telefonisch": "telefoon",
                },
            ),
            "mma_herkomst": self.env.ref(
                "ondermijning_signalen.herkomst_mma", raise_if_not_found=False
            ),
            "default_herkomst": self.env.ref(
                "ondermijning_signalen.herkomst_meldpunt", raise_if_not_found=False
            ),
        }

    @api.model
    def _import_limits(self):
        """Limits of a register upload (system parameters, in MB and rows;
        a value that is not a positive number gives the default)."""
        params = self.env["ir.config_parameter"].sudo()
        limits = {}
        for key, default in IMPORT_LIMITS.items():
            raw = params.get_param(f"ondermijning_rapportage.import_{key}")
            try:
                value = int(raw) if raw else default
            except ValueError:
                value = default
            limits[key] = value if value > 0 else default
        return limits

    @api.model
    def _import_file_error(self, error):
        """The translated message of a RegisterFileError."""
        params = error.params
        code = error.code

        def mb(size):
            return f"{size / MB:.1f}".replace(".", ",")

        if code == "upload_size":
            return self.env._(
                "The file is %(size)s MB; a register may be at most %(limit)s MB. "
                "Split it into smaller files.",
                size=mb(params["size"]),
                limit=params["limit"] // MB,
            )
        if code == "expanded_size":
            return self.env._(
                "The workbook unpacks to %(size)s MB of data; at most %(limit)s MB "
                "is read. Save only the register sheet, or split it into smaller "
                "files.",
                size=mb(params["size"]),
                limit=params["limit"] // MB,
            )
        if code == "parts":
            return self.env._(
                "The file holds %s parts: it is not an ordinary Excel workbook.",
                params["count"],
            )
        if code == "dtd":
            return self.env._(
                "The file contains XML declarations (%s) that an Excel workbook "
                "does not have: it is refused.",
                params["part"],
            )
        if code == "rows":
            return self.env._(
                "The register has more than %s filled rows. Split it into files "
                "of at most that many rows.",
                params["limit"],
            )
        if code == "scanned_rows":
            return self.env._(
                "The first sheet has more than %s rows (empty rows included). "
                "Delete the empty rows below the register and try again.",
                params["limit"],
            )
        if code == "unreadable_row":
            return self.env._(
                "Row %s of the sheet cannot be read. Save the file again in Excel "
                "and try again.",
                params["row"],
            )
        if code == "empty":
            return self.env._(
                "The first sheet is empty: the first row must hold the column names."
            )
        return self.env._("The file cannot be read as an Excel (xlsx) workbook.")

    @api.model
    def _import_check_upload(self, data):
        """Refuse an upload over the size limit (before anything else)."""
        limit = self._import_limits()["upload_mb"] * MB
        if len(data) > limit:
            error = reader.RegisterFileError("upload_size", size=len(data), limit=limit)
            raise UserError(self._import_file_error(error))

    @api.model
    def _import_read(self, data):
        """(keys, rows) of an uploaded register, within the limits."""
        self._import_check_upload(data)
        limits = self._import_limits()
        try:
            return reader.read_register(
                data,
                max_rows=limits["max_rows"],
                max_expanded=limits["expanded_mb"] * MB,
            )
        except reader.RegisterFileError as error:
            raise UserError(self._import_file_error(error)) from error

    @api.model
    def _import_check(self, company, data):
        """Read and check every row of a register workbook without writing
        anything. Returns a list of dicts, one per row: row (number), label
        fields for the preview (mma_number, date_received, categorie), vals
        (the signal values, or None) and errors (the reasons, translated).
        ``data``: the file's bytes (or a binary file object)."""
        self.env["ondermijning.signaal"].check_access("create")
        if hasattr(data, "read"):
            data = data.read()
        keys, rows = self._import_read(data)
        missing = [
            c.header for c in reader.IMPORT_COLUMNS if c.required and c.key not in keys
        ]
        if missing:
            rows.close()
            raise UserError(
                self.env._(
                    "The first row of the sheet lacks the required column(s): %s. "
                    "Use the template workbook.",
                    ", ".join(missing),
                )
            )
        lookups = self._import_lookups(company)
        tz = self.env["ondermijning.statistiek"]._tz()
        today = datetime.datetime.now(tz).date()
        period = (IMPORT_EARLIEST, today)
        results = []
        seen_numbers = {}
        try:
            for number, raw in rows:
                results.append(
                    self._import_check_row(
                        company, number, raw, lookups, tz, seen_numbers, period
                    )
                )
        except reader.RegisterFileError as error:
            raise UserError(self._import_file_error(error)) from error
        self._import_check_existing_numbers(company, results)
        for result in results:
            if result["errors"]:
                result["vals"] = None
        return results

    @api.model
    def _import_check_row(
        self, company, number, raw, lookups, tz, seen_numbers, period=None
    ):
        """Check one register row: the signal values and the reasons it
        cannot be imported (translated, as the file's headers)."""
        if period is None:
            period = (IMPORT_EARLIEST, datetime.datetime.now(tz).date())
        row = _RegisterRow(self.env, raw, lookups, period)
        received = row.date("date_received", required=True)
        mma_number = row.text("mma_number")
        herkomst = row.lookup("herkomst", "herkomst")
        if not herkomst and not row.text("herkomst"):
            default = lookups["mma_herkomst" if mma_number else "default_herkomst"]
            herkomst = default.id if default else None
        mma_herkomst = lookups["mma_herkomst"]
        if mma_herkomst and herkomst == mma_herkomst.id and not mma_number:
            row.missing("mma_number", self.env._("the source is MMA"))
        if mma_number:
            first = seen_numbers.setdefault(mma_number.lower(), number)
            if first != number:
                row.errors.append(
                    self.env._(
                        "Duplicate MMA number '%(number)s' (also in row %(row)s)",
                        number=mma_number,
                        row=first,
                    )
                )
        vals = {
            "company_id": company.id,
            "categorie_id": row.lookup("categorie", "categorie", required=True),
            "herkomst_id": herkomst,
            "mma_number": mma_number or False,
            "mma_date_received": received if mma_number else False,
            "mma_date_opened": row.date("mma_date_opened", not_before=received)
            or False,
            "mma_discipline": row.lookup("mma_discipline", "mma_discipline") or False,
            "bt_tafel_date": row.date("bt_tafel_date", not_before=received) or False,
            "mma_follow_up": row.lookup("mma_follow_up", "mma_follow_up") or False,
            "wijk_id": row.lookup("wijk", "wijk") or False,
        }
        if received:
            noon = tz.localize(datetime.datetime.combine(received, datetime.time(12)))
            vals["date_received"] = noon.astimezone(pytz.utc).replace(tzinfo=None)
        channel = row.lookup("channel", "channel")
        if channel or mma_number:
            vals["channel"] = channel or "mma_platform"
        for key in ("facts_location", "description"):
            if row.text(key):
                vals[key] = row.text(key)
        return {
            "row": number,
            "mma_number": mma_number,
            "date_received": received,
            "categorie": row.text("categorie"),
            "vals": vals,
            "errors": row.errors,
        }

    @api.model
    def _import_check_existing_numbers(self, company, results):
        """MMA numbers already registered in the gemeente (archived too), as
        far as the user sees them (a medewerker sees the whole gemeente)."""
        by_number = {}
        for result in results:
            if result["mma_number"]:
                by_number.setdefault(result["mma_number"].strip(), []).append(result)
        numbers = list(by_number)
        Signal = self.env["ondermijning.signaal"].with_context(active_test=False)
        for start in range(0, len(numbers), 1000):
            chunk = numbers[start : start + 1000]
            for existing in Signal.search_read(
                [("company_id", "=", company.id), ("mma_number", "in", chunk)],
                ["mma_number", "name"],
            ):
                for result in by_number.get(existing["mma_number"].strip(), []):
                    result["errors"].append(
                        self.env._(
                            "Duplicate MMA number '%(number)s': already registered "
                            "as %(reference)s",
                            number=result["mma_number"],
                            reference=existing["name"],
                        )
                    )

    @api.model
    def _import_preview(self, company, data):
        """What the import will do, row by row: the checks, then a dry run
        that creates every valid row as the import would and rolls it all
        back, so that whatever the signal model refuses is in the preview
        too. Writes nothing that stays (references taken from the sequence
        excepted: see _import_write)."""
        results = self._import_check(company, data)
        if results and not any(result["errors"] for result in results):
            self._import_write(results, dry_run=True)
        return results

    @api.model
    def _import_create(self, company, results, batch_size=500):
        """Create the signals of a checked import, all or nothing. Raises
        ImportFailed (after rolling back everything it wrote) with the
        reasons per row if any row is invalid or cannot be created."""
        if any(result["errors"] for result in results):
            raise ImportFailed(
                self.env._("The register has rows with errors: nothing was imported."),
                results,
            )
        if not results:
            raise UserError(self.env._("The register has no rows to import."))
        signals = self._import_write(results, batch_size=batch_size)
        if signals is None:
            raise ImportFailed(
                self.env._("The register could not be imported: nothing was imported."),
                results,
            )
        return signals

    @api.model
    def _import_write(self, results, dry_run=False, batch_size=500):
        """Create the signals of ``results`` in one savepoint, kept unless
        ``dry_run``. If creating fails, each row is tried in a savepoint of
        its own to name the rows that fail (their reasons are added to
        ``results``) and all of it is rolled back; returns None then, else
        the signals (rolled back, so unusable, on a dry run).

        A dry run leaves the sequence of references advanced (PostgreSQL
        sequences ignore rollbacks), like any failed registration does."""
        # as Odoo's own import: no chatter message and no tracking per
        # imported record (the audit log records the creation)
        Signal = self.env["ondermijning.signaal"].with_context(**IMPORT_CONTEXT)
        vals_list = [result["vals"] for result in results]
        progress = (
            None
            if dry_run
            else self._progress_notifier(
                len(vals_list), self.env._("Register import"), minimum=2000
            )
        )
        # what earlier calls of this transaction left to do before commit
        # (audit lines, tracking) is done now: rolling back a savepoint
        # forgets it
        self.env.flush_all()
        self.env.cr.precommit.run()
        savepoint = self.env.cr.savepoint()
        try:
            signals = Signal
            for start in range(0, len(vals_list), batch_size):
                signals |= Signal.create(vals_list[start : start + batch_size])
                if progress:
                    progress(len(signals))
            self.env.flush_all()
        except Exception as exc:  # noqa: BLE001 - any failure: find the rows, keep nothing
            savepoint.close(rollback=True)
            _logger.info(
                "Register import failed as a whole (%s); checking row by row",
                type(exc).__name__,
            )
            self._import_find_failures(results)
            return None
        savepoint.close(rollback=dry_run)
        return signals

    @api.model
    def _import_find_failures(self, results):
        """Try each row in its own savepoint to name the rows that fail,
        then roll all of it back."""

        Signal = self.env["ondermijning.signaal"].with_context(**IMPORT_CONTEXT)
        # closing() rolls the outer savepoint back whatever happened inside
        with contextlib.closing(self.env.cr.savepoint()):
            for result in results:
                try:
                    with self.env.cr.savepoint():
                        Signal.create([result["vals"]])
                        self.env.flush_all()
                except Exception as exc:  # noqa: BLE001
                    message = exc.args[0] if exc.args else str(exc)
                    first_line = str(message).splitlines()[0][:200]
                    result["errors"].append(
                        self.env._("Cannot be saved: %s", first_line)
                    )
        if not any(result["errors"] for result in results):
            for result in results:
                result["errors"].append(self.env._("Cannot be saved (unknown error)"))
