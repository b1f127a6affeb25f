"""Aggregates of the statistics kept up to date: the workbooks and the pivot
over 10^6 signals read about 10^4 cells instead of scanning every row.

A cell holds the counts, the two sub-counts and the lead times' counts and
exact sums of the stored rows (``STORE``) with one key: the gemeente, the
month received and the value of the dimensions of its *family* (none, one
breakdown, the month ended with closed, or one lead time's bucket of days).
Its columns are named like the view's, NULL outside the family, so that the
WHERE clause Odoo builds for the view (the domain and the record rules,
``self._search``) applies to the cells unchanged: a question is answered
from the cells only when that clause names nothing but the key and the
family's columns, and every grouping only the key and the dimensions of one
family; everything else (the deadline state, which changes with the day;
two breakdowns at once) scans the rows as before, with the same figures.
Means are exact (sums of the lead times as numeric), on both paths.

Many officials record wegingen at the same time, often in the same gemeente
and month: updating one row per cell would make their transactions wait for
each other (or deadlock). So the triggers on the stored rows only insert
signed deltas (+1 in the new cell, -1 in the old one, nothing where no cell
changed); readers sum them, and a cron folds the deltas into one row per
cell now and then. Every change is in the writer's own transaction.

Lead-time percentiles stay exact (``percentile_cont`` as the scan computes
them): the cells count the values per bucket of days, the bucket holding a
rank is found from them, and only that bucket's values are read from the
stored rows through an index on the lead time.
"""

# The statistics model is split by concern (the view, its figures, disclosure
# control, these aggregates), on purpose.
# pylint: disable=consider-merging-classes-inherited

import math
import re

from odoo import api, models
from odoo.tools import SQL

from odoo.addons.ondermijning_signalen.tools.lead_times import LEAD_FIELDS

from .ondermijning_statistiek import STORE, run
from .ondermijning_statistiek_figures import BREAKDOWNS

CELLS = "ondermijning_statistiek_cell"
# The key of every cell (month received: the view keeps months only, so any
# condition on it holds for all or none of a cell's rows).
KEY = ("company_id", "date_received")
# {family: its dimensions}: the breakdowns of the workbook (the gemeente is
# the key), the dashboards' current step, the month ended for the
# workbook's "closed per month" and its table of campaign periods and MMA.
FAMILIES = {
    "base": (),
    **{fname: (fname,) for _s, _h, fname in BREAKDOWNS if fname not in KEY},
    "stage_code": ("stage_code",),
    "date_end": ("date_end", "closed"),
    "in_campaign": ("in_campaign", "is_mma"),
}
# One family per lead time: its values counted per bucket of days.
BUCKET_FAMILIES = {f"bucket_{fname}": fname for fname in LEAD_FIELDS}
MEASURES = ("cnt", "count_in_treatment", "count_closed") + tuple(
    f"{prefix}_{fname}" for fname in LEAD_FIELDS for prefix in ("n", "s")
)
# Aggregates of _read_group the cells answer (the lead times: the exact mean).
CELL_AGGREGATES = {
    "__count": "SUM({a}.cnt)",
    "count_in_treatment:sum": "SUM({a}.count_in_treatment)",
    "count_closed:sum": "SUM({a}.count_closed)",
    **{
        f"{fname}:avg": f"(SUM({{a}}.s_{fname}) / NULLIF(SUM({{a}}.n_{fname}), 0))"
        "::float8"
        for fname in LEAD_FIELDS
    },
}
# Context key that forces the full scan (to compare with; costs time only).
FULL_SCAN = "statistiek_full_scan"


def bucket_sql(column):
    """The bucket of a lead time in days: whole days up to 60, weeks up to
    a year, then 30 days (few buckets, few values in each)."""
    day = f"floor({column})::int"
    return (
        f"CASE WHEN {day} < 60 THEN {day}"
        f" WHEN {day} < 368 THEN 60 + ({day} - 60) / 7"
        f" ELSE 104 + ({day} - 368) / 30 END"
    )


def bucket_bounds(bucket):
    """[low, high) in days of a bucket of ``bucket_sql``."""
    if bucket < 60:
        return bucket, bucket + 1
    if bucket < 104:
        low = 60 + 7 * (bucket - 60)
        return low, low + 7
    low = 368 + 30 * (bucket - 104)
    return low, low + 30


# The transition tables a statement-level trigger of each operation sees.
TRANSITION_TABLES = {
    "insert": "NEW TABLE AS new_rows",
    "update": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
    "delete": "OLD TABLE AS old_rows",
}


