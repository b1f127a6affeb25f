#!/usr/bin/env python3
"""Synthetic, reproducible data for the scale benchmarks (issue 7).

    python3 tools/generate_data.py -c ODOO.conf -d bench_db -n 1000000 \\
        [--seed 7] [--gemeenten 14] [--years 5] [--open 0.07] [--project]

Loads ``-n`` signals in total (an existing database is topped up) spread
over ``--gemeenten`` gemeenten (Twente first), with the categories, sources,
stages and end states of real use: about 7 % open, the rest ended as the
stappenplan ends signals, each ended signal still within its retention
period (a real installation purges daily), so that the stock of
"niet in behandeling" is a year deep and closed casussen five years.

Configuration (gemeenten, users per role, wijken, afdelingen, overleggen,
sequences, and for ``--project`` one project per gemeente) goes through the
ORM. The bulk tables are written with COPY, producing what the ORM gives:

* ``ondermijning.signaal`` with company, per-gemeente per-year references
  (``2025-00042``) from the gemeente's ``ir.sequence`` (whose date ranges are
  advanced afterwards), stage and stage code, step dates, MMA fields,
  retention rule, destruction date and seal, create/write uid and dates;
  sensitive fields encrypted with the configured key (``ond1:<key id>:...``,
  a pool of a few thousand distinct ciphertexts reused for speed);
* the wegingen each path through the stappenplan needs (with their
  indicator links), source consultations, casussen, subjects with their
  blind-index match key, overleg agendas, the melder's receipts;
* the chatter: creation message, stage/end-state tracking message with its
  tracking values, some notes, followers with their subtypes, the weging
  reminder activity of open signals, a few encrypted documents in the
  filestore, one audit-log line per created signal.

With ``--project`` every signal gets a twin ``project.task`` (same
gemeente, stage, owner, dates, chatter and documents) in a project per
gemeente: the baseline of the benchmarks.

The data of signal number i depends only on the seed and i (chunks of
10,000 seeded on their own), so a top-up from 10^4 to 10^5 yields the same
rows as a direct load of 10^5, apart from ids and reference numbers.
For large loads the secondary indexes of the bulk tables are dropped and
rebuilt afterwards, in the same transaction. Then ANALYZE.
"""

# A command-line tool run by hand: it reports on stdout, commits its own
# batches, and builds SQL from table and column names it chose itself.
# pylint: disable=print-used,invalid-commit,sql-injection

import argparse
import csv
import datetime as dt
import hashlib
import io
import os
import random
import re
import sys
import time
from types import SimpleNamespace

CHUNK = 10000
DAY = dt.timedelta(days=1)

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
WIJKEN = [
    "Centrum",
    "Noord",
    "Oost",
    "Zuid",
    "West",
    "Stadsveld",
    "Buitengebied",
    "Bedrijventerrein",
]
AFDELINGEN = [
    "Vergunningen",
    "Toezicht en handhaving",
    "Burgerzaken",
    "Belastingen",
    "Werk en inkomen",
]
FIRST = [
    "Anne",
    "Bram",
    "Daan",
    "Emma",
    "Fleur",
    "Gijs",
    "Hanneke",
    "Iris",
    "Jeroen",
    "Kim",
    "Lotte",
    "Mark",
    "Noor",
    "Pieter",
    "Roos",
    "Sanne",
    "Thijs",
    "Wouter",
    "Yvonne",
    "Zeynep",
    "Mohamed",
    "Fatima",
    "Jan",
    "Marieke",
    "Bas",
    "Ilse",
    "Ruben",
    "Esther",
    "Koen",
    "Lisa",
]
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
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "Nijhuis",
    "Oude Kotte",
    "Brinkhuis",
    "Ten Brinke",
    "Haverkamp",
    "Lammerink",
    "Kuipers",
    "Yilmaz",
    "El Amrani",
    "Wessels",
]
STREETS = [
    "Dorpsstraat",
    "Kerkstraat",
    "Molenweg",
    "Stationsstraat",
    "Hengelosestraat",
    "Oldenzaalsestraat",
    "Haaksbergerstraat",
    "Deurningerstraat",
    "Boddenkampstraat",
    "Marktstraat",
    "Nieuwstraat",
    "Industrieweg",
    "Havenstraat",
    "Veldkampweg",
    "Brinkstraat",
    "Wilhelminastraat",
    "Julianastraat",
    "Parallelweg",
    "Esweg",
    "Bornsestraat",
]
FACTS = [
    "Sterke hennepgeur en dichtgeplakte ramen op zolder",
    "Veel wisselende bezoekers 's avonds, korte bezoeken",
    "Bedrijfspand zonder zichtbare activiteit, wel hoog stroomverbruik",
    "Contante betalingen van grote bedragen bij aankoop van vastgoed",
    "Kapsalon met weinig klanten maar hoge omzet",
    "Vermoeden van illegale bewoning door arbeidsmigranten",
    "Opslag van chemicaliën en jerrycans in een loods in het buitengebied",
    "Dure auto's op naam van een bedrijf zonder personeel",
    "Shishalounge die na sluitingstijd open is, met bewaking bij de deur",
    "Huurder betaalt huur vooruit in contanten voor een jaar",
    "Melding van een mogelijk drugslab in een schuur",
    "Autobedrijf met wisselende eigenaren en veel kentekenwijzigingen",
]
MOTIVATIONS = [
    "Er is sprake van lokale verankering en signalen van vermenging "
    "onder- en bovenwereld.",
    "De gemeente heeft een taak via de Alcoholwet en de APV.",
    "Het object ligt binnen de gemeente volgens de BAG.",
    "Het signaal is concreet en recent; past in het beeld van de wijk.",
    "Onvoldoende concreet om verder te onderzoeken.",
    "Vervolganalyse nodig: meerdere registraties raadplegen.",
    "Geen aanwijzingen voor ondermijning; geen verdere actie.",
    "Doorverwezen naar de politie: strafrechtelijk van aard.",
    "Regie bij Toezicht en handhaving: bestuurlijke aanpak mogelijk.",
    "Ingebracht bij het RIEC vanwege de regionale verbanden.",
    "Hits bij vergunningen en belastingen: casusoverleg.",
]
NOTES = [
    "Contact gehad met de wijkagent.",
    "Besproken in het teamoverleg.",
    "Aanvullende informatie opgevraagd bij de melder.",
    "Termijn verlengd in overleg.",
    "Dossier bijgewerkt.",
]
REFERRALS = [
    "Politie Oost-Nederland",
    "Belastingdienst",
    "Openbaar Ministerie",
    "Gemeente Almelo",
    "Gemeente Hengelo",
    "Veilig Thuis",
    "NVWA",
]
REPORTERS = ["een buurtbewoner", "een collega", "de wijkagent", "een ondernemer"]
HITS = ["vergunning verleend", "eerdere handhaving", "WOZ-bezwaar", "uitkering"]
INSTRUMENTS = ["Bibob-toets", "Damocles", "last onder dwangsom", "sluiting"]
COMPANY_WORDS = ["Holding", "Handel", "Beheer", "Autos", "Vastgoed"]
LEGAL_GROUNDS = [
    "Art. 6 lid 1 sub e AVG",
    "Art. 6 lid 1 sub c AVG, art. 125 Gemeentewet",
]
WEGING_LABELS = {
    "w1": "Weging 1: ondermijning?",
    "w2a": "Weging 2A: taak van de gemeente?",
    "w2b": "Weging 2B: binnen de gemeente?",
    "w3": "Weging 3: zwaarte",
    "beslis": "Beslismoment",
    "w4": "Weging 4: uitkomst van de hits",
}
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
# The stock of ended signals by end state (shares of the ended ones)
END_WEIGHTS = {
    "niet_in_behandeling": 40,
    "doorverwezen": 21,
    "afdeling": 15,
    "riec": 10,
    "casus_afgesloten": 14,
}
OPEN_WEIGHTS = {"stap1": 40, "stap2": 25, "stap3": 15, "stap4": 12, "monitoring": 8}
# Age of open signals (days since received) per stage
OPEN_AGE = {
    "stap1": (0, 21),
    "stap2": (5, 60),
    "stap3": (20, 150),
    "stap4": (60, 400),
    "monitoring": (200, 900),
}
TASK_STAGES = [
    ("Intake", "stap1"),
    ("Weging 3", "stap2"),
    ("Bronnen", "stap3"),
    ("Casus", "stap4"),
    ("Monitoring", "monitoring"),
    ("Afgesloten", "afgesloten"),
]


