# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import contextlib

from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.ondermijning_signalen import uninstall_hook


class RolledBack(Exception):
    """Leaves a savepoint undone."""


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The addon is installed on a real database and has its app menu."""

    def test_module_installed(self):
        module = self.env["ir.module.module"].search(
            [("name", "=", "ondermijning_signalen")]
        )
        self.assertEqual(module.state, "installed")

    def test_uninstall_hook_drops_what_the_models_do_not(self):
        """Tables of models go with an uninstall; the agenda rows' trigger
        functions and the purge's file queue are dropped by the hook."""

        def left():
            self.env.cr.execute(
                "SELECT count(*) FROM pg_proc WHERE proname IN "
                "('ondermijning_agenda_row_fill', 'ondermijning_agenda_row_follow')"
            )
            functions = self.env.cr.fetchone()[0]
            self.env.cr.execute("SELECT to_regclass('ondermijning_purged_file')")
            return functions, self.env.cr.fetchone()[0] is not None

        self.assertEqual(left(), (2, True))
        with contextlib.suppress(RolledBack), self.env.cr.savepoint():
            uninstall_hook(self.env)
            self.assertEqual(left(), (0, False))
            raise RolledBack
        self.assertEqual(left(), (2, True))

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
