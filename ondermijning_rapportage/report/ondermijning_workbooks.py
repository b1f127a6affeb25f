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
from collections import namedtuple

try:  # Odoo's patched workbook (sanitises sheet names)
    from odoo.tools.misc import xlsxwriter
except ImportError:  # pragma: no cover - standalone use (tools/make_template.py)
    import xlsxwriter

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

    def __init__(self, fileobj, constant_memory=True):
        options = dict(WORKBOOK_OPTIONS, constant_memory=constant_memory)
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
    for values in rows:
        if row >= max_rows:
            autofilter(sheet, row, columns)
            sheet_no += 1
            sheet = book.table_sheet(f"{sheet_name} ({sheet_no})", columns)
            row = 0
        row += 1
        for col, column in enumerate(columns):
            book.write_cell(sheet, row, col, column.kind, values.get(column.key))
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
