"""Who reads what of the statistics: rows for the medewerker of the gemeente,
protected aggregates for everyone else.

A medewerker may read the signals of the gemeenten he works for, so he gets
their rows and exact figures. Everyone who aggregates beyond what he may read
(the regional analyst, or a medewerker who is also analyst when the figures
reach other gemeenten) gets figures under disclosure control (the rule is in
``disclosure.py``), through every door alike: ``read_group``,
``web_read_group`` (pivot, graph), ``_read_group`` and the workbooks.
Such users:

- group only by the dimensions in ``DIMENSIONS`` and by month, quarter or
  year (``DATE_GRANULARITIES``), at most ``MAX_GROUPBY`` at a time: never by
  id, a lead time or a day;
- filter only on those dimensions and the two months (no lead time, no id,
  no path into another model);
- get only counts, the two sub-counts and average lead times, no minimum,
  maximum, list or distinct count;
- cannot search, count or read individual rows.

Over 450 lines because each of those doors (read_group, web_read_group,
_read_group, search, read, the workbooks) must apply the one rule, and
keeping them side by side is how a reviewer sees that none is missed.
"""

# The statistics model is split by concern (the view, its figures, disclosure
# control), on purpose; pylint-odoo would have the extensions in one class.
# pylint: disable=consider-merging-classes-inherited

import logging
from itertools import combinations

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.ondermijning_signalen.tools.lead_times import LEAD_FIELDS

from . import disclosure
from .disclosure import SUBCOUNTS

_logger = logging.getLogger(__name__)

MEDEWERKER = "ondermijning_signalen.group_medewerker"
ANALIST = "ondermijning_signalen.group_analist"
THRESHOLD_PARAM = "ondermijning_rapportage.disclosure_threshold"
DEFAULT_THRESHOLD = 5

# Dimensions a protected aggregate may be grouped and filtered by.
DIMENSIONS = (
    "company_id",
    "categorie_id",
    "herkomst_id",
    "channel",
    "wijk_id",
    "is_mma",
    "mma_discipline",
    "mma_follow_up",
    "mma_registered_late",
    "bt_tafel",
    "is_priority",
    "in_campaign",
    "campaign_tagged",
    "stap",
    "stage_code",
    "end_state",
    "in_treatment",
    "closed",
    "deadline_state",
    "destroyed",
)
# The view keeps months only; coarser periods and period numbers are fine.
DATE_DIMENSIONS = ("date_received", "date_end")
DATE_GRANULARITIES = (
    "month",
    "quarter",
    "year",
    "month_number",
    "quarter_number",
    "year_number",
)
# Labels of yes/no dimensions in the workbooks.
BOOLEAN_LABELS = {
    "is_priority": ("Prioriteit van de gemeente", "Overige categorieën"),
    "in_campaign": ("Tijdens een campagne", "Buiten campagnes"),
    "is_mma": ("MMA", "Niet via MMA"),
}
MAX_GROUPBY = 3
# groupby plus the equality filters turned into dimensions
MAX_DIMENSIONS = 4
AGGREGATES = {"__count", *SUBCOUNTS, *(f"{fname}:avg" for fname in LEAD_FIELDS)}
OPERATORS = {
    "=",
    "!=",
    "<>",
    "in",
    "not in",
    "<",
    "<=",
    ">",
    ">=",
    "like",
    "ilike",
    "not like",
    "not ilike",
    "=like",
    "=ilike",
}


