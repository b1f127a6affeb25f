import subprocess
import tempfile
from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import TransactionCase, new_test_user
from odoo.tools import mute_logger

from odoo.addons.ondermijning_signalen import stappenplan
from odoo.addons.ondermijning_signalen.tools import destroy

ROLE_GROUPS = {
    "melder": "base.group_user",
    "medewerker": "ondermijning_signalen.group_medewerker,base.group_allow_export",
    "team": "ondermijning_signalen.group_team",
    "privacy": "ondermijning_signalen.group_privacy",
    "overleg": "ondermijning_signalen.group_overleg,base.group_allow_export",
    "afdeling": "ondermijning_signalen.group_afdeling",
    "beheerder": "ondermijning_signalen.group_beheerder",
    "analist": "ondermijning_signalen.group_analist",
}


@contextmanager
def destroy_failing_for(signal_id, tried=None):
    """The purge's destruction failing late (after its deletes) for any batch
    of signals that holds ``signal_id``; ``tried`` receives the size of
    every batch of signals tried."""
    original = destroy.destroy

    def failing_late(env, model_name, ids, files):
        doomed = original(env, model_name, ids, files)
        if model_name == "ondermijning.signaal":
            if tried is not None:
                tried.append(len(ids))
            if signal_id in ids:
                raise ValueError("simulated failure")
        return doomed

    with patch.object(destroy, "destroy", failing_late):
        yield


