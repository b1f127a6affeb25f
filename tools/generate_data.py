#!/usr/bin/env python3
"""Synthetic, reproducible data for the scale benchmarks: the ORM makes it,
SQL multiplies it (issues 7 and 17).

    python3 tools/generate_data.py -c ODOO.conf -d bench_db -n 1000000 \\
        [--seed 7] [--gemeenten 14] [--years 5] [--open 0.07] [--project]

1. Configuration, through the ORM: gemeenten (Twente first, weighted by
   population), users per role, wijken, afdelingen, a monthly overleg per
   gemeente, with ``--project`` a project per gemeente.
2. Templates, through the ORM, in the first gemeente, the clock set to each
   moment of their history (freezegun): a signal for every road of the
   stappenplan (each end state by each weging that leads to it, each open
   step), in ``--variants`` variants (source, channel, durations, wijk...),
   walked as the users walk it: reported (through a melding, the MMA
   platform or a medewerker), weighed, moved, sources approved and
   consulted, a casus with its privacy check, plan, interventions, result,
   monitoring and closing; with ``--project`` a twin ``project.task`` moved
   along. Decorations on host signals: a pool of subjects, notes, documents,
   an agenda entry. A template is every row the ORM added meanwhile (found
   through the id sequences) that is linked to it by a foreign key or a
   (res_)model/res_id pair: messages, tracking values, followers,
   activities, notifications, audit lines, encrypted documents, ...
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
"""

# A command-line tool run by hand: it reports on stdout, commits its own
# batches, and builds SQL from table and column names read from the catalog.
# pylint: disable=print-used,invalid-commit,sql-injection,protected-access

import argparse
import contextlib
import datetime as dt
import io
import random
import re
import sys
import time
from collections import defaultdict

CHUNK = 10000
DEBUG = __import__("os").environ.get("GEN_DEBUG")
DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)

# Twente first (the DVO region), weighted by population (x1000)
GEMEENTEN = [
    ("Enschede", 160),
    ("Hengelo", 81),
    ("Almelo", 74),
    ("Rijssen-Holten", 38),
    ("Hellendoorn", 36),
    ("Hof van Twente", 35),
    ("Twenterand", 34),
    ("Oldenzaal", 32),
    ("Dinkelland", 26),
    ("Wierden", 25),
    ("Borne", 24),
    ("Haaksbergen", 24),
    ("Losser", 23),
    ("Tubbergen", 21),
    ("Deventer", 101),
    ("Zwolle", 130),
    ("Apeldoorn", 165),
    ("Kampen", 55),
    ("Raalte", 38),
    ("Olst-Wijhe", 18),
    ("Lochem", 34),
    ("Berkelland", 44),
    ("Oost Gelre", 30),
    ("Winterswijk", 29),
]
WIJKEN = "Centrum Noord Oost Zuid West Stadsveld Buitengebied Bedrijventerrein"
AFDELINGEN = [
    "Vergunningen",
    "Toezicht en handhaving",
    "Burgerzaken",
    "Belastingen",
    "Werk en inkomen",
]
FIRST = (
    "Anne Bram Daan Emma Fleur Gijs Hanneke Iris Jeroen Kim Lotte Mark Noor "
    "Pieter Roos Sanne Thijs Wouter Yvonne Zeynep Mohamed Fatima Jan Marieke"
).split()
LAST = [
    "de Vries",
    "Jansen",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "Nijhuis",
    "Oude Kotte",
    "Brinkhuis",
    "Ten Brinke",
    "Haverkamp",
    "Lammerink",
    "Yilmaz",
    "El Amrani",
    "Wessels",
]
STREETS = (
    "Dorpsstraat Kerkstraat Molenweg Stationsstraat Hengelosestraat "
    "Oldenzaalsestraat Haaksbergerstraat Deurningerstraat Marktstraat "
    "Industrieweg Havenstraat Veldkampweg Brinkstraat Esweg Bornsestraat"
).split()
FACTS = [
    "Sterke hennepgeur en dichtgeplakte ramen op zolder",
    "Veel wisselende bezoekers 's avonds, korte bezoeken",
    "Bedrijfspand zonder zichtbare activiteit, wel hoog stroomverbruik",
    "Contante betalingen van grote bedragen bij aankoop van vastgoed",
    "Kapsalon met weinig klanten maar hoge omzet",
    "Opslag van chemicaliën en jerrycans in een loods in het buitengebied",
    "Dure auto's op naam van een bedrijf zonder personeel",
    "Shishalounge die na sluitingstijd open is, met bewaking bij de deur",
    "Melding van een mogelijk drugslab in een schuur",
]
MOTIVATIONS = [
    "Er is sprake van lokale verankering en signalen van vermenging "
    "onder- en bovenwereld.",
    "De gemeente heeft een taak via de Alcoholwet en de APV.",
    "Het object ligt binnen de gemeente volgens de BAG.",
    "Het signaal is concreet en recent; past in het beeld van de wijk.",
    "Onvoldoende concreet om verder te onderzoeken.",
    "Geen aanwijzingen voor ondermijning; geen verdere actie.",
    "Regie bij Toezicht en handhaving: bestuurlijke aanpak mogelijk.",
]
NOTES = [
    "Contact gehad met de wijkagent.",
    "Besproken in het teamoverleg.",
    "Aanvullende informatie opgevraagd bij de melder.",
    "Termijn verlengd in overleg.",
    "Dossier bijgewerkt.",
]
REFERRALS = ["Politie Oost-Nederland", "Belastingdienst", "Veilig Thuis", "NVWA"]
HITS = ["vergunning verleend", "eerdere handhaving", "WOZ-bezwaar", "uitkering"]
LEGAL_GROUNDS = ["Art. 6 lid 1 sub e AVG", "Art. 6 lid 1 sub c AVG, art. 125 Gemw"]
HERKOMST_WEIGHTS = {
    "mma": 30,
    "meldpunt": 25,
    "ketenpartner": 20,
    "burger": 10,
    "mev": 10,
    "overig": 5,
}
CHANNELS = {
    "mma": ["mma_platform"],
    "meldpunt": ["web"],
    "ketenpartner": ["email", "telefoon"],
    "burger": ["telefoon", "balie", "email"],
    "mev": ["web"],
    "overig": ["post", "overig", "email"],
}
ROLES = [("medewerker", 3), ("team", 1), ("privacy", 1), ("overleg", 2), ("melder", 6)]
ROLE_GROUPS = {
    "medewerker": ["ondermijning_signalen.group_medewerker", "base.group_allow_export"],
    "team": ["ondermijning_signalen.group_team"],
    "privacy": ["ondermijning_signalen.group_privacy"],
    "overleg": ["ondermijning_signalen.group_overleg"],
    "melder": [],
}
# Days a signal spends in each step (uniform between the bounds)
STEP_DAYS = {
    "stap1": (1, 14),
    "stap2": (3, 30),
    "stap3": (10, 60),
    "stap4": (30, 180),
    "monitoring": (90, 365),
}
# At most this many days old, an open signal in each step
OPEN_AGE = {"stap1": 21, "stap2": 60, "stap3": 150, "stap4": 400, "monitoring": 900}
TASK_STAGES = ["stap1", "stap2", "stap3", "stap4", "monitoring", "afgesloten"]

