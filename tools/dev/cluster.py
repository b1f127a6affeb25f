"""The project's own PostgreSQL cluster in var/pg: a unix socket, no TCP port.

As root, the system user `ondermijning` runs it (PostgreSQL refuses root); when
that user cannot reach the checkout (CI clones into a 0700 mktemp folder) the
cluster lives in /var/tmp and var/pg links to it."""

import contextlib
import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

from . import REPO, VAR, DevError, say

OS_USER = "ondermijning"
DB_USER = "odoo"  # the cluster's superuser and Odoo's role (Odoo refuses `postgres`)
# A throwaway development cluster: speed over crash safety (never in production).
OPTIONS = "-c listen_addresses='' -c fsync=off -c full_page_writes=off"


def find_bindir():
    forced = os.environ.get("ONDERMIJNING_PG_BINDIR")
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    on_path = [Path(p).resolve().parent for p in [shutil.which("pg_ctl")] if p]
    for bindir in [Path(forced)] if forced else debian + on_path:
        if all(os.access(bindir / t, os.X_OK) for t in ("initdb", "pg_ctl", "psql")):
            return bindir
    where = f"in ONDERMIJNING_PG_BINDIR={forced}" if forced else "on this machine"
    raise DevError(
        f"PostgreSQL server binaries (initdb, pg_ctl, postgres) not found {where}."
        " Install the Debian package `postgresql` (apt-get install postgresql),"
        " or set ONDERMIJNING_PG_BINDIR=/usr/lib/postgresql/<version>/bin.",
        2,
    )


class Cluster:
    def __init__(self):
        self.bindir, self.root, self.link = find_bindir(), os.geteuid() == 0, VAR / "pg"

    home = property(lambda self: self.link.resolve())  # var/pg, or where it links to
    data = property(lambda self: self.home / "data")
    sock = property(lambda self: self.home / "run")

    def owner(self, *cmd):  # run as the cluster's owner: the system user when root
        cmd = ["runuser", "-u", OS_USER, "--"] * self.root + [str(c) for c in cmd]
        return subprocess.run(cmd, capture_output=True, text=True, cwd="/", check=False)

    def _mkdir(self, path):
        path.mkdir(mode=0o700, exist_ok=True)
        if self.root:
            shutil.chown(path, OS_USER, OS_USER)

    def ensure(self):
        """The system user (as root), the cluster's folder, initdb."""
        useradd = ["useradd", "--system", "--user-group", "--shell=/bin/false", OS_USER]
        if self.root and not subprocess.run(useradd, capture_output=True).returncode:
            say(f"running as root: created the system user {OS_USER}, which runs the"
                " project's PostgreSQL (initdb and postgres refuse root)")  # fmt: skip
        if self.link.is_symlink() and not self.home.is_dir():
            self.link.unlink()  # its folder outside the checkout is gone
        if not self.link.exists() and not self.owner("test", "-x", VAR).returncode:
            self._mkdir(self.link)
        elif not self.link.exists():
            digest = hashlib.sha1(bytes(REPO)).hexdigest()[:12]
            outside = Path(f"/var/tmp/ondermijning-pg-{digest}")
            self._mkdir(outside)
            self.link.symlink_to(outside)
            say(f"note: the unprivileged user {OS_USER} cannot reach {REPO} (a parent"
                f" folder is private): var/pg links to {outside}")  # fmt: skip
        if (self.data / "PG_VERSION").is_file():
            return
        fresh = self.home / "data.new"
        for leftover in [path for path in (fresh, self.data) if path.exists()]:
            say(f"removing a half-made cluster ({leftover.name}) from an earlier run")
            shutil.rmtree(leftover)
        say(f"creating a PostgreSQL cluster in {self.home}")
        initdb = [self.bindir / "initdb", "-D", fresh, "-U", DB_USER, "--auth=trust"]
        result = self.owner(*initdb, "-E", "UTF8", "--no-locale", "--no-sync")
        if result.returncode:
            shutil.rmtree(fresh, ignore_errors=True)
            raise DevError(f"initdb failed: {result.stderr.strip()}")
        fresh.rename(self.data)

    def running(self):
        """The postmaster's pid when it runs (its pid file and /proc agree)."""
        with contextlib.suppress(OSError, IndexError):
            pid = (self.data / "postmaster.pid").read_text(encoding="utf-8").split()[0]
            if Path(f"/proc/{pid}/cwd").resolve() == self.data.resolve():
                return pid
        return None

    def start(self):  # False when it was running already
        pidfile, log = self.data / "postmaster.pid", self.home / "postgres.log"
        if self.running():
            return False
        if pidfile.exists():
            pid = (pidfile.read_text(encoding="utf-8").split() or ["?"])[0]
            say("removing a stale PostgreSQL pid file and socket lock from a killed"
                f" run (pid {pid} is not running)")  # fmt: skip
            for path in (pidfile, *self.sock.glob(".s.PGSQL.*")):
                path.unlink()
        self._mkdir(self.sock)
        options = f"{OPTIONS} -k '{self.sock}' -c unix_socket_permissions=0700"
        for _attempt in range(5):  # backends of a killed postmaster may still exit
            self.owner(self.bindir / "pg_ctl", "start", "-D", self.data, "-l", log,
                       "-w", "-s", "-o", options)  # fmt: skip
            if self.running():
                return True
            time.sleep(2)
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines() or ["?"]
        raise DevError(f"PostgreSQL did not start: {lines[-1]} (log: {log})")

    def stop(self):
        self.owner(self.bindir / "pg_ctl", "stop", "-D", self.data, "-m", "fast", "-w")
        say("PostgreSQL did not stop" if self.running() else "PostgreSQL stopped")

    def sql(self, query, db="postgres"):
        """One query through psql: its result as text, None on an error."""
        cmd = [self.bindir / "psql", "-XqAt", "-h", self.sock, "-U", DB_USER, "-d", db]
        cmd += ["-v", "ON_ERROR_STOP=1", "-c", query]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        return None if result.returncode else result.stdout.strip()

    def clients(self):  # how many other connections use the cluster, as text
        query = "SELECT count(*) - 1 FROM pg_stat_activity WHERE backend_type = '{}'"
        return self.sql(query.format("client backend"))

    def exists(self, db):
        return self.sql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"

    def drop(self, db):
        """Drop a database and its filestore; whether there was one."""
        shutil.rmtree(VAR / "data" / "filestore" / db, ignore_errors=True)
        return self.exists(db) and self.sql(f'DROP DATABASE "{db}" WITH (FORCE)') == ""
