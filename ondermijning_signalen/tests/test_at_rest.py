"""After a full journey through the product's doors, with a marker in every
piece of text people type (and in their file names), the marker is nowhere
in clear: not in any column of any table, not in the filestore."""

import os

from odoo import Command
from odoo.http import Request
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.ondermijning_signalen import stappenplan

from .test_doors import SIGNAAL, RpcCase

MARKER = "Zq7MarkerXk9"


@tagged("post_install", "-at_install")
class TestNothingInClear(RpcCase):
    def text(self, what):
        return f"{what} {MARKER} (Jan Jansen, Dorpsstraat 1)"

    def upload(self, role, route, fields, filename):
        self.authenticate(f"test_{role}", f"test_{role}")
        response = self.url_open(
            route,
            data=dict(fields, csrf_token=Request.csrf_token(self)),
            files={"ufile": (filename, self.text("document").encode(), "text/plain")},
        )
        response.raise_for_status()
        return response

    def test_a_full_journey_leaves_no_text_in_clear(self):
        # the melder reports, later adds to it
        melding_id = self.call(
            "melder",
            "ondermijning.melding",
            "create",
            {
                "categorie_id": self.categorie.id,
                "place": self.text("plaats"),
                "who": self.text("wie"),
                "description": self.text("wat"),
            },
        )
        wizard = self.call(
            "melder",
            "ondermijning.melding.aanvulling",
            "create",
            {"melding_id": melding_id, "text": self.text("aanvulling")},
        )
        self.call(
            "melder", "ondermijning.melding.aanvulling", "action_confirm", [wizard]
        )
        signal = self.env["ondermijning.melding"].browse(melding_id).signaal_id
        # the medewerker takes it in: subjects, wegingen, notes, documents
        self.call(
            "medewerker",
            SIGNAAL,
            "write",
            [signal.id],
            {
                "user_id": self.users["medewerker"].id,
                "melder_contact": self.text("contact"),
                "facts_location": self.text("locatie"),
                "subject_ids": [
                    Command.create(
                        {
                            "kind": "persoon",
                            "name": self.text("naam"),
                            "birth_date": self.text("geboren"),
                            "address": self.text("adres"),
                        }
                    )
                ],
            },
        )
        for weging_type, code, extra in (
            (
                "w1",
                "ondermijning",
                {
                    "indicator_ids": [
                        Command.link(
                            self.env.ref(
                                "ondermijning_signalen.indicator_verankering_1"
                            ).id
                        )
                    ]
                },
            ),
            (
                "w2a",
                "gemeentelijke_taak",
                {"taak_id": self.env.ref("ondermijning_signalen.taak_bibob").id},
            ),
            (
                "w2b",
                "binnen_gemeente",
                {
                    "register": "bag",
                    "subject_kind": "subject",
                    "within_gemeente": True,
                    "other_link_note": self.text("link"),
                },
            ),
        ):
            self.call(
                "medewerker",
                "ondermijning.weging",
                "create",
                dict(
                    {
                        "signaal_id": signal.id,
                        "weging_type": weging_type,
                        "uitkomst_id": self.outcome(weging_type, code).id,
                        "motivation": self.text(f"motivering {weging_type}"),
                    },
                    **extra,
                ),
            )
        self.upload(
            "medewerker",
            "/web/binary/upload_attachment",
            {"model": "ondermijning.notitie", "id": "0"},
            f"notitie_{MARKER}.txt",
        )
        document = self.env["ir.attachment"].search(
            [("res_model", "=", "ondermijning.notitie")], order="id desc", limit=1
        )
        self.call(
            "medewerker",
            "ondermijning.notitie",
            "create",
            {
                "signaal_id": signal.id,
                "body": self.text("notitie"),
                "attachment_ids": [Command.set(document.ids)],
            },
        )
        self.call(
            "medewerker",
            "ondermijning.notitie",
            "create",
            {
                "signaal_id": signal.id,
                "melding_id": melding_id,
                "kind": "aan_melder",
                "body": self.text("vraag aan de melder"),
            },
        )
        self.upload(
            "medewerker",
            "/mail/attachment/upload",
            {"thread_id": signal.id, "thread_model": SIGNAAL, "is_pending": "true"},
            f"chatter_{MARKER}.txt",
        )
        self.upload(
            "medewerker",
            "/web/binary/upload_attachment",
            {"model": SIGNAAL, "id": str(signal.id)},
            f"bijlage_{MARKER}.txt",
        )
        # doors that would take text in clear refuse it
        self.refused(
            "medewerker", SIGNAAL, "message_post", [signal.id], body=self.text("chat")
        )
        self.refused(
            "medewerker",
            SIGNAAL,
            "activity_schedule",
            [signal.id],
            "mail.mail_activity_data_todo",
            note=self.text("activiteit"),
        )
        self.refused(
            "medewerker",
            "mail.activity.schedule",
            "create",
            {
                "res_model": SIGNAAL,
                "res_ids": str([signal.id]),
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "summary": self.text("samenvatting"),
            },
        )
        self.move(signal, stappenplan.WEGING3)
        self.weeg(
            signal,
            "w3",
            "voldoende_zwaar",
            motivation=self.text("w3"),
            research_done=True,
            research_query=self.text("gezocht"),
            research_ground=self.text("criterium"),
        )
        self.weeg(signal, "beslis", "vervolganalyse", role="team", motivation="x")
        self.move(signal, stappenplan.BRONNEN)
        # the privacyfunctionaris approves a source; the hit is summarised
        consultation = self.call(
            "privacy",
            "ondermijning.bronraadpleging",
            "create",
            {
                "signaal_id": signal.id,
                "bron_id": self.env.ref("ondermijning_signalen.bron_1").id,
                "legal_ground": self.text("grondslag"),
            },
        )
        self.call(
            "medewerker",
            "ondermijning.bronraadpleging",
            "write",
            [consultation],
            {"summary": self.text("hit")},
        )
        self.call(
            "medewerker",
            "ondermijning.bronraadpleging",
            "action_record_hit",
            [consultation],
        )
        self.weeg(signal, "w4", "casusoverleg", role="team", motivation=self.text("w4"))
        casus = signal.sudo().casus_id
        self.call(
            "privacy",
            "ondermijning.weging",
            "create",
            {
                "casus_id": casus.id,
                "weging_type": "w5",
                "privacy_check": "2a",
                "uitkomst_id": self.outcome("w5", "akkoord").id,
                "motivation": self.text("w5 2a"),
                "pc2a_afdeling_ids": [Command.set(self.afdeling.ids)],
                "pc2a_data": self.text("2a"),
            },
        )
        self.call(
            "privacy",
            "ondermijning.weging",
            "create",
            {
                "casus_id": casus.id,
                "weging_type": "w5",
                "privacy_check": "2b",
                "uitkomst_id": self.outcome("w5", "akkoord").id,
                "motivation": self.text("w5 2b"),
                "pc2b_exchange": self.text("2b"),
                "pc2b_permitted": True,
            },
        )
        self.call(
            "medewerker",
            "ondermijning.casus",
            "write",
            [casus.id],
            {
                "plan_van_aanpak": self.text("plan"),
                "result_note": self.text("resultaat"),
                "interventie_ids": [
                    Command.create(
                        {
                            "instrument_id": self.env.ref(
                                "ondermijning_signalen.instrument_1"
                            ).id,
                            "result": self.text("interventie"),
                        }
                    )
                ],
            },
        )
        overleg = self.call(
            "medewerker",
            "ondermijning.overleg",
            "create",
            {
                "company_id": self.gemeente.id,
                "decisions": self.text("besluiten"),
                "minutes": self.text("verslag"),
                "signaal_ids": [Command.set(signal.ids)],
            },
        )
        self.call(
            "medewerker",
            "ondermijning.overleg",
            "action_write_note",
            [overleg],
        )
        self.call(
            "medewerker",
            "ondermijning.notitie",
            "create",
            {"overleg_id": overleg, "body": self.text("notitie overleg")},
        )
        signal.with_user(self.users["privacy"])._place_legal_hold(self.text("hold"))
        # everything is written
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.flush_all()
        self.assertFalse(self.tables_holding(MARKER))
        self.assertFalse(self.files_holding(MARKER))
        # and the handlers read it all back
        self.assertIn(MARKER, signal.sudo().description)
        self.assertIn(MARKER, casus.sudo().plan_van_aanpak)

    def tables_holding(self, marker):
        """Every text-like column of every table that holds the marker."""
        cr = self.env.cr
        cr.execute(
            """
            SELECT c.table_name, c.column_name, c.data_type
              FROM information_schema.columns c
              JOIN information_schema.tables t
                ON t.table_name = c.table_name AND t.table_schema = c.table_schema
             WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
               AND c.data_type IN ('character varying', 'text', 'jsonb', 'json',
                                   'bytea', 'character')
            """
        )
        found = []
        for table, column, data_type in cr.fetchall():
            if data_type == "bytea":
                condition = SQL(
                    "position(convert_to(%s, 'UTF8') in %s) > 0",
                    marker,
                    SQL.identifier(column),
                )
            else:
                condition = SQL(
                    "%s::text LIKE %s", SQL.identifier(column), f"%{marker}%"
                )
            cr.execute(
                SQL(
                    "SELECT count(*) FROM %s WHERE %s", SQL.identifier(table), condition
                )
            )
            if cr.fetchone()[0]:
                found.append(f"{table}.{column}")
        return found

    def files_holding(self, marker):
        root = self.env["ir.attachment"]._filestore()
        found = []
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = os.path.join(folder, name)
                with open(path, "rb") as stored:
                    if marker.encode() in stored.read():
                        found.append(path)
        return found
