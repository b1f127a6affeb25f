"""A region at work (issue 16): officials, partners, the analyst, melders
and citizens of a dozen gemeenten on one Odoo instance at the same time,
over HTTP as the web client talks to Odoo (JSON-RPC), with think times of
5-15 s. Run by hand (docs/benchmarks.md, "Load test"):

    var/locust/bin/locust -f tools/load/locustfile.py --host http://127.0.0.1:8070 \\
        --headless -u 100 -r 2 -t 10m --csv var/load/e5-100 \\
        --users-file var/load/users.json --md-out var/load/e5-100.md --label "10^5"

Each simulated user logs in (``/web/session/authenticate``, a session of
its own), asks the views of its screens once (``get_views``, as the web
client does per action, the specifications built by tools/bench.py's
``spec_from_arch``) and then, between pauses, does what its role does:

* medewerker (and ondermijningsteam): the board (``web_read_group`` of the
  open signals by stage, then ``web_search_read`` of the first 40 cards of
  each unfolded column), the list (80 rows with their count), a signal's
  form (``web_read`` and its chatter), recording the weging that is due
  (``action_record_weging``, the dialog's ``onchange`` and ``web_save``,
  ``action_confirm_recorded``) and a search by reference (``name_search``
  as the autocompletion, then the list filtered);
* overleg-deelnemer: his overleggen (the list, then the next one's form
  with its agenda), the board of the signals on his agendas, a signal;
* melder: "Meld een vermoeden" (``web_save`` of a melding, which the
  product turns into a signal) and his receipts;
* regionaal analist: the statistics (the pivot's and graph's
  ``read_group`` calls) and an Excel export (wizard, ``action_export``,
  the download);
* citizen: the public meldpunt page of a gemeente, GET then, after
  filling it in, POST.

Every HTTP call is a request of its own in locust's statistics; each whole
action (all calls of one click) is also recorded as an ``action`` row. At
the end the ``action`` rows go, as a Markdown table with the machine's
load, to stdout and to --md-out.

Logins: tools/load/setup_users.py (--users-file). Simulated users of one
role take that role's logins in turn (more users than logins share them).
"""

import contextlib
import datetime as dt
import itertools
import json
import os
import random
import re
import sys
import time

from locust import FastHttpUser, between, events, task
from locust.exception import RescheduleTask, StopUser
from lxml import etree

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench import COUNT_LIMIT, KANBAN_LIMIT, LIST_LIMIT, spec_from_arch  # noqa: E402

# pylint: disable=print-used

SIGNAAL = "ondermijning.signaal"
OPEN = (("end_state", "=", False),)
STATE = {"logins": {}, "load_start": None}


@events.init_command_line_parser.add_listener
def _options(parser):
    parser.add_argument("--users-file", default="var/load/users.json")
    parser.add_argument("--md-out", default="", help="the table of actions, Markdown")
    parser.add_argument("--label", default="", help="e.g. the number of signals")


@events.test_start.add_listener
def _start(environment, **_kw):
    with open(environment.parsed_options.users_file, encoding="utf-8") as file:
        users = json.load(file)
    STATE["database"] = users["database"]
    STATE["meldpunten"] = list(users["meldpunten"].values())
    STATE["logins"] = {
        role: itertools.cycle(logins) for role, logins in users["roles"].items()
    }
    STATE["load_start"] = os.getloadavg()
    STATE["started"] = time.time()


class RpcError(Exception):
    pass


