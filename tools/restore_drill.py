#!/usr/bin/env python3
"""Backup and restore drill (docs/backup-restore.md), run by hand or by
tests/test_restore_drill.py:

    .venv/bin/python tools/restore_drill.py -c var/odoo.conf -d DB \\
        [--write-seconds 5] [--destroy-after-backup] [--keep]

1. While a writer commits new signals (with encrypted text and documents)
   into DB, ``pg_dump -Fc`` backs DB up; then its filestore is copied; the
   keys and the destruction journal are copied to a separate folder (in
   production they live elsewhere than the backup).
2. ``--destroy-after-backup`` (scratch databases only: it destroys real
   signals): the retention period of the (gemeente, end state) with the
   fewest ended signals (of ``--destroy-gemeente``) is set to 0 months and
   the purge runs, as when a gemeente shortens its period after the backup;
   then the period is set back. Those signals are gone from DB, and the journal says so.
3. A fresh PostgreSQL cluster (initdb in a temporary folder, the Cluster of
   tools/dev), ``pg_restore`` into it, the filestore copied back.
4. With the kept keys: the encrypted tables are the same as in the backup's
   snapshot (row for row), every encrypted value and document decrypts,
   and after the purge the signals destroyed after the backup are gone again
   while every other signal of the backup is still there.
5. Without the keys (a second restore): reading and writing encrypted text
   gives the product's clear error, the purge destroys nothing, and the
   rows are unchanged.

Figures (sizes, seconds) go to stdout; the exit status is 1 when a check
failed. The steps that need Odoo run in child processes of this script
(``--phase``), one Odoo per database and config.
"""

# A command-line tool: it reports on stdout, commits its own work, and builds
# SQL from table and column names it read from the ORM.
# pylint: disable=print-used,invalid-commit,translation-required,sql-injection

import argparse
import configparser
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def say(message):
    print(f"drill: {message}", flush=True)


# ----------------------------------------------------------------------
# The Odoo side: child processes (--phase)
# ----------------------------------------------------------------------
def odoo_env(config, database):
    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(
        ["-c", config, "-d", database, "--log-level=warn", "--max-cron-threads=0"]
    )
    registry = Registry(database)
    cr = registry.cursor()
    return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})


def encrypted_tables(env):
    """{table: [encrypted columns]} of every model with encrypted fields."""
    tables = {}
    for name in sorted(env["ir.attachment"]._ondermijning_encrypted_models()):
        model = env[name]
        if not model._abstract and model._auto and model._encrypted_field_names():
            tables[model._table] = sorted(model._encrypted_field_names())
    return tables


def phase_tables(args):
    env = odoo_env(args.config, args.database)
    print(json.dumps(encrypted_tables(env)))
    env.cr.close()


def phase_write(args):
    """New signals, one per commit, until the stop file appears."""
    env = odoo_env(args.config, args.database)
    Signal = env["ondermijning.signaal"]
    categories = env["ondermijning.categorie"].search([])
    companies = categories.company_id or env["res.company"].search([])
    written = 0
    while not os.path.exists(args.stop_file):
        company = companies[written % len(companies)]
        categorie = env["ondermijning.categorie"].search(
            [("company_id", "in", [company.id, False])], limit=1
        )
        signal = Signal.create(
            {
                "company_id": company.id,
                "categorie_id": categorie.id,
                "description": f"Oefening: signaal {written} tijdens de back-up",
                "facts_location": "Dorpsstraat 1",
            }
        )
        if written % 5 == 0:
            env["ir.attachment"].create(
                {
                    "name": "oefening.txt",
                    "raw": b"bijlage tijdens de back-up",
                    "res_model": Signal._name,
                    "res_id": signal.id,
                }
            )
        env.cr.commit()
        if not written:
            Path(f"{args.stop_file}.ready").touch()
        written += 1
        time.sleep(0.02)
    print(json.dumps({"written": written}))
    env.cr.close()


