#!/usr/bin/env python3
"""Write the spreadsheet dashboards (Odoo Community's spreadsheet_dashboard).

    python3 ondermijning_rapportage/tools/make_dashboards.py

Writes data/files/ondermijning_{regio,gemeente}_dashboard.json in the addon:
the same JSON Odoo's own dashboards ship (format version 21, which both the
recent and the October 2024 18.0 builds migrate on load). Every chart reads
the statistics views (ondermijning.statistiek, ...statistiek.interventie)
through read_group, so the disclosure control of the aggregates applies to
the dashboard as to the pivot. Titles are English source strings; Odoo's
translation export picks them up from ``*_dashboard.json`` (nl.po)."""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(os.path.dirname(HERE), "data", "files")

STAT = "ondermijning.statistiek"
INTERVENTIE = "ondermijning.statistiek.interventie"
PERIOD = "ondermijning-period"
GEMEENTE = "ondermijning-gemeente"
CHART_W, CHART_H, GAP, TOP = 600, 330, 12, 60
ROW_H = 23
# The lead times, labelled as the statistics workbook lists them (the step
# names are Dutch domain terms; the total is translated).
LEADS = [
    ("lead_stap1", '"Stap 1: intake"'),
    ("lead_stap2", '"Stap 2: weging 3 en beslismoment"'),
    ("lead_stap3", '"Stap 3: bronnen"'),
    ("lead_stap4", '"Stap 4: casus"'),
    ("lead_total", '_t("Total (receipt to end)")'),
]


def odoo_chart(chart_type, title, model, groupby, domain=(), period=None, **extra):
    """An odoo_bar/odoo_line/odoo_pie chart: a read_group of ``model``.
    ``period``: the field the period filter applies to (None: all time)."""
    matching = {}
    if period:
        matching[PERIOD] = {"chain": period, "type": "date", "offset": 0}
    matching[GEMEENTE] = {"chain": "company_id", "type": "many2one"}
    data = {
        "title": {"text": title, "bold": True, "color": "#434343"},
        "background": "#FFFFFF",
        "legendPosition": "top" if len(groupby) > 1 or chart_type == "pie" else "none",
        "metaData": {
            "groupBy": list(groupby),
            "measure": "__count",
            "order": None,
            "resModel": model,
            "mode": chart_type,
        },
        "searchParams": {
            "comparison": None,
            "context": {},
            "domain": [list(leaf) for leaf in domain],
            "groupBy": list(groupby),
            "orderBy": [],
        },
        "type": f"odoo_{chart_type}",
        "fieldMatching": matching,
    }
    if chart_type != "pie":
        data.update(verticalAxisPosition="left", stacked=len(groupby) > 1)
    data.update(extra)
    return data


def figure(fid, index, data):
    """The figure at grid position ``index`` (two charts per row)."""
    row, col = divmod(index, 2)
    return {
        "id": fid,
        "x": col * (CHART_W + GAP),
        "y": TOP + row * (CHART_H + GAP),
        "width": CHART_W,
        "height": CHART_H,
        "tag": "chart",
        "data": data,
    }