def slug(name):
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - DAY).day
    return day.replace(year=year, month=month, day=min(day.day, last))


def lite(record, *names):
    """A plain copy of some fields of a record (attribute access without the ORM)."""
    return SimpleNamespace(**{name: record[name] for name in names})


def weighted(rng, table):
    keys, weights = zip(*table.items(), strict=True)
    return rng.choices(keys, weights)[0]


class Bulk:
    """COPY buffers per table, with ids from the tables' own sequences."""

    def __init__(self, cr):
        self.cr = cr
        self.buffers = {}
        self.columns = {}
        self.counts = {}
        self.next_id = {}

    def new_id(self, table):
        if table not in self.next_id:
            self.cr.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            top = self.cr.fetchone()[0]
            self.cr.execute(f"SELECT last_value, is_called FROM {table}_id_seq")  # noqa: S608
            last, called = self.cr.fetchone()
            self.next_id[table] = max(top, last if called else last - 1) + 1
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def add(self, table, columns, row):
        if table not in self.buffers:
            self.buffers[table] = []
            self.columns[table] = columns
        self.buffers[table].append(row)

    # parents before children (foreign keys)
    ORDER = [
        "ondermijning_casus",
        "ondermijning_signaal",
        "project_task",
        "mail_message",
        "mail_followers",
    ]

    def flush(self):
        tables = sorted(
            self.buffers, key=lambda t: self.ORDER.index(t) if t in self.ORDER else 99
        )
        for table in tables:
            rows = self.buffers[table]
            if not rows:
                continue
            out = io.StringIO()
            # CSV: None and '' are both written empty, which COPY reads as NULL
            csv.writer(out, delimiter="\t", lineterminator="\n").writerows(rows)
            out.seek(0)
            self.cr.copy_expert(
                f"COPY {table} ({', '.join(self.columns[table])}) FROM STDIN "  # noqa: S608
                "WITH (FORMAT csv, DELIMITER E'\\t')",
                out,
            )
            self.counts[table] = self.counts.get(table, 0) + len(rows)
            rows.clear()

    def finish(self):
        self.flush()
        for table, value in self.next_id.items():
            self.cr.execute("SELECT setval(%s, %s)", [f"{table}_id_seq", value - 1])