def delta_trigger(cr, name, table, op, statement):
    """Make the statement-level trigger ``name`` AFTER ``op`` on
    ``table`` that runs ``statement`` over the transition tables (new_rows,
    old_rows), skipped when the statement changed no row (a refresh that
    changed nothing: no work, no plan)."""
    transition = TRANSITION_TABLES[op]
    run(
        cr,
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
        LANGUAGE plpgsql AS $body$
        BEGIN
            IF EXISTS (SELECT FROM {transition.split()[-1]}) THEN
                {statement};
            END IF;
            RETURN NULL;
        END $body$""",
    )
    run(
        cr,
        f"""CREATE TRIGGER {name} AFTER {op.upper()} ON {table}
        REFERENCING {transition}
        FOR EACH STATEMENT EXECUTE FUNCTION {name}()""",
    )


def swap_query(model, domain, table, allowed):
    """The query of ``domain`` on the view of ``model`` (its record rules
    included, as Odoo builds it) over ``table`` under the view's alias, or
    None when its FROM is not the view alone or its WHERE names a column
    outside ``allowed`` (or anything but the view's columns)."""
    if model.env.context.get(FULL_SCAN):
        return None
    query = model._search(domain)
    alias = model._table
    if (
        query.is_empty()
        or list(query._tables) != [alias]
        or query._tables[alias] != SQL.identifier(alias)
        or query._joins
    ):
        return None
    where = query.where_clause
    code = where.code if where else ""
    names = re.findall(rf'"{alias}"\."(\w+)"', code)
    rest = re.sub(rf'"{alias}"\."\w+"', "", code)
    if (
        not set(names) <= set(allowed)
        or '"' in rest
        or re.search(r"\b(select|from)\b", rest, re.IGNORECASE)
    ):
        return None
    query._tables[alias] = SQL.identifier(table)
    return query


def fold_sql(table, group, measures):
    """Fold the deltas of ``table`` (rows not ``folded``) into one row per
    ``cell_key`` with the folded row already there."""
    sums = [f"sum({m})" for m in measures]
    return f"""WITH delta AS (
            DELETE FROM {table} WHERE NOT folded RETURNING *),
        old AS (
            DELETE FROM {table} c
             WHERE c.folded AND c.cell_key IN (SELECT cell_key FROM delta)
            RETURNING c.*)
        INSERT INTO {table} ({", ".join(group)}, folded, {", ".join(measures)})
        SELECT {", ".join(group)}, TRUE, {", ".join(sums)}
          FROM (SELECT * FROM delta UNION ALL SELECT * FROM old) x
         GROUP BY {", ".join(group)}
        HAVING {" OR ".join(f"COALESCE({s}, 0) <> 0" for s in sums)}"""


class _CellsRequest:
    """Context value that makes ``_search`` answer from the cells of a
    family (a Python object: no client can send it)."""

    __slots__ = ("family", "grouped")

    def __init__(self, family, grouped):
        self.family = family
        self.grouped = grouped


class OndermijningStatistiek(models.Model):
    _inherit = "ondermijning.statistiek"

    # ------------------------------------------------------------------
    # The cells, their triggers and their fold
    # ------------------------------------------------------------------
    def _store_types(self):
        """{column: SQL type} of the stored rows."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
                " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                STORE,
            )
        )
        return dict(cr.fetchall())

    def _cells_select(self, rows, folded):
        """The deltas of the rows ``rows`` (a query of ``sign`` and the
        stored columns) per cell of every family, zero deltas left out."""
        types = self._store_types()
        dims = sorted({dim for columns in FAMILIES.values() for dim in columns})
        parts = []
        families = [(family, columns, None) for family, columns in FAMILIES.items()]
        families += [(family, (), lead) for family, lead in BUCKET_FAMILIES.items()]
        for family, columns, lead in families:
            group = [*KEY, *columns]
            bucket = bucket_sql(f"r.{lead}") if lead else None
            if lead:
                measures = ["sum(r.sign)::int"] + [
                    "NULL::numeric" if m.startswith("s_") else "0" for m in MEASURES[1:]
                ]
            else:
                measures = [
                    "sum(r.sign)::int",
                    "sum(r.sign * r.count_in_treatment)::int",
                    "sum(r.sign * r.count_closed)::int",
                ]
                for fname in LEAD_FIELDS:
                    measures += [
                        f"sum(CASE WHEN r.{fname} IS NULL THEN 0 ELSE r.sign END)::int",
                        f"sum(r.sign * r.{fname}::numeric)",
                    ]
            key_parts = [f"'{family}'", *(f"r.{c}" for c in group)]
            if bucket:
                key_parts.append(bucket)
            parts.append(
                f"""SELECT '{family}', ROW({", ".join(key_parts)})::text, {folded},
                    {", ".join(f"r.{c}" for c in KEY)},
                    {
                    ", ".join(
                        f"r.{d}" if d in columns else f"NULL::{types[d]}" for d in dims
                    )
                },
                    {bucket or "NULL::int"},
                    {", ".join(measures)}
                  FROM {rows} r
                  {f"WHERE r.{lead} IS NOT NULL" if lead else ""}
                 GROUP BY {", ".join(f"r.{c}" for c in group)}
                 {f", {bucket}" if bucket else ""}
                HAVING {
                    " OR ".join(
                        f"COALESCE({m}, 0) <> 0" for m in measures if "sum" in m
                    )
                }"""
            )
        names = ["family", "cell_key", "folded", *KEY, *dims, "bucket", *MEASURES]
        return f"INSERT INTO {CELLS} ({', '.join(names)})\n" + "\nUNION ALL\n".join(
            parts
        )

    def _cells_sql(self):
        """(the cells as readers see them: the deltas summed per cell, the
        cells aggregated afresh from the stored rows), to compare."""
        dims = sorted({dim for columns in FAMILIES.values() for dim in columns})
        names = ["family", "cell_key", *KEY, *dims, "bucket", *MEASURES]
        fresh = self._cells_select(f"(SELECT 1 AS sign, s.* FROM {STORE} s)", "TRUE")
        fresh = fresh.split("\n", 1)[1]
        all_names = ["family", "cell_key", "folded", *KEY, *dims, "bucket", *MEASURES]
        key = ", ".join(names[: -len(MEASURES)])
        # a sum of no lead times is NULL afresh, 0 after deltas: both none
        summed = (
            f"SELECT {key},"
            f" {', '.join(f'COALESCE(sum({m}), 0)' for m in MEASURES)}"
            f" FROM {CELLS} GROUP BY {key}"
            " HAVING " + " OR ".join(f"COALESCE(sum({m}), 0) <> 0" for m in MEASURES)
        )
        fresh = (
            f"SELECT {key}, {', '.join(f'COALESCE({m}, 0)' for m in MEASURES)}"
            f" FROM ({fresh}) AS x({', '.join(all_names)})"
        )
        return summed, fresh

    def _install_store(self):
        """The stored rows, then the cells filled from them in one statement
        with their triggers, and the indexes the exact percentiles use."""
        result = super()._install_store()
        cr = self.env.cr
        self._drop_cells()
        for fname in LEAD_FIELDS:
            run(cr, f"CREATE INDEX ON {STORE} ({fname}, company_id, date_received)")
        types = self._store_types()
        dims = sorted({dim for columns in FAMILIES.values() for dim in columns})
        run(
            cr,
            f"""CREATE TABLE {CELLS} (
                family varchar NOT NULL,
                cell_key text NOT NULL,
                folded boolean NOT NULL,
                {", ".join(f"{c} {types[c]}" for c in (*KEY, *dims))},
                bucket integer,
                {
                ", ".join(
                    f"{m} numeric" if m.startswith("s_") else f"{m} integer NOT NULL"
                    for m in MEASURES
                )
            }
            )""",
        )
        run(
            cr,
            self._cells_select(f"(SELECT 1 AS sign, s.* FROM {STORE} s)", "TRUE"),
        )
        run(cr, f"CREATE INDEX ON {CELLS} (family, company_id, date_received)")
        run(cr, f"CREATE UNIQUE INDEX ON {CELLS} (cell_key) WHERE folded")
        run(cr, f"CREATE INDEX ON {CELLS} (folded) WHERE NOT folded")
        run(cr, f"ANALYZE {CELLS}")
        sources = {
            "insert": "SELECT 1 AS sign, n.* FROM new_rows n",
            "update": "SELECT 1 AS sign, n.* FROM new_rows n"
            " UNION ALL SELECT -1, o.* FROM old_rows o",
            "delete": "SELECT -1 AS sign, o.* FROM old_rows o",
        }
        for op, rows in sources.items():
            delta_trigger(
                cr,
                f"{CELLS}_{op}",
                STORE,
                op,
                self._cells_select(f"({rows})", "FALSE"),
            )
        return result

    def _drop_cells(self):
        cr = self.env.cr
        for op in ("insert", "update", "delete"):
            run(cr, f"DROP FUNCTION IF EXISTS {CELLS}_{op}() CASCADE")
        run(cr, f"DROP TABLE IF EXISTS {CELLS}")

    def _drop_store(self):
        self._drop_cells()
        return super()._drop_store()

    @api.model
    def _fold_cells(self):
        """Fold the deltas into one row per cell (cron), here and in the
        interventions' aggregates. Writers only insert, so this takes no
        lock they wait for; deltas committed after this transaction's
        snapshot stay for the next fold."""
        dims = sorted({dim for columns in FAMILIES.values() for dim in columns})
        run(
            self.env.cr,
            fold_sql(CELLS, ["family", "cell_key", *KEY, *dims, "bucket"], MEASURES),
        )
        self.env["ondermijning.statistiek.interventie"]._fold_cells()

    # ------------------------------------------------------------------
    # When the cells answer
    # ------------------------------------------------------------------
    @api.model
    def _cells_families(self, dims):
        """The families holding the (non-key) dimensions ``dims``, smallest
        first."""
        dims = set(dims) - set(KEY)
        return sorted(
            (family for family, columns in FAMILIES.items() if dims <= set(columns)),
            key=lambda family: (len(FAMILIES[family]), family != "base", family),
        )

    @api.model
    def _cells_answer(self, domain, dims, queries=None):
        """(family, query of its cells) that answer ``domain`` grouped by
        ``dims``, or (None, None). ``queries``: a cache by family."""
        queries = {} if queries is None else queries
        for family in self._cells_families(dims):
            if family not in queries:
                queries[family] = self._cells_query(domain, family)
            if queries[family] is not None:
                return family, queries[family]
        return None, None

    @api.model
    def _cells_query(self, domain, family, table=CELLS):
        """The query of ``domain`` over the cells of ``family`` (or, with
        ``table``, the stored rows), or None when its WHERE names a column
        outside the key and the family's columns (then only the rows can
        answer)."""
        if family is None:
            return None
        query = swap_query(self, domain, table, {*KEY, *FAMILIES.get(family, ())})
        if query is not None and table == CELLS:
            alias = self._table
            query.add_where(SQL("%s = %s", SQL.identifier(alias, "family"), family))
        return query

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        query = super()._search(domain, offset=offset, limit=limit, order=order)
        request = self.env.context.get("statistiek_cells")
        if isinstance(request, _CellsRequest):
            cells = self.with_context(statistiek_cells=None)._cells_query(
                domain, request.family
            )
            if cells is None:
                # _read_group_fast checked this very domain
                raise ValueError("the cells cannot answer this domain")
            cells.limit, cells.offset, cells.order = limit, offset, query.order
            return cells
        return query

    def _read_group_select(self, aggregate_spec, query):
        if isinstance(self.env.context.get("statistiek_cells"), _CellsRequest):
            return SQL(
                CELL_AGGREGATES[aggregate_spec].replace(
                    "{a}", SQL.identifier(self._table).code
                )
            )
        if aggregate_spec.endswith(":avg") and aggregate_spec[:-4] in LEAD_FIELDS:
            # the exact mean, as the cells give it
            column = self._field_to_sql(self._table, aggregate_spec[:-4], query)
            return SQL("avg(%s::numeric)::float8", column)
        return super()._read_group_select(aggregate_spec, query)

    def _read_group_having(self, having_domain, query):
        request = self.env.context.get("statistiek_cells")
        if isinstance(request, _CellsRequest) and request.grouped:
            # groups whose deltas add up to nothing have no rows
            return SQL("SUM(%s) <> 0", SQL.identifier(self._table, "cnt"))
        return super()._read_group_having(having_domain, query)

    @api.model
    def _read_group_fast(self, domain, groupby, aggregates, having, order):
        """The recordset whose ``_read_group`` answers from the cells, or
        None: no condition on the totals, the aggregates the cells hold,
        groups of the key and at most one other dimension, sorted by them."""
        if having or not set(aggregates) <= set(CELL_AGGREGATES):
            return None
        fnames = [spec.partition(":")[0] for spec in groupby]
        for term in (order or "").split(","):
            spec = term.strip().split(" ")[0]
            if spec and spec not in groupby and spec not in aggregates:
                return None
        family, _query = self._cells_answer(domain, fnames)
        if family is None:
            return None
        return self.with_context(statistiek_cells=_CellsRequest(family, bool(groupby)))

    # ------------------------------------------------------------------
    # The figures from the cells
    # ------------------------------------------------------------------
    @api.model
    def _cube_parts(self, domain, dims, groupings, leads):
        """The groupings of ``_cube`` by the family that answers them, each
        part one query of the cells (or None if one grouping has none)."""
        by_family, queries = {}, {}
        for grouping in groupings:
            family, _query = self._cells_answer(
                domain, [spec.partition(":")[0] for spec in grouping], queries
            )
            if family is None:
                return None
            by_family.setdefault(family, []).append(grouping)
        alias = SQL.identifier(self._table).code
        parts = []
        for family, family_groupings in by_family.items():
            query = queries[family]
            measures = [
                SQL(f"SUM({alias}.cnt)"),
                SQL(f"SUM({alias}.count_in_treatment)"),
                SQL(f"SUM({alias}.count_closed)"),
            ]
            for fname in LEAD_FIELDS if leads else ():
                measures += [
                    SQL(f"SUM({alias}.n_{fname})"),
                    SQL(CELL_AGGREGATES[f"{fname}:avg"].replace("{a}", alias)),
                ]
            used = {dim for grouping in family_groupings for dim in grouping}
            parts.append(
                (
                    query,
                    measures,
                    SQL(f" HAVING SUM({alias}.cnt) <> 0"),
                    [dim for dim in dims if dim in used],
                    family_groupings,
                )
            )
        return parts

    @api.model
    def _lead_row(self, domain):
        """(count, average, [median, 90th percentile]) of every lead time,
        from the cells and the values of one bucket per rank, or None when
        the cells cannot answer. ``percentile_cont`` exactly: the values at
        the two ranks around p * (n - 1), interpolated as PostgreSQL does."""
        cells = self._cells_query(domain, "base")
        if cells is None:
            return None
        alias = SQL.identifier(self._table).code
        totals = self.env.execute_query(
            cells.select(
                *(
                    SQL(CELL_AGGREGATES[f"{fname}:avg"].replace("{a}", alias))
                    for fname in LEAD_FIELDS
                )
            )
        )[0]
        row = []
        for fname, average in zip(LEAD_FIELDS, totals, strict=True):
            family = f"bucket_{fname}"
            query = self._cells_query(domain, family)
            histogram = self.env.execute_query(
                SQL(
                    "SELECT %s, SUM(%s) FROM %s WHERE %s GROUP BY 1"
                    " HAVING SUM(%s) <> 0 ORDER BY 1",
                    SQL.identifier(self._table, "bucket"),
                    SQL.identifier(self._table, "cnt"),
                    query.from_clause,
                    query.where_clause,
                    SQL.identifier(self._table, "cnt"),
                )
            )
            count = sum(n for _b, n in histogram)
            if not count:
                row += [count, None, None]
                continue
            positions = [p * (count - 1) for p in (0.5, 0.9)]
            ranks = {
                rank
                for position in positions
                for rank in (math.floor(position), math.ceil(position))
            }
            values = self._values_at(domain, fname, histogram, ranks)
            percentiles = []
            for position in positions:
                # as PostgreSQL's percentile_cont: first + (p - i) * (second - first)
                first, second = math.floor(position), math.ceil(position)
                low = values[first]
                if second > first:
                    low += (position - first) * (values[second] - low)
                percentiles.append(low)
            row += [count, average, percentiles]
        return row

    @api.model
    def _values_at(self, domain, fname, histogram, ranks):
        """{rank: value} of the lead time's values in ascending order (rank
        from 0): each rank's bucket from the counts, then its place among
        that bucket's values in the stored rows, read through the index on
        the lead time, once per bucket."""
        by_bucket = {}
        before, index = 0, 0
        for rank in sorted(ranks):
            while rank >= before + histogram[index][1]:
                before += histogram[index][1]
                index += 1
            by_bucket.setdefault((histogram[index][0], before), []).append(rank)
        column = SQL.identifier(self._table, fname)
        values = {}
        for (bucket, before), bucket_ranks in by_bucket.items():
            low, high = bucket_bounds(bucket)
            query = self._cells_query(domain, "base", table=STORE)
            query.add_where(SQL("%s >= %s AND %s < %s", column, low, column, high))
            where = query.where_clause
            # one value in the bucket (coarse data): two probes of the index
            least, most = self.env.execute_query(
                SQL(
                    "SELECT min(%s), max(%s) FROM %s WHERE %s",
                    column,
                    column,
                    query.from_clause,
                    where,
                )
            )[0]
            if least == most:
                values.update(dict.fromkeys(bucket_ranks, least))
                continue
            first, last = bucket_ranks[0] - before, bucket_ranks[-1] - before
            found = self.env.execute_query(
                SQL(
                    "SELECT %s FROM %s WHERE %s ORDER BY %s OFFSET %s LIMIT %s",
                    column,
                    query.from_clause,
                    where,
                    column,
                    first,
                    last - first + 1,
                )
            )
            for rank in bucket_ranks:
                values[rank] = found[rank - before - first][0]
        return values
