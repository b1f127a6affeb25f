#!/usr/bin/env python3
"""Write the register import template (the headers the importer expects).

    python3 ondermijning_rapportage/tools/make_template.py [output.xlsx]

Default output: data/ondermijning_register_template.xlsx at the repository
root. Uses the addon's own writer, so the template and the importer cannot
drift apart; needs xlsxwriter (an Odoo dependency), not a database."""

import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ADDON = os.path.dirname(HERE)
DEFAULT = os.path.join(
    os.path.dirname(ADDON), "data", "ondermijning_register_template.xlsx"
)


def load(name):
    path = os.path.join(ADDON, "report", f"{name}.py")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv):
    target = argv[1] if len(argv) > 1 else DEFAULT
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    workbooks = load("ondermijning_workbooks")
    columns = load("ondermijning_register_reader").IMPORT_COLUMNS
    with open(target, "wb") as handle:
        workbooks.write_register_template(handle, columns=columns)
    print(f"{target}: {', '.join(c.header for c in columns)}")


if __name__ == "__main__":
    main(sys.argv)
