"""Figures of the statistics for the workbooks: the export wizard's filter
as a domain, the breakdowns, months, lead times and the year table, each
protected by disclosure control where the user may not read the rows (see
``ondermijning_statistiek_disclosure.py``)."""

# The statistics model is split by concern (the view, its figures, disclosure
# control), on purpose; pylint-odoo would have the extensions in one class.
# pylint: disable=consider-merging-classes-inherited

import datetime

import pytz

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.ondermijning_signalen.tools.lead_times import LEAD_FIELDS, LEAD_LABELS

from . import ondermijning_statistics_workbook as statistics_workbook
from .ondermijning_statistiek import GEMEENTE_TZ, MMA_CODE, REACHED_STEPS

# Breakdowns of the statistics workbook: (sheet, header, field).
BREAKDOWNS = [
    ("Per categorie", "Categorie", "categorie_id"),
    ("Per bron", "Bron", "herkomst_id"),
    ("Per kanaal", "Kanaal", "channel"),
    ("Per eindstatus", "Eindstatus", "end_state"),
    ("Per gemeente", "Gemeente", "company_id"),
    ("Per wijk", "Wijk", "wijk_id"),
    ("Per stap", "Stap bereikt", "stap"),
    ("Per prioriteit", "Prioriteit", "is_priority"),
]