def phase_destroy(args):
    """Shorten the retention period with the fewest ended signals to 0
    months, purge, set it back; print the destroyed ids."""
    from odoo import fields  # noqa: PLC0415

    env = odoo_env(args.config, args.database)
    cr = env.cr
    cr.execute(
        """SELECT r.id, count(*) FROM ondermijning_bewaartermijn r
             JOIN ondermijning_signaal s
               ON s.company_id = r.company_id AND s.end_state = r.end_state
            JOIN res_company c ON c.id = r.company_id
            WHERE r.active AND NOT COALESCE(s.legal_hold, FALSE)
              AND s.date_destroy > %s AND s.casus_id IS NULL
              AND (%s IS NULL OR c.name = %s)
         GROUP BY r.id ORDER BY count(*), r.id LIMIT 1""",
        [fields.Date.today(), args.destroy_gemeente, args.destroy_gemeente],
    )
    row = cr.fetchone()
    if not row:
        print(json.dumps({"destroyed": [], "rule": None}))
        return
    rule = env["ondermijning.bewaartermijn"].browse(row[0])
    months, approval = rule.months, rule.requires_approval
    cr.execute("SELECT id FROM ondermijning_signaal")
    before = {r[0] for r in cr.fetchall()}
    rule.write({"months": 0, "requires_approval": False})
    cr.commit()
    started = time.time()
    env["ondermijning.bewaartermijn"]._cron_purge()
    seconds = time.time() - started
    rule.write({"months": months, "requires_approval": approval})
    cr.commit()
    cr.execute("SELECT id FROM ondermijning_signaal")
    destroyed = sorted(before - {r[0] for r in cr.fetchall()})
    label = f"{rule.company_id.name} / {rule.end_state}: {months} months"
    print(json.dumps({"destroyed": destroyed, "rule": label, "seconds": seconds}))
    cr.close()


def phase_check(args):
    """With the keys: decrypt everything, then purge; print what was found."""
    from odoo import fields  # noqa: PLC0415

    env = odoo_env(args.config, args.database)
    from odoo.addons.ondermijning_signalen.tools import crypto  # noqa: PLC0415

    cr, result = env.cr, {"values": 0, "documents": 0, "missing_files": 0}
    started = time.time()
    for table, columns in encrypted_tables(env).items():
        names = ", ".join(f'"{c}"' for c in columns)
        cr.execute(f'SELECT {names} FROM "{table}"')  # noqa: S608
        while rows := cr.fetchmany(10000):
            for row in rows:
                for value in row:
                    if value is not None:
                        crypto.decrypt(env, value)  # raises when it does not
                        result["values"] += 1
    Attachment = env["ir.attachment"]
    cr.execute(
        "SELECT store_fname FROM ir_attachment WHERE res_model IN %s "
        "AND store_fname IS NOT NULL",
        [tuple(Attachment._ondermijning_encrypted_models())],
    )
    for (fname,) in cr.fetchall():
        path = Attachment._full_path(fname)
        if not os.path.exists(path):
            result["missing_files"] += 1
            continue
        with open(path, "rb") as handle:
            data = handle.read()
        if crypto.is_encrypted_bytes(data):
            crypto.decrypt_bytes(env, data)
        result["documents"] += 1
    result["decrypt_seconds"] = time.time() - started
    # what the purge should destroy: the journal's, and what is due anyway
    Engine = env["ondermijning.bewaartermijn"]
    result["journal_replay"] = env["ondermijning.vernietiging"]._journal_replay_ids()[0]
    result["due"] = Engine._purge_candidate_ids(fields.Date.today())
    started = time.time()
    Engine._cron_purge()
    result["purge_seconds"] = time.time() - started
    cr.execute("SELECT id FROM ondermijning_signaal")
    result["signal_ids"] = sorted(r[0] for r in cr.fetchall())
    print(json.dumps(result))
    cr.close()


def phase_nokeys(args):
    """Without the keys: the product's errors, and nothing changes."""
    env = odoo_env(args.config, args.database)
    from odoo.addons.ondermijning_signalen.tools import crypto  # noqa: PLC0415

    result = {}
    env.cr.execute(
        "SELECT min(id) FROM ondermijning_signaal WHERE description IS NOT NULL"
    )
    signal = env["ondermijning.signaal"].browse(env.cr.fetchone()[0])
    result["signal"] = signal.id
    for action in ("read", "write"):
        try:
            with env.cr.savepoint():
                if action == "read":
                    signal.read(["description"])
                else:
                    signal.write({"description": "overschreven"})
                    env.flush_all()
            result[action] = None
        except crypto.EncryptionKeyError as exc:
            result[action] = str(exc)
        env.invalidate_all()
    env.cr.rollback()
    # the scheduled purge as it runs (committing): it may destroy nothing
    # it cannot journal, and cannot read the journal
    try:
        result["purge"] = list(env["ondermijning.bewaartermijn"]._cron_purge())
    except crypto.EncryptionKeyError as exc:
        result["purge"] = str(exc)
    env.cr.rollback()
    print(json.dumps(result))
    env.cr.close()


