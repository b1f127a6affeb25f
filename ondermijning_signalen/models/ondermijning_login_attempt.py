import contextlib
import contextvars
import datetime
import hashlib
import hmac
import logging

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessDenied
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# (kind, failures allowed, within minutes): more failures than that within
# the window and the login is refused until the window has passed.
DEFAULT_LIMITS = {
    # one login from one address: someone guessing a password
    "pair": (5, 15),
    # one login from anywhere: guessing spread over many addresses
    "login": (20, 60),
    # one address, any login: trying many logins (a town hall's proxy has
    # many users: only logins that never succeeded from it are held up)
    "address": (50, 15),
}
# How long a success from an address keeps that login clear of the
# address-wide limit, and how long rows are kept at all.
KNOWN_DAYS = 30
# The client's address while Odoo serves XML-RPC/JSON-RPC (which hides the
# request from the code it calls); set by the RPC controller.
_CLIENT_ADDRESS = contextvars.ContextVar("ondermijning_client_address", default=None)


@contextlib.contextmanager
def client_address(address):
    token = _CLIENT_ADDRESS.set(address)
    try:
        yield
    finally:
        _CLIENT_ADDRESS.reset(token)


def current_client_address():
    return _CLIENT_ADDRESS.get()


class OndermijningLoginAttempt(models.Model):
    """Failed and successful logins, kept as keyed hashes of the login and
    the address (never in clear) for a short while, so that every worker
    and every node throttles alike. Written on a cursor of its own: a failed
    login rolls back its own transaction."""

    _name = "ondermijning.login.attempt"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Login attempt"
    _log_access = False
    _order = "id desc"

    kind = fields.Selection(
        [("pair", "Login from address"), ("login", "Login"), ("address", "Address")],
        required=True,
    )
    key = fields.Char(required=True, index=True)
    success = fields.Boolean()
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)

    @classmethod
    def _keys(cls, env, login, address):
        secret = (
            env["ir.config_parameter"].sudo().get_param("database.secret") or ""
        ).encode()

        def digest(value):
            return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()

        login = (login or "").strip().lower()
        keys = {"login": digest(f"login:{login}")}
        if address:
            keys["pair"] = digest(f"pair:{login}|{address}")
            keys["address"] = digest(f"address:{address}")
        return keys

    @classmethod
    def _limits(cls, env):
        params = env["ir.config_parameter"].sudo()
        limits = {}
        for kind, (count, minutes) in DEFAULT_LIMITS.items():
            try:
                count = int(
                    params.get_param(f"ondermijning.login_{kind}_failures", count)
                )
                minutes = int(
                    params.get_param(f"ondermijning.login_{kind}_minutes", minutes)
                )
            except ValueError:
                _logger.warning(
                    "ondermijning.login_%s_* is not a whole number; using %s in %s min",
                    kind,
                    *DEFAULT_LIMITS[kind],
                )
                count, minutes = DEFAULT_LIMITS[kind]
            limits[kind] = (count, minutes)
        return limits

    @classmethod
    def _refuse_when_throttled(cls, registry, login, address, uid=None):
        """Refuse an attempt of a login that failed too often, before its
        password is even tried (``uid`` instead of ``login`` for RPC calls)."""
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            if uid is not None:
                cr.execute("SELECT login FROM res_users WHERE id = %s", [uid])
                row = cr.fetchone()
                login = row[0] if row else str(uid)
            env = env(context={"lang": cls._language_of(cr, login)})
            keys = cls._keys(env, login, address)
            now = fields.Datetime.now()
            limits = {
                kind: limit
                for kind, limit in cls._limits(env).items()
                if kind in keys and limit[0] > 0
            }
            if not limits:
                return login
            counts = SQL(", ").join(
                SQL(
                    "count(*) FILTER (WHERE kind = %s AND key = %s AND date >= %s)",
                    kind,
                    keys[kind],
                    now - datetime.timedelta(minutes=minutes),
                )
                for kind, (_count, minutes) in limits.items()
            )
            cr.execute(
                SQL(
                    "SELECT %s FROM ondermijning_login_attempt "
                    "WHERE NOT success AND key IN %s",
                    counts,
                    tuple(keys.values()),
                )
            )
            failures = dict(zip(limits, cr.fetchone(), strict=True))
            for kind, (count, minutes) in limits.items():
                if failures[kind] < count:
                    continue
                if kind == "address" and cls._known_here(cr, keys, now):
                    continue
                raise AccessDenied(
                    env._("Too many failed logins: try again in %s minutes.", minutes)
                )
        return login

    @classmethod
    def _language_of(cls, cr, login):
        """The language of the user the login belongs to (for the message)."""
        cr.execute(
            "SELECT p.lang FROM res_users u JOIN res_partner p ON p.id = u.partner_id "
            "WHERE u.login = %s",
            [login],
        )
        row = cr.fetchone()
        return (row and row[0]) or "en_US"

    @classmethod
    def _known_here(cls, cr, keys, now):
        """This login succeeded from this address recently."""
        cr.execute(
            SQL(
                "SELECT 1 FROM ondermijning_login_attempt "
                "WHERE kind = 'pair' AND key = %s AND success AND date >= %s LIMIT 1",
                keys["pair"],
                now - datetime.timedelta(days=KNOWN_DAYS),
            )
        )
        return bool(cr.fetchone())

    @classmethod
    def _record(cls, registry, login, address, success):
        """A failure counts against the login, the address and the pair; a
        success only marks the pair as known (it resets nothing: failures
        age out of their window)."""
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            keys = cls._keys(env, login, address)
            now = fields.Datetime.now()
            rows = (
                [("pair", keys["pair"])]
                if success and "pair" in keys
                else []
                if success
                else list(keys.items())
            )
            for kind, key in rows:
                cr.execute(
                    SQL(
                        "INSERT INTO ondermijning_login_attempt "
                        "(kind, key, success, date) VALUES (%s, %s, %s, %s)",
                        kind,
                        key,
                        success,
                        now,
                    )
                )

    @api.model
    def _cron_forget(self):
        """Failures count for an hour at most, successes for a month."""
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                "DELETE FROM ondermijning_login_attempt "
                "WHERE (NOT success AND date < %s) OR date < %s",
                now - datetime.timedelta(days=1),
                now - datetime.timedelta(days=KNOWN_DAYS),
            )
        )
        return self.env.cr.rowcount
