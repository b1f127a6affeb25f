import base64
import datetime
import io
import os
import zipfile
from unittest.mock import patch

import openpyxl

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.ondermijning_signalen import stappenplan

from ..report import ondermijning_register_reader as rd
from .common import RapportageCase

MB = 1024 * 1024

HEADERS = [c.header for c in rd.IMPORT_COLUMNS]


def make_register(rows, headers=HEADERS):
    """An xlsx as gemeenten keep it (openpyxl, not our writer)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, as a user typed it, not a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class ImportCase(RapportageCase):
    """Gemeenten, a wijk, signals with MMA numbers, and a wizard helper."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("nl_NL")
        cls.wijk = cls.env["ondermijning.wijk"].create(
            {"name": "Centrum", "company_id": cls.gemeente.id}
        )
        cls.existing = cls.env["ondermijning.signaal"].create(
            {
                "company_id": cls.gemeente.id,
                "categorie_id": cls.categorie.id,
                "herkomst_id": cls.mma.id,
                "mma_number": "MMA-OLD",
                "user_id": False,
            }
        )
        # the same number in another gemeente is no duplicate
        cls.env["ondermijning.signaal"].create(
            {
                "company_id": cls.gemeente2.id,
                "categorie_id": cls.categorie.id,
                "herkomst_id": cls.mma.id,
                "mma_number": "MMA-2",
                "user_id": False,
            }
        )

    def wizard(self, content, role="medewerker"):
        """The wizard as the user, in Dutch (the reasons are translated)."""
        return (
            self.env["ondermijning.register.import"]
            .with_user(self.users[role])
            .with_context(lang="nl_NL")
            .create(
                {
                    "company_id": self.gemeente.id,
                    "file": base64.b64encode(content),
                    "filename": "register.xlsx",
                }
            )
        )

    def refusing(self, mma_number):
        """The signal model refuses the row with this MMA number (as a
        constraint the import's own checks do not know would)."""
        Signal = type(self.env["ondermijning.signaal"])
        original = Signal.create

        def create(records, vals_list):
            if any(vals.get("mma_number") == mma_number for vals in vals_list):
                raise ValidationError(records.env._("Kapot"))
            return original(records, vals_list)

        return patch.object(Signal, "create", create)

    def count(self):
        return (
            self.env["ondermijning.signaal"]
            .with_context(active_test=False)
            .search_count([])
        )

    GOOD = {
        "MMA-nummer": "MMA-1",
        "Ontvangen": datetime.datetime(2024, 5, 1),
        "Geopend": "02-05-2024",
        "Categorie": "Woonfraude",
        "Mono/multi": "multi",
        "BT-tafel": datetime.datetime(2024, 5, 8),
        "Resultaat/vervolg": "Ingebracht bij RIEC",
        "Wijk": "centrum",
        "Omschrijving": "=SUM(1) Pand aan de Dorpsstraat",
        "Plaats": "Dorpsstraat 1",
    }


