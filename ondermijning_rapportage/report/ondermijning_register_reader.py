"""The register import format and its reader, as plain Python (no ORM).

``IMPORT_COLUMNS`` is the file format a gemeente fills in (the template
workbook is written from it); ``read_register`` reads such a workbook back
within limits, so that a hostile or mistaken file is refused quickly and
before anything heavy happens:

- ``check_container``: the upload is a zip whose parts together expand to at
  most ``max_expanded`` bytes (the sizes of the zip's central directory,
  which ``zipfile`` enforces while inflating, so they cannot lie), with no
  XML document type or entity declarations (no entity expansion bombs);
  checked before openpyxl parses anything.
- ``read_register``: at most ``max_rows`` filled rows (and ten times that
  in scanned rows, empty ones included) and ``MAX_COLUMNS`` columns;
  anything openpyxl cannot read becomes a ``RegisterFileError``.

Errors carry a code and parameters; the model turns them into translated
messages. ``RegisterRow`` checks one row's values (translated reasons through
the ``env._`` it is given).

Over 450 lines because the format (one column list) and each check of it
belong together: a column added to the format gets its check in the same
place.
"""

import datetime
import io
import zipfile
from collections import namedtuple

# The register import: header, key, kind, required, help (shown in the template).
ImportColumn = namedtuple("ImportColumn", "key header kind required width help")
IMPORT_COLUMNS = [
    ImportColumn(
        "mma_number",
        "MMA-nummer",
        "text",
        False,
        16,
        "Meldingnummer van MMA; verplicht als de bron MMA is.",
    ),
    ImportColumn(
        "date_received",
        "Ontvangen",
        "datetime",
        True,
        17,
        "Datum (en tijd) waarop de melding is ontvangen (dd-mm-jjjj uu:mm); "
        "zonder tijd: 12:00.",
    ),
    ImportColumn(
        "mma_date_received",
        "MMA ontvangen",
        "date",
        False,
        13,
        "Datum waarop MMA de melding stuurde; leeg = de datum van ontvangst.",
    ),
    ImportColumn(
        "mma_date_opened",
        "Geopend",
        "date",
        False,
        13,
        "Datum waarop de MMA-melding is geopend.",
    ),
    ImportColumn(
        "categorie",
        "Categorie",
        "text",
        True,
        30,
        "Een bestaande categorie, bijv. Drugsdelicten of Woonfraude.",
    ),
    ImportColumn(
        "mma_discipline",
        "Mono/multi",
        "text",
        False,
        14,
        "mono of multi (monodisciplinair / multidisciplinair).",
    ),
    ImportColumn(
        "bt_tafel_date",
        "BT-tafel",
        "date",
        False,
        13,
        "Datum waarop de melding in de BT-ondermijningstafel is ingebracht.",
    ),
    ImportColumn(
        "mma_follow_up",
        "Resultaat/vervolg",
        "text",
        False,
        30,
        "Geen actie, Opgepakt door gemeente (mono), Ingebracht in "
        "BT-ondermijningstafel, Overgelaten aan politie, Ingebracht bij RIEC, Overig.",
    ),
    ImportColumn(
        "herkomst",
        "Bron",
        "text",
        False,
        26,
        "Leeg = MMA als er een MMA-nummer is, anders Intern meldpunt.",
    ),
    ImportColumn(
        "channel",
        "Kanaal",
        "text",
        False,
        14,
        "Telefoon, E-mail, Web, Balie, MMA-platform, Post of Overig.",
    ),
    ImportColumn(
        "wijk", "Wijk", "text", False, 20, "Een bestaande wijk van de gemeente."
    ),
    ImportColumn(
        "date_facts",
        "Tijdstip feiten",
        "datetime",
        False,
        17,
        "Wanneer de feiten zich voordeden (dd-mm-jjjj uu:mm); zonder tijd: 12:00.",
    ),
    ImportColumn(
        "facts_location",
        "Plaats",
        "text",
        False,
        30,
        "Adres of omschrijving van de plaats (wordt versleuteld opgeslagen).",
    ),
    ImportColumn(
        "description",
        "Omschrijving",
        "text",
        False,
        60,
        "De inhoud van de melding (wordt versleuteld opgeslagen).",
    ),
]
# Other spellings accepted in an existing register (lower case).
IMPORT_HEADER_ALIASES = {
    "mma nummer": "mma_number",
    "mma-meldingnummer": "mma_number",
    "meldingnummer": "mma_number",
    "nummer": "mma_number",
    "ontvangen op": "date_received",
    "datum ontvangen": "date_received",
    "datum melding": "date_received",
    "geopend op": "mma_date_opened",
    "datum geopend": "mma_date_opened",
    "mma geopend": "mma_date_opened",
    "type melding": "categorie",
    "soort melding": "categorie",
    "type": "categorie",
    "mono/multidisciplinair": "mma_discipline",
    "mono- of multidisciplinair": "mma_discipline",
    "bt-ondermijningstafel": "bt_tafel_date",
    "ingebracht bt-tafel": "bt_tafel_date",
    "resultaat": "mma_follow_up",
    "vervolg": "mma_follow_up",
    "resultaat / vervolg": "mma_follow_up",
    "herkomst": "herkomst",
    "tijdstip": "date_facts",
    "datum feiten": "date_facts",
    "datum en tijd feiten": "date_facts",
    "locatie": "facts_location",
    "adres": "facts_location",
    "inhoud": "description",
    "melding": "description",
}