# The roads through the stappenplan: steps, and the share of the signals
# (of the open ones by step, of the ended ones by end state).
W = "w"
INTAKE = [
    (W, "w1", "ondermijning"),
    (W, "w2a", "gemeentelijke_taak"),
    (W, "w2b", "binnen_gemeente"),
    ("move", "stap2"),
]
W3 = (W, "w3", "voldoende_zwaar")
STAP2 = [*INTAKE, W3, (W, "beslis", "vervolganalyse"), ("move", "stap3")]
CASUS = [("sources", "hit"), (W, "w4", "casusoverleg"), ("move", "stap4")]
OPEN_ROADS = {  # step: [(road, share within the step, steps)]
    "stap1": [
        ("stap1", 1, []),
        ("stap1_w1", 1, INTAKE[:1]),
        ("stap1_w2a", 1, INTAKE[:2]),
    ],
    "stap2": [("stap2", 7, INTAKE), ("stap2_w3", 3, [*INTAKE, W3])],
    "stap3": [("stap3", 1, [*STAP2, ("sources", "open")])],
    "stap4": [("stap4", 1, [*STAP2, *CASUS, ("casus", "open")])],
    "monitoring": [("monitoring", 1, [*STAP2, *CASUS, ("casus", "monitoring")])],
}
OPEN_WEIGHTS = {"stap1": 40, "stap2": 25, "stap3": 15, "stap4": 12, "monitoring": 8}
ENDED_ROADS = {  # end state: [(road, share within the end state, steps)]
    "niet_in_behandeling": [
        ("nib_w1", 50, [(W, "w1", "geen_ondermijning")]),
        (
            "nib_beslis",
            35,
            [
                *INTAKE,
                (W, "w3", "onvoldoende_zwaar"),
                (W, "beslis", "niet_in_behandeling"),
            ],
        ),
        ("nib_no_hit", 15, [*STAP2, ("sources", "no_hit")]),
    ],
    "doorverwezen": [
        ("doorverwezen_w2a", 1, [INTAKE[0], (W, "w2a", "andere_instantie")]),
        ("doorverwezen_w2b", 1, [*INTAKE[:2], (W, "w2b", "buiten_gemeente")]),
    ],
    "afdeling": [
        ("afdeling_beslis", 6, [*INTAKE, W3, (W, "beslis", "afdeling")]),
        ("afdeling_w4", 4, [*STAP2, ("sources", "hit"), (W, "w4", "afdelingen")]),
    ],
    "riec": [
        ("riec_beslis", 6, [*INTAKE, W3, (W, "beslis", "riec")]),
        ("riec_w4", 4, [*STAP2, ("sources", "hit"), (W, "w4", "riec")]),
    ],
    "casus_afgesloten": [
        ("casus_afgesloten", 1, [*STAP2, *CASUS, ("casus", "afgesloten")])
    ],
}
END_WEIGHTS = {
    "niet_in_behandeling": 40,
    "doorverwezen": 21,
    "afdeling": 15,
    "riec": 10,
    "casus_afgesloten": 14,
}
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
        value = "{%s}" % ",".join(
            "NULL"
            if v is None
            else '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
            for v in value
        )
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


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
            if columns.get("res_id") == "integer":
                for model_column in ("res_model", "model"):
                    if columns.get(model_column) in ("character varying", "text"):
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
            name[: -len("_id_seq")]: value
            for name, value in cr.fetchall()
            if self.has_id(name[: -len("_id_seq")])
        }


