"""Is the data up to date? Each switched-on source against what its settings expect.

A source is late when its last successful collection is older than its `stale_after_hours`
(or it has never been collected successfully), and quiet when its newest item was posted
more than `quiet_after_days` ago although collection works (0: never called quiet). A broken
collector then says so instead of looking like a quiet week. Pure: settings and a health
frame in, findings out; the pages put them in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from settings.clock import london_date

NEVER, LATE, QUIET = "never", "late", "quiet"


@dataclass(frozen=True)
class Expected:
    """What one switched-on source promises (from sources.toml)."""

    name: str
    stale_after_hours: int
    quiet_after_days: int


@dataclass(frozen=True)
class Lapse:
    source: str
    what: str  # NEVER (no successful collection yet), LATE (not collected for too long) or QUIET (no new item)
    since: datetime | date | None  # the last successful collection (naive UTC), or the newest item's day
    limit: int  # the source's stale_after_hours (NEVER, LATE) or quiet_after_days (QUIET)


def lapses(expected: list[Expected], health: pd.DataFrame, now: datetime) -> list[Lapse]:
    """Every source in `expected` that is late or quiet at `now` (naive UTC), in their order.

    `health` has a row per stored source: name, last_ok_at (naive UTC or null), newest_day (the
    London day of its newest item, or null). A source not stored yet has never been collected.
    """
    rows = {row["name"]: row for row in health.to_dict("records")}
    found: list[Lapse] = []
    for source in expected:
        row = rows.get(source.name, {})
        last_ok = _value(row.get("last_ok_at"))
        if last_ok is None:
            found.append(Lapse(source.name, NEVER, None, source.stale_after_hours))
            continue
        last_ok = pd.Timestamp(last_ok).to_pydatetime()
        if now - last_ok > timedelta(hours=source.stale_after_hours):
            found.append(Lapse(source.name, LATE, last_ok, source.stale_after_hours))
            continue
        newest = _value(row.get("newest_day"))
        if source.quiet_after_days and newest is not None:
            newest = pd.Timestamp(newest).date()
            if (london_date(now) - newest).days > source.quiet_after_days:
                found.append(Lapse(source.name, QUIET, newest, source.quiet_after_days))
    return found


def _value(value: object) -> object | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value
