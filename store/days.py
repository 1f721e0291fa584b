"""London calendar days in SQL (settings.clock): the day every per-day count is kept and read by.

DuckDB's ICU extension (built into its Python package) converts a naive-UTC timestamp to London's
wall clock; the date of that is the day. Periods arrive as [start, end) naive-UTC datetimes; when
both ends are London midnights the period is whole days, and store.daily's per-day table answers it.
"""

from __future__ import annotations

from settings.clock import ZONE, is_london_midnight


def london_day(timestamp_sql: str) -> str:
    """SQL for the London calendar day of a naive-UTC timestamp expression (a column or `?`)."""
    return f"timezone('{ZONE}', timezone('UTC', ({timestamp_sql})::TIMESTAMP))::DATE"


def whole_days(start: object, end: object) -> bool:
    """True when [start, end) is whole London days, so store.daily's per-day counts answer it exactly."""
    return is_london_midnight(start) and is_london_midnight(end)
