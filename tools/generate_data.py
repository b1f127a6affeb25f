#!/usr/bin/env python3
"""Synthetic, reproducible data for the scale benchmarks: the ORM makes it,
SQL multiplies it (issues 7 and 17).

    python3 tools/generate_data.py -c ODOO.conf -d bench_db -n 1000000 \\
        [--seed 7] [--gemeenten 14] [--years 5] [--open 0.07] [--project]

1. Configuration, through the ORM: gemeenten (Twente first, weighted by
   population), users per role, wijken, afdelingen, a monthly overleg per
   gemeente, with ``--project`` a project per gemeente.
2. Templates, through the ORM, in the first gemeente, the clock set to each
   moment of their history (freezegun and the cursor's transaction time): a
   signal for every road of the stappenplan (each end state by each weging
   that leads to it, each open step) in ``--variants`` variants (source,
   channel, durations, wijk...), walked as the users walk it: reported
   (through a melding, the MMA platform or a medewerker), weighed, moved,
   sources approved and consulted, a casus with its privacy check, plan,
   interventions, result, monitoring and closing; with ``--project`` a twin
   ``project.task`` moved along. Decorations on host signals: a pool of
   subjects, notes, documents, an agenda entry. A template is every row the
   ORM added meanwhile (found through the id sequences) that is linked to
   it by a foreign key or a (res_)model/res_id pair: messages, tracking
   values, followers, activities, notifications, audit lines, encrypted
   documents...
3. Copies, in SQL: each new signal is a template plus some decorations,
   copied table by table with ``INSERT ... SELECT`` over the columns the
   catalog lists: new ids from the table's sequence, keys into the copy
   remapped, per-gemeente keys (company, users and their partners, wijk,
   afdeling, retention rule, overleg of the month, project, personal
   stages...) mapped to the target gemeente, dates shifted by whole weeks,
   references renumbered per gemeente and year from the gemeente's
   ir.sequence wherever a text holds them (its date ranges advanced
   afterwards); ciphertexts and files shared with the template.
4. The ORM recomputes the stored computed fields that depend on what a copy
   changed (dates, keys); the retention engine seals what its rules seal.

A new column is copied like any other, a new table as soon as the ORM fills
it for a template, a new stored computed field is computed by the ORM.
Signal number i depends only on the seed and i (chunks of 10,000 seeded on
their own): a top-up from 10^4 to 10^5 gives the data of a direct load of
10^5, apart from ids, references and the templates (made again by each run,
and kept as data). For large loads the indexes and foreign keys of the
copied tables are dropped and rebuilt in the same transaction. Then ANALYZE.
Set GEN_DEBUG=1 for the time of each part.
"""

# A command-line tool run by hand: it reports on stdout, commits its own
# batches, and builds SQL from table and column names read from the catalog.
# pylint: disable=print-used,invalid-commit,sql-injection,protected-access

import argparse
import contextlib
import datetime as dt
import importlib.util
import io
import os
import pathlib
import random
import re
import sys
import time
from collections import defaultdict


def _stappenplan():
    """The stappenplan's one definition (plain Python), read before Odoo is
    loaded: the steps, wegingen and casus states the roads below follow."""
    path = pathlib.Path(__file__).resolve().parent.parent / "ondermijning_signalen"
    spec = importlib.util.spec_from_file_location(
        "stappenplan", path / "stappenplan.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SP = _stappenplan()
CHUNK = 10000
DEBUG = os.environ.get("GEN_DEBUG")
DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)

# Twente first (the DVO region), weighted by population (x1000)
GEMEENTEN = [
    (name, int(weight))
    for name, weight in (
        item.split(":")
        for item in (
            "Enschede:160,Hengelo:81,Almelo:74,Rijssen-Holten:38,Hellendoorn:36,"
            "Hof van Twente:35,Twenterand:34,Oldenzaal:32,Dinkelland:26,Wierden:25,"
            "Borne:24,Haaksbergen:24,Losser:23,Tubbergen:21,Deventer:101,Zwolle:130,"
            "Apeldoorn:165,Kampen:55,Raalte:38,Olst-Wijhe:18,Lochem:34,"
            "Berkelland:44,Oost Gelre:30,Winterswijk:29"
        ).split(",")
    )
]
WIJKEN = "Centrum Noord Oost Zuid West Stadsveld Buitengebied Bedrijventerrein".split()
AFDELINGEN = (
    "Vergunningen|Toezicht en handhaving|Burgerzaken|Belastingen|Werk en inkomen"
).split("|")
FIRST = (
    "Anne Bram Daan Emma Fleur Gijs Hanneke Iris Jeroen Kim Lotte Mark Noor "
    "Pieter Roos Sanne Thijs Wouter Yvonne Zeynep Mohamed Fatima Jan Marieke"
).split()
LAST = (
    "de Vries|Jansen|van den Berg|Bakker|Visser|Smit|Meijer|de Boer|Mulder|"
    "Nijhuis|Oude Kotte|Brinkhuis|Ten Brinke|Haverkamp|Lammerink|Yilmaz|"
    "El Amrani|Wessels"
).split("|")
STREETS = (
    "Dorpsstraat Kerkstraat Molenweg Stationsstraat Hengelosestraat "
    "Oldenzaalsestraat Haaksbergerstraat Deurningerstraat Marktstraat "
    "Industrieweg Havenstraat Veldkampweg Brinkstraat Esweg Bornsestraat"
).split()
FACTS = (
    "Sterke hennepgeur en dichtgeplakte ramen op zolder|"
    "Veel wisselende bezoekers 's avonds, korte bezoeken|"
    "Bedrijfspand zonder zichtbare activiteit, wel hoog stroomverbruik|"
    "Contante betalingen van grote bedragen bij aankoop van vastgoed|"
    "Kapsalon met weinig klanten maar hoge omzet|"
    "Opslag van chemicaliën en jerrycans in een loods in het buitengebied|"
    "Dure auto's op naam van een bedrijf zonder personeel|"
    "Shishalounge die na sluitingstijd open is, met bewaking bij de deur|"
    "Melding van een mogelijk drugslab in een schuur"
).split("|")
MOTIVATIONS = (
    "Er is sprake van lokale verankering en vermenging onder- en bovenwereld.|"
    "De gemeente heeft een taak via de Alcoholwet en de APV.|"
    "Het object ligt binnen de gemeente volgens de BAG.|"
    "Het signaal is concreet en recent; past in het beeld van de wijk.|"
    "Onvoldoende concreet om verder te onderzoeken.|"
    "Geen aanwijzingen voor ondermijning; geen verdere actie.|"
    "Regie bij Toezicht en handhaving: bestuurlijke aanpak mogelijk."
).split("|")
NOTES = (
    "Contact gehad met de wijkagent.|Besproken in het teamoverleg.|"
    "Aanvullende informatie opgevraagd bij de melder.|Termijn verlengd in overleg.|"
    "Dossier bijgewerkt."
).split("|")
REFERRALS = ["Politie Oost-Nederland", "Belastingdienst", "Veilig Thuis", "NVWA"]
HITS = ["vergunning verleend", "eerdere handhaving", "WOZ-bezwaar", "uitkering"]
LEGAL_GROUNDS = ["Art. 6 lid 1 sub e AVG", "Art. 6 lid 1 sub c AVG, art. 125 Gemw"]
# source: (weight, channels)
HERKOMSTEN = {
    "mma": (30, ["mma_platform"]),
    "meldpunt": (25, ["web"]),
    "ketenpartner": (20, ["email", "telefoon"]),
    "burger": (10, ["telefoon", "balie", "email"]),
    "mev": (10, ["web"]),
    "overig": (5, ["post", "overig", "email"]),
}
# role: (users per gemeente, groups)
ROLES = {
    "medewerker": (3, ["group_medewerker", "base.group_allow_export"]),
    "team": (1, ["group_team"]),
    "privacy": (1, ["group_privacy"]),
    "overleg": (2, ["group_overleg"]),
    "melder": (6, []),
}
# Days a signal spends in each step (uniform between the bounds), and at
# most this many days old an open signal in that step
STEP_DAYS = {
    SP.INTAKE: (1, 14, 21),
    SP.WEGING3: (3, 30, 60),
    SP.BRONNEN: (10, 60, 150),
    SP.CASUS: (30, 180, 400),
    SP.MONITORING: (90, 365, 900),
}
TASK_STAGES = SP.STEP_ORDER

