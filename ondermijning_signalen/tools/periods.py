"""The gemeenten's local time, defined once.

Months and years are counted by the local date (a signal received on 1
January at 00:30 in Amsterdam counts in January), in the statistics, the year
table, the dashboard, the register and the anonymous trace a destroyed signal
leaves. Datetimes are stored in UTC."""

GEMEENTE_TZ = "Europe/Amsterdam"


def local_month_sql(column):
    """SQL: the first day of the local month of a UTC timestamp column."""
    return (
        f"date_trunc('month', timezone('{GEMEENTE_TZ}', timezone('UTC', {column})))"
        "::date"
    )


def local_date_sql(column):
    """SQL: the local date of a UTC timestamp column."""
    return f"timezone('{GEMEENTE_TZ}', timezone('UTC', {column}))::date"
