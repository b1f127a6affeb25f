"""Finding Odoo 18.0, and its config for this checkout (var/odoo.conf, var/keys;
var/destruction-journal is the retention's journal, kept beside the keys).

Looked for where Odoo developers keep it: the source tree named by ODOO_PATH, a
source tree in addons_path of the user's Odoo config file, then an `odoo` package
importable in .venv (which sees the system's packages)."""

import base64
import configparser
import importlib.util
import os
import secrets
from pathlib import Path

from . import BIN, REPO, VAR, DevError, say
from .cluster import DB_USER

CONF = VAR / "odoo.conf"
MISSING = (
    "Install Odoo 18.0 Community (pip install -r /path/to/odoo-18.0/requirements.txt"
    " && pip install -e /path/to/odoo-18.0), or set ODOO_PATH=/path/to/odoo-18.0,"
    " or name its addons in addons_path of ~/.odoorc."
)


def is_tree(path):
    return (path / "odoo" / "release.py").is_file() and (path / "odoo-bin").is_file()


class Odoo:
    def __init__(self, package, how):
        self.package, self.how = package, how  # package: the folder `odoo`
        self.tree = package.parent if is_tree(package.parent) else None
        spec = importlib.util.spec_from_file_location("release", package / "release.py")
        spec.loader.exec_module(release := importlib.util.module_from_spec(spec))
        if (series := release.serie) != "18.0":
            raise DevError(
                f"found Odoo {series} at {self.tree or package} ({how}), but this"
                f" project needs Odoo 18.0 Community. {MISSING}",
                2,
            )

    def launcher(self):  # odoo-bin where there is one: prefork re-runs argv[0]
        script = self.tree and self.tree / "odoo-bin"
        return [str(script)] if script and script.is_file() else ["-m", "odoo"]

    def env(self):  # of every Odoo process: this Odoo first, .venv's tools on PATH
        env = dict(os.environ, TZ="UTC", PYTHONUNBUFFERED="1")
        env["PATH"] = f"{BIN}{os.pathsep}{env['PATH']}"
        env.pop("ODOO_RC", None)  # -c names our config, for pytest-odoo too
        if self.tree:
            paths = [str(self.tree), env.get("PYTHONPATH")]
            env["PYTHONPATH"] = os.pathsep.join(filter(None, paths))
        return env


def find_odoo():
    if value := os.environ.get("ODOO_PATH"):
        if not is_tree(tree := Path(value).expanduser().resolve()):
            raise DevError(
                f"ODOO_PATH={value} is not an Odoo source tree (no odoo/release.py"
                f" and odoo-bin there). {MISSING}",
                2,
            )
        return Odoo(tree / "odoo", f"ODOO_PATH={value}")
    names = (os.environ.get("ODOO_RC") or "~/.odoorc", "~/.openerp_serverrc")
    if rc := next((p for p in map(Path, names) if p.expanduser().is_file()), None):
        parser = configparser.RawConfigParser()
        parser.read(rc.expanduser(), encoding="utf-8")  # malformed: an error
        entries = parser.get("options", "addons_path", fallback="").split(",")
        for path in [Path(e.strip()).expanduser() for e in entries if e.strip()]:
            if tree := next(filter(is_tree, (path.parent, path.parent.parent)), None):
                return Odoo(tree / "odoo", f"addons_path in {rc}")
    spec = importlib.util.find_spec("odoo")
    if spec and spec.submodule_search_locations:
        return Odoo(Path(list(spec.submodule_search_locations)[0]), "`import odoo`")
    raise DevError(f"Odoo 18.0 not found. {MISSING}", 2)


def write_config(odoo, cluster, port, replica=None):
    """var/odoo.conf, anew on every run; var/keys once (never printed)."""
    if not (keys := VAR / "keys").exists():
        key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        keys.write_text(f"k1:{key}\n", encoding="utf-8")  # ./dev's umask: 0600
        say("generated an encryption key in var/keys (mode 0600)")
    key_list = [k for k in keys.read_text(encoding="utf-8").split() if k[:1] != "#"]
    dirs = [odoo.tree and odoo.tree / "addons", odoo.package / "addons", REPO]
    lines = [
        "; Written by ./dev on every run (tools/dev): local edits are lost.",
        "[options]",
        f"addons_path = {','.join(str(d) for d in dirs if d and d.is_dir())}",
        f"data_dir = {VAR / 'data'}",
        f"db_host = {cluster.sock}",
        f"db_user = {DB_USER}",
        f"admin_passwd = {secrets.token_urlsafe(24)}",  # no database manager here
        "http_interface = 127.0.0.1",
        f"http_port = {port}",
        "max_cron_threads = 1",
        f"ondermijning_keys = {','.join(key_list)}",
        # beside the keys, outside the database (docs/backup-restore.md)
        f"ondermijning_destruction_journal = {VAR / 'destruction-journal'}",
    ]
    if replica:  # read-only routes and @api.readonly methods read from it
        lines.append(f"db_replica_host = {replica.sock}")
    CONF.write_text("\n".join(lines) + "\n", encoding="utf-8")
