import io

import openpyxl

from odoo import fields

from odoo.addons.ondermijning_signalen.tests.common import OndermijningCase

QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}


class RapportageCase(OndermijningCase):
    """The roles and gemeenten of the domain tests, plus helpers to export a
    workbook as a given user and read it back with openpyxl."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mma = cls.env.ref("ondermijning_signalen.herkomst_mma")
        cls.meldpunt = cls.env.ref("ondermijning_signalen.herkomst_meldpunt")
        cls.woonfraude = cls.env.ref("ondermijning_signalen.categorie_mma_woonfraude")

    @classmethod
    def quick_signals(cls, company, count, date_received, **vals):
        """Create ``count`` signals at once with minimal fields (as superuser,
        without chatter or activities), for figures rather than process."""
        Signal = cls.env["ondermijning.signaal"].with_context(
            **QUIET, ondermijning_no_audit=True
        )
        base = dict(
            {
                "company_id": company.id,
                "categorie_id": cls.env.ref(
                    "ondermijning_signalen.categorie_mma_drugsdelicten"
                ).id,
                "date_received": date_received,
                "user_id": False,
            },
            **vals,
        )
        if (
            base.get("herkomst_id")
            == cls.env.ref("ondermijning_signalen.herkomst_mma").id
            and "mma_number" not in vals
        ):
            stamp = fields.Datetime.to_datetime(date_received).strftime("%Y%m%d")
            return Signal.create(
                [
                    dict(base, mma_number=f"MMA-{company.id}-{stamp}-{i}")
                    for i in range(count)
                ]
            )
        return Signal.create([dict(base) for _i in range(count)])

    def export(self, role_or_user, export_type, **filters):
        """Run the export wizard as a user; return the openpyxl workbook."""
        user = (
            self.users[role_or_user] if isinstance(role_or_user, str) else role_or_user
        )
        self.env.invalidate_all()
        values = {"export_type": export_type}
        for key, value in filters.items():
            if key in ("company_ids", "categorie_ids"):
                value = [(6, 0, value)]
            values[key] = value
        wizard = self.env["ondermijning.export.wizard"].with_user(user).create(values)
        buffer = io.BytesIO()
        wizard._generate(buffer)
        buffer.seek(0)
        return openpyxl.load_workbook(buffer)

    @staticmethod
    def rows(sheet):
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    @staticmethod
    def as_dicts(sheet):
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        header = rows[0]
        return [dict(zip(header, row, strict=False)) for row in rows[1:]]
