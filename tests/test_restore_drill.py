"""The backup and restore drill (tools/restore_drill.py) end to end on a
small database: a copy of the test database, backed up while a writer
commits, a signal destroyed after the backup, restored into a fresh
PostgreSQL cluster, purged: the signal is gone again, the journal that made
it so holds no content, and a restore without the keys gives the product's
clear error and loses nothing.

The drill needs committed data in a database of its own (pg_dump sees no
test transaction), so the copy is made here and dropped afterwards.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from odoo.tools import config

REPO = Path(__file__).resolve().parent.parent
DRILL = REPO / "tools" / "restore_drill.py"
sys.path.insert(0, str(REPO))

from tools.dev.cluster import Cluster  # noqa: E402

JOURNAL_LINE = re.compile(r"^v1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ [0-9a-f]{64}$")
GEMEENTE = "Gemeente Oefendorp (drill)"
DESCRIPTION = "Drill: hennepkwekerij vermoed aan de Kerkstraat 7"


SETUP = """
import json, sys, uuid
from datetime import timedelta
import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry

conf, name, gemeente, description = sys.argv[1:]
odoo.tools.config.parse_config(["-c", conf, "-d", name])
with Registry(name).cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
    env["ir.config_parameter"].set_param("database.uuid", str(uuid.uuid1()))
    company = env["res.company"].create({"name": gemeente})
    categorie = env["ondermijning.categorie"].create(
        {"name": "Drugs (drill)", "company_id": company.id}
    )
    signal = env["ondermijning.signaal"].create(
        {"company_id": company.id, "categorie_id": categorie.id,
         "description": description}
    )
    signal._end("niet_in_behandeling", "Geen ondermijning")
    # ended a month ago: kept for a year under the gemeente's rule
    signal.date_end = fields.Datetime.now() - timedelta(days=30)
    assert signal.date_destroy > fields.Date.today()
    print(json.dumps([signal.name, signal.id]))
"""


@pytest.fixture(name="scratch_db")
def fixture_scratch_db():
    """A copy of the test database (and its filestore), with its own uuid
    as Odoo gives a duplicated database, and one ended signal of our own."""
    source, name = config["db_name"], f"{config['db_name']}_drill"
    if isinstance(source, list):
        source = source[0]
    cluster = Cluster()
    cluster.drop(name)
    host, user = config["db_host"], config["db_user"]
    assert cluster.sql(f'CREATE DATABASE "{name}"') == ""
    dump = subprocess.Popen(  # pylint: disable=consider-using-with
        [str(cluster.bindir / "pg_dump"), "-h", host, "-U", user, "-Fc", source],
        stdout=subprocess.PIPE,
    )
    subprocess.run(
        [str(cluster.bindir / "pg_restore"), "-h", host, "-U", user, "-d", name,
         "--no-owner", "--exit-on-error"],
        stdin=dump.stdout, check=True,
    )  # fmt: skip
    assert dump.wait() == 0
    filestore = Path(config["data_dir"]) / "filestore"
    if (filestore / source).is_dir():
        shutil.copytree(filestore / source, filestore / name)
    # in a process of its own: this one's Odoo runs the tests
    made = subprocess.run(
        [sys.executable, "-c", SETUP, config.rcfile, name, GEMEENTE, DESCRIPTION],
        capture_output=True, text=True, check=False, cwd=REPO,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr[-3000:]
    reference, signal_id = json.loads(made.stdout.strip().splitlines()[-1])
    yield name, reference, signal_id
    cluster.drop(name)


def test_restore_drill_end_to_end(scratch_db):
    name, reference, signal_id = scratch_db
    journal = Path(config["ondermijning_destruction_journal"])
    proc = subprocess.run(
        [sys.executable, str(DRILL), "-c", config.rcfile, "-d", name,
         "--write-seconds", "4", "--destroy-after-backup",
         "--destroy-gemeente", GEMEENTE],
        capture_output=True, text=True, check=False, cwd=REPO,
    )  # fmt: skip
    output = proc.stdout
    assert proc.returncode == 0, output + proc.stderr[-3000:]
    figures = json.loads(output.split("DRILL ", 1)[1])
    assert figures["failures"] == []
    assert signal_id in figures["destroyed_ids"]
    for step in (
        "every row of every encrypted table is as in the snapshot",
        "encrypted values decrypt with the kept keys",
        "the journal names exactly the signals of the backup destroyed after it",
        "what was destroyed after the backup is gone again",
        "every other signal of the backup is there",
        "without the keys, reading and writing encrypted text give the clear error",
        "without the keys nothing was changed or lost",
    ):
        assert f"ok: {step}" in output
    # the journal's lines since: a time and a keyed hash, nothing else
    lines = journal.read_text(encoding="ascii").splitlines()
    assert lines and all(JOURNAL_LINE.match(line) for line in lines)
    text = "\n".join(lines)
    assert reference not in text and "Kerkstraat" not in text
    # the clear error, in the words of the product (not a traceback)
    assert "No encryption key is configured" in output
    assert "Traceback" not in output
