# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The addon is installed on top of ondermijning_signalen."""

    def test_depends_on_signalen(self):
        module = self.env["ir.module.module"].search(
            [("name", "=", "ondermijning_rapportage")]
        )
        self.assertEqual(module.state, "installed")
        self.assertIn("ondermijning_signalen", module.dependencies_id.mapped("name"))
        signalen = module.dependencies_id.depend_id.filtered(
            lambda mod: mod.name == "ondermijning_signalen"
        )
        self.assertEqual(signalen.state, "installed")
