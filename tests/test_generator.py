"""Smoke test of the data generator (tools/generate_data.py): the rows it
copies in SQL are what the ORM would have made.

The generator is a tool of the repository, not of an addon, so its test
lives with the platform checks in the root tests/, which `./dev test` runs
with pytest-odoo against the test database. Everything happens in the test
class's transaction, which is rolled back.
"""

import inspect
import sys
from datetime import timedelta
from pathlib import Path

import odoo
from odoo import Command, fields
from odoo.tests.common import TransactionCase, freeze_time, tagged

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import generate_data  # noqa: E402

SIGNAAL = "ondermijning.signaal"


@tagged("standard", "at_install")
class TestGenerator(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.generator = generate_data.Generator(
            cls.env,
            seed=3,
            gemeenten=2,
            years=2,
            variants=1,
            subjects=6,
            expired=0.2,
            names=["Generatortest A", "Generatortest B"],
            cover=True,
            log=lambda message: None,
        )
        cls.generator.setup()
        # the second gemeente keeps its signals shorter and registers MMA
        # reports later than the template gemeente: what depends on that is
        # the ORM's to compute for the copies
        other = cls.env["res.company"].browse(cls.generator.company_ids[1])
        other.ondermijning_mma_register_days = 2
        cls.env["ondermijning.bewaartermijn"].search(
            [
                ("company_id", "=", other.id),
                ("end_state", "in", ("doorverwezen", "riec")),
            ]
        ).write({"months": 7})
        cls.before = cls.generator.count()
        cls.result = cls.generator.top_up(cls.before + 200)
        cls.companies = cls.env["res.company"].browse(cls.generator.company_ids)
        cls.copies = {
            table: [i for ids in ranges for i in ids]
            for table, ranges in cls.generator.copied.items()
        }

    def test_every_template_copied_in_both_gemeenten(self):
        Signal = self.env[SIGNAAL]
        self.assertEqual(Signal.search_count([]), self.before + 200)
        origins = set(self.generator.origin.values())
        self.assertEqual(origins, {u.signal_id for u in self.generator.templates})
        copies = Signal.browse(self.copies["ondermijning_signaal"])
        self.assertEqual(copies.company_id, self.companies)
        self.assertEqual(
            set(copies.mapped("stage_code")),
            set(generate_data.SP.STEP_ORDER),
        )
        self.assertEqual(
            set(copies.mapped("end_state")) - {False},
            {
                "niet_in_behandeling",
                "doorverwezen",
                "afdeling",
                "riec",
                "casus_afgesloten",
            },
        )
        for kind in ("subject", "note", "document", "agenda"):
            self.assertTrue(self.generator.by_kind[kind], kind)

    def test_stored_computed_fields_are_what_the_orm_computes(self):
        """Every stored computed field of every model the generator copies,
        on every copy, against the ORM's own computation."""
        registry, env = self.env.registry, self.env
        checked = 0
        for table, ids in self.copies.items():
            model = self.generator.catalog.model_of.get(table)
            if not model:
                continue
            Model = env[model].sudo().with_context(active_test=False)
            computed = [f for f in Model._fields.values() if f.store and f.compute]
            for field in computed:
                # the recomputed values stay in the cache, never written:
                # each field is compared with what the generator stored
                records = Model.browse(ids)
                env.invalidate_all(flush=False)
                stored = [record[field.name] for record in records]
                env.invalidate_all(flush=False)
                field.compute_value(records)
                recomputed = [
                    field.convert_to_record(env.cache.get(record, field), record)
                    for record in records
                ]
                wrong = [
                    (record.id, old, new)
                    for record, old, new in zip(
                        records, stored, recomputed, strict=True
                    )
                    if old != new
                ]
                self.assertFalse(wrong, f"{model}.{field.name} (copy, stored, ORM)")
                checked += len(records)
            env.invalidate_all(flush=False)
        self.assertIn(
            registry["ondermijning.signaal"]._fields["date_destroy"],
            [f for f in registry["ondermijning.signaal"]._fields.values() if f.compute],
        )
        self.assertGreater(checked, 1000)

    def test_purge_destroys_a_copy_like_a_hand_made_signal(self):
        Rule = self.env["ondermijning.bewaartermijn"].sudo()
        Rule.search([("company_id", "not in", self.companies.ids)]).write(
            {"active": False}
        )
        Signal = self.env[SIGNAAL].sudo()
        today = fields.Date.today()
        copies = Signal.search(
            [
                ("id", "in", self.copies["ondermijning_signaal"]),
                ("date_destroy", "<=", today),
            ]
        )
        self.assertTrue(copies, "the generator made expired copies")
        hand_made = self._hand_made_expired_signal()
        expired = Signal.search(
            [("company_id", "in", self.companies.ids), ("date_destroy", "<=", today)]
        )
        self.assertEqual(expired, copies | hand_made)
        before = {s.id: self._rows_referring_to(s.id) for s in expired}
        self.assertTrue(all(before.values()), "each has rows pointing at it")
        references = {s.id: (s.company_id.id, s.name) for s in expired}

        destroyed, failed = self._purge(Rule)

        self.assertEqual((destroyed, failed), (len(expired), []))
        self.assertFalse(Signal.browse(list(before)).exists())
        for signal_id in before:
            self.assertEqual(self._rows_referring_to(signal_id), {}, signal_id)
        # the anonymous statistical trace of each, and a destruction log line
        Trace = self.env["ondermijning.signaal.spoor"].sudo()
        self.assertEqual(
            Trace.search_count([("company_id", "in", self.companies.ids)]), len(expired)
        )
        Log = self.env["ondermijning.vernietiging"].sudo()
        self.assertEqual(
            Log.search_count(
                [("reference", "in", [n for _c, n in references.values()])]
            ),
            len(references),
        )

    @staticmethod
    def _purge(Rule):
        """The purge engine in this transaction: its caller says not to
        commit (pytest-odoo does not mark the test as running, which is how
        the engine decides it today)."""
        kwargs = {}
        if "auto_commit" in inspect.signature(Rule._cron_purge).parameters:
            kwargs["auto_commit"] = False
        running = odoo.modules.module.current_test
        odoo.modules.module.current_test = True
        try:
            return Rule._cron_purge(**kwargs)
        finally:
            odoo.modules.module.current_test = running

    def _hand_made_expired_signal(self):
        """A signal taken through the ORM as a medewerker does, ended long
        enough ago for its rule (niet in behandeling: 12 months) to expire."""
        company = self.companies[1]
        user = self.generator.users[company.id, "medewerker"][0]
        env = self.env(user=user.id, su=True)
        with freeze_time(fields.Datetime.now() - timedelta(days=420)):
            signal = env[SIGNAAL].create(
                {
                    "company_id": company.id,
                    "categorie_id": env.ref(
                        "ondermijning_signalen.categorie_mma_drugsdelicten"
                    ).id,
                    "description": "Hennepkwekerij vermoed",
                    "subject_ids": [
                        Command.create({"kind": "persoon", "name": "P. Puk"})
                    ],
                }
            )
            signal.message_post(body="Notitie", message_type="comment")
            env["ir.attachment"].create(
                {
                    "name": "pv.txt",
                    "raw": b"pv",
                    "res_model": SIGNAAL,
                    "res_id": signal.id,
                }
            )
            env["ondermijning.weging"].create(
                {
                    "signaal_id": signal.id,
                    "weging_type": "w1",
                    "uitkomst_id": env.ref(
                        "ondermijning_signalen.uitkomst_w1_geen_ondermijning"
                    ).id,
                    "motivation": "Geen aanwijzingen",
                }
            )
            self.env.flush_all()
        return signal.sudo()

    def _rows_referring_to(self, signal_id):
        """{table.column: count} of rows pointing at the signal by foreign
        key or by (res_)model/res_id."""
        self.env.flush_all()
        catalog, cr, found = self.generator.catalog, self.env.cr, {}
        for table, fks in catalog.fks.items():
            for column, ref in fks.items():
                if ref == "ondermijning_signaal":
                    cr.execute(
                        f'SELECT count(*) FROM "{table}" WHERE "{column}" = %s',  # noqa: S608
                        [signal_id],
                    )
                    if count := cr.fetchone()[0]:
                        found[f"{table}.{column}"] = count
        for table, pairs in catalog.poly.items():
            for column, model_column in pairs.items():
                cr.execute(
                    f'SELECT count(*) FROM "{table}" '  # noqa: S608
                    f'WHERE "{model_column}" = %s AND "{column}" = %s',
                    [SIGNAAL, signal_id],
                )
                if count := cr.fetchone()[0]:
                    found[f"{table}.{column}"] = count
        return found

    def test_statistics_count_copies_as_rows_and_like_their_template(self):
        Stat = self.env["ondermijning.statistiek"].sudo()
        domain = [("company_id", "in", self.companies.ids)]
        counted = {
            (company.id, state or None, stap): count
            for company, state, stap, count in Stat._read_group(
                domain, ["company_id", "end_state", "stap"], ["__count"]
            )
        }
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT company_id, end_state, count(*) FROM ondermijning_signaal
                WHERE company_id = ANY(%s) GROUP BY 1, 2""",
            [self.companies.ids],
        )
        rows = {(c, s): n for c, s, n in self.env.cr.fetchall()}
        by_state = {}
        for (company_id, state, _stap), count in counted.items():
            by_state[company_id, state] = by_state.get((company_id, state), 0) + count
        self.assertEqual(by_state, rows)
        # a copy counts as its template, the signal the ORM made
        compared = [
            name
            for name, field in Stat._fields.items()
            if field.store is not False
            and name not in ("id", "company_id", "date_received", "date_end")
            and name not in ("categorie_id", "wijk_id", "display_name")
            # of the category (priority) and of the date received (during a
            # campaign, overdue today), which copies have of their own
            and name not in ("is_priority", "in_campaign", "deadline_state")
            and not name.startswith("__")
        ]
        checked = 0
        for copy_id, template_id in self.generator.origin.items():
            # the view's row of a live signal has twice its id
            copy, template = (
                Stat.search([("id", "=", 2 * record_id)])
                for record_id in (copy_id, template_id)
            )
            if copy and template:
                self.assertEqual(
                    copy.read(compared)[0] | {"id": 0},
                    template.read(compared)[0] | {"id": 0},
                )
                checked += 1
        self.assertEqual(checked, len(self.generator.origin))

    def test_stored_statistics_rows_are_their_definition(self):
        """The statistics read stored rows; the copies, made in SQL, must
        have theirs as the definition computes them (the triggers)."""
        self.env.flush_all()
        Stat = self.env["ondermijning.statistiek"]
        stored = "SELECT * FROM ondermijning_statistiek_row"
        definition = Stat._definition()
        for first, second in ((stored, definition), (definition, stored)):
            self.env.cr.execute(
                f"SELECT count(*) FROM (({first}) EXCEPT ALL ({second})) x"  # noqa: S608
            )
            self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.env.cr.execute(
            "SELECT count(*) FROM ondermijning_statistiek_row WHERE id / 2 = ANY(%s)"
            " AND NOT destroyed",
            [self.copies["ondermijning_signaal"]],
        )
        self.assertEqual(
            self.env.cr.fetchone()[0], len(self.copies["ondermijning_signaal"])
        )

    def test_references_go_on_after_the_copies(self):
        company = self.companies[1]
        Signal = self.env[SIGNAAL].sudo()
        year = fields.Date.today().year
        used = Signal.search(
            [("company_id", "=", company.id), ("name", "=like", f"{year}-%")]
        ).mapped("name")
        self.assertTrue(used)
        signal = Signal.create(
            {
                "company_id": company.id,
                "categorie_id": self.env.ref(
                    "ondermijning_signalen.categorie_mma_drugsdelicten"
                ).id,
            }
        )
        self.assertGreater(signal.name, max(used))

    def test_copied_agendas_have_their_participants(self):
        """The agenda rows copied in SQL reach the partners' record rules:
        the stored participants equal their definition, copies included."""
        copied = set(self.copies["ondermijning_signaal"])
        signals = self.env[SIGNAAL].sudo().browse(sorted(copied))
        defined = {
            (signal.id, user.id)
            for signal in signals
            for overleg in signal.overleg_ids
            for user in overleg.user_ids
        }
        self.assertTrue(defined, "the copies include agenda items")
        self.env.cr.execute(
            "SELECT signaal_id, user_id FROM ondermijning_signaal_participant_rel "
            "WHERE signaal_id = ANY(%s)",
            [sorted(copied)],
        )
        self.assertEqual(set(self.env.cr.fetchall()), defined)
