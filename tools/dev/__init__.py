"""``./dev run|test|lint|stop|shell`` of the ondermijning addons (README.md).

Own code only where no maintained tool fits: the project's PostgreSQL
(cluster.py), finding Odoo 18.0 and writing its config (odoo_setup.py), the
test summary (summary.py) and the commands (__main__.py). The tools, installed
into .venv from requirements.txt: click-odoo-initdb makes databases from
templates cached by the addons' checksum, click-odoo-update upgrades the addons
that changed, checklog-odoo fails on ERROR lines in Odoo's log, manifestoo lists
the addons' dependencies; ``./dev lint`` is ``pre-commit run --all-files``.
"""

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VAR, BIN = REPO / "var", Path(sys.executable).parent  # BIN: .venv/bin
LOG_DIR = VAR / "log"
ADDONS = ("ondermijning_signalen", "ondermijning_rapportage")
RUN_DB, TEST_DB, LANG = "ondermijning", "ondermijning_test", "nl_NL"


class DevError(Exception):
    """A condition the user must fix: one line, no traceback, exit status 1."""

    code = 1


class MissingError(DevError):
    """Something to install first (PostgreSQL, Odoo 18.0): exit status 2."""

    code = 2


def say(message):
    print(f"dev: {message}", flush=True)  # pylint: disable=print-used


def write_private(path, text):
    """Create a file only its owner may read (keys, passwords)."""
    with os.fdopen(
        os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w"
    ) as f:
        f.write(text)
