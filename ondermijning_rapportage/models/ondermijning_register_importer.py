"""Import of an existing signal register (xlsx): every row checked, the
import tried without keeping it for the preview, then all rows or none.

The file is read within limits by ``report/ondermijning_register_reader.py``
(a reader in plain Python); the wizard is ``ondermijning.register.import``.
The checks of one row's values are ``RegisterRow`` in the reader.

Just over 450 lines because the preview and the import run the same code
(the preview rolls back), which is what makes the preview true."""

import contextlib
import datetime
import logging

import pytz

from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.ondermijning_signalen.models.ondermijning_signaal import (
    trial_registration,
)

from ..report import ondermijning_register_reader as reader

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


class ImportFailed(UserError):
    """An import that wrote nothing; ``results`` holds the reasons per row."""

    def __init__(self, message, results):
        super().__init__(message)
        self.results = results


class OndermijningRegisterImporter(models.AbstractModel):
    """Reads, checks and imports a register for a gemeente, as the user."""

    _name = "ondermijning.register.importer"
    _description = "Signal register (Excel import)"

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
        row = reader.RegisterRow(raw, lookups, period, self.env._)
        received, received_time = row.moment("date_received", required=True)
        facts_day, facts_time = row.moment("date_facts")
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
            # empty: the date received, for an MMA report (the template says so)
            "mma_date_received": row.date("mma_date_received")
            or (received if mma_number else False),
            "mma_date_opened": row.date("mma_date_opened", not_before=received)
            or False,
            "mma_discipline": row.lookup("mma_discipline", "mma_discipline") or False,
            "bt_tafel_date": row.date("bt_tafel_date", not_before=received) or False,
            "mma_follow_up": row.lookup("mma_follow_up", "mma_follow_up") or False,
            "wijk_id": row.lookup("wijk", "wijk") or False,
        }
        if received:
            vals["date_received"] = self._import_utc(tz, received, received_time)
        if facts_day:
            vals["date_facts"] = self._import_utc(tz, facts_day, facts_time)
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
    def _import_utc(self, tz, day, time=None):
        """The stored (UTC) moment of a local day and time of the register;
        a day without a time is taken at noon, so that its date is the same
        in every time zone the gemeente's date is read in."""
        local = tz.localize(datetime.datetime.combine(day, time or datetime.time(12)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

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

        A dry run takes no references (``trial_registration``): the
        register's numbers are not used up by a preview."""
        # as Odoo's own import: no chatter message and no tracking per
        # imported record (the audit log records the creation)
        Signal = self.env["ondermijning.signaal"].with_context(**IMPORT_CONTEXT)
        vals_list = [result["vals"] for result in results]
        progress = (
            None
            if dry_run
            else self.env["ondermijning.register"]._progress_notifier(
                len(vals_list), self.env._("Register import"), minimum=2000
            )
        )
        # what earlier calls of this transaction left to do before commit
        # (audit lines, tracking) is done now: rolling back a savepoint
        # forgets it
        self.env.flush_all()
        self.env.cr.precommit.run()
        savepoint = self.env.cr.savepoint()
        trial = trial_registration() if dry_run else contextlib.nullcontext()
        try:
            signals = Signal
            with trial:
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
        with contextlib.closing(self.env.cr.savepoint()), trial_registration():
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
