import datetime
import io

import pytz

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.ondermijning_signalen import stappenplan
from odoo.addons.ondermijning_signalen.tools import lead_times

from ..models.ondermijning_register import REGISTER_FIELDS
from .common import RapportageCase


@tagged("post_install", "-at_install")
class TestRegisterExport(RapportageCase):
    """The register holds exactly the signals and columns the user may read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Signal = cls.env["ondermijning.signaal"]
        base = {
            "categorie_id": cls.categorie.id,
            "company_id": cls.gemeente.id,
            "description": "Geheime beschrijving",
            "user_id": cls.users["medewerker"].id,
        }
        cls.mma_signal = Signal.create(
            dict(
                base,
                herkomst_id=cls.mma.id,
                mma_number="=SUM(1)",
                channel="mma_platform",
                date_received="2024-03-01 10:00:00",
                mma_date_received="2024-03-01",
                mma_date_opened="2024-03-02",
                mma_discipline="multi",
                bt_tafel_date="2024-03-10",
                mma_follow_up="bt_tafel",
                categorie_id=cls.woonfraude.id,
            )
        )
        cls.on_agenda = Signal.create(dict(base, date_received="2024-04-01 08:00:00"))
        cls.other = Signal.create(dict(base, date_received="2024-05-01 08:00:00"))
        cls.elsewhere = Signal.create(
            dict(
                base,
                company_id=cls.gemeente2.id,
                user_id=cls.medewerker2.id,
                date_received="2024-04-15 08:00:00",
            )
        )
        cls.env["ondermijning.overleg"].create(
            {
                "company_id": cls.gemeente.id,
                "user_ids": [Command.set(cls.users["overleg"].ids)],
                "signaal_ids": [Command.set(cls.on_agenda.ids)],
            }
        )

    def test_medewerker_register(self):
        sheet = self.export("medewerker", "register")["Register"]
        rows = self.as_dicts(sheet)
        self.assertEqual(
            [r["Referentie"] for r in rows],
            [self.mma_signal.name, self.on_agenda.name, self.other.name],
            "own gemeente only, oldest first",
        )
        header = [c.value for c in sheet[1]]
        self.assertIn("Eigenaar", header)
        mma = rows[0]
        self.assertEqual(mma["Gemeente"], self.gemeente.name)
        self.assertEqual(mma["MMA-nummer"], "=SUM(1)")
        col = header.index("MMA-nummer") + 1
        self.assertEqual(sheet.cell(2, col).data_type, "s")
        # 10:00 UTC is 11:00 in the gemeente (winter time)
        self.assertEqual(mma["Ontvangen"], datetime.datetime(2024, 3, 1, 11, 0))
        self.assertEqual(mma["MMA geopend"], datetime.datetime(2024, 3, 2))
        self.assertTrue(sheet.cell(2, header.index("MMA geopend") + 1).is_date)
        self.assertEqual(mma["BT-tafel"], datetime.datetime(2024, 3, 10))
        self.assertEqual(mma["Mono/multi"], "Multidisciplinair")
        self.assertEqual(
            mma["Resultaat/vervolg"], "Ingebracht in BT-ondermijningstafel"
        )
        self.assertEqual(mma["Categorie"], "Woonfraude")
        self.assertEqual(mma["Bron"], self.mma.name)
        self.assertEqual(mma["Kanaal"], "MMA-platform")
        self.assertEqual(mma["Stap"], self.stage[stappenplan.INTAKE].name)
        self.assertEqual(mma["Eigenaar"], self.users["medewerker"].name)
        self.assertIsNone(mma["Eindstatus"])
        self.assertIsNone(mma["Doorlooptijd totaal (dagen)"])

    def test_lead_times_are_numbers(self):
        self.through_stap2(self.other)
        self.env["ondermijning.signaal"].browse(self.other.id).sudo().write(
            {"date_stap2": "2024-05-03 08:00:00", "date_stap3": "2024-05-08 20:00:00"}
        )
        rows = self.as_dicts(self.export("medewerker", "register")["Register"])
        row = next(r for r in rows if r["Referentie"] == self.other.name)
        self.assertEqual(row["Doorlooptijd stap 1 (dagen)"], 2.0)
        self.assertEqual(row["Doorlooptijd stap 2 (dagen)"], 5.5)
        self.assertIsNone(row["Doorlooptijd stap 3 (dagen)"], "still in stap 3")
        self.assertEqual(row["Stap"], self.stage[stappenplan.BRONNEN].name)

    def test_register_and_statistics_agree(self):
        """One translation of the filter and one lead-time formula: the
        register and the statistics count the same signals for a period of
        whole months, and give a signal the same lead times."""
        self.through_stap2(self.other)
        self.env["ondermijning.signaal"].browse(self.other.id).sudo().write(
            {"date_stap2": "2024-05-03 08:00:00", "date_stap3": "2024-05-08 20:00:01"}
        )
        Stat = self.env["ondermijning.statistiek"].with_user(self.users["medewerker"])
        for filters in (
            {
                "date_from": datetime.date(2024, 3, 1),
                "date_to": datetime.date(2024, 4, 30),
            },
            {"date_from": datetime.date(2024, 3, 1), "only_mma": True},
            {"date_to": datetime.date(2024, 4, 30), "only_mma": True},
            {},
        ):
            with self.subTest(filters=filters):
                rows = self.as_dicts(
                    self.export("medewerker", "register", **filters)["Register"]
                )
                counted = Stat._read_group(
                    Stat._filter_domain(filters), [], ["__count"]
                )[0][0]
                self.assertEqual(len(rows), counted)
        rows = self.as_dicts(self.export("medewerker", "register")["Register"])
        row = next(r for r in rows if r["Referentie"] == self.other.name)
        stat = Stat.browse(self.other.id * 2)
        self.assertEqual(row["Doorlooptijd stap 1 (dagen)"], stat.lead_stap1)
        self.assertEqual(row["Doorlooptijd stap 2 (dagen)"], stat.lead_stap2)
        self.assertEqual(stat.lead_stap2, 5.5, "rounded to 2 decimals, both")

    def test_columns_read_in_sql_are_what_the_orm_reads(self):
        """Issue 16: the register reads its plain columns straight from the
        table, local times and lead times in the same query; every value is
        the one the ORM's read gives, converted as before (pytz, Python
        rounding half away from zero)."""
        self.through_stap2(self.other)
        Signal = self.env["ondermijning.signaal"]
        # 1.005 days: a tie at 2 decimals; summer and winter time
        Signal.browse(self.other.id).sudo().write(
            {"date_stap2": "2024-05-02 08:07:12", "date_stap3": "2024-07-01 22:30:00"}
        )
        user = self.users["medewerker"]
        Register = self.env["ondermijning.register"].with_user(user)
        batch = Signal.with_user(user).search(
            [("company_id", "=", self.gemeente.id)], order="date_received, id"
        )
        fnames = list(
            dict.fromkeys([*REGISTER_FIELDS.values(), *lead_times.LEAD_DATE_FIELDS])
        )
        in_sql = Register._register_sql_fields(fnames)
        self.assertTrue({"date_received", "categorie_id", "stage_id"} <= set(in_sql))
        fast = Register._register_fetch(batch, fnames, True)
        tz = self.env["ondermijning.statistiek"]._tz()
        self.env.invalidate_all()
        for record, vals in zip(fast, batch.read(fnames, load=None), strict=True):
            self.assertEqual(record["id"], vals["id"])
            for fname in fnames:
                value = vals[fname]
                if isinstance(value, datetime.datetime):
                    value = pytz.utc.localize(value).astimezone(tz).replace(tzinfo=None)
                self.assertEqual(record[fname] or False, value or False, fname)
            self.assertEqual(record["_leads"], lead_times.compute(vals))
        leads = next(r["_leads"] for r in fast if r["id"] == self.other.id)
        self.assertEqual(leads["lead_stap1"], 1.01)

    def test_export_is_audited(self):
        self.export("medewerker", "register")
        logs = self.env["ondermijning.audit.log"].search(
            [
                ("action", "=", "export"),
                ("user_id", "=", self.users["medewerker"].id),
                ("res_model", "=", "ondermijning.signaal"),
            ]
        )
        self.assertEqual(len(logs), 1, "one line for the whole export")
        exported = self.mma_signal | self.on_agenda | self.other
        self.assertEqual(logs.record_count, len(exported))
        self.assertEqual(set(logs.references.split()), set(exported.mapped("name")))

    def test_overleg_only_agenda_and_no_names(self):
        book = self.export("overleg", "register")
        sheet = book["Register"]
        rows = self.as_dicts(sheet)
        self.assertEqual([r["Referentie"] for r in rows], [self.on_agenda.name])
        header = [c.value for c in sheet[1]]
        self.assertNotIn("Eigenaar", header)
        names = {u.name for u in self.users.values()} | {
            u.login for u in self.users.values()
        }
        cells = {str(v) for row in self.rows(sheet) for v in row if v is not None}
        self.assertFalse(cells & names, "no names of officials in a partner's export")

    def test_other_gemeente(self):
        rows = self.as_dicts(self.export(self.medewerker2, "register")["Register"])
        self.assertEqual([r["Referentie"] for r in rows], [self.elsewhere.name])

    def test_afdeling_sees_nothing_not_referred(self):
        rows = self.as_dicts(self.export("afdeling", "register")["Register"])
        self.assertEqual(rows, [])

    def test_melder_gets_no_register(self):
        Wizard = self.env["ondermijning.export.wizard"].with_user(self.users["melder"])
        self.assertNotIn("register", Wizard._available_types())
        for role in ("melder", "analist", "beheerder"):
            with self.assertRaises(AccessError):
                self.env["ondermijning.register"].with_user(
                    self.users[role]
                )._export_register(io.BytesIO(), {})
        wizard = (
            self.env["ondermijning.export.wizard"]
            .with_user(self.users["analist"])
            .create({"export_type": "statistieken"})
        )
        wizard.sudo().export_type = "register"
        with self.assertRaises(AccessError):
            wizard._generate(io.BytesIO())

    def test_filters(self):
        rows = self.as_dicts(
            self.export(
                "medewerker",
                "register",
                date_from=datetime.date(2024, 3, 15),
                date_to=datetime.date(2024, 4, 30),
            )["Register"]
        )
        self.assertEqual([r["Referentie"] for r in rows], [self.on_agenda.name])
        rows = self.as_dicts(
            self.export("medewerker", "register", only_mma=True)["Register"]
        )
        self.assertEqual([r["Referentie"] for r in rows], [self.mma_signal.name])
        rows = self.as_dicts(
            self.export("medewerker", "register", categorie_ids=self.woonfraude.ids)[
                "Register"
            ]
        )
        self.assertEqual([r["Referentie"] for r in rows], [self.mma_signal.name])
        rows = self.as_dicts(
            self.export("medewerker", "register", company_ids=self.gemeente2.ids)[
                "Register"
            ]
        )
        self.assertEqual(
            rows, [], "another gemeente in the filter does not widen the rules"
        )

    def test_batches_keep_order_on_equal_dates(self):
        same = self.quick_signals(self.gemeente, 5, "2024-06-01 12:00:00")
        buffer = io.BytesIO()
        Register = self.env["ondermijning.register"].with_user(self.users["medewerker"])
        count = Register._export_register(
            buffer, {"date_from": datetime.date(2024, 6, 1)}, batch_size=2
        )
        self.assertEqual(count, 5)
        buffer.seek(0)
        import openpyxl

        rows = self.as_dicts(openpyxl.load_workbook(buffer)["Register"])
        self.assertEqual(
            [r["Referentie"] for r in rows], same.sorted("id").mapped("name")
        )

    def test_sealed_signal_is_not_exported(self):
        if "is_sealed" not in self.env["ondermijning.signaal"]._fields:
            self.skipTest("no sealing in this installation")
        self.other.sudo().is_sealed = True
        for role in ("medewerker", "privacy"):
            rows = self.as_dicts(self.export(role, "register")["Register"])
            self.assertEqual(
                [r["Referentie"] for r in rows],
                [self.mma_signal.name, self.on_agenda.name],
                role,
            )
