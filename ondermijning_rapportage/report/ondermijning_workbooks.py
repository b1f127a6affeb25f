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


class _Book:
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


def _autofilter(sheet, last_row, columns):
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
    book = _Book(fileobj)
    sheet_no, count, row = 1, 0, 0
    sheet = book.table_sheet(sheet_name, columns)
    for values in rows:
        if row >= max_rows:
            _autofilter(sheet, row, columns)
            sheet_no += 1
            sheet = book.table_sheet(f"{sheet_name} ({sheet_no})", columns)
            row = 0
        row += 1
        for col, column in enumerate(columns):
            book.write_cell(sheet, row, col, column.kind, values.get(column.key))
        count += 1
        if progress and not count % progress_every:
            progress(count)
    _autofilter(sheet, row, columns)
    book.close()
    if progress:
        progress(count)
    return count


# ----------------------------------------------------------------------
# Statistics
# ----------------------------------------------------------------------
MONTH_COLUMNS = [
    Column("month", "Maand", "month", 16),
    Column("received", "Ontvangen", "int", 12),
    Column("treated", "Waarvan in behandeling genomen", "int", 16),
    Column("closed", "Waarvan afgesloten", "int", 14),
    Column("closed_in_month", "Afgesloten in de maand", "int", 14),
]
LEAD_COLUMNS = [
    Column("stap", "Stap", "text", 28),
    Column("count", "Aantal", "int", 10),
    Column("avg", "Gemiddeld (dagen)", "days", 14),
    Column("median", "Mediaan (dagen)", "days", 14),
    Column("p90", "90e percentiel (dagen)", "days", 14),
]


def _breakdown_columns(label):
    return [
        Column("label", label, "text", 34),
        Column("count", "Aantal", "int", 10),
        Column("treated", "In behandeling genomen", "int", 14),
        Column("closed", "Afgesloten", "int", 12),
    ]


def _table_with_totals(book, name, columns, rows, total_cols=(), totals=None):
    """A table sheet with a Totaal row: ``totals`` (the values of the
    columns after the label, as the caller computed them: under disclosure
    control they are the exact totals, not the sum of the visible cells) or
    else the sum of ``total_cols``."""
    sheet = book.table_sheet(name, columns)
    for row, values in enumerate(rows, start=1):
        for col, column in enumerate(columns):
            book.write_cell(sheet, row, col, column.kind, values[col])
    last = len(rows) + 1
    if totals is not None:
        sheet.write_string(last, 0, "Totaal", book.fmt["total"])
        for col, value in enumerate(totals, start=1):
            book.write_total(sheet, last, col, value)
    elif rows and total_cols:
        sheet.write_string(last, 0, "Totaal", book.fmt["total"])
        for col in total_cols:
            total = sum(values[col] for values in rows)
            sheet.write_number(last, col, total, book.fmt["total_int"])
    _autofilter(sheet, len(rows), columns)
    return sheet


def _note(book, sheet, row, note):
    if note:
        sheet.write_string(row, 0, note, book.fmt["note"])


def _dashboard_text(book, dashboard, stats):
    """Title, filters and key figures; returns the first free row."""
    fmt = book.fmt
    dashboard.write_string(0, 0, stats.get("title") or "Statistieken", fmt["title"])
    row = 2
    for label, text in stats.get("filters") or []:
        dashboard.write_string(row, 0, label, fmt["bold"])
        dashboard.write_string(row, 1, text or "")
        row += 1
    row += 1
    for label, number in stats.get("totals") or []:
        dashboard.write_string(row, 0, label, fmt["bold"])
        if isinstance(number, str):
            dashboard.write_string(row, 1, number, fmt["hidden"])
        elif number is not None:
            number_format = fmt["days"] if isinstance(number, float) else fmt["int"]
            dashboard.write_number(row, 1, number, number_format)
        row += 1
    if stats.get("note"):
        row += 1
        _note(book, dashboard, row, stats["note"])
        row += 1
    return row + 1


