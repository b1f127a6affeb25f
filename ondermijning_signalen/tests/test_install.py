# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The addon is installed on a real database and has its app menu."""

    def test_module_installed(self):
        module = self.env["ir.module.module"].search(
            [("name", "=", "ondermijning_signalen")]
        )
        self.assertEqual(module.state, "installed")

    def test_root_menu(self):
        menu = self.env.ref("ondermijning_signalen.menu_ondermijning_root")
        self.assertEqual(menu._name, "ir.ui.menu")
        self.assertFalse(menu.parent_id, "the Ondermijning menu is an app menu")
        self.assertEqual(menu.with_context(lang="en_US").name, "Ondermijning")


@tagged("post_install", "-at_install")
class TestWebClient(HttpCase):
    """A real browser loads the web client with the addon installed.

    This also proves that browser tests run (and are not skipped) where the
    test suite runs: it needs chromium and the websocket-client package.
    """

    def test_web_client_loads(self):
        self.browser_js(
            "/odoo",
            "console.log('test successful')",
            ready="odoo.isReady === true",
            login="admin",
        )
