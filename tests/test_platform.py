"""Platform checks, run by pytest with pytest-odoo against the test database.

`./dev test` runs them after Odoo's own test runner has installed both addons
in a fresh database.
"""

import base64
import binascii
from pathlib import Path

from odoo.tests.common import TransactionCase, tagged
from odoo.tools import config

ADDONS = ("ondermijning_signalen", "ondermijning_rapportage")
DEMO_LOGINS = Path(__file__).resolve().parent.parent / "tools" / "demo_logins.txt"


def demo_logins():
    """(login, role) pairs from tools/demo_logins.txt."""
    pairs = []
    for line in DEMO_LOGINS.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            login, role = line.split(None, 1)
            pairs.append((login, role))
    return pairs


# Outside an addon Odoo's test classes get no tags of their own; give them
# the default ones (pytest-odoo ignores tags).
@tagged("standard", "at_install")
class TestPlatform(TransactionCase):
    def test_addons_installed(self):
        modules = self.env["ir.module.module"].search([("name", "in", ADDONS)])
        self.assertEqual(
            {(module.name, module.state) for module in modules},
            {(name, "installed") for name in ADDONS},
        )

    def test_postgresql_version(self):
        self.assertEqual(
            self.env.cr.connection.info.server_version // 10000 >= 13, True
        )

    def test_encryption_keys_configured(self):
        """The Odoo config names at least one 32-byte key as `id:base64url`.

        The key itself never appears in an assertion message.
        """
        value = config.get("ondermijning_keys")
        self.assertTrue(value, "ondermijning_keys is missing from the Odoo config")
        for entry in value.split(","):
            key_id, sep, encoded = entry.strip().partition(":")
            self.assertTrue(key_id and sep, "a key entry is not of the form id:key")
            try:
                raw = base64.urlsafe_b64decode(encoded.encode())
            except (binascii.Error, ValueError):
                raw = b""
            self.assertEqual(len(raw), 32, f"key {key_id} is not 32 bytes of base64url")

    def test_demo_logins(self):
        """Each demo login of the README can log in with password = login.

        The role users come with the addons' demo data; until the first of
        them exists only `admin` is checked.
        """
        users = self.env["res.users"].with_context(active_test=False)
        present = [
            login
            for login, _role in demo_logins()
            if users.search_count([("login", "=", login)])
        ]
        self.assertIn("admin", present)
        if present != ["admin"]:
            self.assertEqual(present, [login for login, _role in demo_logins()])
        for login in present:
            user = users.search([("login", "=", login)])
            self.assertTrue(user.active, f"demo user {login} is archived")
            credential = {"type": "password", "login": login, "password": login}
            auth = user.with_user(user)._check_credentials(
                credential, {"interactive": False}
            )
            self.assertEqual(auth["uid"], user.id)