# The roads through the stappenplan: (name, share, steps), by open step (of
# the open signals) and by end state (of the ended ones).
W = "w"
INTAKE = [
    (W, "w1", "ondermijning"),
    (W, "w2a", "gemeentelijke_taak"),
    (W, "w2b", "binnen_gemeente"),
    ("move", SP.WEGING3),
]
W3 = (W, "w3", "voldoende_zwaar")
STAP2 = [*INTAKE, W3, (W, "beslis", "vervolganalyse"), ("move", SP.BRONNEN)]
CASUS = [*STAP2, ("sources", "hit"), (W, "w4", "casusoverleg"), ("move", SP.CASUS)]
HITS_W4 = [*STAP2, ("sources", "hit")]
OPEN_ROADS = {
    SP.INTAKE: (
        40,
        [
            (SP.INTAKE, 1, []),
            (f"{SP.INTAKE}_w1", 1, INTAKE[:1]),
            (f"{SP.INTAKE}_w2a", 1, INTAKE[:2]),
        ],
    ),
    SP.WEGING3: (
        25,
        [(SP.WEGING3, 7, INTAKE), (f"{SP.WEGING3}_w3", 3, [*INTAKE, W3])],
    ),
    SP.BRONNEN: (15, [(SP.BRONNEN, 1, [*STAP2, ("sources", "open")])]),
    SP.CASUS: (12, [(SP.CASUS, 1, [*CASUS, ("casus", "open")])]),
    SP.MONITORING: (
        8,
        [(SP.MONITORING, 1, [*CASUS, ("casus", SP.CASUS_MONITORING)])],
    ),
}
ENDED_ROADS = {
    "niet_in_behandeling": (40, [
        ("nib_w1", 50, [(W, "w1", "geen_ondermijning")]),
        ("nib_beslis", 35, [*INTAKE, (W, "w3", "onvoldoende_zwaar"),
                            (W, "beslis", "niet_in_behandeling")]),
        ("nib_no_hit", 15, [*STAP2, ("sources", "no_hit")]),
    ]),
    "doorverwezen": (21, [
        ("doorverwezen_w2a", 1, [INTAKE[0], (W, "w2a", "andere_instantie")]),
        ("doorverwezen_w2b", 1, [*INTAKE[:2], (W, "w2b", "buiten_gemeente")]),
    ]),
    "afdeling": (15, [
        ("afdeling_beslis", 6, [*INTAKE, W3, (W, "beslis", "afdeling")]),
        ("afdeling_w4", 4, [*HITS_W4, (W, "w4", "afdelingen")]),
    ]),
    "riec": (10, [
        ("riec_beslis", 6, [*INTAKE, W3, (W, "beslis", "riec")]),
        ("riec_w4", 4, [*HITS_W4, (W, "w4", "riec")]),
    ]),
    "casus_afgesloten": (14, [
        ("casus_afgesloten", 1, [*CASUS, ("casus", SP.CASUS_CLOSED)]),
    ]),
}  # fmt: skip
# Decorations: share of the signals that get one
DECORATIONS = {"subject": 0.5, "note": 0.1, "document": 0.03, "agenda": 0.05}
# Per-gemeente records a copy maps to one of their kind in turn, for variety
ROTATED = {"ondermijning_wijk"}
# Tables whose rows are never copied: outgoing mail and the bus are not data
NOT_COPIED = {"mail_mail", "bus_bus"}
# Stored computed fields a copy keeps from its template (remapped) instead
# of having the ORM recompute them, because that is slow in bulk and gives
# the same: the working time between two dates of a task (a Monday-to-Friday
# calendar, which a shift by whole weeks keeps; ~20 ms a task), and an
# activity's document name (the reference, renumbered in the copy; one
# query per activity). The smoke test compares them with a recompute.
KEPT = {
    "project.task": {
        "working_hours_open",
        "working_hours_close",
        "working_days_open",
        "working_days_close",
    },
    "mail.activity": {"res_name"},
}


def slug(name):
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def weighted(rng, table):
    keys, weights = zip(*table.items(), strict=True)
    return rng.choices(keys, weights)[0]


def copy_text(value):
    """A value as a field of COPY's text format (lists as arrays)."""
    if value is None:
        return "\\N"
    if isinstance(value, dt.timedelta):
        return f"{value.total_seconds()} seconds"
    if isinstance(value, (list, tuple)):
        items = (
            "NULL" if v is None else '"' + re.sub(r'(["\\])', r"\\\1", str(v)) + '"'
            for v in value
        )
        value = "{" + ",".join(items) + "}"
    return re.sub(r"[\\\t\n\r]", lambda m: repr(m.group())[1:-1], str(value))


def quote(name):
    return '"' + name.replace('"', '""') + '"'


class Catalog:
    """What the database says about its tables: columns and their types,
    single-column foreign keys, (res_)model/res_id pairs, the model of each
    table, and the id sequences."""

    def __init__(self, env):
        cr = env.cr
        cr.execute("""
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
              FROM pg_attribute a
              JOIN pg_class c ON c.oid = a.attrelid
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
               AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
          ORDER BY c.relname, a.attnum""")
        self.columns = defaultdict(dict)
        for table, column, ctype in cr.fetchall():
            self.columns[table][column] = ctype
        cr.execute("""
            SELECT cl.relname, att.attname, ref.relname
              FROM pg_constraint con
              JOIN pg_class cl ON cl.oid = con.conrelid
              JOIN pg_class ref ON ref.oid = con.confrelid
              JOIN pg_attribute att
                ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
             WHERE con.contype = 'f' AND cardinality(con.conkey) = 1
               AND con.connamespace = 'public'::regnamespace""")
        self.fks = defaultdict(dict)
        for table, column, ref in cr.fetchall():
            self.fks[table][column] = ref
        self.model_of = {}
        self.poly = defaultdict(dict)  # table: {res_id column: model column}
        for name in env.registry:
            model = env[name]
            if model._abstract or not model._auto or model._table not in self.columns:
                continue
            self.model_of.setdefault(model._table, name)
            for field in model._fields.values():
                if field.type == "many2one_reference" and field.store:
                    self.poly[model._table][field.name] = field.model_field
        for table, columns in self.columns.items():
            for model_column in ("res_model", "model"):
                if columns.get("res_id") == "integer" and columns.get(model_column) in (
                    "character varying",
                    "text",
                ):
                    self.poly[table].setdefault("res_id", model_column)
        self.table_of = {model: table for table, model in self.model_of.items()}

    def has_id(self, table):
        return "id" in self.columns[table]

    def sequences(self, cr):
        """{table: last id given out} for the tables with an id sequence."""
        cr.execute(
            "SELECT sequencename, COALESCE(last_value, 0) FROM pg_sequences "
            "WHERE schemaname = 'public' AND sequencename LIKE '%\\_id\\_seq'"
        )
        return {
            name[:-7]: value for name, value in cr.fetchall() if self.has_id(name[:-7])
        }


class Unit:
    """What the ORM made for a template or a decoration: rows {table: ids}
    (in order), rows of relation tables {table: [their values]}, the records
    it was made on (``anchors``, made with it) or hangs from (``host``, a
    decoration's host signal and task), and the texts each copy gets anew:
    (text, "reference" | "mma" | "host", moment)."""

    def __init__(self, kind, name, received=None):
        self.kind, self.name, self.received = kind, name, received
        self.rows, self.rel, self.host, self.anchors = {}, {}, {}, {}
        self.tokens = []
        self.open_step = self.date_end = self.date_destroy = self.signal_id = None


