import { WarningDialog } from "@web/core/errors/error_dialogs";
import { registry } from "@web/core/registry";

// A missing or wrong encryption key (tools/crypto.py, e.g. a database restored
// without its keys) is a user error: its message, in a warning, not a server
// error with a traceback.
registry
    .category("error_dialogs")
    .add("odoo.addons.ondermijning_signalen.tools.crypto.EncryptionKeyError", WarningDialog);
