"""The commands of ./dev (README.md); __init__.py names the tools they use."""

# pylint: disable=print-used
import argparse
import contextlib
import ctypes
import datetime
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from . import ADDONS, BIN, LANG, LOG_DIR, REPO, RUN_DB, TEST_DB, VAR, DevError, say
from .cluster import Cluster
from .odoo_setup import find_odoo, write_config
from .summary import OdooLog, report

CHILDREN, STATE = [], {"cluster": None, "stop_cluster": False}
DUTCH = f"""lang, modules = {LANG!r}, env["ir.module.module"]
env["res.lang"]._activate_lang(lang)
modules.search([("state", "=", "installed")])._update_translations([lang])
env["ir.default"].set("res.partner", "lang", lang)
env["res.users"].with_context(active_test=False).search([]).write({{"lang": lang}})
"""


def _die_with_parent():
    """In a child: SIGTERM when ./dev dies, even by SIGKILL (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def run_logged(cmd, env, log_path, log, stdin=None, failure=None):
    """Run a command in a process group of its own; its output to log_path and log.

    With `failure`, a non-zero exit shows the last lines and raises `failure`.
    """
    tail = []
    with open(log_path, "a", encoding="utf-8") as out:
        proc = subprocess.Popen(  # pylint: disable=consider-using-with
            [str(c) for c in cmd], env=env, text=True, errors="replace",
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            preexec_fn=_die_with_parent,  # noqa: PLW1509
        )  # fmt: skip
        CHILDREN.append(proc)
        if stdin:
            proc.stdin.write(stdin)
            proc.stdin.close()
        for line in proc.stdout:
            out.write(line)
            log.feed(line)
            tail = [*tail[-14:], line.rstrip()]
        CHILDREN.remove(proc)
    if proc.wait() and failure:
        print("\n".join(f"  | {line}" for line in tail))
        raise DevError(f"{failure} (exit status {proc.returncode}; log: {log_path})")
    return proc.returncode


def checklog(log_path):
    """checklog-odoo (checklog-odoo.cfg): non-zero when Odoo logged an ERROR."""
    return subprocess.run([BIN / "checklog-odoo", log_path], check=False).returncode


def cleanup():
    """Stop this command's children, then PostgreSQL if this command should."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    while CHILDREN:
        proc = CHILDREN.pop()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=30)
            os.killpg(proc.pid, signal.SIGKILL)  # what is left, e.g. its browser
        proc.wait()
    pg = STATE["cluster"]
    if not (pg and STATE["stop_cluster"] and pg.running()):
        return
    others = pg.sql(
        "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
        " AND pid <> pg_backend_pid()"
    )
    if others != "0":
        return say(f"leaving PostgreSQL running for {others} other connection(s)")
    pg.stop()
    if os.environ.get("CI") and pg.link.is_symlink():  # a clone thrown away
        say(f"removing {pg.home} (CI)")
        shutil.rmtree(pg.home, ignore_errors=True)
        pg.link.unlink()


def prepare(port, stop_cluster):
    """What run, test and shell need, ending with the cluster running."""
    pg = Cluster()  # finds PostgreSQL's binaries: no side effects before the checks
    odoo = find_odoo()
    say(f"Odoo 18.0 from {odoo.tree or odoo.package} ({odoo.how})")
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    for kind in ("install", "update", "test", "pytest"):
        for old in sorted(LOG_DIR.glob(f"{kind}-*"))[:-20]:
            old.unlink()
    STATE["cluster"] = pg
    pg.ensure()
    conf = write_config(odoo, pg, port)
    started = pg.start()
    STATE["stop_cluster"] = stop_cluster or started
    where = f" (in {pg.home})" if pg.link.is_symlink() else ""
    say(f"PostgreSQL {'started' if started else 'already running'}: var/pg{where}")
    return pg, conf, odoo.env()


def log_file(kind):
    return LOG_DIR / f"{kind}-{datetime.datetime.now():%Y%m%d-%H%M%S}.log"


