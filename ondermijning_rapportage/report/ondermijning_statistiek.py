import datetime
import logging

import pytz

from odoo import api, fields, models, tools
from odoo.tools import SQL

from odoo.addons.ondermijning_signalen.models.ondermijning_signaal import CHANNELS
from odoo.addons.ondermijning_signalen.models.ondermijning_stage import STAGE_CODES
from odoo.addons.ondermijning_signalen.models.ondermijning_weging_uitkomst import (
    END_STATES,
)

from . import ondermijning_workbooks as workbooks

_logger = logging.getLogger(__name__)

# The steps a signal can reach, in order (afgesloten is a state, not a step).
REACHED_STEPS = [code for code in STAGE_CODES if code[0] != "afgesloten"]
LEAD_FIELDS = ["lead_stap1", "lead_stap2", "lead_stap3", "lead_stap4", "lead_total"]
LEAD_LABELS = {
    "lead_stap1": "Stap 1: ontvangst en intake",
    "lead_stap2": "Stap 2: weging 3 en beslismoment",
    "lead_stap3": "Stap 3: bronnen",
    "lead_stap4": "Stap 4: casus",
    "lead_total": "Totaal (ontvangst tot einde)",
}
# Breakdowns of the statistics workbook: (sheet, header, field).
BREAKDOWNS = [
    ("Per categorie", "Categorie", "categorie_id"),
    ("Per bron", "Bron", "herkomst_id"),
    ("Per kanaal", "Kanaal", "channel"),
    ("Per eindstatus", "Eindstatus", "end_state"),
    ("Per gemeente", "Gemeente", "company_id"),
    ("Per wijk", "Wijk", "wijk_id"),
    ("Per stap", "Stap bereikt", "stap"),
]


def _days(start, stop):
    """Days from ``start`` to ``stop`` (timestamp columns), rounded to 2
    decimals as the statistical trace stores them (NULL if either is)."""
    seconds = f"EXTRACT(EPOCH FROM ({stop} - {start}))"
    return f"ROUND(({seconds} / 86400.0)::numeric, 2)::float"


def _step_days(entered, next_step):
    """Time spent in a step: until the next step, or until the end if the
    signal ended in that step (NULL while it is still there)."""
    return _days(entered, f"COALESCE({next_step}, s.date_end)")


