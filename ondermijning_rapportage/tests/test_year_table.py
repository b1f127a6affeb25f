import datetime

from odoo.tests import tagged

from .common import QUIET, RapportageCase

# The table in mma-aansluiting-twente-2021.txt: MMA reports per gemeente per year.
SEED_YEARS = [2016, 2017, 2018, 2019, 2020]
SEED_TABLE = [
    ("Almelo", [105, 103, 76, 102, 149]),
    ("Borne", [10, 6, 6, 7, 8]),
    ("Dinkelland", [6, 2, 9, 12, 15]),
    ("Enschede", [209, 237, 192, 198, 272]),
    ("Haaksbergen", [9, 11, 13, 1, 12]),
    ("Hellendoorn", [13, 16, 8, 8, 23]),
    ("Hengelo", [64, 74, 77, 67, 109]),
    ("Hof van Twente", [6, 19, 14, 7, 14]),
    ("Losser", [19, 18, 11, 22, 22]),
    ("Oldenzaal", [14, 10, 15, 10, 27]),
    ("Rijssen-Holten", [7, 7, 4, 13, 9]),
    ("Tubbergen", [7, 8, 5, 3, 6]),
    ("Twenterand", [22, 26, 23, 29, 29]),
    ("Wierden", [6, 5, 6, 9, 6]),
]
SEED_TOTALS = [497, 542, 459, 488, 701]


