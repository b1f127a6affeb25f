#!/usr/bin/env python3
"""Scale benchmarks of the ondermijning addons (issue 7), run by hand.

    python3 tools/bench.py -c ODOO.conf -d bench_db --sizes 10000,100000,1000000 \\
        [--runs 5] [--seed 7] [--new-key-id bench2] [--output docs/benchmarks.md]

For each size (smallest first) the database is topped up with
``tools/generate_data.py`` (signals and, as the baseline, as many
``project.task`` twins in a project per gemeente; ``project`` is installed
when missing) and then, on real Odoo and PostgreSQL, in this process,
through the ORM calls the web client makes (record rules active, never the
superuser; the fields asked are those of the real views as ``get_views``
gives them to that user):

* board: ``web_read_group`` by stage of the open signals, then
  ``web_search_read`` of the first 40 cards of each open column (count
  limit 10,001); list: the first 80 rows with their count; form:
  ``web_read`` of one signal plus its chatter messages;
  for a medewerker of the largest gemeente, an overleg-deelnemer of that
  gemeente and a melder (her reports, ``ondermijning.melding``);
* the same calls, as the same medewerker, on ``project.task`` (one project
  per gemeente, Odoo's own multi-company and visibility rules), and the
  ratio signal/task;
* the statistics workbook over all signals as regional analyst.

At the size nearest 10^5, on throw-away copies of the database: key
rotation over every encrypted field (``_rotate_encryption`` of the signals,
then ``_cron_rotate_keys`` for the rest) to a new key ``--new-key-id``; the
retention purge through ``tools/bench_purge.py`` and the register export
and statistics workbook through
``ondermijning_rapportage/tools/bench_export.py``, when those scripts exist.

Times are medians of ``--runs`` runs after one warm-up run (a fresh record
cache for each run, as for each request), in milliseconds of server time;
query counts are those of one run. The table goes to stdout and to
``--output`` with the machine, the versions, the date and the command.
"""

# A command-line tool run by hand: it reports on stdout, commits its own
# batches, and builds SQL from table and column names it chose itself.
# pylint: disable=print-used,invalid-commit,except-pass

import argparse
import base64
import datetime as dt
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from lxml import etree

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import generate_data  # noqa: E402

# the retention bench: where the brief put it, or where the retention work put it
PURGE_BENCH = next(
    (
        path
        for path in (
            os.path.join(REPO, "tools", "bench_purge.py"),
            os.path.join(REPO, "ondermijning_signalen", "tools", "bench_purge.py"),
        )
        if os.path.exists(path)
    ),
    os.path.join(REPO, "tools", "bench_purge.py"),
)
EXPORT_BENCH = os.path.join(REPO, "ondermijning_rapportage", "tools", "bench_export.py")
KANBAN_LIMIT, LIST_LIMIT, COUNT_LIMIT = 40, 80, 10001

TARGETS = {
    "board_ms": 500,
    "list_ms": 150,
    "purge_s": 60,
    "export_s": 20,
    "export_mb": 100,
    "stats_s": 5,
    "rotation_s": 60,
}


# ----------------------------------------------------------------------
# What the web client asks: a specification from the view as the user gets it
# ----------------------------------------------------------------------
def spec_from_arch(node, model, models):
    fields = models[model]
    fields = fields.get("fields", fields)
    spec = {}
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "field":
            name = child.get("name")
            field = fields.get(name)
            if not field:
                continue
            ftype = field["type"]
            if ftype == "many2one":
                spec[name] = {"fields": {"display_name": {}}}
            elif ftype in ("one2many", "many2many"):
                subviews = [c for c in child if c.tag in ("list", "kanban")]
                if subviews:
                    spec[name] = {
                        "fields": spec_from_arch(
                            subviews[0], field["relation"], models
                        ),
                        "limit": 40,
                    }
                elif child.get("widget") in (
                    "many2many_tags",
                    "many2many_avatar_user",
                    "many2many_tags_avatar",
                ):
                    spec[name] = {"fields": {"display_name": {}}}
                else:
                    spec[name] = {}
            else:
                spec.setdefault(name, {})
        elif child.tag in ("list", "kanban", "form"):
            continue
        else:
            for key, value in spec_from_arch(child, model, models).items():
                spec.setdefault(key, value)
    return spec