class Generator:
    def __init__(
        self,
        env,
        seed=7,
        gemeenten=14,
        years=5,
        today=None,
        open_share=0.07,
        project=False,
        expired=0.0,
        variants=3,
        subjects=2000,
        names=None,
        cover=False,
        log=print,
    ):
        self.env = env(
            context=dict(
                env.context,
                lang="en_US",
                tz="Europe/Amsterdam",
                mail_notify_force_send=False,
                mail_auto_subscribe_no_notify=True,
            )
        )
        self.cr = env.cr
        self.seed, self.k, self.years = seed, gemeenten, years
        self.today = today or dt.date.today()
        self.now = dt.datetime.combine(self.today, dt.time(6, 0))
        self.open_share, self.project, self.expired = open_share, project, expired
        self.variants, self.subject_pool, self.names = variants, subjects, names
        self.cover = cover  # copy each template and decoration at least once
        self.origin = {}  # with cover: {copy's signal id: its template's}
        self.copied = {}  # {table: [ranges of the ids of the copies]}
        self.log = log
        self.units = []

    # ------------------------------------------------------------------
    # 1. Configuration through the ORM (kept between runs)
    # ------------------------------------------------------------------
    def setup(self):
        env = self.env(
            context=dict(
                self.env.context, tracking_disable=True, ondermijning_no_audit=True
            )
        )
        names = self.names or [name for name, _w in GEMEENTEN][: self.k]
        names += [f"Gemeente {i}" for i in range(len(names) + 1, self.k + 1)]
        weights = dict(GEMEENTEN)
        Company = env["res.company"]
        self.companies = []
        for name in names:
            full = name if name.startswith("Gemeente ") else f"Gemeente {name}"
            company = Company.search([("name", "=", full)], limit=1) or Company.create(
                {"name": full}
            )
            self.companies.append((company, weights.get(name, 20)))
        company_ids = self.company_ids = [c.id for c, _w in self.companies]
        self.company_weights = [w for _c, w in self.companies]
        self.template_company = self.companies[0][0]
        self.politie = self._partner("Politie Oost-Nederland")
        om = self._partner("Openbaar Ministerie Oost-Nederland")
        self._setup_users(env)
        for company, _w in self.companies:
            for index, user in enumerate(self.users[company.id, "overleg"]):
                if not user.partner_id.parent_id:
                    user.partner_id.parent_id = (self.politie, om)[index % 2]
        for model, labels in (
            ("ondermijning.wijk", WIJKEN),
            ("ondermijning.afdeling", AFDELINGEN),
        ):
            have = {
                (r.company_id.id, r.name)
                for r in env[model].search([("company_id", "in", company_ids)])
            }
            env[model].create(
                [
                    {"name": label, "company_id": cid}
                    for cid in company_ids
                    for label in labels
                    if (cid, label) not in have
                ]
            )
        env["res.company"].browse(company_ids)._ondermijning_ensure_retention_rules()
        self._setup_overleggen(env)
        if self.project:
            self._setup_project(env)
        env.flush_all()

    def _setup_users(self, env):
        Users = env["res.users"].with_context(active_test=False, no_reset_password=True)
        rng = random.Random(f"{self.seed}:users")
        wanted = []
        for company, _w in self.companies:
            for role, (count, groups) in ROLES.items():
                groups = [
                    g if "." in g else f"ondermijning_signalen.{g}"
                    for g in ["base.group_user", *groups]
                ]
                if self.project and role == "medewerker":
                    groups.append("project.group_project_user")
                wanted += [
                    {
                        "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        "login": f"bench_{slug(company.name)}_{role}{i}",
                        "company_id": company.id,
                        "company_ids": [(6, 0, company.ids)],
                        "groups_id": [(6, 0, [env.ref(g).id for g in groups])],
                        "tz": "Europe/Amsterdam",
                        "notification_type": "inbox",
                    }
                    for i in range(1, count + 1)
                ]
        users = {
            u.login: u
            for u in Users.search([("login", "in", [v["login"] for v in wanted])])
        }
        missing = [v for v in wanted if v["login"] not in users]
        users.update({u.login: u for u in (Users.create(missing) if missing else [])})
        self.users = {
            (company.id, role): [
                users[f"bench_{slug(company.name)}_{role}{i}"] for i in range(1, n + 1)
            ]
            for company, _w in self.companies
            for role, (n, _g) in ROLES.items()
        }

    def _partner(self, name):
        Partner = self.env["res.partner"]
        return Partner.search(
            [("name", "=", name), ("is_company", "=", True)], limit=1
        ) or Partner.create({"name": name, "is_company": True})

    def _setup_overleggen(self, env):
        """A monthly ondermijningsoverleg per gemeente over the whole window."""
        Overleg = env["ondermijning.overleg"]
        months = [self.today.replace(day=1)]
        while len(months) < 12 * (self.years + 2):
            months.append((months[-1] - DAY).replace(day=1))
        vals = []
        for company, _w in self.companies:
            have = {
                o.date.date().replace(day=1)
                for o in Overleg.search(
                    [
                        ("company_id", "=", company.id),
                        ("overleg_type", "=", "ondermijningsoverleg"),
                    ]
                )
            }
            participants = [
                u.id
                for role in ("overleg", "medewerker", "team")
                for u in self.users[company.id, role]
            ]
            vals += [
                {
                    "overleg_type": "ondermijningsoverleg",
                    "company_id": company.id,
                    "date": dt.datetime.combine(month + 14 * DAY, dt.time(9, 0)),
                    "state": "gehouden" if month < months[0] else "gepland",
                    "user_ids": [(6, 0, participants)],
                    "partner_ids": [(6, 0, self.politie.ids)],
                }
                for month in months
                if month not in have
            ]
        Overleg.create(vals)

    def _setup_project(self, env):
        Stage = env["project.task.type"]
        self.task_stage = {}
        for sequence, code in enumerate(TASK_STAGES):
            name = env["ondermijning.stage"].search([("code", "=", code)], limit=1).name
            self.task_stage[code] = Stage.search(
                [("name", "=", name), ("user_id", "=", False)], limit=1
            ) or Stage.create(
                {"name": name, "sequence": sequence, "fold": code == SP.LAST_STEP}
            )
        Project = env["project.project"]
        self.projects = {}
        for company, _w in self.companies:
            name = f"Signalen {company.name}"
            self.projects[company.id] = Project.search(
                [("name", "=", name), ("company_id", "=", company.id)], limit=1
            ) or Project.create(
                {
                    "name": name,
                    "company_id": company.id,
                    "privacy_visibility": "employees",
                    "type_ids": [(6, 0, [s.id for s in self.task_stage.values()])],
                }
            )
            for user in self.users[company.id, "medewerker"]:
                env["project.task"].with_user(user).sudo()._ensure_personal_stages()

    # ------------------------------------------------------------------
    # 2. Templates through the ORM, on a frozen clock
    # ------------------------------------------------------------------
    def _settle(self):
        """Let the ORM finish what it postponed (computes, tracking
        messages) at the current time."""
        self.env.flush_all()
        self.cr.precommit.run()
        self.env.flush_all()

    @contextlib.contextmanager
    def _clock(self):
        """Freeze Python's clock and the cursor's transaction time (which
        stamps create_date and write_date); hand out a function that moves
        both."""
        import freezegun

        freezer = freezegun.freeze_time(self.now)
        frozen = freezer.start()

        def move(moment):
            self._settle()
            frozen.move_to(moment)
            self.cr._now = moment

        try:
            yield move
        finally:
            self._settle()
            freezer.stop()
            self.cr._now = None

    def build_templates(self):
        """The templates and decorations (units) that the copies multiply."""
        self.catalog = Catalog(self.env)
        self.units = []
        self.cr.execute("SELECT COALESCE(max(id), 0) FROM ondermijning_signaal")
        self.run_mark = self.cr.fetchone()[0]  # keeps MMA numbers apart per run
        rng = random.Random(f"{self.seed}:templates")
        with self._clock() as move:
            for step, (_share, roads) in OPEN_ROADS.items():
                for road, _s, steps in roads:
                    for _variant in range(self.variants):
                        self._template(
                            move, random.Random(rng.random()), road, steps, step
                        )
            for _state, (_share, roads) in ENDED_ROADS.items():
                for road, _s, steps in roads:
                    for _variant in range(self.variants):
                        self._template(move, random.Random(rng.random()), road, steps)
            self._decorations(move, random.Random(rng.random()))
        # the retention engine seals what ended (its daily job), which may
        # take rows away (a sealed signal's followers and activities)
        self.env["ondermijning.bewaartermijn"].sudo()._seal_ended_signals(self.today)
        self._prune()
        Signal = self.env["ondermijning.signaal"].sudo()
        for index, unit in enumerate(self.units):
            unit.index = index
            if unit.kind == "template":
                signal = Signal.browse(unit.signal_id)
                unit.date_end, unit.date_destroy = signal.date_end, signal.date_destroy
                if signal.casus_id:
                    unit.tokens.append(
                        (signal.casus_id.name, "reference", signal.casus_id.create_date)
                    )
        return self.units

    def _prune(self):
        """Take out of the units the rows that are gone since they were made,
        and the relation rows that pointed at them."""
        self.env.flush_all()
        ids = defaultdict(set)
        for unit in self.units:
            for table, rows in unit.rows.items():
                ids[table] |= set(rows)
        gone = set()
        for table, wanted in ids.items():
            self.cr.execute(
                f"SELECT id FROM {quote(table)} WHERE id = ANY(%s)",  # noqa: S608
                [sorted(wanted)],
            )
            gone |= {
                (table, i) for i in wanted - {row[0] for row in self.cr.fetchall()}
            }
        if not gone:
            return
        for unit in self.units:
            unit.rows = {
                table: [i for i in rows if (table, i) not in gone]
                for table, rows in unit.rows.items()
            }
            unit.rows = {table: rows for table, rows in unit.rows.items() if rows}
            for table, rows in unit.rel.items():
                fks = self.catalog.fks[table]
                columns = list(self.catalog.columns[table])
                unit.rel[table] = [
                    row
                    for row in rows
                    if not any(
                        (fks[c], v) in gone
                        for c, v in zip(columns, row, strict=True)
                        if c in fks
                    )
                ]

    def _as(self, role, index=0):
        """A user of the template gemeente, with the rights to do anything:
        the records say who did it, the rules are not what is generated."""
        user = self.users[self.template_company.id, role][index]
        return self.env(user=user.id, su=True)

    def _timeline(self, rng, steps, durations):
        """The actions of a road with their time (days after receipt): the
        actions of a step spread over its duration, a move at its end."""
        actions = []
        for step in steps:
            if step[0] == "sources":
                results = {
                    "hit": ["hit", "no_hit"][: rng.randint(1, 2)],
                    "no_hit": ["no_hit"] * rng.randint(1, 2),
                    "open": rng.choice(
                        [
                            ["approved"],
                            ["hit"],
                            ["approved", "hit"],
                            ["no_hit", "approved"],
                        ]
                    ),
                }[step[1]]
                actions.append(("approve", len(results)))
                actions += [
                    ("result", i, r) for i, r in enumerate(results) if r != "approved"
                ]
            elif step[0] == "casus":
                states = [
                    *("check_2a", "plan", "check_2b", "uitvoering", "done"),
                    *(SP.CASUS_MONITORING, SP.CASUS_CLOSED),
                ]
                reached = (
                    rng.choice([0, 2, 4])
                    if step[1] == "open"
                    else states.index(step[1]) + 1
                )
                actions += [("casus", state) for state in states[:reached]]
            else:
                actions.append(step)
        timed, start, stap, group = [], 0.0, SP.FIRST_STEP, []
        for action in [*actions, ("end",)]:
            group.append(action)
            if action[0] not in ("move", "end") and action != (
                "casus",
                SP.CASUS_MONITORING,
            ):
                continue
            span = durations[stap]
            for i, item in enumerate(group):
                if item == ("casus", SP.CASUS_CLOSED):  # when its monitoring ran out
                    timed.append((start + span + 0.5, item))
                elif item[0] != "end":
                    timed.append((start + span * (i + 1) / (len(group) + 1), item))
            if action[0] == "move" or action == ("casus", SP.CASUS_MONITORING):
                start += span
                stap = action[1] if action[0] == "move" else SP.MONITORING
                timed[-1] = (start, action)
            group = []
        return timed

    def _template(self, move, rng, road, steps, open_step=None):
        """One signal walked along a road, with its twin task."""
        durations = {
            step: rng.uniform(lo, hi) for step, (lo, hi, _a) in STEP_DAYS.items()
        }
        timeline = self._timeline(rng, steps, durations)
        # the end lies a few days before today; an open road is under way now
        end = self.now - DAY * (
            rng.uniform(0.2, 1.5) if open_step else rng.uniform(2, 6)
        )
        received = (end - DAY * (timeline[-1][0] if timeline else 0)).replace(
            microsecond=0, second=0
        )
        unit = Unit("template", road, received)
        unit.open_step = open_step
        owner = rng.randrange(len(self.users[self.template_company.id, "medewerker"]))
        with self._capture(unit) as units:
            move(received)
            signal = self._report(rng, unit, owner, received)
            task = self._twin(signal, owner)
            for days, action in timeline:
                move(received + DAY * days)
                self._act(rng, signal, task, action, owner, durations)
            if open_step and task:
                task.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=signal.date_deadline,
                    user_id=signal.user_id.id,
                )
            unit.anchors = {r._table: r.id for r in (signal, task) if r}
        unit.signal_id = signal.id
        self.units += units

    def _report(self, rng, unit, owner, received):
        """The signal comes in: through a melding, the MMA platform or a
        medewerker."""
        herkomst = weighted(rng, {h: w for h, (w, _c) in HERKOMSTEN.items()})
        company = self.template_company
        env = self._as("medewerker", owner)
        address = f"{rng.choice(STREETS)} {rng.randint(1, 250)}"
        description = f"{rng.choice(FACTS)}. Adres: {address}."
        categorie = rng.choice(
            env["ondermijning.categorie"].search([("company_id", "=", False)])
        )
        facts = received - DAY * rng.uniform(0, 60) if rng.random() < 0.8 else False
        wijken = env["ondermijning.wijk"].search([("company_id", "=", company.id)])
        wijk = rng.choice(wijken).id if rng.random() < 0.85 else False
        if herkomst == "meldpunt" and rng.random() < 0.7:
            melding = self._as("melder", rng.randrange(6))[
                "ondermijning.melding"
            ].create(
                {
                    "categorie_id": categorie.id,
                    "date_facts": facts,
                    "place": address,
                    "description": description,
                }
            )
            signal = melding.sudo().signaal_id.with_env(env)
            signal.write({"user_id": env.uid, "wijk_id": wijk})
            unit.tokens.append((signal.name, "reference", received))
            return signal
        vals = {
            "company_id": company.id,
            "herkomst_id": env.ref(f"ondermijning_signalen.herkomst_{herkomst}").id,
            "channel": rng.choice(HERKOMSTEN[herkomst][1]),
            "categorie_id": categorie.id,
            "description": description,
            "facts_location": address if rng.random() < 0.7 else False,
            "date_facts": facts,
            "wijk_id": wijk,
            "user_id": env.uid,
        }
        if herkomst in ("burger", "ketenpartner") and rng.random() < 0.4:
            phone = rng.randint(10**7, 10**8 - 1)
            vals["melder_contact"] = (
                f"{rng.choice(FIRST)} {rng.choice(LAST)}, 06-{phone}"
            )
        if herkomst == "mma":
            opened = received.date() - DAY * (rng.random() < 0.1)
            mma = f"MMA{received.year}-T{self.run_mark + len(self.units):07d}"
            unit.tokens.append((mma, "mma", received))
            vals.update(
                mma_number=mma,
                mma_discipline=rng.choice(["mono", "mono", "multi"]),
                mma_date_received=opened - rng.randint(0, 2) * DAY,
                mma_date_opened=opened,
                bt_tafel_date=rng.random() < 0.2
                and received.date() + rng.randint(7, 21) * DAY,
            )
        signal = env["ondermijning.signaal"].create(vals)
        unit.tokens.append((signal.name, "reference", received))
        return signal

    def _twin(self, signal, owner):
        """The signal's twin in Odoo's own project app (the baseline)."""
        if not self.project:
            return None
        env = self._as("medewerker", owner)
        deadline = dt.datetime.combine(signal.date_deadline, dt.time(12, 0))
        return env["project.task"].create(
            {
                "name": f"Signaal {signal.name}",
                "project_id": self.projects[self.template_company.id].id,
                "stage_id": self.task_stage[SP.FIRST_STEP].id,
                "user_ids": [(6, 0, [env.uid])],
                "date_deadline": deadline,
            }
        )

    def _act(self, rng, signal, task, action, owner, durations):
        """One action of a road, by the role that takes it; the twin task
        follows the signal's stage."""
        medewerker = self._as("medewerker", owner)
        kind = action[0]
        if kind == W:
            self._weeg(rng, signal, *action[1:], medewerker)
        elif kind == "move":
            stage = self.env.ref(f"ondermijning_signalen.stage_{action[1]}")
            signal.with_env(medewerker).stage_id = stage
        elif kind == "approve":
            bronnen = list(self.env["ondermijning.bron"].search([]))
            self._as("privacy")["ondermijning.bronraadpleging"].create(
                [
                    {
                        "signaal_id": signal.id,
                        "bron_id": bron.id,
                        "legal_ground": rng.choice(LEGAL_GROUNDS),
                    }
                    for bron in rng.sample(bronnen, action[1])
                ]
            )
        elif kind == "result":
            consultation = signal.with_env(medewerker).raadpleging_ids[action[1]]
            if action[2] == "hit":
                found = rng.choice(HITS)
                consultation.summary = (
                    f"Bekend bij {consultation.bron_id.name}: {found}"
                )
                consultation.action_record_hit()
            else:
                consultation.action_record_no_hit()
        elif kind == "casus":
            self._casus(rng, signal.with_env(medewerker), action[1], durations)
        stage = task and self.task_stage[signal.stage_code]
        if task and task.stage_id != stage:
            done = {"state": "1_done"} if signal.end_state else {}
            task.write({"stage_id": stage.id, **done})

    def _weeg(self, rng, signal, weging_type, code, medewerker):
        """A weging as its role records it, answering what the outcome needs
        (the stappenplan's ``needs``) and what the weging always asks."""
        from odoo.addons.ondermijning_signalen import stappenplan

        outcome = self.env.ref(f"ondermijning_signalen.uitkomst_{weging_type}_{code}")
        env = self._as("team") if weging_type in ("beslis", "w4") else medewerker
        vals = {
            "signaal_id": signal.id,
            "weging_type": weging_type,
            "uitkomst_id": outcome.id,
            "motivation": rng.choice(MOTIVATIONS),
        }
        if weging_type == "w2b":
            vals["subject_kind"] = rng.choice(["subject", "object"])
            vals["register"] = rng.choice(["bag", "brp", "kvk", "kadaster"])
        if outcome.offers_referral:  # "zo nodig doorverwezen": here it is
            vals["referred_to"] = rng.choice(REFERRALS)
        for need in stappenplan.outcome(weging_type, code).needs:
            vals.update(self._answer(rng, env, signal, need))
        env["ondermijning.weging"].create(vals)

    def _answer(self, rng, env, signal, need):
        """What answering one need of an outcome takes."""

        def pick(model, domain=()):
            return rng.choice(env[model].search(list(domain))).id

        answers = {
            "verankering": lambda: {
                "indicator_ids": [
                    (4, pick("ondermijning.indicator", [("kind", "=", "verankering")]))
                ],
                "signalering_ids": [
                    (4, pick("ondermijning.indicator", [("kind", "=", "signalering")]))
                ],
            },
            "taak": lambda: {"taak_id": pick("ondermijning.taak")},
            "grondgebied": lambda: {"within_gemeente": True},
            "buiten_grondgebied": lambda: {"within_gemeente": False},
            "criteria_voldaan": lambda: {
                "criterium_ids": [
                    (
                        6,
                        0,
                        env["ondermijning.weging.criterium"]
                        .search([("required", "=", True)])
                        .ids,
                    )
                ]
            },
            "afdeling": lambda: {
                "afdeling_id": pick(
                    "ondermijning.afdeling", [("company_id", "=", signal.company_id.id)]
                )
            },
            # what earlier steps recorded
            "weging3_zwaar": dict,
            "relevant_hit": dict,
        }
        if need not in answers:
            raise RuntimeError(
                f"the generator does not know how to answer '{need}' (a need of "
                "an outcome in stappenplan.OUTCOMES): add it to Generator._answer"
            )
        return answers[need]()

    def _casus(self, rng, signal, state, durations):
        """Stap 4 and monitoring: the casus the signal's weging 4 opened."""
        casus = signal.casus_id
        if state in ("check_2a", "check_2b"):
            env = self._as("privacy")
            vals = {
                "casus_id": casus.id,
                "weging_type": "w5",
                "privacy_check": state[-2:],
                "uitkomst_id": env.ref("ondermijning_signalen.uitkomst_w5_akkoord").id,
                "motivation": "Gegevensdeling getoetst aan het convenant.",
            }
            if state == "check_2a":
                vals["pc2a_partner_ids"] = [(6, 0, self.politie.ids)]
                vals["pc2a_data"] = "Bevindingen van de bronnen"
            else:
                vals["pc2b_exchange"] = "Gegevens over het pand en de eigenaar"
                vals["pc2b_permitted"] = True
            env["ondermijning.weging"].create(vals)
        elif state == "plan":
            instruments = self.env["ondermijning.instrument"].search([])
            interventions = [
                {
                    "instrument_id": rng.choice(instruments).id,
                    "user_id": signal.user_id.id,
                    "date_deadline": dt.date.today() + rng.randint(14, 90) * DAY,
                }
                for _i in range(rng.randint(1, 2))
            ]
            casus.write(
                {
                    "plan_van_aanpak": "Bestuurlijke aanpak en controle.",
                    "interventie_ids": [(0, 0, vals) for vals in interventions],
                    "state": "plan",
                }
            )
        elif state == "done":
            casus.interventie_ids.write({"state": "afgerond", "result": "Uitgevoerd."})
        elif state == SP.CASUS_MONITORING:
            casus.write(
                {
                    "result": rng.choice(["bereikt", "deels", "niet"]),
                    "result_note": "Resultaat besproken in het casusoverleg.",
                    "monitoring_until": dt.date.today()
                    + DAY * durations[SP.MONITORING],
                    "state": SP.CASUS_MONITORING,
                }
            )
        else:  # uitvoering, afgesloten
            casus.state = state

    def _decorations(self, move, rng):
        """What some signals get besides their road: subjects (a pool, so
        that signals about the same subject find each other), a note, a
        document, a place on the agenda of the month's overleg. Each kind
        is made on a host signal of its own (with its twin task); a copy
        takes the rows of the decoration, hung from the copy's signal."""
        received = self.now - 40 * DAY
        env = self._as("medewerker")
        categorie = env["ondermijning.categorie"].search([], limit=1)

        def decoration(name, action, split=None):
            move(received)
            host = env["ondermijning.signaal"].create(
                {"company_id": self.template_company.id, "categorie_id": categorie.id}
            )
            records = [r for r in (host, self._twin(host, 0)) if r]
            move(received + DAY * rng.uniform(1, 10))
            unit = Unit(name.split()[0], name, received)
            unit.host = {r._table: r.id for r in records}
            unit.tokens.append((host.name, "host", received))
            with self._capture(unit, split) as units:
                action(*records)
            self.units += units

        def note(*records, text):
            for record in records:
                record.with_env(env).message_post(
                    body=text, message_type="comment", subtype_xmlid="mail.mt_note"
                )

        def document(*records, size):
            text = f"Verslag van de waarneming.\n{rng.choice(FACTS)}.\n" * size
            env["ir.attachment"].create(
                [
                    {
                        "name": f"verslag-{size}.txt",
                        "raw": text.encode(),
                        "res_model": record._name,
                        "res_id": record.id,
                    }
                    for record in records
                ]
            )

        def agenda(host, *_twin):
            overleg = self.env["ondermijning.overleg"].search(
                [
                    ("company_id", "=", self.template_company.id),
                    ("overleg_type", "=", "ondermijningsoverleg"),
                    ("date", ">=", received.replace(day=1)),
                ],
                order="date",
                limit=1,
            )
            overleg.with_env(self._as("team")).signaal_ids = [(4, host.id)]

        def subjects(host, *_twin):
            identities = [self._identity(rng) for _i in range(self.subject_pool)]
            env["ondermijning.subject"].create(
                [dict(values, signaal_id=host.id) for values in identities]
            )

        # one host per kind, so that what is on it is that decoration only
        for i, text in enumerate(NOTES):
            decoration(f"note {i}", lambda *r, text=text: note(*r, text=text))
        for size in (5, 15, 25):
            decoration(f"document {size}", lambda *r, s=size: document(*r, size=s))
        decoration("agenda", agenda)
        decoration("subject", subjects, split="ondermijning_subject")

    @staticmethod
    def _identity(rng):
        kind = rng.choices(["persoon", "bedrijf", "adres", "object"], [45, 25, 20, 10])
        address = f"{rng.choice(STREETS)} {rng.randint(1, 250)}"
        day, month, year = (
            rng.randint(1, 28),
            rng.randint(1, 12),
            rng.randint(1950, 2004),
        )
        born = f"{day:02d}-{month:02d}-{year}"
        return {
            "persoon": {
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "birth_date": born,
            },
            "bedrijf": {
                "name": f"{rng.choice(LAST)} Holding B.V.",
                "kvk_number": str(rng.randint(10**7, 10**8 - 1)),
            },
            "adres": {"address": address},
            "object": {
                "bag_id": f"0153{rng.randint(10**11, 10**12 - 1)}",
                "address": address,
            },
        }[kind[0]] | {"kind": kind[0]}

    # ------------------------------------------------------------------
    # What the ORM made: rows added meanwhile, linked to the template
    # ------------------------------------------------------------------
    @contextlib.contextmanager
    def _capture(self, unit, split=None):
        """Collect the rows the ORM adds in the block that hang together
        with the unit's anchors (records made in the block) or its host
        (records made before). Yields the list that receives the unit, or
        with ``split`` one unit per new row of that table."""
        catalog, cr = self.catalog, self.cr
        hosts = set(unit.host.items())
        before_rel = {(table, row) for table, _n, row in self._links(set(), hosts)[1]}
        before = catalog.sequences(cr)
        units = []
        yield units
        self._settle()
        created = set()
        for table, last in catalog.sequences(cr).items():
            if last > before.get(table, 0) and table not in NOT_COPIED:
                cr.execute(
                    f"SELECT id FROM {quote(table)} WHERE id > %s AND id <= %s",  # noqa: S608
                    [before.get(table, 0), last],
                )
                created |= {(table, row_id) for (row_id,) in cr.fetchall()}
        edges, rel_rows = self._links(created, hosts)
        for part, starts in (
            [(unit, [*unit.anchors.items(), *hosts])]
            if not split
            else [
                (Unit(unit.kind, f"{unit.name} {k}", unit.received), [(split, i)])
                for k, (table, i) in enumerate(sorted(created))
                if table == split
            ]
        ):
            part.host, part.tokens = unit.host, unit.tokens
            seen, todo = set(), list(starts)
            while todo:
                node = todo.pop()
                if node not in seen:
                    seen.add(node)
                    todo += [n for n in edges[node] if n not in hosts]
            for table, row_id in sorted(seen - hosts):
                part.rows.setdefault(table, []).append(row_id)
            for table, nodes, row in rel_rows:
                on_host = not split and nodes & hosts and (table, row) not in before_rel
                if on_host or nodes & (seen - hosts):
                    part.rel.setdefault(table, []).append(row)
            units.append(part)

    def _links(self, created, hosts):
        """Edges between the new rows and the host records (foreign keys,
        (res_)model/res_id pairs, relation tables), and the rows of the
        relation tables that point at them: [(table, their nodes, row)]."""
        catalog, cr = self.catalog, self.cr
        known = created | hosts
        edges = defaultdict(set)
        by_table = defaultdict(list)
        for table, row_id in created:
            by_table[table].append(row_id)
        for table, ids in by_table.items():
            fks, poly = catalog.fks[table], catalog.poly[table]
            columns = ["id", *fks, *poly, *poly.values()]
            cr.execute(
                f"SELECT {', '.join(quote(c) for c in dict.fromkeys(columns))} "  # noqa: S608
                f"FROM {quote(table)} WHERE id = ANY(%s)",
                [ids],
            )
            for values in cr.dictfetchall():
                node = (table, values["id"])
                targets = [(ref, values[c]) for c, ref in fks.items()]
                targets += [
                    (catalog.table_of.get(values[m]), values[c])
                    for c, m in poly.items()
                ]
                for target in targets:
                    if target in known and target != node:
                        edges[node].add(target)
                        edges[target].add(node)
        rel_rows = []
        for table, fks in catalog.fks.items():
            watched = [c for c, ref in fks.items() if any(ref == t for t, _i in known)]
            if catalog.has_id(table) or table in NOT_COPIED or not watched:
                continue
            columns = list(catalog.columns[table])
            cr.execute(
                f"SELECT {', '.join(quote(c) for c in columns)} "  # noqa: S608
                f"FROM {quote(table)} WHERE "
                + " OR ".join(f"{quote(c)} = ANY(%s)" for c in watched),
                [[i for t, i in known if t == fks[c]] for c in watched],
            )
            for row in cr.fetchall():
                nodes = {
                    (fks[c], v) for c, v in zip(columns, row, strict=True) if c in fks
                } & known
                for node in nodes:
                    edges[node] |= nodes - {node}
                rel_rows.append((table, nodes, row))
        return edges, rel_rows

    # ------------------------------------------------------------------
    # 3. Copies in SQL
    # ------------------------------------------------------------------
    def count(self):
        self.cr.execute("SELECT count(*) FROM ondermijning_signaal")
        return self.cr.fetchone()[0]

    def top_up(self, total, drop_indexes=None):
        """Bring the database to ``total`` signals: templates, then copies.
        Large loads drop the indexes of the copied tables (``drop_indexes``
        None: when adding 5*10^4 or more and more than there are)."""
        existing = self.count()
        if existing >= total:
            self.log(f"{existing} signals already, nothing to add")
            return {"added": 0, "seconds": 0.0, "rows": 0, "counts": {}}
        start = time.perf_counter()
        self.cr.execute("SET LOCAL work_mem = '256MB'")  # the copies' hash joins
        self.build_templates()
        first = self.count()
        made = time.perf_counter() - start
        self.log(
            f"  {first - existing} template and host signals ({len(self.units)} units) "
            f"made by the ORM in {made:.1f} s"
        )
        counts = defaultdict(int)
        if first < total:
            self._prepare()
            if drop_indexes is None:
                drop_indexes = total - first >= 50000 and total - first > first
            # foreign keys are checked in one pass afterwards, not row by row
            dropped = (
                self._drop_indexes(drop_indexes)
                if drop_indexes or total - first >= 5000
                else []
            )
            self.first = first
            for chunk in range(first // CHUNK, (total - 1) // CHUNK + 1):
                lo, hi = max(first, chunk * CHUNK), min(total, (chunk + 1) * CHUNK)
                for table, rows in self._chunk(chunk, lo, hi).items():
                    counts[table] += rows
                speed = (hi - first) / (time.perf_counter() - start)
                self.log(f"  {hi} signals ({speed:.0f} copies/s)")
            self._advance_sequences()
            if dropped:
                t0 = time.perf_counter()
                self.cr.execute("SET LOCAL maintenance_work_mem = '512MB'")
                for _name, definition in dropped:
                    self.cr.execute(definition)
                self.log(
                    f"  {len(dropped)} indexes and foreign keys restored in "
                    f"{time.perf_counter() - t0:.1f} s"
                )
            self.env["ondermijning.bewaartermijn"].sudo()._seal_ended_signals(
                self.today
            )
            # the copied agenda rows: who sits at the overleg of a signal,
            # made again as install does (the partners' record rules read it)
            t0 = time.perf_counter()
            self.env["ondermijning.signaal"]._sync_participants()
            self.log(f"  agenda participants kept in {time.perf_counter() - t0:.1f} s")
            tables = {*self.tables, "ondermijning_signaal_participant_rel"}
            self.cr.execute(f"ANALYZE {', '.join(map(quote, sorted(tables)))}")  # noqa: S608
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        return {
            "added": total - existing,
            "seconds": time.perf_counter() - start,
            "template_seconds": made,
            "rows": sum(counts.values()),
            "counts": dict(counts),
        }

    def _prepare(self):
        """Temporary tables with the units, the per-gemeente maps, the
        order of the copied tables, and their INSERT ... SELECT."""
        cr = self.cr
        catalog = self.catalog = Catalog(self.env)
        cr.execute("""
            DROP TABLE IF EXISTS gen_unit_row, gen_unit_rel, gen_month, gen_cu;
            CREATE TEMP TABLE gen_unit_row (unit int, tbl text, model text, tblno int,
                                            id int, rank int, host bool);
            CREATE TEMP TABLE gen_unit_rel (unit int, tbl text, vals text[]);
            CREATE TEMP TABLE gen_month (company int, month date, overleg int,
                                         PRIMARY KEY (company, month));
            CREATE TEMP TABLE gen_cu (copy_no int, unit int, company int, categorie int,
                                      shift interval, days int, tokens text[],
                                      bases int[], anchors int[], maps int[]);
        """)
        self.tables = sorted({t for u in self.units for t in [*u.rows, *u.rel]})
        self._order()
        rows, rels = [], []
        for unit in self.units:
            for table, ids in unit.rows.items():
                row = (
                    unit.index,
                    table,
                    catalog.model_of.get(table),
                    self.number[table],
                )
                rows += [(*row, i, k, False) for k, i in enumerate(ids)]
            for table, record_id in unit.host.items():
                model = catalog.model_of[table]
                rows.append(
                    (
                        unit.index,
                        table,
                        model,
                        self.number[table],
                        record_id,
                        None,
                        True,
                    )
                )
            rels += [
                (unit.index, t, row)
                for t, table_rows in unit.rel.items()
                for row in table_rows
            ]
            unit.anchor_rank = {
                t: unit.rows[t].index(i) for t, i in unit.anchors.items()
            }
        self._load("gen_unit_row", rows)
        self._load("gen_unit_rel", rels)
        cr.execute("""
            CREATE INDEX ON gen_unit_row (unit, tbl, id);
            CREATE INDEX ON gen_unit_row (unit, model, id);
            ANALYZE gen_unit_row, gen_unit_rel""")
        self._maps()
        self._statements()
        self.by_road, self.by_kind = defaultdict(list), defaultdict(list)
        for unit in self.units:
            if unit.kind == "template":
                self.by_road[unit.name].append(unit)
            else:
                self.by_kind[unit.kind].append(unit)
        self.templates = [u for u in self.units if u.kind == "template"]
        categories = self.env["ondermijning.categorie"].search(
            [("company_id", "=", False)]
        )
        self.categories = categories.ids
        # drugs, fraude and witwassen weigh most, as in the registers
        self.category_weights = [
            5 if re.search(r"drug|hennep", c.name, re.I)
            else 3 if re.search(r"fraude|witwas|vergunde", c.name, re.I)
            else 1
            for c in categories
        ]  # fmt: skip
        self.counter, self.sequences, self.map_arrays = {}, {}, {}

    def _load(self, table, rows):
        """COPY rows into a temporary table."""
        lines = ("\t".join(map(copy_text, row)) + "\n" for row in rows)
        self.cr.copy_expert(f"COPY {table} FROM STDIN", io.StringIO("".join(lines)))  # noqa: S608

    def _order(self):
        """The copied tables, parents first (foreign keys are checked as rows
        come in, unless dropped for a large load), relation tables last."""
        catalog = self.catalog
        id_tables = [t for t in self.tables if catalog.has_id(t)]
        self.order = []
        while len(self.order) < len(id_tables):
            ready = [
                t
                for t in id_tables
                if t not in self.order
                and all(
                    ref in self.order or ref == t or ref not in id_tables
                    for ref in catalog.fks[t].values()
                )
            ]
            if not ready:
                cycle = set(id_tables) - set(self.order)
                raise RuntimeError(f"foreign keys in a cycle among {cycle}")
            self.order += ready
        self.order += [t for t in self.tables if not catalog.has_id(t)]
        self.number = {table: k + 1 for k, table in enumerate(self.order)}

    def _maps(self):
        """How a copy maps each key into a record of the template gemeente
        to its gemeente: self.strategy {table: (kind, period)}, and for the
        kind "map" the pairs {table: {(company, rotation): {old: new}}}:
        users (and their partners, and what they own, like personal stages)
        by role in turn, other per-gemeente records (wijken, afdelingen,
        retention rules, projects...) by rank."""
        cr, catalog = self.cr, self.catalog
        template = self.template_company.id
        referenced = self._referenced()
        users = {}  # (company, rotation, old user): new user
        for role, (count, _groups) in ROLES.items():
            for cid in self.company_ids:
                for rot in range(6):
                    for i, user in enumerate(self.users[template, role]):
                        users[cid, rot, user.id] = self.users[cid, role][
                            (i + rot) % count
                        ]
        pairs = defaultdict(lambda: defaultdict(dict))
        self.strategy = {
            "res_company": ("company", 1),
            "ondermijning_categorie": ("vary", 1),
            "ondermijning_overleg": ("month", 1),
        }
        for ref, ids in referenced.items():
            columns = catalog.columns[ref]
            if ref in self.strategy:
                continue
            if ref in ("res_users", "res_partner"):
                partner = self.env["res.users"].browse
                for (cid, rot, old), new in users.items():
                    if ref == "res_users":
                        pairs[ref][cid, rot][old] = new.id
                    else:
                        pairs[ref][cid, rot][partner(old).partner_id.id] = (
                            new.partner_id.id
                        )
                self.strategy[ref] = ("map", 6)
            elif "company_id" in columns:
                self.strategy[ref] = ("map", self._rank_pairs(ref, ids, pairs))
            elif "user_id" in columns:
                self._owned_pairs(ref, ids, users, pairs)
        self.strategy = {
            r: s for r, s in self.strategy.items() if r in referenced and s[1]
        }
        # each copy carries the new ids for its gemeente (and rotation) in one
        # array: for table R, the slice at offset[R] follows old[R]
        self.map_old, self.map_offset, self.map_pairs = {}, {}, pairs
        for ref, (kind, _period) in sorted(self.strategy.items()):
            if kind == "map":
                self.map_offset[ref] = sum(map(len, self.map_old.values()))
                self.map_old[ref] = sorted({o for m in pairs[ref].values() for o in m})
        cr.execute("""
            INSERT INTO gen_month
            SELECT company_id, date_trunc('month', date)::date, min(id)
              FROM ondermijning_overleg WHERE overleg_type = 'ondermijningsoverleg'
          GROUP BY 1, 2;
            ANALYZE gen_month""")

    def _referenced(self):
        """{table: ids} of the records outside the copies that the rows of
        the units point at (by foreign key)."""
        cr, catalog = self.cr, self.catalog
        referenced = defaultdict(set)
        for table in self.tables:
            columns = list(catalog.columns[table])
            for column, ref in catalog.fks[table].items():
                if ref in self.tables:
                    continue
                if catalog.has_id(table):
                    cr.execute(
                        f"SELECT DISTINCT t.{quote(column)} FROM {quote(table)} t "  # noqa: S608
                        "JOIN gen_unit_row r ON r.tbl = %s AND r.id = t.id "
                        "AND NOT r.host",
                        [table],
                    )
                    referenced[ref] |= {v for (v,) in cr.fetchall() if v}
                else:
                    referenced[ref] |= {
                        row[columns.index(column)]
                        for unit in self.units
                        for row in unit.rel.get(table, ())
                    } - {None}
        return referenced

    def _rank_pairs(self, ref, ids, pairs):
        """Per-gemeente records by rank (id order): the k-th of the template
        gemeente is the k-th of any other (in turn, for ROTATED tables).
        Returns the period of the rotation, 0 when ``ids`` are not of the
        template gemeente."""
        self.cr.execute(
            f"SELECT company_id, array_agg(id ORDER BY id) FROM {quote(ref)} "  # noqa: S608
            "WHERE company_id = ANY(%s) GROUP BY company_id",
            [self.company_ids],
        )
        ranks = dict(self.cr.fetchall())
        old = ranks.get(self.template_company.id, [])
        if not set(ids) & set(old):
            return 0
        period = len(old) if ref in ROTATED else 1
        for cid in self.company_ids:
            new = ranks.get(cid, [])
            if len(new) != len(old):
                raise RuntimeError(
                    f"{ref}: gemeente {cid} has {len(new)} records where the "
                    f"template gemeente has {len(old)}; the generator maps "
                    "them by rank and cannot map these"
                )
            for rot in range(period):
                pairs[ref][cid, rot] = {
                    o: new[(k + rot) % len(new)] for k, o in enumerate(old)
                }
        return period

    def _owned_pairs(self, ref, ids, users, pairs):
        """Records of a template user (personal stages...): the user's k-th
        is the k-th of the user it maps to."""
        self.cr.execute(
            f"SELECT user_id, array_agg(id ORDER BY id) FROM {quote(ref)} "  # noqa: S608
            "WHERE user_id IS NOT NULL GROUP BY user_id"
        )
        owned = dict(self.cr.fetchall())
        if set(ids) & {i for (_c, _r, old) in users for i in owned.get(old, ())}:
            for (cid, rot, old), new in users.items():
                pairs[ref][cid, rot].update(
                    zip(owned.get(old, []), owned.get(new.id, []), strict=False)
                )
            self.strategy[ref] = ("map", 6)

    def _map_array(self, company, rot):
        """The new ids of every mapped record for a copy in ``company`` with
        rotation ``rot``, as the expressions of _expressions read them."""
        key = (company, rot)
        if key not in self.map_arrays:
            values = []
            for ref, old in self.map_old.items():
                mapping = self.map_pairs[ref].get(
                    (company, rot % self.strategy[ref][1]), {}
                )
                values += [mapping.get(o, o) for o in old]
            self.map_arrays[key] = copy_text(values)
        return self.map_arrays[key]

    def _statements(self):
        """The INSERT ... SELECT of each copied table, the columns a copy
        changes, and the stored computed fields the ORM recomputes."""
        catalog, cr = self.catalog, self.cr
        tokens = sorted({t for u in self.units for t, _k, _m in u.tokens})
        patterns = ["%" + re.sub(r"([%_\\])", r"\\\1", t) + "%" for t in tokens]
        self.width = 2 * max(len(u.tokens) for u in self.units)
        self.token_columns = defaultdict(set)
        for table in self.tables:
            texts = [
                c
                for c, ctype in catalog.columns[table].items()
                if ctype == "text" or ctype.startswith("character varying")
            ]
            if texts and catalog.has_id(table):
                checks = ", ".join(
                    f"bool_or(t.{quote(c)} LIKE ANY(%(p)s))" for c in texts
                )
                cr.execute(
                    f"SELECT {checks} FROM {quote(table)} t JOIN gen_unit_row r "  # noqa: S608
                    "ON r.tbl = %(t)s AND r.id = t.id AND NOT r.host",
                    {"p": patterns, "t": table},
                )
                found = cr.fetchone()
                self.token_columns[table] = {
                    c for c, h in zip(texts, found, strict=True) if h
                }
        self.sql, self.changed = {}, {}
        for table in self.order:
            columns = catalog.columns[table]
            if catalog.has_id(table):
                source = {c: f"t.{quote(c)}" for c in columns}
                base = (
                    f"JOIN gen_unit_row r ON r.unit = cu.unit AND r.tbl = '{table}' "
                    f"AND NOT r.host JOIN {quote(table)} t ON t.id = r.id"
                )
            else:
                source = {
                    c: f"(u.vals[{k}])::{t}"
                    for k, (c, t) in enumerate(columns.items(), 1)
                }
                base = f"JOIN gen_unit_rel u ON u.unit = cu.unit AND u.tbl = '{table}'"
            exprs, joins = self._expressions(table, source)
            self.sql[table] = (
                f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "
                f"SELECT {', '.join(exprs.values())} "
                f"FROM gen_cu cu {base} {' '.join(joins)}"
                + ("" if catalog.has_id(table) else " ON CONFLICT DO NOTHING")
            )
            self.changed[table] = {c for c, e in exprs.items() if e != source[c]} - {
                "id"
            }
        self.recomputed = self._to_recompute()

    def _expressions(self, table, source):
        """The value of each column in a copy: ``source`` remapped, shifted
        or renumbered. Returns ({column: expression}, joins)."""
        catalog = self.catalog
        exprs, joins = {}, []
        for k, (column, ctype) in enumerate(catalog.columns[table].items()):
            value, ref, alias = source[column], catalog.fks[table].get(column), f"j{k}"
            kind, _period = self.strategy.get(ref, (None, 0))
            if column == "id" and catalog.has_id(table):
                expr = f"cu.bases[{self.number[table]}] + r.rank"
            elif ref in self.tables or column in catalog.poly[table]:
                # a row of the unit: the unit's base id in its table plus its
                # rank; the host: the copy's own record; else unchanged
                match = (
                    f"{alias}.tbl = '{ref}'"
                    if ref
                    else f"{alias}.model = {source[catalog.poly[table][column]]}"
                )
                number = self.number[ref] if ref else f"{alias}.tblno"
                joins.append(
                    f"LEFT JOIN gen_unit_row {alias} ON {alias}.unit = cu.unit "
                    f"AND {match} AND {alias}.id = {value}"
                )
                expr = (
                    f"COALESCE(CASE WHEN {alias}.host THEN cu.anchors[{number}] "
                    f"ELSE cu.bases[{number}] + {alias}.rank END, {value})"
                )
            elif kind == "company":
                template = self.template_company.id
                expr = (
                    f"CASE WHEN {value} = {template} THEN cu.company ELSE {value} END"
                )
            elif kind == "vary":
                expr = f"COALESCE(cu.categorie, {value})"
            elif kind == "month":  # the overleg of the copy's month
                joins.append(
                    f"LEFT JOIN ondermijning_overleg {alias}o ON {alias}o.id = {value} "
                    f"LEFT JOIN gen_month {alias} ON {alias}.company = cu.company AND "
                    f"{alias}.month = "
                    f"date_trunc('month', {alias}o.date + cu.shift)::date"
                )
                expr = f"COALESCE({alias}.overleg, {value})"
            elif kind == "map":
                offset = self.map_offset[ref]
                cases = " ".join(
                    f"WHEN {o} THEN cu.maps[{offset + i}]"
                    for i, o in enumerate(self.map_old[ref], 1)
                )
                expr = f"CASE {value} {cases} ELSE {value} END"
            elif ctype.startswith("timestamp"):
                expr = f"{value} + cu.shift"
            elif ctype == "date":
                expr = f"{value} + cu.days"
            elif column in self.token_columns[table]:
                expr = value
                for i in range(1, self.width, 2):
                    expr = f"replace({expr}, cu.tokens[{i}], cu.tokens[{i + 1}])"
            else:
                expr = value
            exprs[column] = expr
        return exprs, joins

    def _to_recompute(self):
        """{table: fields} the ORM recomputes in a copy: its stored computed
        fields that depend on a column the copy changes (a shifted date, a
        remapped key, a new reference), except what users may set (computed
        but not readonly: the value set on the template stands), a related
        key into records the copy maps (remapped like the key it follows),
        and what KEPT says."""
        env, registry = self.env, self.env.registry
        mapped = set(self.tables) | set(self.strategy)
        result = {}
        for table in self.order:
            model = self.catalog.model_of.get(table)
            names = [
                field.name
                for field in (env[model]._fields.values() if model else ())
                if field.store
                and field.compute
                and field.readonly
                and field.name not in KEPT.get(model, ())
                and not (
                    field.related
                    and field.type == "many2one"
                    and env[field.comodel_name]._table in mapped
                )
                and any(
                    path.split(".")[0] in self.changed[table]
                    for path in registry.field_depends[field]
                )
            ]
            if names:
                result[table] = names
        return result

    def _chunk(self, chunk, lo, hi):
        """Signals lo..hi (of chunk ``chunk``): draw, then copy, then let the
        ORM recompute. Returns {table: rows}."""
        cr = self.cr
        tick = self._ticker()
        rng = random.Random(f"{self.seed}:{chunk}")
        draws = [
            self._draw(random.Random(rng.random()), chunk * CHUNK + i)
            for i in range(CHUNK)
        ][lo - chunk * CHUNK : hi - chunk * CHUNK]
        draws.sort(key=lambda d: (d["received"], d["index"]))
        # the rows of each unit of each copy get consecutive new ids per
        # table: the unit's base in the table plus the row's rank in it
        used = defaultdict(int)
        links = []
        for copy_no, d in enumerate(draws):
            core, shift = d["unit"], WEEK * d["weeks"]
            new = {}
            for text, kind, moment in core.tokens:
                when = moment + shift
                new[text] = (
                    self._reference(d["company"], when, text, moment)
                    if kind == "reference"
                    else f"MMA{when.year}-{d['index'] + 1:07d}"
                )
            reference = next(new[t] for t, k, _m in core.tokens if k == "reference")
            for unit in [core, *d["decorations"]]:
                bases = {}
                for table, ids in unit.rows.items():
                    bases[table] = used[table]
                    used[table] += len(ids)
                if unit is core:
                    anchors = {t: bases[t] + r for t, r in unit.anchor_rank.items()}
                else:
                    new = {t: reference for t, _k, _m in unit.tokens}
                moved = shift if unit is core else d["received"] - unit.received
                links.append((d, copy_no, unit, moved, new, bases, anchors))
        tick("draws")
        # the ids of the chunk, reserved in each table's sequence at once
        tables = sorted(used)
        cr.execute(
            "SELECT "  # noqa: S608
            + ", ".join(
                f"setval('{t}_id_seq', nextval('{t}_id_seq') + {used[t]} - 1)"
                for t in tables
            )
        )
        first = {
            t: last - used[t] + 1 for t, last in zip(tables, cr.fetchone(), strict=True)
        }
        lines = []
        for d, copy_no, unit, moved, new, bases, anchors in links:
            numbers, heads = ["NULL"] * len(self.order), ["NULL"] * len(self.order)
            for table, base in bases.items():
                numbers[self.number[table] - 1] = str(first[table] + base)
            for table, offset in anchors.items():
                heads[self.number[table] - 1] = str(first[table] + offset)
            tokens = [v for text, _k, _m in unit.tokens for v in (text, new[text])]
            tokens += [""] * (self.width - len(tokens))
            days = (self.now + moved).date() - self.now.date()
            lines.append(
                f"{copy_no}\t{unit.index}\t{d['company']}\t{d['categorie']}\t"
                f"{copy_text(moved)}\t{days.days}\t{copy_text(tokens)}\t"
                f"{{{','.join(numbers)}}}\t{{{','.join(heads)}}}\t"
                f"{self._map_array(d['company'], d['rot'])}\n"
            )
            if self.cover and unit is d["unit"]:
                signal = first["ondermijning_signaal"] + anchors["ondermijning_signaal"]
                self.origin[signal] = unit.signal_id
        cr.execute("TRUNCATE gen_cu")
        cr.copy_expert("COPY gen_cu FROM STDIN", io.StringIO("".join(lines)))
        if chunk * CHUNK <= self.first:
            cr.execute("ANALYZE gen_cu")  # the next chunks look the same
        tick("load")
        counts = {}
        for table in self.order:
            cr.execute(self.sql[table])
            counts[table] = cr.rowcount
        tick("inserts")
        new_ids = {t: range(first[t], first[t] + n) for t, n in used.items()}
        for table, ids in new_ids.items():
            self.copied.setdefault(table, []).append(ids)
        self._recompute(new_ids)
        tick("recompute")
        return counts

    def _ticker(self):
        """With GEN_DEBUG set, log the time each part took."""
        last = [time.perf_counter()]

        def tick(label):
            if DEBUG:
                now = time.perf_counter()
                self.log(f"    {label}: {now - last[0]:.2f} s")
                last[0] = now

        return tick

    def _recompute(self, new_ids):
        """The ORM recomputes what depends on what the copies changed, and
        writes it without stamping write_date (the copy's history stays)."""
        env = self.env
        classes = set()
        for table, names in self.recomputed.items():
            Model = (
                env[self.catalog.model_of[table]].sudo().with_context(active_test=False)
            )
            records = Model.browse(new_ids.get(table, ()))
            for name in names:
                env.add_to_compute(Model._fields[name], records)
            classes.add(type(Model))
        saved = {cls: cls._log_access for cls in classes}
        try:
            for cls in saved:
                cls._log_access = False
            env.flush_all()
        finally:
            for cls, value in saved.items():
                cls._log_access = value
        env.invalidate_all()

    def _draw(self, rng, index):
        """Everything about signal number ``index``: its template, gemeente,
        users, category, place in time and decorations."""
        roads = OPEN_ROADS if rng.random() < self.open_share else ENDED_ROADS
        _share, choices = roads[weighted(rng, {k: s for k, (s, _r) in roads.items()})]
        road = weighted(rng, {name: share for name, share, _steps in choices})
        unit = rng.choice(self.by_road[road])
        covered = index - self.first
        if self.cover and 0 <= covered < len(self.templates):
            unit = self.templates[covered]  # each template at least once
        weeks = self._weeks(rng, unit)
        company = rng.choices(self.company_ids, self.company_weights)[0]
        decorations = []
        if rng.random() < DECORATIONS["subject"]:
            count = 1 if rng.random() < 0.8 else 2
            decorations += rng.sample(self.by_kind["subject"], count)
        for kind in ("note", "document", "agenda"):
            if rng.random() < DECORATIONS[kind]:
                decorations.append(rng.choice(self.by_kind[kind]))
            elif self.cover and 0 <= covered < len(self.by_kind[kind]):
                decorations.append(self.by_kind[kind][covered])
        return {
            "index": index,
            "unit": unit,
            "weeks": weeks,
            "received": unit.received + WEEK * weeks,
            "company": company,
            "rot": rng.randrange(120),
            "categorie": rng.choices(self.categories, self.category_weights)[0],
            "decorations": decorations,
        }

    def _weeks(self, rng, unit):
        """How many weeks (back) a copy of ``unit`` is moved: an open signal
        stays open and young enough for its step, an ended one ended before
        today and is still kept (or, for ``--expired``, is past its date)."""
        earliest = self.now - DAY * 365 * self.years
        if unit.open_step:
            earliest = self.now - DAY * STEP_DAYS[unit.open_step][2]
            return rng.randint(min(0, -((unit.received - earliest) // WEEK)), 0)
        today = dt.datetime.combine(self.today, dt.time())
        latest = -((unit.date_end - today) // WEEK) - 1
        lowest = -((unit.received - earliest) // WEEK)
        if unit.date_destroy:
            destroy = dt.datetime.combine(unit.date_destroy, dt.time())
            if self.expired and rng.random() < self.expired:
                return (today - destroy - 4 * DAY) // WEEK - rng.randint(0, 25)
            lowest = max(lowest, (today - destroy + 4 * DAY) // WEEK + 1)
        return rng.randint(lowest, latest) if lowest <= latest else latest

    def _reference(self, company_id, when, old, moment):
        """The next reference of the gemeente for the year of ``when``, as
        its ir.sequence formats it, in place of the part of ``old`` that the
        template gemeente's sequence made at ``moment`` (a casus reference
        has a letter before it)."""
        key = (company_id, when.year)
        if key not in self.counter:
            self.counter[key] = self._date_range(company_id, when).number_next_actual
        number = self.counter[key]
        self.counter[key] = number + 1
        prefix, suffix, padding = self._format(company_id, when.year)
        text = f"{prefix}{number:0{padding}d}{suffix}"
        prefix, suffix, _padding = self._format(self.template_company.id, moment.year)
        match = re.search(re.escape(prefix) + r"\d+" + re.escape(suffix), old)
        return old[: match.start()] + text + old[match.end() :] if match else text

    def _format(self, company_id, year):
        """Prefix, suffix and padding of the gemeente's references of a year
        (what ir.sequence's get_next_char puts around the number)."""
        key = ("format", company_id, year)
        if key not in self.sequences:
            sequence = self._sequence(company_id).with_context(
                ir_sequence_date=f"{year}-06-30", ir_sequence_date_range=f"{year}-01-01"
            )
            self.sequences[key] = (*sequence._get_prefix_suffix(), sequence.padding)
        return self.sequences[key]

    def _sequence(self, company_id):
        """The gemeente's reference sequence; the ORM makes it (with the
        first reference, which is then skipped) when it has none yet."""
        if company_id not in self.sequences:
            Sequence = self.env["ir.sequence"].sudo()
            domain = [
                ("code", "=", "ondermijning.signaal"),
                ("company_id", "=", company_id),
            ]
            if not Sequence.search(domain, limit=1):
                company = self.env["res.company"].browse(company_id)
                self.env["ondermijning.signaal"].sudo()._next_reference(company)
            self.sequences[company_id] = Sequence.search(domain, limit=1)
        return self.sequences[company_id]

    def _date_range(self, company_id, when):
        sequence = self._sequence(company_id)
        day = when.date()
        return self.env["ir.sequence.date_range"].sudo().search(
            [
                ("sequence_id", "=", sequence.id),
                ("date_from", "<=", day),
                ("date_to", ">=", day),
            ],
            limit=1,
        ) or sequence._create_date_range_seq(day)

    def _advance_sequences(self):
        """Each gemeente's year goes on after the last number used."""
        for (company_id, year), number in sorted(self.counter.items()):
            date_range = self._date_range(company_id, dt.datetime(year, 6, 30))
            if date_range.number_next_actual < number:
                date_range.number_next_actual = number

    def _drop_indexes(self, indexes=True):
        """Foreign keys and (``indexes``) secondary indexes (not those of
        other constraints) of the copied tables: dropped for a large load,
        restored from their definitions afterwards in the same transaction
        (a foreign key is then checked in one pass, not row by row)."""
        cr = self.cr
        cr.execute(
            """
            SELECT c.conname, c.conrelid::regclass::text, pg_get_constraintdef(c.oid)
              FROM pg_constraint c
             WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)""",
            [self.tables],
        )
        constraints = cr.fetchall()
        cr.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
             WHERE i.tablename = ANY(%s) AND i.schemaname = 'public'
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                                WHERE c.conname = i.indexname)""",
            [self.tables],
        )
        dropped = cr.fetchall() if indexes else []
        for name, _definition in dropped:
            cr.execute(f"DROP INDEX {quote(name)}")
        for name, table, definition in constraints:
            cr.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            dropped.append(
                (
                    name,
                    f"ALTER TABLE {quote(table)} "
                    f"ADD CONSTRAINT {quote(name)} {definition}",
                )
            )
        # indexes first, then the foreign keys (whose check uses them)
        return dropped


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("-c", "--config", required=True, help="Odoo configuration file")
    add("-d", "--database", required=True)
    add(
        "-n",
        "--signals",
        type=int,
        required=True,
        help="signals the database should hold",
    )
    add("--seed", type=int, default=7)
    add("--gemeenten", type=int, default=14)
    add("--years", type=int, default=5, help="depth of the data (years)")
    add("--open", type=float, default=0.07, help="share of open signals")
    add(
        "--expired",
        type=float,
        default=0.0,
        help="share of ended signals past retention",
    )
    add(
        "--today",
        type=dt.date.fromisoformat,
        help="the day of the data (default today)",
    )
    add("--variants", type=int, default=3, help="templates per road of the stappenplan")
    add("--subjects", type=int, default=2000, help="size of the pool of subjects")
    add(
        "--project",
        action="store_true",
        help="a project.task twin per signal (baseline)",
    )
    add(
        "--indexes",
        choices=["auto", "keep", "rebuild"],
        default="auto",
        help="drop the copied tables' indexes during the load and rebuild them after "
        "(auto: when adding 5*10^4 or more signals and more than there are)",
    )
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if args.project and "project.task" not in env:
            sys.exit("--project needs the 'project' app installed in the database")
        t0 = time.perf_counter()
        generator = Generator(
            env,
            seed=args.seed,
            gemeenten=args.gemeenten,
            years=args.years,
            today=args.today,
            open_share=args.open,
            project=args.project,
            expired=args.expired,
            variants=args.variants,
            subjects=args.subjects,
        )
        generator.setup()
        cr.commit()
        print(
            "setup (ORM: gemeenten, users, overleggen): "
            f"{time.perf_counter() - t0:.1f} s"
        )
        indexes = {"auto": None, "keep": False, "rebuild": True}[args.indexes]
        result = generator.top_up(args.signals, drop_indexes=indexes)
        cr.commit()
    if result["added"]:
        counts = ", ".join(f"{t} {n}" for t, n in sorted(result["counts"].items()))
        print(
            f"added {result['added']} signals in {result['seconds']:.1f} s = "
            f"{result['added'] / result['seconds']:.0f} signals/s "
            f"(templates {result['template_seconds']:.1f} s), {result['rows']} rows "
            f"copied = {result['rows'] / result['seconds']:.0f} rows/s ({counts})"
        )
    print(f"total {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
