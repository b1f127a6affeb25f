"""The MMA register between two databases: exported from the test database,
imported into a genuinely empty one (a second database with the addons and
no demo data, made by click-odoo-initdb from a template cached by the addons'
checksum), exported there again: the same workbook, cell for cell.

`./dev test` runs this with pytest-odoo after Odoo's own test runner. The
first run after a change of the addons installs them in the cached template
(half a minute to a minute on 2 cores); later runs copy the template.
"""

import base64
import datetime
import io
import subprocess
import sys
from pathlib import Path
from unittest.mock import patch

import openpyxl

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase, tagged
from odoo.tools import config

EMPTY_DB_SUFFIX = "_empty"
SUMMARY = "=SUM(1) Hennep op zolder; buren ruiken het 's nachts (ñ, €)"


def sheet_values(data):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def export_mma_register(env, user):
    wizard = (
        env["ondermijning.export.wizard"]
        .with_user(user)
        .create({"export_type": "mma_register"})
    )
    buffer = io.BytesIO()
    wizard._generate(buffer)
    return buffer.getvalue()


def make_empty_database(name):
    """A new database with the addons and nothing else, from the cache."""
    tool = Path(sys.executable).with_name("click-odoo-initdb")
    dropdb = Path(sys.executable).with_name("click-odoo-dropdb")
    subprocess.run(
        [dropdb, "-c", config.rcfile, "--if-exists", name],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            tool,
            "-c",
            config.rcfile,
            "-n",
            name,
            "-m",
            "ondermijning_rapportage",
            "--no-demo",
            "--cache-prefix=empty",
            "--cache-max-size=2",
        ],
        check=True,
        capture_output=True,
    )


def drop_database(name):
    odoo.modules.registry.Registry.delete(name)
    odoo.sql_db.close_db(name)
    dropdb = Path(sys.executable).with_name("click-odoo-dropdb")
    subprocess.run(
        [dropdb, "-c", config.rcfile, "--if-exists", name],
        check=True,
        capture_output=True,
    )


@tagged("standard", "at_install")
class TestMmaRegisterBetweenDatabases(TransactionCase):
    def test_export_import_into_an_empty_database_export(self):
        env = self.env
        gemeente = env["res.company"].create({"name": "Gemeente Bron (test)"})
        wijk = env["ondermijning.wijk"].create(
            {"name": "Centrum", "company_id": gemeente.id}
        )
        medewerker = new_test_user(
            env,
            login="rt_medewerker",
            groups="base.group_user,ondermijning_signalen.group_medewerker",
            company_id=gemeente.id,
            company_ids=[gemeente.id],
        )
        mma = env.ref("ondermijning_signalen.herkomst_mma")
        env["ondermijning.signaal"].with_user(medewerker).create(
            [
                {
                    "company_id": gemeente.id,
                    "herkomst_id": mma.id,
                    "channel": "mma_platform",
                    "mma_number": "RT-1",
                    "date_received": "2024-03-31 00:59:59",
                    "mma_date_received": "2024-03-30",
                    "mma_date_opened": "2024-03-31",
                    "categorie_id": env.ref(
                        "ondermijning_signalen.categorie_mma_woonfraude"
                    ).id,
                    "mma_discipline": "multi",
                    "bt_tafel_date": "2024-04-09",
                    "mma_follow_up": "bt_tafel",
                    "wijk_id": wijk.id,
                    "date_facts": "2024-03-20 19:00:00",
                    "facts_location": "Dorpsstraat 1",
                    "description": SUMMARY,
                },
                {
                    "company_id": gemeente.id,
                    "herkomst_id": mma.id,
                    "channel": "mma_platform",
                    "mma_number": "RT-2",
                    "date_received": "2024-10-27 01:30:00",
                    "mma_date_received": "2024-10-26",
                    "categorie_id": env.ref(
                        "ondermijning_signalen.categorie_mma_drugsdelicten"
                    ).id,
                    "mma_discipline": "mono",
                    "mma_follow_up": "gemeente",
                },
            ]
        )
        first = export_mma_register(env, medewerker)
        values = sheet_values(first)
        self.assertEqual(len(values["MMA-register"]), 3)

        name = env.cr.dbname + EMPTY_DB_SUFFIX
        make_empty_database(name)
        try:
            # loading a registry runs the addons' tests when tests are on
            with patch.dict(config.options, {"test_enable": False}):
                registry = odoo.modules.registry.Registry(name)
            with registry.cursor() as cr:
                other = api.Environment(cr, SUPERUSER_ID, {})
                self.assertFalse(
                    other["ondermijning.signaal"]
                    .with_context(active_test=False)
                    .search_count([]),
                    "a genuinely empty register",
                )
                company = other.company
                other["ondermijning.wijk"].create(
                    {"name": "Centrum", "company_id": company.id}
                )
                user = new_test_user(
                    other,
                    login="rt_medewerker",
                    groups="base.group_user,ondermijning_signalen.group_medewerker",
                    company_id=company.id,
                    company_ids=[company.id],
                )

                wizard = (
                    other["ondermijning.register.import"]
                    .with_user(user)
                    .create(
                        {
                            "company_id": company.id,
                            "file": base64.b64encode(first),
                            "filename": "mma-register.xlsx",
                        }
                    )
                )
                wizard.action_preview()
                self.assertEqual(
                    wizard.invalid_count, 0, wizard.line_ids.mapped("reason")
                )
                wizard.action_import()
                self.assertEqual(wizard.imported_count, 2, wizard.message)
                second = export_mma_register(other, user)
                self.assertEqual(sheet_values(second), values)
                header, first_row = values["MMA-register"][:2]
                row = dict(zip(header, first_row, strict=True))
                self.assertEqual(
                    row["Ontvangen"],
                    datetime.datetime(2024, 3, 31, 1, 59, 59),
                    "the last second of winter time",
                )
                cr.rollback()
        finally:
            drop_database(name)
