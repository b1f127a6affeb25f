"""Disclosure control of aggregate figures: cell suppression, as plain Python.

Statistical offices publish a count only when enough units stand behind it
(CBS, Eurostat: a threshold of a few units). Here the unit is a signal; the
threshold ``k`` is configurable (default 5). The rule, applied to every
table an aggregate answer is made of:

1. Primary suppression: a cell with 0 < count < k is hidden. Zero is shown
   (it says nothing about a signal).
2. Margins: a table comes with its margins, i.e. the same figures with one
   grouping dimension less (the pivot's and the workbook's totals; the
   totals are always the exact figures). Along every line of a table (the
   cells that add up to one margin cell):
   - if the margin cell is shown, the hidden cells of the line are either
     none, or at least two that together hold at least ``k`` signals, so
     that "margin minus the visible cells" gives a sum of several cells
     (each of them unknown within a range), never one cell;
   - if the margin cell is itself hidden, at least one cell of the line is
     hidden, so that the line does not add up to the hidden margin.
   Secondary suppressions are added until every line holds; a candidate is
   chosen deterministically: first a cell whose value is not given away by
   another line (the only cell of a line under a shown margin), then one in
   lines that already hide cells (so suppression stays in the rows and
   columns it started in), then the smallest count, then the key.
3. Consistency: a table's pattern depends only on its own counts and the
   patterns of its margins, which are computed first by the same rule. So
   the table that a one-dimensional question gets is exactly the margin of
   every finer question with the same filter: a screen that shows a table
   with its totals (pivot, graph, workbook) can never be subtracted to
   reveal a hidden cell.

What remains (documented in the README): answers to *different* filters
(periods, sets of gemeenten, complements such as "MMA" versus "all") are
each protected, but differences between them are not audited; a user who
deliberately asks overlapping questions can compute a hidden cell. Equality
filters on a dimension (the pivot's "expand header") are turned into that
dimension by the model, so those answers stay consistent with the table.
"""

import datetime
import decimal
from collections import defaultdict, deque

from odoo import models
from odoo.osv import expression

from odoo.addons.ondermijning_signalen.tools.lead_times import LEAD_FIELDS

# How a hidden figure is written (CBS writes "x" for "geheim").
HIDDEN = "x"


def sort_key(key):
    """A total order on group keys (values of mixed types; False = none)."""
    return tuple(
        (0, "", 0)
        if value is None or value is False
        else (1, type(value).__name__, value)
        for value in key
    )


def hides_subcount(count, part, threshold):
    """A count within a shown cell (e.g. how many of its signals ended) is
    hidden when it, or the rest of the cell, is a small non-zero number."""
    if part is None or count is None:
        return False
    return 0 < part < threshold or 0 < count - part < threshold


def protect(tables, threshold):
    """Cell suppression over a family of tables.

    ``tables``: ``{grouping: {key: count}}``; a grouping is a tuple of
    dimension names in one canonical order, a key the tuple of values in
    that order. Every grouping's margins (one dimension less) must be in
    ``tables`` too (the empty grouping ``()`` holds the grand total under
    the key ``()``). Counts are positive (cells without signals are simply
    absent). Returns ``{grouping: set of hidden keys}``.
    """
    hidden = {}
    for grouping in sorted(tables, key=lambda g: (len(g), g)):
        counts = tables[grouping]
        hid = {key for key, count in counts.items() if 0 < count < threshold}
        if grouping:
            _secondary(grouping, counts, hid, hidden, threshold)
        hidden[grouping] = hid
    return hidden


def _secondary(grouping, counts, hid, hidden, threshold):
    """Add secondary suppressions to ``hid`` until every line holds."""
    lines = []  # (margin hidden, keys of the line in key order)
    for position in range(len(grouping)):
        margin = grouping[:position] + grouping[position + 1 :]
        by_margin = defaultdict(list)
        for key in counts:
            by_margin[key[:position] + key[position + 1 :]].append(key)
        for margin_key in sorted(by_margin, key=sort_key):
            keys = sorted(by_margin[margin_key], key=sort_key)
            lines.append((margin_key in hidden[margin], keys))
    lines_of = defaultdict(list)
    for index, (_margin_hidden, keys) in enumerate(lines):
        for key in keys:
            lines_of[key].append(index)
    # a cell alone under a shown margin equals that margin: hiding it
    # protects nothing
    given_away = {
        keys[0] for margin_hidden, keys in lines if len(keys) == 1 and not margin_hidden
    }

    def holds(index):
        margin_hidden, keys = lines[index]
        shut = [key for key in keys if key in hid]
        if margin_hidden:
            return bool(shut)
        return not shut or (
            len(shut) >= 2 and sum(counts[key] for key in shut) >= threshold
        )

    def preference(index, key):
        busy = sum(
            1
            for other in lines_of[key]
            if other != index and any(k in hid for k in lines[other][1])
        )
        return (key in given_away, -busy, counts[key], sort_key(key))

    queue = deque(range(len(lines)))
    queued = set(queue)
    while queue:
        index = queue.popleft()
        queued.discard(index)
        while not holds(index):
            candidates = [key for key in lines[index][1] if key not in hid]
            if not candidates:
                break  # every cell of the line is hidden already
            chosen = min(candidates, key=lambda key, i=index: preference(i, key))
            hid.add(chosen)
            for other in lines_of[chosen]:
                if other != index and other not in queued:
                    queue.append(other)
                    queued.add(other)