def _dashboard_charts(book, dashboard, row, n_months, sizes):
    """Native charts on the data sheets: a line per month, a bar per
    category and a pie of the end states."""
    if n_months:
        chart = book.workbook.add_chart({"type": "line"})
        for col, colour in ((1, "#1F4E79"), (2, "#C55A11"), (3, "#548235")):
            chart.add_series(
                {
                    "name": ["Per maand", 0, col],
                    "categories": ["Per maand", 1, 0, n_months, 0],
                    "values": ["Per maand", 1, col, n_months, col],
                    "line": {"color": colour, "width": 2.25},
                    "marker": {"type": "circle", "size": 4},
                }
            )
        chart.set_title({"name": "Signalen per maand"})
        chart.set_x_axis({"date_axis": True, "num_format": "mmm yyyy"})
        chart.set_y_axis({"name": "Aantal", "min": 0})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 760, "height": 320})
        dashboard.insert_chart(row, 0, chart)
        row += 17
    n_categories = sizes.get("Per categorie")
    if n_categories:
        chart = book.workbook.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": ["Per categorie", 0, 1],
                "categories": ["Per categorie", 1, 0, n_categories, 0],
                "values": ["Per categorie", 1, 1, n_categories, 1],
                "fill": {"color": "#1F4E79"},
                "data_labels": {"value": True},
            }
        )
        chart.set_title({"name": "Signalen per categorie"})
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"none": True})
        height = max(240, 60 + 22 * n_categories)
        chart.set_size({"width": 760, "height": height})
        dashboard.insert_chart(row, 0, chart)
        row += height // 20 + 2
    n_end = sizes.get("Per eindstatus")
    if n_end:
        chart = book.workbook.add_chart({"type": "pie"})
        chart.add_series(
            {
                "name": ["Per eindstatus", 0, 1],
                "categories": ["Per eindstatus", 1, 0, n_end, 0],
                "values": ["Per eindstatus", 1, 1, n_end, 1],
                "data_labels": {"percentage": True},
            }
        )
        chart.set_title({"name": "Eindstatus"})
        chart.set_size({"width": 480, "height": 300})
        dashboard.insert_chart(row, 0, chart)


def write_statistics(fileobj, stats):
    """The statistics workbook: a Dashboard sheet with native charts, then
    one sheet per view of the figures.

    ``stats`` is a dict:
      title: str; filters: [(label, text)]; totals: [(label, number)]
      months: [(first day of the month, received, of which taken into
                treatment, of which closed, closed in the month)]
      month_totals: (received, treated, closed, closed in the month), the
                Totaal row (default: the sums)
      breakdowns: [(sheet name, label header, [(label, count, treated,
                    closed)], optional Totaal line (label, count, ...))]
      lead_times: [(stap label, count, average, median, p90)] (None = no data)
      note: a line under every table (what "x" means), optional
    A figure withheld by disclosure control is the string "x".
    """
    book = _Book(fileobj)
    note = stats.get("note")
    # The Dashboard is the first tab; its charts refer to the data sheets.
    dashboard = book.workbook.add_worksheet("Dashboard")
    dashboard.set_column(0, 0, 32)
    dashboard.set_column(1, 1, 16)
    months = list(stats.get("months") or [])
    sheet = _table_with_totals(
        book,
        "Per maand",
        MONTH_COLUMNS,
        months,
        range(1, len(MONTH_COLUMNS)),
        totals=stats.get("month_totals"),
    )
    _note(book, sheet, len(months) + 3, note)
    sizes = {}
    for sheet_name, label, lines, *total in stats.get("breakdowns") or []:
        lines = list(lines)
        columns = _breakdown_columns(label)
        sheet = _table_with_totals(
            book,
            sheet_name,
            columns,
            lines,
            (1, 2, 3),
            totals=total[0][1:] if total else None,
        )
        _note(book, sheet, len(lines) + 3, note)
        sizes[sheet_name] = len(lines)
    lead_times = list(stats.get("lead_times") or [])
    sheet = _table_with_totals(book, "Doorlooptijden", LEAD_COLUMNS, lead_times)
    _note(book, sheet, len(lead_times) + 2, note)
    row = _dashboard_text(book, dashboard, stats)
    _dashboard_charts(book, dashboard, row, len(months), sizes)
    dashboard.activate()
    book.close()


