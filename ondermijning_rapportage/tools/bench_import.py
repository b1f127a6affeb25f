#!/usr/bin/env python3
"""Benchmark: the register import's limits and its preview, as a medewerker.

    python3 ondermijning_rapportage/tools/bench_import.py \\
        -c /path/to/odoo.conf -d DATABASE [-n 10000] [--bomb-mb 98]

The database must have ondermijning_rapportage installed. In a gemeente of
its own ("Benchmark import gemeente", reused on the next run) and through the
wizard, as its medewerker:

  1. a zip bomb: an xlsx of a few hundred KB whose first sheet unpacks to
     ``--bomb-mb`` MB of XML; the time until the preview refuses it (and, for
     comparison, the time openpyxl alone needs to read it with --parse-bomb);
  2. a register of ``-n`` rows (MMA numbers, dates, categories, wijken,
     descriptions of 300 characters): the upload (encrypted at rest), the
     preview (every row checked, then a dry run that creates them all and
     rolls back), and the import itself.

Everything measured runs in a transaction that is rolled back.
"""

import argparse
import base64
import datetime
import io
import sys
import time
import zipfile

from bench_export import ensure_medewerker  # the script beside this one

COMPANY_NAME = "Benchmark import gemeente"
LOGIN = "bench_import_medewerker"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-n", "--rows", type=int, default=10000)
    parser.add_argument("--bomb-mb", type=int, default=98)
    parser.add_argument(
        "--parse-bomb",
        action="store_true",
        help="also time openpyxl reading the bomb without the limits",
    )
    parser.add_argument(
        "--skip-import", action="store_true", help="preview only, no import"
    )
    return parser.parse_args(argv)


def make_bomb(megabytes):
    """A valid workbook whose sheet is ``megabytes`` MB of identical rows."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["MMA-nummer", "Ontvangen", "Categorie"])
    buffer = io.BytesIO()
    book.save(buffer)
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    body = row * (megabytes * 1024 * 1024 // len(row))
    source = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", body + b"</sheetData>")
                # no <dimension>: a reader cannot know where the rows end
                start = data.find(b"<dimension")
                if start >= 0:
                    data = data[:start] + data[data.find(b"/>", start) + 2 :]
            target.writestr(info.filename, data)
    return out.getvalue()


def make_register(rows, categories, wijken):
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Register")
    sheet.append(
        [
            "MMA-nummer",
            "Ontvangen",
            "Geopend",
            "Categorie",
            "Mono/multi",
            "BT-tafel",
            "Resultaat/vervolg",
            "Kanaal",
            "Wijk",
            "Plaats",
            "Omschrijving",
        ]
    )
    start = datetime.date(2021, 1, 4)
    text = ("Pand aan de Dorpsstraat met veel bezoek in de avond. " * 6)[:300]
    for i in range(rows):
        received = start + datetime.timedelta(days=i % 1400)
        sheet.append(
            [
                f"MMA-BI-{i:06d}",
                received,
                received + datetime.timedelta(days=1),
                categories[i % len(categories)],
                "mono" if i % 2 else "multi",
                received + datetime.timedelta(days=7) if i % 9 == 0 else None,
                "Ingebracht bij RIEC" if i % 4 == 0 else "Geen actie",
                "MMA-platform",
                wijken[i % len(wijken)],
                f"Dorpsstraat {i % 200 + 1}",
                text,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ensure_fixture(env):
    Company = env["res.company"]
    company = Company.search([("name", "=", COMPANY_NAME)], limit=1) or Company.create(
        {"name": COMPANY_NAME}
    )
    lang = "nl_NL" if env["res.lang"]._lang_get("nl_NL") else None
    user = ensure_medewerker(
        env, company, LOGIN, "Benchmark import medewerker", lang=lang
    )
    Wijk = env["ondermijning.wijk"]
    wijken = Wijk.search([("company_id", "=", company.id)])
    if not wijken:
        wijken = Wijk.create(
            [{"name": f"Wijk {i}", "company_id": company.id} for i in range(1, 9)]
        )
    categories = env["ondermijning.categorie"].search(
        [("company_id", "in", [False, company.id])]
    )
    return company, user, categories.mapped("name"), wijken.mapped("name")


def timed(label, function):
    start = time.perf_counter()
    try:
        result = function()
        outcome = "ok"
    except Exception as exc:  # noqa: BLE001 - the refusal is what is measured
        result = exc
        outcome = f"refused: {str(exc).splitlines()[0][:160]}"
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.2f} s ({outcome})", flush=True)
    return result, seconds


def main(argv):
    args = parse_args(argv)
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company, user, categories, wijken = ensure_fixture(env)
        cr.commit()
        Wizard = (
            env["ondermijning.register.import"]
            .with_user(user)
            .with_context(allowed_company_ids=company.ids, lang=user.lang)
        )

        bomb = make_bomb(args.bomb_mb)
        expanded = sum(
            i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist()
        )
        print(
            f"zip bomb: {len(bomb) / 1024:.0f} KB file, "
            f"{expanded / 1024 / 1024:.0f} MB unpacked"
        )
        wizard = Wizard.create(
            {"company_id": company.id, "file": base64.b64encode(bomb)}
        )
        timed("  preview refuses it", wizard.action_preview)
        cr.rollback()
        if args.parse_bomb:
            import openpyxl

            def parse():
                book = openpyxl.load_workbook(
                    io.BytesIO(bomb), read_only=True, data_only=True
                )
                return sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))

            timed("  openpyxl alone reading it (no limits)", parse)

        content = make_register(args.rows, categories, wijken)
        print(f"register: {args.rows} rows, {len(content) / 1024 / 1024:.1f} MB file")
        wizard, _s = timed(
            "  upload (encrypted at rest)",
            lambda: Wizard.create(
                {"company_id": company.id, "file": base64.b64encode(content)}
            ),
        )
        _r, preview = timed(
            "  preview (checks + dry run + preview rows)", wizard.action_preview
        )
        print(
            f"    {wizard.valid_count} valid, {wizard.invalid_count} with errors; "
            f"{args.rows / preview:.0f} rows/s"
        )
        if not args.skip_import and not wizard.invalid_count:
            _r, seconds = timed("  import", wizard.action_import)
            print(
                f"    {wizard.imported_count} signals; {args.rows / seconds:.0f} rows/s"
            )
        cr.rollback()


if __name__ == "__main__":
    main(sys.argv[1:])
