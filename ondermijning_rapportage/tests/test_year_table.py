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
        self.assertEqual(
            [(r[0], r[1:6]) for r in rows[1:-1]], [(n, c) for n, c in SEED_TABLE]
        )
        self.assertEqual([r[6] for r in rows[1:-1]], [sum(c) for _n, c in SEED_TABLE])
        self.assertEqual(rows[-1], ["Totaal", *SEED_TOTALS, sum(SEED_TOTALS)])
        self.assertEqual(SEED_TOTALS, [497, 542, 459, 488, 701])
        for row in sheet.iter_rows(min_row=2):
            self.assertEqual(row[0].data_type, "s")
            self.assertTrue(all(cell.data_type == "n" for cell in row[1:]))
        self.assertEqual(sheet.freeze_panes, "B2")

    def test_same_figures_in_the_pivot_data(self):
        """The pivot view groups the same way (gemeente × year)."""
        Stat = self.env["ondermijning.statistiek"].with_user(self.analist)
        groups = Stat._read_group(
            [
                ("company_id", "in", self.twente.ids),
                ("is_mma", "=", True),
                ("date_received", ">=", "2016-01-01"),
                ("date_received", "<", "2021-01-01"),
            ],
            ["date_received:year"],
            ["__count"],
        )
        self.assertEqual([count for _year, count in groups], SEED_TOTALS)

    def test_medewerker_of_one_gemeente(self):
        enschede = self.twente.filtered(lambda c: c.name == "Enschede")
        self.users["medewerker"].write({"company_ids": [(4, enschede.id)]})
        user = self.users["medewerker"].with_context(allowed_company_ids=enschede.ids)
        years, rows = (
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
        self.assertEqual(rows, [("Enschede", [209, 237, 192, 198, 272])])
