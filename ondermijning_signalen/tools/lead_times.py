"""The lead times of a signal, defined once: for the anonymous trace a
destroyed signal leaves, the statistics view's SQL and the register export in
Python, from the stappenplan's step dates.

The time spent in a step runs from the date the signal entered it until the
date it entered the next step, or its end if it ended in that step (none
while it is still there); the total runs from receipt to the end. In days,
rounded to 2 decimals (half away from zero), as the statistical trace of a
destroyed signal keeps them (``ondermijning.signaal.spoor``), so a figure is
the same before and after the purge.
"""

import decimal

from .. import stappenplan

# (field, label, the step's date, the next step's date); None: only the end.
# A step is timed from the date it was entered (stap 1: receipt) to the date
# the next one was entered.
_DATES = ["date_received"] + [field for _code, field in stappenplan.STEP_DATES]
LEAD_TIMES = [
    (f"lead_{step.code}", step.label, start, following)
    for step, start, following in zip(
        [s for s in stappenplan.STEPS if s.code in stappenplan.OPEN_STEPS][:-1],
        _DATES[:-1],
        _DATES[1:],
        strict=True,
    )
] + [("lead_total", "Totaal (ontvangst tot einde)", "date_received", None)]
LEAD_FIELDS = [fname for fname, _label, _start, _next in LEAD_TIMES]
LEAD_LABELS = {fname: label for fname, label, _start, _next in LEAD_TIMES}
# The signal's dates the lead times are made of.
LEAD_DATE_FIELDS = list(
    dict.fromkeys(
        [start for _f, _l, start, _n in LEAD_TIMES]
        + [nxt for _f, _l, _s, nxt in LEAD_TIMES if nxt]
        + ["date_end"]
    )
)


def sql_columns(alias):
    """{lead field: SQL expression} over the signal table ``alias``."""
    columns = {}
    for fname, _label, start, nxt in LEAD_TIMES:
        stop = (
            f"COALESCE({alias}.{nxt}, {alias}.date_end)"
            if nxt
            else (f"{alias}.date_end")
        )
        seconds = f"EXTRACT(EPOCH FROM ({stop} - {alias}.{start}))"
        columns[fname] = f"ROUND(({seconds} / 86400.0)::numeric, 2)::float"
    return columns


def compute(values):
    """{lead field: days or None} from a signal's dates (datetimes, by
    field name, as in ``LEAD_DATE_FIELDS``)."""
    result = {}
    for fname, _label, start, nxt in LEAD_TIMES:
        begin = values.get(start)
        stop = (values.get(nxt) if nxt else None) or values.get("date_end")
        if not begin or not stop:
            result[fname] = None
            continue
        days = decimal.Decimal((stop - begin).total_seconds()) / 86400
        result[fname] = float(
            days.quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)
        )
    return result
