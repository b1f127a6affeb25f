#!/usr/bin/env python3
"""Developer tooling of the ondermijning addons: ``./dev run|test|lint|stop|shell``.

Plain Python 3.10+ and the standard library only: this runs before any
virtualenv exists. What it sets up lives in the checkout, git-ignored:

- ``.venv/``: a virtualenv with ``--system-site-packages`` (so an installed
  Odoo is visible) and ``requirements.txt``;
- ``var/pg``: a PostgreSQL cluster of the project's own (unix socket only);
- ``var/odoo.conf``, ``var/keys`` (encryption key, mode 0600),
  ``var/data`` (filestore), ``var/log`` (full logs).

See README.md for the commands.
"""
# A command-line tool reports on stdout: print is its interface.
# pylint: disable=print-used

from __future__ import annotations

import argparse
import base64
import binascii
import collections
import configparser
import contextlib
import ctypes
import datetime
import hashlib
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VAR = REPO / "var"
LOG_DIR = VAR / "log"
VENV = REPO / ".venv"
ADDONS = ("ondermijning_signalen", "ondermijning_rapportage", "ondermijning_meldpunt")
RUN_DB = "ondermijning"
TEST_DB = "ondermijning_test"
LANG = "nl_NL"
ODOO_SERIES = (18, 0)
ODOO_GIT_URL = "https://github.com/odoo/odoo"
DB_ROLE = "odoo"  # the role Odoo connects as (Odoo refuses `postgres`)
PG_SUPERUSER = "postgres"  # bootstrap superuser, used by this tool only
PG_PORT = 5432  # only names the socket file: the cluster listens on no TCP port
PG_MIN_MAJOR = 13
PG_OS_USER = os.environ.get("ONDERMIJNING_PG_USER", "ondermijning")
DEFAULT_PORT = 8069
DEMO_LOGINS = REPO / "tools" / "demo_logins.txt"
CHROME_NAMES = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")
MISSING_ODOO = (
    "Install Odoo 18.0 Community (pip install -r /path/to/odoo-18.0/requirements.txt"
    " && pip install -e /path/to/odoo-18.0), or set ODOO_PATH=/path/to/odoo-18.0,"
    " or name its addons in addons_path of ~/.odoorc."
)


class DevError(Exception):
    """A condition the user must fix: printed as one line, no traceback."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


class Interrupted(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP arrived."""


def say(message=""):
    print(f"dev: {message}" if message else "", flush=True)


def rel(path):
    """A path relative to the checkout when it is inside it."""
    try:
        return str(Path(path).relative_to(REPO))
    except ValueError:
        return str(path)


def timestamp():
    return datetime.datetime.now().strftime("%Y%m%d-%H%M%S")


def write_private(path, text):
    """Write a file readable by its owner only, atomically."""
    tmp = path.with_name(path.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def proc_comm(pid):
    try:
        return Path(f"/proc/{pid}/comm").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def proc_cmdline(pid):
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace")


def read_pid(path):
    try:
        first = path.read_text(encoding="utf-8").split("\n", 1)[0].strip()
        return int(first)
    except (OSError, ValueError):
        return None


def _die_with_parent():
    """In a child: get SIGTERM when dev.py dies, even by SIGKILL (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return  # not Linux: the clean-up in dev.py still stops the child


# ----------------------------------------------------------------------------
# State shared with the signal handlers and the final clean-up
# ----------------------------------------------------------------------------


@dataclass
class State:
    children: list = field(default_factory=list)  # Popen objects still to stop
    cluster: object = None
    stop_cluster: str = "never"  # "never" | "if-started" | "always"
    drop_on_abort: str = ""  # database to drop when interrupted
    signals: int = 0


STATE = State()


def _on_signal(signum, _frame):
    STATE.signals += 1
    if STATE.signals == 1:
        raise Interrupted(signum)


def _on_signal_during_cleanup(_signum, _frame):
    STATE.signals += 1


def install_signal_handlers():
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)


def stop_child(proc, grace=30.0):
    """Stop a child started in its own process group: SIGINT, then SIGKILL."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGINT)
    deadline = time.monotonic() + grace
    while proc.poll() is None and time.monotonic() < deadline:
        if STATE.signals > 1:  # a second Ctrl-C: do not wait
            break
        time.sleep(0.1)
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    else:  # its own children (chromium in tests) go with it
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)