class Unit:
    """Rows the ORM made for one template or decoration: {table: ids}, rows
    of id-less (relation) tables as {table: [values of their columns]}, the
    host records it hangs from ({table: id}), the texts each copy must get
    anew (references, MMA numbers) and what the copies need to place it."""

    def __init__(self, kind, name):
        self.kind, self.name = kind, name
        self.rows, self.rel, self.host, self.anchors = {}, {}, {}, {}
        self.tokens = []  # (text, "reference" | "mma", moment)
        self.index = None


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
        self.seed = seed
        self.k = gemeenten
        self.years = years
        self.today = today or dt.date.today()
        self.now = dt.datetime.combine(self.today, dt.time(6, 0))
        self.open_share = open_share
        self.project = project
        self.expired = expired
        self.variants = variants
        self.subject_pool = subjects
        self.names = names
        self.cover = cover  # copy each template and decoration at least once
        self.origin = {}  # with cover: {copy's signal id: its template's}
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
        politie = self._partner("Politie Oost-Nederland")
        om = self._partner("Openbaar Ministerie Oost-Nederland")
        self.politie = politie
        Users = env["res.users"].with_context(active_test=False, no_reset_password=True)
        rng = random.Random(f"{self.seed}:users")
        wanted = []
        for company, _w in self.companies:
            for role, count in ROLES:
                groups = ["base.group_user", *ROLE_GROUPS[role]]
                if self.project and role == "medewerker":
                    groups.append("project.group_project_user")
                for i in range(1, count + 1):
                    wanted.append(
                        {
                            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                            "login": f"bench_{slug(company.name)}_{role}{i}",
                            "company_id": company.id,
                            "company_ids": [(6, 0, company.ids)],
                            "groups_id": [(6, 0, [env.ref(g).id for g in groups])],
                            "tz": "Europe/Amsterdam",
                            "notification_type": "inbox",
                        }
                    )
        users = {
            u.login: u
            for u in Users.search([("login", "in", [v["login"] for v in wanted])])
        }
        missing = [v for v in wanted if v["login"] not in users]
        users.update({u.login: u for u in (Users.create(missing) if missing else [])})
        self.users = {}
        for company, _w in self.companies:
            for role, count in ROLES:
                self.users[company.id, role] = [
                    users[f"bench_{slug(company.name)}_{role}{i}"]
                    for i in range(1, count + 1)
                ]
            for index, user in enumerate(self.users[company.id, "overleg"]):
                if not user.partner_id.parent_id:
                    user.partner_id.parent_id = (politie, om)[index % 2]
        for model, labels in (
            ("ondermijning.wijk", WIJKEN.split()),
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

    def _partner(self, name):
        Partner = self.env["res.partner"]
        return Partner.search(
            [("name", "=", name), ("is_company", "=", True)], limit=1
        ) or Partner.create({"name": name, "is_company": True})

    def _setup_overleggen(self, env):
        """A monthly ondermijningsoverleg per gemeente over the whole window."""
        Overleg = env["ondermijning.overleg"]
        month = self.today.replace(day=1)
        months = []
        for _i in range(12 * (self.years + 2)):
            months.append(month)
            month = (month - DAY).replace(day=1)
        vals = []
        for company, _w in self.companies:
            have = {
                o.date.date().replace(day=1)
                for o in Overleg.search(
                    [
                        ("company_id", "=", company.id),
                        ("name", "=like", "Ondermijningsoverleg %"),
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
                    "name": f"Ondermijningsoverleg {month:%m-%Y}",
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
                {"name": name, "sequence": sequence, "fold": code == "afgesloten"}
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
        stamps create_date and write_date) and hand out a function that moves
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
        self.run_mark = self.cr.fetchone()[0]
        rng = random.Random(f"{self.seed}:templates")
        with self._clock() as move:
            for end_state, roads in [*OPEN_ROADS.items(), *END_WEIGHTS.items()]:
                for road, _share, steps in (
                    roads if end_state in OPEN_ROADS else ENDED_ROADS[end_state]
                ):
                    for _variant in range(self.variants):
                        self._template(
                            move,
                            random.Random(rng.random()),
                            road,
                            steps,
                            end_state in OPEN_ROADS and end_state,
                        )
            self._decorations(move, random.Random(rng.random()))
        # the retention engine seals what ended (the daily job)
        self.env["ondermijning.bewaartermijn"].sudo()._seal_ended_signals(self.today)
        self._read_templates()
        for index, unit in enumerate(self.units):
            unit.index = index
        return self.units

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
                count = rng.randint(1, 2)
                results = {
                    "hit": ["hit"] + ["no_hit"] * (count - 1),
                    "no_hit": ["no_hit"] * count,
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
                actions += [
                    ("casus", state) for state in self._casus_states(rng, step[1])
                ]
            else:
                actions.append(step)
        timed, start, stap, group = [], 0.0, "stap1", []
        for action in [*actions, ("end",)]:
            group.append(action)
            ends_step = action[0] in ("move", "end") or action == (
                "casus",
                "monitoring",
            )
            if not ends_step:
                continue
            span = durations[stap]
            for i, item in enumerate(group):
                if item == ("casus", "afgesloten"):
                    # closed when its monitoring ran out
                    timed.append((start + span + 0.5, item))
                elif item[0] != "end":
                    timed.append((start + span * (i + 1) / (len(group) + 1), item))
            if action[0] == "move":
                start += span
                stap = action[1]
                timed[-1] = (start, action)
            elif action == ("casus", "monitoring"):
                start += span
                timed[-1] = (start, action)
                stap = "monitoring"
            group = []
        return timed

    @staticmethod
    def _casus_states(rng, upto):
        states = ["w5", "plan", "uitvoering", "done", "monitoring", "afgesloten"]
        if upto == "open":
            return states[: rng.choice([0, 2, 3])]
        return states[: states.index(upto) + 1]

    def _template(self, move, rng, road, steps, open_step):
        """One signal walked along a road, with its twin task."""
        durations = {step: rng.uniform(*STEP_DAYS[step]) for step in STEP_DAYS}
        timeline = self._timeline(rng, steps, durations)
        last = timeline[-1][0] if timeline else 0.0
        # the end lies a few days before today; an open road is under way now
        end = self.now - dt.timedelta(
            days=rng.uniform(0.2, 1.5) if open_step else rng.uniform(2, 6)
        )
        received = (end - dt.timedelta(days=last)).replace(microsecond=0, second=0)
        herkomst = weighted(rng, HERKOMST_WEIGHTS)
        melder = herkomst == "meldpunt" and rng.random() < 0.7
        unit = Unit("template", road)
        unit.herkomst, unit.open_step = herkomst, open_step
        owner_index = rng.randrange(
            len(self.users[self.template_company.id, "medewerker"])
        )
        with self._capture(unit) as units:
            move(received)
            signal = self._report(rng, unit, herkomst, melder, owner_index, received)
            task = self._twin(signal, owner_index)
            for days, action in timeline:
                move(received + dt.timedelta(days=days))
                self._act(rng, signal, task, action, owner_index, durations)
            if open_step and task:
                task.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=signal.date_deadline,
                    user_id=signal.user_id.id,
                )
            unit.anchors = {
                signal._table: signal.id,
                **({task._table: task.id} if task else {}),
            }
        unit.signal_id, unit.received, unit.last = signal.id, received, end
        self.units += units

    def _report(self, rng, unit, herkomst, melder, owner_index, received):
        """The signal comes in: through a melding, the MMA platform or a
        medewerker."""
        company = self.template_company
        env = self._as("medewerker", owner_index)
        address = f"{rng.choice(STREETS)} {rng.randint(1, 250)}"
        description = f"{rng.choice(FACTS)}. Adres: {address}."
        categorie = rng.choice(
            env["ondermijning.categorie"].search([("company_id", "=", False)])
        )
        facts = (
            received - dt.timedelta(days=rng.uniform(0, 60))
            if rng.random() < 0.8
            else False
        )
        wijken = env["ondermijning.wijk"].search([("company_id", "=", company.id)])
        wijk = rng.choice(wijken).id if rng.random() < 0.85 else False
        if melder:
            melding = (
                self._as("melder", rng.randrange(6))["ondermijning.melding"]
                .with_context(self.env.context)
                .create(
                    {
                        "categorie_id": categorie.id,
                        "date_facts": facts,
                        "place": address,
                        "description": description,
                    }
                )
            )
            signal = melding.sudo().signaal_id.with_env(env)
            signal.write({"user_id": env.uid, "wijk_id": wijk})
        else:
            vals = {
                "company_id": company.id,
                "herkomst_id": env.ref(f"ondermijning_signalen.herkomst_{herkomst}").id,
                "channel": rng.choice(CHANNELS[herkomst]),
                "categorie_id": categorie.id,
                "description": description,
                "facts_location": address if rng.random() < 0.7 else False,
                "date_facts": facts,
                "wijk_id": wijk,
                "user_id": env.uid,
            }
            if herkomst in ("burger", "ketenpartner") and rng.random() < 0.4:
                vals["melder_contact"] = (
                    f"{rng.choice(FIRST)} {rng.choice(LAST)}, 06-{rng.randint(10**7, 10**8 - 1)}"
                )
            if herkomst == "mma":
                opened = received.date() - (DAY if rng.random() < 0.1 else 0 * DAY)
                # unique among the templates of every run
                mma = f"MMA{received.year}-T{self.run_mark + len(self.units):07d}"
                unit.tokens.append((mma, "mma", received))
                vals.update(
                    mma_number=mma,
                    mma_discipline=rng.choice(["mono", "mono", "multi"]),
                    mma_date_received=opened - rng.randint(0, 2) * DAY,
                    mma_date_opened=opened,
                    bt_tafel_date=received.date() + rng.randint(7, 21) * DAY
                    if rng.random() < 0.2
                    else False,
                )
            signal = (
                env["ondermijning.signaal"].with_context(self.env.context).create(vals)
            )
        unit.tokens.append((signal.name, "reference", received))
        return signal

    def _twin(self, signal, owner_index):
        """The signal's twin in Odoo's own project app (the baseline)."""
        if not self.project:
            return None
        env = self._as("medewerker", owner_index)
        return (
            env["project.task"]
            .with_context(self.env.context)
            .create(
                {
                    "name": f"Signaal {signal.name}",
                    "project_id": self.projects[self.template_company.id].id,
                    "stage_id": self.task_stage["stap1"].id,
                    "user_ids": [(6, 0, [env.uid])],
                    "date_deadline": dt.datetime.combine(
                        signal.date_deadline, dt.time(12, 0)
                    ),
                }
            )
        )

    def _act(self, rng, signal, task, action, owner_index, durations):  # noqa: C901
        """One action of a road, by the role that takes it."""
        kind = action[0]
        medewerker = self._as("medewerker", owner_index)
        if kind == W:
            _w, weging_type, code = action
            outcome = self.env.ref(
                f"ondermijning_signalen.uitkomst_{weging_type}_{code}"
            )
            role = "team" if weging_type in ("beslis", "w4") else "medewerker"
            env = medewerker if role == "medewerker" else self._as(role)
            vals = {
                "signaal_id": signal.id,
                "weging_type": weging_type,
                "uitkomst_id": outcome.id,
                "motivation": rng.choice(MOTIVATIONS),
            }
            if weging_type == "w1" and outcome.positive:
                Indicator = env["ondermijning.indicator"]
                vals["indicator_ids"] = [
                    (
                        6,
                        0,
                        [
                            rng.choice(
                                Indicator.search([("kind", "=", "verankering")])
                            ).id
                        ],
                    )
                ]
                vals["signalering_ids"] = [
                    (
                        6,
                        0,
                        [
                            rng.choice(
                                Indicator.search([("kind", "=", "signalering")])
                            ).id
                        ],
                    )
                ]
            if weging_type == "w2b":
                vals["register"] = rng.choice(["bag", "brp", "kvk", "kadaster"])
            if weging_type == "w3":
                vals.update(
                    is_concrete=outcome.positive,
                    is_recent=outcome.positive,
                    is_trend=rng.random() < 0.3,
                )
            if outcome.needs_referral:
                vals["referred_to"] = rng.choice(REFERRALS)
            if outcome.needs_afdeling:
                vals["afdeling_id"] = rng.choice(
                    env["ondermijning.afdeling"].search(
                        [("company_id", "=", signal.company_id.id)]
                    )
                ).id
            env["ondermijning.weging"].with_context(self.env.context).create(vals)
        elif kind == "move":
            signal.with_env(medewerker).write(
                {
                    "stage_id": self.env.ref(
                        f"ondermijning_signalen.stage_{action[1]}"
                    ).id
                }
            )
        elif kind == "approve":
            bronnen = self.env["ondermijning.bron"].search([])
            self._as("privacy")["ondermijning.bronraadpleging"].with_context(
                self.env.context
            ).create(
                [
                    {
                        "signaal_id": signal.id,
                        "bron_id": bron.id,
                        "legal_ground": rng.choice(LEGAL_GROUNDS),
                    }
                    for bron in rng.sample(list(bronnen), action[1])
                ]
            )
        elif kind == "result":
            consultation = signal.with_env(medewerker).raadpleging_ids[action[1]]
            if action[2] == "hit":
                consultation.summary = (
                    f"Bekend bij {consultation.bron_id.name}: {rng.choice(HITS)}"
                )
                consultation.action_record_hit()
            else:
                consultation.action_record_no_hit()
        elif kind == "casus":
            self._casus(rng, signal.with_env(medewerker), action[1], durations)
        if task:
            self._twin_follows(signal, task)

    def _casus(self, rng, signal, state, durations):
        casus = signal.casus_id
        if state == "w5":
            env = self._as("privacy")
            env["ondermijning.weging"].with_context(self.env.context).create(
                {
                    "casus_id": casus.id,
                    "weging_type": "w5",
                    "uitkomst_id": env.ref(
                        "ondermijning_signalen.uitkomst_w5_akkoord"
                    ).id,
                    "motivation": "Gegevensdeling getoetst aan het convenant.",
                    "pc2a_partner_ids": [(6, 0, self.politie.ids)],
                    "pc2a_data": "Bevindingen van de bronnen",
                    "pc2b_exchange": "Gegevens over het pand en de eigenaar",
                    "pc2b_permitted": True,
                }
            )
        elif state == "plan":
            instruments = self.env["ondermijning.instrument"].search([])
            casus.write(
                {
                    "plan_van_aanpak": "Plan van aanpak: bestuurlijke aanpak en controle.",
                    "interventie_ids": [
                        (
                            0,
                            0,
                            {
                                "instrument_id": rng.choice(instruments).id,
                                "user_id": signal.user_id.id,
                                "date_deadline": dt.date.today()
                                + rng.randint(14, 90) * DAY,
                            },
                        )
                        for _i in range(rng.randint(1, 2))
                    ],
                    "state": "plan",
                }
            )
        elif state == "uitvoering":
            casus.state = "uitvoering"
        elif state == "done":
            casus.interventie_ids.write({"state": "afgerond", "result": "Uitgevoerd."})
        elif state == "monitoring":
            until = dt.date.today() + dt.timedelta(days=durations["monitoring"])
            casus.write(
                {
                    "result": rng.choice(["bereikt", "deels", "niet"]),
                    "result_note": "Resultaat besproken in het casusoverleg.",
                    "monitoring_until": until,
                    "state": "monitoring",
                }
            )
        elif state == "afgesloten":
            casus.state = "afgesloten"

    def _twin_follows(self, signal, task):
        """The twin task takes the stage of its signal, and is done when it
        ended."""
        stage = self.task_stage[signal.stage_code]
        if task.stage_id != stage:
            vals = {"stage_id": stage.id}
            if signal.end_state:
                vals["state"] = "1_done"
            task.write(vals)

    def _decorations(self, move, rng):
        """What some signals get besides their road: subjects (a pool, so
        that signals about the same subject find each other), a note, a
        document, a place on the agenda of the month's overleg. Each kind
        is made on a host signal of its own (with its twin task); a copy
        takes the rows of the decoration, hung from the copy's signal."""
        received = self.now - dt.timedelta(days=40)
        env = self._as("medewerker")
        hosts = {}
        for kind in DECORATIONS:
            move(received)
            host = env["ondermijning.signaal"].create(
                {
                    "company_id": self.template_company.id,
                    "categorie_id": env["ondermijning.categorie"]
                    .search([], limit=1)
                    .id,
                    "description": "Drager van de decoraties van de generator.",
                }
            )
            hosts[kind] = (host, self._twin(host, 0))

        def decoration(kind, name, action, split=None):
            host, task = hosts[kind]
            move(received + dt.timedelta(days=rng.uniform(1, 10)))
            unit = Unit(kind, name)
            unit.host = {
                host._table: host.id,
                **({task._table: task.id} if task else {}),
            }
            unit.tokens.append((host.name, "host", received))
            unit.received = received
            with self._capture(unit, split) as units:
                action(host, task)
            self.units += units

        for i, text in enumerate(NOTES):

            def note(host, task, text=text):
                for record in filter(None, (host, task)):
                    record.with_env(env).message_post(
                        body=text, message_type="comment", subtype_xmlid="mail.mt_note"
                    )

            decoration("note", f"note {i}", note)
        for i in range(3):

            def document(host, task, i=i):
                text = f"Verslag van de waarneming.\n{rng.choice(FACTS)}.\n"
                for record in filter(None, (host, task)):
                    env["ir.attachment"].create(
                        {
                            "name": f"verslag-{i + 1}.txt",
                            "raw": (text * (5 + 10 * i)).encode(),
                            "res_model": record._name,
                            "res_id": record.id,
                        }
                    )

            decoration("document", f"document {i}", document)

        def agenda(host, task):
            overleg = self.env["ondermijning.overleg"].search(
                [
                    ("company_id", "=", self.template_company.id),
                    ("name", "=like", "Ondermijningsoverleg %"),
                    ("date", ">=", received.replace(day=1)),
                ],
                order="date",
                limit=1,
            )
            overleg.with_env(self._as("team")).signaal_ids = [(4, host.id)]

        decoration("agenda", "agenda", agenda)

        def subjects(host, task):
            env["ondermijning.subject"].create(
                [
                    dict(self._identity(rng), signaal_id=host.id)
                    for _i in range(self.subject_pool)
                ]
            )

        decoration("subject", "subject", subjects, split="ondermijning_subject")

    @staticmethod
    def _identity(rng):
        kind = rng.choices(["persoon", "bedrijf", "adres", "object"], [45, 25, 20, 10])[
            0
        ]
        address = f"{rng.choice(STREETS)} {rng.randint(1, 250)}"
        if kind == "persoon":
            return {
                "kind": kind,
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "birth_date": f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-"
                f"{rng.randint(1950, 2004)}",
            }
        if kind == "bedrijf":
            return {
                "kind": kind,
                "name": f"{rng.choice(LAST)} Holding B.V.",
                "kvk_number": str(rng.randint(10**7, 10**8 - 1)),
            }
        if kind == "adres":
            return {"kind": kind, "address": address}
        return {
            "kind": kind,
            "bag_id": f"0153{rng.randint(10**11, 10**12 - 1)}",
            "address": address,
        }

    # ------------------------------------------------------------------
    # What the ORM made: rows added meanwhile, linked to the template
    # ------------------------------------------------------------------
    @contextlib.contextmanager
    def _capture(self, unit, split=None):
        """Collect the rows the ORM adds in the block that hang together
        with the unit's anchors (rows made in the block) or its host
        (records that existed before). Yields the list that receives the
        unit, or with ``split`` one unit per new row of that table."""
        catalog, cr = self.catalog, self.cr
        host_rel = self._rel_rows(unit.host) if unit.host else {}
        before = catalog.sequences(cr)
        units = []
        yield units
        self._settle()
        created = {}
        for table, last in catalog.sequences(cr).items():
            if last > before.get(table, 0) and table not in NOT_COPIED:
                cr.execute(
                    f"SELECT id FROM {quote(table)} WHERE id > %s AND id <= %s",  # noqa: S608
                    [before.get(table, 0), last],
                )
                if ids := [row[0] for row in cr.fetchall()]:
                    created[table] = set(ids)
        edges, rel_rows = self._links(created, unit.host)
        hosts = set(unit.host.items())
        new_rel = (
            {
                table: [row for row in rows if row not in host_rel.get(table, ())]
                for table, rows in self._rel_rows(unit.host).items()
            }
            if unit.host
            else {}
        )

        def fill(part, starts):
            seen, todo = set(), list(starts)
            while todo:
                node = todo.pop()
                if node in seen:
                    continue
                seen.add(node)
                todo += [n for n in edges.get(node, ()) if n not in hosts]
            seen -= hosts
            for table, row_id in seen:
                part.rows.setdefault(table, []).append(row_id)
            for rows in part.rows.values():
                rows.sort()
            for table, columns, row in rel_rows:
                if any(node in seen for node in columns):
                    part.rel.setdefault(table, set()).add(row)
            if not split:
                for table, rows in new_rel.items():
                    part.rel.setdefault(table, set()).update(rows)
            part.rel = {table: sorted(rows) for table, rows in part.rel.items()}
            units.append(part)

        if split:
            for k, row_id in enumerate(sorted(created.get(split, ()))):
                part = Unit(unit.kind, f"{unit.name} {k + 1}")
                part.host, part.tokens = unit.host, unit.tokens
                part.received = getattr(unit, "received", None)
                fill(part, [(split, row_id)])
        else:
            fill(unit, list(unit.anchors.items()) + list(hosts))

    def _links(self, created, host):
        """Edges between the new rows (and the host records): foreign keys,
        (res_)model/res_id pairs, and rows of relation tables."""
        catalog, cr = self.catalog, self.cr
        known = {(t, i) for t, ids in created.items() for i in ids} | set(host.items())
        edges = defaultdict(set)

        def link(a, b):
            if b in known:
                edges[a].add(b)
                edges[b].add(a)

        for table, ids in created.items():
            fks = catalog.fks[table]
            poly = catalog.poly[table]
            columns = [c for c in fks if c != "id"] + list(poly) + list(poly.values())
            if not columns:
                continue
            names = ", ".join(quote(c) for c in ["id", *columns])
            cr.execute(
                f"SELECT {names} FROM {quote(table)} WHERE id = ANY(%s)",  # noqa: S608
                [sorted(ids)],
            )
            for values in cr.dictfetchall():
                node = (table, values["id"])
                for column, ref in fks.items():
                    if column != "id" and values[column]:
                        link(node, (ref, values[column]))
                for column, model_column in poly.items():
                    ref = catalog.table_of.get(values[model_column])
                    if ref and values[column]:
                        link(node, (ref, values[column]))
        rel_rows = []
        targets = set(created) | set(host)
        for table, fks in catalog.fks.items():
            if catalog.has_id(table) or table in NOT_COPIED:
                continue
            watched = [c for c, ref in fks.items() if ref in targets]
            if not watched:
                continue
            columns = list(catalog.columns[table])
            where = " OR ".join(f"{quote(c)} = ANY(%s)" for c in watched)
            cr.execute(
                f"SELECT {', '.join(quote(c) for c in columns)} "  # noqa: S608
                f"FROM {quote(table)} WHERE {where}",
                [
                    sorted(
                        created.get(fks[c], set())
                        | ({host[fks[c]]} if fks[c] in host else set())
                    )
                    for c in watched
                ],
            )
            for row in cr.fetchall():
                nodes = [
                    (fks[c], v)
                    for c, v in zip(columns, row, strict=True)
                    if c in fks and (fks[c], v) in known
                ]
                for a in nodes:
                    for b in nodes:
                        if a != b:
                            link(a, b)
                rel_rows.append((table, nodes, tuple(row)))
        return edges, rel_rows

    def _rel_rows(self, host):
        """{relation table: set of rows} that point at the host records."""
        catalog, cr = self.catalog, self.cr
        found = {}
        for table, fks in catalog.fks.items():
            if catalog.has_id(table) or table in NOT_COPIED:
                continue
            watched = [c for c, ref in fks.items() if ref in host]
            if not watched:
                continue
            columns = list(catalog.columns[table])
            where = " OR ".join(f"{quote(c)} = %s" for c in watched)
            cr.execute(
                f"SELECT {', '.join(quote(c) for c in columns)} "  # noqa: S608
                f"FROM {quote(table)} WHERE {where}",
                [host[fks[c]] for c in watched],
            )
            if rows := set(cr.fetchall()):
                found[table] = rows
        return found

    def _read_templates(self):
        """What the copies need to know of each template, as the ORM made
        it: when it came in and ended, until when it is kept, the casus
        reference."""
        Signal = self.env["ondermijning.signaal"].sudo()
        for unit in self.units:
            if unit.kind != "template":
                continue
            signal = Signal.browse(unit.signal_id)
            unit.date_end = signal.date_end
            unit.date_destroy = signal.date_destroy
            if signal.casus_id:
                unit.tokens.append(
                    (signal.casus_id.name, "reference", signal.casus_id.create_date)
                )

    # ------------------------------------------------------------------
    # 3. Copies in SQL
    # ------------------------------------------------------------------
    def count(self):
        self.cr.execute("SELECT count(*) FROM ondermijning_signaal")
        return self.cr.fetchone()[0]

    def top_up(self, total, drop_indexes=None):
        """Bring the database to ``total`` signals: templates, then copies."""
        existing = self.count()
        if existing >= total:
            self.log(f"{existing} signals already, nothing to add")
            return {"added": 0, "seconds": 0.0, "rows": 0, "counts": {}}
        start = time.perf_counter()
        # hash joins of the copies in memory
        self.cr.execute("SET LOCAL work_mem = '256MB'")
        self.build_templates()
        self.cr.execute("SELECT count(*) FROM ondermijning_signaal")
        first = self.count()
        made = time.perf_counter() - start
        self.log(
            f"  {first - existing} template and host signals ({len(self.units)} units) "
            f"made by the ORM in {made:.1f} s"
        )
        counts = defaultdict(int)
        if first < total:
            tick = self._ticker()
            self._prepare()
            tick("prepare")
            if drop_indexes is None:
                drop_indexes = total - first >= 50000 and total - first > first
            # foreign keys are checked in one pass afterwards, not row by row
            dropped = (
                self._drop_indexes(self.tables, drop_indexes)
                if drop_indexes or total - first >= 5000
                else []
            )
            done, self.first = 0, first
            for chunk in range(first // CHUNK, (total - 1) // CHUNK + 1):
                lo, hi = max(first, chunk * CHUNK), min(total, (chunk + 1) * CHUNK)
                for table, rows in self._chunk(chunk, lo, hi).items():
                    counts[table] += rows
                done += hi - lo
                elapsed = time.perf_counter() - start
                self.log(f"  {first + done} signals ({done / elapsed:.0f} copies/s)")
            self._advance_sequences()
            if dropped:
                t0 = time.perf_counter()
                self.cr.execute("SET LOCAL maintenance_work_mem = '512MB'")
                for name, definition in dropped:
                    t1 = time.perf_counter()
                    self.cr.execute(definition)
                    if DEBUG and time.perf_counter() - t1 > 0.3:
                        self.log(f"    {name}: {time.perf_counter() - t1:.1f} s")
                self.log(
                    f"  {len(dropped)} indexes and foreign keys restored in "
                    f"{time.perf_counter() - t0:.1f} s"
                )
            self.env["ondermijning.bewaartermijn"].sudo()._seal_ended_signals(
                self.today
            )
            self.cr.execute(f"ANALYZE {', '.join(quote(t) for t in self.tables)}")  # noqa: S608
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
        """Temporary tables with the units and the per-gemeente maps, and
        the INSERT ... SELECT of each table, from the catalog."""
        cr, catalog = self.cr, Catalog(self.env)
        self.catalog = catalog
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
        number = {table: k + 1 for k, table in enumerate(self.order)}
        rows, rels = [], []
        for unit in self.units:
            for table, ids in unit.rows.items():
                model = catalog.model_of.get(table)
                rows += [
                    (unit.index, table, model, number[table], i, k, False)
                    for k, i in enumerate(ids)
                ]
            for table, record_id in unit.host.items():
                rows.append(
                    (
                        unit.index,
                        table,
                        catalog.model_of[table],
                        number[table],
                        record_id,
                        None,
                        True,
                    )
                )
            rels += [
                (unit.index, t, [None if v is None else str(v) for v in row])
                for t, table_rows in unit.rel.items()
                for row in table_rows
            ]
            unit.anchor_rank = {
                table: unit.rows[table].index(record_id)
                for table, record_id in unit.anchors.items()
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
            5
            if re.search(r"drug|hennep", c.name, re.I)
            else 3
            if re.search(r"fraude|witwas|vergunde", c.name, re.I)
            else 1
            for c in categories
        ]
        self.counter, self.sequences, self.copied = {}, {}, {}

    def _load(self, table, rows):
        """COPY rows (of numbers, texts, timedeltas and lists of them) into
        a temporary table."""
        lines = ("\t".join(map(copy_text, row)) + "\n" for row in rows)
        self.cr.copy_expert(f"COPY {table} FROM STDIN", io.StringIO("".join(lines)))  # noqa: S608

    def _maps(self):
        """How each key into a record of the template gemeente becomes a key
        into the target gemeente: {table: (kind, period)}; the pairs go to
        gen_map (and gen_month for the overleggen)."""
        cr, catalog = self.cr, self.catalog
        template = self.template_company.id
        companies = [c.id for c, _w in self.companies]
        referenced = defaultdict(set)
        for table in self.tables:
            for column, ref in catalog.fks[table].items():
                if ref in self.tables:
                    continue
                if catalog.has_id(table):
                    cr.execute(
                        f"SELECT DISTINCT t.{quote(column)} FROM {quote(table)} t "  # noqa: S608
                        "JOIN gen_unit_row r ON r.tbl = %s AND r.id = t.id AND NOT r.host",
                        [table],
                    )
                    referenced[ref] |= {v for (v,) in cr.fetchall() if v}
                else:
                    index = list(catalog.columns[table]).index(column)
                    referenced[ref] |= {
                        row[index]
                        for u in self.units
                        for row in u.rel.get(table, ())
                        if row[index]
                    }
        # {table: {(company, rot): {old id: new id}}}, rot modulo the period
        pairs = defaultdict(dict)
        users = {}  # (rot, company, old user): new user
        for rot in range(6):
            for role, _count in ROLES:
                old = self.users[template, role]
                for cid in companies:
                    new = self.users[cid, role]
                    for i, user in enumerate(old):
                        users[rot, cid, user.id] = new[(i + rot) % len(new)]
        self.strategy = {}
        for ref, ids in referenced.items():
            columns = catalog.columns[ref]
            if ref == "res_company":
                self.strategy[ref] = ("company", 1)
            elif ref == "ondermijning_categorie":
                self.strategy[ref] = ("vary", 1)
            elif ref == "ondermijning_overleg":
                self.strategy[ref] = ("month", 1)
            elif ref in ("res_users", "res_partner"):
                self.strategy[ref] = ("map", 6)
                for (rot, cid, old), new in users.items():
                    if ref == "res_partner":
                        old = self.env["res.users"].browse(old).partner_id.id
                        new = new.partner_id
                    pairs[ref].setdefault((cid, rot), {})[old] = new.id
            elif "company_id" in columns:
                cr.execute(
                    f"SELECT company_id, array_agg(id ORDER BY id) FROM {quote(ref)} "  # noqa: S608
                    "WHERE company_id = ANY(%s) GROUP BY company_id",
                    [companies],
                )
                ranks = dict(cr.fetchall())
                old = ranks.get(template, [])
                if not set(ids) & set(old):
                    continue
                period = len(old) if ref in ROTATED else 1
                for cid in companies:
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
                self.strategy[ref] = ("map", period)
            elif "user_id" in columns:
                cr.execute(
                    f"SELECT user_id, array_agg(id ORDER BY id) FROM {quote(ref)} "  # noqa: S608
                    "WHERE user_id IS NOT NULL GROUP BY user_id"
                )
                owned = dict(cr.fetchall())
                if not set(ids) & {
                    i for u in self._template_users() for i in owned.get(u.id, ())
                }:
                    continue
                for (rot, cid, old), new in users.items():
                    pairs[ref].setdefault((cid, rot), {}).update(
                        zip(owned.get(old, []), owned.get(new.id, []), strict=False)
                    )
                self.strategy[ref] = ("map", 6)
        # each copy carries the new ids of its gemeente (and rotation) in one
        # array: for table R, the slice at offset[R] follows old[R]
        self.map_old, self.map_offset, self.map_pairs = {}, {}, pairs
        for ref, (kind, _period) in sorted(self.strategy.items()):
            if kind == "map":
                self.map_offset[ref] = sum(map(len, self.map_old.values()))
                self.map_old[ref] = sorted({o for m in pairs[ref].values() for o in m})
        self.map_arrays = {}
        cr.execute("""
            INSERT INTO gen_month
            SELECT company_id, date_trunc('month', date)::date, min(id)
              FROM ondermijning_overleg WHERE name LIKE 'Ondermijningsoverleg %%'
          GROUP BY 1, 2;
            ANALYZE gen_month""")

    def _map_array(self, company, rot):
        """The new ids of every mapped record for a copy in ``company`` with
        rotation ``rot``, as the expressions of _expressions read them."""
        key = (company, rot)
        if key not in self.map_arrays:
            values = []
            for ref, old in self.map_old.items():
                period = self.strategy[ref][1]
                mapping = self.map_pairs[ref].get((company, rot % period), {})
                values += [mapping.get(o, o) for o in old]
            self.map_arrays[key] = copy_text(values)
        return self.map_arrays[key]

    def _template_users(self):
        return [
            u for role, _c in ROLES for u in self.users[self.template_company.id, role]
        ]

    def _order(self):
        """The copied tables, parents before children (the foreign keys are
        checked as rows come in, unless dropped for a large load)."""
        catalog = self.catalog
        id_tables = [t for t in self.tables if catalog.has_id(t)]
        order, placed = [], set()
        while len(order) < len(id_tables):
            ready = [
                t
                for t in id_tables
                if t not in placed
                and all(
                    ref in placed or ref == t or ref not in id_tables
                    for ref in catalog.fks[t].values()
                )
            ]
            if not ready:
                raise RuntimeError(
                    f"foreign keys in a cycle among {set(id_tables) - placed}"
                )
            order += sorted(ready)
            placed |= set(ready)
        self.order = order + [t for t in self.tables if not catalog.has_id(t)]
        self.number = {table: k + 1 for k, table in enumerate(self.order)}

    def _statements(self):
        """The INSERT ... SELECT of each copied table (parents first), and
        which columns a copy changes (for the ORM to recompute what depends
        on them)."""
        catalog, cr = self.catalog, self.cr
        tokens = sorted({t for u in self.units for t, _k, _m in u.tokens})
        patterns = ["%" + re.sub(r"([%_\\])", r"\\\1", t) + "%" for t in tokens]
        self.width = 2 * max(len(u.tokens) for u in self.units)
        self.token_columns = {}
        for table in self.tables:
            texts = [
                c
                for c, ctype in catalog.columns[table].items()
                if ctype in ("text", "character varying")
                or ctype.startswith("character varying(")
            ]
            if not texts or not catalog.has_id(table):
                self.token_columns[table] = set()
                continue
            checks = ", ".join(f"bool_or(t.{quote(c)} LIKE ANY(%(p)s))" for c in texts)
            cr.execute(
                f"SELECT {checks} FROM {quote(table)} t "  # noqa: S608
                "JOIN gen_unit_row r ON r.tbl = %(t)s AND r.id = t.id AND NOT r.host",
                {"p": patterns, "t": table},
            )
            found = cr.fetchone()
            self.token_columns[table] = {
                c for c, hit in zip(texts, found, strict=True) if hit
            }
        self.sql, self.changed = {}, {}
        for table in self.order:
            columns = list(catalog.columns[table])
            if catalog.has_id(table):
                source = {c: f"t.{quote(c)}" for c in columns}
                base = (
                    f"JOIN gen_unit_row r ON r.unit = cu.unit AND r.tbl = '{table}' "
                    f"AND NOT r.host JOIN {quote(table)} t ON t.id = r.id"
                )
            else:
                source = {
                    c: f"(u.vals[{k + 1}])::{catalog.columns[table][c]}"
                    for k, c in enumerate(columns)
                }
                base = f"JOIN gen_unit_rel u ON u.unit = cu.unit AND u.tbl = '{table}'"
            exprs, joins, changed = self._expressions(table, source)
            self.sql[table] = (
                f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
                f"SELECT {', '.join(exprs[c] for c in columns)} "
                "FROM gen_cu cu "
                f"{base} {' '.join(joins)}"
                + ("" if catalog.has_id(table) else " ON CONFLICT DO NOTHING")
            )
            self.changed[table] = changed
        self.recomputed = self._to_recompute()

    @staticmethod
    def _new_id(alias, value, number):
        """The id in the copy of the row ``alias`` (of gen_unit_row) that
        ``value`` points at: a row of the unit gets the unit's base id in
        that table plus its rank, the host the copy's own record; a row
        outside the copy keeps its id."""
        return (
            f"COALESCE(CASE WHEN {alias}.host THEN cu.anchors[{number}] "
            f"ELSE cu.bases[{number}] + {alias}.rank END, {value})"
        )

    def _expressions(self, table, source):
        """The value of each column in a copy: ``source`` remapped, shifted
        or renumbered. Returns ({column: expression}, joins, changed)."""
        catalog = self.catalog
        exprs, joins, changed = {}, [], set()
        template = self.template_company.id
        for k, (column, ctype) in enumerate(catalog.columns[table].items()):
            value = source[column]
            ref = catalog.fks[table].get(column)
            alias = f"j{k}"
            if column == "id" and catalog.has_id(table):
                expr = f"cu.bases[{self.number[table]}] + r.rank"
            elif ref in self.tables:
                joins.append(
                    f"LEFT JOIN gen_unit_row {alias} ON {alias}.unit = cu.unit "
                    f"AND {alias}.tbl = '{ref}' AND {alias}.id = {value}"
                )
                expr = self._new_id(alias, value, self.number[ref])
            elif ref in self.strategy:
                kind, period = self.strategy[ref]
                if kind == "company":
                    expr = f"CASE WHEN {value} = {template} THEN cu.company ELSE {value} END"
                elif kind == "vary":
                    expr = f"COALESCE(cu.categorie, {value})"
                elif kind == "month":
                    joins.append(
                        f"LEFT JOIN ondermijning_overleg {alias}o ON {alias}o.id = {value} "
                        f"LEFT JOIN gen_month {alias} ON {alias}.company = cu.company AND "
                        f"{alias}.month = date_trunc('month', {alias}o.date + cu.shift)::date"
                    )
                    expr = f"COALESCE({alias}.overleg, {value})"
                else:
                    offset = self.map_offset[ref]
                    cases = " ".join(
                        f"WHEN {o} THEN cu.maps[{offset + k + 1}]"
                        for k, o in enumerate(self.map_old[ref])
                    )
                    expr = f"CASE {value} {cases} ELSE {value} END"
            elif column in catalog.poly[table]:
                model_column = source[catalog.poly[table][column]]
                joins.append(
                    f"LEFT JOIN gen_unit_row {alias} ON {alias}.unit = cu.unit "
                    f"AND {alias}.model = {model_column} AND {alias}.id = {value}"
                )
                expr = self._new_id(alias, value, f"{alias}.tblno")
            elif ctype.startswith("timestamp"):
                expr = f"{value} + cu.shift"
            elif ctype == "date":
                expr = f"{value} + cu.days"
            elif column in self.token_columns.get(table, ()):
                expr = value
                for i in range(1, self.width, 2):
                    expr = f"replace({expr}, cu.tokens[{i}], cu.tokens[{i + 1}])"
            else:
                expr = value
            exprs[column] = expr
            if expr != value and column != "id":
                changed.add(column)
        return exprs, joins, changed

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
            core = d["unit"]
            shift = dt.timedelta(weeks=d["weeks"])
            new = {}
            for text, kind, moment in core.tokens:
                when = moment + shift
                new[text] = (
                    self._reference(d["company"], when, text, moment)
                    if kind == "reference"
                    else f"MMA{when.year}-{d['index'] + 1:07d}"
                )
            signal_ref = next(new[t] for t, k, _m in core.tokens if k == "reference")
            anchors = {}
            for unit, moved, tokens in [
                (core, shift, new),
                *(
                    (
                        u,
                        d["received"] - u.received,
                        dict.fromkeys((t for t, _k, _m in u.tokens), signal_ref),
                    )
                    for u in d["decorations"]
                ),
            ]:
                bases = {}
                for table, ids in unit.rows.items():
                    bases[table] = used[table]
                    used[table] += len(ids)
                if unit is core:
                    anchors = {t: bases[t] + r for t, r in unit.anchor_rank.items()}
                links.append([d, copy_no, unit, moved, tokens, bases, anchors])
        tick("draws")
        # reserve the ids of the chunk in each table's sequence
        first = {}
        for table, count in used.items():
            cr.execute(
                "SELECT setval(%(s)s, nextval(%(s)s) + %(n)s - 1)",
                {"s": f"{table}_id_seq", "n": count},
            )
            first[table] = cr.fetchone()[0] - count + 1
        width = len(self.order)
        lines = []
        for d, copy_no, unit, moved, new, bases, anchors in links:
            numbers, heads = ["NULL"] * width, ["NULL"] * width
            for table, base in bases.items():
                numbers[self.number[table] - 1] = str(first[table] + base)
            for table, offset in anchors.items():
                heads[self.number[table] - 1] = str(first[table] + offset)
            tokens = [v for text, _k, _m in unit.tokens for v in (text, new[text])]
            tokens += [""] * (self.width - len(tokens))
            days = (self.now + moved).date() - self.now.date()
            lines.append(
                f"{copy_no}\t{unit.index}\t{d['company']}\t{d['categorie']}\t"
                f"{moved.total_seconds()} seconds\t{days.days}\t"
                f"{copy_text(tokens)}\t{{{','.join(numbers)}}}\t"
                f"{{{','.join(heads)}}}\t{self._map_array(d['company'], d['rot'])}\n"
            )
        if self.cover:
            for d, _copy_no, unit, _m, _n, bases, anchors in links:
                if unit is d["unit"]:
                    self.origin[
                        first["ondermijning_signaal"] + anchors["ondermijning_signaal"]
                    ] = unit.signal_id
        cr.execute("TRUNCATE gen_cu")
        cr.copy_expert("COPY gen_cu FROM STDIN", io.StringIO("".join(lines)))
        cr.execute("ANALYZE gen_cu")
        tick("load")
        counts = {}
        for table in self.order:
            cr.execute(self.sql[table])
            counts[table] = cr.rowcount
            tick(f"  {table} ({cr.rowcount})")
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
                if now - last[0] > 0.2 or not label.startswith(" "):
                    self.log(f"    {label}: {now - last[0]:.2f} s")
                last[0] = now

        return tick

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
            if not model or not self.changed.get(table):
                continue
            result[table] = [
                field.name
                for field in env[model]._fields.values()
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
        return {table: names for table, names in result.items() if names}

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
        if rng.random() < self.open_share:
            step = weighted(rng, OPEN_WEIGHTS)
            road = weighted(rng, {r: share for r, share, _s in OPEN_ROADS[step]})
        else:
            state = weighted(rng, END_WEIGHTS)
            road = weighted(rng, {r: share for r, share, _s in ENDED_ROADS[state]})
        unit = rng.choice(self.by_road[road])
        covered = index - self.first
        if self.cover and 0 <= covered < len(self.templates):
            unit = self.templates[covered]  # each template at least once
        weeks = self._weeks(rng, unit)
        company = rng.choices(self.company_ids, self.company_weights)[0]
        decorations = []
        if rng.random() < DECORATIONS["subject"]:
            decorations += rng.sample(
                self.by_kind["subject"], 1 if rng.random() < 0.8 else 2
            )
        for kind in ("note", "document", "agenda"):
            if rng.random() < DECORATIONS[kind]:
                decorations.append(rng.choice(self.by_kind[kind]))
            elif self.cover and 0 <= covered < len(self.by_kind[kind]):
                decorations.append(self.by_kind[kind][covered])
        return {
            "index": index,
            "unit": unit,
            "weeks": weeks,
            "received": unit.received + dt.timedelta(weeks=weeks),
            "company": company,
            "rot": rng.randrange(120),
            "categorie": rng.choices(self.categories, self.category_weights)[0],
            "decorations": decorations,
        }

    def _weeks(self, rng, unit):
        """How many weeks (back) a copy of ``unit`` is moved: an open signal
        stays open and young enough for its step, an ended one ended before
        today and is still kept (or, for ``--expired``, is past its date)."""
        earliest = self.now - dt.timedelta(days=365 * self.years)
        if unit.open_step:
            earliest = self.now - dt.timedelta(days=OPEN_AGE[unit.open_step])
            return rng.randint(min(0, -((unit.received - earliest) // WEEK)), 0)
        today = dt.datetime.combine(self.today, dt.time())
        latest = -((unit.date_end - today) // WEEK) - 1
        lowest = -((unit.received - earliest) // WEEK)
        if unit.date_destroy:
            destroy = dt.datetime.combine(unit.date_destroy, dt.time())
            if self.expired and rng.random() < self.expired:
                top = (today - destroy - 4 * DAY) // WEEK
                return top - rng.randint(0, 25)
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
        if key not in self.counter:
            day = f"{year}-06-30"
            sequence = self._sequence(company_id).with_context(
                ir_sequence_date=day, ir_sequence_date_range=f"{year}-01-01"
            )
            self.counter[key] = (*sequence._get_prefix_suffix(), sequence.padding)
        return self.counter[key]

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
                self.env["ondermijning.signaal"].sudo()._next_reference(
                    self.env["res.company"].browse(company_id)
                )
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
        """Each gemeente's year continues after the last number used."""
        for key, number in sorted(self.counter.items(), key=str):
            if key[0] == "format":
                continue
            company_id, year = key
            date_range = self._date_range(company_id, dt.datetime(year, 6, 30))
            if date_range.number_next_actual < number:
                date_range.number_next_actual = number

    def _drop_indexes(self, tables, indexes=True):
        """Foreign keys and (``indexes``) secondary indexes (not those of
        other constraints) of the copied tables: dropped for a large load
        and restored from their definitions afterwards, in the same
        transaction (a foreign key is then checked in one pass instead of
        row by row)."""
        cr = self.cr
        cr.execute(
            """
            SELECT c.conname, c.conrelid::regclass::text, pg_get_constraintdef(c.oid)
              FROM pg_constraint c
             WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)""",
            [tables],
        )
        dropped = []
        for name, table, definition in cr.fetchall():
            cr.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            dropped.append(
                (
                    name,
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}",
                )
            )
        cr.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
             WHERE i.tablename = ANY(%s) AND i.schemaname = 'public'
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
            [tables],
        )
        indexes = cr.fetchall() if indexes else []
        for name, _definition in indexes:
            cr.execute(f"DROP INDEX {quote(name)}")
        # indexes first, then the foreign keys (whose check uses them)
        return indexes + dropped


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "-n",
        "--signals",
        type=int,
        required=True,
        help="number of signals the database should hold (topped up)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--gemeenten", type=int, default=14)
    parser.add_argument(
        "--years", type=int, default=5, help="depth of the data (years)"
    )
    parser.add_argument(
        "--open", type=float, default=0.07, help="share of open signals"
    )
    parser.add_argument(
        "--expired",
        type=float,
        default=0.0,
        help="share of ended signals whose retention has already expired",
    )
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        help="the day the data is generated for (default today)",
    )
    parser.add_argument(
        "--variants", type=int, default=3, help="templates per road of the stappenplan"
    )
    parser.add_argument(
        "--subjects", type=int, default=2000, help="size of the pool of subjects"
    )
    parser.add_argument(
        "--project",
        action="store_true",
        help="also a project.task per signal (baseline; needs 'project')",
    )
    parser.add_argument(
        "--indexes",
        choices=["auto", "keep", "rebuild"],
        default="auto",
        help="drop foreign keys and indexes of the copied tables during the load "
        "and restore them after: 'auto' when adding 5*10^4 or more signals and "
        "more than the table holds",
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
            f"setup (ORM: gemeenten, users, overleggen): {time.perf_counter() - t0:.1f} s"
        )
        result = generator.top_up(
            args.signals,
            drop_indexes={"auto": None, "keep": False, "rebuild": True}[args.indexes],
        )
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
