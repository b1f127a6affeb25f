import datetime
import io
import os
import zipfile
from decimal import Decimal

import openpyxl

from odoo.tests import BaseCase, tagged

from ..report import ondermijning_register_reader as rd
from ..report import ondermijning_statistics_workbook as sw
from ..report import ondermijning_workbooks as wb


def _load(buffer):
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


@tagged("post_install", "-at_install")
class TestWorkbookWriters(BaseCase):
    """The writers are plain Python: called directly, read back with openpyxl."""

    def test_register_types_and_text(self):
        rows = [
            {
                "name": "2024-00001",
                "company": "Hengelo",
                "mma_number": "=SUM(1)",
                "mma_date_received": datetime.date(2024, 3, 1),
                "date_received": datetime.datetime(2024, 3, 1, 14, 30),
                "categorie": '=HYPERLINK("http://x")',
                "lead_stap1": 2.5,
                "lead_total": 10.0,
                "wijk": "http://example.com",
            },
            {
                "name": "2024-00002",
                "company": "Hengelo",
                "mma_number": None,
                "date_received": datetime.datetime(2024, 3, 2, 9, 0),
                "lead_stap1": None,
            },
        ]
        buffer = io.BytesIO()
        self.assertEqual(wb.write_register(buffer, iter(rows)), 2)
        sheet = _load(buffer)["Register"]
        header = [c.value for c in sheet[1]]
        self.assertEqual(header, [c.header for c in wb.REGISTER_COLUMNS])
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(
            sheet.auto_filter.ref,
            f"A1:{openpyxl.utils.get_column_letter(len(header))}3",
        )
        col = {h: i + 1 for i, h in enumerate(header)}
        cell = sheet.cell(2, col["MMA-nummer"])
        self.assertEqual(cell.value, "=SUM(1)")
        self.assertEqual(cell.data_type, "s", "text starting with = stays text")
        self.assertEqual(sheet.cell(2, col["Categorie"]).data_type, "s")
        self.assertEqual(sheet.cell(2, col["Wijk"]).hyperlink, None)
        received = sheet.cell(2, col["Ontvangen"])
        self.assertTrue(received.is_date)
        self.assertEqual(received.value, datetime.datetime(2024, 3, 1, 14, 30))
        self.assertTrue(sheet.cell(2, col["MMA ontvangen"]).is_date)
        lead = sheet.cell(2, col["Doorlooptijd stap 1 (dagen)"])
        self.assertEqual((lead.value, lead.data_type), (2.5, "n"))
        self.assertIsNone(sheet.cell(3, col["MMA-nummer"]).value)
        self.assertGreater(sheet.column_dimensions["G"].width, 20)

    def test_row_stream_writes_what_xlsxwriter_writes(self):
        """The register's rows, written as one string each, are the XML that
        xlsxwriter writes cell by cell (the same workbook byte for byte, but
        for the file's creation time): text that looks like a formula, a
        link or xlsxwriter's own escape, control characters, edge spaces,
        markup, numbers of every kind, dates, withheld figures, empty cells
        and a row without any."""
        rows = [
            {
                "name": "2024-00001",
                "company": " Hengelo ",
                "mma_number": "=SUM(1)",
                "mma_date_received": datetime.date(2024, 3, 1),
                "date_received": datetime.datetime(2024, 3, 1, 14, 30, 15),
                "categorie": '<r>a & b</r> "c" \u00e9\u20ac',
                "mma_follow_up": "line\nnext\ttab _x0041_ \x01 \ufffe",
                "wijk": "http://example.com",
                "lead_stap1": Decimal("2.50"),
                "lead_stap2": 0,
                "lead_stap3": 1 / 3,
                "lead_stap4": "x",
                "lead_total": 10**16 + 1,
                "end_state": False,
                "user": "",
            },
            {},
            {"name": "2024-00002", "date_end": "onbekend", "lead_total": -0.1},
            {"name": "x" * 40000, "bt_tafel_date": datetime.date(1900, 2, 28)},
        ]

        def sheet_xml(fast):
            buffer = io.BytesIO()
            book = wb.Book(buffer)
            book.workbook.set_properties({"created": datetime.datetime(2024, 1, 1)})
            sheet = book.table_sheet("Register", wb.REGISTER_COLUMNS)
            stream = wb.RowStream(book, sheet, wb.REGISTER_COLUMNS)
            stream.fast = fast
            for row, values in enumerate(rows, start=1):
                stream.add_row(row, values)
            wb.autofilter(sheet, len(rows), wb.REGISTER_COLUMNS)
            book.close()
            with zipfile.ZipFile(buffer) as archive:
                return {name: archive.read(name) for name in archive.namelist()}

        fast, reference = sheet_xml(True), sheet_xml(False)
        self.assertIs(wb.RowStream(None, None, []).fast, False)  # no sheet: cells
        self.assertEqual(sorted(fast), sorted(reference))
        for name, data in reference.items():
            self.assertEqual(fast[name], data, name)
        self.assertIn(b"_x005F_x0041_", fast["xl/worksheets/sheet1.xml"])

    def test_register_continues_beyond_row_limit(self):
        rows = ({"name": f"R{i}"} for i in range(5))
        buffer = io.BytesIO()
        wb.write_register(buffer, rows, columns=wb.REGISTER_COLUMNS[:1], max_rows=2)
        book = _load(buffer)
        self.assertEqual(book.sheetnames, ["Register", "Register (2)", "Register (3)"])
        self.assertEqual(
            [r[0] for r in book["Register (3)"].iter_rows(values_only=True)],
            ["Referentie", "R4"],
        )

    def test_year_table_layout(self):
        buffer = io.BytesIO()
        totals = sw.write_year_table(
            buffer, [2019, 2020], [("Almelo", [3, 4]), ("Borne", [0, 1])]
        )
        self.assertEqual(totals, [3, 5])
        rows = [list(r) for r in _load(buffer).active.iter_rows(values_only=True)]
        self.assertEqual(
            rows,
            [
                ["Gemeente", 2019, 2020, "Totaal"],
                ["Almelo", 3, 4, 7],
                ["Borne", 0, 1, 1],
                ["Totaal", 3, 5, 8],
            ],
        )

    def test_statistics_dashboard_has_charts(self):
        stats = {
            "title": "Test",
            "filters": [("Periode", "2024")],
            "totals": [("Ontvangen", 5), ("Mediane doorlooptijd (dagen)", 1.5)],
            "months": [
                (datetime.date(2024, 1, 1), 3, 1, 0, 0),
                (datetime.date(2024, 2, 1), 2, 2, 1, 1),
            ],
            "breakdowns": [
                (
                    "Per categorie",
                    "Categorie",
                    [("Drugs", 4, 2, 1), ("=Fraude", 1, 1, 0)],
                ),
                (
                    "Per eindstatus",
                    "Eindstatus",
                    [("(geen)", 4, 2, 0), ("RIEC", 1, 1, 1)],
                ),
            ],
            "lead_times": [
                ("Stap 1", 3, 1.5, 1.0, 2.8),
                ("Stap 2", 0, None, None, None),
            ],
        }
        buffer = io.BytesIO()
        sw.write_statistics(buffer, stats)
        buffer.seek(0)
        book = openpyxl.load_workbook(buffer)
        self.assertEqual(book.sheetnames[0], "Dashboard")
        months = [list(r) for r in book["Per maand"].iter_rows(values_only=True)]
        self.assertEqual(
            months[0],
            [
                "Maand",
                "Ontvangen",
                "Waarvan in behandeling genomen",
                "Waarvan afgesloten",
                "Afgesloten in de maand",
            ],
        )
        self.assertEqual(months[1][0], datetime.datetime(2024, 1, 1))
        self.assertTrue(book["Per maand"]["A2"].is_date)
        self.assertEqual(months[-1], ["Totaal", 5, 3, 1, 1])
        self.assertEqual(book["Per categorie"]["A3"].value, "=Fraude")
        self.assertEqual(book["Per categorie"]["A3"].data_type, "s")
        self.assertEqual(book["Doorlooptijden"]["D2"].value, 1.0)
        self.assertIsNone(book["Doorlooptijden"]["D3"].value)
        # openpyxl drops charts on load: look at the package itself
        buffer.seek(0)
        names = zipfile.ZipFile(buffer).namelist()
        charts = [n for n in names if n.startswith("xl/charts/chart")]
        self.assertEqual(
            len(charts), 3, "line per month, bar per category, pie per end state"
        )
        chart1 = zipfile.ZipFile(buffer).read(charts[0]).decode()
        self.assertIn("lineChart", chart1)
        self.assertIn("'Per maand'!$B$2:$B$3", chart1)

    def test_template_and_reader_round_trip(self):
        buffer = io.BytesIO()
        wb.write_register_template(
            buffer,
            examples=[
                {
                    "mma_number": "MMA-1",
                    "date_received": datetime.date(2024, 5, 1),
                    "categorie": "Woonfraude",
                }
            ],
        )
        buffer.seek(0)
        keys, rows = rd.read_register(buffer)
        self.assertEqual(keys, [c.key for c in rd.IMPORT_COLUMNS])
        rows = list(rows)
        self.assertEqual(len(rows), 1)
        number, values = rows[0]
        self.assertEqual(number, 2)
        self.assertEqual(values["mma_number"], "MMA-1")
        self.assertEqual(
            rd.parse_date(values["date_received"]), datetime.date(2024, 5, 1)
        )

    def test_shipped_template_matches(self):
        """data/ondermijning_register_template.xlsx (repo root) has the
        headers the importer expects."""
        path = os.path.join(
            os.path.dirname(__file__),
            "..",
            "..",
            "data",
            "ondermijning_register_template.xlsx",
        )
        if not os.path.exists(path):
            self.skipTest("template workbook not shipped beside the addon")
        with open(path, "rb") as handle:
            keys, rows = rd.read_register(handle)
            self.assertEqual(keys, [c.key for c in rd.IMPORT_COLUMNS])
            list(rows)

    def test_parse_date(self):
        self.assertEqual(rd.parse_date("03-02-2024"), datetime.date(2024, 2, 3))
        self.assertEqual(rd.parse_date("2024-02-03"), datetime.date(2024, 2, 3))
        self.assertEqual(
            rd.parse_date(datetime.datetime(2024, 2, 3, 10, 0)),
            datetime.date(2024, 2, 3),
        )
        self.assertIsNone(rd.parse_date("  "))
        for bad in ("31-02-2024", "gisteren", 45000):
            with self.assertRaises(ValueError):
                rd.parse_date(bad)