PHASES = {
    "tables": phase_tables,
    "write": phase_write,
    "destroy": phase_destroy,
    "check": phase_check,
    "nokeys": phase_nokeys,
}


# ----------------------------------------------------------------------
# The drill itself: PostgreSQL tools, files, and the child processes
# ----------------------------------------------------------------------
def child(phase, config, database, env=None, **extra):
    cmd = [sys.executable, __file__, "--phase", phase, "-c", config, "-d", database]
    for key, value in extra.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    return subprocess.Popen(  # pylint: disable=consider-using-with
        cmd, stdout=subprocess.PIPE, text=True, env=env
    )


def result_of(proc, phase):
    out, _err = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"drill: the {phase} step failed (exit {proc.returncode})")
    return json.loads(out.strip().splitlines()[-1])


def run_child(phase, config, database, env=None, **extra):
    return result_of(child(phase, config, database, env, **extra), phase)


def fingerprint(conn, tables):
    """{table: [rows, md5 of every row's id and encrypted columns]}."""
    found = {}
    with conn.cursor() as cr:
        for table, columns in tables.items():
            cols = ", ".join(f'"{c}"' for c in ["id", *columns])
            cr.execute(
                f"SELECT count(*), md5(string_agg(concat_ws('|', {cols}), "  # noqa: S608
                f"E'\\n' ORDER BY id)) FROM \"{table}\""
            )
            found[table] = list(cr.fetchone())
        cr.execute("SELECT id FROM ondermijning_signaal")
        found["signal_ids"] = sorted(r[0] for r in cr.fetchall())
    return found


def connect(host, user, database):
    import psycopg2  # noqa: PLC0415

    return psycopg2.connect(host=str(host), user=user, dbname=database)


def size_of(path):
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def mb(size):
    return f"{size / 2**20:.1f} MB"


def write_conf(path, base, **options):
    parser = configparser.RawConfigParser()
    parser.read(base, encoding="utf-8")
    for key, value in options.items():
        if value is None:
            parser.remove_option("options", key)
        else:
            parser.set("options", key, str(value))
    with open(path, "w", encoding="utf-8") as handle:
        parser.write(handle)
    os.chmod(path, 0o600)


def restore(bindir, cluster, dump, database, filestore, data_dir, figures, label):
    started = time.time()
    if cluster.sql(f'CREATE DATABASE "{database}"') is None:
        raise SystemExit(f"drill: could not create {database} in the fresh cluster")
    cmd = [bindir / "pg_restore", "-h", cluster.sock, "-U", "odoo", "-d", database]
    cmd += ["--no-owner", "--exit-on-error", "-j", "2", dump]
    subprocess.run([str(c) for c in cmd], check=True)
    figures[f"{label}_pg_restore_s"] = time.time() - started
    started = time.time()
    target = Path(data_dir) / "filestore" / database  # under its new name
    target.mkdir(parents=True)
    tar = ["tar", "-xf", filestore, "-C", target, "--strip-components=1"]
    subprocess.run([str(part) for part in tar], check=True)
    figures[f"{label}_filestore_restore_s"] = time.time() - started


