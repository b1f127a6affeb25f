"""The statistics workbooks: the dashboard with its data sheets, and the year
table (gemeente x year, as the MMA table). Plain Python on top of the shared
workbook of ``ondermijning_workbooks``: the figures come prepared (and, under
disclosure control, with withheld figures as the string "x")."""

from .ondermijning_workbooks import Book, Column, autofilter

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
    autofilter(sheet, len(rows), columns)
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


def _cross_sheet(book, name, tables, notes):
    """A sheet of one or more tables, one under the other: a title, a
    header (corner, column labels, Totaal), a row per value with its total,
    a Totaal row (``totals``: the exact totals, or None for a list), then
    the notes. Written top to bottom (the workbook streams its rows)."""
    fmt = book.fmt
    sheet = book.workbook.add_worksheet(name)
    width = max((len(table["columns"]) for table in tables), default=0) + 2
    sheet.set_column(0, 0, 44)
    sheet.set_column(1, width, 14)
    row = 0
    for table in tables:
        if table.get("title"):
            sheet.write_string(row, 0, table["title"], fmt["bold"])
            row += 1
        totals = table.get("totals")
        headers = [table.get("corner") or "", *table["columns"]]
        if totals is not None:
            headers.append("Totaal")
        for col, header in enumerate(headers):
            if isinstance(header, int):
                sheet.write_number(row, col, header, fmt["header"])
            else:
                sheet.write_string(row, col, str(header), fmt["header"])
        row += 1
        for label, values, total in table["rows"]:
            sheet.write_string(row, 0, str(label))
            for col, value in enumerate(values, start=1):
                book.write_cell(sheet, row, col, "int", value or 0)
            if totals is not None:
                book.write_total(sheet, row, len(values) + 1, total)
            row += 1
        if not table["rows"]:
            sheet.write_string(row, 0, "(geen)", fmt["note"])
            row += 1
        if totals is not None:
            per_column, grand_total = totals
            sheet.write_string(row, 0, "Totaal", fmt["total"])
            for col, value in enumerate(per_column, start=1):
                book.write_total(sheet, row, col, value)
            book.write_total(sheet, row, len(per_column) + 1, grand_total)
            row += 1
        row += 1
    for note in notes or ():
        if note:
            _note(book, sheet, row, note)
            row += 1
    return sheet


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
      cross_sheets: [(sheet name, [table], [note])], a table being a dict:
                title, corner (header of the label column), columns (labels),
                rows [(label, [count per column], row total)], totals
                ([per column], grand total) or None
      note: a line under every table (what "x" means), optional
    A figure withheld by disclosure control is the string "x".
    """
    # a few hundred cells: no temporary file per sheet (constant_memory is
    # for the register's rows)
    book = Book(fileobj, constant_memory=False, in_memory=True)
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
    for sheet_name, tables, notes in stats.get("cross_sheets") or []:
        _cross_sheet(book, sheet_name, tables, notes)
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
    book = Book(fileobj, constant_memory=False, in_memory=True)  # small
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