class OndermijningStatistiek(models.Model):
    _inherit = "ondermijning.statistiek"

    # ------------------------------------------------------------------
    # Filters
    # ------------------------------------------------------------------
    @api.model
    def _tz(self):
        """The gemeenten's time zone: local days and months everywhere (the
        statistics, the year table, the register and its filters)."""
        return pytz.timezone(GEMEENTE_TZ)

    @api.model
    def _period_bounds(self, filters, granularity):
        """(start, stop) of the filter's period as a half-open interval
        [start, stop): ``day`` gives naive UTC datetimes of the local start
        of date_from and of the day after date_to (signals); ``month`` widens
        the period to the months it touches, as first days of months (the
        statistics, whose trace only knows the month)."""
        date_from, date_to = filters.get("date_from"), filters.get("date_to")
        if granularity == "month":
            start = date_from.replace(day=1) if date_from else None
            stop = (
                (date_to.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
                if date_to
                else None
            )
            return start, stop
        tz = self._tz()

        def utc(day):
            local = tz.localize(datetime.datetime.combine(day, datetime.time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        start = utc(date_from) if date_from else None
        stop = utc(date_to + datetime.timedelta(days=1)) if date_to else None
        return start, stop

    @api.model
    def _month_bounds(self, date_from, date_to):
        """First and last month of the period (first days of months)."""
        return (
            date_from.replace(day=1) if date_from else None,
            date_to.replace(day=1) if date_to else None,
        )

    @api.model
    def _filter_domain(self, filters, date_field="date_received", target=None):
        """The export wizard's filter dict as a domain, for the statistics
        (default) or, with ``target="ondermijning.signaal"``, for signals.
        One meaning for both: the signals received (or, with ``date_field``,
        ended) from date_from through date_to -- whole months on the
        statistics --, of these gemeenten and categories, in this step or
        end state, and MMA when their source has the MMA code.

        Filters: date_from, date_to (dates), company_ids, categorie_ids
        (ids), stage_code, end_state, only_mma."""
        filters = filters or {}
        domain = []
        granularity = "day" if target == "ondermijning.signaal" else "month"
        start, stop = self._period_bounds(filters, granularity)
        if date_field and start:
            domain.append((date_field, ">=", start))
        if date_field and stop:
            domain.append((date_field, "<", stop))
        if filters.get("company_ids"):
            domain.append(("company_id", "in", list(filters["company_ids"])))
        if filters.get("categorie_ids"):
            domain.append(("categorie_id", "in", list(filters["categorie_ids"])))
        if filters.get("stage_code"):
            domain.append(("stage_code", "=", filters["stage_code"]))
        if filters.get("end_state"):
            domain.append(("end_state", "=", filters["end_state"]))
        if filters.get("only_mma"):
            domain.append(("herkomst_id.code", "=", MMA_CODE))
        return domain

    # ------------------------------------------------------------------
    # Figures (protected by disclosure control where the user may not read
    # the rows: see report/ondermijning_statistiek_disclosure.py)
    # ------------------------------------------------------------------
    @api.model
    def _breakdown_lines(self, figures, fname):
        """[(label, count, taken into treatment, closed)] of one dimension:
        largest first, then the hidden ones by name (their place in the
        order would tell their size); steps in their own order."""
        lines = []
        groups = figures.groups([fname])
        field = self._fields[fname]
        if field.type == "many2one":
            # the names in one query, not one per label
            ids = [value for (value,), _cell in groups if value]
            self.env[field.comodel_name].browse(ids).sudo().mapped("display_name")
        for (value,), cell in groups:
            lines.append(
                (
                    self._label(fname, value),
                    figures.count(cell),
                    figures.subcount(cell, cell.treated),
                    figures.subcount(cell, cell.closed),
                )
            )
        if fname == "stap":
            order = {
                self._label("stap", code): i
                for i, (code, _l) in enumerate(REACHED_STEPS)
            }
            return sorted(lines, key=lambda line: order.get(line[0], 99))
        return sorted(
            lines,
            key=lambda line: (
                line[1] == figures.HIDDEN,
                -line[1] if line[1] != figures.HIDDEN else 0,
                line[0],
            ),
        )

    @staticmethod
    def _total_line(figures, cell, label="Totaal"):
        return (
            label,
            figures.count(cell),
            figures.subcount(cell, cell.treated),
            figures.subcount(cell, cell.closed),
        )

    @api.model
    def _monthly(self, filters, figures):
        """([(first day of month, received, of which taken into treatment,
        of which closed, closed in the month)], totals) over the period. The
        first three follow the signals received in the month (as Meld een
        Vermoeden reports them); the last counts by the month they ended."""
        received = {
            month: cell for (month,), cell in figures.groups(["date_received:month"])
        }
        domain = self._filter_domain(filters, "date_end") + [("closed", "=", True)]
        ended = self._figures(domain, [["date_end:month"]])
        closed = {month: cell for (month,), cell in ended.groups(["date_end:month"])}
        first, last = self._month_bounds(
            filters.get("date_from"), filters.get("date_to")
        )
        months = sorted(month for month in set(received) | set(closed) if month)
        first = first or (months[0] if months else None)
        last = last or (months[-1] if months else None)
        rows = []
        month = first
        while first and last and month <= last:
            cell = received.get(month)
            cell_closed = closed.get(month)
            rows.append(
                (
                    month,
                    *(self._total_line(figures, cell)[1:] if cell else (0, 0, 0)),
                    ended.count(cell_closed) if cell_closed else 0,
                )
            )
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        totals = (
            *self._total_line(figures, figures.cell([], []))[1:],
            ended.count(ended.cell([], [])),
        )
        return rows, totals

    @api.model
    def _lead_times(self, domain, figures=None):
        """{lead field: (count, average, median, 90th percentile)} in days,
        computed in the database over the rows the user may aggregate;
        under disclosure control a figure over fewer signals than the
        threshold is HIDDEN."""
        self.browse().check_access("read")
        row = self._lead_row(domain)  # from the aggregates when they can
        if row is None:
            query = self._search(domain)
            terms = []
            for fname in LEAD_FIELDS:
                column = self._field_to_sql(self._table, fname, query)
                # both percentiles from one sort; the exact mean
                terms += [
                    SQL("count(%s)", column),
                    SQL("avg(%s::numeric)::float8", column),
                    SQL(
                        "percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY %s)",
                        column,
                    ),
                ]
            row = self.env.execute_query(query.select(*terms))[0]
        if figures is None:
            figures = self._figures(domain, [[]])
        total = figures.cell([], [])
        result = {}
        for i, fname in enumerate(LEAD_FIELDS):
            count, average, percentiles = row[i * 3 : (i + 1) * 3]
            median, p90 = percentiles or (None, None)
            if total.hidden or (figures.threshold and count < figures.threshold):
                average = median = p90 = figures.HIDDEN
            result[fname] = (figures.subcount(total, count), average, median, p90)
        return result

    @api.model
    def _statistics(self, filters):
        """Everything the statistics workbook shows, as plain data."""
        domain = self._filter_domain(filters)
        fnames = [fname for _sheet, _header, fname in BREAKDOWNS]
        figures = self._figures(
            domain, [[fname] for fname in fnames] + [["date_received:month"]]
        )
        lead = self._lead_times(domain, figures)

        def rounded(value):
            return round(value, 2) if isinstance(value, float) else value

        lead_rows = [
            (
                LEAD_LABELS[fname],
                values[0] or 0,
                *(rounded(v) for v in values[1:]),
            )
            for fname, values in lead.items()
        ]
        months, month_totals = self._monthly(filters, figures)
        _label, total, treated, closed = self._total_line(figures, figures.cell([], []))
        return {
            "title": "Statistieken ondermijningssignalen",
            "filters": self._filter_labels(filters),
            "totals": [
                ("Ontvangen", total),
                ("In behandeling genomen", treated),
                ("Afgesloten", closed),
                ("Mediane doorlooptijd (dagen)", rounded(lead["lead_total"][2])),
            ],
            "months": months,
            "month_totals": month_totals,
            "breakdowns": [
                (
                    sheet,
                    header,
                    self._breakdown_lines(figures, fname),
                    self._total_line(figures, figures.cell([], [])),
                )
                for sheet, header, fname in BREAKDOWNS
            ],
            "lead_times": lead_rows,
            "note": self._disclosure_note(figures),
        }

    @api.model
    def _disclosure_note(self, figures, unit="signalen"):
        if not figures.threshold:
            return None
        return (
            f"{figures.HIDDEN} = geheim: minder dan {figures.threshold} {unit}, "
            "of afgeschermd zodat een klein aantal niet uit de totalen "
            "af te leiden is."
        )

    @api.model
    def _filter_labels(self, filters):
        first, last = self._month_bounds(
            filters.get("date_from"), filters.get("date_to")
        )
        start = first.strftime("%m-%Y") if first else "…"
        stop = last.strftime("%m-%Y") if last else "…"
        period = f"{start} t/m {stop}"
        labels = [("Periode (maanden)", period)]
        if filters.get("company_ids"):
            companies = self.env["res.company"].sudo().browse(filters["company_ids"])
            labels.append(("Gemeenten", ", ".join(companies.mapped("name"))))
        if filters.get("categorie_ids"):
            categories = self.env["ondermijning.categorie"].browse(
                filters["categorie_ids"]
            )
            labels.append(("Categorieën", ", ".join(categories.mapped("name"))))
        if filters.get("stage_code"):
            labels.append(("Stap", self._label("stage_code", filters["stage_code"])))
        if filters.get("end_state"):
            labels.append(
                ("Eindstatus", self._label("end_state", filters["end_state"]))
            )
        if filters.get("only_mma"):
            labels.append(("Herkomst", "Alleen MMA"))
        labels.append(
            (
                "Gemaakt op",
                fields.Datetime.context_timestamp(self, fields.Datetime.now()).strftime(
                    "%d-%m-%Y %H:%M"
                ),
            )
        )
        return labels

    @api.model
    def _year_table(self, filters):
        """(years, [(gemeente, [count per year], total)], [total per year],
        grand total) counted by the year the signal was received, one row per
        gemeente (alphabetical); a gemeente named in the filter has a row
        even without signals. Under disclosure control a count may be
        HIDDEN; totals are the exact totals unless hidden themselves."""
        domain = self._filter_domain(filters)
        figures = self._figures(domain, [["company_id", "date_received:year"]])
        counts = {}
        years = set()
        company_ids = set(filters.get("company_ids") or [])
        for (company_id, year), cell in figures.groups(
            ["company_id", "date_received:year"]
        ):
            if not year:
                continue
            counts[company_id, year.year] = figures.count(cell)
            years.add(year.year)
            company_ids.add(company_id)
        date_from, date_to = filters.get("date_from"), filters.get("date_to")
        if date_from and date_to:
            years = set(range(date_from.year, date_to.year + 1))
        elif years:
            years = set(range(min(years), max(years) + 1))
        years = sorted(years)
        companies = self.env["res.company"].sudo().browse(company_ids)
        rows = sorted(
            (
                (
                    company.name,
                    [counts.get((company.id, year), 0) for year in years],
                    figures.count(figures.cell(["company_id"], [company.id])),
                )
                for company in companies
            ),
            key=lambda row: row[0].lower(),
        )
        year_totals = []
        for year in years:
            cell = figures.cell(["date_received:year"], [datetime.date(year, 1, 1)])
            year_totals.append(figures.count(cell))
        grand_total = figures.count(figures.cell([], []))
        return years, rows, year_totals, grand_total, self._disclosure_note(figures)

    # ------------------------------------------------------------------
    # Workbooks
    # ------------------------------------------------------------------
    @api.model
    def _export_statistics(self, fileobj, filters):
        statistics_workbook.write_statistics(fileobj, self._statistics(filters))

    @api.model
    def _export_year_table(self, fileobj, filters):
        years, rows, year_totals, grand_total, note = self._year_table(filters)
        return statistics_workbook.write_year_table(
            fileobj, years, rows, totals=(year_totals, grand_total), note=note
        )