@tagged("post_install", "-at_install")
class TestRegisterImport(ImportCase):
    def test_bad_rows_write_nothing_and_say_why(self):
        rows = [
            dict(self.GOOD),  # 2 valid
            dict(self.GOOD, **{"MMA-nummer": "MMA-3", "Categorie": "Kaasfraude"}),  # 3
            dict(self.GOOD, **{"MMA-nummer": "MMA-4", "Ontvangen": "31-02-2024"}),  # 4
            dict(self.GOOD),  # 5 dup in file
            dict(self.GOOD, **{"MMA-nummer": "MMA-OLD"}),  # 6 dup existing
            dict(self.GOOD, **{"MMA-nummer": "MMA-7", "Ontvangen": None}),  # 7 missing
            dict(self.GOOD, **{"MMA-nummer": "MMA-8", "Categorie": None}),  # 8 missing
            dict(self.GOOD, **{"MMA-nummer": None, "Bron": "MMA"}),  # 9 MMA w/o number
            dict(
                self.GOOD,
                **{"MMA-nummer": "MMA-10", "Mono/multi": "beide", "Wijk": "Noord"},
            ),  # 10
            dict(self.GOOD, **{"MMA-nummer": "MMA-2"}),  # 11 valid
        ]
        before = self.count()
        wizard = self.wizard(make_register(rows))
        wizard.action_preview()
        self.assertEqual(self.count(), before, "a preview writes no signal")
        reasons = {
            line.row_number: (line.state, line.reason or "") for line in wizard.line_ids
        }
        self.assertEqual(sorted(reasons), list(range(2, 12)))
        self.assertEqual(reasons[2][0], "valid")
        self.assertEqual(reasons[11][0], "valid")
        self.assertIn("Onbekende categorie: 'Kaasfraude'", reasons[3][1])
        self.assertIn("Ongeldige datum in Ontvangen: '31-02-2024'", reasons[4][1])
        self.assertIn("Dubbel MMA-nummer 'MMA-1' (ook in rij 2)", reasons[5][1])
        self.assertIn(f"al geregistreerd als {self.existing.name}", reasons[6][1])
        self.assertIn("Verplichte waarde ontbreekt: Ontvangen", reasons[7][1])
        self.assertIn("Verplichte waarde ontbreekt: Categorie", reasons[8][1])
        self.assertIn("Verplichte waarde ontbreekt: MMA-nummer", reasons[9][1])
        self.assertIn("Onbekende waarde in Mono/multi: 'beide'", reasons[10][1])
        self.assertIn("Onbekende wijk: 'Noord'", reasons[10][1])
        self.assertEqual((wizard.valid_count, wizard.invalid_count), (2, 8))
        # confirming anyway writes nothing and keeps every reason
        wizard.action_import()
        self.assertEqual(self.count(), before)
        self.assertEqual(wizard.state, "preview")
        self.assertEqual(
            len(wizard.line_ids.filtered(lambda line: line.state == "invalid")), 8
        )
        self.assertIn("niets geïmporteerd", wizard.message)

    def test_valid_register_is_imported(self):
        rows = [
            dict(self.GOOD),
            {
                "Ontvangen": "15-06-2024",
                "Categorie": "drugsdelicten",
                "Kanaal": "Telefoon",
            },
        ]
        before = self.count()
        wizard = self.wizard(make_register(rows))
        wizard.action_preview()
        self.assertEqual(wizard.invalid_count, 0)
        self.assertEqual(self.count(), before)
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(wizard.imported_count, 2)
        self.assertFalse(wizard.file, "the uploaded register is not kept")
        self.assertEqual(self.count(), before + 2)
        mma, phone = wizard.imported_signal_ids.sorted("date_received")
        self.assertEqual(mma.company_id, self.gemeente)
        self.assertEqual(mma.herkomst_id, self.mma)
        self.assertEqual(mma.channel, "mma_platform")
        self.assertEqual(mma.mma_number, "MMA-1")
        self.assertEqual(mma.mma_date_received, datetime.date(2024, 5, 1))
        self.assertEqual(mma.mma_date_opened, datetime.date(2024, 5, 2))
        self.assertEqual(mma.bt_tafel_date, datetime.date(2024, 5, 8))
        self.assertEqual(mma.mma_discipline, "multi")
        self.assertEqual(mma.mma_follow_up, "riec")
        self.assertEqual(mma.wijk_id, self.wijk)
        self.assertEqual(mma.categorie_id, self.woonfraude)
        self.assertEqual(mma.date_received.date(), datetime.date(2024, 5, 1))
        self.assertEqual(mma.description, "=SUM(1) Pand aan de Dorpsstraat")
        self.assertEqual(mma.stage_code, stappenplan.INTAKE)
        self.assertEqual(phone.herkomst_id, self.meldpunt)
        self.assertEqual(phone.channel, "telefoon")
        self.assertFalse(phone.mma_number)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT description FROM ondermijning_signaal WHERE id = %s", [mma.id]
        )
        self.assertTrue(
            self.env.cr.fetchone()[0].startswith("ond1:"), "stored encrypted"
        )

    def test_failure_while_creating_rolls_back_everything(self):
        rows = [dict(self.GOOD, **{"MMA-nummer": f"MMA-{i}"}) for i in range(1, 4)]
        wizard = self.wizard(make_register(rows))
        wizard.action_preview()
        self.assertEqual(wizard.invalid_count, 0)
        before = self.count()
        self.env.flush_all()
        self.env.cr.precommit.run()  # the audit lines of the calls before this one
        audit_before = self.env["ondermijning.audit.log"].search_count([])
        with self.refusing("MMA-2"):
            wizard.action_import()
        self.assertEqual(
            self.count(), before, "not even the rows before the failing one"
        )
        self.assertEqual(
            self.env["ondermijning.audit.log"].search_count([]), audit_before
        )
        failed = wizard.line_ids.filtered(lambda line: line.state == "invalid")
        self.assertEqual(failed.mapped("row_number"), [3])
        self.assertIn("Kapot", failed.reason)
        self.assertNotEqual(wizard.state, "done")

    def test_missing_headers_and_bad_file(self):
        wizard = self.wizard(
            make_register([{"MMA-nummer": "X"}], headers=["MMA-nummer", "Iets"])
        )
        with self.assertRaisesRegex(Exception, "Ontvangen, Categorie"):
            wizard.action_preview()
        wizard = self.wizard(b"not a workbook")
        with self.assertRaisesRegex(Exception, "kan niet als Excel"):
            wizard.action_preview()

    def test_only_medewerker_imports(self):
        for role in ("melder", "overleg", "analist", "afdeling"):
            with self.assertRaises(AccessError, msg=role):
                self.env["ondermijning.register.importer"].with_user(
                    self.users[role]
                )._import_check(self.gemeente, io.BytesIO(make_register([self.GOOD])))
            with self.assertRaises(AccessError, msg=role):
                self.wizard(make_register([self.GOOD]), role=role)

    def test_other_gemeente_refused(self):
        wizard = self.wizard(make_register([self.GOOD]))
        wizard.sudo().company_id = self.gemeente2
        with self.assertRaisesRegex(Exception, "eigen gemeente"):
            wizard.action_preview()