SIGNAL_COLUMNS = (
    "id",
    "company_id",
    "herkomst_id",
    "melder_user_id",
    "categorie_id",
    "wijk_id",
    "user_id",
    "stage_id",
    "casus_id",
    "afdeling_id",
    "create_uid",
    "write_uid",
    "bewaartermijn_id",
    "name",
    "channel",
    "facts_location",
    "stage_code",
    "mma_number",
    "mma_discipline",
    "mma_follow_up",
    "end_state",
    "referred_to",
    "date_deadline",
    "mma_date_received",
    "mma_date_opened",
    "bt_tafel_date",
    "date_destroy",
    "melder_contact",
    "description",
    "end_reason",
    "active",
    "mma_registered_late",
    "is_sealed",
    "legal_hold",
    "date_received",
    "date_facts",
    "date_stap2",
    "date_stap3",
    "date_stap4",
    "date_monitoring",
    "date_end",
    "create_date",
    "write_date",
)
WEGING_COLUMNS = (
    "id",
    "signaal_id",
    "company_id",
    "uitkomst_id",
    "user_id",
    "afdeling_id",
    "create_uid",
    "write_uid",
    "weging_type",
    "register",
    "referred_to",
    "motivation",
    "positive",
    "is_concrete",
    "is_recent",
    "is_trend",
    "date",
    "create_date",
    "write_date",
)
RAADPLEGING_COLUMNS = (
    "id",
    "signaal_id",
    "company_id",
    "bron_id",
    "approved_by_id",
    "consulted_by_id",
    "create_uid",
    "write_uid",
    "legal_ground",
    "state",
    "summary",
    "is_hit",
    "date_approved",
    "date_consulted",
    "create_date",
    "write_date",
)
CASUS_COLUMNS = (
    "id",
    "company_id",
    "user_id",
    "create_uid",
    "write_uid",
    "name",
    "state",
    "result",
    "monitoring_until",
    "plan_van_aanpak",
    "result_note",
    "active",
    "date_closed",
    "create_date",
    "write_date",
)
SUBJECT_COLUMNS = (
    "id",
    "signaal_id",
    "company_id",
    "create_uid",
    "write_uid",
    "kind",
    "name",
    "birth_date",
    "kvk_number",
    "address",
    "bag_id",
    "match_key",
    "create_date",
    "write_date",
)
MELDING_COLUMNS = (
    "id",
    "user_id",
    "company_id",
    "categorie_id",
    "signaal_id",
    "create_uid",
    "write_uid",
    "name",
    "date",
    "date_facts",
    "create_date",
    "write_date",
)
MESSAGE_COLUMNS = (
    "id",
    "res_id",
    "record_company_id",
    "subtype_id",
    "author_id",
    "create_uid",
    "write_uid",
    "model",
    "message_type",
    "message_id",
    "body",
    "is_internal",
    "date",
    "create_date",
    "write_date",
)
TRACKING_COLUMNS = (
    "id",
    "field_id",
    "old_value_integer",
    "new_value_integer",
    "mail_message_id",
    "create_uid",
    "write_uid",
    "old_value_char",
    "new_value_char",
    "create_date",
    "write_date",
)
ACTIVITY_COLUMNS = (
    "id",
    "res_model_id",
    "res_id",
    "activity_type_id",
    "user_id",
    "create_uid",
    "write_uid",
    "res_model",
    "res_name",
    "summary",
    "date_deadline",
    "automated",
    "active",
    "create_date",
    "write_date",
)
ATTACHMENT_COLUMNS = (
    "id",
    "res_id",
    "company_id",
    "file_size",
    "create_uid",
    "write_uid",
    "name",
    "res_model",
    "type",
    "store_fname",
    "checksum",
    "mimetype",
    "public",
    "create_date",
    "write_date",
)
AUDIT_COLUMNS = (
    "id",
    "user_id",
    "res_id",
    "company_id",
    "action",
    "res_model",
    "reference",
    "field_names",
    "date",
)
TASK_COLUMNS = (
    "id",
    "sequence",
    "stage_id",
    "project_id",
    "company_id",
    "create_uid",
    "write_uid",
    "name",
    "priority",
    "state",
    "active",
    "display_in_project",
    "recurring_task",
    "date_deadline",
    "date_assign",
    "date_end",
    "date_last_stage_update",
    "create_date",
    "write_date",
)
SIGNAL_CREATE_FIELDS = (
    "categorie_id,channel,company_id,date_deadline,date_facts,date_received,"
    "description,facts_location,herkomst_id,mma_number,name,user_id"
)


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
        log=print,
    ):
        self.env = env(
            context=dict(
                env.context,
                tracking_disable=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
                ondermijning_no_audit=True,
                lang="en_US",
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
        self.log = log
        self.description = {"ondermijning.signaal": "Signaal", "project.task": "Task"}

    # ------------------------------------------------------------------
    # Configuration through the ORM
    # ------------------------------------------------------------------
    def setup(self):
        env = self.env
        ref = env.ref
        names = [name for name, _w in GEMEENTEN][: self.k]
        while len(names) < self.k:
            names.append(f"Gemeente {len(names) + 1}")
        weights = dict(GEMEENTEN)
        Company = env["res.company"]
        self.companies = []
        for name in names:
            full = f"Gemeente {name}" if not name.startswith("Gemeente ") else name
            company = Company.search([("name", "=", full)], limit=1) or Company.create(
                {"name": full}
            )
            self.companies.append((company, weights.get(name, 20)))
        self.company_weights = [w for _c, w in self.companies]
        politie = self._partner("Politie Oost-Nederland")
        om = self._partner("Openbaar Ministerie Oost-Nederland")
        group = {
            "medewerker": [
                "ondermijning_signalen.group_medewerker",
                "base.group_allow_export",
            ],
            "team": ["ondermijning_signalen.group_team"],
            "privacy": ["ondermijning_signalen.group_privacy"],
            "overleg": ["ondermijning_signalen.group_overleg"],
            "melder": [],
        }
        if self.project:
            group["medewerker"].append("project.group_project_user")
        roles = [
            ("medewerker", 3),
            ("team", 1),
            ("privacy", 1),
            ("overleg", 2),
            ("melder", 6),
        ]
        Users = env["res.users"].with_context(active_test=False, no_reset_password=True)
        rng = random.Random(f"{self.seed}:users")
        self.users = {}
        to_create = []
        for company, _w in self.companies:
            for role, count in roles:
                for i in range(1, count + 1):
                    login = f"bench_{slug(company.name)}_{role}{i}"
                    first, last = rng.choice(FIRST), rng.choice(LAST)
                    groups = [ref("base.group_user").id] + [
                        ref(x).id for x in group[role]
                    ]
                    to_create.append(
                        {
                            "name": f"{first} {last}",
                            "login": login,
                            "company_id": company.id,
                            "company_ids": [(6, 0, company.ids)],
                            "groups_id": [(6, 0, groups)],
                            "tz": "Europe/Amsterdam",
                        }
                    )
        existing = {
            u.login: u
            for u in Users.search([("login", "in", [v["login"] for v in to_create])])
        }
        missing = [v for v in to_create if v["login"] not in existing]
        if missing:
            for user in Users.create(missing):
                existing[user.login] = user
        for company, _w in self.companies:
            for role, count in roles:
                self.users[company.id, role] = [
                    existing[f"bench_{slug(company.name)}_{role}{i}"]
                    for i in range(1, count + 1)
                ]
            for index, user in enumerate(self.users[company.id, "overleg"]):
                user.partner_id.parent_id = (politie, om)[index % 2]
        self.partner_of = {
            user.id: user.partner_id.id
            for users in self.users.values()
            for user in users
        }
        self.users = {
            key: [lite(u, "id") for u in users] for key, users in self.users.items()
        }
        self.partner_of[env.ref("base.user_root").id] = env.ref(
            "base.user_root"
        ).partner_id.id
        # wijken, afdelingen
        self.wijken, self.afdelingen = {}, {}
        for company, _w in self.companies:
            for model, names_, store in (
                ("ondermijning.wijk", WIJKEN, self.wijken),
                ("ondermijning.afdeling", AFDELINGEN, self.afdelingen),
            ):
                records = env[model].search([("company_id", "=", company.id)])
                if not records:
                    records = env[model].create(
                        [{"name": n, "company_id": company.id} for n in names_]
                    )
                store[company.id] = records.ids
        # lookups
        self.stage = {
            s.code: lite(s, "id", "name", "code")
            for s in env["ondermijning.stage"].search([])
        }
        self.herkomst = {h.code: h.id for h in env["ondermijning.herkomst"].search([])}
        cats = env["ondermijning.categorie"].search([("company_id", "=", False)])
        self.categories = cats.ids
        self.category_name = {c.id: c.name for c in cats}
        self.category_weights = [
            5
            if re.search(r"drug|hennep", c.name, re.I)
            else 3
            if re.search(r"fraude|witwas|vergunde", c.name, re.I)
            else 1
            for c in cats
        ]
        self.uitkomst = {
            (u.weging_type, u.code): lite(
                u, "id", "positive", "end_state", "needs_afdeling", "needs_referral"
            )
            for u in env["ondermijning.weging.uitkomst"].search([])
        }
        self.indicators = {
            kind: env["ondermijning.indicator"].search([("kind", "=", kind)]).ids
            for kind in ("verankering", "signalering")
        }
        self.bronnen = env["ondermijning.bron"].search([]).ids
        Rule = env["ondermijning.bewaartermijn"].with_context(active_test=False)
        env["res.company"].browse(
            [c.id for c, _w in self.companies]
        )._ondermijning_ensure_retention_rules()
        self.rules = {
            (r.company_id.id, r.end_state): lite(r, "id", "months", "seal")
            for r in Rule.search(
                [
                    ("company_id", "in", [c.id for c, _w in self.companies]),
                    ("active", "=", True),
                ]
            )
        }
        self.activity_type = env.ref(
            "ondermijning_signalen.mail_activity_type_weging"
        ).id
        self.todo_type = env.ref("mail.mail_activity_data_todo").id
        self.model_id = {
            m: env["ir.model"]._get_id(m)
            for m in ("ondermijning.signaal", "project.task")
            if m in env
        }
        self.subtype_note = env.ref("mail.mt_note").id
        self.subtype_comment = env.ref("mail.mt_comment").id
        self.follow_subtypes = {
            m: env["mail.message.subtype"]._default_subtypes(m)[0]
            for m in self.model_id
        }
        self.field_id = {
            (m, f): env["ir.model.fields"]._get(m, f).id
            for m, f in (
                ("ondermijning.signaal", "stage_id"),
                ("ondermijning.signaal", "end_state"),
                ("project.task", "stage_id"),
                ("project.task", "state"),
            )
            if m in env
        }
        self._setup_overleggen()
        self._setup_sequences()
        if self.project:
            self._setup_project()
        self._crypto_pools()
        env.flush_all()

    def _partner(self, name):
        Partner = self.env["res.partner"]
        return Partner.search(
            [("name", "=", name), ("is_company", "=", True)], limit=1
        ) or Partner.create({"name": name, "is_company": True})

    def _setup_overleggen(self):
        """A monthly ondermijningsoverleg per gemeente over the whole window."""
        Overleg = self.env["ondermijning.overleg"]
        first = add_months(self.today.replace(day=1), -12 * (self.years + 1))
        months = []
        month = first
        while month <= self.today:
            months.append(month)
            month = add_months(month, 1)
        self.overleg = {}
        for company, _w in self.companies:
            existing = {
                o.date.date().replace(day=1): o.id
                for o in Overleg.search(
                    [
                        ("company_id", "=", company.id),
                        ("name", "=like", "Ondermijningsoverleg %"),
                    ]
                )
            }
            vals = []
            participants = [
                u.id
                for role in ("overleg", "medewerker", "team")
                for u in self.users[company.id, role]
            ]
            for month in months:
                if month not in existing:
                    vals.append(
                        {
                            "name": f"Ondermijningsoverleg {month:%m-%Y}",
                            "company_id": company.id,
                            "date": dt.datetime.combine(
                                month + 14 * DAY, dt.time(9, 0)
                            ),
                            "state": "gehouden"
                            if month < self.today.replace(day=1)
                            else "gepland",
                            "user_ids": [(6, 0, participants)],
                        }
                    )
            for overleg in Overleg.create(vals):
                existing[overleg.date.date().replace(day=1)] = overleg.id
            for month, overleg_id in existing.items():
                self.overleg[company.id, month] = overleg_id

    def _setup_sequences(self):
        """The gemeente's reference sequence (as ``_next_reference`` makes it)
        and, per year, the next free number."""
        Sequence = self.env["ir.sequence"].sudo()
        self.sequences = {}
        self.counter = {}
        for company, _w in self.companies:
            sequence = Sequence.search(
                [
                    ("code", "=", "ondermijning.signaal"),
                    ("company_id", "=", company.id),
                ],
                limit=1,
            )
            if not sequence:
                sequence = Sequence.create(
                    {
                        "name": f"Signaal {company.name}",
                        "code": "ondermijning.signaal",
                        "company_id": company.id,
                        "prefix": "%(range_year)s-",
                        "padding": 5,
                        "use_date_range": True,
                    }
                )
            self.sequences[company.id] = sequence
        self.cr.execute(r"""
            SELECT company_id, substr(name, 1, 4)::int,
                   max(substr(name, 6)::int)
              FROM (SELECT company_id, name FROM ondermijning_signaal
                    UNION ALL
                    SELECT company_id, substr(name, 2) FROM ondermijning_casus) t
             WHERE name ~ '^\d{4}-\d+$' GROUP BY 1, 2""")
        for company_id, year, top in self.cr.fetchall():
            self.counter[company_id, year] = top

    def _setup_project(self):
        env = self.env
        Stage = env["project.task.type"]
        self.task_stage = {}
        for sequence, (name, code) in enumerate(TASK_STAGES):
            stage = Stage.search(
                [("name", "=", name), ("user_id", "=", False)], limit=1
            ) or Stage.create(
                {"name": name, "sequence": sequence, "fold": code == "afgesloten"}
            )
            self.task_stage[code] = lite(stage, "id", "name")
        Project = env["project.project"]
        self.projects = {}
        for company, _w in self.companies:
            name = f"Signalen {company.name}"
            project = Project.search(
                [("name", "=", name), ("company_id", "=", company.id)], limit=1
            )
            if not project:
                project = Project.create(
                    {
                        "name": name,
                        "company_id": company.id,
                        "privacy_visibility": "employees",
                        "type_ids": [(6, 0, [s.id for s in self.task_stage.values()])],
                    }
                )
            self.projects[company.id] = project.id
        Task = env["project.task"]
        self.personal_stage = {}
        for (_cid, role), users in self.users.items():
            if role != "medewerker":
                continue
            for user in users:
                Task.with_user(user.id).sudo()._ensure_personal_stages()
                self.personal_stage[user.id] = Stage.search(
                    [("user_id", "=", user.id)], order="sequence", limit=1
                ).id

    def _crypto_pools(self):
        from odoo.addons.ondermijning_signalen.tools import crypto

        env = self.env
        rng = random.Random(f"{self.seed}:crypto")
        enc = lambda text: crypto.encrypt(env, text)  # noqa: E731

        def address():
            return f"{rng.choice(STREETS)} {rng.randint(1, 250)}"

        self.enc_description = [
            enc(
                f"{rng.choice(FACTS)}. Adres: {address()}. "
                f"Gemeld door {rng.choice(REPORTERS)}."
            )
            for _ in range(3000)
        ]
        self.enc_location = [enc(address()) for _ in range(2000)]
        self.enc_contact = [
            enc(
                f"{rng.choice(FIRST)} {rng.choice(LAST)}, "
                f"06-{rng.randint(10000000, 99999999)}"
            )
            for _ in range(500)
        ]
        self.enc_motivation = [enc(m) for m in MOTIVATIONS for _ in range(60)]
        self.enc_summary = [
            enc(f"Bekend bij {b}: {rng.choice(HITS)}")
            for b in ("vergunningen", "belastingen", "burgerzaken", "handhaving")
            for _ in range(100)
        ]
        self.enc_nohit = [
            enc("No hit in any of the consulted municipal sources.") for _ in range(50)
        ]
        self.enc_plan = [
            enc(f"Plan van aanpak: {rng.choice(INSTRUMENTS)}") for _ in range(200)
        ]
        # subjects: a pool of identities, so that signals about the same
        # subject find each other through the match key
        self.subjects = []
        for _ in range(5000):
            kind = rng.choices(
                ["persoon", "bedrijf", "adres", "object"], [45, 25, 20, 10]
            )[0]
            values = {"kind": kind}
            if kind == "persoon":
                values["name"] = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                values["birth_date"] = (
                    f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-"
                    f"{rng.randint(1950, 2004)}"
                )
                identity = f"{_norm(values['name'])}|{_norm(values['birth_date'])}"
            elif kind == "bedrijf":
                values["name"] = f"{rng.choice(LAST)} {rng.choice(COMPANY_WORDS)} B.V."
                values["kvk_number"] = str(rng.randint(10000000, 99999999))
                identity = values["kvk_number"]
            elif kind == "adres":
                values["address"] = address()
                identity = _norm(values["address"])
            else:
                values["bag_id"] = f"0153{rng.randint(10**11, 10**12 - 1)}"
                values["address"] = address()
                identity = values["bag_id"]
            row = {
                key: (enc(value) if key != "kind" else value)
                for key, value in values.items()
            }
            row["match_key"] = crypto.blind_index(env, f"subject-{kind}", identity)
            self.subjects.append(row)
        self.crypto = crypto

    # ------------------------------------------------------------------
    # Bulk
    # ------------------------------------------------------------------
    def count(self):
        self.cr.execute("SELECT count(*) FROM ondermijning_signaal")
        return self.cr.fetchone()[0]

    def top_up(self, total, drop_indexes=None):
        existing = self.count()
        if existing >= total:
            self.log(f"{existing} signals already, nothing to add")
            return {"added": 0, "seconds": 0.0, "rows": 0}
        add = total - existing
        if drop_indexes is None:
            drop_indexes = add >= 50000 and add > existing
        start = time.perf_counter()
        bulk = Bulk(self.cr)
        self.bulk = bulk
        tables = [
            "ondermijning_signaal",
            "ondermijning_weging",
            "mail_message",
            "mail_followers",
            "mail_tracking_value",
            "ondermijning_subject",
            "ondermijning_audit_log",
            "mail_activity",
            "ondermijning_bronraadpleging",
            "ondermijning_melding",
            "ir_attachment",
            "ondermijning_casus",
            "mail_followers_mail_message_subtype_rel",
            "ondermijning_overleg_ondermijning_signaal_rel",
            "ondermijning_weging_verankering_rel",
            "ondermijning_weging_signalering_rel",
        ]
        if self.project:
            tables += ["project_task", "project_task_user_rel"]
        dropped = self._drop_indexes(tables) if drop_indexes else []
        from odoo.tools import config

        self.filestore = config.filestore(self.cr.dbname)
        first_chunk = existing // CHUNK
        last_chunk = (total - 1) // CHUNK
        done = 0
        for chunk in range(first_chunk, last_chunk + 1):
            lo = max(existing, chunk * CHUNK)
            hi = min(total, (chunk + 1) * CHUNK)
            self._chunk(chunk, lo - chunk * CHUNK, hi - chunk * CHUNK)
            bulk.flush()
            done += hi - lo
            if chunk % 10 == 9 or chunk == last_chunk:
                elapsed = time.perf_counter() - start
                self.log(
                    f"  {existing + done} signals ({done / elapsed:.0f} signals/s)"
                )
        bulk.finish()
        self._advance_sequences()
        if dropped:
            t0 = time.perf_counter()
            self.cr.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _name, definition in dropped:
                self.cr.execute(definition)
            self.log(
                f"  {len(dropped)} indexes and foreign keys restored in "
                f"{time.perf_counter() - t0:.1f} s"
            )
        self.cr.execute(f"ANALYZE {', '.join(tables)}")  # noqa: S608
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        seconds = time.perf_counter() - start
        rows = sum(bulk.counts.values())
        return {
            "added": add,
            "seconds": seconds,
            "rows": rows,
            "counts": dict(bulk.counts),
        }

    def _drop_indexes(self, tables):
        """Foreign keys and secondary indexes (not those of other constraints)
        of the bulk tables: dropped for the load, restored from their
        definitions afterwards, in the same transaction (a foreign key is
        then checked in one pass instead of row by row)."""
        self.cr.execute(
            """
            SELECT c.conname, c.conrelid::regclass::text, pg_get_constraintdef(c.oid)
              FROM pg_constraint c
             WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
        """,
            [tables],
        )
        dropped = []
        for name, table, definition in self.cr.fetchall():
            self.cr.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            dropped.append(
                (name, f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            )
        self.cr.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
             WHERE i.tablename = ANY(%s) AND i.schemaname = 'public'
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                                WHERE c.conname = i.indexname)
        """,
            [tables],
        )
        indexes = self.cr.fetchall()
        for name, _definition in indexes:
            self.cr.execute(f'DROP INDEX "{name}"')
        # indexes first, then the foreign keys (whose check uses them)
        return indexes + dropped

    def _advance_sequences(self):
        """Each gemeente's year range continues after the highest number."""
        DateRange = self.env["ir.sequence.date_range"].sudo()
        for (company_id, year), top in sorted(self.counter.items()):
            sequence = self.sequences[company_id]
            day = dt.date(year, 6, 30)
            date_range = DateRange.search(
                [
                    ("sequence_id", "=", sequence.id),
                    ("date_from", "<=", day),
                    ("date_to", ">=", day),
                ],
                limit=1,
            )
            if not date_range:
                date_range = sequence._create_date_range_seq(day)
            if date_range.number_next_actual <= top:
                date_range.number_next_actual = top + 1

    def _reference(self, company_id, year):
        number = self.counter.get((company_id, year), 0) + 1
        self.counter[company_id, year] = number
        return f"{year}-{number:05d}"

    # one chunk of signals: records offset..stop of chunk number ``chunk``
    def _chunk(self, chunk, offset, stop):
        rng = random.Random(f"{self.seed}:{chunk}")
        signals = [self._draw(rng) for _ in range(CHUNK)][offset:stop]
        for signal in signals:
            self._plan(signal)
        signals.sort(key=lambda s: s["received"])
        for signal in signals:
            self._emit(signal)

    def _draw(self, rng):
        """Everything random about one signal (ids and numbers come later)."""
        company, _w = rng.choices(self.companies, self.company_weights)[0]
        herkomst = weighted(rng, HERKOMST_WEIGHTS)
        s = {
            "company": company.id,
            "herkomst": herkomst,
            "rng": random.Random(rng.random()),
        }
        if rng.random() < self.open_share:
            stage = weighted(rng, OPEN_WEIGHTS)
            s["stage"], s["end_state"] = stage, None
            lo, hi = OPEN_AGE[stage]
            age = rng.uniform(lo, hi)
        else:
            end_state = weighted(rng, END_WEIGHTS)
            s["stage"], s["end_state"] = "afgesloten", end_state
            rule = self.rules.get((company.id, end_state))
            keep = (rule.months if rule else 24) * 30.4
            age = None
            s["keep_days"] = keep
        s["age"] = age
        s["variant"] = rng.random()
        return s

    def _plan(self, s):  # noqa: C901 (one path through the stappenplan)
        """The path through the stappenplan and its place in time."""
        rng = s["rng"]
        cid = s["company"]
        users = self.users
        medewerkers = users[cid, "medewerker"]
        owner = rng.choice(medewerkers)
        team = users[cid, "team"][0]
        privacy = users[cid, "privacy"][0]
        end_state = s["end_state"]
        variant = s["variant"]
        # the path: wegingen (type, outcome) and the furthest step
        wegingen, reached, raadplegingen, casus_state = [], "stap1", [], None
        afdeling = referred = None
        intake = [
            ("w1", "ondermijning"),
            ("w2a", "gemeentelijke_taak"),
            ("w2b", "binnen_gemeente"),
        ]
        stap2 = intake + [("w3", "voldoende_zwaar"), ("beslis", "vervolganalyse")]
        if end_state is None:
            stage = s["stage"]
            if stage == "stap1":
                wegingen = intake[: int(variant * 3)]
            elif stage == "stap2":
                wegingen = intake + (
                    [("w3", "voldoende_zwaar")] if variant < 0.3 else []
                )
                reached = "stap2"
            else:
                wegingen, reached = list(stap2), stage
                if stage == "stap3":
                    raadplegingen = rng.sample(
                        ["approved", "hit", "no_hit"], rng.randint(1, 2)
                    )
                    if raadplegingen == ["no_hit"]:
                        raadplegingen = ["approved"]
                else:
                    wegingen.append(("w4", "casusoverleg"))
                    raadplegingen = ["hit"] + rng.sample(
                        ["no_hit", "hit"], rng.randint(0, 1)
                    )
                    casus_state = (
                        "monitoring"
                        if stage == "monitoring"
                        else rng.choice(["privacycheck", "plan", "uitvoering"])
                    )
        elif end_state == "niet_in_behandeling":
            if variant < 0.5:
                wegingen = [("w1", "geen_ondermijning")]
            elif variant < 0.85:
                wegingen = intake + [
                    ("w3", "onvoldoende_zwaar"),
                    ("beslis", "niet_in_behandeling"),
                ]
                reached = "stap2"
            else:
                wegingen, reached = list(stap2), "stap3"
                raadplegingen = ["no_hit"] * rng.randint(1, 2)
        elif end_state == "doorverwezen":
            wegingen = (
                [("w1", "ondermijning"), ("w2a", "andere_instantie")]
                if variant < 0.5
                else intake[:2] + [("w2b", "buiten_gemeente")]
            )
            referred = rng.choice(REFERRALS)
        elif end_state in ("afdeling", "riec"):
            code = "afdeling" if end_state == "afdeling" else "riec"
            if variant < 0.6:
                wegingen, reached = (
                    intake + [("w3", "voldoende_zwaar"), ("beslis", code)],
                    "stap2",
                )
            else:
                wegingen, reached = (
                    stap2 + [("w4", "afdelingen" if code == "afdeling" else "riec")],
                    "stap3",
                )
                raadplegingen = ["hit"] + rng.sample(
                    ["no_hit", "hit"], rng.randint(0, 1)
                )
            if end_state == "afdeling":
                afdeling = rng.choice(self.afdelingen[cid])
        else:  # casus_afgesloten
            wegingen, reached = stap2 + [("w4", "casusoverleg")], "monitoring"
            raadplegingen = ["hit"] + rng.sample(["no_hit", "hit"], rng.randint(0, 1))
            casus_state = "afgesloten"
        # durations (days) of the steps, then place the whole in time
        steps = ["stap1", "stap2", "stap3", "stap4", "monitoring"]
        durations = {
            "stap1": rng.uniform(1, 14),
            "stap2": rng.uniform(3, 30),
            "stap3": rng.uniform(10, 60),
            "stap4": rng.uniform(30, 180),
            "monitoring": rng.uniform(90, 365),
        }
        last = steps.index(reached)
        lead = sum(durations[step] for step in steps[: last + 1]) if end_state else None
        if end_state:
            keep = s["keep_days"]
            if self.expired and rng.random() < self.expired:
                age = lead + keep + rng.uniform(1, 180)
            else:
                age = lead + rng.uniform(
                    0, max(min(keep - 2, self.years * 365 - lead), 1)
                )
        else:
            age = max(
                s["age"],
                sum(durations[step] for step in steps[:last]) + rng.uniform(0, 5),
            )
        received = (
            self.now
            - dt.timedelta(days=age)
            + dt.timedelta(hours=rng.uniform(1, 11), minutes=rng.randint(0, 59))
        )
        received = received.replace(microsecond=0)
        if received > self.now:
            received -= DAY
        s.update(
            wegingen=wegingen,
            reached=reached,
            raadplegingen=raadplegingen,
            casus_state=casus_state,
            afdeling=afdeling,
            referred=referred,
            owner=owner,
            team=team,
            privacy=privacy,
            durations=durations,
            lead=lead,
            received=received,
        )

    def _emit(self, s):  # noqa: C901 (one signal with all that hangs from it)
        rng = s["rng"]
        b = self.bulk
        cid = s["company"]
        users = self.users
        end_state = s["end_state"]
        wegingen, reached, raadplegingen = (
            s["wegingen"],
            s["reached"],
            s["raadplegingen"],
        )
        casus_state, afdeling, referred = s["casus_state"], s["afdeling"], s["referred"]
        owner, team, privacy = s["owner"], s["team"], s["privacy"]
        durations, lead, received = s["durations"], s["lead"], s["received"]
        steps = ["stap1", "stap2", "stap3", "stap4", "monitoring"]
        last = steps.index(reached)
        dates = {"stap1": received}
        moment = received
        for step in steps[1 : last + 1]:
            moment = moment + dt.timedelta(days=durations[steps[steps.index(step) - 1]])
            dates[step] = moment.replace(microsecond=0)
        date_end = (
            (received + dt.timedelta(days=lead)).replace(microsecond=0)
            if end_state
            else None
        )
        if date_end and date_end > self.now:
            date_end = self.now - dt.timedelta(hours=1)
        year = received.year
        sid = b.new_id("ondermijning_signaal")
        name = self._reference(cid, year)
        herkomst = s["herkomst"]
        channel = rng.choice(CHANNELS[herkomst])
        melder = None
        if herkomst == "meldpunt" and rng.random() < 0.7:
            melder = rng.choice(users[cid, "melder"])
        creator = melder or owner
        user_id = owner.id
        if melder and s["stage"] == "stap1" and not wegingen:
            user_id = None
        categorie = rng.choices(self.categories, self.category_weights)[0]
        mma = herkomst == "mma"
        deadline = received.date() + 5 * DAY
        mma_fields = (None,) * 6
        late = False
        if mma:
            opened = received.date() - (DAY if rng.random() < 0.1 else 0 * DAY)
            late = (received.date() - opened).days > 0
            follow = {
                "niet_in_behandeling": "geen_actie",
                "doorverwezen": "politie",
                "afdeling": "gemeente",
                "riec": "riec",
                "casus_afgesloten": rng.choice(["bt_tafel", "gemeente"]),
            }.get(end_state)
            bt = (
                received.date() + rng.randint(7, 21) * DAY
                if rng.random() < 0.2
                else None
            )
            if bt and bt > self.today:
                bt = None
            mma_fields = (
                f"MMA{year}{sid % 1000000:06d}",
                rng.choice(["mono", "mono", "multi"]),
                follow,
                opened - rng.randint(0, 2) * DAY,
                opened,
                bt,
            )
        # casus
        casus_id = None
        monitoring_until = None
        if casus_state:
            casus_id = b.new_id("ondermijning_casus")
            casus_created = dates.get("stap4") or received
            date_closed = date_end if casus_state == "afgesloten" else None
            if casus_state in ("monitoring", "afgesloten"):
                monitoring_until = (
                    date_end.date()
                    if date_end
                    else (
                        dates["monitoring"] + dt.timedelta(days=durations["monitoring"])
                    ).date()
                )
            b.add(
                "ondermijning_casus",
                CASUS_COLUMNS,
                (
                    casus_id,
                    cid,
                    owner.id,
                    owner.id,
                    owner.id,
                    "C" + self._reference(cid, casus_created.year),
                    casus_state,
                    rng.choice(["bereikt", "deels", "niet"])
                    if casus_state == "afgesloten"
                    else None,
                    monitoring_until,
                    rng.choice(self.enc_plan)
                    if casus_state != "privacycheck"
                    else None,
                    None,
                    True,
                    date_closed,
                    casus_created,
                    date_closed or casus_created,
                ),
            )
        # retention
        rule_id = date_destroy = None
        sealed = False
        if end_state:
            rule = self.rules.get((cid, end_state))
            if rule:
                rule_id = rule.id
                start = (
                    monitoring_until
                    if end_state == "casus_afgesloten" and monitoring_until
                    else date_end.date()
                )
                date_destroy = add_months(start, rule.months)
                sealed = bool(rule.seal and date_end.date() < self.today)
        write_date = date_end or max(dates.values())
        ending_motivation = None
        # wegingen
        wdates = self._weging_dates(rng, wegingen, dates, date_end)
        for (wtype, code), wdate in zip(wegingen, wdates, strict=True):
            outcome = self.uitkomst[wtype, code]
            wid = b.new_id("ondermijning_weging")
            actor = team if wtype in ("beslis", "w4") else owner
            motivation = rng.choice(self.enc_motivation)
            if outcome.end_state:
                ending_motivation = motivation
            b.add(
                "ondermijning_weging",
                WEGING_COLUMNS,
                (
                    wid,
                    sid,
                    cid,
                    outcome.id,
                    actor.id,
                    afdeling if outcome.needs_afdeling else None,
                    actor.id,
                    actor.id,
                    wtype,
                    rng.choice(["bag", "brp", "kvk", "kadaster"])
                    if wtype == "w2b"
                    else None,
                    referred if outcome.needs_referral else None,
                    motivation,
                    outcome.positive,
                    wtype == "w3" and outcome.positive,
                    wtype == "w3" and outcome.positive,
                    wtype == "w3" and rng.random() < 0.3,
                    wdate,
                    wdate,
                    wdate,
                ),
            )
            if wtype == "w1" and outcome.positive:
                b.add(
                    "ondermijning_weging_verankering_rel",
                    ("ondermijning_weging_id", "ondermijning_indicator_id"),
                    (wid, rng.choice(self.indicators["verankering"])),
                )
                b.add(
                    "ondermijning_weging_signalering_rel",
                    ("ondermijning_weging_id", "ondermijning_indicator_id"),
                    (wid, rng.choice(self.indicators["signalering"])),
                )
        if end_state == "niet_in_behandeling" and raadplegingen:
            ending_motivation = rng.choice(self.enc_nohit)
        # consultations
        if raadplegingen:
            approved = dates["stap3"] + dt.timedelta(days=1)
            for bron, state in zip(
                rng.sample(self.bronnen, len(raadplegingen)), raadplegingen, strict=True
            ):
                consulted = (
                    approved + dt.timedelta(days=rng.uniform(1, 7))
                    if state != "approved"
                    else None
                )
                b.add(
                    "ondermijning_bronraadpleging",
                    RAADPLEGING_COLUMNS,
                    (
                        b.new_id("ondermijning_bronraadpleging"),
                        sid,
                        cid,
                        bron,
                        privacy.id,
                        owner.id if consulted else None,
                        privacy.id,
                        (owner if consulted else privacy).id,
                        rng.choice(LEGAL_GROUNDS),
                        state,
                        rng.choice(self.enc_summary) if state == "hit" else None,
                        state == "hit",
                        approved,
                        consulted,
                        approved,
                        consulted or approved,
                    ),
                )
        # the signal
        stage = self.stage[s["stage"]]
        b.add(
            "ondermijning_signaal",
            SIGNAL_COLUMNS,
            (
                sid,
                cid,
                self.herkomst[herkomst],
                melder.id if melder else None,
                categorie,
                rng.choice(self.wijken[cid]) if rng.random() < 0.85 else None,
                user_id,
                stage.id,
                casus_id,
                afdeling,
                creator.id,
                (owner if end_state else creator).id,
                rule_id,
                name,
                channel,
                rng.choice(self.enc_location) if rng.random() < 0.7 else None,
                stage.code,
                *mma_fields[:3],
                end_state,
                referred,
                deadline,
                *mma_fields[3:],
                date_destroy,
                rng.choice(self.enc_contact)
                if herkomst in ("burger", "ketenpartner") and rng.random() < 0.4
                else None,
                rng.choice(self.enc_description),
                ending_motivation,
                True,
                late,
                sealed,
                False,
                received,
                received - dt.timedelta(days=rng.uniform(0, 60))
                if rng.random() < 0.8
                else None,
                dates.get("stap2"),
                dates.get("stap3"),
                dates.get("stap4"),
                dates.get("monitoring"),
                date_end,
                received,
                write_date,
            ),
        )
        b.add(
            "ondermijning_audit_log",
            AUDIT_COLUMNS,
            (
                b.new_id("ondermijning_audit_log"),
                creator.id,
                sid,
                cid,
                "create",
                "ondermijning.signaal",
                name,
                SIGNAL_CREATE_FIELDS,
                received,
            ),
        )
        # agenda of the month's overleg
        if rng.random() < 0.05:
            overleg = self.overleg.get(
                (cid, (dates.get("stap2") or received).date().replace(day=1))
            )
            if overleg:
                b.add(
                    "ondermijning_overleg_ondermijning_signaal_rel",
                    ("ondermijning_signaal_id", "ondermijning_overleg_id"),
                    (sid, overleg),
                )
        # subjects
        if rng.random() < 0.5:
            for subject in rng.sample(self.subjects, 1 if rng.random() < 0.8 else 2):
                b.add(
                    "ondermijning_subject",
                    SUBJECT_COLUMNS,
                    (
                        b.new_id("ondermijning_subject"),
                        sid,
                        cid,
                        owner.id,
                        owner.id,
                        subject["kind"],
                        subject.get("name"),
                        subject.get("birth_date"),
                        subject.get("kvk_number"),
                        subject.get("address"),
                        subject.get("bag_id"),
                        subject["match_key"],
                        received,
                        received,
                    ),
                )
        # the melder's receipt
        if melder:
            b.add(
                "ondermijning_melding",
                MELDING_COLUMNS,
                (
                    b.new_id("ondermijning_melding"),
                    melder.id,
                    cid,
                    categorie,
                    sid,
                    melder.id,
                    melder.id,
                    name,
                    received,
                    None,
                    received,
                    received,
                ),
            )
        # activity: the weging that is due
        due = None
        if not end_state and user_id:
            if s["stage"] == "stap1":
                due = ["w1", "w2a", "w2b"][len(wegingen)]
            elif s["stage"] == "stap2":
                due = "w3" if len(wegingen) == 3 else "beslis"
            elif s["stage"] == "stap3" and "hit" in raadplegingen:
                due = "w4"
        self._chatter(
            "ondermijning.signaal",
            sid,
            cid,
            name,
            creator.id,
            owner.id,
            received,
            date_end,
            rng,
            (
                "stage_id",
                self.stage["stap1"].name,
                stage.name,
                self.stage["stap1"].id,
                stage.id,
            ),
            ("end_state", None, end_state),
            due and WEGING_LABELS[due],
            deadline,
            self.activity_type,
        )
        if self.project:
            self._task(
                s,
                rng,
                cid,
                name,
                categorie,
                creator,
                owner,
                received,
                dates,
                date_end,
                deadline,
                due,
            )

    def _weging_dates(self, rng, wegingen, dates, date_end):
        """Each weging within the step it belongs to."""
        bounds = {
            "w1": ("stap1", "stap2"),
            "w2a": ("stap1", "stap2"),
            "w2b": ("stap1", "stap2"),
            "w3": ("stap2", "stap3"),
            "beslis": ("stap2", "stap3"),
            "w4": ("stap3", "stap4"),
        }
        result = []
        previous = dates["stap1"]
        for wtype, _code in wegingen:
            start, stop = bounds[wtype]
            lo = max(dates.get(start, previous), previous)
            hi = dates.get(stop) or date_end or min(lo + dt.timedelta(days=5), self.now)
            moment = lo + (hi - lo) * rng.uniform(0.1, 0.9) if hi > lo else lo
            moment = moment.replace(microsecond=0)
            result.append(moment)
            previous = moment
        return result

    def _chatter(
        self,
        model,
        res_id,
        cid,
        name,
        creator,
        owner,
        created,
        date_end,
        rng,
        stage_change,
        state_change,
        due_label,
        deadline,
        activity_type,
    ):
        """Creation message, the tracking message of the end, a note now and
        then, followers (creator and owner), the reminder activity, and a
        document now and then."""
        b = self.bulk
        author = self.partner_of[creator]
        mid = b.new_id("mail_message")
        b.add(
            "mail_message",
            MESSAGE_COLUMNS,
            (
                mid,
                res_id,
                cid,
                self.subtype_note,
                author,
                creator,
                creator,
                model,
                "notification",
                f"<{mid}.{res_id}-openerp-{res_id}-{model}@bench>",
                f"<p>{self.description[model]} created</p>",
                True,
                created,
                created,
                created,
            ),
        )
        if date_end:
            mid = b.new_id("mail_message")
            ender = self.partner_of[owner]
            b.add(
                "mail_message",
                MESSAGE_COLUMNS,
                (
                    mid,
                    res_id,
                    cid,
                    self.subtype_note,
                    ender,
                    owner,
                    owner,
                    model,
                    "notification",
                    f"<{mid}.{res_id}-openerp-{res_id}-{model}@bench>",
                    None,
                    True,
                    date_end,
                    date_end,
                    date_end,
                ),
            )
            field, old_name, new_name, old_id, new_id = stage_change
            b.add(
                "mail_tracking_value",
                TRACKING_COLUMNS,
                (
                    b.new_id("mail_tracking_value"),
                    self.field_id[model, field],
                    old_id,
                    new_id,
                    mid,
                    owner,
                    owner,
                    old_name,
                    new_name,
                    date_end,
                    date_end,
                ),
            )
            field, old, new = state_change
            b.add(
                "mail_tracking_value",
                TRACKING_COLUMNS,
                (
                    b.new_id("mail_tracking_value"),
                    self.field_id[model, field],
                    None,
                    None,
                    mid,
                    owner,
                    owner,
                    old,
                    new,
                    date_end,
                    date_end,
                ),
            )
        if rng.random() < 0.1:
            mid = b.new_id("mail_message")
            when = created + dt.timedelta(days=rng.uniform(0, 10))
            b.add(
                "mail_message",
                MESSAGE_COLUMNS,
                (
                    mid,
                    res_id,
                    cid,
                    self.subtype_note,
                    self.partner_of[owner],
                    owner,
                    owner,
                    model,
                    "comment",
                    f"<{mid}.{res_id}-openerp-{res_id}-{model}@bench>",
                    f"<p>{rng.choice(NOTES)}</p>",
                    True,
                    when,
                    when,
                    when,
                ),
            )
        for partner in {author, self.partner_of[owner]}:
            fid = b.new_id("mail_followers")
            b.add(
                "mail_followers",
                ("id", "res_id", "partner_id", "res_model"),
                (fid, res_id, partner, model),
            )
            for subtype in self.follow_subtypes[model]:
                b.add(
                    "mail_followers_mail_message_subtype_rel",
                    ("mail_followers_id", "mail_message_subtype_id"),
                    (fid, subtype),
                )
        if due_label:
            b.add(
                "mail_activity",
                ACTIVITY_COLUMNS,
                (
                    b.new_id("mail_activity"),
                    self.model_id[model],
                    res_id,
                    activity_type,
                    owner,
                    owner,
                    owner,
                    model,
                    name,
                    due_label,
                    deadline,
                    True,
                    True,
                    created,
                    created,
                ),
            )
        if rng.random() < 0.03:
            self._document(model, res_id, cid, owner, created, rng)

    def _document(self, model, res_id, cid, owner, created, rng):
        plain = (
            "Verslag van de waarneming.\n" + rng.choice(FACTS) + ".\n"
        ) * rng.randint(5, 40)
        data = plain.encode()
        if model == "ondermijning.signaal":
            data = self.crypto.encrypt_bytes(self.env, data)
        checksum = hashlib.sha1(data).hexdigest()  # noqa: S324 (Odoo's own checksum)
        fname = f"{checksum[:2]}/{checksum}"
        path = os.path.join(self.filestore, fname)
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(data)
        b = self.bulk
        b.add(
            "ir_attachment",
            ATTACHMENT_COLUMNS,
            (
                b.new_id("ir_attachment"),
                res_id,
                cid,
                len(data),
                owner,
                owner,
                f"verslag-{res_id}.txt",
                model,
                "binary",
                fname,
                checksum,
                "text/plain",
                False,
                created,
                created,
            ),
        )

    def _task(
        self,
        s,
        rng,
        cid,
        name,
        categorie,
        creator,
        owner,
        received,
        dates,
        date_end,
        deadline,
        due,
    ):
        """The twin of the signal in Odoo's own project app (the baseline)."""
        b = self.bulk
        tid = b.new_id("project_task")
        code = s["stage"]
        stage = self.task_stage[code]
        state = "1_done" if s["end_state"] else "01_in_progress"
        b.add(
            "project_task",
            TASK_COLUMNS,
            (
                tid,
                10,
                stage.id,
                self.projects[cid],
                cid,
                creator.id,
                owner.id,
                f"{name} {self.category_name[categorie]}",
                "1" if rng.random() < 0.1 else "0",
                state,
                True,
                True,
                False,
                dt.datetime.combine(deadline, dt.time(12, 0)),
                received,
                date_end,
                date_end or max(dates.values()),
                received,
                date_end or max(dates.values()),
            ),
        )
        # assignment and personal stage are one row (project.task.stage.personal)
        b.add(
            "project_task_user_rel",
            (
                "id",
                "task_id",
                "user_id",
                "stage_id",
                "create_uid",
                "write_uid",
                "create_date",
                "write_date",
            ),
            (
                b.new_id("project_task_user_rel"),
                tid,
                owner.id,
                self.personal_stage[owner.id],
                creator.id,
                creator.id,
                received,
                received,
            ),
        )
        first = self.task_stage["stap1"]
        self._chatter(
            "project.task",
            tid,
            cid,
            f"{name}",
            creator.id,
            owner.id,
            received,
            date_end,
            rng,
            ("stage_id", first.name, stage.name, first.id, stage.id),
            ("state", "01_in_progress", state),
            due and "To-Do",
            deadline,
            self.todo_type,
        )


def _norm(value):
    return re.sub(r"[^0-9a-z]", "", (value or "").lower())


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
        "--project",
        action="store_true",
        help="also a project.task per signal (baseline; needs 'project')",
    )
    parser.add_argument(
        "--indexes",
        choices=["auto", "keep", "rebuild"],
        default="auto",
        help="drop foreign keys and indexes of the bulk tables during the load "
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
        )
        generator.setup()
        cr.commit()
        setup = time.perf_counter() - t0
        print(
            "setup (ORM: gemeenten, users, overleggen, sequences, crypto pools): "
            f"{setup:.1f} s"
        )
        result = generator.top_up(
            args.signals,
            drop_indexes={"auto": None, "keep": False, "rebuild": True}[args.indexes],
        )
        cr.commit()
    if result["added"]:
        counts = ", ".join(
            f"{table} {count}" for table, count in sorted(result["counts"].items())
        )
        print(
            f"added {result['added']} signals in {result['seconds']:.1f} s = "
            f"{result['added'] / result['seconds']:.0f} signals/s, "
            f"{result['rows']} rows = "
            f"{result['rows'] / result['seconds']:.0f} rows/s ({counts})"
        )
    print(f"total {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
