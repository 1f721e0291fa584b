"""The council's clock: every day, week and time a person sees is London's (GMT, or BST in summer).

The store keeps naive UTC timestamps. A "day" anywhere in the product (the Overview's and Trends'
per-day counts, spikes, alerts, the digest, the weekly export and the briefing) is a London
calendar day, so an item posted at 00:30 BST on 1 July counts on 1 July everywhere, as the
export has it. store.days is the same rule in SQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ZONE = "Europe/London"
LONDON = ZoneInfo(ZONE)


def london_midnight_utc(day: date) -> datetime:
    """The start of a London calendar day, as naive UTC (23:00 the day before in summer)."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC).replace(tzinfo=None)


def london_day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a London calendar day as naive UTC: 23, 24 or 25 hours."""
    return london_midnight_utc(day), london_midnight_utc(day + timedelta(days=1))


def london_date(moment: datetime) -> date:
    """The London calendar day of a naive-UTC (or aware) moment."""
    return london_time(moment).date()


def london_time(moment: datetime) -> datetime:
    """A naive-UTC (or aware) moment on London's clock."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(LONDON)


def clock_words(moment: datetime | float) -> str:
    """A moment (naive UTC, aware, or epoch seconds) as a person reads it here: '08:00 UK time on 18 Nov'."""
    if isinstance(moment, (int, float)):
        moment = datetime.fromtimestamp(moment, UTC)
    return f"{london_time(moment):%H:%M} UK time on {london_time(moment):%d %b}"


def london_today(now: datetime | None = None) -> date:
    return london_date(now or datetime.now(UTC))


def is_london_midnight(moment: object) -> bool:
    """True for a naive-UTC datetime at which a London day starts."""
    return isinstance(moment, datetime) and moment.tzinfo is None and \
        london_midnight_utc(london_date(moment)) == moment
