from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ROLE_GROUPS, OndermijningCase

STAFF = ("medewerker", "team", "privacy")
CASE_MODELS = (
    "ondermijning.signaal",
    "ondermijning.casus",
    "ondermijning.overleg",
    "ondermijning.interventie",
)
ROLES = tuple(ROLE_GROUPS)
# (model, operation) -> roles allowed by the access rights; everyone else is refused
WRITE_RIGHTS = {
    ("ondermijning.signaal", "create"): STAFF,
    ("ondermijning.signaal", "write"): STAFF,
    ("ondermijning.casus", "create"): STAFF,
    ("ondermijning.casus", "write"): STAFF,
    ("ondermijning.weging", "create"): STAFF,
    ("ondermijning.bronraadpleging", "create"): ("privacy",),
    ("ondermijning.bronraadpleging", "write"): STAFF,
    ("ondermijning.subject", "create"): STAFF,
    ("ondermijning.subject", "write"): STAFF,
    ("ondermijning.subject", "unlink"): STAFF,
    ("ondermijning.interventie", "create"): STAFF,
    ("ondermijning.interventie", "write"): (*STAFF, "afdeling"),
    ("ondermijning.interventie", "unlink"): STAFF,
    ("ondermijning.overleg", "create"): STAFF,
    ("ondermijning.overleg", "write"): STAFF,
    ("ondermijning.overleg", "unlink"): STAFF,
    ("ondermijning.melding", "create"): ROLES,
    ("ondermijning.categorie", "create"): ("beheerder",),
    ("ondermijning.categorie", "write"): ("beheerder",),
    ("ondermijning.categorie", "unlink"): ("beheerder",),
}


