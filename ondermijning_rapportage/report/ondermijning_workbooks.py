"""Excel workbooks for ondermijning signals, as plain Python.

Nothing here touches the ORM: every writer takes rows or aggregates that the
models prepared (as the user, with the user's rights) and a binary file
object, so tests and scripts can call them directly.

The workbooks are written with xlsxwriter in ``constant_memory`` mode (rows
are flushed to disk as they are written, in order) and never turn user text
into formulas or links: a cell that starts with ``=`` stays text. Headers are
Dutch: they are the register's file format, not UI labels.
"""

import datetime
import re
from collections import namedtuple
from xml.sax.saxutils import escape

try:  # Odoo's patched workbook (sanitises sheet names)
    from odoo.tools.misc import xlsxwriter
except ImportError:  # pragma: no cover - standalone use (tools/make_template.py)
    import xlsxwriter
from xlsxwriter.utility import datetime_to_excel_datetime, xl_col_to_name

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,
}

# Excel's last row is 1,048,576: one header row plus the data rows.
MAX_DATA_ROWS = 1048575

# kind: text, date, datetime, int, days (a number of days, one decimal)
Column = namedtuple("Column", "key header kind width")

REGISTER_COLUMNS = [
    Column("name", "Referentie", "text", 14),
    Column("company", "Gemeente", "text", 24),
    Column("mma_number", "MMA-nummer", "text", 14),
    Column("mma_date_received", "MMA ontvangen", "date", 13),
    Column("mma_date_opened", "MMA geopend", "date", 13),
    Column("date_received", "Ontvangen", "datetime", 17),
    Column("categorie", "Categorie", "text", 30),
    Column("mma_discipline", "Mono/multi", "text", 18),
    Column("bt_tafel_date", "BT-tafel", "date", 12),
    Column("mma_follow_up", "Resultaat/vervolg", "text", 32),
    Column("herkomst", "Bron", "text", 26),
    Column("channel", "Kanaal", "text", 14),
    Column("wijk", "Wijk", "text", 20),
    Column("stage", "Stap", "text", 22),
    Column("end_state", "Eindstatus", "text", 20),
    Column("date_end", "Afgesloten op", "datetime", 17),
    Column("user", "Eigenaar", "text", 22),
    Column("lead_stap1", "Doorlooptijd stap 1 (dagen)", "days", 14),
    Column("lead_stap2", "Doorlooptijd stap 2 (dagen)", "days", 14),
    Column("lead_stap3", "Doorlooptijd stap 3 (dagen)", "days", 14),
    Column("lead_stap4", "Doorlooptijd stap 4 (dagen)", "days", 14),
    Column("lead_total", "Doorlooptijd totaal (dagen)", "days", 14),
]

DESTRUCTION_COLUMNS = [
    Column("reference", "Referentie", "text", 16),
    Column("kind", "Soort", "text", 12),
    Column("company", "Gemeente", "text", 24),
    Column("end_state", "Eindstatus", "text", 20),
    Column("rule", "Bewaartermijn", "text", 30),
    Column("rule_months", "Termijn (maanden)", "int", 12),
    Column("rule_seal", "Verzegeld", "text", 10),
    Column("rule_approval", "Goedkeuring vereist", "text", 12),
    Column("date_end", "Einddatum", "date", 13),
    Column("date_destroy", "Geplande vernietiging", "date", 13),
    Column("date_destroyed", "Vernietigd op", "datetime", 17),
    Column("lijst", "Vernietigingslijst", "text", 20),
    Column("user", "Uitgevoerd door", "text", 22),
]