@tagged("post_install", "-at_install")
class TestTwenteYearTable(RapportageCase):
    """The seed's table, rebuilt from signals of the 14 Twente gemeenten."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Signal = cls.env["ondermijning.signaal"].with_context(
            **QUIET, ondermijning_no_audit=True
        )
        Company = cls.env["res.company"]
        categories = cls.env["ondermijning.categorie"].search([("is_mma", "=", True)])
        cls.twente = Company
        for name, counts in SEED_TABLE:
            company = Company.create({"name": name})
            cls.twente |= company
            for year, count in zip(SEED_YEARS, counts, strict=True):
                start = datetime.datetime(year, 1, 1, 12, 0)
                Signal.create(
                    [
                        {
                            "company_id": company.id,
                            "date_received": start
                            + datetime.timedelta(days=i * 364 // count),
                            "herkomst_id": cls.mma.id,
                            "mma_number": f"{year}-{i:04d}",
                            "categorie_id": categories[i % len(categories)].id,
                            "channel": "mma_platform",
                            "user_id": False,
                        }
                        for i in range(count)
                    ]
                )
        # a signal outside the table's period and one that is not from MMA
        Signal.create(
            [
                {
                    "company_id": cls.twente[0].id,
                    "date_received": "2021-01-05 12:00:00",
                    "herkomst_id": cls.mma.id,
                    "mma_number": "2021-0001",
                    "categorie_id": cls.categorie.id,
                    "user_id": False,
                },
                {
                    "company_id": cls.twente[0].id,
                    "date_received": "2019-05-05 12:00:00",
                    "herkomst_id": cls.meldpunt.id,
                    "categorie_id": cls.categorie.id,
                    "user_id": False,
                },
            ]
        )
        cls.analist = cls.users["analist"]

    def test_year_table_matches_the_seed(self):
        """The regional analyst's table: exact wherever the seed's cells
        reach the threshold (whole rows of them stay exact), the small cells
        withheld with just enough others that no total gives them away, and
        the totals exact."""
        book = self.export(
            self.analist,
            "jaartabel",
            date_from=datetime.date(2016, 1, 1),
            date_to=datetime.date(2020, 12, 31),
            company_ids=self.twente.ids,
            only_mma=True,
        )
        sheet = book.active
        rows = self.rows(sheet)
        self.assertEqual(rows[0], ["Gemeente", *SEED_YEARS, "Totaal"])
        body = rows[1 : 1 + len(SEED_TABLE)]
        self.assertEqual([r[0] for r in body], [name for name, _c in SEED_TABLE])
        for (name, counts), row in zip(SEED_TABLE, body, strict=True):
            shown = row[1:6]
            for count, value in zip(counts, shown, strict=True):
                if count < 5:
                    self.assertEqual(value, "x", f"{name}: {count} is withheld")
                else:
                    self.assertIn(value, (count, "x"), name)
            if min(counts) >= 5:
                self.assertEqual(shown, counts, f"{name}: every cell >= 5, exact")
            self.assertEqual(row[6], sum(counts), f"{name}: exact row total")
        self.assertEqual(
            rows[1 + len(SEED_TABLE)], ["Totaal", *SEED_TOTALS, sum(SEED_TOTALS)]
        )
        # no row or column total minus its visible cells gives one cell,
        # nor fewer than 5 signals
        columns = list(zip(*[r[1:6] for r in body], strict=True))
        lines = [(r[1:6], r[6]) for r in body] + list(
            zip(columns, SEED_TOTALS, strict=True)
        )
        for values, total in lines:
            hidden = [v for v in values if v == "x"]
            if hidden:
                self.assertGreaterEqual(len(hidden), 2)
                rest = total - sum(v for v in values if v != "x")
                self.assertGreaterEqual(rest, 5)
        self.assertEqual(sum(r[1:6].count("x") for r in body), 8)
        for row in sheet.iter_rows(min_row=2, max_row=1 + len(SEED_TABLE)):
            self.assertEqual(row[0].data_type, "s")
            for cell in row[1:]:
                self.assertEqual(cell.data_type, "s" if cell.value == "x" else "n")
        self.assertEqual(sheet.freeze_panes, "B2")

    def test_medewerker_gets_the_exact_seed_table(self):
        """Who may read the signals gets the exact table, small cells too."""
        self.users["medewerker"].write(
            {"company_ids": [(4, c) for c in self.twente.ids]}
        )
        user = self.users["medewerker"]
        Stat = (
            self.env["ondermijning.statistiek"]
            .with_user(user)
            .with_context(allowed_company_ids=self.twente.ids)
        )
        years, rows, year_totals, grand, note = Stat._year_table(
            {
                "date_from": datetime.date(2016, 1, 1),
                "date_to": datetime.date(2020, 12, 31),
                "only_mma": True,
            }
        )
        self.assertEqual(years, SEED_YEARS)
        self.assertEqual(
            [(name, counts) for name, counts, _total in rows],
            [(n, c) for n, c in SEED_TABLE],
        )
        self.assertEqual((year_totals, grand), (SEED_TOTALS, sum(SEED_TOTALS)))
        self.assertIsNone(note)

    def test_same_figures_in_the_pivot_data(self):
        """The pivot view groups the same way (gemeente × year)."""
        Stat = self.env["ondermijning.statistiek"].with_user(self.analist)
        domain = [
            ("company_id", "in", self.twente.ids),
            ("is_mma", "=", True),
            ("date_received", ">=", "2016-01-01"),
            ("date_received", "<", "2021-01-01"),
        ]
        groups = Stat._read_group(
            domain,
            ["date_received:year"],
            ["__count"],
        )
        self.assertEqual([count for _year, count in groups], SEED_TOTALS)
        # the pivot's cells (read_group over RPC) hide what the workbook hides
        pivot = Stat.read_group(
            domain,
            ["__count"],
            ["company_id", "date_received:year"],
            lazy=False,
        )
        shown = {
            (group["company_id"][1], group["date_received:year"]): group["__count"]
            for group in pivot
        }
        book = self.export(
            self.analist,
            "jaartabel",
            date_from=datetime.date(2016, 1, 1),
            date_to=datetime.date(2020, 12, 31),
            company_ids=self.twente.ids,
            only_mma=True,
        )
        table = {
            (row[0], str(year)): value
            for row in self.rows(book.active)[1 : 1 + len(SEED_TABLE)]
            for year, value in zip(SEED_YEARS, row[1:6], strict=True)
        }
        self.assertEqual(
            shown, {key: value for key, value in table.items() if value != "x"}
        )

    def test_medewerker_of_one_gemeente(self):
        enschede = self.twente.filtered(lambda c: c.name == "Enschede")
        self.users["medewerker"].write({"company_ids": [(4, enschede.id)]})
        user = self.users["medewerker"].with_context(allowed_company_ids=enschede.ids)
        years, rows, *_totals = (
            self.env["ondermijning.statistiek"]
            .with_user(user)
            .with_context(allowed_company_ids=enschede.ids)
            ._year_table(
                {
                    "date_from": datetime.date(2016, 1, 1),
                    "date_to": datetime.date(2020, 12, 31),
                    "only_mma": True,
                }
            )
        )
        self.assertEqual(years, SEED_YEARS)
        self.assertEqual(rows, [("Enschede", [209, 237, 192, 198, 272], 1108)], "exact")
