"""Every screen of each role in Dutch: a walk over the menus a demo user of
each role sees, comparing each view's labels and field names in English and
in Dutch. A label that reads the same in both is English left in the Dutch
UI, unless a translator kept it so on purpose (the product's or Odoo's
``nl.po`` gives the same text: a domain term such as casus or wijk, a name,
a loanword such as Partner).

A label that the product's translation templates do not hold and Odoo's do
is Odoo's own (e.g. a field of ``mail.thread``): those are reported apart and
listed in ``ODOO_ENGLISH``, so that a new one shows up here; a label that
neither holds is the product's and cannot be translated: a failure.

Runs against the test database with demo data (root tests/, pytest-odoo),
as the demo users; nothing is written."""

import re
from pathlib import Path

import polib
from lxml import etree

from odoo.modules.module import get_module_path
from odoo.tests.common import TransactionCase, tagged

ROLES = ("melder", "regisseur", "privacy", "team", "politie", "afdeling",
         "beheerder", "analist")  # fmt: skip
ADDONS = ("ondermijning_signalen", "ondermijning_rapportage", "ondermijning_meldpunt")
ATTRIBUTES = ("string", "placeholder", "help", "title", "confirm", "aria-label")
WORD = re.compile(r"[A-Za-z]{3,}")
# Odoo's own labels on the product's screens that Odoo 18.0's Dutch
# translation leaves in English (its nl.po lacks them).
ODOO_ENGLISH = set()


def msgids(paths, kept_only=False):
    """The texts of translation files; ``kept_only``: those translated as
    themselves (the translator's decision that Dutch says it so)."""
    texts = set()
    for path in paths:
        for entry in polib.pofile(str(path)):
            if not kept_only or entry.msgstr == entry.msgid:
                texts.add(entry.msgid.strip())
    return texts


def labels_of(arch):
    """(where, text) of each label of a view, in document order (but the
    search view's own name, which the web client does not show)."""
    root = etree.fromstring(arch)
    for node in root.iter():
        if not isinstance(node.tag, str) or (node is root and node.tag == "search"):
            continue
        for attribute in ATTRIBUTES:
            if value := (node.get(attribute) or "").strip():
                yield f"{node.tag}@{attribute}", value
        if (text := (node.text or "").strip()) and node.tag not in ("field", "t"):
            yield node.tag, text


@tagged("standard", "at_install")
class TestDutchWalk(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ours = [Path(get_module_path(addon), "i18n") for addon in ADDONS]
        cls.product = msgids(path / f"{path.parent.name}.pot" for path in ours)
        modules = cls.env["ir.module.module"].search([("state", "=", "installed")])
        folders = [
            Path(get_module_path(name), "i18n") for name in modules.mapped("name")
        ]
        theirs = [path for path in folders if path.parent.name not in ADDONS]
        # what the product's or Odoo's Dutch translators kept as it is
        dutch = (path / "nl.po" for path in folders)
        cls.kept = msgids((path for path in dutch if path.is_file()), kept_only=True)
        templates = (path / f"{path.parent.name}.pot" for path in theirs)
        cls.odoo = msgids(path for path in templates if path.is_file())

    def _menus(self, user):
        """The product's menus the user reaches: visible, and so is every
        menu above them (the web client shows no child of a hidden menu)."""
        Menu = self.env["ir.ui.menu"].with_user(user)
        data = self.env["ir.model.data"].sudo()
        ours = data.search([("model", "=", "ir.ui.menu"), ("module", "in", ADDONS)])
        visible = Menu._visible_menu_ids()
        return Menu.browse(ours.mapped("res_id")).filtered(
            lambda menu: all(
                int(ancestor) in visible
                for ancestor in menu.sudo().parent_path.strip("/").split("/")
            )
        )

    def _same_in_both(self, Model, views):
        """(where, label, module) of each label the same in English and Dutch:
        of the views, then of the fields they show (module: the field's)."""
        en = Model.with_context(lang="en_US").get_views(views, {})
        nl = Model.with_context(lang="nl_NL").get_views(views, {})
        for mode, view in en["views"].items():
            dutch = labels_of(nl["views"][mode]["arch"])
            for (where, english), (_, text) in zip(
                labels_of(view["arch"]), dutch, strict=True
            ):
                if english == text:
                    yield f"{mode} {where}", english, None
        for model, description in en["models"].items():
            dutch = nl["models"][model]["fields"]
            for name, field in description["fields"].items():
                if (english := field.get("string") or "") == dutch[name].get("string"):
                    module = self.env[model]._fields[name]._module
                    yield f"{model}.{name}", english, module

    def _english_left(self, user):
        """(menu, where, label, module) of what reads English in Dutch."""
        for menu in self._menus(user):
            action = menu.sudo().action
            if not action or action._name != "ir.actions.act_window":
                continue
            Model = self.env[action.res_model].with_user(user)
            if not Model.has_access("read"):
                continue
            views = [(view_id or False, mode) for view_id, mode in action.views]
            for where, label, module in self._same_in_both(
                Model, [*views, (False, "search")]
            ):
                if WORD.search(label) and label not in self.kept:
                    yield menu.complete_name, where, label, module

    def _is_odoos(self, label, module):
        """Odoo's own label: a field Odoo defines, or a view label that Odoo's
        translation templates hold and the product's do not."""
        if module:
            return module not in ADDONS
        return label in self.odoo and label not in self.product

    def test_every_screen_of_every_role_is_in_dutch(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        left, odoo = {}, set()
        for login in ROLES:
            user = self.env["res.users"].search([("login", "=", login)])
            self.assertTrue(user, f"demo user {login}")
            self.assertTrue(self._menus(user), f"{login} sees no menu of the product")
            for menu, where, label, module in self._english_left(user):
                if self._is_odoos(label, module):
                    odoo.add(label)
                else:
                    left.setdefault((menu, where, label), []).append(login)
        report = "\n".join(
            f"{' / '.join(item)}  ({', '.join(who)})"
            for item, who in sorted(left.items())
        )
        self.assertFalse(left, f"English left in the Dutch screens:\n{report}")
        self.assertEqual(odoo, ODOO_ENGLISH, "Odoo's own labels left in English")