# ----------------------------------------------------------------------
# Year table (the layout of the MMA table: Gemeente | 2016 | ... | Totaal)
# ----------------------------------------------------------------------
def write_year_table(
    fileobj,
    years,
    rows,
    sheet_name="Jaartabel",
    row_totals=True,
    totals=None,
    note=None,
):
    """``years``: the column years in order; ``rows``: [(gemeente, [count per
    year])] or [(gemeente, [count per year], row total)]. Header row, one row
    per gemeente, a Totaal row; with ``row_totals`` also a Totaal column.
    ``totals``: (per year, grand total) as the caller computed them (under
    disclosure control a count may be "x" and the totals are exact, not the
    sum of what is shown); default the sums. Returns the column totals."""
    years = list(years)
    columns = [Column("gemeente", "Gemeente", "text", 24)]
    columns += [Column(str(year), str(year), "int", 10) for year in years]
    if row_totals:
        columns.append(Column("total", "Totaal", "int", 10))
    book = _Book(fileobj)
    fmt = book.fmt
    sheet = book.workbook.add_worksheet(sheet_name)
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
    sheet.write_string(0, 0, "Gemeente", fmt["header"])
    for col, year in enumerate(years, start=1):
        sheet.write_number(0, col, year, fmt["header"])
    if row_totals:
        sheet.write_string(0, len(years) + 1, "Totaal", fmt["header"])
    sheet.freeze_panes(1, 1)

    def number(value):
        return value if isinstance(value, (int, float)) else 0

    sums = [0] * len(years)
    row = 0
    for row, (gemeente, counts, *total) in enumerate(rows, start=1):
        sheet.write_string(row, 0, gemeente)
        for col, count in enumerate(counts, start=1):
            book.write_cell(sheet, row, col, "int", count or 0)
            sums[col - 1] += number(count)
        if row_totals:
            value = total[0] if total else sum(number(c) for c in counts)
            book.write_total(sheet, row, len(years) + 1, value)
    sheet.autofilter(0, 0, row, len(columns) - 1)
    year_totals, grand_total = totals if totals is not None else (sums, sum(sums))
    last = row + 1
    sheet.write_string(last, 0, "Totaal", fmt["total"])
    for col, total in enumerate(year_totals, start=1):
        book.write_total(sheet, last, col, total)
    if row_totals:
        book.write_total(sheet, last, len(years) + 1, grand_total)
    _note(book, sheet, last + 2, note)
    book.close()
    return list(year_totals)


# ----------------------------------------------------------------------
# Destruction log
# ----------------------------------------------------------------------
def write_destruction_log(fileobj, rows, title=None, columns=None):
    """The vernietigingslijst: one row per destroyed record (dicts keyed on
    the column keys). Returns the number of rows."""
    columns = list(columns or DESTRUCTION_COLUMNS)
    book = _Book(fileobj)
    sheet = book.table_sheet("Vernietigingslijst", columns)
    row = 0
    for row, values in enumerate(rows, start=1):
        for col, column in enumerate(columns):
            book.write_cell(sheet, row, col, column.kind, values.get(column.key))
    _autofilter(sheet, row, columns)
    book.close()
    return row


# ----------------------------------------------------------------------
# Import template and reader
# ----------------------------------------------------------------------
def write_register_template(fileobj, examples=None, columns=None):
    """The workbook a gemeente fills in to import its existing register:
    the headers the importer expects on the first sheet, and a sheet that
    explains each column. ``columns``: the import format (default
    ``IMPORT_COLUMNS`` of the register reader)."""
    if columns is None:
        from .ondermijning_register_reader import IMPORT_COLUMNS as columns
    book = _Book(fileobj, constant_memory=False)
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
            col, col, column.width, fmt["date"] if column.kind == "date" else None
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