def cleanup():
    """Stop what this command started: Odoo, then (per policy) PostgreSQL."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal_during_cleanup)
    for proc in reversed(STATE.children):
        stop_child(proc)
    STATE.children.clear()
    odoo_pid = VAR / "odoo.pid"
    pid = read_pid(odoo_pid)
    if pid is not None and not pid_alive(pid):
        odoo_pid.unlink(missing_ok=True)
    cluster = STATE.cluster
    if cluster is None:
        end_session()
        return
    try:
        if STATE.drop_on_abort and cluster.running():
            say(f"dropping the half-made database {STATE.drop_on_abort}")
            cluster.drop_db(STATE.drop_on_abort)
        deferred = VAR / "pg-stop-deferred"
        stop = (
            STATE.stop_cluster == "always"
            or (STATE.stop_cluster == "if-started" and cluster.started_here)
            or deferred.exists()
        )
        others = other_sessions()
        if stop and others and cluster.running():
            say(
                "leaving PostgreSQL running: another ./dev command uses it"
                f" (pid {', '.join(map(str, others))}) and stops it when done"
            )
            deferred.touch()
        elif stop and cluster.running():
            deferred.unlink(missing_ok=True)
            cluster.stop()
            if os.environ.get("CI") and cluster.external and cluster.created_here:
                # A CI clone is thrown away: so is its cluster outside the clone.
                shutil.rmtree(cluster.external, ignore_errors=True)
                cluster.link.unlink(missing_ok=True)
                say(f"removed {cluster.external} (CI)")
    except DevError as exc:
        say(f"while stopping: {exc}")
    finally:
        end_session()


# ----------------------------------------------------------------------------
# Sessions: which ./dev commands of this checkout use the cluster right now
# ----------------------------------------------------------------------------


def _session_dir():
    return VAR / "sessions"


def begin_session(command):
    folder = _session_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for entry in folder.iterdir():
        if not entry.name.isdigit() or not _is_dev_process(int(entry.name)):
            entry.unlink(missing_ok=True)
    (folder / str(os.getpid())).write_text(command, encoding="utf-8")


def end_session():
    (_session_dir() / str(os.getpid())).unlink(missing_ok=True)


def _is_dev_process(pid):
    return pid_alive(pid) and "dev.py" in proc_cmdline(pid)


def other_sessions():
    folder = _session_dir()
    if not folder.is_dir():
        return []
    return [
        int(entry.name)
        for entry in folder.iterdir()
        if entry.name.isdigit()
        and int(entry.name) != os.getpid()
        and _is_dev_process(int(entry.name))
    ]


# ----------------------------------------------------------------------------
# Python virtualenv
# ----------------------------------------------------------------------------


def _can_import_odoo(python):
    code = "import importlib.util, sys; sys.exit(not importlib.util.find_spec('odoo'))"
    try:
        result = subprocess.run(
            [python, "-c", code], capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def _script_interpreter(script):
    """The Python behind an installed `odoo` command (a pyenv shim is followed)."""
    try:
        head = Path(script).read_text(encoding="utf-8", errors="replace")[:300]
    except OSError:
        return None
    if "pyenv" in head and shutil.which("pyenv"):
        real = subprocess.run(
            ["pyenv", "which", "odoo"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if real and real != str(script):
            return _script_interpreter(real)
        return None
    if head.startswith("#!"):
        interp = head[2:].split("\n", 1)[0].split()
        if interp and "python" in Path(interp[-1]).name:
            if interp[0].endswith("/env"):
                return shutil.which(interp[-1])
            return interp[0]
    return None


def base_python():
    """The Python the virtualenv is made from: one that can import Odoo."""
    forced = os.environ.get("ONDERMIJNING_PYTHON")
    if forced:
        return forced
    if os.environ.get("ODOO_PATH") or _can_import_odoo(sys.executable):
        return sys.executable
    odoo_cmd = shutil.which("odoo")
    if odoo_cmd:
        interp = _script_interpreter(odoo_cmd)
        if interp and _can_import_odoo(interp):
            return interp
    return sys.executable


def ensure_venv():
    python = VENV / "bin" / "python"
    done = VENV / ".dev-complete"
    if not done.is_file() or not python.exists():
        if VENV.exists():
            say("the .venv is incomplete (an earlier set-up was interrupted): remaking")
            shutil.rmtree(VENV)
        base = base_python()
        say(f"creating .venv from {base} (--system-site-packages)")
        result = subprocess.run(
            [base, "-m", "venv", "--system-site-packages", str(VENV)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            shutil.rmtree(VENV, ignore_errors=True)
            detail = (result.stderr or result.stdout).strip().splitlines()[-1:]
            raise DevError(
                f"could not create .venv with {base}: {' '.join(detail)}"
                " (on Debian: apt-get install python3-venv)"
            )
        done.write_text(base + "\n", encoding="utf-8")
    elif not os.environ.get("ODOO_PATH"):
        # Made from a Python without Odoo while another one has it: remake.
        made_from = done.read_text(encoding="utf-8").strip()
        wanted = base_python()
        if (
            wanted != made_from
            and not _can_import_odoo(python)
            and _can_import_odoo(wanted)
        ):
            say(f"remaking .venv from {wanted}, which has Odoo (was {made_from})")
            shutil.rmtree(VENV)
            return ensure_venv()
    requirements = REPO / "requirements.txt"
    version = subprocess.run(
        [str(python), "-c", "import sys; print(sys.version)"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    digest = hashlib.sha256(requirements.read_bytes() + version.encode()).hexdigest()
    stamp = VENV / ".requirements.sha256"
    if not stamp.is_file() or stamp.read_text(encoding="utf-8").strip() != digest:
        say("installing requirements.txt into .venv")
        pip_install(python, ["-r", str(requirements)], "requirements.txt")
        stamp.write_text(digest + "\n", encoding="utf-8")
    return python


def pip_install(python, args, what):
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        + args,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if result.returncode != 0:
        lines = [
            line
            for line in (result.stdout + result.stderr).splitlines()
            if "is ignored: it is neither a file nor a directory" not in line
        ]
        print("\n".join(lines[-25:]), flush=True)
        raise DevError(f"pip could not install {what} into .venv (pip's output above)")


# ----------------------------------------------------------------------------
# Finding Odoo 18.0
# ----------------------------------------------------------------------------


@dataclass
class Odoo:
    python: Path
    package: Path  # the `odoo` package directory (has release.py)
    tree: Path | None  # the source tree (has odoo-bin), when there is one
    how: str
    use_pythonpath: bool = False

    def command(self, *args):
        if self.tree is not None and (self.tree / "odoo-bin").is_file():
            return [str(self.python), str(self.tree / "odoo-bin"), *args]
        return [str(self.python), "-m", "odoo", *args]

    def addons_dirs(self):
        dirs = []
        if self.tree is not None and (self.tree / "addons").is_dir():
            dirs.append(self.tree / "addons")
        dirs.append(self.package / "addons")
        return dirs

    def env(self):
        env = dict(os.environ)
        env["PATH"] = f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["TZ"] = "UTC"
        env["PYTHONUNBUFFERED"] = "1"
        env.pop("ODOO_RC", None)  # -c names our config; keep pytest-odoo on it
        env.pop("OPENERP_SERVER", None)
        if self.use_pythonpath and self.tree is not None:
            env["PYTHONPATH"] = os.pathsep.join(
                [str(self.tree)] + [p for p in [env.get("PYTHONPATH")] if p]
            )
        return env


def read_series(release_py):
    try:
        text = release_py.read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(r"^version_info\s*=\s*\(\s*(\d+)\s*,\s*(\d+)", text, re.MULTILINE)
    if not match:
        match = re.search(
            r"^version_info\s*=\s*\(\s*'saas~(\d+)'\s*,\s*(\d+)", text, re.MULTILINE
        )
    return (int(match.group(1)), int(match.group(2))) if match else None


def checked_odoo(python, package, tree, how, use_pythonpath):
    series = read_series(package / "release.py")
    where = tree or package
    if series is None:
        raise DevError(
            f"cannot read the Odoo version from {package / 'release.py'} ({how}).", 2
        )
    if series != ODOO_SERIES:
        raise DevError(
            f"found Odoo {series[0]}.{series[1]} at {where} ({how}), but this project"
            " needs Odoo 18.0 Community. " + MISSING_ODOO,
            2,
        )
    return Odoo(Path(python), package, tree, how, use_pythonpath)


def odoo_rc_file():
    for candidate in (
        os.environ.get("ODOO_RC"),
        "~/.odoorc",
        "~/.openerp_serverrc",
    ):
        if candidate:
            path = Path(candidate).expanduser()
            if path.is_file():
                return path
            if candidate == os.environ.get("ODOO_RC"):
                say(f"note: ODOO_RC={candidate} does not exist; ignoring it")
    return None


def tree_from_rc(rc_path):
    parser = configparser.RawConfigParser()
    try:
        parser.read(rc_path, encoding="utf-8")
        value = parser.get("options", "addons_path", fallback="")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None
    for entry in value.split(","):
        entry = entry.strip()
        if not entry:
            continue
        path = Path(entry).expanduser()
        for tree in (path.parent, path.parent.parent):
            if (tree / "odoo" / "release.py").is_file() and (
                tree / "odoo-bin"
            ).is_file():
                return tree
    return None


def importable_odoo(python):
    code = (
        "import os, odoo.release as r;"
        " print(os.path.dirname(os.path.abspath(r.__file__)))"
    )
    try:
        result = subprocess.run(
            [str(python), "-c", code],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd="/",
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0 or not result.stdout.strip():
        return None
    return Path(result.stdout.strip().splitlines()[-1])


def find_odoo(python):
    """ODOO_PATH, then the user's Odoo config file, then `import odoo`, then git."""
    value = os.environ.get("ODOO_PATH")
    if value:
        tree = Path(value).expanduser().resolve()
        if (
            not (tree / "odoo" / "release.py").is_file()
            or not (tree / "odoo-bin").is_file()
        ):
            raise DevError(
                f"ODOO_PATH={value} is not an Odoo source tree (no odoo/release.py"
                " and odoo-bin there). " + MISSING_ODOO,
                2,
            )
        return checked_odoo(python, tree / "odoo", tree, f"ODOO_PATH={value}", True)
    rc_path = odoo_rc_file()
    if rc_path is not None:
        tree = tree_from_rc(rc_path)
        if tree is not None:
            return checked_odoo(
                python, tree / "odoo", tree, f"addons_path in {rc_path}", True
            )
    package = importable_odoo(python)
    if package is not None:
        tree = package.parent if (package.parent / "odoo-bin").is_file() else None
        return checked_odoo(python, package, tree, "`import odoo` in .venv", False)
    clone = VENV / "src" / "odoo"
    if (clone / "odoo" / "release.py").is_file():
        return checked_odoo(
            python, clone / "odoo", clone, "the copy in .venv/src", True
        )
    return clone_odoo(python)


