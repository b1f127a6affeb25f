"""The commands of ./dev (README.md); __init__.py names the tools they use."""

# pylint: disable=print-used
import argparse
import configparser
import contextlib
import ctypes
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from subprocess import CalledProcessError

from . import ADDONS, BIN, LANG, LOG_DIR, REPO, RUN_DB, TEST_DB, VAR, DevError, say
from .cluster import Cluster
from .odoo_setup import CONF, find_odoo, write_config
from .replica import Replica, supported
from .summary import OdooLog, report

CHILDREN, STATE, MODULES = [], {"cluster": None, "stop": False}, ",".join(ADDONS)
DUTCH = f"""lang, modules = {LANG!r}, env["ir.module.module"]
env["res.lang"]._activate_lang(lang)
modules.search([("state", "=", "installed")])._update_translations([lang])
env["ir.default"].set("res.partner", "lang", lang)
env["res.users"].with_context(active_test=False).search([]).write({{"lang": lang}})
"""


def _die_with_parent():  # in a child: SIGTERM when ./dev dies, even by SIGKILL
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def run_logged(cmd, log, stdin=None, failure=None):
    """Run a command in its own process group, output to `log`; `failure`: raised."""
    with open(log.path, "a", encoding="utf-8") as out:
        proc = subprocess.Popen(  # pylint: disable=consider-using-with
            [str(c) for c in cmd], env=STATE["env"], text=True, errors="replace",
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
        CHILDREN.remove(proc)
    if proc.wait() and failure:
        raise DevError(f"{failure}: {log.last.strip()} (log: {log.path})")
    return proc.returncode


def cleanup():  # this command's children, then PostgreSQL if this command should
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
    if (replica := STATE.get("replica")) and replica.running():
        replica.stop()  # only Odoo of this command reads from it
    if not ((pg := STATE["cluster"]) and STATE["stop"] and pg.running()):
        return
    if (others := pg.clients()) != "0":
        return say(f"leaving PostgreSQL running for {others} other connection(s)")
    pg.stop()
    if os.environ.get("CI") and pg.link.is_symlink():  # a clone thrown away
        say(f"removing {pg.home} (CI)")
        shutil.rmtree(pg.home, ignore_errors=True)
        pg.link.unlink()


def prepare(port, stop, replica=False):
    """What run, test and shell need, ending with the cluster (and replica) running."""
    pg = Cluster()  # finds PostgreSQL's binaries: no side effects before the checks
    odoo = find_odoo()
    say(f"Odoo 18.0 from {odoo.tree or odoo.package} ({odoo.how})")
    if replica and not supported(odoo):
        raise DevError(
            f"this Odoo ({odoo.tree or odoo.package}) has no db_replica_host: it cannot"
            " read from a replica. Run without --replica, or with a newer Odoo 18.0.",
            2,
        )
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    os.umask(0o077)  # from here: keys, config, logs, filestore for this user only
    for old in sorted(LOG_DIR.glob("*.log"), key=os.path.getmtime)[:-20]:
        old.unlink()  # keeps the newest 20 logs
    STATE.update(cluster=pg, env=odoo.env(), launcher=odoo.launcher())
    pg.ensure()
    write_config(odoo, pg, port, replica := replica and Replica(pg))
    STATE["stop"] = (started := pg.start()) or stop
    say(f"PostgreSQL {'started' if started else 'already running'} in {pg.home}")
    if replica:
        STATE["replica"] = replica
        replica.ensure_running()
    return pg


def odoo(*args):
    return [sys.executable, *STATE["launcher"], "-c", CONF, *args]


def click_odoo(suffix, *args):
    return [BIN / f"click-odoo{suffix}", "-c", CONF, "--log-level=info", *args]


def odoo_pid():
    try:  # the pid of this checkout's served Odoo; a stale pid file is removed
        pid = int((pidfile := VAR / "odoo.pid").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    with contextlib.suppress(OSError):
        if b"odoo" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return pid
    say(f"removing a stale Odoo pid file from a killed run (pid {pid} is not running)")
    return pidfile.unlink()


def cmd_run(args):
    port = args.port or int(os.environ.get("ODOO_PORT") or 8069)
    if pid := odoo_pid():
        raise DevError(
            f"Odoo of this checkout is already running (pid {pid}). Stop it first"
            f" (Ctrl-C in its terminal, ./dev stop, or kill {pid})."
        )
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise DevError(
                f"port {port} on 127.0.0.1 is already in use. Stop what listens there,"
                f" or choose another port: ./dev run --port {port + 1}"
                f" (or ODOO_PORT={port + 1})."
            )
    pg = prepare(port, stop=True, replica=args.replica)
    fresh = f"{RUN_DB}_new"  # renamed once complete
    if pg.drop(fresh):
        say(f"removed the half-made database {fresh} of an interrupted set-up")
    if not pg.exists(RUN_DB):
        log = OdooLog("install", args.verbose)
        say(f"creating database {RUN_DB} (a few minutes at first; log: {log.path})")
        keys = hashlib.sha1((VAR / "keys").read_bytes()).hexdigest()[:7]
        initdb = ["-initdb", "-n", fresh, "-m", MODULES, f"--cache-prefix=d{keys}"]
        hashes = ["-update", "-d", fresh, "--only-compute-hashes"]  # now with nl.po
        for step, script in (initdb, None), (["", "-d", fresh], DUTCH), (hashes, None):
            run_logged(click_odoo(*step), log, script, "installing the addons failed")
    else:
        log = OdooLog("update", args.verbose)
        say(f"database {RUN_DB} exists: upgrading what changed (click-odoo-update)")
        update = click_odoo("-update", "-d", RUN_DB)
        run_logged(update, log, failure="upgrading the addons failed")
    if log.errors():
        raise DevError(f"setting up {RUN_DB} logged errors (see above; {log.path})")
    pg.sql(f'ALTER DATABASE "{fresh}" RENAME TO "{RUN_DB}"')  # a new one, now complete
    url, pidfile = f"http://127.0.0.1:{port}", VAR / "odoo.pid"
    log = OdooLog("odoo", args.verbose, on_ready=lambda: welcome(url))
    say(f"starting Odoo on {url} (warnings and errors shown; log: {log.path})")
    rc = run_logged(
        odoo("-d", RUN_DB, f"--db-filter=^{RUN_DB}$", "--no-database-list",
             f"--http-port={port}", f"--pidfile={pidfile}", *args.odoo_args), log,
    )  # fmt: skip
    raise DevError(f"Odoo stopped (exit status {rc}; log: {log.path})")


def welcome(url):
    logins = (REPO / "tools" / "demo_logins.txt").read_text(encoding="utf-8")
    rows = "".join(f"\n    {row}" for row in logins.splitlines() if row[:1].isalnum())
    print(f"\n  Odoo 18.0 is running: {url}/web/login (database {RUN_DB}, demo data,"
          f" Dutch)\n  Demo logins (the password equals the login):{rows}\n\n"
          "  Ctrl-C stops Odoo and the project's PostgreSQL.\n")  # fmt: skip


def cmd_test(args):
    pg, log = prepare(8069, stop=False), OdooLog("test", args.verbose)
    pg.drop(TEST_DB)
    manifestoo = [BIN / "manifestoo", "--select-addons-dir", REPO, "list-depends"]
    depends = subprocess.check_output([*manifestoo, "--separator=,"], text=True).strip()
    say(f"{TEST_DB}: {depends} from a cached template (click-odoo-initdb)")
    initdb = click_odoo("-initdb", "-n", TEST_DB, "-m", depends, "--cache-prefix=test")
    run_logged(initdb, log, failure=f"creating {TEST_DB} failed")
    say(f"Odoo's test runner installs {MODULES} and runs their tests ({log.path})")
    STATE["env"].setdefault("ODOO_TEST_FAILURE_RETRIES", "1")
    with socket.socket() as probe:  # a free port for the browser tests
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cmd = odoo("-d", TEST_DB, "-i", MODULES, "--test-enable", "--stop-after-init")
    tags = ",".join(f"/{addon}" for addon in ADDONS)
    cmd += ["--test-tags", tags, f"--http-port={port}", "--max-cron-threads=0"]
    odoo_rc, checklog_rc = run_logged(cmd, log), log.errors()
    pytest_log = OdooLog("pytest", verbose=True)
    say(f"pytest (pytest-odoo) on tests/ against {TEST_DB} ({pytest_log.path})")
    pytest = [sys.executable, "-m", "pytest", "tests", "-q", "-rfEs"]
    pytest += [f"--odoo-database={TEST_DB}", f"--odoo-config={CONF}"]
    pytest_rc = run_logged(pytest, pytest_log)
    return report(log, odoo_rc, checklog_rc, pytest_log, pytest_rc)


def cmd_lint(_args):
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    if subprocess.run([BIN / "pre-commit", "run", "--all-files"], env=env).returncode:
        raise DevError("lint failed (pre-commit's report above)")
    say("lint: pre-commit found nothing")


def cmd_stop(_args):
    if pid := odoo_pid():
        say(f"stopping Odoo (pid {pid})")
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 30  # Odoo first closes its connections
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    pg = Cluster()
    if (replica := Replica(pg)).running():
        replica.stop()
    pg.stop() if pg.running() else say("PostgreSQL of this checkout is not running")


def cmd_shell(args):
    if not prepare(8069, stop=False).exists(RUN_DB):
        raise DevError(f"no database {RUN_DB} yet: run ./dev run first")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to the shell
    cmd = odoo("-d", RUN_DB, "--no-http", *args.odoo_args)
    at = 1 + len(STATE["launcher"])  # the command, then its options
    subprocess.run([*cmd[:at], "shell", *cmd[at:]], env=STATE["env"], check=False)


def main():
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(prog="./dev", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="set up what is missing, then serve Odoo")
    run.add_argument("--port", type=int, help="HTTP port ($ODOO_PORT, else 8069)")
    run.add_argument("--replica", action="store_true", help="also a hot standby")
    test = sub.add_parser("test", help="every test, in a fresh database")
    shell = sub.add_parser("shell", help="odoo shell on the development database")
    sub.add_parser("lint", help="pre-commit run --all-files")
    sub.add_parser("stop", help="stop an Odoo or PostgreSQL of this checkout")
    for command in (run, test):
        command.add_argument("-v", "--verbose", action="store_true", help="Odoo's log")
    for command in (run, shell):
        command.add_argument("odoo_args", nargs="*", help="Odoo options, after --")
    args = parser.parse_args()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.default_int_handler)  # KeyboardInterrupt
    code, summary = 0, None
    try:
        code, summary = globals()[f"cmd_{args.command}"](args) or (0, None)
    except (DevError, OSError, configparser.Error, CalledProcessError) as exc:
        print(f"dev: error: {exc}", file=sys.stderr)
        code = getattr(exc, "code", 1)
    except KeyboardInterrupt:
        say("interrupted: stopping")
        code = 130
    finally:
        cleanup()
    if summary:
        print(summary)
    return int(code)


sys.exit(main())
