from odoo import models

CASE_CONTENT_GROUPS = (
    "ondermijning_signalen.group_medewerker",
    "ondermijning_signalen.group_overleg",
    "ondermijning_signalen.group_afdeling",
)


class ResUsers(models.Model):
    """Two-factor authentication for everyone who can read case content,
    where the gemeente requires it: TOTP when the user set it up, else a
    code by e-mail (Odoo Community's auth_totp_mail_enforce)."""

    _inherit = "res.users"

    def _mfa_type(self):
        mfa_type = super()._mfa_type()
        if mfa_type is not None:
            return mfa_type
        if self._ondermijning_requires_2fa():
            return "totp_mail"
        return None

    def _ondermijning_requires_2fa(self):
        self.ensure_one()
        user = self.sudo()
        return any(user.company_ids.mapped("ondermijning_require_2fa")) and any(
            user.has_group(group) for group in CASE_CONTENT_GROUPS
        )
