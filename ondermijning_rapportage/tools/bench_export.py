#!/usr/bin/env python3
"""Benchmark: export N signals to the Excel register as a medewerker.

    python3 ondermijning_rapportage/tools/bench_export.py \\
        -c /path/to/odoo.conf -d DATABASE [-n 100000] [--batch 2000]

The database must have ondermijning_rapportage installed. The script puts N
signals in a gemeente of its own ("Benchmark gemeente", reused on the next
run), inserted set-based in SQL because they are the fixture, not what is
measured. Then, as a medewerker of that gemeente and through the same code
as the download (``ondermijning.register._export_register``):

  1. the register export, timed: rows per second, file size and the growth
     of the process' peak memory (ru_maxrss);
  2. the same export under tracemalloc: peak Python memory allocated during
     the export (flat memory means this does not grow with N);
  3. the statistics workbook and the year table on the same signals.

Each export runs in a transaction that is rolled back (its audit log lines
are not kept). Pass --drop to remove the fixture afterwards.
"""

import argparse
import datetime
import os
import resource
import sys
import tempfile
import time
import tracemalloc


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "-n", "--count", type=int, default=100000, help="signals to export"
    )
    parser.add_argument("--batch", type=int, default=2000, help="records per batch")
    parser.add_argument(
        "--no-tracemalloc",
        action="store_true",
        help="skip the second (slower) run under tracemalloc",
    )
    parser.add_argument(
        "--drop", action="store_true", help="remove the fixture at the end"
    )
    parser.add_argument(
        "--skip-register",
        action="store_true",
        help="only the statistics workbook and the year table",
    )
    return parser.parse_args(argv)


def maxrss_mb():
    # Linux: kilobytes
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def rss_mb():
    try:
        with open("/proc/self/statm") as handle:
            return (
                int(handle.read().split()[1])
                * os.sysconf("SC_PAGE_SIZE")
                / 1024.0
                / 1024.0
            )
    except OSError:
        return float("nan")


COMPANY_NAME = "Benchmark gemeente"
LOGIN = "bench_export_medewerker"


def ensure_medewerker(env, company, login, name, lang=None):
    """A medewerker of ``company`` (made once, reused)."""
    Users = env["res.users"].with_context(active_test=False)
    user = Users.search([("login", "=", login)], limit=1)
    if not user:
        groups = [
            env.ref("base.group_user").id,
            env.ref("ondermijning_signalen.group_medewerker").id,
        ]
        user = Users.create(
            {
                "name": name,
                "login": login,
                "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                "groups_id": [(6, 0, groups)],
                **({"lang": lang} if lang else {}),
            }
        )
    return user


def ensure_fixture(env, count):
    """The gemeente, a medewerker and ``count`` signals (added or removed
    set-based to match)."""
    Company = env["res.company"]
    company = Company.search([("name", "=", COMPANY_NAME)], limit=1) or Company.create(
        {"name": COMPANY_NAME}
    )
    user = ensure_medewerker(env, company, LOGIN, "Benchmark medewerker")
    cr = env.cr
    env.flush_all()
    cr.execute(
        "SELECT count(*) FROM ondermijning_signaal WHERE company_id = %s", [company.id]
    )
    existing = cr.fetchone()[0]
    if existing > count:
        cr.execute(
            """
            DELETE FROM ondermijning_signaal WHERE id IN (
                SELECT id FROM ondermijning_signaal WHERE company_id = %s
                ORDER BY id DESC LIMIT %s)""",
            [company.id, existing - count],
        )
    elif existing < count:
        from odoo.addons.ondermijning_signalen import stappenplan

        categories = env["ondermijning.categorie"].search([]).ids
        herkomsten = env["ondermijning.herkomst"].search([]).ids
        mma = env.ref("ondermijning_signalen.herkomst_mma").id
        stages = {s.code: s.id for s in env["ondermijning.stage"].search([])}
        wijken = env["ondermijning.wijk"].search([("company_id", "=", company.id)]).ids
        if not wijken:
            wijken = (
                env["ondermijning.wijk"]
                .create(
                    [
                        {"name": f"Wijk {i}", "company_id": company.id}
                        for i in range(1, 9)
                    ]
                )
                .ids
            )
        end_states = [
            "niet_in_behandeling",
            "doorverwezen",
            "afdeling",
            "riec",
            "casus_afgesloten",
        ]
        # spread over five years; every third signal from MMA; 60% ended
        cr.execute(
            """
            INSERT INTO ondermijning_signaal (
                name, company_id, active, date_received, herkomst_id, channel,
                categorie_id, wijk_id, stage_id, stage_code, mma_number,
                mma_date_received, mma_date_opened, mma_discipline, bt_tafel_date,
                mma_follow_up, date_stap2, date_stap3, end_state, date_end,
                date_deadline, create_uid, write_uid, create_date, write_date)
            SELECT 'B-' || lpad(g::text, 7, '0'), %(company)s, TRUE, r.received,
                   CASE WHEN g %% 3 = 0 THEN %(mma)s
                        ELSE (%(herkomsten)s)[1 + g %% %(nh)s] END,
                   CASE WHEN g %% 3 = 0 THEN 'mma_platform'
                        ELSE (ARRAY['web', 'telefoon', 'email', 'balie', 'post'])
                             [1 + g %% 5] END,
                   (%(categories)s)[1 + g %% %(nc)s],
                   (%(wijken)s)[1 + g %% %(nw)s],
                   CASE WHEN g %% 5 < 3 THEN %(closed)s
                        WHEN g %% 5 = 3 THEN %(weging3)s ELSE %(intake)s END,
                   CASE WHEN g %% 5 < 3 THEN %(closed_code)s
                        WHEN g %% 5 = 3 THEN %(weging3_code)s ELSE %(intake_code)s END,
                   CASE WHEN g %% 3 = 0 THEN 'MMA-B-' || g END,
                   CASE WHEN g %% 3 = 0 THEN r.received::date END,
                   CASE WHEN g %% 3 = 0 THEN r.received::date + 1 END,
                   CASE WHEN g %% 3 = 0 THEN (ARRAY['mono','multi'])[1 + g %% 2] END,
                   CASE WHEN g %% 9 = 0 THEN r.received::date + 7 END,
                   CASE WHEN g %% 3 = 0 THEN 'gemeente' END,
                   CASE WHEN g %% 5 BETWEEN 1 AND 3
                        THEN r.received + interval '1 day' * (1 + g %% 11) END,
                   CASE WHEN g %% 5 = 2
                        THEN r.received + interval '1 day' * (5 + g %% 23) END,
                   CASE WHEN g %% 5 < 3 THEN (%(end_states)s)[1 + g %% 5] END,
                   CASE WHEN g %% 5 < 3
                        THEN r.received + interval '1 day' * (30 + g %% 90) END,
                   r.received::date + 14, 1, 1, now(), now()
              FROM generate_series(%(start)s, %(stop)s) g
              CROSS JOIN LATERAL (
                  SELECT timestamp '2020-01-01 08:00' + interval '1 minute'
                         * ((g::bigint * 2633) %% 2628000) AS received
              ) r
            """,
            {
                "company": company.id,
                "mma": mma,
                "herkomsten": herkomsten,
                "nh": len(herkomsten),
                "categories": categories,
                "nc": len(categories),
                "wijken": wijken,
                "nw": len(wijken),
                "closed": stages[stappenplan.AFGESLOTEN],
                "intake": stages[stappenplan.INTAKE],
                "weging3": stages[stappenplan.WEGING3],
                "closed_code": stappenplan.AFGESLOTEN,
                "intake_code": stappenplan.INTAKE,
                "weging3_code": stappenplan.WEGING3,
                "end_states": end_states,
                "start": existing + 1,
                "stop": count,
            },
        )
    cr.execute("ANALYZE ondermijning_signaal")
    env.invalidate_all()
    return company, user


