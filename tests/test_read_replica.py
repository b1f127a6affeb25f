"""The product's read paths on a real read-only transaction, as Odoo runs them
on a replica (``db_replica_host``): a read-only route or ``@api.readonly``
method gets a cursor from ``odoo.sql_db.db_connect(db, readonly=True)``, whose
connection PostgreSQL refuses every write. The audit lines of those reads
are written on the primary, in a transaction of their own.

Odoo's test runner cannot do this (its cursors only simulate a read-only
transaction inside the test's one transaction): here the records are
committed for real and removed again afterwards. With ./dev run --replica's
config the read-only cursor is on the replica itself.
"""

import contextlib
import io
import time
import uuid

import pytest

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import new_test_user
from odoo.tests.common import get_db_name
from odoo.tools import SQL, config

from odoo.addons.ondermijning_signalen.models.ondermijning_audit_log import silenced

SIGNAAL = "ondermijning.signaal"
DESCRIPTION = "Hennepkwekerij vermoed aan de Dorpsstraat 1"


@pytest.fixture(scope="module")
def world():
    """A medewerker and an analist of a new gemeente and one signal of it,
    committed; everything (audit lines too) removed at the end."""
    registry, tag = Registry(get_db_name()), uuid.uuid4().hex[:8]
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        company = env["res.company"].create({"name": f"Gemeente Replica {tag}"})
        users = {
            role: new_test_user(
                env,
                login=f"replica_{role}_{tag}",
                groups=f"base.group_user,ondermijning_signalen.group_{role}",
                company_id=company.id,
                company_ids=[company.id],
            )
            for role in ("medewerker", "analist")
        }
        signal = (
            env[SIGNAAL]
            .with_user(users["medewerker"])
            .create(
                {
                    "categorie_id": env.ref(
                        "ondermijning_signalen.categorie_mma_drugsdelicten"
                    ).id,
                    "description": DESCRIPTION,
                    "company_id": company.id,
                }
            )
        )
        ids = {
            "company": company.id,
            "signal": signal.id,
            **{role: user.id for role, user in users.items()},
        }
    yield registry, ids
    with registry.cursor() as cr, silenced():
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        users = env["res.users"].browse([ids["medewerker"], ids["analist"]])
        cr.execute(
            SQL(
                "DELETE FROM ondermijning_audit_log WHERE user_id IN %s",
                tuple(users.ids),
            )
        )
        env[SIGNAAL].browse(ids["signal"]).unlink()
        company = env["res.company"].browse(ids["company"])
        partners = users.partner_id | company.partner_id
        users.unlink()
        rules = env["ondermijning.bewaartermijn"].search(
            [("company_id", "=", company.id)]
        )
        rules.unlink()  # made with the gemeente
        company.unlink()
        partners.unlink()


@pytest.fixture(scope="module")
def read_only_db(world):
    """Odoo's read-only connections: to the replica when the config names
    one (``./dev run --replica``), else a pool of read-only connections to
    the primary, as Odoo makes for the replica."""
    dbname = world[0].db_name
    if config["db_replica_host"] is not False:
        yield odoo.sql_db.db_connect(dbname, readonly=True)
        return
    pool = odoo.sql_db.ConnectionPool(2, readonly=True)
    yield odoo.sql_db.Connection(
        pool, dbname, odoo.sql_db.connection_info_for(dbname)[1]
    )
    pool.close_all()


@contextlib.contextmanager
def read_only(db, uid, wait_for=None):
    """An environment on a real read-only transaction (on the replica when
    there is one: then first waits until ``wait_for``, a signal id, has
    arrived there). Ends as Odoo ends a request: flush (the audit lines are
    written now), then proves that this transaction wrote nothing (its end,
    commit or rollback, is then the same)."""
    cr = db.cursor()
    assert cr.readonly
    try:
        deadline = time.monotonic() + 30
        while wait_for and time.monotonic() < deadline:
            cr.execute("SELECT 1 FROM ondermijning_signaal WHERE id = %s", [wait_for])
            found = cr.fetchone()
            cr.rollback()  # a new snapshot for the next try
            if found:
                break
            time.sleep(0.2)
        cr.execute(
            "SELECT current_setting('transaction_read_only'), pg_is_in_recovery()"
        )
        assert cr.fetchone() == ("on", config["db_replica_host"] is not False)
        yield api.Environment(cr, uid, {})
        cr.flush()
        cr.execute("SELECT txid_current_if_assigned()")
        assert cr.fetchone()[0] is None, "the read-only transaction wrote"
    finally:
        cr.close()


def audit_lines(registry, ids, role, action):
    """The lines of ``role`` on the primary, read in a new transaction."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["ondermijning.audit.log"].search_read(
            [("user_id", "=", ids[role]), ("action", "=", action)],
            ["res_model", "res_id", "record_count", "field_names"],
        )


def test_a_read_of_content_on_a_read_only_cursor_logs_on_the_primary(
    world, read_only_db
):
    """search_read (@api.readonly: on the replica) of the description."""
    registry, ids = world
    before = audit_lines(registry, ids, "medewerker", "read")
    with read_only(read_only_db, ids["medewerker"], wait_for=ids["signal"]) as env:
        [values] = env[SIGNAAL].search_read(
            [("id", "=", ids["signal"])], ["name", "description"]
        )
        assert values["description"] == DESCRIPTION
    after = audit_lines(registry, ids, "medewerker", "read")
    assert len(after) == len(before) + 1
    new = after[0]
    assert (new["res_model"], new["res_id"]) == (SIGNAAL, ids["signal"])
    assert "description" in new["field_names"]


def test_board_and_list_on_a_read_only_cursor_log_nothing(world, read_only_db):
    """The board (kanban grouped by step) and the list read no content:
    no line, and no write anywhere."""
    registry, ids = world
    before = audit_lines(registry, ids, "medewerker", "read")
    with read_only(read_only_db, ids["medewerker"], wait_for=ids["signal"]) as env:
        Signal = env[SIGNAAL]
        for view_type in ("kanban", "list"):
            views = Signal.get_views([(False, view_type)])
            fields = views["models"][SIGNAAL]["fields"]
            spec = {
                name: {"fields": {"display_name": {}}} if field.get("relation") else {}
                for name, field in fields.items()
            }
            rows = Signal.web_search_read([], spec, limit=80)["records"]
            assert ids["signal"] in [row["id"] for row in rows], view_type
        groups = Signal.web_read_group([], ["stage_id"], ["stage_id"])
        assert sum(group["stage_id_count"] for group in groups["groups"]) >= 1
    assert audit_lines(registry, ids, "medewerker", "read") == before


def test_exports_on_a_read_only_cursor(world, read_only_db):
    """The register export logs its batch on the primary; the statistics
    workbook (totals only) is made without writing."""
    registry, ids = world
    before = audit_lines(registry, ids, "medewerker", "export")
    with read_only(read_only_db, ids["medewerker"], wait_for=ids["signal"]) as env:
        count = env["ondermijning.register"]._export_register(io.BytesIO(), {})
        assert count == 1  # the medewerker's gemeente has this one signal
    after = audit_lines(registry, ids, "medewerker", "export")
    assert len(after) == len(before) + 1
    assert after[0]["record_count"] == 1
    with read_only(read_only_db, ids["analist"]) as env:
        workbook = io.BytesIO()
        env["ondermijning.statistiek"]._export_statistics(workbook, {})
        assert workbook.getvalue()[:2] == b"PK"  # an xlsx (zip) was written
