"""A streaming hot standby of the project's cluster, for ``./dev run --replica``.

pg_basebackup -R copies the running primary and writes standby.signal and
primary_conninfo: the copy follows the primary over the primary's unix socket
and answers read-only queries on a socket of its own. It lives next to the
primary's folder (var/pg-replica), run by the same system user. Odoo reads
from it through ``db_replica_host`` in var/odoo.conf: read-only routes and
``@api.readonly`` methods get a cursor on it."""

import shutil
import time

from . import DevError, say
from .cluster import DB_USER, Cluster


def supported(odoo):
    """Whether this Odoo knows db_replica_host (both 18.0 builds here do)."""
    config = odoo.package / "tools" / "config.py"
    return "db_replica_host" in config.read_text(encoding="utf-8")


class Replica(Cluster):
    def __init__(self, primary):
        super().__init__()
        self.primary = primary

    home = property(lambda self: self.primary.home.with_name(
        f"{self.primary.home.name}-replica"))  # fmt: skip

    def ensure_running(self):
        """Start the standby (made anew when missing or of another primary)
        and wait until it streams; True when this call started it."""
        for _attempt in range(2):
            if not (self.data / "standby.signal").is_file():
                self._clone()
            started = self.start()
            if self._follows():
                say(f"replica streaming from the primary, socket {self.sock}")
                return started
            say("the replica does not follow this primary: making it anew")
            self.stop()
            shutil.rmtree(self.data)
        log = self.home / "postgres.log"
        raise DevError(f"the replica did not start streaming (log: {log})")

    def _clone(self):
        self._mkdir(self.home)
        fresh = self.home / "data.new"
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(self.data, ignore_errors=True)
        say(f"copying the project's cluster into {self.home} (pg_basebackup -R)")
        result = self.owner(
            self.bindir / "pg_basebackup", "-h", self.primary.sock, "-U", DB_USER,
            "-D", fresh, "-R", "-X", "stream", "-c", "fast", "--no-sync",
        )  # fmt: skip
        if result.returncode:
            shutil.rmtree(fresh, ignore_errors=True)
            raise DevError(f"pg_basebackup failed: {result.stderr.strip()}")
        fresh.rename(self.data)

    def _follows(self, timeout=30):
        """Same system identifier as the primary, and its WAL receiver streams."""
        identity = "SELECT system_identifier FROM pg_control_system()"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            mine = self.sql(identity)
            if mine and mine != self.primary.sql(identity):
                return False
            if self.sql("SELECT status FROM pg_stat_wal_receiver") == "streaming":
                return True
            time.sleep(0.5)
        return False

    def stop(self):
        self.owner(self.bindir / "pg_ctl", "stop", "-D", self.data, "-m", "fast", "-w")
        say("replica did not stop" if self.running() else "replica stopped")
