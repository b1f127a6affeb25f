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

from collections import defaultdict, deque

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