def clone_odoo(python):
    """Last resort: upstream Odoo 18.0 into .venv/src/odoo (needs the network)."""
    target = VENV / "src" / "odoo"
    partial = VENV / "src" / "odoo.partial"
    shutil.rmtree(partial, ignore_errors=True)
    git = shutil.which("git")
    reason = "git is not installed"
    if git:
        say(
            "Odoo 18.0 not found: trying to clone odoo/odoo (branch 18.0)"
            " into .venv/src"
        )
        partial.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
        try:
            result = subprocess.run(
                [git, "clone", "-q", "--depth", "1", "--branch", "18.0"]
                + [ODOO_GIT_URL, str(partial)],
                capture_output=True,
                text=True,
                env=env,
                stdin=subprocess.DEVNULL,
                timeout=3600,
                check=False,
            )
            failed = result.returncode != 0
            detail = (result.stderr.strip().splitlines() or ["git clone failed"])[-1]
        except subprocess.TimeoutExpired:
            failed, detail = True, "git clone timed out"
        if not failed:
            requirements = partial / "requirements.txt"
            # Odoo's pin cbor2==5.4.2 does not build on Python 3.11 any more.
            text = requirements.read_text(encoding="utf-8").replace(
                "cbor2==5.4.2", "cbor2==5.6.2"
            )
            adjusted = partial / "requirements-dev.txt"
            adjusted.write_text(text, encoding="utf-8")
            try:
                pip_install(python, ["-r", str(adjusted)], "Odoo 18.0's requirements")
            except DevError:
                shutil.rmtree(partial, ignore_errors=True)
                raise
            partial.rename(target)
            return checked_odoo(
                python, target / "odoo", target, "the copy in .venv/src", True
            )
        shutil.rmtree(partial, ignore_errors=True)
        with contextlib.suppress(OSError):
            partial.parent.rmdir()  # .venv/src, when empty
        reason = f"cloning it failed: {detail.removeprefix('fatal: ')}"
    raise DevError(f"Odoo 18.0 not found ({reason}). " + MISSING_ODOO, 2)


# ----------------------------------------------------------------------------
# PostgreSQL
# ----------------------------------------------------------------------------

PG_TOOLS = ("initdb", "pg_ctl", "postgres", "psql")


def _version_key(path):
    try:
        return float(path.parent.name)
    except ValueError:
        return 0.0


def find_pg_bindir():
    forced = os.environ.get("ONDERMIJNING_PG_BINDIR")
    if forced:
        candidates = [Path(forced)]
    else:
        candidates = []
        pg_config = shutil.which("pg_config")
        if pg_config:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=False
            ).stdout.strip()
            if out:
                candidates.append(Path(out))
        candidates += sorted(
            Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True
        )
        for tool in ("initdb", "pg_ctl"):
            found = shutil.which(tool)
            if found:
                candidates.append(Path(found).resolve().parent)
    for bindir in candidates:
        if all(os.access(bindir / tool, os.X_OK) for tool in PG_TOOLS):
            return bindir
    where = f"in ONDERMIJNING_PG_BINDIR={forced}" if forced else "on this machine"
    raise DevError(
        f"PostgreSQL server binaries (initdb, pg_ctl, postgres) not found {where}."
        " Install the Debian package `postgresql` (apt-get install postgresql),"
        " or set ONDERMIJNING_PG_BINDIR=/usr/lib/postgresql/<version>/bin.",
        2,
    )