class RegisterFileError(ValueError):
    """The file cannot be read as a register. ``code``: not_xlsx, empty,
    upload_size, expanded_size, parts, dtd, rows, scanned_rows, unreadable_row;
    ``params``: the figures for the message."""

    def __init__(self, code, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


# Columns read per row: the template has 12; a register may carry some more.
MAX_COLUMNS = 64
# A workbook has a dozen parts; thousands mean a crafted file.
MAX_PARTS = 1000
# How much of each XML part is searched for a document type declaration (it
# must come before the root element, so at the very start).
XML_HEAD = 4096


def check_container(data, max_expanded):
    """Refuse what is not a zip, expands beyond ``max_expanded`` bytes or
    declares XML entities, from the zip directory and the start of each part
    only (milliseconds, whatever the file claims to hold)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise RegisterFileError("not_xlsx") from exc
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise RegisterFileError("parts", count=len(parts), limit=MAX_PARTS)
        expanded = sum(part.file_size for part in parts)
        if expanded > max_expanded:
            raise RegisterFileError("expanded_size", size=expanded, limit=max_expanded)
        for part in parts:
            if not part.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(part) as handle:
                    head = handle.read(XML_HEAD)
            except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
                raise RegisterFileError("not_xlsx") from exc
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise RegisterFileError("dtd", part=part.filename)


def _header_key(header):
    text = " ".join(str(header or "").replace("\n", " ").split()).strip().lower()
    for column in IMPORT_COLUMNS:
        if column.header.lower() == text:
            return column.key
    return IMPORT_HEADER_ALIASES.get(text)


def _is_empty(values):
    return not values or all(
        value is None or (isinstance(value, str) and not value.strip())
        for value in values
    )


def read_register(fileobj, max_rows=None, max_expanded=None):
    """Read the first sheet of a register workbook (openpyxl, read-only:
    rows are read one at a time). Returns ``(keys, rows)``: the recognised
    column keys and a generator of ``(row number, {key: raw value})`` for
    every non-empty row. Raises RegisterFileError for an unreadable file,
    and (while the rows are read) for more than ``max_rows`` rows."""
    import openpyxl  # an Odoo dependency; imported here to keep writers light

    data = fileobj.read() if hasattr(fileobj, "read") else bytes(fileobj)
    if max_expanded is not None:
        check_container(data, max_expanded)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on bad files
        raise RegisterFileError("not_xlsx") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        header = next(rows, None)
    except Exception as exc:  # noqa: BLE001
        workbook.close()
        raise RegisterFileError("not_xlsx") from exc
    if _is_empty(header):
        workbook.close()
        raise RegisterFileError("empty")
    positions = {}
    for col, value in enumerate(header):
        key = _header_key(value)
        if key and key not in positions:
            positions[key] = col
    if "date_received" not in positions and "mma_date_received" in positions:
        # a register that only keeps the date MMA sent a report
        positions["date_received"] = positions["mma_date_received"]

    def generate():
        number, filled = 1, 0
        scanned_limit = max_rows * 10 if max_rows else None
        try:
            while True:
                try:
                    values = next(rows, None)
                except Exception as exc:  # noqa: BLE001 - a malformed row
                    raise RegisterFileError("unreadable_row", row=number + 1) from exc
                if values is None:
                    return
                number += 1
                if scanned_limit and number - 1 > scanned_limit:
                    raise RegisterFileError("scanned_rows", limit=scanned_limit)
                if _is_empty(values):
                    continue
                filled += 1
                if max_rows and filled > max_rows:
                    raise RegisterFileError("rows", limit=max_rows)
                yield (
                    number,
                    {
                        key: values[col] if col < len(values) else None
                        for key, col in positions.items()
                    },
                )
        finally:
            workbook.close()

    return list(positions), generate()


def _dmy(day):
    """dd-mm-jjjj, also for the years before 1000 (strftime drops zeros)."""
    return f"{day.day:02d}-{day.month:02d}-{day.year:04d}"


class RegisterRow:
    """One row of a register being read: typed values, and the reasons
    (translated by ``translate``, the model's ``env._``; named after the
    file's headers) why it cannot be imported. ``lookups``: name -> id per
    table; ``period``: the first and last plausible date."""

    headers = {c.key: c.header for c in IMPORT_COLUMNS}

    def __init__(self, raw, lookups, period, translate):
        self._ = translate
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
                self._(
                    "Required value missing: %(column)s (%(reason)s)",
                    column=self.headers[key],
                    reason=reason,
                )
            )
        else:
            self.errors.append(self._("Required value missing: %s", self.headers[key]))

    def date(self, key, required=False, not_before=None):
        """A plausible date: between the register's first year and today,
        and not before ``not_before`` (the date received)."""
        try:
            value = parse_date(self.raw.get(key))
        except (ValueError, OverflowError):
            self.errors.append(
                self._(
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
        return self.date_value(key, value, not_before)

    def date_value(self, key, value, not_before=None):
        """``value`` if it is plausible, else None (and the reason)."""
        first, last = self.period
        if not first <= value <= last:
            self.errors.append(
                self._(
                    "%(column)s must lie between %(first)s and today: '%(value)s'",
                    column=self.headers[key],
                    first=_dmy(first),
                    value=_dmy(value),
                )
            )
            return None
        if not_before and value < not_before:
            self.errors.append(
                self._(
                    "%(column)s lies before the date received: '%(value)s'",
                    column=self.headers[key],
                    value=_dmy(value),
                )
            )
            return None
        return value

    def moment(self, key, required=False):
        """(plausible date, time of day or None) of a date-and-time column;
        a cell without a time of day (or at exactly midnight) has none."""
        try:
            value = parse_moment(self.raw.get(key))
        except (ValueError, OverflowError):
            self.errors.append(
                self._(
                    "Invalid date in %(column)s: '%(value)s'",
                    column=self.headers[key],
                    value=self.text(key),
                )
            )
            return None, None
        day, time = value if value else (None, None)
        if day is not None:
            checked = self.date_value(key, day)
            if checked is None:
                return None, None
        elif required:
            self.missing(key)
        return day, time

    def lookup(self, key, table, required=False):
        value = self.text(key)
        if not value:
            if required:
                self.missing(key)
            return None
        found = self.lookups[table].get(value.lower())
        if not found:
            if table == "categorie":
                message = self._("Unknown category: '%s'", value)
            elif table == "herkomst":
                message = self._("Unknown source: '%s'", value)
            elif table == "wijk":
                message = self._("Unknown wijk: '%s'", value)
            else:
                message = self._(
                    "Unknown value in %(column)s: '%(value)s'",
                    column=self.headers[key],
                    value=value,
                )
            self.errors.append(message)
        return found


DATE_FORMATS = (
    "%d-%m-%Y",
    "%d-%m-%y",
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%d-%m-%Y %H:%M:%S",
)


def parse_moment(value):
    """(date, time of day or None) from a cell: a real date or datetime, or
    text in a Dutch or ISO format; None for an empty cell; raises
    ValueError. Times are rounded to the second (a spreadsheet keeps them
    as fractions of a day); midnight counts as no time."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        text = value.strip()
        for pattern in DATE_FORMATS:
            try:
                value = datetime.datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            raise ValueError(value)
    if isinstance(value, datetime.datetime):
        value = (value + datetime.timedelta(microseconds=500000)).replace(microsecond=0)
        time = value.time()
        return value.date(), (time if time != datetime.time(0) else None)
    if isinstance(value, datetime.date):
        return value, None
    raise ValueError(value)


def parse_date(value):
    """A date from a cell (a real date, or text in a Dutch or ISO format).
    Returns a ``datetime.date``, None for an empty cell; raises ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for pattern in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    raise ValueError(value)