def build(regional):
    """The dashboard JSON: regional (gemeente filter, MMA per gemeente) or
    of the user's own gemeente(n) (the record rules and the company switcher
    choose them)."""
    charts = [
        odoo_chart(
            "line",
            "Signals per month",
            STAT,
            ["date_received:month"],
            period="date_received",
            fillArea=True,
        ),
        odoo_chart(
            "bar",
            "Signals per month by source",
            STAT,
            ["date_received:month", "herkomst_id"],
            period="date_received",
        ),
        odoo_chart(
            "bar",
            "Signals per category",
            STAT,
            ["categorie_id"],
            period="date_received",
        ),
        odoo_chart(
            "bar",
            "Signals per month by category",
            STAT,
            ["date_received:month", "categorie_id"],
            period="date_received",
        ),
        odoo_chart(
            "bar",
            "Open signals per step (today), overdue or not",
            STAT,
            ["stage_code", "deadline_state"],
            domain=[("closed", "=", False)],
        ),
        odoo_chart(
            "pie",
            "End states (None: still open)",
            STAT,
            ["end_state"],
            period="date_received",
        ),
        None,  # lead times: a chart of the pivot below
        odoo_chart(
            "bar",
            "MMA signals per year per gemeente" if regional else "MMA signals per year",
            STAT,
            ["date_received:year", "company_id"]
            if regional
            else ["date_received:year"],
            domain=[("is_mma", "=", True)],
        ),
        odoo_chart(
            "bar",
            "Interventions per instrument",
            INTERVENTIE,
            ["instrument_id"],
            period="date_start",
        ),
        odoo_chart(
            "bar",
            "Signals per source",
            STAT,
            ["herkomst_id"],
            period="date_received",
        ),
    ]
    if regional:
        charts.append(
            odoo_chart(
                "bar",
                "Signals per gemeente",
                STAT,
                ["company_id"],
                period="date_received",
            )
        )
    rows_of_charts = (len(charts) + 1) // 2
    # The lead-time table under the charts: label, average days.
    first = (TOP + rows_of_charts * (CHART_H + GAP)) // ROW_H + 2
    cells = {
        "A1": {
            "content": '=_t("Signals of ondermijning")'
            if not regional
            else '=_t("Signals of ondermijning in the region")'
        },
        f"A{first}": {"content": '=_t("Average lead time (days)")'},
    }
    styles = {"A1": 1, f"A{first}": 2}
    for i, (fname, label) in enumerate(LEADS, start=1):
        cells[f"A{first + i}"] = {"content": f"={label}"}
        cells[f"C{first + i}"] = {"content": f'=PIVOT.VALUE(1,"{fname}:avg")'}
    last = first + len(LEADS)
    charts[6] = {
        "type": "bar",
        "dataSetsHaveTitle": False,
        "dataSets": [{"dataRange": f"C{first + 1}:C{last}", "yAxisId": "y"}],
        "legendPosition": "none",
        "labelRange": f"A{first + 1}:A{last}",
        "title": {
            "text": "Average lead time per step (days)",
            "bold": True,
            "color": "#434343",
        },
        "stacked": False,
        "aggregated": False,
    }
    figures = [
        figure(f"ondermijning-chart-{i + 1}", i, data) for i, data in enumerate(charts)
    ]
    matching = {
        PERIOD: {"chain": "date_received", "type": "date", "offset": 0},
        GEMEENTE: {"chain": "company_id", "type": "many2one"},
    }
    pivot = {
        "type": "ODOO",
        "fieldMatching": matching,
        "context": {},
        "domain": [],
        "id": "1",
        "measures": [
            {"id": f"{fname}:avg", "fieldName": fname, "aggregator": "avg"}
            for fname, _label in LEADS
        ],
        "model": STAT,
        "name": "Lead times",
        "sortedColumn": None,
        "formulaId": "1",
        "columns": [],
        "rows": [],
    }
    global_filters = [
        {
            "id": PERIOD,
            "type": "date",
            "label": "Period",
            "defaultValue": "last_year",
            "rangeType": "relative",
        },
        {
            "id": GEMEENTE,
            "type": "relation",
            "label": "Gemeente",
            "modelName": "res.company",
            "defaultValue": [],
            "defaultValueDisplayNames": [],
            "includeChildren": False,
            "rangeType": "year",
        },
    ]
    sheet = {
        "id": "ondermijning-dashboard",
        "name": "Dashboard",
        "colNumber": 10,
        "rowNumber": max(100, last + 5),
        "rows": {"0": {"size": 40}},
        "cols": {str(i): {"size": 121} for i in range(10)},
        "merges": [],
        "cells": cells,
        "styles": styles,
        "formats": {f"C{first + 1}:C{last}": 1},
        "borders": {},
        "conditionalFormats": [],
        "figures": figures,
        "tables": [],
        "areGridLinesVisible": False,
        "isVisible": True,
        "headerGroups": {"ROW": [], "COL": []},
        "dataValidationRules": [],
        "comments": {},
    }
    return {
        "version": 21,
        "sheets": [sheet],
        "styles": {
            "1": {"textColor": "#01666b", "bold": True, "fontSize": 16},
            "2": {"textColor": "#434343", "fontSize": 11, "bold": True},
        },
        "formats": {"1": "0.0"},
        "borders": {},
        "revisionId": "START_REVISION",
        "uniqueFigureIds": True,
        "settings": {
            "locale": {
                "name": "English (US)",
                "code": "en_US",
                "thousandsSeparator": ",",
                "decimalSeparator": ".",
                "dateFormat": "mm/dd/yyyy",
                "timeFormat": "hh:mm:ss",
                "formulaArgSeparator": ",",
                "weekStart": 7,
            }
        },
        "pivots": {"1": pivot},
        "pivotNextId": 2,
        "customTableStyles": {},
        "odooVersion": 12,
        "globalFilters": global_filters if regional else global_filters[:1],
        "lists": {},
        "listNextId": 1,
        "chartOdooMenusReferences": {},
    }


def main(argv):
    target = argv[1] if len(argv) > 1 else TARGET
    os.makedirs(target, exist_ok=True)
    for name, regional in (("regio", True), ("gemeente", False)):
        path = os.path.join(target, f"ondermijning_{name}_dashboard.json")
        data = build(regional)
        if not regional:
            for fig in data["sheets"][0]["figures"]:
                fig["data"].get("fieldMatching", {}).pop(GEMEENTE, None)
            data["pivots"]["1"]["fieldMatching"].pop(GEMEENTE)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, ensure_ascii=False)
            handle.write("\n")
        print(f"{path}: {len(data['sheets'][0]['figures'])} charts")


if __name__ == "__main__":
    main(sys.argv)