def rewrite_sheet(content, change):
    """The workbook with its first sheet's XML changed by ``change``."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(info.filename, data)
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestRegisterImportLimits(ImportCase):
    """A hostile or mistaken file is refused quickly with a clear reason;
    the preview says exactly what the import will do; nothing of the file
    stays behind."""

    def set_limit(self, key, value):
        self.env["ir.config_parameter"].sudo().set_param(
            f"ondermijning_rapportage.import_{key}", str(value)
        )

    def test_expanded_size_is_refused_before_parsing(self):
        self.set_limit("expanded_mb", 1)
        padded = rewrite_sheet(
            make_register([self.GOOD]),
            lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * 3 * MB),
        )
        self.assertLess(len(padded), 100_000, "a small file ...")
        wizard = self.wizard(padded)
        with self.assertRaisesRegex(UserError, "pakt uit tot 3,0 MB"):
            wizard.action_preview()
        with self.assertRaisesRegex(UserError, "ten hoogste 1 MB"):
            wizard.action_import()

    def test_xml_entities_are_refused(self):
        bomb = rewrite_sheet(
            make_register([self.GOOD]),
            lambda xml: (
                b'<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;">]>' + xml
            ),
        )
        with self.assertRaisesRegex(UserError, "XML-declaraties"):
            self.wizard(bomb).action_preview()

    def test_upload_size_is_refused(self):
        self.set_limit("upload_mb", 1)
        # Excel keeps at most 32,767 characters in a cell: 50 rows of noise
        content = make_register(
            [
                dict(
                    self.GOOD,
                    **{"MMA-nummer": f"N-{i}"},
                    Omschrijving=base64.b64encode(os.urandom(22_000)).decode(),
                )
                for i in range(50)
            ]
        )
        self.assertGreater(len(content), MB)
        with self.assertRaisesRegex(UserError, "ten hoogste 1 MB"):
            self.wizard(content)

    def test_row_limit(self):
        self.set_limit("max_rows", 3)
        rows = [dict(self.GOOD, **{"MMA-nummer": f"MMA-{i}"}) for i in range(4)]
        with self.assertRaisesRegex(UserError, "meer dan 3 gevulde rijen"):
            self.wizard(make_register(rows)).action_preview()
        wizard = self.wizard(make_register(rows[:3]))
        wizard.action_preview()
        self.assertEqual(wizard.valid_count, 3)

    def test_not_a_workbook(self):
        for content in (b"PK\x03\x04 broken", b"\x00" * 10, make_register([])[:200]):
            with self.assertRaisesRegex(UserError, "kan niet als Excel"):
                self.wizard(content).action_preview()

    def test_implausible_dates_are_reasons_in_the_preview(self):
        # the gemeente's tomorrow, as the importer counts days
        local_today = datetime.datetime.now(
            self.env["ondermijning.statistiek"]._tz()
        ).date()
        tomorrow = local_today + datetime.timedelta(days=1)
        rows = [
            dict(self.GOOD, **{"MMA-nummer": "D-2", "Ontvangen": "01-01-0001"}),
            dict(self.GOOD, **{"MMA-nummer": "D-3", "Ontvangen": "31-12-9999"}),
            dict(self.GOOD, **{"MMA-nummer": "D-4", "Ontvangen": "31-12-1999"}),
            dict(
                self.GOOD,
                **{"MMA-nummer": "D-5", "Ontvangen": tomorrow.strftime("%d-%m-%Y")},
            ),
            dict(self.GOOD, **{"MMA-nummer": "D-6", "Geopend": "30-04-2024"}),
            dict(
                self.GOOD,
                **{"MMA-nummer": "D-7", "BT-tafel": datetime.datetime(9999, 12, 31)},
            ),
            dict(self.GOOD, **{"MMA-nummer": "D-8", "Ontvangen": "01-01-2000"}),
        ]
        wizard = self.wizard(make_register(rows))
        wizard.action_preview()
        reasons = {line.row_number: line.reason or "" for line in wizard.line_ids}
        between = "moet tussen 01-01-2000 en vandaag liggen"
        self.assertIn(f"Ontvangen {between}: '01-01-0001'", reasons[2])
        self.assertIn(f"Ontvangen {between}: '31-12-9999'", reasons[3])
        self.assertIn(f"Ontvangen {between}: '31-12-1999'", reasons[4])
        self.assertIn(between, reasons[5])
        self.assertIn("Geopend ligt vóór de ontvangstdatum: '30-04-2024'", reasons[6])
        self.assertIn(f"BT-tafel {between}: '31-12-9999'", reasons[7])
        self.assertEqual(reasons[8], "", "the first day of 2000 is fine")
        self.assertEqual(wizard.invalid_count, 6)
        self.assertNotIn("geldig", wizard.message.split(":")[0])

    def test_the_preview_tries_what_the_import_does(self):
        """A row the signal model refuses is an error in the preview, not a
        surprise after "all rows are valid"."""
        rows = [dict(self.GOOD, **{"MMA-nummer": f"MMA-{i}"}) for i in range(1, 4)]
        wizard = self.wizard(make_register(rows))
        before = self.count()
        with self.refusing("MMA-2"):
            wizard.action_preview()
        self.assertEqual(self.count(), before)
        failed = wizard.line_ids.filtered(lambda line: line.state == "invalid")
        self.assertEqual(failed.mapped("row_number"), [3])
        self.assertIn("Kan niet worden opgeslagen: Kapot", failed.reason)
        self.assertEqual(wizard.invalid_count, 1)
        self.assertIn("1 van de 3 rijen", wizard.message)

    def test_a_preview_uses_up_no_reference_numbers(self):
        def register_one(day):
            return (
                self.env["ondermijning.signaal"]
                .with_user(self.users["medewerker"])
                .create(
                    {
                        "company_id": self.gemeente.id,
                        "categorie_id": self.categorie.id,
                        "date_received": day,
                    }
                )
            )

        first = register_one("2024-06-01 10:00:00")
        rows = [dict(self.GOOD, **{"MMA-nummer": f"MMA-{i}"}) for i in range(1, 4)]
        self.wizard(make_register(rows)).action_preview()
        with self.refusing("MMA-2"):  # the row-by-row search for the culprit
            self.wizard(make_register(rows)).action_preview()
        following = register_one("2024-06-02 10:00:00")
        self.assertEqual(int(following.name[-5:]), int(first.name[-5:]) + 1)

    def test_a_valid_preview_writes_nothing_and_the_file_is_not_kept(self):
        wizard = self.wizard(make_register([self.GOOD]))
        self.env.flush_all()
        self.env.cr.precommit.run()
        before = self.count()
        audit_before = self.env["ondermijning.audit.log"].search_count([])
        wizard.action_preview()
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual(self.count(), before, "the dry run is rolled back")
        self.assertEqual(
            self.env["ondermijning.audit.log"].search_count([]), audit_before
        )
        self.assertEqual((wizard.valid_count, wizard.invalid_count), (1, 0))
        self.assertIn("Alle 1 rijen zijn geldig", wizard.message)

        def stored():
            self.env.flush_all()
            self.env.cr.execute(
                "SELECT file_sealed FROM ondermijning_register_import WHERE id = %s",
                [wizard.id],
            )
            value = self.env.cr.fetchone()[0]
            return bytes(value) if value is not None else None

        sealed = base64.b64decode(stored())
        self.assertTrue(sealed.startswith(b"ONDENC1:"), "encrypted at rest")
        self.assertNotIn(b"PK\x03\x04", sealed)
        self.assertNotIn(b"Dorpsstraat", sealed)
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertIsNone(stored(), "nothing of the register after the import")
        self.assertFalse(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "ondermijning.register.import")]
            )
        )
        other = self.wizard(make_register([self.GOOD]))
        other.action_back()
        self.assertFalse(other.file_sealed, "'Other file' forgets the upload")


@tagged("post_install", "-at_install")
class TestRegisterImportInBackground(ImportCase):
    def test_a_long_import_runs_in_the_background(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "ondermijning_rapportage.background_rows", 1
        )
        rows = [dict(self.GOOD), dict(self.GOOD, **{"MMA-nummer": "MMA-9"})]
        wizard = self.wizard(make_register(rows))
        wizard.action_preview()
        before = self.count()
        Job = self.env["ondermijning.rapportage.job"]
        action = wizard.action_import()
        self.assertEqual(
            action["params"]["next"]["type"], "ir.actions.act_window_close"
        )
        self.assertEqual(self.count(), before, "nothing imported before the job runs")
        job = Job.sudo().search([("job_type", "=", "import")])
        self.assertEqual(job.user_id, self.users["medewerker"])
        Job._cron_run_jobs()
        self.assertEqual(job.state, "done", job.message)
        self.assertEqual(self.count(), before + 2)
        self.assertEqual(wizard.state, "done")
        self.assertNotIn("Dorpsstraat", job.message)