@tagged("post_install", "-at_install")
class TestAccessMatrix(OndermijningCase):
    """Every role × every model × search, read, read_group, name_search,
    export, create, write, unlink, messages and attachments: what it may see
    and do, and what it must not (an AccessError or nothing)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        base = {
            "categorie_id": cls.categorie.id,
            "company_id": cls.gemeente.id,
            "user_id": cls.users["medewerker"].id,
            "description": "Geheim",
        }
        Signal = env["ondermijning.signaal"]
        cls.agenda = Signal.create(
            dict(
                base,
                subject_ids=[
                    Command.create({"kind": "bedrijf", "kvk_number": "12345678"})
                ],
            )
        )
        cls.referred = Signal.create(dict(base, afdeling_id=cls.afdeling.id))
        cls.internal = Signal.create(dict(base))
        cls.elsewhere = Signal.create(
            dict(base, company_id=cls.gemeente2.id, user_id=cls.medewerker2.id)
        )
        cls.weging = env["ondermijning.weging"].create(
            {
                "signaal_id": cls.internal.id,
                "weging_type": "w1",
                "uitkomst_id": env.ref(
                    "ondermijning_signalen.uitkomst_w1_ondermijning"
                ).id,
                "indicator_ids": [
                    Command.link(
                        env.ref("ondermijning_signalen.indicator_verankering_1").id
                    )
                ],
                "motivation": "Geheim",
            }
        )
        cls.casus = env["ondermijning.casus"].create({"company_id": cls.gemeente.id})
        cls.casus.write(
            {
                "cleared_partner_ids": [Command.set(cls.politie.ids)],
                "cleared_afdeling_ids": [Command.set(cls.afdeling.ids)],
            }
        )
        cls.casus_internal = env["ondermijning.casus"].create(
            {"company_id": cls.gemeente.id}
        )
        cls.interventie = env["ondermijning.interventie"].create(
            {
                "casus_id": cls.casus.id,
                "afdeling_id": cls.afdeling.id,
                "instrument_id": env.ref("ondermijning_signalen.instrument_1").id,
            }
        )
        cls.overleg = env["ondermijning.overleg"].create(
            {
                "company_id": cls.gemeente.id,
                "user_ids": [Command.set(cls.users["overleg"].ids)],
                "signaal_ids": [Command.set(cls.agenda.ids)],
                "casus_ids": [Command.set((cls.casus | cls.casus_internal).ids)],
            }
        )
        # the privacyfunctionaris cleared the agenda signal for the politie
        env["ondermijning.vrijgave"].create(
            {
                "signaal_id": cls.agenda.id,
                "partner_id": cls.politie.id,
                "scope": "subjecten",
                "legal_ground": "RIEC-convenant",
            }
        )
        cls.melding = (
            env["ondermijning.melding"]
            .with_user(cls.users["melder"])
            .create({"categorie_id": cls.categorie.id, "description": "Verdacht"})
        )
        cls.signals = (
            cls.agenda
            | cls.referred
            | cls.internal
            | cls.elsewhere
            | cls.melding.sudo().signaal_id
        )
        cls.audit = env["ondermijning.audit.log"].search(
            [
                ("res_model", "=", "ondermijning.signaal"),
                ("res_id", "in", cls.signals.ids),
            ]
        )
        cls.records = {
            "ondermijning.signaal": cls.signals,
            "ondermijning.casus": cls.casus | cls.casus_internal,
            "ondermijning.weging": cls.weging,
            "ondermijning.subject": cls.agenda.subject_ids,
            "ondermijning.interventie": cls.interventie,
            "ondermijning.overleg": cls.overleg,
            "ondermijning.melding": cls.melding,
            "ondermijning.audit.log": cls.audit,
            "ondermijning.categorie": cls.categorie,
        }
        nothing = {model: env[model] for model in cls.records}
        refused = None  # an AccessError: no access right at all
        staff = dict(
            cls.records,
            **{
                "ondermijning.signaal": cls.signals - cls.elsewhere,
                "ondermijning.melding": env["ondermijning.melding"],
                "ondermijning.audit.log": refused,
            },
        )
        cls.visible = {role: dict(staff) for role in STAFF}
        cls.visible["privacy"]["ondermijning.audit.log"] = cls.audit.filtered(
            lambda line: line.company_id == cls.gemeente
        )
        cls.visible["overleg"] = dict(
            nothing,
            **{
                "ondermijning.signaal": cls.agenda,
                "ondermijning.casus": cls.casus,
                "ondermijning.weging": refused,
                "ondermijning.subject": cls.agenda.subject_ids,
                "ondermijning.interventie": cls.interventie,
                "ondermijning.overleg": cls.overleg,
                "ondermijning.audit.log": refused,
                "ondermijning.categorie": cls.categorie,
            },
        )
        cls.visible["afdeling"] = dict(
            nothing,
            **{
                "ondermijning.signaal": cls.referred,
                "ondermijning.casus": cls.casus,
                "ondermijning.weging": refused,
                "ondermijning.interventie": cls.interventie,
                "ondermijning.overleg": refused,
                "ondermijning.audit.log": refused,
                "ondermijning.categorie": cls.categorie,
            },
        )
        for role in ("melder", "beheerder", "analist"):
            cls.visible[role] = dict.fromkeys(cls.records, refused)
            cls.visible[role]["ondermijning.categorie"] = cls.categorie
            cls.visible[role]["ondermijning.melding"] = (
                cls.melding if role == "melder" else env["ondermijning.melding"]
            )
        for model, records in cls.records.items():
            if hasattr(env[model], "message_post"):
                for record in records.sudo():
                    record.message_post(
                        body="Interne notitie", subtype_xmlid="mail.mt_note"
                    )
        cls.attachments = env["ir.attachment"].create(
            [
                {
                    "name": "stuk.txt",
                    "raw": b"stuk",
                    "res_model": model,
                    "res_id": record.id,
                }
                for model, records in cls.records.items()
                for record in records
            ]
        )

    def as_role(self, role, model):
        self.env.invalidate_all()
        return self.env[model].with_user(self.users[role])

    def test_rights_on_consultations(self):
        """Only the privacyfunctionaris approves a source; staff record results."""
        for role in ROLES:
            with self.subTest(role=role):
                self.check_writing(role, "ondermijning.bronraadpleging")

    def test_matrix(self):
        for role in ROLES:
            for model, records in self.records.items():
                with self.subTest(role=role, model=model):
                    self.check_reading(role, model, records, self.visible[role][model])
                    self.check_writing(role, model)

    def check_reading(self, role, model, records, visible):
        Model = self.as_role(role, model)
        domain = [("id", "in", records.ids)]
        if visible is None:
            for call in (
                lambda: Model.search(domain),
                lambda: Model.search_count(domain),
                lambda: Model.read_group(domain, ["id:count"], []),
                lambda: Model.name_search(""),
                lambda: records[:1].with_env(Model.env).read(["display_name"]),
            ):
                with self.assertRaises(AccessError):
                    call()
            self.check_documents(role, model, records, Model.browse())
            return
        self.assertEqual(Model.search(domain), visible.with_env(Model.env))
        self.assertEqual(Model.read_group(domain, [], [])[0]["__count"], len(visible))
        found = {id_ for id_, _name in Model.name_search("", limit=10000)}
        self.assertEqual(found & set(records.ids), set(visible.ids))
        for hidden in records - visible:
            with self.assertRaises(AccessError):
                hidden.with_env(Model.env).read(["display_name"])
        if visible and self.users[role].has_group("base.group_allow_export"):
            rows = visible.with_env(Model.env).export_data(["display_name"])["datas"]
            self.assertEqual(len(rows), len(visible))
        self.check_documents(role, model, records, visible)

    def check_documents(self, role, model, records, visible):
        """Documents and chatter of a case record only reach who may handle
        it (change it: the staff); documents of other records follow read
        access to their record."""
        may_change = (
            visible.with_user(self.users[role])._filtered_access("write")
            if visible
            else visible
        )
        Attachment = self.as_role(role, "ir.attachment")
        found = Attachment.search(
            [("res_model", "=", model), ("res_id", "in", records.ids)]
        )
        expected = may_change if model in CASE_MODELS else visible
        self.assertEqual(set(found.mapped("res_id")), set(expected.ids))
        if model not in CASE_MODELS:
            return
        Message = self.as_role(role, "mail.message")
        notes = Message.search(
            [
                ("model", "=", model),
                ("res_id", "in", records.ids),
                ("body", "ilike", "Interne notitie"),
            ]
        )
        self.assertEqual(set(notes.mapped("res_id")), set(may_change.ids))

    def check_writing(self, role, model):
        Model = self.as_role(role, model)
        for operation in ("create", "write", "unlink"):
            if model == "ondermijning.audit.log":
                self.assertFalse(
                    Model.has_access(operation), "nobody edits the audit log"
                )
                continue
            allowed = role in WRITE_RIGHTS.get((model, operation), ())
            self.assertEqual(
                Model.has_access(operation),
                allowed,
                f"{operation} on {model} for {role}",
            )

    def test_a_partner_cannot_read_a_field_the_role_may_not_see(self):
        self.assertEqual(
            self.agenda.with_user(self.users["overleg"]).description, "Geheim"
        )
        for field in (
            "user_id",
            "weging_ids",
            "raadpleging_ids",
            "melder_contact",
            "melder_user_id",
        ):
            with self.subTest(field=field), self.assertRaises(AccessError):
                self.agenda.with_user(self.users["overleg"]).read([field])
        with self.assertRaises(AccessError):
            self.melding.with_user(self.users["melder"]).read(["signaal_id"])