class OndermijningCase(TransactionCase):
    """Two gemeenten, a user per role in the first, a medewerker in the
    second, and helpers that walk a signal through the stappenplan the way
    the users do (as those users, not as superuser)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.gemeente = cls.env["res.company"].create(
            {"name": "Gemeente Hengelo (test)"}
        )
        cls.gemeente2 = cls.env["res.company"].create(
            {"name": "Gemeente Almelo (test)"}
        )
        cls.users = {}
        for role, groups in ROLE_GROUPS.items():
            cls.users[role] = new_test_user(
                cls.env,
                login=f"test_{role}",
                groups=f"base.group_user,{groups}",
                company_id=cls.gemeente.id,
                company_ids=[cls.gemeente.id],
            )
        cls.users["team"].groups_id |= cls.env.ref("ondermijning_signalen.group_team")
        cls.medewerker2 = new_test_user(
            cls.env,
            login="test_medewerker2",
            groups="base.group_user,ondermijning_signalen.group_medewerker",
            company_id=cls.gemeente2.id,
            company_ids=[cls.gemeente2.id],
        )
        cls.afdeling = cls.env["ondermijning.afdeling"].create(
            {
                "name": "Vergunningen",
                "company_id": cls.gemeente.id,
                "user_ids": [(4, cls.users["afdeling"].id)],
            }
        )
        cls.politie = cls.env["res.partner"].create(
            {"name": "Politie Oost-Nederland", "is_company": True}
        )
        cls.users["overleg"].partner_id.parent_id = cls.politie
        cls.categorie = cls.env.ref("ondermijning_signalen.categorie_mma_drugsdelicten")
        cls.stage = {
            code: cls.env.ref(f"ondermijning_signalen.stage_{code}")
            for code in stappenplan.STEP_ORDER
        }

    # -- helpers ---------------------------------------------------------
    @contextmanager
    def assertRefused(self, exception, regex):
        """assertRaises (which rolls back to a savepoint, unlike
        assertRaisesRegex) plus a check of the message the user sees."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), regex)

    def pdf_text(self, xmlid, user, records, data=None):
        """A report as that user prints it, through wkhtmltopdf, in plain text."""
        report = self.env.ref(xmlid)
        # Debian's wkhtmltopdf (unpatched Qt) warns that it ignores the header
        with mute_logger("odoo.addons.base.models.ir_actions_report"):
            pdf, kind = (
                report.with_user(user)
                # the web client sends the user's language
                .with_context(force_report_rendering=True, lang=user.lang)
                ._render_qweb_pdf(report.report_name, records.ids, data=data)
            )
        self.assertEqual(kind, "pdf")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            return subprocess.run(
                ["pdftotext", "-layout", file.name, "-"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout

    def as_user(self, role, records):
        return records.with_user(self.users[role])

    def outcome(self, weging_type, code):
        return self.env.ref(f"ondermijning_signalen.uitkomst_{weging_type}_{code}")

    def new_signal(self, **vals):
        Signal = self.env["ondermijning.signaal"].with_user(self.users["medewerker"])
        return Signal.create(
            dict(
                {
                    "categorie_id": self.categorie.id,
                    "description": "Hennepkwekerij vermoed aan de Dorpsstraat 1",
                    "company_id": self.gemeente.id,
                },
                **vals,
            )
        )

    def weeg(self, signal, weging_type, code, role="medewerker", **vals):
        values = {
            "signaal_id": signal.id,
            "weging_type": weging_type,
            "uitkomst_id": self.outcome(weging_type, code).id,
            "motivation": f"Motivering {weging_type} {code}",
        }
        if weging_type == "w1":
            values["indicator_ids"] = [
                (4, self.env.ref("ondermijning_signalen.indicator_verankering_1").id)
            ]
            values["signalering_ids"] = [
                (4, self.env.ref("ondermijning_signalen.indicator_signalering_2").id)
            ]
        if (weging_type, code) == ("w2a", "gemeentelijke_taak"):
            values["taak_id"] = self.env.ref(
                "ondermijning_signalen.taak_openbare_orde"
            ).id
        if weging_type == "w2b":
            values["register"] = "bag"
            values["subject_kind"] = "subject"
            values["within_gemeente"] = code == "binnen_gemeente"
        if (weging_type, code) == ("w3", "voldoende_zwaar"):
            required = self.env["ondermijning.weging.criterium"].search(
                [("required", "=", True)]
            )
            values["criterium_ids"] = [(6, 0, required.ids)]
        values.update(vals)
        return (
            self.env["ondermijning.weging"].with_user(self.users[role]).create(values)
        )

    def move(self, signal, code, role="medewerker"):
        signal.with_user(self.users[role]).write({"stage_id": self.stage[code].id})

    def through_stap1(self, signal):
        self.weeg(signal, "w1", "ondermijning")
        self.weeg(signal, "w2a", "gemeentelijke_taak")
        self.weeg(signal, "w2b", "binnen_gemeente")
        self.move(signal, stappenplan.WEGING3)

    def through_stap2(self, signal):
        self.through_stap1(signal)
        self.weeg(signal, "w3", "voldoende_zwaar")
        self.weeg(signal, "beslis", "vervolganalyse", role="team")
        self.move(signal, stappenplan.BRONNEN)

    def privacy_check(self, casus, kind="2a", code="akkoord", **vals):
        """Weging 5 as the privacyfunctionaris: 2A (what may be shared with
        whom) or 2B (the exchange the approach needs, permitted)."""
        values = {
            "casus_id": casus.id,
            "weging_type": "w5",
            "privacy_check": kind,
            "uitkomst_id": self.outcome("w5", code).id,
            "motivation": f"Privacy check {kind}",
        }
        if kind == "2a":
            values.update(
                pc2a_afdeling_ids=[(6, 0, self.afdeling.ids)],
                pc2a_partner_ids=[(6, 0, self.politie.ids)],
                pc2a_data="Adres en KvK-gegevens",
            )
        else:
            values.update(pc2b_exchange="Vergunningdossier", pc2b_permitted=True)
        values.update(vals)
        return (
            self.env["ondermijning.weging"]
            .with_user(self.users["privacy"])
            .create(values)
        )

    def approve_source(self, signal, xmlid="ondermijning_signalen.bron_1"):
        return (
            self.env["ondermijning.bronraadpleging"]
            .with_user(self.users["privacy"])
            .create(
                {
                    "signaal_id": signal.id,
                    "bron_id": self.env.ref(xmlid).id,
                    "legal_ground": "Art. 6 lid 1 sub e AVG",
                }
            )
        )

    def through_stap3(self, signal):
        self.through_stap2(signal)
        hit = self.approve_source(signal)
        hit.with_user(self.users["medewerker"]).summary = "Bekend bij vergunningen"
        hit.with_user(self.users["medewerker"]).action_record_hit()
        self.weeg(signal, "w4", "casusoverleg", role="team")
        self.move(signal, stappenplan.CASUS)
        return signal.casus_id
