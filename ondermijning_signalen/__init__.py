from . import controllers
from . import models
from . import report
from . import wizards


def uninstall_hook(env):
    """What the module made in the database outside Odoo's models: the
    agenda rows' trigger functions and the purge's file queue (whose
    files, of documents deleted before, are removed first)."""
    env["ir.attachment"].sudo()._ondermijning_remove_queued_files()
    env.cr.execute(
        "DROP FUNCTION IF EXISTS ondermijning_agenda_row_fill() CASCADE; "
        "DROP FUNCTION IF EXISTS ondermijning_agenda_row_follow() CASCADE; "
        "DROP TABLE IF EXISTS ondermijning_purged_file"
    )
