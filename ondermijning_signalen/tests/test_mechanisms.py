"""The mechanisms that keep case content and names in, checked over the whole
registry: a model or field added later that forgets one fails here."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ROLE_GROUPS, OndermijningCase

GUARD = "ondermijning.guard.mixin"
ENCRYPTED = "ondermijning.encryption.mixin"
CASE = "ondermijning.case.mixin"
# Text that is stored in clear on a model holding case content, and why.
PLAIN_TEXT = {
    "name": "a reference made by the sequence",
    "mma_number": "the MMA report number, searched for duplicates",
    "match_key": "a keyed hash (blind index), not the value",
    "kvk_key": "a keyed hash (blind index), not the value",
    "bag_key": "a keyed hash (blind index), not the value",
    "postcode_key": "a keyed hash (blind index), not the value",
    "person_key": "a keyed hash (blind index), not the value",
    "reference": "references of records, not their content",
    "references": "references of records, not their content",
    "field_names": "names of fields, not their content",
    "origin": "the route and address of a call",
    "res_model": "a technical model name",
    "email_cc": "unused by these models (mail.thread)",
    "message_main_attachment_id": "unused",
    # ondermijning_meldpunt (when installed)
    "receipt_code": "a random identifier of a receipt, not content",
    "receipt_secret_hash": "a slow hash (PBKDF2) of the receipt's secret",
    "meldpunt_message_key": "a keyed hash of an e-mail's Message-Id",
}
# Models whose rows a role reads across gemeenten, and why (their group rules
# say so; every other company model has a global company rule).
ACROSS_GEMEENTEN = {
    "ondermijning.signaal.spoor": "anonymous statistical traces, read across "
    "gemeenten by the regional analyst",
}
OFFICIALS = {
    "ondermijning_signalen.group_medewerker",
    "ondermijning_signalen.group_afdeling",
}
PERSON_MODELS = {"res.users", "res.partner", "mail.followers", "mail.activity"}


def ondermijning_models(env):
    return {
        name: env[name]
        for name, model in env.registry.items()
        if name.startswith("ondermijning.")
        and not model._abstract
        and not model._transient
        and model._auto
    }


@tagged("post_install", "-at_install")
class TestMechanisms(OndermijningCase):
    def test_every_model_keeps_the_data_layer_rules(self):
        guard = self.env.registry[GUARD]
        for name, model in ondermijning_models(self.env).items():
            with self.subTest(model=name):
                self.assertTrue(isinstance(model, guard), f"{name} lacks {GUARD}")

    def test_every_company_model_has_a_company_rule(self):
        Rule = self.env["ir.rule"].sudo()
        for name, model in ondermijning_models(self.env).items():
            if "company_id" not in model._fields or name in ACROSS_GEMEENTEN:
                continue
            with self.subTest(model=name):
                rules = Rule.search(
                    [("model_id.model", "=", name), ("groups", "=", False)]
                )
                self.assertTrue(
                    any("company_ids" in rule.domain_force for rule in rules),
                    f"{name} has a company but no global company rule",
                )

    def test_relations_to_company_records_check_the_company(self):
        for name, model in ondermijning_models(self.env).items():
            if "company_id" not in model._fields:
                continue
            for fname, field in model._fields.items():
                if field.type != "many2one" or fname == "company_id":
                    continue
                comodel = self.env[field.comodel_name]
                if not field.store or "company_id" not in comodel._fields:
                    continue
                if field.comodel_name in ("res.users", "res.company", "res.partner"):
                    continue
                with self.subTest(field=f"{name}.{fname}"):
                    self.assertTrue(
                        field.check_company or field.compute or field.related,
                        f"{name}.{fname} links records of a gemeente without "
                        "check_company",
                    )

    def test_case_text_is_encrypted(self):
        encrypted = self.env.registry[ENCRYPTED]
        for name, model in ondermijning_models(self.env).items():
            if not isinstance(model, encrypted):
                continue
            for fname, field in model._fields.items():
                if field.type not in ("char", "text", "html") or not field.store:
                    continue
                if getattr(field, "encrypted", False) or fname in PLAIN_TEXT:
                    continue
                with self.subTest(field=f"{name}.{fname}"):
                    self.fail(
                        f"{name}.{fname} stores text in clear: encrypt it "
                        "(EncryptedChar/EncryptedText) or say why it is not case "
                        "content (PLAIN_TEXT)"
                    )

    def test_names_of_people_are_for_officials(self):
        case = self.env.registry[CASE]
        for name, model in ondermijning_models(self.env).items():
            if not isinstance(model, case):
                continue
            for fname, field in model._fields.items():
                person = fname in ("create_uid", "write_uid") or (
                    field.relational and field.comodel_name in PERSON_MODELS
                )
                if not person:
                    continue
                with self.subTest(field=f"{name}.{fname}"):
                    groups = set((field.groups or "").split(","))
                    self.assertTrue(
                        field.groups and groups <= OFFICIALS,
                        f"{name}.{fname} shows a person to more than officials",
                    )

    def test_hidden_fields_cannot_be_searched(self):
        """A domain on a field the user may not read is refused, not
        answered (yes/no questions), as every role, on every model."""
        for role in ROLE_GROUPS:
            user = self.users[role]
            for name, model in ondermijning_models(self.env).items():
                Model = model.with_user(user)
                if not Model.has_access("read"):
                    continue
                for fname, field in model._fields.items():
                    if not field.groups or field.is_accessible(Model.env):
                        continue
                    if not (field.store or field.search or field.related):
                        continue
                    with self.subTest(role=role, field=f"{name}.{fname}"):
                        with self.assertRaises(AccessError):
                            Model.search([(fname, "!=", False)])
                    groupable = field.column_type or field.type == "many2many"
                    if (
                        not field.store
                        or not groupable
                        or field.type in ("binary", "text", "html")
                    ):
                        continue
                    groupby = (
                        f"{fname}:month"
                        if field.type in ("date", "datetime")
                        else fname
                    )
                    with self.subTest(role=role, field=f"{name}.{fname}", door="group"):
                        with self.assertRaises(AccessError):
                            Model.read_group([], [fname], [groupby])

    def test_process_fields_cannot_be_written_by_any_role(self):
        """Every field that records the process (declared readonly: step
        dates, end state, seal, legal hold, references, who and when) refuses
        a write and a create from every role, on every model. (What a role
        may write otherwise is the access matrix's.)"""
        for role in ROLE_GROUPS:
            user = self.users[role]
            for name, model in ondermijning_models(self.env).items():
                Model = model.with_user(user)
                for fname, field in model._fields.items():
                    if fname == "id" or not field.store or field.readonly is not True:
                        continue
                    with self.subTest(role=role, field=f"{name}.{fname}"):
                        with self.assertRaises(AccessError):
                            Model.browse().write({fname: False})
                        with self.assertRaises(AccessError):
                            Model._check_process_fields({fname: False})