class OdooUser(FastHttpUser):
    """A logged-in user of the web client."""

    abstract = True
    wait_time = between(5, 15)
    role = None
    models = ()  # the models whose views the user's screens load

    def on_start(self):
        account = next(STATE["logins"][self.role])
        self.login = account["login"]
        with self.action("login"):
            info = self.json(
                "/web/session/authenticate",
                {
                    "db": STATE["database"],
                    "login": self.login,
                    "password": self.login,
                },
                name="/web/session/authenticate",
            )
            companies = info["user_companies"]["allowed_companies"]
            allowed = (
                [int(cid) for cid in companies]
                if self.role == "analist"
                else [info["user_companies"]["current_company"]]
            )
            self.user_context = dict(
                info["user_context"], allowed_company_ids=allowed, bin_size=True
            )
            self.uid = info["uid"]
            self.specs = {model: self.view_specs(model) for model in self.models}
            self.ids = []
            self.after_login()

    def after_login(self):
        """What the role looks up once, in its login."""

    # -- the web client's calls ----------------------------------------
    def json(self, url, params, name=None):
        """A JSON-RPC call; its result, or RpcError with the server's message."""
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        with self.client.post(
            url, json=payload, name=name or url, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                raise RpcError(f"HTTP {response.status_code} on {url}")
            try:
                body = response.json()
            except ValueError:
                response.failure("not JSON")
                raise RpcError(f"not JSON from {url}") from None
            if "error" in body:
                data = body["error"].get("data") or {}
                message = data.get("message") or body["error"].get("message")
                response.failure(f"{data.get('name', 'error')}: {message}")
                raise RpcError(message)
            response.success()
            return body["result"]

    def call(self, model, method, *args, **kwargs):
        kwargs["context"] = {**self.user_context, **kwargs.get("context", {})}
        return self.json(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            name=f"{model}.{method}",
        )

    @contextlib.contextmanager
    def action(self, name):
        """One click: all its calls timed together as an ``action`` row."""
        start, exception = time.perf_counter(), None
        try:
            yield
        except RpcError as error:
            exception = error
        except Exception as error:  # a bug here: counted, then shown by locust
            exception = error
            raise
        finally:
            self.environment.events.request.fire(
                request_type="action",
                name=name,
                response_time=(time.perf_counter() - start) * 1000,
                response_length=0,
                exception=exception,
                context={},
            )
        if exception and name == "login":
            raise StopUser()
        if exception:
            raise RescheduleTask()

    def view_specs(self, model):
        views = [[False, "kanban"], [False, "list"], [False, "form"]]
        result = self.call(
            model, "get_views", views, options={"load_filters": True, "toolbar": True}
        )
        specs = {}
        for view_type, view in result["views"].items():
            spec = spec_from_arch(
                etree.fromstring(view["arch"]), model, result["models"]
            )
            if view_type == "form":
                spec["display_name"] = {}
            specs[view_type] = spec
        # the chatter asks the activities only when the user may read them
        specs["activities"] = "activity_ids" in result["models"][model].get(
            "fields", result["models"][model]
        )
        return specs

    # -- screens shared by the roles -------------------------------------
    def board(self):
        groups = self.call(
            SIGNAAL, "web_read_group", list(OPEN), [], ["stage_id"], limit=80, lazy=True
        )["groups"]
        for group in groups:
            if group.get("__fold") or not group["stage_id_count"]:
                continue
            result = self.call(
                SIGNAAL,
                "web_search_read",
                group["__domain"],
                self.specs[SIGNAAL]["kanban"],
                limit=KANBAN_LIMIT,
                count_limit=COUNT_LIMIT,
            )
            self.ids = [r["id"] for r in result["records"]] or self.ids

    def list(self, model=SIGNAAL, domain=()):
        result = self.call(
            model,
            "web_search_read",
            list(domain),
            self.specs[model]["list"],
            limit=LIST_LIMIT,
            count_limit=COUNT_LIMIT,
        )
        return [r["id"] for r in result["records"]]

    def form(self, model, record_id):
        record = self.call(model, "web_read", [record_id], self.specs[model]["form"])
        self.json(
            "/mail/thread/data",
            {
                "thread_model": model,
                "thread_id": record_id,
                "request_list": ["attachments", "followers"]
                + ["activities"] * self.specs[model]["activities"],
            },
            name="/mail/thread/data",
        )
        self.json(
            "/mail/thread/messages",
            {"thread_model": model, "thread_id": record_id, "limit": 30},
            name="/mail/thread/messages",
        )
        return record[0]


class Medewerker(OdooUser):
    """Medewerker ondermijning: the board, the list, signals, wegingen."""

    weight = 10
    role = "medewerker"
    models = (SIGNAAL, "ondermijning.weging")

    def after_login(self):
        self.w1 = self.call(
            "ondermijning.weging.uitkomst",
            "search",
            [("weging_type", "=", "w1"), ("code", "=", "ondermijning")],
            limit=1,
        )[0]
        self.verankering = self.call(
            "ondermijning.indicator", "search", [("kind", "=", "verankering")]
        )
        self.references = []

    @task(4)
    def open_board(self):
        with self.action("board"):
            self.board()

    @task(3)
    def open_list(self):
        with self.action("list"):
            self.ids = self.list() or self.ids

    @task(3)
    def open_signal(self):
        if not self.ids:
            return self.open_list()
        with self.action("form"):
            signal = self.form(SIGNAAL, random.choice(self.ids))
            if signal.get("name"):
                self.references.append(signal["name"])

    @task(1)
    def record_weging(self):
        with self.action("weging"):
            due = self.call(
                SIGNAAL,
                "web_search_read",
                [("stage_code", "=", "intake"), *OPEN],
                {"next_weging": {}},
                limit=20,
                order="date_received desc",
            )["records"]
            due = [r["id"] for r in due if r["next_weging"] == "w1"]
            if not due:
                return
            signal_id = random.choice(due)
            dialog = self.call(SIGNAAL, "action_record_weging", [signal_id])
            context = dialog["context"]
            spec = self.specs["ondermijning.weging"]["form"]
            self.call(
                "ondermijning.weging", "onchange", [], {}, [], spec, context=context
            )
            saved = self.call(
                "ondermijning.weging",
                "web_save",
                [],
                {
                    "uitkomst_id": self.w1,
                    "motivation": "Verankerd in de wijk (load test).",
                    "indicator_ids": [(6, 0, self.verankering[:1])],
                },
                specification={"display_name": {}},
                context=context,
            )
            self.call(
                "ondermijning.weging", "action_confirm_recorded", [saved[0]["id"]]
            )

    @task(1)
    def search(self):
        if not self.references:
            return self.open_list()
        term = random.choice(self.references)[-4:]
        with self.action("search"):
            self.call(SIGNAAL, "name_search", name=term, args=[], limit=8)
            self.ids = self.list(domain=[("name", "ilike", term)]) or self.ids


class Team(Medewerker):
    """Ondermijningsteam: the same screens as a medewerker."""

    weight = 1
    role = "team"


class Overleg(OdooUser):
    """Overleg-deelnemer (a partner): his overleggen, their agenda, and the
    signals on it (read-only)."""

    weight = 3
    role = "overleg"
    models = (SIGNAAL, "ondermijning.overleg")

    @task(3)
    def agenda(self):
        with self.action("agenda"):
            overleggen = self.list("ondermijning.overleg")
            if overleggen:
                overleg = self.form("ondermijning.overleg", overleggen[0])
                agenda = overleg.get("signaal_ids") or []
                self.ids = [s["id"] if isinstance(s, dict) else s for s in agenda] or (
                    self.ids
                )

    @task(2)
    def open_board(self):
        with self.action("board"):
            self.board()

    @task(2)
    def open_signal(self):
        if not self.ids:
            return self.agenda()
        with self.action("form"):
            self.form(SIGNAAL, random.choice(self.ids))


class Melder(OdooUser):
    """Any employee: reports a suspicion, follows his receipts."""

    weight = 4
    role = "melder"
    models = ("ondermijning.melding",)

    def after_login(self):
        self.categories = self.call(
            "ondermijning.categorie", "name_search", name="", args=[], limit=8
        )

    @task(1)
    def report(self):
        with self.action("melding"):
            model = "ondermijning.melding"
            spec = self.specs[model]["form"]
            self.call(model, "onchange", [], {}, [], spec)
            when = dt.datetime.now(dt.UTC) - dt.timedelta(days=random.randint(1, 30))
            saved = self.call(
                model,
                "web_save",
                [],
                {
                    "categorie_id": random.choice(self.categories)[0],
                    "date_facts": when.strftime("%Y-%m-%d %H:%M:%S"),
                    "place": "Marktstraat 1",
                    "who": "Een bedrijf aan de Marktstraat",
                    "description": "Veel contant geld (load test).",
                },
                specification=spec,
            )
            self.call(model, "action_submit", [saved[0]["id"]])

    @task(3)
    def receipts(self):
        with self.action("my reports"):
            ids = self.list("ondermijning.melding", [("user_id", "=", self.uid)])
            if ids:
                self.form("ondermijning.melding", random.choice(ids))


class Analist(OdooUser):
    """Regionaal analist: statistics across gemeenten, Excel exports."""

    weight = 1
    role = "analist"
    models = ()

    @task(4)
    def dashboard(self):
        model = "ondermijning.statistiek"
        measures = ["count_in_treatment:sum", "count_closed:sum", "__count"]
        with self.action("statistics"):
            # the pivot: total, rows, columns, cells; then the graph
            for groupby in ([], ["company_id"], ["date_received:year"]):
                self.call(model, "read_group", [], measures, groupby, lazy=False)
            self.call(
                model,
                "read_group",
                [],
                measures,
                ["company_id", "date_received:year"],
                lazy=False,
            )
            self.call(model, "read_group", [], ["__count"], ["date_received:month"])

    @task(1)
    def export(self):
        model = "ondermijning.export.wizard"
        with self.action("export"):
            kind = random.choice(["statistieken", "jaartabel"])
            saved = self.call(
                model,
                "web_save",
                [],
                {"export_type": kind},
                specification={"display_name": {}},
            )
            url = self.call(model, "action_export", [saved[0]["id"]])["url"]
            with self.client.get(url, name="export download", catch_response=True) as r:
                if r.status_code != 200 or len(r.content or b"") < 1000:
                    r.failure(f"HTTP {r.status_code}, {len(r.content or b'')} bytes")
                    raise RpcError(f"export: HTTP {r.status_code}")


class Burger(FastHttpUser):
    """A citizen on a gemeente's public meldpunt page: no login."""

    weight = 1
    wait_time = between(5, 15)

    @task
    def report(self):
        page = random.choice(STATE["meldpunten"])
        url = f"/ondermijning/melden/{page}"
        start = time.perf_counter()
        html = self.client.get(url, name="meldpunt page").text or ""
        token = re.search(r'name="token" value="([^"]+)"', html)
        categories = re.findall(r'<option value="(\d+)"', html)
        self.record("meldpunt page", start, None if token else "no form on the page")
        if not (token and categories):
            return
        time.sleep(random.uniform(5, 15))  # filling in the form
        start = time.perf_counter()
        with self.client.post(
            f"{url}/verzenden",
            data={
                "token": token.group(1),
                "categorie_id": random.choice(categories),
                "description": "Een woning waar 's nachts veel verkeer is (load test).",
                "place": "Kerkstraat 3",
                "anoniem": "ja",
                "website": "",
            },
            name="meldpunt send",
            catch_response=True,
        ) as response:
            error = None
            if response.status_code != 200 or "secret" not in (response.text or ""):
                error = f"HTTP {response.status_code}"
                response.failure(error)
        self.record("meldpunt send", start, error)

    def record(self, name, start, error):
        self.environment.events.request.fire(
            request_type="action",
            name=name,
            response_time=(time.perf_counter() - start) * 1000,
            response_length=0,
            exception=RpcError(error) if error else None,
            context={},
        )


@events.quitting.add_listener
def _table(environment, **_kw):
    options, stats = environment.parsed_options, environment.stats
    if not STATE["load_start"]:
        return
    seconds = max(1.0, time.time() - STATE["started"])
    rows = sorted(
        (entry for entry in stats.entries.values() if entry.method == "action"),
        key=lambda entry: entry.name,
    )
    total = stats.total
    lines = [
        f"{options.label} signals, {options.num_users} users (spawn rate"
        f" {options.spawn_rate}/s), {seconds / 60:.1f} min; HTTP requests"
        f" {total.num_requests} ({total.num_requests / seconds:.1f}/s),"
        f" failures {total.num_failures}; machine: {os.cpu_count()} cores, load"
        " average (1/5/15 min) at start"
        f" {'/'.join(f'{v:.1f}' for v in STATE['load_start'])}, at end"
        f" {'/'.join(f'{v:.1f}' for v in os.getloadavg())}",
        "",
        "| action | count | per s | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for entry in rows:
        pct = entry.get_response_time_percentile
        lines.append(
            f"| {entry.name} | {entry.num_requests} |"
            f" {entry.num_requests / seconds:.2f} | {pct(0.5):.0f} | {pct(0.95):.0f} |"
            f" {pct(0.99):.0f} | {entry.max_response_time:.0f} | {entry.num_failures} |"
        )
    errors = sorted(
        stats.errors.values(), key=lambda error: error.occurrences, reverse=True
    )
    for error in errors[:10]:
        lines.append(f"\nerror x{error.occurrences}: {error.name}: {error.error}")
    table = "\n".join(lines) + "\n"
    print(table)
    if options.md_out:
        with open(options.md_out, "w", encoding="utf-8") as out:
            out.write(table)
