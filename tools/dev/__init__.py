"""``./dev run|test|lint|stop|shell`` (README.md): the project's PostgreSQL
(cluster.py), finding Odoo 18.0 and its config (odoo_setup.py), the test summary
(summary.py) and the commands (__main__.py); the rest is done by the tools that
requirements.txt installs into .venv (click-odoo-contrib, checklog-odoo,
manifestoo, pre-commit).
"""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VAR, BIN = REPO / "var", Path(sys.executable).parent  # BIN: .venv/bin
LOG_DIR = VAR / "log"
ADDONS = ("ondermijning_signalen", "ondermijning_rapportage", "ondermijning_meldpunt")
RUN_DB, TEST_DB, LANG = "ondermijning", "ondermijning_test", "nl_NL"


class DevError(Exception):
    """A condition the user must fix: one line, no traceback; exit status `code`."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


def say(message):
    print(f"dev: {message}")  # pylint: disable=print-used
