import base64
import datetime
import io

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..report import ondermijning_register_reader as rd
from .common import RapportageCase

PLACE = "Dorpsstraat 1, Hengelo"
SUMMARY = "=SUM(1) Hennep op zolder; buren ruiken het 's nachts (ñ, €)"


def workbook_bytes(wizard):
    buffer = io.BytesIO()
    wizard._generate(buffer)
    return buffer.getvalue()


def cells(data):
    """Every sheet's cell values, row by row."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


@tagged("post_install", "-at_install")
class TestMmaRegisterRoundTrip(RapportageCase):
    """The MMA register out and in again: export, import into an empty
    register (a gemeente without signals), export again gives the same
    workbook, with the time and place of the facts and the summary, which
    stay encrypted at rest and go only to those who may read them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wijk = cls.env["ondermijning.wijk"].create(
            {"name": "Centrum", "company_id": cls.gemeente.id}
        )
        Signal = cls.env["ondermijning.signaal"].with_user(cls.users["medewerker"])
        mma = {
            "company_id": cls.gemeente.id,
            "herkomst_id": cls.mma.id,
            "channel": "mma_platform",
        }
        cls.signals = Signal.create(
            [
                dict(
                    mma,
                    mma_number="MMA-2024-0001",
                    # 10:41:17 in the gemeente (winter time)
                    date_received="2024-03-01 09:41:17",
                    mma_date_received="2024-02-29",
                    mma_date_opened="2024-03-01",
                    categorie_id=cls.woonfraude.id,
                    mma_discipline="multi",
                    bt_tafel_date="2024-03-10",
                    mma_follow_up="bt_tafel",
                    wijk_id=cls.wijk.id,
                    date_facts="2024-02-20 21:15:00",
                    facts_location=PLACE,
                    description=SUMMARY,
                ),
                dict(
                    mma,
                    mma_number="MMA-2024-0002",
                    # 00:30:05 on 2 July in the gemeente (summer time)
                    date_received="2024-07-01 22:30:05",
                    mma_date_received="2024-07-01",
                    categorie_id=cls.categorie.id,
                    mma_discipline="mono",
                    mma_follow_up="gemeente",
                    description="Drugshandel vanuit een woning",
                ),
                dict(
                    mma,
                    mma_number="MMA-2024-0003",
                    date_received="2024-09-12 14:05:00",
                    mma_date_received="2024-09-12",
                    mma_date_opened="2024-09-12",
                    categorie_id=cls.categorie.id,
                    date_facts="2024-09-01 10:00:00",
                    facts_location="Industrieweg, loods 4",
                ),
            ]
        )
        # not from MMA: not in the MMA register
        cls.other = Signal.create(
            {"company_id": cls.gemeente.id, "categorie_id": cls.categorie.id}
        )
        # an empty register: a gemeente without a single signal, with the
        # same wijk (configuration travels with the gemeente, not the file)
        cls.empty = cls.env["res.company"].create({"name": "Gemeente Leeg (test)"})
        cls.env["ondermijning.wijk"].create(
            {"name": "Centrum", "company_id": cls.empty.id}
        )
        cls.medewerker_empty = new_test_user(
            cls.env,
            login="test_medewerker_leeg",
            groups="base.group_user,ondermijning_signalen.group_medewerker,"
            "base.group_allow_export",
            company_id=cls.empty.id,
            company_ids=[cls.empty.id],
        )

    def export(self, user, **filters):
        user = self.users[user] if isinstance(user, str) else user
        self.env.invalidate_all()
        wizard = (
            self.env["ondermijning.export.wizard"]
            .with_user(user)
            .create(dict({"export_type": "mma_register"}, **filters))
        )
        return workbook_bytes(wizard)

    def import_into(self, user, company, data):
        wizard = (
            self.env["ondermijning.register.import"]
            .with_user(user)
            .create(
                {
                    "company_id": company.id,
                    "file": base64.b64encode(data),
                    "filename": "mma-register.xlsx",
                }
            )
        )
        wizard.action_preview()
        self.assertEqual(wizard.invalid_count, 0, wizard.line_ids.mapped("reason"))
        wizard.action_import()
        self.assertEqual(wizard.state, "done", wizard.message)
        return wizard.imported_signal_ids

    def test_export_import_export_is_identical(self):
        first = self.export("medewerker")
        sheets = cells(first)
        rows = sheets["MMA-register"]
        self.assertEqual(rows[0], [c.header for c in rd.IMPORT_COLUMNS])
        self.assertEqual(len(rows), 4, "the three MMA signals, oldest first")
        row = dict(zip(rows[0], rows[1], strict=True))
        self.assertEqual(row["Ontvangen"], datetime.datetime(2024, 3, 1, 10, 41, 17))
        self.assertEqual(row["Tijdstip feiten"], datetime.datetime(2024, 2, 20, 22, 15))
        self.assertEqual(row["Plaats"], PLACE)
        self.assertEqual(row["Omschrijving"], SUMMARY, "text, never a formula")
        self.assertEqual(
            dict(zip(rows[0], rows[2], strict=True))["Ontvangen"],
            datetime.datetime(2024, 7, 2, 0, 30, 5),
        )
        self.assertFalse(
            self.env["ondermijning.signaal"].search_count(
                [("company_id", "=", self.empty.id)]
            ),
            "the register to import into is empty",
        )
        imported = self.import_into(self.medewerker_empty, self.empty, first)
        self.assertEqual(len(imported), 3)
        second = self.export(self.medewerker_empty)
        self.assertEqual(cells(second), sheets, "the same workbook, cell for cell")
        # what was imported is stored as the original: encrypted at rest
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT description, facts_location FROM ondermijning_signaal "
            "WHERE id IN %s",
            [tuple(imported.ids)],
        )
        for description, place in self.env.cr.fetchall():
            for value in (description, place):
                if value:
                    self.assertTrue(value.startswith("ond1:"), "stored encrypted")
                    self.assertNotIn("Hennep", value)
                    self.assertNotIn("Dorpsstraat", value)
        original = self.signals[0].sudo()
        copy = imported.sudo().filtered(lambda s: s.mma_number == "MMA-2024-0001")
        for fname in (
            "date_received",
            "mma_date_received",
            "mma_date_opened",
            "categorie_id",
            "mma_discipline",
            "bt_tafel_date",
            "mma_follow_up",
            "herkomst_id",
            "channel",
            "date_facts",
            "facts_location",
            "description",
        ):
            self.assertEqual(copy[fname], original[fname], fname)
        self.assertEqual(copy.wijk_id.name, "Centrum")
        self.assertEqual(copy.company_id, self.empty)

    def test_export_is_audited_with_its_content_fields(self):
        self.export("medewerker")
        log = self.env["ondermijning.audit.log"].search(
            [
                ("action", "=", "export"),
                ("user_id", "=", self.users["medewerker"].id),
                ("res_model", "=", "ondermijning.signaal"),
            ]
        )
        self.assertEqual(len(log), 1)
        self.assertEqual(log.record_count, 3)
        self.assertEqual(set(log.references.split()), set(self.signals.mapped("name")))
        exported = set(log.field_names.split(","))
        self.assertTrue(
            {"description", "facts_location", "date_facts"} <= exported, exported
        )

    def test_content_only_for_those_who_may_read_it(self):
        # an overleg partner: of an agenda item without clearance not even
        # that it came from MMA; with one, what the clearance names
        self.env["ondermijning.overleg"].create(
            {
                "company_id": self.gemeente.id,
                "user_ids": [Command.set(self.users["overleg"].ids)],
                "signaal_ids": [Command.set(self.signals[:2].ids)],
            }
        )
        rows = cells(self.export("overleg"))["MMA-register"]
        self.assertEqual(len(rows), 1, "the header only")
        self.env["ondermijning.vrijgave"].with_user(self.users["privacy"]).create(
            {
                "signaal_id": self.signals[0].id,
                "partner_id": self.politie.id,
                "scope": "kern",
                "legal_ground": "RIEC-convenant, art. 6 lid 1 sub e AVG",
            }
        )
        rows = cells(self.export("overleg"))["MMA-register"]
        self.assertEqual(len(rows), 2, "the cleared agenda item only")
        row = dict(zip(rows[0], rows[1], strict=True))
        self.assertEqual((row["Plaats"], row["Omschrijving"]), (PLACE, SUMMARY))
        flat = {str(v) for line in rows for v in line if v is not None}
        self.assertNotIn("Drugshandel vanuit een woning", flat)
        # roles without the register
        for role in ("melder", "analist", "beheerder"):
            Register = self.env["ondermijning.register"].with_user(self.users[role])
            with self.subTest(role=role), self.assertRaises(AccessError):
                Register._export_mma_register(io.BytesIO(), {})
            Wizard = self.env["ondermijning.export.wizard"].with_user(self.users[role])
            self.assertNotIn("mma_register", Wizard._available_types())
        # another gemeente's medewerker exports nothing of this one
        rows = cells(self.export(self.medewerker2))["MMA-register"]
        self.assertEqual(len(rows), 1, "the header only")

    def test_legacy_register_with_only_the_mma_date(self):
        """A register that keeps only "MMA ontvangen" still imports: that
        date is the date received."""
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["MMA-nummer", "MMA ontvangen", "Categorie"])
        sheet.append(["MMA-OUD-1", datetime.datetime(2023, 5, 4), "Woonfraude"])
        buffer = io.BytesIO()
        book.save(buffer)
        signal = self.import_into(self.medewerker_empty, self.empty, buffer.getvalue())
        self.assertEqual(signal.mma_date_received, datetime.date(2023, 5, 4))
        self.assertEqual(
            signal.date_received, datetime.datetime(2023, 5, 4, 10, 0), "noon, local"
        )
