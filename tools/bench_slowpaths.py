#!/usr/bin/env python3
"""The slow paths of issue 16 on a database as it is (no top-up), run by hand.

    python3 tools/bench_slowpaths.py -c ODOO.conf -d bench_db [--runs 5]
        [--gemeente "Gemeente Enschede"]

On a database made by ``tools/generate_data.py``: the board and the list of
the overleg-deelnemer (``bench_<gemeente>_overleg1``) and, for reference,
of the medewerker (``…_medewerker1``) of that gemeente, through the calls of
``tools/bench.py`` (``WebClient``: the web client's server calls, record
rules active), as medians of ``--runs`` runs after a warm-up, wall-clock and
CPU time of this process, with the number of agenda signals and clearances
of the deelnemer, which grow with the history of his overleggen. Then the
database's side: every query of one board and one list run again under
``EXPLAIN (ANALYZE, BUFFERS)``, ``--runs`` times: the buffers they touch (the
work done, the same on a busy machine) and the sum of the fastest execution
of each (on a machine shared with other work, wall-clock figures vary
several-fold from run to run; these two do not).
"""

# A command-line tool run by hand: it reports on stdout and explains the
# queries the ORM made (already composed, with their parameters bound).
# pylint: disable=print-used,sql-injection

import argparse
import os
import re
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench  # noqa: E402


def measure(env, function, runs):
    """(median ms wall, median ms CPU, queries of the last run)."""
    function()
    walls, cpus, queries = [], [], 0
    for _ in range(runs):
        env.invalidate_all()
        before = env.cr.sql_log_count
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        queries = env.cr.sql_log_count - before
    return statistics.median(walls), statistics.median(cpus), queries


def explain(env, function, runs):
    """(buffers touched, ms: sum over the queries of ``function`` of the
    fastest of ``runs`` executions under EXPLAIN ANALYZE)."""
    from odoo.tools import SQL

    cr = env.cr
    queries = []
    execute = cr.execute

    def recorder(query, params=None, log_exceptions=True):
        if isinstance(query, SQL):
            query, params = query.code, query.params
        if str(query).lstrip().upper().startswith("SELECT"):
            queries.append(cr._obj.mogrify(query, params).decode())
        return execute(query, params, log_exceptions)

    env.invalidate_all()
    cr.execute = recorder
    try:
        function()
    finally:
        del cr.execute
    buffers, total = 0, 0.0
    for query in queries:
        best = None
        for _ in range(runs):
            cr.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + query)
            plan = cr.fetchone()[0][0]
            best = min(best or plan["Execution Time"], plan["Execution Time"])
            node = plan["Plan"]
            touched = node.get("Shared Hit Blocks", 0) + node.get(
                "Shared Read Blocks", 0
            )
        buffers += touched
        total += best
    return buffers, total


def set_open_agenda(env, company, deelnemer, count):
    """Put ``count`` open signals on the deelnemer's board, through the ORM
    (which keeps his agenda rows): open signals beyond that are taken off
    his agendas, or open signals of the gemeente are put on his latest
    overleg. Returns the number his board then shows."""
    from odoo import Command

    def shown():
        Signal = env(user=deelnemer.id, su=False)["ondermijning.signaal"]
        return Signal.with_context(allowed_company_ids=company.ids).search(
            [("end_state", "=", False)], order="id"
        )

    overleggen = env["ondermijning.overleg"].search(
        [("user_ids", "in", deelnemer.ids), ("company_id", "=", company.id)],
        order="date desc, id desc",
    )
    cards = shown()
    if len(cards) > count:
        extra = set(cards[count:].ids)
        for overleg in overleggen:
            if ids := extra.intersection(overleg.signaal_ids.ids):
                overleg.write({"signaal_ids": [Command.unlink(i) for i in ids]})
    elif len(cards) < count and overleggen:
        more = env["ondermijning.signaal"].search(
            [
                ("company_id", "=", company.id),
                ("end_state", "=", False),
                ("is_sealed", "=", False),
                ("id", "not in", cards.ids),
            ],
            limit=count - len(cards),
            order="id",
        )
        overleggen[0].write({"signaal_ids": [Command.link(i) for i in more.ids]})
    env.flush_all()
    return len(shown())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--gemeente", default="Gemeente Enschede")
    parser.add_argument(
        "--roles", default="medewerker,overleg", help="comma-separated roles"
    )
    parser.add_argument(
        "--agenda-cards",
        type=int,
        metavar="N",
        help="first give the deelnemer N open signals on his agendas (rolled "
        "back at the end): databases of different sizes then compare on the "
        "same board, and differ in their history only",
    )
    args = parser.parse_args()

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = Registry(args.database)
    slug = re.sub(r"[^a-z0-9]+", "_", args.gemeente.lower()).strip("_")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env["res.company"].search([("name", "=", args.gemeente)])
        Users = env["res.users"].with_context(active_test=False)
        who = {
            role: Users.search([("login", "=", f"bench_{slug}_{role}1")])
            for role in args.roles.split(",")
        }
        deelnemer = Users.search([("login", "=", f"bench_{slug}_overleg1")])
        cr.execute("SELECT count(*) FROM ondermijning_signaal")
        total = cr.fetchone()[0]
        cr.execute(
            """SELECT count(DISTINCT r.ondermijning_signaal_id)
                 FROM ondermijning_overleg_ondermijning_signaal_rel r
                 JOIN ondermijning_overleg_res_users_rel u
                   ON u.ondermijning_overleg_id = r.ondermijning_overleg_id
                WHERE u.res_users_id = %s""",
            [deelnemer.id],
        )
        agenda = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM ondermijning_vrijgave WHERE partner_id = %s",
            [deelnemer.commercial_partner_id.id],
        )
        clearances = cr.fetchone()[0]
        print(
            f"{total} signals; {args.gemeente}: the deelnemer has {agenda} signals "
            f"on his agendas, {clearances} cleared for his organisation"
        )
        if args.agenda_cards is not None:
            cards = set_open_agenda(env, company, deelnemer, args.agenda_cards)
            print(f"the deelnemer's board set to {cards} open signals (rolled back)")
        for role, user in who.items():
            user_env = env(
                user=user.id,
                su=False,
                context={
                    "lang": "en_US",
                    "tz": "Europe/Amsterdam",
                    "uid": user.id,
                    "allowed_company_ids": company.ids,
                    "bin_size": True,
                },
            )
            client = bench.WebClient(
                user_env["ondermijning.signaal"], [("end_state", "=", False)], []
            )
            for what in ("board", "list"):
                wall, cpu, queries = measure(user_env, getattr(client, what), args.runs)
                buffers, database = explain(user_env, getattr(client, what), args.runs)
                print(
                    f"{role} {what}: {wall:.0f} ms wall, {cpu:.0f} ms CPU, "
                    f"{queries} queries; database: {buffers} buffers, "
                    f"{database:.1f} ms (fastest of each query)"
                )
            cr.rollback()


if __name__ == "__main__":
    main()