def view_specs(model):
    """{view type: specification} for the current user."""
    result = model.get_views([(False, "kanban"), (False, "list"), (False, "form")])
    models = result["models"]
    specs = {}
    for view_type, view in result["views"].items():
        arch = etree.fromstring(view["arch"])
        spec = spec_from_arch(arch, model._name, models)
        if view_type == "form":
            spec["display_name"] = {}
        specs[view_type] = spec
    return specs


class WebClient:
    """The server calls of the board, a list page and a form."""

    def __init__(self, model, board_domain, list_domain):
        self.model = model
        self.board_domain = board_domain
        self.list_domain = list_domain
        self.specs = view_specs(model)

    def board(self):
        groups = self.model.web_read_group(
            self.board_domain, [], ["stage_id"], limit=80, lazy=True
        )
        cards = 0
        for group in groups["groups"]:
            if group.get("__fold") or not group["stage_id_count"]:
                continue
            result = self.model.web_search_read(
                group["__domain"],
                self.specs["kanban"],
                limit=KANBAN_LIMIT,
                count_limit=COUNT_LIMIT,
            )
            cards += len(result["records"])
        return cards

    def list(self):
        result = self.model.web_search_read(
            self.list_domain,
            self.specs["list"],
            limit=LIST_LIMIT,
            count_limit=COUNT_LIMIT,
        )
        return result["length"]

    def form(self, record_id):
        from odoo.addons.mail.tools.discuss import Store

        record = self.model.browse(record_id)
        record.web_read(self.specs["form"])
        if "message_ids" in record._fields:
            res = self.model.env["mail.message"]._message_fetch(
                [
                    ("res_id", "=", record_id),
                    ("model", "=", record._name),
                    ("message_type", "!=", "user_notification"),
                ],
                limit=30,
            )
            Store(res["messages"], for_current_user=True).get_result()
        return 1


def measure(env, function, runs):
    """Median milliseconds over ``runs`` after a warm-up, and the queries of
    the last run."""
    cr = env.cr
    function()
    times, queries = [], 0
    for _ in range(runs):
        env.invalidate_all()
        before = cr.sql_log_count
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
        queries = cr.sql_log_count - before
    return {
        "ms": statistics.median(times),
        "queries": queries,
        "min": min(times),
        "max": max(times),
    }