def pg_major(bindir):
    out = subprocess.run(
        [str(bindir / "postgres"), "--version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    if not match:
        raise DevError(
            f"cannot tell the PostgreSQL version of {bindir / 'postgres'}", 2
        )
    major = int(match.group(1))
    if major < PG_MIN_MAJOR:
        raise DevError(
            f"PostgreSQL {major} at {bindir} is too old: Odoo 18.0 here needs"
            f" {PG_MIN_MAJOR} or newer (Debian package `postgresql`).",
            2,
        )
    return major


def _user_exists(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def ensure_pg_os_user():
    """As root: the unprivileged system user that owns and runs the cluster."""
    if os.geteuid() != 0:
        return None
    if not _user_exists(PG_OS_USER):
        useradd = shutil.which("useradd")
        if not useradd:
            raise DevError(
                "running as root, and PostgreSQL refuses to run as root; `useradd`"
                f" is missing to create the system user {PG_OS_USER}. Create it,"
                " or run ./dev as an ordinary user."
            )
        result = subprocess.run(
            [useradd, "--system", "--user-group", "--no-create-home"]
            + [
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                PG_OS_USER,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise DevError(
                f"could not create the system user {PG_OS_USER} to run PostgreSQL"
                f" (it refuses root): {result.stderr.strip()}"
            )
        say(
            f"running as root: created the system user {PG_OS_USER}, which runs"
            " the project's PostgreSQL (initdb and postgres refuse root)"
        )
    if not (shutil.which("runuser") or shutil.which("setpriv")):
        raise DevError("running as root, but neither runuser nor setpriv is installed")
    return PG_OS_USER


class Cluster:
    """The project's own PostgreSQL cluster: var/pg/{data,run,postgres.log}."""

    def __init__(self, bindir, major, os_user):
        self.bindir = bindir
        self.major = major
        self.os_user = os_user
        self.link = VAR / "pg"
        self.started_here = False
        self.created_here = False
        self.external = None

    # -- locations -------------------------------------------------------
    @property
    def home(self):
        """The cluster's folder: var/pg, or the outside folder it links to."""
        return Path(os.path.realpath(self.link))

    @property
    def data(self):
        return self.home / "data"

    @property
    def sockdir(self):
        return Path(os.path.realpath(self.home)) / "run"

    @property
    def logfile(self):
        return self.home / "postgres.log"

    # -- running commands as the cluster's owner ------------------------------
    def _as_owner(self, cmd):
        if self.os_user is None:
            return cmd
        if shutil.which("runuser"):
            return ["runuser", "-u", self.os_user, "--", *cmd]
        entry = pwd.getpwnam(self.os_user)
        return [
            "setpriv",
            f"--reuid={entry.pw_uid}",
            f"--regid={entry.pw_gid}",
            "--init-groups",
            *cmd,
        ]

    def _run_owner(self, cmd, timeout=300):
        env = dict(os.environ, LC_ALL="C", LANG="C")
        for name in ("PGHOST", "PGPORT", "PGDATA", "PGUSER", "PGDATABASE"):
            env.pop(name, None)
        try:
            return subprocess.run(
                self._as_owner([str(c) for c in cmd]),
                capture_output=True,
                text=True,
                cwd="/",
                env=env,
                stdin=subprocess.DEVNULL,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise DevError(
                f"{Path(str(cmd[0])).name} did not finish in {timeout}s"
            ) from exc

    def _chown(self, path):
        if self.os_user is not None:
            entry = pwd.getpwnam(self.os_user)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _owner_can_reach(self, path):
        if self.os_user is None:
            return True
        return self._run_owner(["test", "-x", str(path)]).returncode == 0

    # -- set-up ----------------------------------------------------------------
    def ensure_home(self):
        if self.link.is_symlink():
            target = Path(os.readlink(self.link))
            if target.is_dir():
                self.external = target
                return
            self.link.unlink()  # the outside folder is gone: start anew
        elif self.link.is_dir():
            return
        socket_path = str(Path(os.path.realpath(VAR)) / "pg" / "run" / ".s.PGSQL.5432")
        reason = None
        if not self._owner_can_reach(VAR):
            reason = (
                f"the unprivileged user {self.os_user} cannot reach {REPO}"
                " (a parent folder is private)"
            )
        elif len(socket_path) > 100:
            reason = "the checkout's path is too long for a unix socket"
        if reason is None:
            self.link.mkdir(mode=0o700)
            self._chown(self.link)
            return
        digest = hashlib.sha1(str(REPO).encode()).hexdigest()[:12]
        base = Path(os.environ.get("ONDERMIJNING_PG_OUTSIDE", "/var/tmp"))
        outside = base / f"ondermijning-pg-{digest}"
        outside.mkdir(mode=0o700, exist_ok=True)
        (outside / "checkout").write_text(str(REPO) + "\n", encoding="utf-8")
        self._chown(outside)
        self.link.symlink_to(outside)
        self.external = outside
        say(
            f"note: {reason}; the PostgreSQL cluster of this checkout lives in"
            f" {outside} instead (var/pg links to it)"
        )

    def ensure_initialized(self):
        if (self.data / "PG_VERSION").is_file():
            made_by = (self.data / "PG_VERSION").read_text(encoding="utf-8").strip()
            if made_by != str(self.major):
                raise DevError(
                    f"the cluster in var/pg was made by PostgreSQL {made_by}, but the"
                    f" binaries found are {self.major} ({self.bindir}). Set"
                    f" ONDERMIJNING_PG_BINDIR to PostgreSQL {made_by}'s bin folder,"
                    " or remove var/pg (this deletes the development databases)."
                )
            return
        fresh = self.home / "data.new"
        for leftover in (fresh, self.data):
            if leftover.exists():
                say(
                    f"removing a half-made cluster ({rel(leftover)})"
                    " from an earlier run"
                )
                shutil.rmtree(leftover)
        say(f"creating the project's PostgreSQL {self.major} cluster in var/pg")
        result = self._run_owner(
            [
                self.bindir / "initdb",
                "-D",
                fresh,
                "-U",
                PG_SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ]
        )
        if result.returncode != 0:
            shutil.rmtree(fresh, ignore_errors=True)
            detail = (result.stderr.strip().splitlines() or ["initdb failed"])[-1]
            raise DevError(f"initdb failed: {detail}")
        conf = fresh / "postgresql.conf"
        with conf.open("a", encoding="utf-8") as handle:
            handle.write("\n# Added by ./dev: settings of the development cluster.\n")
            handle.write("include_if_exists = 'ondermijning-dev.conf'\n")
        fresh.rename(self.data)
        self.created_here = True

    def _write_runtime_conf(self):
        sock = str(self.sockdir).replace("'", "''")
        text = (
            "# Written by ./dev on every start.\n"
            "listen_addresses = ''  # unix socket only\n"
            f"port = {PG_PORT}\n"
            f"unix_socket_directories = '{sock}'\n"
            "unix_socket_permissions = 0700\n"
            "max_connections = 100\n"
            "# A throwaway development cluster: speed over crash safety.\n"
            "# Never use these three settings in production.\n"
            "fsync = off\n"
            "synchronous_commit = off\n"
            "full_page_writes = off\n"
        )
        path = self.data / "ondermijning-dev.conf"
        path.write_text(text, encoding="utf-8")
        self._chown(path)

    # -- running ---------------------------------------------------------------
    def _postmaster_pid(self):
        return read_pid(self.data / "postmaster.pid")

    def _is_our_postgres(self, pid):
        if not pid_alive(pid) or proc_comm(pid) not in ("postgres", "postmaster"):
            return False
        try:
            stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
            if stat.rsplit(")", 1)[-1].split()[0] == "Z":
                return False  # killed, not yet reaped
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except (OSError, IndexError):
            return True
        return os.path.realpath(cwd) == os.path.realpath(self.data)

    def running(self):
        pid = self._postmaster_pid()
        return pid is not None and self._is_our_postgres(pid)

    def _leftover_backends(self):
        data = os.path.realpath(self.data)
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            if proc_comm(int(entry.name)) != "postgres":
                continue
            try:
                if os.path.realpath(entry / "cwd") == data:
                    pids.append(int(entry.name))
            except OSError:
                continue
        return pids

    def clean_stale(self):
        """Remove the lock files a killed postmaster left behind."""
        pidfile = self.data / "postmaster.pid"
        pid = self._postmaster_pid()
        if not pidfile.exists() or (pid is not None and self._is_our_postgres(pid)):
            return
        say(
            "removing a stale PostgreSQL pid file and socket lock from a killed run"
            f" (pid {pid} is not running)"
        )
        pidfile.unlink(missing_ok=True)
        for name in (f".s.PGSQL.{PG_PORT}.lock", f".s.PGSQL.{PG_PORT}"):
            (self.sockdir / name).unlink(missing_ok=True)
        # Backends of a killed postmaster exit on their own within moments.
        deadline = time.monotonic() + 15
        while self._leftover_backends() and time.monotonic() < deadline:
            time.sleep(0.2)
        for leftover in self._leftover_backends():
            with contextlib.suppress(ProcessLookupError):
                os.kill(leftover, signal.SIGKILL)

    def start(self):
        self.clean_stale()
        if self.running():
            return
        self._write_runtime_conf()
        self.sockdir.mkdir(mode=0o700, exist_ok=True)
        self._chown(self.sockdir)
        for _attempt in range(2):
            result = self._run_owner(
                [
                    self.bindir / "pg_ctl",
                    "start",
                    "-D",
                    self.data,
                    "-l",
                    self.logfile,
                    "-w",
                    "-t",
                    "120",
                    "-s",
                ]
            )
            if result.returncode == 0:
                break
            self.clean_stale()
        if result.returncode != 0 or not self.running():
            raise DevError(
                f"PostgreSQL did not start: {self._log_fatal()}"
                f" (log: {rel(self.logfile)})"
            )
        self.started_here = True
        self._ensure_role()

    def _log_fatal(self):
        try:
            lines = self.logfile.read_text(
                encoding="utf-8", errors="replace"
            ).splitlines()
        except OSError:
            return "no log"
        fatal = [line for line in lines[-30:] if "FATAL" in line or "ERROR" in line]
        return (fatal or lines[-1:] or ["no log"])[-1].strip()

    def stop(self):
        result = self._run_owner(
            [self.bindir / "pg_ctl", "stop", "-D", self.data, "-m", "fast", "-w", "-s"]
        )
        if result.returncode != 0 and self.running():
            self._run_owner(
                [
                    self.bindir / "pg_ctl",
                    "stop",
                    "-D",
                    self.data,
                    "-m",
                    "immediate",
                    "-s",
                ]
            )
        if self.running():
            say(f"PostgreSQL did not stop; see {rel(self.logfile)}")
        else:
            say("PostgreSQL stopped")

    # -- SQL -------------------------------------------------------------------
    def psql(self, sql, db="postgres", check=True):
        cmd = [
            str(self.bindir / "psql"),
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            str(self.sockdir),
            "-p",
            str(PG_PORT),
            "-U",
            PG_SUPERUSER,
            "-d",
            db,
            "-c",
            sql,
        ]
        env = dict(os.environ, PGCONNECT_TIMEOUT="10")
        result = subprocess.run(
            cmd, capture_output=True, text=True, env=env, check=False, cwd="/"
        )
        if result.returncode != 0:
            if check:
                detail = (result.stderr.strip().splitlines() or ["psql failed"])[-1]
                raise DevError(f"SQL on {db} failed: {detail}")
            return None
        return result.stdout.strip()

    def _ensure_role(self):
        self.psql(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname ="
            f" '{DB_ROLE}') THEN CREATE ROLE {DB_ROLE} LOGIN CREATEDB; END IF; END $$"
        )

    def db_exists(self, name):
        return self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"

    def addons_installed(self, name, states=("installed",)):
        names = ", ".join(f"'{addon}'" for addon in ADDONS)
        wanted = ", ".join(f"'{state}'" for state in states)
        out = self.psql(
            f"SELECT count(*) FROM ir_module_module WHERE state IN ({wanted})"
            f" AND name IN ({names})",
            db=name,
            check=False,
        )
        return out == str(len(ADDONS))

    def drop_db(self, name):
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(VAR / "data" / "filestore" / name, ignore_errors=True)


def collect_outside_clusters():
    """Remove outside clusters (/var/tmp) whose checkout is gone (CI clones)."""
    base = Path(os.environ.get("ONDERMIJNING_PG_OUTSIDE", "/var/tmp"))
    try:
        candidates = list(base.glob("ondermijning-pg-*"))
    except OSError:
        return
    for folder in candidates:
        marker = folder / "checkout"
        if not marker.is_file():
            continue
        checkout = Path(marker.read_text(encoding="utf-8").strip())
        link = checkout / "var" / "pg"
        if link.is_symlink() and os.path.realpath(link) == os.path.realpath(folder):
            continue
        pid = read_pid(folder / "data" / "postmaster.pid")
        if pid is not None and pid_alive(pid) and proc_comm(pid) == "postgres":
            continue
        shutil.rmtree(folder, ignore_errors=True)


# ----------------------------------------------------------------------------
# Keys and the Odoo config file
# ----------------------------------------------------------------------------


def ensure_keys():
    """var/keys: `id:key` lines (32 random bytes, base64url). Never printed."""
    path = VAR / "keys"
    if not path.exists():
        key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        write_private(path, f"k1:{key}\n")
        say("generated an encryption key in var/keys (mode 0600)")
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)
        say("var/keys was readable by others: set it to mode 0600")
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key_id, sep, encoded = line.partition(":")
        try:
            valid = sep and key_id and len(base64.urlsafe_b64decode(encoded)) == 32
        except (binascii.Error, ValueError):
            valid = False
        if not valid:
            raise DevError(
                "var/keys is not valid: each line must be <id>:<32 bytes in base64url>"
            )
        entries.append(f"{key_id}:{encoded}")
    if not entries:
        raise DevError("var/keys holds no key; remove the file to generate one")
    return ",".join(entries)


def ensure_secret(path):
    if not path.exists():
        write_private(path, secrets.token_urlsafe(24) + "\n")
    return path.read_text(encoding="utf-8").strip()


def write_config(odoo, cluster, keys, port):
    conf = VAR / "odoo.conf"
    addons_path = ",".join(str(p) for p in odoo.addons_dirs() + [REPO])
    lines = [
        "; Written by ./dev on every run (tools/dev.py): local edits are lost.",
        "[options]",
        f"addons_path = {addons_path}",
        f"data_dir = {VAR / 'data'}",
        f"db_host = {cluster.sockdir}",
        f"db_port = {PG_PORT}",
        f"db_user = {DB_ROLE}",
        "db_password = False",
        f"admin_passwd = {ensure_secret(VAR / 'master-password')}",
        "http_interface = 127.0.0.1",
        f"http_port = {port}",
        "max_cron_threads = 1",
        "log_level = info",
        f"ondermijning_keys = {keys}",
        "",
    ]
    write_private(conf, "\n".join(lines))
    return conf


# ----------------------------------------------------------------------------
# Running Odoo and reading its log
# ----------------------------------------------------------------------------

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z?]+) (?P<db>\S+)"
    r" (?P<logger>[^\s:]+): ?(?P<msg>.*)$"
)
TEST_TOTALS = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading")
SKIP = re.compile(r"^skipped (?P<test>.+?) : (?P<reason>.*)$")
MILESTONES = re.compile(
    r"^(loading \d+ modules|\d+ modules loaded in|Modules loaded\.|Starting post tests"
    r"|\d+ post-tests in|HTTP service \(werkzeug\) running"
    r"|init db|updating modules list)"
)
BROWSER_SKIP = re.compile(r"chrom|websocket|browser|devtools", re.IGNORECASE)
NOISE = ("Running as user 'root' is a security risk.",)


class LogScan:
    """Reads Odoo's log as it comes: keeps the counts, echoes what matters."""

    def __init__(self, verbose=False, milestones=True):
        self.verbose = verbose
        self.milestones = milestones
        self.totals = None  # (failed, errors, tests) from the last summary line
        self.skips = []
        self.started = collections.Counter()  # addon -> tests started
        self.retries = []
        self.failures = []  # "FAIL: X" / "ERROR: X" headlines
        self.other_errors = []  # ERROR/CRITICAL lines that are no test result
        self.warnings = 0
        self._level = None
        self._block = 0
        self._seen_header = False

    @staticmethod
    def _print(text):
        print(f"  | {text}", flush=True)

    def feed(self, line):
        line = line.rstrip("\n")
        if self.verbose:
            self._print(line)
        match = LOG_LINE.match(line)
        if not match:
            if self._level in ("ERROR", "CRITICAL") and self._block < 60:
                self._block += 1
                if not self.verbose:
                    self._print(line)
            elif (
                not self._seen_header
                and line.strip()
                and line.strip() not in NOISE
                and not self.verbose
            ):
                self._print(line)
            return
        self._seen_header = True
        level, logger = match["level"], match["logger"]
        msg = match["msg"].rstrip()
        self._level, self._block = level, 0
        short = f"{level} {logger}: {msg}"
        shown = self._count_level(level, logger, msg, short)
        shown = self._count_tests(logger, msg) or shown
        if self.milestones and MILESTONES.match(msg):
            shown = True
        if shown and not self.verbose:
            self._print(short)

    def _count_level(self, level, logger, msg, short):
        if level in ("ERROR", "CRITICAL"):
            if msg.startswith(("FAIL: ", "ERROR: ")):
                self.failures.append(msg)
            elif not self._is_test_report(logger, msg):
                self.other_errors.append(short)
            return True
        if level == "WARNING":
            self.warnings += 1
            return True
        return False

    def _count_tests(self, logger, msg):
        totals = TEST_TOTALS.search(msg) if logger == "odoo.tests.result" else None
        if totals:
            self.totals = tuple(int(n) for n in totals.groups())
            return True
        skip = SKIP.match(msg)
        if skip and logger.startswith("odoo.addons."):
            self.skips.append((skip["test"], skip["reason"]))
            return True
        if msg.startswith("Retrying a failed test"):
            self.retries.append(msg)
            retried = self._our_addon(msg.rsplit("(", 1)[-1])
            if retried:
                self.started[retried] -= 1  # counted again when it restarts
            return True
        addon = self._our_addon(logger)
        if addon and msg.startswith("Starting ") and msg.endswith(" ..."):
            self.started[addon] += 1
            return True
        return False

    @staticmethod
    def _our_addon(logger):
        parts = logger.split(".")
        if len(parts) > 2 and parts[:2] == ["odoo", "addons"] and parts[2] in ADDONS:
            return parts[2]
        return None

    @staticmethod
    def _is_test_report(logger, msg):
        return (
            logger == "odoo.tests.result"
            or re.match(r"^Module \S+: \d+ failures, \d+ errors of \d+ tests", msg)
            or msg.endswith("at least one error occurred in a test")
            or msg.startswith("Test suite halted")
            or msg == "At least one test failed when loading the modules."
        )


def run_logged(cmd, env, log_path, scan, tick=None, stdin_text=None):
    """Run an Odoo command in its own process group; full output to log_path."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
        env=env,
        cwd=str(REPO),
        text=True,
        errors="replace",
        bufsize=1,
        start_new_session=True,
        preexec_fn=_die_with_parent,  # noqa: PLW1509
    )
    STATE.children.append(proc)
    if stdin_text is not None:
        proc.stdin.write(stdin_text)
        proc.stdin.close()

    def pump():
        with log_path.open("a", encoding="utf-8") as log:
            for line in proc.stdout:
                log.write(line)
                log.flush()
                scan.feed(line)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    while True:
        try:
            rc = proc.wait(timeout=0.5)
            break
        except subprocess.TimeoutExpired:
            if tick is not None:
                tick(proc)
    reader.join(timeout=10)
    STATE.children.remove(proc)
    return rc


# ----------------------------------------------------------------------------
# Shared set-up of run / test / shell
# ----------------------------------------------------------------------------


@dataclass
class Env:
    python: Path
    odoo: Odoo
    cluster: Cluster
    conf: Path


def check_port(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise DevError(
                f"port {port} on 127.0.0.1 is already in use. Stop what listens there,"
                f" or choose another port: ./dev run --port {port + 1}"
                f" (or ODOO_PORT={port + 1})."
            ) from None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check_odoo_pidfile():
    path = VAR / "odoo.pid"
    pid = read_pid(path)
    if pid is None:
        if path.exists():
            path.unlink()
        return
    if pid_alive(pid) and "odoo" in proc_cmdline(pid):
        raise DevError(
            f"Odoo of this checkout is already running (pid {pid}). Stop it first"
            f" (Ctrl-C in its terminal, ./dev stop, or kill {pid})."
        )
    say(f"removing a stale Odoo pid file from a killed run (pid {pid} is not running)")
    path.unlink(missing_ok=True)


def prune_logs(keep=10):
    """Keep the newest logs of each kind in var/log; rotate a big odoo.log."""
    for pattern in ("install-*", "update-*", "test-*", "pytest-*"):
        old = sorted(LOG_DIR.glob(pattern), key=lambda p: p.stat().st_mtime)
        for path in old[: -keep * 2 if pattern == "pytest-*" else -keep]:
            path.unlink(missing_ok=True)
    served = LOG_DIR / "odoo.log"
    if served.is_file() and served.stat().st_size > 50 * 1024 * 1024:
        served.replace(LOG_DIR / "odoo.log.1")


def prepare(command, port):
    """Everything `run`, `test` and `shell` need, ending with a running cluster."""
    bindir = find_pg_bindir()  # checks without side effects first
    major = pg_major(bindir)
    VAR.mkdir(exist_ok=True)
    LOG_DIR.mkdir(exist_ok=True)
    prune_logs()
    python = ensure_venv()
    odoo = find_odoo(python)
    say(f"Odoo 18.0 from {odoo.tree or odoo.package} ({odoo.how})")
    os_user = ensure_pg_os_user()
    begin_session(command)
    if os.geteuid() == 0:
        collect_outside_clusters()
    cluster = Cluster(bindir, major, os_user)
    STATE.cluster = cluster
    cluster.ensure_home()
    cluster.ensure_initialized()
    keys = ensure_keys()
    conf = write_config(odoo, cluster, keys, port)
    if cluster.running():
        say(f"PostgreSQL {major} already running (var/pg)")
    else:
        (VAR / "pg-stop-deferred").unlink(missing_ok=True)
        cluster.start()
        where = f" (in {cluster.external})" if cluster.external else ""
        say(f"PostgreSQL {major} started: var/pg{where}, unix socket only")
    return Env(python, odoo, cluster, conf)


# ----------------------------------------------------------------------------
# ./dev run
# ----------------------------------------------------------------------------


def read_demo_logins():
    pairs = []
    for line in DEMO_LOGINS.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            login, role = line.split(None, 1)
            if not re.fullmatch(r"[A-Za-z0-9_.@-]+", login):
                raise DevError(f"tools/demo_logins.txt: unusable login {login!r}")
            pairs.append((login, role))
    return pairs


LANG_SNIPPET = """
logins = {logins!r}
env["res.lang"]._activate_lang({lang!r})
users = env["res.users"].with_context(active_test=False).search(
    [("login", "in", logins)]
)
users.write({{"lang": {lang!r}}})
env["ir.default"].set("res.partner", "lang", {lang!r})
env.cr.commit()
"""


def set_dutch(env, log_path, verbose):
    logins = [login for login, _role in read_demo_logins()]
    scan = LogScan(verbose, milestones=False)
    snippet = LANG_SNIPPET.format(logins=logins, lang=LANG)
    rc = run_logged(
        env.odoo.command("shell", "-c", str(env.conf), "-d", RUN_DB, "--no-http"),
        env.odoo.env(),
        log_path,
        scan,
        stdin_text=snippet,
    )
    if rc != 0 or scan.other_errors:
        raise DevError(
            f"could not make nl_NL the users' language (log: {rel(log_path)})"
        )


def users_not_dutch(cluster):
    logins = ", ".join(f"'{login}'" for login, _role in read_demo_logins())
    out = cluster.psql(
        "SELECT count(*) FROM res_users u JOIN res_partner p ON p.id = u.partner_id"
        f" WHERE u.login IN ({logins}) AND coalesce(p.lang, '') <> '{LANG}'",
        db=RUN_DB,
        check=False,
    )
    return out not in ("0", None)


def cmd_run(args):
    port = args.port or int(os.environ.get("ODOO_PORT") or DEFAULT_PORT)
    STATE.stop_cluster = "always"
    if VAR.is_dir():
        check_odoo_pidfile()
    check_port(port)
    env = prepare("run", port)
    cluster, odoo = env.cluster, env.odoo
    modules = ",".join(ADDONS)
    stamp = timestamp()
    # Half-made: a first installation that never finished. A failed upgrade
    # ("to upgrade") is no reason to drop the developer's database.
    if cluster.db_exists(RUN_DB) and not cluster.addons_installed(
        RUN_DB, ("installed", "to upgrade", "to remove")
    ):
        say(
            f"database {RUN_DB} is incomplete (an earlier set-up was interrupted):"
            " remaking it"
        )
        cluster.drop_db(RUN_DB)
    if not cluster.db_exists(RUN_DB):
        log_path = LOG_DIR / f"install-{stamp}.log"
        say(
            f"creating database {RUN_DB}: installing {modules} with demo data and"
            f" {LANG} (takes a few minutes; log: {rel(log_path)})"
        )
        STATE.drop_on_abort = RUN_DB
        scan = LogScan(args.verbose)
        rc = run_logged(
            odoo.command(
                "-c",
                str(env.conf),
                "-d",
                RUN_DB,
                "-i",
                modules,
                f"--load-language={LANG}",
                "--stop-after-init",
                "--max-cron-threads=0",
                "--no-http",
            ),
            odoo.env(),
            log_path,
            scan,
        )
        if rc != 0 or scan.other_errors or not cluster.addons_installed(RUN_DB):
            cluster.drop_db(RUN_DB)
            STATE.drop_on_abort = ""
            raise DevError(
                f"installing the addons failed (errors above; log: {rel(log_path)});"
                " the half-made database was dropped"
            )
        set_dutch(env, log_path, args.verbose)
        STATE.drop_on_abort = ""
    else:
        log_path = LOG_DIR / f"update-{stamp}.log"
        say(f"database {RUN_DB} exists: upgrading {modules} (log: {rel(log_path)})")
        scan = LogScan(args.verbose)
        rc = run_logged(
            odoo.command(
                "-c",
                str(env.conf),
                "-d",
                RUN_DB,
                "-u",
                modules,
                "--stop-after-init",
                "--max-cron-threads=0",
                "--no-http",
            ),
            odoo.env(),
            log_path,
            scan,
        )
        if rc != 0 or scan.other_errors:
            raise DevError(
                f"upgrading the addons failed (errors above; log: {rel(log_path)})"
            )
        if users_not_dutch(cluster):
            set_dutch(env, log_path, args.verbose)
    check_odoo_pidfile()
    check_port(port)
    serve(env, port, args)


def serve(env, port, args):
    log_path = LOG_DIR / "odoo.log"
    url = f"http://127.0.0.1:{port}"
    say(
        f"starting Odoo on {url} (warnings and errors shown; full log: {rel(log_path)})"
    )
    scan = LogScan(args.verbose, milestones=False)
    ready = {"done": False, "since": time.monotonic()}

    def tick(_proc):
        if ready["done"]:
            return
        try:
            with urllib.request.urlopen(f"{url}/web/login", timeout=5) as response:
                ok = response.status == 200
        except (urllib.error.URLError, OSError):
            ok = False
        if ok:
            ready["done"] = True
            print_welcome(env.cluster, url)
        elif time.monotonic() - ready["since"] > 300:
            ready["done"] = True
            say(f"Odoo does not answer on {url}/web/login yet; see {rel(log_path)}")

    cmd = env.odoo.command(
        "-c",
        str(env.conf),
        "-d",
        RUN_DB,
        f"--db-filter=^{RUN_DB}$",
        "--no-database-list",
        f"--http-port={port}",
        "--http-interface=127.0.0.1",
        f"--pidfile={VAR / 'odoo.pid'}",
        *args.odoo_args,
    )
    rc = run_logged(cmd, env.odoo.env(), log_path, scan, tick=tick)
    raise DevError(f"Odoo stopped by itself (exit status {rc}; log: {rel(log_path)})")


def print_welcome(cluster, url):
    logins = read_demo_logins()
    quoted = ", ".join(f"'{login}'" for login, _role in logins)
    present = cluster.psql(
        f"SELECT login FROM res_users WHERE login IN ({quoted})", db=RUN_DB, check=False
    )
    present = set((present or "").split())
    width = max(len(login) for login, _role in logins) + 2
    print(flush=True)
    print(f"  Odoo 18.0 is running: {url}/web/login", flush=True)
    print(f"  database {RUN_DB}, demo data, Dutch (nl_NL)", flush=True)
    print(flush=True)
    print(f"  {'login'.ljust(width)}{'password'.ljust(width)}role", flush=True)
    missing = False
    for login, role in logins:
        mark = "" if login in present else "  (*)"
        missing = missing or bool(mark)
        print(f"  {login.ljust(width)}{login.ljust(width)}{role}{mark}", flush=True)
    if missing:
        print(
            "  (*) not in the database yet: comes with the addons' demo data",
            flush=True,
        )
    print(flush=True)
    print("  Ctrl-C stops Odoo and the project's PostgreSQL.", flush=True)
    print(flush=True)


# ----------------------------------------------------------------------------
# ./dev test
# ----------------------------------------------------------------------------


def check_browser(python):
    if not any(shutil.which(name) for name in CHROME_NAMES):
        raise DevError(
            "chromium not found on PATH: Odoo would skip the browser tests."
            " Install it (Debian: apt-get install chromium).",
            2,
        )
    result = subprocess.run(
        [str(python), "-c", "import websocket"], capture_output=True, check=False
    )
    if result.returncode != 0:
        raise DevError(
            "websocket-client is missing from .venv: Odoo would skip the browser"
            " tests. Remove .venv/.requirements.sha256 and run again."
        )


def junit_counts(path):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    counts = collections.Counter()
    for suite in suites:
        for key in ("tests", "failures", "errors", "skipped"):
            counts[key] += int(suite.get(key, 0))
    return counts


def cmd_test(args):
    STATE.stop_cluster = "if-started"
    env = prepare("test", DEFAULT_PORT)
    check_browser(env.python)
    cluster, odoo = env.cluster, env.odoo
    stamp = timestamp()
    log_path = LOG_DIR / f"test-{stamp}.log"
    cluster.drop_db(TEST_DB)
    modules = ",".join(ADDONS)
    say(
        f"Odoo's test runner: installing {modules} in a fresh database {TEST_DB}"
        f" (full log: {rel(log_path)})"
    )
    test_env = odoo.env()
    test_env.setdefault("ODOO_TEST_FAILURE_RETRIES", "1")
    scan = LogScan(args.verbose)
    started = time.monotonic()
    odoo_rc = run_logged(
        odoo.command(
            "-c",
            str(env.conf),
            "-d",
            TEST_DB,
            "-i",
            modules,
            "--test-enable",
            "--stop-after-init",
            "--test-tags",
            ",".join(f"/{addon}" for addon in ADDONS),
            f"--http-port={free_port()}",
            "--max-cron-threads=0",
        ),
        test_env,
        log_path,
        scan,
    )
    say(
        f"Odoo's test runner finished in {time.monotonic() - started:.0f}s"
        f" (exit status {odoo_rc})"
    )

    junit = LOG_DIR / f"pytest-{stamp}.xml"
    pytest_log = LOG_DIR / f"pytest-{stamp}.log"
    say(f"pytest (pytest-odoo) on tests/ against {TEST_DB}")
    pytest_rc = run_pytest(env, junit, pytest_log)
    counts = junit_counts(junit)
    return report(scan, odoo_rc, pytest_rc, counts, log_path)


def run_pytest(env, junit, log_path):
    cmd = [
        str(env.python),
        "-m",
        "pytest",
        "tests",
        f"--odoo-database={TEST_DB}",
        f"--odoo-config={env.conf}",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
        "-q",
        "-rfEs",
        "--color=no",
    ]
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env.odoo.env(),
        cwd=str(REPO),
        text=True,
        errors="replace",
        start_new_session=True,
        preexec_fn=_die_with_parent,  # noqa: PLW1509
    )
    STATE.children.append(proc)
    with log_path.open("w", encoding="utf-8") as log:
        for line in proc.stdout:
            log.write(line)
            print(f"  | {line.rstrip()}", flush=True)
    rc = proc.wait()
    STATE.children.remove(proc)
    return rc


def report(scan, odoo_rc, pytest_rc, counts, log_path):
    """Print what went wrong and return (exit code, summary line)."""
    problems = []
    failed = skipped = passed = 0
    if scan.totals is None:
        problems.append(
            f"Odoo reported no test totals (it exited {odoo_rc}); see {rel(log_path)}"
        )
    else:
        o_failed, o_errors, o_run = scan.totals
        o_skipped = len(scan.skips)
        o_passed = max(o_run - o_failed - o_errors - o_skipped - len(scan.retries), 0)
        failed += o_failed + o_errors
        skipped += o_skipped
        passed += o_passed
        say(
            f"Odoo: {o_passed} passed, {o_failed + o_errors} failed,"
            f" {o_skipped} skipped"
            " (" + ", ".join(f"{a}: {scan.started[a]} run" for a in ADDONS) + ")"
        )
        if o_failed + o_errors == 0 and odoo_rc != 0:
            problems.append(f"Odoo exited with status {odoo_rc}")
    for addon in ADDONS:
        if scan.started[addon] == 0:
            problems.append(f"no test of {addon} ran")
    browser_skips = [s for s in scan.skips if BROWSER_SKIP.search(s[1])]
    for test, reason in browser_skips:
        problems.append(f"browser test skipped: {test} ({reason})")
    if scan.other_errors:
        problems.append(
            f"Odoo logged {len(scan.other_errors)} ERROR/CRITICAL line(s) outside test"
            " results (shown above)"
        )
    failed_names = {headline.split(": ", 1)[-1] for headline in scan.failures}
    for retry in scan.retries:
        test_id = retry.rsplit("(", 1)[-1].rstrip(")")
        name = ".".join(test_id.split(".")[-2:])
        if name not in failed_names:
            say(
                f"warning: {name} passed only on its second try"
                " (ODOO_TEST_FAILURE_RETRIES)"
            )
    if counts is None or pytest_rc not in (0, 1, 5):
        problems.append(f"pytest did not run properly (exit status {pytest_rc})")
    if counts is not None:
        p_failed = counts["failures"] + counts["errors"]
        p_skipped = counts["skipped"]
        passed += max(counts["tests"] - p_failed - p_skipped, 0)
        failed += p_failed
        skipped += p_skipped
        if p_failed == 0 and pytest_rc == 1:
            problems.append("pytest failed (exit status 1)")
    if passed + failed == 0:
        problems.append("no test ran")
    if scan.failures:
        say("failed tests:")
        for headline in scan.failures:
            print(f"  - {headline}", flush=True)
    for problem in problems:
        say(f"problem: {problem}")
    failed += len(problems)  # each problem counts as one failed check
    summary = f"tests: {passed} passed, {failed} failed, {skipped} skipped"
    return (1 if failed else 0), summary


# ----------------------------------------------------------------------------
# ./dev lint, stop, shell
# ----------------------------------------------------------------------------


def cmd_lint(args):
    python = ensure_venv()
    bindir = VENV / "bin"
    py_files = sorted(
        str(path.relative_to(REPO))
        for folder in ("tools", "tests")
        for path in (REPO / folder).rglob("*.py")
    )
    steps = []
    if args.fix:
        steps.append(("ruff fix", [bindir / "ruff", "check", "--fix", "."]))
        steps.append(("ruff format", [bindir / "ruff", "format", "."]))
    else:
        steps.append(("ruff check", [bindir / "ruff", "check", "."]))
        steps.append(
            ("ruff format --check", [bindir / "ruff", "format", "--check", "."])
        )
    steps.append(
        (
            "pylint-odoo",
            [python, "-m", "pylint", "--rcfile=.pylintrc", *ADDONS, *py_files],
        )
    )
    failed = []
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    for name, cmd in steps:
        say(name)
        result = subprocess.run(
            [str(c) for c in cmd],
            cwd=str(REPO),
            env=env,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if result.returncode != 0:
            failed.append(name)
    if failed:
        raise DevError(f"lint failed: {', '.join(failed)}")
    say("lint: ruff and pylint-odoo found nothing")


def cmd_stop(_args):
    pid = read_pid(VAR / "odoo.pid")
    if pid is not None and pid_alive(pid) and "odoo" in proc_cmdline(pid):
        say(f"stopping Odoo (pid {pid})")
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
    (VAR / "odoo.pid").unlink(missing_ok=True)
    (VAR / "pg-stop-deferred").unlink(missing_ok=True)
    if not (VAR / "pg" / "data" / "PG_VERSION").is_file():
        say("no PostgreSQL cluster in var/pg")
        return
    cluster = Cluster(find_pg_bindir(), None, ensure_pg_os_user())
    cluster.clean_stale()
    if cluster.running():
        cluster.stop()
    else:
        say("PostgreSQL is not running")


def cmd_shell(args):
    STATE.stop_cluster = "if-started"
    env = prepare("shell", DEFAULT_PORT)
    if not env.cluster.db_exists(RUN_DB):
        raise DevError(f"no database {RUN_DB} yet: run ./dev run first")
    # Ctrl-C belongs to the interactive shell while it runs.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    subprocess.run(
        env.odoo.command(
            "shell", "-c", str(env.conf), "-d", RUN_DB, "--no-http", *args.odoo_args
        ),
        env=env.odoo.env(),
        cwd=str(REPO),
        check=False,
    )


# ----------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="./dev", description="Run, test and lint the ondermijning Odoo addons."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run", help="set up and serve Odoo with both addons (Command 1)"
    )
    run.add_argument(
        "--port", type=int, help=f"HTTP port (default $ODOO_PORT or {DEFAULT_PORT})"
    )
    run.add_argument(
        "-v", "--verbose", action="store_true", help="show Odoo's full log"
    )
    run.add_argument("odoo_args", nargs="*", help="extra Odoo options, after --")
    test = sub.add_parser("test", help="run all tests in a fresh database (Command 2)")
    test.add_argument(
        "-v", "--verbose", action="store_true", help="show Odoo's full log"
    )
    lint = sub.add_parser("lint", help="ruff and pylint-odoo")
    lint.add_argument("--fix", action="store_true", help="let ruff fix and format")
    sub.add_parser(
        "stop", help="stop Odoo and PostgreSQL left running by this checkout"
    )
    shell = sub.add_parser("shell", help="odoo shell on the development database")
    shell.add_argument("odoo_args", nargs="*", help="extra Odoo options, after --")
    args = parser.parse_args(argv)

    install_signal_handlers()
    summary = None
    code = 0
    try:
        if args.command == "test":
            code, summary = cmd_test(args)
        else:
            {"run": cmd_run, "lint": cmd_lint, "stop": cmd_stop, "shell": cmd_shell}[
                args.command
            ](args)
    except DevError as exc:
        print(f"dev: error: {exc}", file=sys.stderr, flush=True)
        code = exc.code
    except Interrupted as exc:
        signame = signal.Signals(exc.args[0]).name if exc.args else "SIGINT"
        say(f"{signame}: stopping")
        code = 130
    finally:
        cleanup()
    if summary is not None:
        print(summary, flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