class OndermijningStatistiek(models.Model):
    """Anonymous statistics of signals: one row per signal, live or
    destroyed, with only non-personal columns.

    A database view over the live signals and, for signals that retention
    destroyed, their anonymous statistical trace: every report counts a
    signal the same way before and after it is purged. A medewerker sees the
    figures of their own gemeente(n); the regional analyst aggregates across
    gemeenten but cannot read individual rows."""

    _name = "ondermijning.statistiek"
    _description = "Signal statistics"
    _auto = False
    _order = "date_received desc"
    _rec_name = "date_received"

    company_id = fields.Many2one("res.company", string="Gemeente", readonly=True)
    date_received = fields.Date(
        string="Month received",
        readonly=True,
        help="First day of the month the signal was received.",
    )
    date_end = fields.Date(
        string="Month ended",
        readonly=True,
        help="First day of the month the signal ended.",
    )
    categorie_id = fields.Many2one(
        "ondermijning.categorie", string="Category", readonly=True
    )
    herkomst_id = fields.Many2one(
        "ondermijning.herkomst", string="Source", readonly=True
    )
    channel = fields.Selection(CHANNELS, readonly=True)
    wijk_id = fields.Many2one("ondermijning.wijk", readonly=True)
    is_mma = fields.Boolean(string="MMA", readonly=True)
    mma_discipline = fields.Selection(
        [("mono", "Monodisciplinair"), ("multi", "Multidisciplinair")],
        string="Mono/multi",
        readonly=True,
    )
    mma_follow_up = fields.Selection(
        selection=lambda self: (
            self.env["ondermijning.signaal"]._fields["mma_follow_up"].selection
        ),
        string="MMA result / follow-up",
        readonly=True,
    )
    mma_registered_late = fields.Boolean(string="MMA registered late", readonly=True)
    bt_tafel = fields.Boolean(string="BT-ondermijningstafel", readonly=True)
    stap = fields.Selection(REACHED_STEPS, string="Step reached", readonly=True)
    stage_code = fields.Selection(STAGE_CODES, string="Current step", readonly=True)
    end_state = fields.Selection(END_STATES, readonly=True)
    in_treatment = fields.Boolean(string="Taken into treatment (stap 2)", readonly=True)
    closed = fields.Boolean(readonly=True)
    destroyed = fields.Boolean(
        readonly=True,
        help="The signal itself was destroyed; its anonymous trace remains.",
    )
    count_in_treatment = fields.Integer(
        string="# Taken into treatment", readonly=True, aggregator="sum"
    )
    count_closed = fields.Integer(string="# Closed", readonly=True, aggregator="sum")
    lead_stap1 = fields.Float(
        string="Days in stap 1", readonly=True, aggregator="avg", digits=(16, 2)
    )
    lead_stap2 = fields.Float(
        string="Days in stap 2", readonly=True, aggregator="avg", digits=(16, 2)
    )
    lead_stap3 = fields.Float(
        string="Days in stap 3", readonly=True, aggregator="avg", digits=(16, 2)
    )
    lead_stap4 = fields.Float(
        string="Days in stap 4", readonly=True, aggregator="avg", digits=(16, 2)
    )
    lead_total = fields.Float(
        string="Total lead time (days)", readonly=True, aggregator="avg", digits=(16, 2)
    )

    # ------------------------------------------------------------------
    # The view
    # ------------------------------------------------------------------
    # A live signal is shown exactly as the purge will leave its trace
    # (ondermijning.signaal.spoor._create_for_signals): months instead of
    # dates, lead times in days rounded to 2 decimals, the furthest step
    # from the step dates. So every figure is the same before and after the
    # purge, whatever the period or grouping.
    def _signal_select(self):
        """Live signals. The step reached is the furthest step the signal
        was ever in (its current step or the latest step date)."""
        whens = " ".join(
            f"WHEN s.date_{code} IS NOT NULL OR s.stage_code = '{code}' THEN '{code}'"
            for code in ("monitoring", "stap4", "stap3", "stap2")
        )
        reached = f"CASE {whens} ELSE 'stap1' END"
        treated = (
            "(s.date_stap2 IS NOT NULL OR s.date_stap3 IS NOT NULL"
            " OR s.date_stap4 IS NOT NULL OR s.date_monitoring IS NOT NULL"
            " OR s.stage_code IN ('stap2', 'stap3', 'stap4', 'monitoring'))"
        )
        late = (
            "COALESCE(s.mma_registered_late, FALSE)"
            if "mma_registered_late" in self.env["ondermijning.signaal"]._fields
            else "FALSE"
        )
        # Time spent in each step: until the next step, or until the end if
        # the signal ended in that step; NULL while it is still there.
        return f"""
            SELECT
                s.id * 2 AS id,
                s.company_id,
                date_trunc('month', s.date_received)::date AS date_received,
                date_trunc('month', s.date_end)::date AS date_end,
                s.categorie_id,
                s.herkomst_id,
                s.channel,
                s.wijk_id,
                COALESCE(s.herkomst_id IN (
                    SELECT h.id FROM ondermijning_herkomst h WHERE h.code = 'mma'
                ), FALSE) AS is_mma,
                s.mma_discipline,
                s.mma_follow_up,
                {late} AS mma_registered_late,
                (s.bt_tafel_date IS NOT NULL) AS bt_tafel,
                {reached} AS stap,
                s.stage_code,
                s.end_state,
                {treated} AS in_treatment,
                (s.end_state IS NOT NULL) AS closed,
                FALSE AS destroyed,
                CASE WHEN {treated} THEN 1 ELSE 0 END AS count_in_treatment,
                CASE WHEN s.end_state IS NOT NULL THEN 1 ELSE 0 END AS count_closed,
                {_step_days("s.date_received", "s.date_stap2")} AS lead_stap1,
                {_step_days("s.date_stap2", "s.date_stap3")} AS lead_stap2,
                {_step_days("s.date_stap3", "s.date_stap4")} AS lead_stap3,
                {_step_days("s.date_stap4", "s.date_monitoring")} AS lead_stap4,
                {_days("s.date_received", "s.date_end")} AS lead_total
            FROM ondermijning_signaal s
        """

    def _trace_select(self):
        """Destroyed signals, from their anonymous trace."""
        if "ondermijning.signaal.spoor" not in self.env:
            return None
        return """
            SELECT
                t.id * 2 + 1 AS id,
                t.company_id,
                t.date_received,
                t.date_end,
                t.categorie_id,
                t.herkomst_id,
                t.channel,
                t.wijk_id,
                COALESCE(t.is_mma, FALSE) AS is_mma,
                t.mma_discipline,
                t.mma_follow_up,
                COALESCE(t.mma_registered_late, FALSE) AS mma_registered_late,
                COALESCE(t.bt_tafel, FALSE) AS bt_tafel,
                COALESCE(t.stap_reached, 'stap1')::text AS stap,
                'afgesloten'::varchar AS stage_code,
                t.end_state,
                COALESCE(t.stap_reached, 'stap1') != 'stap1' AS in_treatment,
                (t.end_state IS NOT NULL) AS closed,
                TRUE AS destroyed,
                CASE WHEN COALESCE(t.stap_reached, 'stap1') != 'stap1' THEN 1 ELSE 0 END
                    AS count_in_treatment,
                CASE WHEN t.end_state IS NOT NULL THEN 1 ELSE 0 END AS count_closed,
                t.lead_stap1::float AS lead_stap1,
                t.lead_stap2::float AS lead_stap2,
                t.lead_stap3::float AS lead_stap3,
                t.lead_stap4::float AS lead_stap4,
                t.lead_total::float AS lead_total
            FROM ondermijning_signaal_spoor t
        """

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        parts = [self._signal_select()]
        trace = self._trace_select()
        if trace:
            parts.append(trace)
        body = "\nUNION ALL\n".join(parts)
        # the parts are built from constants only (no user input); a plain
        # UNION ALL lets PostgreSQL push filters into each part and compute
        # only the columns a query uses -- provided every column has the
        # same type in each part: one coercion (``stap``: text in one part,
        # varchar in the other) makes it compute every column of every row
        # (at 10^6 signals a count took 1.1 s instead of 0.15 s)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(body),
            )
        )

    # ------------------------------------------------------------------
    # Filters
    # ------------------------------------------------------------------
    @api.model
    def _tz(self):
        name = self.env.context.get("tz") or self.env.user.tz or "UTC"
        try:
            return pytz.timezone(name)
        except pytz.UnknownTimeZoneError:
            return pytz.utc

    @api.model
    def _utc_bounds(self, date_from, date_to):
        """Naive UTC datetimes for the local start of ``date_from`` and the
        local start of the day after ``date_to``."""
        tz = self._tz()

        def utc(day):
            local = tz.localize(datetime.datetime.combine(day, datetime.time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        start = utc(date_from) if date_from else None
        stop = utc(date_to + datetime.timedelta(days=1)) if date_to else None
        return start, stop

    @api.model
    def _month_bounds(self, date_from, date_to):
        """Statistics count per month: the period is widened to whole months
        (the statistical trace only knows the month)."""
        return (
            date_from.replace(day=1) if date_from else None,
            date_to.replace(day=1) if date_to else None,
        )

    @api.model
    def _filter_domain(self, filters, date_field="date_received"):
        """The domain of a filter dict: date_from, date_to (dates),
        company_ids, categorie_ids (ids), stage_code, end_state, only_mma."""
        filters = filters or {}
        domain = []
        first, last = self._month_bounds(
            filters.get("date_from"), filters.get("date_to")
        )
        if date_field and first:
            domain.append((date_field, ">=", first))
        if date_field and last:
            domain.append((date_field, "<=", last))
        if filters.get("company_ids"):
            domain.append(("company_id", "in", list(filters["company_ids"])))
        if filters.get("categorie_ids"):
            domain.append(("categorie_id", "in", list(filters["categorie_ids"])))
        if filters.get("stage_code"):
            domain.append(("stage_code", "=", filters["stage_code"]))
        if filters.get("end_state"):
            domain.append(("end_state", "=", filters["end_state"]))
        if filters.get("only_mma"):
            domain.append(("is_mma", "=", True))
        return domain

    # ------------------------------------------------------------------
    # Figures (protected by disclosure control where the user may not read
    # the rows: see report/ondermijning_statistiek_disclosure.py)
    # ------------------------------------------------------------------
    def _label(self, fname, value):
        if isinstance(value, models.BaseModel):
            # Names of gemeenten, categories and wijken are not personal; a
            # regional analyst needs them for gemeenten they do not belong to
            # (as the pivot view shows them).
            return value.sudo().display_name if value else "(geen)"
        field = self._fields[fname]
        if field.type == "many2one":
            record = self.env[field.comodel_name].browse(value).sudo()
            return record.display_name if value else "(geen)"
        if field.type == "selection":
            labels = dict(field._description_selection(self.env))
            return labels.get(value) or "(geen)"
        if field.type == "boolean":
            return "Ja" if value else "Nee"
        return str(value) if value else "(geen)"

    @api.model
    def _breakdown_lines(self, figures, fname):
        """[(label, count, taken into treatment, closed)] of one dimension:
        largest first, then the hidden ones by name (their place in the
        order would tell their size); steps in their own order."""
        lines = []
        for (value,), cell in figures.groups([fname]):
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
        query = self._search(domain)
        terms = []
        for fname in LEAD_FIELDS:
            column = self._field_to_sql(self._table, fname, query)
            # both percentiles from one sort
            terms += [
                SQL("count(%s)", column),
                SQL("avg(%s)", column),
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
    def _disclosure_note(self, figures):
        if not figures.threshold:
            return None
        return (
            f"{figures.HIDDEN} = geheim: minder dan {figures.threshold} signalen, "
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
        workbooks.write_statistics(fileobj, self._statistics(filters))

    @api.model
    def _export_year_table(self, fileobj, filters):
        years, rows, year_totals, grand_total, note = self._year_table(filters)
        return workbooks.write_year_table(
            fileobj, years, rows, totals=(year_totals, grand_total), note=note
        )