def timed_export(env, user, company, batch, trace):
    Register = (
        env["ondermijning.register"]
        .with_user(user)
        .with_context(allowed_company_ids=company.ids)
    )
    handle = tempfile.TemporaryFile()
    if trace:
        tracemalloc.start()
    rss_before, maxrss_before = rss_mb(), maxrss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    rows = Register._export_register(handle, {}, batch_size=batch)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = None
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    size = handle.seek(0, os.SEEK_END)
    handle.close()
    env.cr.rollback()
    env.invalidate_all()
    return {
        "rows": rows,
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "rows_per_second": rows / elapsed if elapsed else 0,
        "size_mb": size / 1024.0 / 1024.0,
        "rss_before_mb": rss_before,
        "maxrss_growth_mb": max(maxrss_mb() - maxrss_before, 0.0),
        "tracemalloc_peak_mb": peak / 1024.0 / 1024.0 if peak is not None else None,
    }


def main(argv):
    args = parse_args(argv)
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        t0 = time.perf_counter()
        company, user = ensure_fixture(env, args.count)
        cr.commit()
        print(
            f"fixture: {args.count} signals in '{company.name}' "
            f"({time.perf_counter() - t0:.1f} s)"
        )

        result = (
            None
            if args.skip_register
            else timed_export(env, user, company, args.batch, trace=False)
        )
        if result:
            r = result
            print(
                f"register export: {r['rows']} rows in {r['seconds']:.1f} s = "
                f"{r['rows_per_second']:.0f} rows/s ({r['cpu_seconds']:.1f} s CPU of "
                f"this process; the database's time is in the first figure only); "
                f"file {r['size_mb']:.1f} MB; "
                f"RSS before {r['rss_before_mb']:.0f} MB, "
                f"peak RSS growth {r['maxrss_growth_mb']:.1f} MB"
            )
        if result and not args.no_tracemalloc:
            traced = timed_export(env, user, company, args.batch, trace=True)
            print(
                f"register export under tracemalloc: peak Python allocation "
                f"{traced['tracemalloc_peak_mb']:.1f} MB "
                f"({traced['rows_per_second']:.0f} rows/s with tracing)"
            )

        Stat = (
            env["ondermijning.statistiek"]
            .with_user(user)
            .with_context(allowed_company_ids=company.ids)
        )
        filters = {
            "date_from": datetime.date(2020, 1, 1),
            "date_to": datetime.date(2024, 12, 31),
        }
        for label, method in (
            ("statistics workbook", Stat._export_statistics),
            ("year table", Stat._export_year_table),
        ):
            handle = tempfile.TemporaryFile()
            start = time.perf_counter()
            method(handle, filters)
            print(f"{label}: {time.perf_counter() - start:.2f} s")
            handle.close()
        cr.rollback()

        if args.drop:
            cr.execute(
                "DELETE FROM ondermijning_signaal WHERE company_id = %s", [company.id]
            )
            cr.commit()
            print("fixture removed")
    print(f"process peak RSS: {maxrss_mb():.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
