import logging
from datetime import datetime, time

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessDenied
from odoo.http import request

from .ondermijning_login_attempt import current_client_address

_logger = logging.getLogger(__name__)

# Where each role lands after login, first match wins: a role's group and
# the method of res.users that gives its home (an action). A user holding
# several roles lands on the first; groups that imply others come first.
ROLE_HOMES = (
    ("ondermijning_signalen.group_privacy", "_ondermijning_home_privacy"),
    ("ondermijning_signalen.group_medewerker", "_ondermijning_home_medewerker"),
    ("ondermijning_signalen.group_analist", "_ondermijning_home_analist"),
    ("ondermijning_signalen.group_overleg", "_ondermijning_home_overleg"),
    ("ondermijning_signalen.group_afdeling", "_ondermijning_home_afdeling"),
    ("ondermijning_signalen.group_beheerder", "_ondermijning_home_beheerder"),
    ("ondermijning_signalen.group_melder", "_ondermijning_home_melder"),
)
HOME_ACTION = "ondermijning_signalen.action_ondermijning_home"

CASE_CONTENT_GROUPS = (
    "ondermijning_signalen.group_medewerker",
    "ondermijning_signalen.group_overleg",
    "ondermijning_signalen.group_afdeling",
)


class ResUsers(models.Model):
    """Logins of those who can read case content.

    * Two-factor authentication where the gemeente requires it: TOTP when
      the user set it up, else a code by e-mail (Odoo Community's
      auth_totp_mail_enforce). Over XML-RPC/JSON-RPC, which cannot ask a
      second factor, such a user logs in with an API key only (made after a
      login with the second factor), never with the password; this does not
      depend on the Odoo build nor on how the second factor is set up.
    * Failed logins are throttled on every path (web, XML-RPC, JSON-RPC)
      per login and per source address by ``ondermijning.login.attempt``,
      in the database (all workers alike); it replaces Odoo's cooldown per
      address, which another account's success resets and which locks out
      everybody behind the same address."""

    _inherit = "res.users"

    # ------------------------------------------------------------------
    # Two-factor authentication
    # ------------------------------------------------------------------
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

    def _rpc_api_keys_only(self):
        return self._ondermijning_requires_2fa() or super()._rpc_api_keys_only()

    def _check_credentials(self, credential, env):
        try:
            return super()._check_credentials(credential, env)
        except AccessDenied:
            if (
                not (env or {}).get("interactive", True)
                and credential.get("type") == "password"
                and self.env.user._ondermijning_requires_2fa()
                and self._ondermijning_password_matches(credential.get("password"))
            ):
                raise AccessDenied(
                    self.env._(
                        "Two-factor authentication is required for this account: "
                        "a password cannot be used over XML-RPC or JSON-RPC. Log in "
                        "to the web client and create an API key (My Profile > "
                        "Account Security) to use instead of the password."
                    )
                ) from None
            raise

    def _ondermijning_password_matches(self, password):
        """Whether the right password was given, to say why it was refused
        (a wrong one gets the usual answer)."""
        if not password:
            return False
        self.env.cr.execute(
            "SELECT COALESCE(password, '') FROM res_users WHERE id = %s",
            [self.env.user.id],
        )
        [hashed] = self.env.cr.fetchone()
        return bool(hashed) and self._crypt_context().verify(password, hashed)

    # ------------------------------------------------------------------
    # Login throttling
    # ------------------------------------------------------------------
    def _on_login_cooldown(self, failures, previous):
        """Odoo's cooldown per address is replaced by the throttle per login
        and per address (``_login`` and ``check`` below)."""
        return False

    @classmethod
    def _login(cls, db, credential, user_agent_env):
        login = credential.get("login") or ""
        address = cls._ondermijning_source_address()
        attempts = cls.pool["ondermijning.login.attempt"]
        attempts._refuse_when_throttled(cls.pool, login, address)
        try:
            auth_info = super()._login(db, credential, user_agent_env)
        except AccessDenied:
            attempts._record(cls.pool, login, address, success=False)
            raise
        attempts._record(cls.pool, login, address, success=True)
        return auth_info

    @classmethod
    def check(cls, db, uid, passwd):
        """Every XML-RPC/JSON-RPC call checks the password again: a wrong
        one counts as a failed login of that user, and a throttled login
        is refused before its password is tried."""
        attempts = cls.pool["ondermijning.login.attempt"]
        address = cls._ondermijning_source_address()
        login = attempts._refuse_when_throttled(cls.pool, None, address, uid=uid)
        try:
            return super().check(db, uid, passwd)
        except AccessDenied:
            attempts._record(cls.pool, login, address, success=False)
            raise

    @classmethod
    def _ondermijning_source_address(cls):
        """The client's address as Odoo sees it (behind a proxy: with
        ``proxy_mode`` the address the proxy reports)."""
        if request:
            return request.httprequest.remote_addr
        return current_client_address()

    # ------------------------------------------------------------------
    # Home per role
    # ------------------------------------------------------------------
    # Every internal user's home action (res.users.action_id) is the one
    # server action HOME_ACTION, which asks _ondermijning_home_action() at
    # login: a change of roles needs no update of the users, and a home
    # chosen by hand for a user (another action_id) is left alone.

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._ondermijning_without_home()._ondermijning_set_home()
        return users

    def write(self, vals):
        res = super().write(vals)
        if "groups_id" in vals or "share" in vals:
            self._ondermijning_without_home()._ondermijning_set_home()
        return res

    def _ondermijning_without_home(self):
        return self.filtered(lambda user: not user.share and not user.action_id)

    @api.model
    def _ondermijning_set_home_all(self):
        """Install and update: internal users without a home get the role home."""
        users = self.with_context(active_test=False).search([("share", "=", False)])
        users._ondermijning_without_home()._ondermijning_set_home()

    def _ondermijning_set_home(self):
        home = self.env.ref(HOME_ACTION, raise_if_not_found=False)
        if home and self:
            self.sudo().write({"action_id": home.id})

    def _ondermijning_home_action(self):
        """The action the current user lands on: that of their first role
        in ROLE_HOMES (the melder's reports at least)."""
        user = self.env.user
        for group, method in ROLE_HOMES:
            if user.has_group(group):
                action = getattr(user, method)()
                if action:
                    return action
        return False

    def _ondermijning_home_for_xml_id(self, xml_id, **overrides):
        """An action by xml id (False when its addon is not installed)."""
        if not self.env.ref(xml_id, raise_if_not_found=False):
            return False
        action = self.env["ir.actions.actions"]._for_xml_id(xml_id)
        action.update(overrides)
        return action

    def _ondermijning_home_privacy(self):
        """The privacyfunctionaris: her queue of what waits for her decision."""
        return self._ondermijning_home_for_xml_id(
            "ondermijning_signalen.action_privacy_queue"
        )

    def _ondermijning_home_medewerker(self):
        """Medewerker ondermijning and ondermijningsteam: the stap board."""
        return self._ondermijning_home_for_xml_id(
            "ondermijning_signalen.ondermijning_signaal_action"
        )

    def _ondermijning_home_analist(self):
        """The regional analyst: the dashboard (ondermijning_rapportage), else
        the statistics."""
        return self._ondermijning_home_for_xml_id(
            "ondermijning_rapportage.action_dashboard_home"
        ) or self._ondermijning_home_for_xml_id(
            "ondermijning_rapportage.ondermijning_statistiek_action"
        )

    def _ondermijning_home_overleg(self):
        """A partner: the agenda of their next overleg (from today on), or
        the list of their overleggen when none is planned."""
        tz = pytz.timezone(self.env.user.tz or "UTC")
        today = (
            tz.localize(datetime.combine(fields.Date.context_today(self), time.min))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )
        overleg = self.env["ondermijning.overleg"].search(
            [
                ("user_ids", "in", self.env.uid),
                ("state", "=", "gepland"),
                ("date", ">=", today),
            ],
            order="date asc, id asc",
            limit=1,
        )
        if not overleg:
            return self._ondermijning_home_for_xml_id(
                "ondermijning_signalen.ondermijning_overleg_action"
            )
        return self._ondermijning_home_for_xml_id(
            "ondermijning_signalen.ondermijning_overleg_action",
            res_id=overleg.id,
            view_mode="form",
            views=[(False, "form")],
        )

    def _ondermijning_home_afdeling(self):
        """A department: what was referred to it."""
        return self._ondermijning_home_for_xml_id(
            "ondermijning_signalen.ondermijning_signaal_action_afdeling"
        )

    def _ondermijning_home_beheerder(self):
        """The beheerder: configuration, starting with the gemeenten."""
        return self._ondermijning_home_for_xml_id(
            "ondermijning_signalen.action_ondermijning_company_settings"
        )

    def _ondermijning_home_melder(self):
        """Any employee: their own reports, from which they report anew."""
        return self._ondermijning_home_for_xml_id(
            "ondermijning_signalen.ondermijning_melding_action"
        )
