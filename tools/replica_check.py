#!/usr/bin/env python3
"""Where the web client's calls run with a read replica (issue 16), by hand.

    ./dev run --replica --port 8173          # in another terminal
    .venv/bin/python tools/replica_check.py --url http://127.0.0.1:8173 [--rounds 10]

For each action, as a demo user over HTTP (JSON-RPC with a session, as the
web client): statement logging is turned on in both clusters of this
checkout (``ALTER SYSTEM SET log_statement = 'all'``), the action runs
``--rounds`` times, logging is turned off again, and the statements that the
database ``--db`` received are counted in each cluster's log: SELECTs, and
every INSERT, UPDATE and DELETE by table. Prints a Markdown table.

Actions: board (``web_read_group`` by stage, then ``web_search_read`` of each
column with the kanban view's fields), list (80 rows), form (``web_read``
with the form view's fields, then the chatter's ``/mail/thread/data``),
pivot (``read_group`` of the statistics as analist), statistics and register
(the export wizard made, then its download streamed).
"""

# A command-line tool run by hand: it reports on stdout.
# pylint: disable=print-used

import argparse
import collections
import itertools
import json
import re
import sys
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from xml.etree import ElementTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.dev.cluster import Cluster  # noqa: E402
from tools.dev.replica import Replica  # noqa: E402

SIGNAAL = "ondermijning.signaal"
ACTIONS = ("board", "list", "form", "pivot", "statistics", "register")
WRITE = re.compile(r'statement: (INSERT INTO|UPDATE|DELETE FROM) "?(\w+)"?')


class Client:
    """A logged-in session of a demo user (the password equals the login)."""

    def __init__(self, url, db, login):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar())
        )
        self.json(
            "/web/session/authenticate", {"db": db, "login": login, "password": login}
        )

    def json(self, path, params):
        body = {"jsonrpc": "2.0", "method": "call", "params": params}
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            raise RuntimeError(answer["error"]["data"]["message"])
        return answer["result"]

    def call(self, model, method, *args, **kwargs):
        params = {"model": model, "method": method, "args": args, "kwargs": kwargs}
        return self.json(f"/web/dataset/call_kw/{model}/{method}", params)

    def get(self, path):
        with self.opener.open(self.url + path) as response:
            return response.read()


def view_specs(client):
    """{view type: specification} of the signal's views, as the user gets them."""
    views = client.call(
        SIGNAAL, "get_views", [[False, "kanban"], [False, "list"], [False, "form"]]
    )
    fields = views["models"][SIGNAAL]["fields"]
    specs = {}
    for view_type, view in views["views"].items():
        spec = {}
        for node in ElementTree.fromstring(view["arch"]).iter("field"):
            if field := fields.get(node.get("name")):
                relational = field["type"] in ("many2one", "one2many", "many2many")
                spec[node.get("name")] = (
                    {"fields": {"display_name": {}}} if relational else {}
                )
        specs[view_type] = spec
    return specs


def runner(args, action):
    """A function doing ``action`` once (the logins and views fetched first)."""
    login = "analist" if action in ("pivot", "statistics") else "regisseur"
    client = Client(args.url, args.db, login)
    if action in ("board", "list", "form"):
        specs = view_specs(client)
        ids = client.call(SIGNAAL, "search", [], limit=args.rounds)
    turn = itertools.count()

    def board():
        groups = client.call(
            SIGNAAL, "web_read_group", [], [], ["stage_id"], limit=80, lazy=True
        )
        for group in groups["groups"]:
            if group["stage_id_count"]:
                client.call(
                    SIGNAAL, "web_search_read", group["__domain"], specs["kanban"],
                    limit=40,
                )  # fmt: skip

    def list_():
        client.call(SIGNAAL, "web_search_read", [], specs["list"], limit=80)

    def form():
        record_id = ids[next(turn) % len(ids)]
        client.call(SIGNAAL, "web_read", [record_id], specs["form"])
        client.json(
            "/mail/thread/data",
            {"thread_model": SIGNAAL, "thread_id": record_id,
             "request_list": ["activities", "attachments", "followers"]},
        )  # fmt: skip

    def pivot():
        client.call(
            "ondermijning.statistiek", "read_group", [], ["__count"],
            ["categorie_id", "stage_code"], lazy=False,
        )  # fmt: skip

    def export():
        kind = "statistieken" if action == "statistics" else "register"
        wizard = client.call(
            "ondermijning.export.wizard", "create", {"export_type": kind}
        )
        url = client.call("ondermijning.export.wizard", "action_export", [wizard])[
            "url"
        ]
        if client.get(url)[:2] != b"PK":
            raise RuntimeError(f"{action}: the download is not a workbook")

    return {"board": board, "list": list_, "form": form, "pivot": pivot}.get(
        action, export
    )


def statement_logging(clusters, on):
    setting = "SET log_statement = 'all'" if on else "RESET log_statement"
    for cluster in clusters:
        cluster.sql(f"ALTER SYSTEM {setting}")
        cluster.sql("SELECT pg_reload_conf()")
    time.sleep(0.5)  # the reload reaches the backends


def count(log, start, db):
    """SELECTs, and writes by table, that ``db`` received (``log`` from ``start``)."""
    selects, writes = 0, collections.Counter()
    with open(log, encoding="utf-8", errors="replace") as lines:
        lines.seek(start)
        for line in lines:
            if f"] {db} " not in line:
                continue
            if "statement: SELECT" in line:
                selects += 1
            elif match := WRITE.search(line):
                writes[f"{match[1].split()[0]} {match[2]}"] += 1
    return selects, writes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="Odoo of ./dev run --replica")
    parser.add_argument("--db", default="ondermijning")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("actions", nargs="*", default=ACTIONS, help=", ".join(ACTIONS))
    args = parser.parse_args()
    primary = Cluster()
    replica = Replica(primary)
    if not replica.running():
        sys.exit("the replica is not running: start ./dev run --replica first")
    clusters = {"primary": primary, "replica": replica}
    prefix = "%m [%p] %d "
    for cluster in clusters.values():  # the database name in every line
        cluster.sql(f"ALTER SYSTEM SET log_line_prefix = '{prefix}'")
    print(f"| action ({args.rounds}×) | SELECT primary | SELECT replica |"
          " writes (primary) | writes (replica) |")  # fmt: skip
    print("| --- | ---: | ---: | --- | --- |")
    try:
        for action in args.actions:
            once = runner(args, action)
            logs = {name: c.home / "postgres.log" for name, c in clusters.items()}
            starts = {name: log.stat().st_size for name, log in logs.items()}
            statement_logging(clusters.values(), True)
            try:
                for _round in range(args.rounds):
                    once()
            finally:
                statement_logging(clusters.values(), False)
            found = {name: count(logs[name], starts[name], args.db) for name in logs}
            cells = [
                ", ".join(f"{n} {what}" for what, n in sorted(found[name][1].items()))
                or "none"
                for name in clusters
            ]
            print(f"| {action} | {found['primary'][0]} | {found['replica'][0]} | "
                  f"{cells[0]} | {cells[1]} |")  # fmt: skip
    finally:
        for cluster in clusters.values():
            cluster.sql("ALTER SYSTEM RESET log_line_prefix")
            cluster.sql("SELECT pg_reload_conf()")


if __name__ == "__main__":
    main()
