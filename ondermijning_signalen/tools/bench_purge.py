#!/usr/bin/env python3
"""Benchmark of the retention purge.

Creates N expired signals (each with a subject, one chatter message, one
follower and one small document with its file in the filestore), runs the
purge engine (the scheduled action's code, with its commits), and prints
records per second. Then builds the same data again and deletes the same
rows with raw SQL (no trace, no log line, no checks), and prints that time
and the ratio.

    python3 ondermijning_signalen/tools/bench_purge.py \\
        -c /etc/odoo.conf -d db [-n 100000]

The database must have ondermijning_signalen installed. The data is made
with one ORM-made template signal whose rows are copied in bulk SQL, so
the rows are those the ORM makes. Run it on a scratch database.
"""

# pylint: disable=print-used,invalid-commit,translation-required
import argparse
import cProfile
import hashlib
import os
import sys
import time
from datetime import timedelta


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "-n", "--count", type=int, default=100000, help="signals (default 100000)"
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        help="signals per batch (default: the scheduled action's, sized as it goes)",
    )
    parser.add_argument("--chunk", type=int, default=5000, help="rows per bulk insert")
    parser.add_argument(
        "--profile", metavar="FILE", help="cProfile the engine's run into FILE"
    )
    return parser.parse_args()


def backend_cpu(cr):
    """CPU seconds of this cursor's PostgreSQL backend (same machine: /proc),
    None when it cannot be read."""
    cr.execute("SELECT pg_backend_pid()")
    try:
        with open(f"/proc/{cr.fetchone()[0]}/stat") as handle:
            stat = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


class Clock:
    """Wall-clock, CPU of this process and of the cursor's backend."""

    def __init__(self, cr):
        self.cr = cr
        self.pg = backend_cpu(cr)
        self.cpu = time.process_time()
        self.wall = time.time()

    def stop(self):
        self.wall = time.time() - self.wall
        self.cpu = time.process_time() - self.cpu
        pg = backend_cpu(self.cr)
        self.pg = pg - self.pg if pg is not None and self.pg is not None else None
        return self

    def line(self, label):
        pg = f"{self.pg:.1f} s" if self.pg is not None else "n/a"
        return (
            f"[{label}] wall {self.wall:.1f} s; CPU: Python {self.cpu:.1f} s, "
            f"PostgreSQL backend {pg}"
        )


def run_engine(env, args):
    """The scheduled action's code, with its commits (and a profile)."""
    profile = cProfile.Profile() if args.profile else None
    if profile:
        profile.enable()
    result = env["ondermijning.bewaartermijn"]._cron_purge(batch_size=args.batch_size)
    env.cr.commit()
    if profile:
        profile.disable()
        profile.dump_stats(args.profile)
    return result