# ----------------------------------------------------------------------
# The benchmark
# ----------------------------------------------------------------------
class Bench:
    def __init__(self, args):
        self.args = args
        # (section, measure, size, value, queries, baseline, ratio, target)
        self.rows = []
        self.notes = []
        self.generator_speed = []

    def log(self, message):
        print(message, flush=True)

    def add(
        self, section, what, size, value, queries="", baseline="", ratio="", target=""
    ):
        self.rows.append((section, what, size, value, queries, baseline, ratio, target))

    # -- database handling -------------------------------------------------
    def registry(self, dbname):
        from odoo.modules.registry import Registry

        return Registry(dbname)

    def close(self, dbname):
        import odoo

        odoo.sql_db.close_db(dbname)

    def psql(self, sql, dbname="postgres"):
        import odoo

        connection = odoo.sql_db.db_connect(dbname)
        with connection.cursor() as cr:
            cr._cnx.autocommit = True
            cr.execute(sql)

    def clone(self, source, target):
        """A throw-away copy of the database and its filestore."""
        from odoo.tools import config

        self.close(source)
        self.drop(target)
        start = time.perf_counter()
        self.psql(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
        src = config.filestore(source)
        if os.path.isdir(src):
            shutil.copytree(src, config.filestore(target))
        self.log(f"  copy of {source} as {target}: {time.perf_counter() - start:.1f} s")

    def drop(self, dbname):
        from odoo.tools import config

        self.close(dbname)
        self.psql(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        shutil.rmtree(config.filestore(dbname), ignore_errors=True)

    def ensure_project(self):
        registry = self.registry(self.args.database)
        with registry.cursor() as cr:
            cr.execute("SELECT state FROM ir_module_module WHERE name = 'project'")
            state = (cr.fetchone() or [None])[0]
        if state == "installed":
            return
        self.log("installing project (the baseline) ...")
        self.close(self.args.database)
        import odoo

        odoo_bin = os.path.join(
            os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin"
        )
        subprocess.run(
            [
                sys.executable,
                odoo_bin,
                "-c",
                self.args.config,
                "-d",
                self.args.database,
                "-i",
                "project",
                "--stop-after-init",
                "--log-level=warn",
            ],
            check=True,
        )
        from odoo.modules.registry import Registry

        Registry.new(self.args.database)

    # -- one size ----------------------------------------------------------
    def run(self):
        import odoo
        from odoo import SUPERUSER_ID, api

        self.ensure_project()
        parts = set(self.args.parts.split(","))
        sizes = sorted(int(s) for s in self.args.sizes.split(","))
        for size in sizes:
            self.log(f"== {size} signals")
            registry = self.registry(self.args.database)
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                generator = generate_data.Generator(
                    env,
                    seed=self.args.seed,
                    gemeenten=self.args.gemeenten,
                    project=True,
                )
                generator.setup()
                cr.commit()
                result = generator.top_up(size)
                cr.commit()
                if result["added"]:
                    speed = result["added"] / result["seconds"]
                    self.generator_speed.append(
                        f"{result['added']} signals "
                        f"(+ {result['rows'] - result['added']} rows in other tables) "
                        f"in {result['seconds']:.0f} s (of which "
                        f"{result['template_seconds']:.0f} s for the templates) = "
                        f"{speed:.0f} signals/s, "
                        f"{result['rows'] / result['seconds']:.0f} rows/s"
                    )
                    self.log("  generated: " + self.generator_speed[-1])
                self.who = self.users(env, generator)
                env.cr.commit()
                if "ui" in parts:
                    self.measure_ui(env, generator, size)
                if "stats" in parts:
                    self.measure_statistics(env, generator, size)
                cr.rollback()
                if "rotation" in parts and size >= self.args.special:
                    self.measure_rotation(env, size)
                    parts.discard("rotation")
        # purge and export: their own benches, with their own 10^5 fixture,
        # on a throw-away copy
        if "purge" in parts:
            self.measure_purge(self.args.special)
        if "export" in parts:
            self.measure_export(self.args.special)
        self.report(odoo)

    def users(self, env, generator):
        """The medewerker, overleg-deelnemer and melder of the largest
        gemeente, and a regional analyst."""
        company = generator.companies[0][0]
        users = generator.users
        Users = env["res.users"].with_context(active_test=False)
        analist = Users.search([("login", "=", "bench_analist")])
        if not analist:
            analist = Users.create(
                {
                    "name": "Regionaal analist",
                    "login": "bench_analist",
                    "company_id": company.id,
                    "company_ids": [(6, 0, [c.id for c, _w in generator.companies])],
                    "groups_id": [
                        (
                            6,
                            0,
                            [
                                env.ref("base.group_user").id,
                                env.ref("ondermijning_signalen.group_analist").id,
                            ],
                        )
                    ],
                }
            )
        # the melder with the most receipts in this gemeente
        melder_ids = [u.id for u in users[company.id, "melder"]]
        env.cr.execute(
            """SELECT user_id FROM ondermijning_melding WHERE user_id = ANY(%s)
                          GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1""",
            [melder_ids],
        )
        melder = (env.cr.fetchone() or [melder_ids[0]])[0]
        return {
            "company": company,
            "medewerker": users[company.id, "medewerker"][0].id,
            "overleg": users[company.id, "overleg"][0].id,
            "melder": melder,
            "analist": analist.id,
            "all_companies": [c.id for c, _w in generator.companies],
        }

    def user_env(self, env, uid, company_ids):
        return env(
            user=uid,
            su=False,
            context={
                "lang": "en_US",
                "tz": "Europe/Amsterdam",
                "uid": uid,
                "allowed_company_ids": company_ids,
                "bin_size": True,
            },
        )

    def measure_ui(self, env, generator, size):
        runs = self.args.runs
        who = self.who
        company = who["company"]
        cr = env.cr
        # the form opened: the most recent signal of the gemeente in stap 3
        # (wegingen, consultations, subjects, chatter) and its twin task
        cr.execute(
            """SELECT id, name FROM ondermijning_signaal
                       WHERE company_id = %s AND stage_code = %s AND NOT is_sealed
                    ORDER BY date_received DESC LIMIT 1""",
            [company.id, generate_data.SP.BRONNEN],
        )
        signal_id, signal_name = cr.fetchone()
        project_id = generator.projects[company.id].id
        cr.execute(
            "SELECT id FROM project_task WHERE project_id = %s AND name = %s LIMIT 1",
            [project_id, f"Signaal {signal_name}"],
        )
        task_id = cr.fetchone()[0]
        cr.execute(
            """SELECT s.id FROM ondermijning_signaal s
                        JOIN ondermijning_overleg_ondermijning_signaal_rel r
                          ON r.ondermijning_signaal_id = s.id
                        JOIN ondermijning_overleg_res_users_rel u
                          ON u.ondermijning_overleg_id = r.ondermijning_overleg_id
                       WHERE u.res_users_id = %s AND NOT s.is_sealed
                    ORDER BY s.date_received DESC LIMIT 1""",
            [who["overleg"]],
        )
        agenda_signal = cr.fetchone()[0]
        cr.execute(
            "SELECT id FROM ondermijning_melding WHERE user_id = %s "
            "ORDER BY id DESC LIMIT 1",
            [who["melder"]],
        )
        melding_id = cr.fetchone()[0]

        open_domain = [("end_state", "=", False)]
        results = {}
        medewerker_env = self.user_env(env, who["medewerker"], company.ids)
        signals = WebClient(medewerker_env["ondermijning.signaal"], open_domain, [])
        tasks = WebClient(
            medewerker_env["project.task"],
            [
                ("project_id", "=", project_id),
                ("display_in_project", "=", True),
                ("is_closed", "=", False),
            ],
            [("project_id", "=", project_id), ("display_in_project", "=", True)],
        )
        for name, client, record in (
            ("signal", signals, signal_id),
            ("task", tasks, task_id),
        ):
            results[name, "board"] = measure(medewerker_env, client.board, runs)
            results[name, "list"] = measure(medewerker_env, client.list, runs)
            results[name, "form"] = measure(
                medewerker_env, lambda c=client, r=record: c.form(r), runs
            )
            cr.rollback()
        labels = {
            "board": "board (open, by stage + 40 cards per column)",
            "list": "list, first 80 rows + count (all)",
            "form": "form + chatter",
        }
        for what in ("board", "list", "form"):
            signal, task = results["signal", what], results["task", what]
            target = {
                "board": f"< {TARGETS['board_ms']} ms, ≤ 1.5× task",
                "list": f"< {TARGETS['list_ms']} ms",
                "form": "",
            }[what]
            self.add(
                "medewerker",
                labels[what],
                size,
                f"{signal['ms']:.0f} ms",
                signal["queries"],
                f"{task['ms']:.0f} ms / {task['queries']} q",
                f"{signal['ms'] / task['ms']:.2f}",
                target,
            )
            self.log(
                f"  medewerker {what}: {signal['ms']:.0f} ms ({signal['queries']} q); "
                f"task {task['ms']:.0f} ms ({task['queries']} q)"
            )
        # overleg-deelnemer: the same action, his view of it
        overleg_env = self.user_env(env, who["overleg"], company.ids)
        partner = WebClient(overleg_env["ondermijning.signaal"], open_domain, [])
        for what, function in (
            ("board", partner.board),
            ("list", partner.list),
            ("form", lambda: partner.form(agenda_signal)),
        ):
            result = measure(overleg_env, function, runs)
            self.add(
                "overleg-deelnemer",
                labels[what],
                size,
                f"{result['ms']:.0f} ms",
                result["queries"],
            )
            self.log(f"  overleg {what}: {result['ms']:.0f} ms ({result['queries']} q)")
        cr.rollback()
        # melder: my reports
        melder_env = self.user_env(env, who["melder"], company.ids)
        reports = WebClient(
            melder_env["ondermijning.melding"], [], [("user_id", "=", who["melder"])]
        )
        for what, function in (
            ("list", reports.list),
            ("form", lambda: reports.form(melding_id)),
        ):
            result = measure(melder_env, function, runs)
            label = {
                "list": "my reports, first 80 + count",
                "form": "my report (form)",
            }[what]
            self.add("melder", label, size, f"{result['ms']:.0f} ms", result["queries"])
            self.log(f"  melder {what}: {result['ms']:.0f} ms ({result['queries']} q)")
        cr.rollback()

    def measure_statistics(self, env, generator, size):
        if "ondermijning.statistiek" not in env:
            self.add(
                "statistics",
                "statistics workbook, all gemeenten",
                size,
                "not available",
            )
            return
        who = self.who
        analist_env = self.user_env(env, who["analist"], who["all_companies"])
        Stat = analist_env["ondermijning.statistiek"]
        today = dt.date.today()
        filters = {
            "date_from": today.replace(year=today.year - 6, day=1),
            "date_to": today,
        }

        def workbook():
            with tempfile.TemporaryFile() as handle:
                Stat._export_statistics(handle, filters)

        result = measure(analist_env, workbook, max(1, min(3, self.args.runs)))
        self.add(
            "statistics",
            "statistics workbook, all gemeenten (regional analyst)",
            size,
            f"{result['ms'] / 1000:.2f} s",
            result["queries"],
            target=f"< {TARGETS['stats_s']} s at 10^6",
        )
        self.log(
            f"  statistics workbook: {result['ms'] / 1000:.2f} s "
            f"({result['queries']} q)"
        )
        env.cr.rollback()

    # -- on copies ---------------------------------------------------------
    def measure_rotation(self, env, size):
        """Rotation of the encrypted fields of 10^5 signals (the first ones
        by id) to a new key, in one transaction that is rolled back (the
        method's commits between batches are held back), so the database
        keeps its key."""
        from odoo import modules
        from odoo.tools import config

        from odoo.addons.ondermijning_signalen.tools import crypto

        count = min(self.args.special, size)
        old = config.get("ondermijning_keys") or os.environ.get("ONDERMIJNING_KEYS", "")
        new_key = base64.urlsafe_b64encode(os.urandom(32)).decode()
        config["ondermijning_keys"] = f"{self.args.new_key_id}:{new_key},{old}"
        current_test = modules.module.current_test
        modules.module.current_test = True  # no commit between batches
        try:
            cr = env.cr
            Signal = env["ondermijning.signaal"]
            names = Signal._encrypted_field_names()
            start = time.perf_counter()
            rows = Signal._rotate_encryption(batch_size=1000, limit=count)
            seconds = time.perf_counter() - start
            self.add(
                "key rotation",
                f"{rows} signals × {len(names)} encrypted fields "
                f"({', '.join(names)}) to key '{self.args.new_key_id}'",
                size,
                f"{seconds:.1f} s",
                baseline=f"{rows / seconds:.0f} rows/s",
                target=f"< {TARGETS['rotation_s']} s",
            )
            self.log(f"  rotation of {rows} signals: {seconds:.1f} s")
            cr.execute(
                "SELECT id FROM ondermijning_signaal ORDER BY id LIMIT 1 OFFSET %s",
                [count - 1],
            )
            last_id = cr.fetchone()[0]
            # what hangs from those signals: wegingen, subjects, consultations
            for model_name in (
                "ondermijning.weging",
                "ondermijning.subject",
                "ondermijning.bronraadpleging",
            ):
                Model = env[model_name]
                cr.execute(
                    f"SELECT count(*) FROM {Model._table} WHERE signaal_id <= %s",  # noqa: S608
                    [last_id],
                )
                linked = cr.fetchone()[0]
                start = time.perf_counter()
                done = Model._rotate_encryption(batch_size=1000, limit=linked)
                seconds = time.perf_counter() - start
                self.add(
                    "key rotation",
                    f"{done} {model_name} of those signals",
                    size,
                    f"{seconds:.1f} s",
                    baseline=f"{done / seconds:.0f} rows/s",
                )
                self.log(f"  rotation of {done} {model_name}: {seconds:.1f} s")
        finally:
            modules.module.current_test = current_test
            config["ondermijning_keys"] = old
            crypto._parse_keys.cache_clear()
            env.cr.rollback()
            env.invalidate_all()

    def run_script(self, script, args, target):
        command = [sys.executable, script, "-c", self.args.config, "-d", target, *args]
        self.log("  $ " + " ".join(shlex.quote(c) for c in command))
        process = subprocess.run(command, capture_output=True, text=True, check=False)
        output = process.stdout + process.stderr
        for line in process.stdout.splitlines():
            self.log("    " + line)
        if process.returncode:
            self.log(output[-3000:])
        return process.returncode, process.stdout

    def measure_purge(self, size):
        if not os.path.exists(PURGE_BENCH):
            self.add(
                "retention",
                "purge of 10^5 expired signals vs raw SQL",
                size,
                "not available",
                target=f"< {TARGETS['purge_s']} s",
            )
            self.log("  purge: tools/bench_purge.py not available")
            return
        target = f"{self.args.database}_purge"
        self.clone(self.args.scratch_template or self.args.database, target)
        try:
            code, out = self.run_script(
                PURGE_BENCH, self.args.purge_args.split(), target
            )
            if code:
                self.add("retention", "purge of 10^5 expired signals", size, "failed")
                return
            engine = re.search(
                r"\[engine\] destroyed (\d+) \(failed (\d+)\) in ([\d.]+) s", out
            )
            raw = re.search(r"\[raw SQL\] deleted (\d+) in ([\d.]+) s", out)
            if not engine:
                self.add("retention", "purge (output not understood)", size, "see log")
                return
            count, failed, seconds = engine.groups()
            raw_seconds = float(raw.group(2)) if raw else None
            self.add(
                "retention",
                f"purge engine: {count} expired signals with subject, message, "
                f"follower and document ({failed} failed)",
                size,
                f"{float(seconds):.1f} s",
                baseline=f"raw SQL {raw_seconds:.1f} s" if raw else "",
                ratio=f"{float(seconds) / raw_seconds:.1f}" if raw else "",
                target=f"< {TARGETS['purge_s']} s",
            )
            steps = re.search(r"\[raw SQL\] (messages .*)", out)
            if steps:
                self.notes.append(
                    f"raw SQL delete of the purge bench: {steps.group(1)}"
                )
        finally:
            self.drop(target)

    def measure_export(self, size):
        if not os.path.exists(EXPORT_BENCH):
            self.add(
                "export", "register export / statistics workbook", size, "not available"
            )
            return
        target = f"{self.args.database}_export"
        self.clone(self.args.scratch_template or self.args.database, target)
        try:
            code, out = self.run_script(
                EXPORT_BENCH, ["-n", str(size), "--no-tracemalloc"], target
            )
            if code:
                self.add("export", "register export", size, "failed")
                return
            match = re.search(
                r"register export: (\d+) rows in ([\d.]+) s = (\d+) rows/s; "
                r"file ([\d.]+) MB; "
                r"RSS before (\d+) MB, peak RSS growth ([\d.]+) MB",
                out,
            )
            if match:
                rows, seconds, rate, size_mb, _rss, growth = match.groups()
                self.add(
                    "export",
                    f"register export, {rows} rows (file {size_mb} MB)",
                    size,
                    f"{float(seconds):.1f} s",
                    baseline=f"{rate} rows/s, +{growth} MB peak RSS",
                    target=f"< {TARGETS['export_s']} s, < {TARGETS['export_mb']} MB",
                )
            for label in ("statistics workbook", "year table"):
                match = re.search(label + r": ([\d.]+) s", out)
                if match:
                    self.add(
                        "export",
                        f"{label} over the {size} signals of one gemeente",
                        size,
                        f"{float(match.group(1)):.2f} s",
                    )
        finally:
            self.drop(target)

    # -- the table -----------------------------------------------------------
    def machine(self, odoo):
        with open("/proc/meminfo") as handle:
            mem = (
                int(re.search(r"MemTotal:\s+(\d+)", handle.read()).group(1))
                / 1024
                / 1024
            )
        registry = self.registry(self.args.database)
        with registry.cursor() as cr:
            cr.execute("SHOW server_version")
            pg = cr.fetchone()[0]
            cr.execute("SHOW shared_buffers")
            buffers = cr.fetchone()[0]
        cpu = ""
        try:
            with open("/proc/cpuinfo") as handle:
                cpu = re.search(r"model name\s*:\s*(.*)", handle.read()).group(1)
        except (OSError, AttributeError):
            pass
        return (
            f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB memory, "
            "shared with other jobs; "
            f"PostgreSQL {pg} (shared_buffers {buffers}); Odoo {odoo.release.version}; "
            f"Python {platform.python_version()}"
        )

    def report(self, odoo):
        header = [
            "section",
            "measure",
            "signals",
            "median",
            "queries",
            "project.task",
            "ratio",
            "target",
        ]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for row in self.rows:
            lines.append("| " + " | ".join(str(v) for v in row) + " |")
        table = "\n".join(lines)
        command = "python3 tools/bench.py " + " ".join(
            shlex.quote(a) for a in sys.argv[1:]
        )
        machine = self.machine(odoo)
        text = [
            f"Run {dt.datetime.now():%Y-%m-%d %H:%M} with `{command}`.",
            "",
            f"Machine: {machine}.",
            "",
            table,
            "",
        ]
        if self.generator_speed:
            text += [
                "Generator (`tools/generate_data.py`): "
                + "; ".join(self.generator_speed)
                + ".",
                "",
            ]
        if self.notes:
            text += ["Notes: " + "; ".join(self.notes) + ".", ""]
        output = "\n".join(text)
        print("\n" + output)
        if self.args.output:
            path = self.args.output
            if os.path.exists(path):
                with open(path) as handle:
                    current = handle.read()
            else:
                current = "# Benchmarks\n"
            start = f"<!-- bench:{self.args.section}:start -->"
            end = f"<!-- bench:{self.args.section}:end -->"
            if start in current and end in current:
                before, rest = current.split(start, 1)
                _old, after = rest.split(end, 1)
                current = f"{before}{start}\n{output}\n{end}{after}"
            else:
                current += f"\n{start}\n{output}\n{end}\n"
            with open(path, "w") as handle:
                handle.write(current)
            print(f"written to {path}")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="a bench_* database")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--gemeenten", type=int, default=14)
    parser.add_argument("--new-key-id", default="bench2", help="key id to rotate to")
    parser.add_argument(
        "--parts",
        default="ui,stats,rotation,purge,export",
        help="what to measure (comma-separated)",
    )
    parser.add_argument(
        "--special",
        type=int,
        default=100000,
        help="signals for rotation, purge and export",
    )
    parser.add_argument(
        "--scratch-template",
        default=None,
        help="database to copy for the purge and export benches (default: "
        "the benchmark database itself)",
    )
    parser.add_argument(
        "--purge-args",
        default="-n 100000",
        help="arguments for tools/bench_purge.py (besides -c and -d)",
    )
    parser.add_argument("--output", default=os.path.join(REPO, "docs", "benchmarks.md"))
    parser.add_argument(
        "--section",
        default="main",
        help="the block of --output this run replaces (<!-- bench:NAME:start -->)",
    )
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    import odoo

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    Bench(args).run()


if __name__ == "__main__":
    main(sys.argv[1:])