def odoo_pid():
    """The pid of this checkout's served Odoo; a stale pid file is removed."""
    pidfile = VAR / "odoo.pid"
    try:
        pid = int(pidfile.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    with contextlib.suppress(OSError):
        if b"odoo" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return pid
    say(f"removing a stale Odoo pid file from a killed run (pid {pid} is not running)")
    return pidfile.unlink()


def cmd_run(args):
    port = args.port or int(os.environ.get("ODOO_PORT") or 8069)
    if VAR.is_dir() and (pid := odoo_pid()):
        raise DevError(f"Odoo of this checkout is already running (pid {pid}). Stop it"
                       f" first (Ctrl-C in its terminal, ./dev stop, or kill {pid}).")  # fmt: skip
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise DevError(
                f"port {port} on 127.0.0.1 is already in use. Stop what listens there,"
                f" or choose another port: ./dev run --port {port + 1}"
                f" (or ODOO_PORT={port + 1})."
            )
    pg, conf, env = prepare(port, stop_cluster=True)
    log, fresh = OdooLog(args.verbose), f"{RUN_DB}_new"  # renamed once complete
    if pg.drop(fresh):
        say(f"removed the half-made database {fresh} of an interrupted set-up")
    if not pg.sql(f"SELECT 1 FROM pg_database WHERE datname = '{RUN_DB}'"):
        log_path, key = log_file("install"), hashlib.sha1((VAR / "keys").read_bytes())
        say(f"creating database {RUN_DB}: {', '.join(ADDONS)} with demo data and"
            f" {LANG} (a few minutes the first time; log: {log_path})")  # fmt: skip
        initdb = [  # templates hold data encrypted with var/keys: a cache per key
            BIN / "click-odoo-initdb", "-n", fresh, "-m", ",".join(ADDONS),
            f"--cache-prefix=d{key.hexdigest()[:7]}", "--cache-max-size=2",
        ]  # fmt: skip
        hashes = [BIN / "click-odoo-update", "-d", fresh, "--only-compute-hashes"]
        for step, script in ((initdb, None), ([BIN / "click-odoo", "-d", fresh], DUTCH),
                             (hashes, None)):  # the checksums, now with nl.po  # fmt: skip
            run_logged([*step, "-c", conf, "--log-level=info"], env, log_path, log,
                       script, "installing the addons failed")  # fmt: skip
        pg.sql(f'ALTER DATABASE "{fresh}" RENAME TO "{RUN_DB}"')
    else:
        log_path = log_file("update")
        say(f"database {RUN_DB} exists: upgrading what changed (click-odoo-update)")
        run_logged([BIN / "click-odoo-update", "-c", conf, "-d", RUN_DB, "--log-level=info"],
                   env, log_path, log, failure="upgrading the addons failed")  # fmt: skip
    if checklog(log_path):
        raise DevError(f"setting up {RUN_DB} logged errors (see above; {log_path})")
    url = f"http://127.0.0.1:{port}"
    say(f"starting Odoo on {url} (warnings and errors shown; log: var/log/odoo.log)")
    rc = run_logged(
        [sys.executable, "-m", "odoo", "-c", conf, "-d", RUN_DB, "--no-database-list",
         f"--db-filter=^{RUN_DB}$", f"--http-port={port}", f"--pidfile={VAR / 'odoo.pid'}",
         *args.odoo_args],
        env, LOG_DIR / "odoo.log", OdooLog(args.verbose, on_ready=lambda: welcome(url)),
    )  # fmt: skip
    raise DevError(f"Odoo stopped by itself (exit status {rc}; log: var/log/odoo.log)")


def welcome(url):
    logins = (REPO / "tools" / "demo_logins.txt").read_text(encoding="utf-8")
    print(f"\n  Odoo 18.0 is running: {url}/web/login (database {RUN_DB}, demo data,"
          f" Dutch)\n  Demo logins, the password equals the login:")  # fmt: skip
    print("\n".join(f"    {row}" for row in logins.splitlines() if row[:1].isalnum()))
    print("\n  Ctrl-C stops Odoo and the project's PostgreSQL.\n")


def cmd_test(args):
    pg, conf, env = prepare(8069, stop_cluster=False)
    log_path, log = log_file("test"), OdooLog(args.verbose)
    junit = log_path.with_name(f"py{log_path.stem}.xml")
    pg.drop(TEST_DB)
    depends = subprocess.run(
        [BIN / "manifestoo", "--select-addons-dir", REPO, "list-depends", "--separator=,"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    say(f"{TEST_DB}: {depends} from a cached template (click-odoo-initdb)")
    run_logged(
        [BIN / "click-odoo-initdb", "-c", conf, "-n", TEST_DB, "-m", depends,
         "--cache-prefix=test", "--cache-max-size=2", "--log-level=info"],
        env, log_path, OdooLog(args.verbose), failure=f"creating {TEST_DB} failed",
    )  # fmt: skip
    say(f"Odoo's test runner: installs {', '.join(ADDONS)} and runs their tests"
        f" (log: {log_path})")  # fmt: skip
    env.setdefault("ODOO_TEST_FAILURE_RETRIES", "1")
    with socket.socket() as probe:  # a free port for the browser tests
        probe.bind(("127.0.0.1", 0))
        port, started = probe.getsockname()[1], time.monotonic()
    odoo_rc = run_logged(
        [sys.executable, "-m", "odoo", "-c", conf, "-d", TEST_DB, "-i", ",".join(ADDONS),
         "--test-enable", "--test-tags", ",".join(f"/{addon}" for addon in ADDONS),
         "--stop-after-init", f"--http-port={port}", "--max-cron-threads=0"],
        env, log_path, log,
    )  # fmt: skip
    say(f"Odoo's test runner finished in {time.monotonic() - started:.0f}s")
    checklog_rc = checklog(log_path)
    say(f"pytest (pytest-odoo) on tests/ against {TEST_DB}")
    pytest_rc = run_logged(
        [sys.executable, "-m", "pytest", "tests", f"--odoo-database={TEST_DB}",
         f"--odoo-config={conf}", "-p", "no:cacheprovider", f"--junitxml={junit}",
         "-q", "-rfEs", "--color=no"],
        env, junit.with_suffix(".log"), OdooLog(verbose=True),
    )  # fmt: skip
    return report(log, odoo_rc, checklog_rc, pytest_rc, junit)


def cmd_lint(_args):
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    if subprocess.run([BIN / "pre-commit", "run", "--all-files"], env=env).returncode:
        raise DevError(
            "lint failed (pre-commit's report above; it fixed what it could)"
        )
    say("lint: pre-commit found nothing")


def cmd_stop(_args):
    if VAR.is_dir() and (pid := odoo_pid()):
        say(f"stopping Odoo (pid {pid})")
        os.kill(pid, signal.SIGTERM)
        for _wait in range(150):
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.2)
    if (pg := Cluster()).running():
        pg.stop()
    else:
        say("PostgreSQL of this checkout is not running")


def cmd_shell(args):
    pg, conf, env = prepare(8069, stop_cluster=False)
    if not pg.sql(f"SELECT 1 FROM pg_database WHERE datname = '{RUN_DB}'"):
        raise DevError(f"no database {RUN_DB} yet: run ./dev run first")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to the shell
    cmd = ["shell", "-c", conf, "-d", RUN_DB, "--no-http", *args.odoo_args]
    subprocess.run([sys.executable, "-m", "odoo", *cmd], env=env, check=False)


def _interrupted(signum, _frame):
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main():
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(prog="./dev", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="set up what is missing, then serve Odoo")
    run.add_argument("--port", type=int, help="HTTP port ($ODOO_PORT, else 8069)")
    test = sub.add_parser("test", help="every test, in a fresh database")
    shell = sub.add_parser("shell", help="odoo shell on the development database")
    sub.add_parser("lint", help="pre-commit run --all-files")
    sub.add_parser("stop", help="stop an Odoo or PostgreSQL of this checkout")
    for command in (run, test):
        command.add_argument("-v", "--verbose", action="store_true", help="Odoo's log")
    for command in (run, shell):
        command.add_argument("odoo_args", nargs="*", help="Odoo options, after --")
    args = parser.parse_args()
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupted)
    commands = {"run": cmd_run, "test": cmd_test, "lint": cmd_lint}
    commands.update(stop=cmd_stop, shell=cmd_shell)
    code, summary = 0, None
    try:
        code, summary = commands[args.command](args) or (0, None)
    except DevError as exc:
        print(f"dev: error: {exc}", file=sys.stderr)
        code = exc.code
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"dev: error: {exc}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt as exc:
        say(f"{exc.args[0] if exc.args else 'SIGINT'}: stopping")
        code = 130
    finally:
        cleanup()
    if summary:
        print(summary)
    return int(code)


sys.exit(main())
