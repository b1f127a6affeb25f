/** @odoo-module **/

// Terms of Odoo's own screens that the product shows and that the Dutch
// translation of some Odoo 18.0 builds lacks (the build of October 2024).
// Marked here, they are exported with this addon and its nl.po fills them:
// the web client merges the terms of all addons.
import { _t } from "@web/core/l10n/translation";

_t("All Apps");
_t("The conversation is empty.");