def main():
    args = parse_args()
    import odoo
    from odoo import SUPERUSER_ID, api, fields
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = Registry(args.database)

    def new_env(cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    # -- the template, made by the ORM ---------------------------------------
    with registry.cursor() as cr:
        env = new_env(cr)
        company = env["res.company"].search([("name", "=", "Bench gemeente")], limit=1)
        if not company:
            company = env["res.company"].create({"name": "Bench gemeente"})
        template = (
            env["ondermijning.signaal"]
            .with_context(tracking_disable=False)
            .create(
                {
                    "company_id": company.id,
                    "categorie_id": env.ref(
                        "ondermijning_signalen.categorie_mma_drugsdelicten"
                    ).id,
                    "description": "Hennepkwekerij vermoed",
                    "user_id": env.ref("base.user_admin").id,
                    "subject_ids": [
                        fields.Command.create({"kind": "persoon", "name": "Pietje Puk"})
                    ],
                }
            )
        )
        template._end("niet_in_behandeling", "Geen ondermijning")
        template.date_end = fields.Datetime.now() - timedelta(days=800)
        # the template itself is kept (copied twice); its copies are not held
        template.legal_hold = True
        template.message_post(
            body="Notitie", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        env["ir.attachment"].create(
            {
                "name": "pv.txt",
                "raw": b"proces-verbaal",
                "res_model": template._name,
                "res_id": template.id,
            }
        )
        env.flush_all()
        template_id = template.id
        filestore = env["ir.attachment"]._filestore()
        assert template.date_destroy and template.date_destroy < fields.Date.today()
        cr.commit()

    def columns(cr, table, skip=("id",)):
        cr.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s AND table_schema = 'public'",
            [table],
        )
        return [name for (name,) in cr.fetchall() if name not in skip]

    def copy_rows(cr, table, key, value_sql, params, where, skip=()):
        """INSERT copies of the template's row(s) of ``table``: ``key`` gets
        ``value_sql`` (a column of the FROM list), the rest is copied."""
        cols = columns(cr, table, skip=("id", key, *skip))
        names = ", ".join(f'"{c}"' for c in cols)
        copied = ", ".join(f't."{c}"' for c in cols)
        cr.execute(
            f"INSERT INTO {table} ({key}, {names}) "  # noqa: S608
            f"SELECT {value_sql}, {copied} FROM {where}",
            params,
        )

    def build(label):
        """N copies of the template's rows; returns the new signal ids."""
        started = time.time()
        ids = []
        with registry.cursor() as cr:
            cr.execute("SELECT coalesce(max(id), 0) FROM ondermijning_signaal")
            offset = cr.fetchone()[0]
            skip = ("id", "name", "legal_hold")
            signal_cols = ", ".join(
                f'"{c}"' for c in columns(cr, "ondermijning_signaal", skip=skip)
            )
            for start in range(0, args.count, args.chunk):
                size = min(args.chunk, args.count - start)
                cr.execute(
                    "INSERT INTO ondermijning_signaal "  # noqa: S608
                    f"(name, legal_hold, {signal_cols}) "
                    f"SELECT 'BENCH-' || (%s + g), FALSE, {signal_cols} "
                    "FROM ondermijning_signaal, generate_series(1, %s) g "
                    "WHERE id = %s RETURNING id",
                    [offset + start, size, template_id],
                )
                chunk = [row[0] for row in cr.fetchall()]
                ids += chunk
                copy_rows(
                    cr,
                    "mail_message",
                    "res_id",
                    "s.id",
                    [chunk, template_id],
                    "unnest(%s::int[]) s(id), mail_message t "
                    "WHERE t.model = 'ondermijning.signaal' AND t.res_id = %s",
                    skip=("message_id",),
                )
                copy_rows(
                    cr,
                    "mail_followers",
                    "res_id",
                    "s.id",
                    [chunk, template_id],
                    "unnest(%s::int[]) s(id), mail_followers t "
                    "WHERE t.res_model = 'ondermijning.signaal' AND t.res_id = %s",
                )
                copy_rows(
                    cr,
                    "ondermijning_subject",
                    "signaal_id",
                    "s.id",
                    [chunk, template_id],
                    "unnest(%s::int[]) s(id), ondermijning_subject t "
                    "WHERE t.signaal_id = %s",
                )
                # one document each, with its own file (unique, like ciphertext)
                rows = []
                for signal_id in chunk:
                    data = os.urandom(48)
                    sha = hashlib.sha1(data).hexdigest()
                    fname = f"{sha[:2]}/{sha}"
                    path = os.path.join(filestore, fname)
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    with open(path, "wb") as handle:
                        handle.write(data)
                    rows.append((signal_id, fname, sha, len(data)))
                copy_rows(
                    cr,
                    "ir_attachment",
                    "res_id",
                    "r.res_id",
                    [
                        *(list(column) for column in zip(*rows, strict=True)),
                        template_id,
                    ],
                    "unnest(%s::int[], %s::text[], %s::text[], %s::int[]) "
                    "AS r(res_id, fname, sha, size), ir_attachment t "
                    "WHERE t.res_model = 'ondermijning.signaal' AND t.res_id = %s",
                    skip=("store_fname", "checksum", "file_size"),
                )
                cr.execute(
                    "UPDATE ir_attachment a SET store_fname = r.fname, "
                    "checksum = r.sha, file_size = r.size "
                    "FROM unnest(%s::int[], %s::text[], %s::text[], %s::int[]) "
                    "AS r(res_id, fname, sha, size) "
                    "WHERE a.res_model = 'ondermijning.signaal' "
                    "AND a.res_id = r.res_id",
                    [list(column) for column in zip(*rows, strict=True)],
                )
                cr.commit()
        seconds = time.time() - started
        print(
            f"[{label}] built {len(ids)} expired signals with subject, message, "
            f"follower and document in {seconds:.1f} s"
        )
        return ids

    def files_of(cr, ids):
        cr.execute(
            "SELECT store_fname FROM ir_attachment "
            "WHERE res_model = 'ondermijning.signaal' "
            "AND res_id = ANY(%s)",
            [ids],
        )
        return [os.path.join(filestore, fname) for (fname,) in cr.fetchall()]

    def leftovers(cr, ids):
        counts = {}
        for table, where in (
            ("ondermijning_signaal", "id = ANY(%s)"),
            ("ondermijning_subject", "signaal_id = ANY(%s)"),
            ("mail_message", "model = 'ondermijning.signaal' AND res_id = ANY(%s)"),
            (
                "mail_followers",
                "res_model = 'ondermijning.signaal' AND res_id = ANY(%s)",
            ),
            (
                "ir_attachment",
                "res_model = 'ondermijning.signaal' AND res_id = ANY(%s)",
            ),
        ):
            cr.execute(f"SELECT count(*) FROM {table} WHERE {where}", [ids])  # noqa: S608
            counts[table] = cr.fetchone()[0]
        return counts

    # -- 1. the purge engine ----------------------------------------------------
    ids = build("engine")
    with registry.cursor() as cr:
        paths = files_of(cr, ids)
        cr.execute("SELECT count(*) FROM ondermijning_signaal_spoor")
        traces_before = cr.fetchone()[0]
    with registry.cursor() as cr:
        env = new_env(cr)
        # an ordinary day: this database has read the destruction journal up
        # to its end (a scratch copy of a database would read every line
        # that other databases wrote)
        journal_path = env["ondermijning.vernietiging"]._journal_path()
        if journal_path and os.path.exists(journal_path):
            env["ondermijning.vernietiging"]._journal_set_offset(
                os.path.getsize(journal_path)
            )
            cr.commit()
        clock = Clock(cr)
        destroyed, failed = run_engine(env, args)
        engine = clock.stop()
        engine_seconds = engine.wall
    with registry.cursor() as cr:
        left = leftovers(cr, ids)
        cr.execute("SELECT count(*) FROM ondermijning_signaal_spoor")
        traces = cr.fetchone()[0] - traces_before
    files_left = sum(os.path.exists(p) for p in paths)
    print(
        f"[engine] destroyed {destroyed} (failed {len(failed)}) "
        f"in {engine_seconds:.1f} s: "
        f"{destroyed / engine_seconds:.0f} records/s; traces written {traces}; "
        f"rows left {sum(left.values())}; files left {files_left}"
    )

    # -- 2. the same delete in raw SQL ----------------------------------------------
    ids = build("raw SQL")
    with registry.cursor() as cr:
        steps = {}

        def timed(label, query, params):
            step = time.time()
            cr.execute(query, params)
            steps[label] = time.time() - step
            return cr.fetchall() if cr.description else None

        clock = Clock(cr)
        timed(
            "messages",
            "DELETE FROM mail_message WHERE model = 'ondermijning.signaal' "
            "AND res_id = ANY(%s)",
            [ids],
        )
        timed(
            "followers",
            "DELETE FROM mail_followers WHERE res_model = 'ondermijning.signaal' "
            "AND res_id = ANY(%s)",
            [ids],
        )
        timed(
            "activities",
            "DELETE FROM mail_activity WHERE res_model = 'ondermijning.signaal' "
            "AND res_id = ANY(%s)",
            [ids],
        )
        fnames = [
            fname
            for (fname,) in timed(
                "documents",
                "DELETE FROM ir_attachment WHERE res_model = 'ondermijning.signaal' "
                "AND res_id = ANY(%s) RETURNING store_fname",
                [ids],
            )
        ]
        # subjects, wegingen, consultations and receipts go by ON DELETE CASCADE
        timed("signals", "DELETE FROM ondermijning_signaal WHERE id = ANY(%s)", [ids])
        step = time.time()
        cr.commit()
        steps["commit"] = time.time() - step
        step = time.time()
        for fname in fnames:
            os.unlink(os.path.join(filestore, fname))
        steps["files"] = time.time() - step
        raw = clock.stop()
        raw_seconds = raw.wall
        left = leftovers(cr, ids)
    print(
        f"[raw SQL] deleted {len(ids)} in {raw_seconds:.1f} s: "
        f"{len(ids) / raw_seconds:.0f} "
        f"records/s; rows left {sum(left.values())}"
    )
    print(
        "[raw SQL] "
        + ", ".join(f"{label} {seconds:.2f} s" for label, seconds in steps.items())
    )
    print(engine.line("engine"))
    print(raw.line("raw SQL"))
    print(f"ratio engine / raw SQL: {engine_seconds / raw_seconds:.2f}x")
    if engine.pg is not None and raw.pg is not None:
        print(
            "ratio of CPU (Python + PostgreSQL) engine / raw SQL: "
            f"{(engine.cpu + engine.pg) / (raw.cpu + raw.pg):.2f}x"
        )

    with registry.cursor() as cr:
        env = new_env(cr)
        env["ondermijning.signaal"].browse(template_id).with_context(
            ondermijning_no_audit=True
        ).unlink()
        cr.commit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