class OndermijningDisclosureMixin(models.AbstractModel):
    """Aggregates under disclosure control, for a statistics view of
    anonymous rows (one per signal, intervention, ...). A model names its
    dimensions, date dimensions, sub-counts and lead times; the doors and
    the rule are the same for all."""

    _name = "ondermijning.disclosure.mixin"
    _description = "Statistics under disclosure control"

    # What a protected aggregate may group and filter by (set per model).
    _disclosure_dimensions = ()
    _disclosure_date_dimensions = ()
    # {0/1 column summed: Cell attribute}: counts of part of a cell.
    _disclosure_subcounts = {}
    # Lead-time columns averaged per cell.
    _disclosure_lead_fields = ()
    # What one row counts, for the note under protected tables.
    _disclosure_unit = "signalen"

    def _label(self, fname, value):
        """The label of a dimension's value in the workbooks."""
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
            if fname in BOOLEAN_LABELS:
                return BOOLEAN_LABELS[fname][0 if value else 1]
            return "Ja" if value else "Nee"
        return str(value) if value else "(geen)"

    @api.model
    def _disclosure_aggregates(self):
        return {
            "__count",
            *(f"{fname}:sum" for fname in self._disclosure_subcounts),
            *(f"{fname}:avg" for fname in self._disclosure_lead_fields),
        }

    # ------------------------------------------------------------------
    # Who gets protected figures
    # ------------------------------------------------------------------
    @api.model
    def _disclosure_threshold(self):
        """The smallest count shown (system parameter, default 5; below 2
        it would protect nothing, so the default is used instead)."""
        raw = (
            self.env["ir.config_parameter"].sudo().get_param(THRESHOLD_PARAM) or ""
        ).strip()
        try:
            value = int(raw) if raw else DEFAULT_THRESHOLD
        except ValueError:
            value = 0
        if value < 2:
            _logger.warning(
                "%s = %r is not a number of 2 or more; using %s",
                THRESHOLD_PARAM,
                raw,
                DEFAULT_THRESHOLD,
            )
            value = DEFAULT_THRESHOLD
        return value

    @api.model
    def _disclosure_applies(self, domain):
        """Whether aggregates over ``domain`` go to someone who may not read
        all of their rows."""
        if self.env.su:
            return False
        user = self.env.user
        if not user.has_group(MEDEWERKER):
            return True
        if not user.has_group(ANALIST):
            return False  # the record rules keep him in his own gemeenten
        elsewhere = expression.AND(
            [list(domain or []), [("company_id", "not in", user.company_ids.ids)]]
        )
        query = self._search(elsewhere, limit=1)
        return bool(self.env.execute_query(query.select()))

    def _disclosure_refuse(self, what):
        raise AccessError(
            self.env._(
                "Statistics across gemeenten are available as protected totals "
                "only: %s is not allowed.",
                what,
            )
        )

    @api.model
    def _disclosure_check(self, domain, groupby, aggregates, having, order):
        """Refuse what would single out signals (see the module docstring)."""
        if having:
            self._disclosure_refuse(self.env._("a condition on the totals"))
        if len(groupby) > MAX_GROUPBY:
            self._disclosure_refuse(
                self.env._("grouping by more than %s fields", MAX_GROUPBY)
            )
        dimensions = self._disclosure_dimensions
        date_dimensions = self._disclosure_date_dimensions
        allowed = self._disclosure_aggregates()
        for spec in groupby:
            fname, _sep, granularity = spec.partition(":")
            if fname in dimensions and not granularity:
                continue
            if fname in date_dimensions and granularity in DATE_GRANULARITIES:
                continue
            self._disclosure_refuse(self.env._("grouping by %s", spec))
        for spec in aggregates:
            if spec not in allowed:
                self._disclosure_refuse(self.env._("the aggregate %s", spec))
        for term in (order or "").split(","):
            spec = term.strip().split(" ")[0]
            if spec and spec not in groupby and spec not in allowed:
                self._disclosure_refuse(self.env._("sorting on %s", spec))
        for leaf in expression.normalize_domain(list(domain or [])):
            if not isinstance(leaf, (list, tuple)):
                continue
            if expression.is_leaf(leaf) and leaf[0] in (0, 1):
                continue  # TRUE_LEAF, FALSE_LEAF
            fname, operator = leaf[0], leaf[1]
            if not isinstance(fname, str) or fname not in (
                dimensions + date_dimensions
            ):
                self._disclosure_refuse(self.env._("a filter on %s", fname))
            if operator not in OPERATORS:
                self._disclosure_refuse(self.env._("the filter operator %s", operator))

    @api.model
    def _disclosure_split(self, domain, room=MAX_DIMENSIONS - 1):
        """(remaining domain, {dimension: value}): top-level equality filters
        on a many2one or selection dimension become a dimension of the
        table, so that a filtered answer (e.g. the pivot's expanded header)
        is the slice of the unfiltered table, with the same cells hidden.
        At most ``room`` filters are turned (the first ones); the others
        stay filters."""
        lifted = {}
        rest = []
        for node in disclosure.conjuncts(disclosure.parse_domain(domain)):
            leaf = node.leaf
            if (
                node.operator is None
                and isinstance(leaf, (list, tuple))
                and len(leaf) == 3
                and leaf[0] in self._disclosure_dimensions
                and self._fields[leaf[0]].type in ("many2one", "selection")
                and leaf[0] not in lifted
                and len(lifted) < room
            ):
                fname, operator, value = leaf
                if operator == "in" and isinstance(value, (list, tuple)):
                    operator, value = "=", (value[0] if len(value) == 1 else None)
                if (
                    operator == "="
                    and isinstance(value, (int, str))
                    and not isinstance(value, bool)
                    and value
                ):
                    lifted[fname] = value
                    continue
            rest.append(node.serialize())
        return expression.AND(rest) if rest else [], lifted

    # ------------------------------------------------------------------
    # The figures
    # ------------------------------------------------------------------
    @api.model
    def _figures(self, domain, groupbys, controlled=None, leads=False):
        """The cells of every grouping in ``groupbys`` and of their margins,
        in one scan over the rows the user may aggregate, protected when
        ``controlled`` (default: when the user may not read all the rows).
        ``leads``: also count and average the lead times per cell (they cost
        a scan of the step dates; the workbooks take them in one piece)."""
        if controlled is None:
            controlled = self._disclosure_applies(domain)
        lifted = {}
        if controlled:
            room = MAX_DIMENSIONS - max(
                (len(groupby) for groupby in groupbys), default=0
            )
            domain, lifted = self._disclosure_split(domain, room)
        dims = []
        for groupby in groupbys:
            dims += [spec for spec in groupby if spec not in dims]
        dims += [fname for fname in lifted if fname not in dims]
        dims.sort()
        groupings = set()
        for groupby in groupbys:
            wanted = set(groupby) | set(lifted)
            chosen = [dim for dim in dims if dim in wanted]
            if controlled and len(chosen) > MAX_DIMENSIONS:
                self._disclosure_refuse(self.env._("a table this detailed"))
            for size in range(len(chosen) + 1):
                groupings.update(combinations(chosen, size))
        tables = self._cube(
            domain, dims, sorted(groupings, key=lambda g: (len(g), g)), leads
        )
        threshold = self._disclosure_threshold() if controlled else None
        if threshold:
            hidden = disclosure.protect(
                {
                    grouping: {
                        key: cell.count for key, cell in cells.items() if cell.count
                    }
                    for grouping, cells in tables.items()
                },
                threshold,
            )
            for grouping, keys in hidden.items():
                for key in keys:
                    tables[grouping][key].hidden = True
        return disclosure.Figures(
            dims, tables, {k: disclosure.norm(v) for k, v in lifted.items()}, threshold
        )

    @api.model
    def _cube(self, domain, dims, groupings, leads=False):
        """{grouping: {key: Cell}} for the given grouping sets of ``dims``
        (GROUPING SETS: one scan, or one query of the aggregates per part
        they answer; written out rather than through ``Query.groupby``,
        which early 18.0 builds lack)."""
        self.browse().check_access("read")
        tables = {grouping: {} for grouping in groupings}
        leads = leads and bool(self._disclosure_lead_fields)
        parts = self._cube_parts(domain, dims, groupings, leads)
        if parts is None:
            query = self._search(domain)
            if query.is_empty():
                if () in tables:
                    tables[()][()] = disclosure.Cell()
                return tables
            subcounts = {
                part: fname for fname, part in self._disclosure_subcounts.items()
            }
            measures = [SQL("count(*)")] + [
                SQL(
                    "COALESCE(sum(%s), 0)",
                    self._field_to_sql(self._table, subcounts[part], query),
                )
                if part in subcounts
                else SQL("0")
                for part in ("treated", "closed")
            ]
            for fname in LEAD_FIELDS if leads else ():
                column = self._field_to_sql(self._table, fname, query)
                # the exact mean, as the aggregates give it
                measures += [
                    SQL("count(%s)", column),
                    SQL("avg(%s::numeric)::float8", column),
                ]
            parts = [(query, measures, SQL(), dims, groupings)]
        for query, measures, having, part_dims, part_groupings in parts:
            self._cube_part(
                tables, query, measures, having, part_dims, part_groupings, leads
            )
        return tables

    def _cube_part(self, tables, query, measures, having, dims, groupings, leads):
        """Fill ``tables`` with the cells of ``groupings`` from ``query``."""
        terms = [self._read_group_groupby(spec, query) for spec in dims]
        where = SQL(" WHERE %s", query.where_clause) if query.where_clause else SQL()
        if dims:
            position = {dim: i for i, dim in enumerate(dims)}
            everything = (1 << len(dims)) - 1
            masks = {}
            for grouping in groupings:
                mask = everything
                for dim in grouping:
                    mask &= ~(1 << (len(dims) - 1 - position[dim]))
                masks[mask] = grouping
            sets = SQL(", ").join(
                SQL("(%s)", SQL(", ").join(terms[position[dim]] for dim in grouping))
                for grouping in groupings
            )
            sql = SQL(
                "SELECT GROUPING(%s), %s, %s FROM %s%s GROUP BY GROUPING SETS (%s)%s",
                SQL(", ").join(terms),
                SQL(", ").join(terms),
                SQL(", ").join(measures),
                query.from_clause,
                where,
                sets,
                having,
            )
        else:
            masks = {0: ()}
            sql = SQL(
                "SELECT 0, %s FROM %s%s%s",
                SQL(", ").join(measures),
                query.from_clause,
                where,
                having,
            )
        for mask, *values in self.env.execute_query(sql):
            grouping = masks[mask]
            raw = dict(zip(dims, values[: len(dims)], strict=True))
            count, treated, closed, *times = values[len(dims) :]
            tables[grouping][tuple(disclosure.norm(raw[dim]) for dim in grouping)] = (
                disclosure.Cell(
                    count,
                    treated,
                    closed,
                    {
                        fname: (times[2 * i], times[2 * i + 1])
                        for i, fname in enumerate(LEAD_FIELDS)
                    }
                    if leads
                    else None,
                )
            )

    @api.model
    def _cube_parts(self, domain, dims, groupings, leads):
        """[(query, measures, HAVING, dims, groupings)] that answer the
        groupings of ``_cube`` from aggregates kept up to date, or None:
        scan the rows (the default)."""
        return None

    @api.model
    def _read_group_fast(self, domain, groupby, aggregates, having, order):
        """The recordset whose ``_read_group`` answers from aggregates kept
        up to date, or None (the default): scan the rows."""
        return None

    def _rebound(self, rows):
        """Group values of a fast ``_read_group`` in this environment (not
        the one that asked the aggregates)."""
        return [
            tuple(
                value.with_env(self.env)
                if isinstance(value, models.BaseModel)
                else value
                for value in row
            )
            for row in rows
        ]

    # ------------------------------------------------------------------
    # The doors
    # ------------------------------------------------------------------
    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        groupby, aggregates = list(groupby), list(aggregates)
        controlled = self._disclosure_applies(domain)
        if controlled:
            self._disclosure_check(domain, groupby, aggregates, having, order)
            figures = self._figures(
                domain,
                [groupby],
                controlled=True,
                leads=any(spec.endswith(":avg") for spec in aggregates),
            )
        # Odoo's own _read_group, from the aggregates when they can answer
        fast = self._read_group_fast(domain, groupby, aggregates, having, order)
        records = self if fast is None else fast  # (an empty recordset)
        rows = super(OndermijningDisclosureMixin, records)._read_group(
            domain, groupby, aggregates, having, offset, limit, order
        )
        if fast is not None:
            rows = self._rebound(rows)
        if not controlled:
            return rows
        size = len(groupby)
        result = []
        for row in rows:
            cell = figures.cell(
                groupby, [disclosure.norm(value) for value in row[:size]]
            )
            if cell.hidden:
                continue
            result.append(
                row[:size]
                + tuple(
                    figures.measure(cell, spec, value)
                    for spec, value in zip(aggregates, row[size:], strict=True)
                )
            )
        return result

    @api.model
    @api.readonly
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """The graph asks to fill the months without signals with zeros:
        not where a month is hidden (it would show a false zero)."""
        records = self
        if self.env.context.get("fill_temporal") and self._disclosure_applies(domain):
            records = self.with_context(fill_temporal=False)
        return super(OndermijningDisclosureMixin, records).read_group(
            domain,
            fields,
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )

    @api.model
    def _row_domain(self, domain):
        """Individual rows: only for the medewerker, of his gemeenten."""
        if self.env.su:
            return domain
        if not self.env.user.has_group(MEDEWERKER):
            raise AccessError(
                self.env._(
                    "Statistics are available as totals only; individual rows are not."
                )
            )
        return expression.AND(
            [list(domain or []), [("company_id", "in", self.env.companies.ids)]]
        )

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        return super().search_fetch(
            self._row_domain(domain), field_names, offset, limit, order
        )

    @api.model
    @api.readonly
    def search_count(self, domain, limit=None):
        return super().search_count(self._row_domain(domain), limit=limit)

    @api.model
    @api.readonly
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        return super().name_search(name, self._row_domain(args or []), operator, limit)

    def _fetch_query(self, query, fields):
        """Reading rows by id (``read``, ``web_read``): the same rule."""
        if not self.env.su and any(field.name != "id" for field in fields):
            self._row_domain([])
            query.add_where(
                SQL(
                    "%s IN %s",
                    SQL.identifier(query.table, "company_id"),
                    tuple(self.env.companies.ids),
                )
            )
        return super()._fetch_query(query, fields)


class OndermijningStatistiek(models.Model):
    _name = "ondermijning.statistiek"
    _inherit = ["ondermijning.statistiek", "ondermijning.disclosure.mixin"]

    _disclosure_dimensions = DIMENSIONS
    _disclosure_date_dimensions = DATE_DIMENSIONS
    _disclosure_subcounts = {
        "count_in_treatment": "treated",
        "count_closed": "closed",
    }
    _disclosure_lead_fields = tuple(LEAD_FIELDS)
