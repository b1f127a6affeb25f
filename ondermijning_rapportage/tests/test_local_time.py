import datetime

from odoo.tests import tagged

from odoo.addons.ondermijning_signalen import stappenplan

from .common import RapportageCase

# (received in UTC, the local (Europe/Amsterdam) month it counts in)
BOUNDARIES = [
    # winter time (UTC+1): New Year's night, and the end of January
    ("2023-12-31 23:30:00", datetime.date(2024, 1, 1)),
    ("2023-12-31 22:59:00", datetime.date(2023, 12, 1)),
    ("2024-01-31 22:59:00", datetime.date(2024, 1, 1)),
    ("2024-01-31 23:00:00", datetime.date(2024, 2, 1)),
    # the night summer time starts (31 March 2024) and summer (UTC+2)
    ("2024-03-31 22:30:00", datetime.date(2024, 4, 1)),
    ("2024-06-30 21:59:00", datetime.date(2024, 6, 1)),
    ("2024-06-30 22:30:00", datetime.date(2024, 7, 1)),
    # after summer time ended (27 October 2024): UTC+1 again
    ("2024-10-31 23:30:00", datetime.date(2024, 11, 1)),
    ("2024-12-31 23:15:00", datetime.date(2025, 1, 1)),
]


@tagged("post_install", "-at_install")
class TestLocalMonths(RapportageCase):
    """Months and years are the gemeente's local ones (Europe/Amsterdam),
    the same in the statistics, the year table and the register."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.signals = cls.env["ondermijning.signaal"]
        for received, _month in BOUNDARIES:
            cls.signals |= cls.quick_signals(cls.gemeente, 1, received)
        # one ended late on the last evening of June (local July)
        cls.signals[0].sudo().write(
            {
                "end_state": "niet_in_behandeling",
                "date_end": "2024-06-30 22:30:00",
                "stage_id": cls.stage[stappenplan.AFGESLOTEN].id,
            }
        )

    def test_statistics_rows_count_in_the_local_month(self):
        Stat = self.env["ondermijning.statistiek"]
        for signal, (received, month) in zip(self.signals, BOUNDARIES, strict=True):
            row = Stat.browse(signal.id * 2)
            self.assertEqual(row.date_received, month, received)
        self.assertEqual(Stat.browse(self.signals[0].id * 2).date_end.month, 7)

    def test_year_table_and_register_agree_on_the_year(self):
        years, rows, totals, grand, _note = (
            self.env["ondermijning.statistiek"]
            .with_user(self.users["medewerker"])
            ._year_table({"company_ids": self.gemeente.ids})
        )
        self.assertEqual(years, [2023, 2024, 2025])
        self.assertEqual(rows, [(self.gemeente.name, [1, 7, 1], 9)])
        register = self.as_dicts(
            self.export(
                "medewerker",
                "register",
                date_from=datetime.date(2024, 1, 1),
                date_to=datetime.date(2024, 12, 31),
            )["Register"]
        )
        self.assertEqual(len(register), 7, "the same signals as the 2024 column")
        first = min(row["Ontvangen"] for row in register)
        self.assertEqual(first, datetime.datetime(2024, 1, 1, 0, 30), "local time")
        book = self.export(
            "medewerker",
            "statistieken",
            date_from=datetime.date(2024, 1, 1),
            date_to=datetime.date(2024, 12, 31),
        )
        months = {
            row[0]: row[1]
            for row in self.rows(book["Per maand"])[1:]
            if isinstance(row[0], datetime.datetime)
        }
        self.assertEqual(months[datetime.datetime(2024, 1, 1)], 2)
        self.assertEqual(months[datetime.datetime(2024, 2, 1)], 1)
        self.assertEqual(months[datetime.datetime(2024, 7, 1)], 1)
        self.assertEqual(sum(months.values()), 7)