def drill(args):
    """The drill in a work folder of its own, removed afterwards (--keep:
    kept), also when a step failed."""
    work = Path(tempfile.mkdtemp(prefix="ondermijning-drill-", dir="/var/tmp"))
    os.chmod(work, 0o711)  # the cluster's owner (a system user as root) gets in
    try:
        return run_drill(args, work)
    finally:
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run_drill(args, work):  # noqa: PLR0915 (one story, told in order)
    from tools.dev.cluster import DB_USER, Cluster  # noqa: PLC0415

    conf = configparser.RawConfigParser()
    conf.read(args.config, encoding="utf-8")
    options = dict(conf.items("options"))
    keys = options.get("ondermijning_keys") or os.environ.get("ONDERMIJNING_KEYS")
    journal = options.get("ondermijning_destruction_journal")
    if not keys or not journal:
        raise SystemExit(
            "drill: the config needs ondermijning_keys and "
            "ondermijning_destruction_journal (./dev writes both in var/odoo.conf)"
        )
    host, db = options["db_host"], args.database
    source_filestore = Path(options["data_dir"]) / "filestore" / db
    backup, keystore = work / "backup", work / "keys"
    backup.mkdir(mode=0o700)
    keystore.mkdir(mode=0o700)
    dump, filestore_tar = backup / f"{db}.dump", backup / "filestore.tar"
    figures, failures = {}, []

    def check(ok, message):
        say(("ok: " if ok else "FAILED: ") + message)
        if not ok:
            failures.append(message)

    tables = run_child("tables", args.config, db)
    # -- 1. back up while a writer commits -------------------------------
    stop_file = work / "stop-writing"
    writer = child("write", args.config, db, stop_file=stop_file)
    try:
        deadline = time.time() + 300
        while not Path(f"{stop_file}.ready").exists() and writer.poll() is None:
            if time.time() > deadline:
                writer.kill()
                raise SystemExit("drill: the writer did not start writing in 5 minutes")
            time.sleep(0.2)
        time.sleep(args.write_seconds / 2)
        bindir = Cluster().bindir
        conn = connect(host, options.get("db_user", DB_USER), db)
        conn.set_session(isolation_level="REPEATABLE READ")
        with conn.cursor() as cr:
            cr.execute("SELECT pg_export_snapshot()")
            snapshot = cr.fetchone()[0]
        # the snapshot the dump takes, fingerprinted in the same snapshot
        expected = fingerprint(conn, tables)
        started = time.time()
        cmd = [bindir / "pg_dump", "-h", host, "-U", options.get("db_user", DB_USER)]
        cmd += ["-Fc", "-Z", "1", f"--snapshot={snapshot}", "-f", dump, db]
        subprocess.run([str(c) for c in cmd], check=True)
        figures["pg_dump_s"] = time.time() - started
        conn.rollback()
        conn.close()
        started = time.time()  # after the dump: every file it refers to is there
        # GNU tar exits with 1 when a file changed while it was read: files
        # of documents added since the dump, which the dump does not refer to
        tar = [
            "tar",
            "--warning=no-file-changed",
            "-cf",
            filestore_tar,
            "-C",
            source_filestore.parent,
            db,
        ]
        packed = subprocess.run([str(part) for part in tar], check=False)
        if packed.returncode > 1:
            raise SystemExit(
                f"drill: tar of the filestore failed ({packed.returncode})"
            )
        figures["filestore_copy_s"] = time.time() - started
        time.sleep(args.write_seconds / 2)
    finally:  # the writer stops, also when the backup failed
        stop_file.touch()
        try:
            writer.wait(timeout=120)
        except subprocess.TimeoutExpired:
            writer.kill()
    written = result_of(writer, "write")["written"]
    figures.update(dump_bytes=size_of(dump), filestore_bytes=size_of(filestore_tar))
    say(
        f"backup of {db} ({len(expected['signal_ids'])} signals in its snapshot) while"
        f" {written} signals were written: dump {mb(figures['dump_bytes'])} in"
        f" {figures['pg_dump_s']:.1f} s, filestore {mb(figures['filestore_bytes'])}"
        f" in {figures['filestore_copy_s']:.1f} s"
    )
    check(written > 0, f"the writer committed {written} signals during the backup")
    # -- 2. destroyed after the backup ------------------------------------
    destroyed = []
    if args.destroy_after_backup:
        extra = (
            {"destroy_gemeente": args.destroy_gemeente} if args.destroy_gemeente else {}
        )
        done = run_child("destroy", args.config, db, **extra)
        destroyed = done["destroyed"]
        figures["source_purge_s"] = done.get("seconds")
        say(f"after the backup the purge destroyed {len(destroyed)} signal(s)"
            f" ({done['rule']} set to 0 months and back)")  # fmt: skip
        check(
            bool(set(destroyed) & set(expected["signal_ids"])),
            "signals of the backup were destroyed after it",
        )
    # the keys and the journal as kept apart from the backup
    (keystore / "keys").write_text(keys.replace(",", "\n") + "\n", encoding="utf-8")
    if os.path.exists(journal):
        shutil.copy2(journal, keystore / "destruction-journal")
    # -- 3. a fresh cluster -----------------------------------------------
    cluster = Cluster()
    cluster.link = work / "pg"
    cluster.ensure()
    cluster.start()
    try:
        data_dir = work / "data"
        data_dir.mkdir(mode=0o700)
        restored = f"{db}_restored"
        restore(
            bindir, cluster, dump, restored, filestore_tar, data_dir, figures, "restore"
        )
        say(
            f"restored into a fresh cluster ({cluster.home}): pg_restore"
            f" {figures['restore_pg_restore_s']:.1f} s, filestore"
            f" {figures['restore_filestore_restore_s']:.1f} s"
        )
        conn = connect(cluster.sock, DB_USER, restored)
        found = fingerprint(conn, tables)
        conn.close()
        check(
            found == expected,
            "every row of every encrypted table is as in the snapshot",
        )
        # -- 4. with the kept keys --------------------------------------
        kept = ",".join((keystore / "keys").read_text(encoding="utf-8").split())
        restored_conf = work / "restored.conf"
        write_conf(
            restored_conf, args.config, db_host=cluster.sock, data_dir=data_dir,
            ondermijning_keys=kept,
            ondermijning_destruction_journal=keystore / "destruction-journal",
        )  # fmt: skip
        started = time.time()
        result = run_child("check", str(restored_conf), restored)
        figures["check_s"] = time.time() - started
        figures.update(
            decrypt_s=result["decrypt_seconds"], purge_s=result["purge_seconds"]
        )
        replay, due = set(result["journal_replay"]), set(result["due"])
        say(
            f"with the kept keys: {result['values']} encrypted values and"
            f" {result['documents']} documents decrypted in"
            f" {result['decrypt_seconds']:.1f} s; the purge destroyed"
            f" {len(replay)} signal(s) again from the journal, of which"
            f" {len(replay - due)} not due under the restored rules, and"
            f" {len(due - replay)} due anyway ({result['purge_seconds']:.1f} s)"
        )
        check(result["missing_files"] == 0, "every document's file is in the filestore")
        check(result["values"] > 0, "encrypted values decrypt with the kept keys")
        check(
            replay == set(destroyed) & set(expected["signal_ids"]),
            "the journal names exactly the signals of the backup destroyed after it",
        )
        after = set(result["signal_ids"])
        check(
            not after & set(destroyed),
            "what was destroyed after the backup is gone again",
        )
        check(
            after == set(expected["signal_ids"]) - set(destroyed) - due,
            "every other signal of the backup is there",
        )
        # -- 5. without the keys -----------------------------------------
        bare = f"{db}_nokeys"
        restore(bindir, cluster, dump, bare, filestore_tar, data_dir, figures, "nokeys")
        bare_conf = work / "nokeys.conf"
        write_conf(
            bare_conf, args.config, db_host=cluster.sock, data_dir=data_dir,
            ondermijning_keys=None,
            ondermijning_destruction_journal=keystore / "destruction-journal",
        )  # fmt: skip
        clean = {k: v for k, v in os.environ.items() if k != "ONDERMIJNING_KEYS"}
        errors = run_child("nokeys", str(bare_conf), bare, env=clean)
        for action in ("read", "write", "purge"):
            say(f"without the keys, {action} (signal id {errors['signal']}):"
                f" {errors[action]}")  # fmt: skip
        check(
            errors["read"] and errors["read"] == errors["write"],
            "without the keys, reading and writing encrypted text give the clear error",
        )
        check(
            errors["purge"] in (errors["read"], [0, []]),
            "without the keys the purge destroys nothing",
        )
        conn = connect(cluster.sock, DB_USER, bare)
        check(
            fingerprint(conn, tables) == expected,
            "without the keys nothing was changed or lost",
        )
        conn.close()
    finally:
        cluster.stop()
    # the ids of a small drill, for its test; a count for a large one
    figures.update(failures=failures, destroyed=len(destroyed))
    figures.update(destroyed_ids=destroyed if len(destroyed) <= 20 else None)
    print("DRILL " + json.dumps(figures), flush=True)
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--write-seconds", type=float, default=5.0)
    parser.add_argument("--destroy-after-backup", action="store_true")
    parser.add_argument(
        "--destroy-gemeente", help="the gemeente whose period is shortened"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--stop-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        return PHASES[args.phase](args) or 0
    return drill(args)


if __name__ == "__main__":
    sys.exit(main())