class Book:
    """A workbook with the formats every sheet shares."""

    def __init__(self, fileobj, constant_memory=True, in_memory=False):
        options = dict(
            WORKBOOK_OPTIONS, constant_memory=constant_memory, in_memory=in_memory
        )
        self.workbook = xlsxwriter.Workbook(fileobj, options)
        add = self.workbook.add_format
        self.fmt = {
            "header": add(
                {
                    "bold": True,
                    "bg_color": "#D9E1F2",
                    "border": 1,
                    "text_wrap": True,
                    "valign": "top",
                }
            ),
            "title": add({"bold": True, "font_size": 14}),
            "bold": add({"bold": True}),
            "text": None,
            "date": add({"num_format": "dd-mm-yyyy"}),
            "datetime": add({"num_format": "dd-mm-yyyy hh:mm"}),
            "month": add({"num_format": "mmmm yyyy", "align": "left"}),
            "int": add({"num_format": "0"}),
            "days": add({"num_format": "0.0"}),
            "total": add({"bold": True, "top": 1}),
            "total_int": add({"bold": True, "top": 1, "num_format": "0"}),
            "total_days": add({"bold": True, "top": 1, "num_format": "0.0"}),
            # a figure withheld by disclosure control ("x")
            "hidden": add({"align": "right", "font_color": "#7F7F7F"}),
            "total_hidden": add(
                {"bold": True, "top": 1, "align": "right", "font_color": "#7F7F7F"}
            ),
            "note": add({"italic": True, "font_color": "#595959"}),
        }

    def table_sheet(self, name, columns, header_row=0):
        """A sheet with a frozen, formatted header row and column widths."""
        sheet = self.workbook.add_worksheet(name)
        for col, column in enumerate(columns):
            sheet.set_column(col, col, column.width)
        for col, column in enumerate(columns):
            sheet.write_string(header_row, col, column.header, self.fmt["header"])
        sheet.freeze_panes(header_row + 1, 0)
        return sheet

    def write_cell(self, sheet, row, col, kind, value, fmt=None):
        """Write a typed value: dates as dates, numbers as numbers and text
        always as text (never a formula)."""
        if value is None or value is False or value == "":
            return
        if kind in ("date", "datetime", "month"):
            if isinstance(value, str):
                sheet.write_string(row, col, value, fmt)
            else:
                sheet.write_datetime(row, col, value, fmt or self.fmt[kind])
        elif kind in ("int", "days"):
            if isinstance(value, str):  # withheld ("x")
                sheet.write_string(row, col, value, self.fmt["hidden"])
            else:
                sheet.write_number(row, col, value, fmt or self.fmt[kind])
        else:
            sheet.write_string(row, col, str(value), fmt)

    def write_total(self, sheet, row, col, value, kind="int"):
        """A figure of a Totaal row: a number, or withheld ("x")."""
        if value is None:
            return
        if isinstance(value, str):
            sheet.write_string(row, col, value, self.fmt["total_hidden"])
        else:
            sheet.write_number(row, col, value, self.fmt[f"total_{kind}"])

    def close(self):
        self.workbook.close()