# ----------------------------------------------------------------------
# Protected figures of the statistics, and the domains they are asked with
# ----------------------------------------------------------------------
# a sum of a 0/1 column is a count of part of a cell's signals
SUBCOUNTS = {"count_in_treatment:sum": "treated", "count_closed:sum": "closed"}


def norm(value):
    """A group value as a plain, comparable key part."""
    if isinstance(value, models.BaseModel):
        return value.id or False
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, (decimal.Decimal, float)):
        return int(value)  # a period number (month_number, ...)
    if value is None:
        return False
    return value


class Cell:
    """The figures of one group: count, sub-counts and lead times."""

    __slots__ = ("count", "treated", "closed", "leads", "hidden")

    def __init__(self, count=0, treated=0, closed=0, leads=None, hidden=False):
        self.count = count
        self.treated = treated
        self.closed = closed
        self.leads = leads or {fname: (0, None) for fname in LEAD_FIELDS}
        self.hidden = hidden


class Figures:
    """Protected figures of one filter: cells per grouping, with the
    threshold (None: exact figures, the user may read the rows) and the
    equality filters that were turned into dimensions (``lifted``)."""

    HIDDEN = HIDDEN

    def __init__(self, dims, tables, lifted, threshold):
        self.dims = dims
        self.tables = tables
        self.lifted = lifted
        self.threshold = threshold

    def _grouping(self, groupby):
        wanted = set(groupby) | set(self.lifted)
        return tuple(dim for dim in self.dims if dim in wanted)

    def cell(self, groupby, values):
        """The cell of a group of ``groupby`` with these (normalised)
        values; a group without signals is an empty cell."""
        known = dict(self.lifted)
        known.update(zip(groupby, values, strict=True))
        grouping = self._grouping(groupby)
        key = tuple(known[dim] for dim in grouping)
        return self.tables[grouping].get(key) or Cell()

    def groups(self, groupby):
        """[(values in ``groupby`` order, cell)] of every group with signals."""
        grouping = self._grouping(groupby)
        result = []
        for key, cell in self.tables[grouping].items():
            values = dict(zip(grouping, key, strict=True))
            if any(values[dim] != value for dim, value in self.lifted.items()):
                continue
            result.append((tuple(values[dim] for dim in groupby), cell))
        return result

    def count(self, cell):
        """The cell's count, or HIDDEN."""
        return self.HIDDEN if cell.hidden else cell.count

    def subcount(self, cell, value):
        """A count of part of the cell's signals (taken into treatment,
        closed, with a lead time), or HIDDEN."""
        if cell.hidden or (
            self.threshold and hides_subcount(cell.count, value, self.threshold)
        ):
            return self.HIDDEN
        return value

    def lead_average(self, cell, fname):
        """The average lead time over at least ``threshold`` signals."""
        count, average = cell.leads[fname]
        if cell.hidden or (self.threshold and count < self.threshold):
            return self.HIDDEN
        return average

    def measure(self, cell, spec, value):
        """An aggregate of ``_read_group`` for a shown cell (None if hidden)."""
        if spec in SUBCOUNTS:
            value = self.subcount(cell, getattr(cell, SUBCOUNTS[spec]))
        elif spec.endswith(":avg"):
            value = (
                self.lead_average(cell, spec.split(":")[0])
                if value is not None
                else None
            )
        return None if value is self.HIDDEN else value


class _Node:
    """A parsed domain: an operator with its operands, or a leaf."""

    __slots__ = ("operator", "operands", "leaf")

    def __init__(self, operator=None, operands=(), leaf=None):
        self.operator = operator
        self.operands = operands
        self.leaf = leaf

    def serialize(self):
        if self.operator is None:
            return [self.leaf]
        result = [self.operator]
        for operand in self.operands:
            result += operand.serialize()
        return result


def parse_domain(domain):
    tokens = expression.normalize_domain(list(domain or []))

    def parse(index):
        token = tokens[index]
        if token in ("&", "|"):
            left, index = parse(index + 1)
            right, index = parse(index)
            return _Node(token, (left, right)), index
        if token == "!":
            operand, index = parse(index + 1)
            return _Node(token, (operand,)), index
        return _Node(leaf=token), index + 1

    return parse(0)[0]


def conjuncts(node):
    if node.operator == "&":
        return [part for operand in node.operands for part in conjuncts(operand)]
    return [node]