# What xlsxwriter's inline strings escape beyond &, < and >: its own
# "_xHHHH_" escape, control characters and the two non-characters.
_SPECIAL_TEXT = re.compile("_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_ESCAPED_HEX = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile("([\x00-\x08\x0b-\x1f])")
_EDGE_SPACE = re.compile(r"^\s|\s$")
_MAX_TEXT = 32767  # characters in one cell


class RowStream:
    """Data rows of a constant_memory sheet, written as XML in one go.

    xlsxwriter spends 4-5 us per cell on its public API (argument checks,
    a cell tuple, a row table, its XML writer), some 10 s for the 2.2
    million cells of a register of 10^5 signals. A row here is one string,
    written to the same row stream xlsxwriter writes its rows to, with the
    XML its constant_memory mode writes for the same cells (text always an
    inline string, never a formula; numbers and dates with their format).
    ``test_row_stream_writes_what_xlsxwriter_writes`` compares the two
    byte for byte, so a change in xlsxwriter shows there; a sheet that is
    not in constant_memory mode, or an xlsxwriter without that stream,
    gets the cells through the public API (``write_cell``).
    """

    def __init__(self, book, sheet, columns):
        self.book, self.sheet, self.columns = book, sheet, columns
        self.fast = bool(
            getattr(sheet, "constant_memory", False)
            and hasattr(sheet, "_write_single_row")
            and hasattr(sheet, "previous_row")
            and hasattr(xlsxwriter.format.Format, "_get_xf_index")
        )
        self.letters = [xl_col_to_name(col) for col in range(len(columns))]
        self._xf = {}
        self.header_out = False

    def _style(self, fmt):
        """The cell's ' s="n"' attribute, its index taken at first use (as
        xlsxwriter does, so the styles come out in the same order)."""
        if fmt is None:
            return ""
        style = self._xf.get(fmt)
        if style is None:
            index = fmt._get_xf_index()  # pylint: disable=protected-access
            style = self._xf[fmt] = f' s="{index}"' if index else ""
        return style

    @staticmethod
    def _text(ref, style, value):
        if len(value) > _MAX_TEXT:
            value = value[:_MAX_TEXT]
        if _SPECIAL_TEXT.search(value):
            value = _ESCAPED_HEX.sub(r"_x005F\1", value)
            value = _CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", value)
            value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
        value = escape(value)  # &, < and >, as xlsxwriter does
        space = ' xml:space="preserve"' if _EDGE_SPACE.search(value) else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{value}</t></is></c>'

    @staticmethod
    def _number(ref, style, value):
        return f'<c r="{ref}"{style}><v>%.16G</v></c>' % value

    def _cell(self, row, col, kind, value):
        """One cell's XML, with the choices of ``Book.write_cell``."""
        if value is None or value is False or value == "":
            return ""
        ref = f"{self.letters[col]}{row + 1}"
        fmt = self.book.fmt
        if isinstance(value, str):
            style = self._style(fmt["hidden"] if kind in ("int", "days") else None)
            return self._text(ref, style, value)
        if kind in ("date", "datetime", "month"):
            serial = datetime_to_excel_datetime(value, False, True)
            return self._number(ref, self._style(fmt[kind]), serial)
        if kind in ("int", "days"):
            return self._number(ref, self._style(fmt[kind]), value)
        return self._text(ref, "", str(value))

    def add_row(self, row, values):
        """Write one data row (``values`` keyed on the column keys); rows
        come in order, after the header."""
        if not self.fast:
            for col, column in enumerate(self.columns):
                self.book.write_cell(
                    self.sheet, row, col, column.kind, values.get(column.key)
                )
            return
        sheet = self.sheet
        if not self.header_out:  # the header row, still in xlsxwriter's table
            sheet._write_single_row(row)  # pylint: disable=protected-access
            self.header_out = True
        cells = "".join(
            [
                self._cell(row, col, column.kind, values.get(column.key))
                for col, column in enumerate(self.columns)
            ]
        )
        if cells:
            sheet.fh.write(f'<row r="{row + 1}">{cells}</row>')
            # the dimensions of the sheet, as a written cell would set them
            sheet._check_dimensions(row, 0)  # pylint: disable=protected-access
            sheet._check_dimensions(row, len(self.columns) - 1)  # pylint: disable=protected-access
        sheet.previous_row = row


def autofilter(sheet, last_row, columns):
    sheet.autofilter(0, 0, max(last_row, 0), len(columns) - 1)


# ----------------------------------------------------------------------
# Register
# ----------------------------------------------------------------------
def write_register(
    fileobj,
    rows,
    columns=None,
    sheet_name="Register",
    progress=None,
    progress_every=2000,
    max_rows=MAX_DATA_ROWS,
):
    """One row per signal. ``rows`` is an iterable of dicts keyed on the
    column keys (streamed: it may be a generator over batches); ``columns``
    the columns the user may see (default: all). Beyond Excel's row limit
    the register continues on a next sheet. Returns the number of rows."""
    columns = list(columns or REGISTER_COLUMNS)
    book = Book(fileobj)
    sheet_no, count, row = 1, 0, 0
    sheet = book.table_sheet(sheet_name, columns)
    stream = RowStream(book, sheet, columns)
    for values in rows:
        if row >= max_rows:
            autofilter(sheet, row, columns)
            sheet_no += 1
            sheet = book.table_sheet(f"{sheet_name} ({sheet_no})", columns)
            stream = RowStream(book, sheet, columns)
            row = 0
        row += 1
        stream.add_row(row, values)
        count += 1
        if progress and not count % progress_every:
            progress(count)
    autofilter(sheet, row, columns)
    book.close()
    if progress:
        progress(count)
    return count


# ----------------------------------------------------------------------
# Destruction log
# ----------------------------------------------------------------------
def write_destruction_log(fileobj, rows, title=None, columns=None):
    """The vernietigingslijst: one row per destroyed record (dicts keyed on
    the column keys). Returns the number of rows."""
    columns = list(columns or DESTRUCTION_COLUMNS)
    book = Book(fileobj)
    sheet = book.table_sheet("Vernietigingslijst", columns)
    row = 0
    for row, values in enumerate(rows, start=1):
        for col, column in enumerate(columns):
            book.write_cell(sheet, row, col, column.kind, values.get(column.key))
    autofilter(sheet, row, columns)
    book.close()
    return row


# ----------------------------------------------------------------------
# Import template (the format is in ondermijning_register_reader.py)
# ----------------------------------------------------------------------
def write_register_template(fileobj, examples=None, columns=None):
    """The workbook a gemeente fills in to import its existing register:
    the headers the importer expects on the first sheet, and a sheet that
    explains each column. ``columns``: the import format (default
    ``IMPORT_COLUMNS`` of the register reader)."""
    if columns is None:
        from .ondermijning_register_reader import IMPORT_COLUMNS as columns
    book = Book(fileobj, constant_memory=False)
    # a fixed date keeps the shipped template byte-for-byte reproducible
    book.workbook.set_properties(
        {
            "title": "Register ondermijningssignalen (importsjabloon)",
            "created": datetime.datetime(2024, 1, 1),
        }
    )
    fmt = book.fmt
    sheet = book.workbook.add_worksheet("Register")
    required = book.workbook.add_format(
        {
            "bold": True,
            "bg_color": "#F8CBAD",
            "border": 1,
            "text_wrap": True,
            "valign": "top",
        }
    )
    for col, column in enumerate(columns):
        sheet.set_column(
            col,
            col,
            column.width,
            fmt[column.kind] if column.kind in ("date", "datetime") else None,
        )
        sheet.write_string(
            0, col, column.header, required if column.required else fmt["header"]
        )
        sheet.write_comment(0, col, column.help)
    sheet.freeze_panes(1, 0)
    for row, example in enumerate(examples or [], start=1):
        for col, column in enumerate(columns):
            book.write_cell(sheet, row, col, column.kind, example.get(column.key))
    sheet.autofilter(0, 0, max(len(examples or []), 1), len(columns) - 1)
    info = book.workbook.add_worksheet("Toelichting")
    info.set_column(0, 0, 22)
    info.set_column(1, 1, 12)
    info.set_column(2, 2, 90)
    for col, header in enumerate(("Kolom", "Verplicht", "Toelichting")):
        info.write_string(0, col, header, fmt["header"])
    for row, column in enumerate(columns, start=1):
        info.write_string(row, 0, column.header)
        info.write_string(row, 1, "ja" if column.required else "nee")
        info.write_string(row, 2, column.help)
    last = len(columns) + 2
    info.write_string(last, 0, "Let op", fmt["bold"])
    info.write_string(
        last,
        2,
        "Alleen het eerste tabblad wordt ingelezen; de eerste rij bevat "
        "de kolomnamen. Niets wordt opgeslagen zolang één rij een fout bevat.",
    )
    sheet.activate()
    book.close()
