"""Periods, period-over-period changes, daily series and reply trees: the dashboard's arithmetic.

Pure functions over dates and frames; the pages call them on what store.queries
returned. Dates are London calendar days (settings.clock), as the store counts them
over its naive-UTC timestamps; a period includes both its first and its last day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from settings.clock import london_midnight_utc

# feedback_class values (DESIGN.md), in the order charts stack and legends list them.
CLASSES = ("negative", "neutral", "positive", "constructive")

PRESETS: dict[str, int] = {"Last 7 days": 7, "Last 30 days": 30, "Last 90 days": 90}
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Period:
    """A run of whole London days, first and last included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of equal length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as naive UTC datetimes, for `created_at >= ? AND created_at < ?`: London
        midnights (23:00 UTC the day before in summer)."""
        return london_midnight_utc(self.start), london_midnight_utc(self.end + timedelta(days=1))

    def label(self) -> str:
        if self.start.year == self.end.year:
            return f"{self.start:%d %b} – {self.end:%d %b %Y}"
        return f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"


def period_ending(end: date, days: int) -> Period:
    return Period(end - timedelta(days=days - 1), end)


def count_delta(current: int, previous: int) -> str:
    """'+12 (+8%)', '-3 (-50%)', '+5' when there was nothing before, '0' when unchanged."""
    diff = current - previous
    if diff == 0:
        return "0"
    if previous == 0:
        return f"{diff:+,}"
    return f"{diff:+,} ({diff / previous:+.0%})"


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def points_delta(current: float | None, previous: float | None) -> str | None:
    """Change of a share in percentage points ('+3.1 pts'); None when either side has no data."""
    if current is None or previous is None:
        return None
    diff = round((current - previous) * 100, 1)
    if diff == 0:
        return "0 pts"
    return f"{diff:+.1f} pts"


def format_share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


# Below this many items a share swings by several points with each item: it is shown with its base.
SMALL_SAMPLE = 20


def few(whole: int) -> bool:
    """Whether a share of `whole` items rests on too few to read much into (but some)."""
    return 0 < whole < SMALL_SAMPLE


def share_text(part: int, whole: int) -> str:
    """'41%', or with too few items to go on '33% of 6 items'; '–' with none."""
    text = format_share(share(part, whole))
    return f"{text} of {whole:,} {'item' if whole == 1 else 'items'}" if few(whole) else text


def daily_series(counts: pd.DataFrame, period: Period, classes: tuple[str, ...] = CLASSES) -> pd.DataFrame:
    """Every day of the period times every class, with zero where nothing was counted.

    `counts` has columns day, feedback_class, items (one row per non-empty cell).
    Unscored items (feedback_class null) are counted as 'unscored' and kept only
    if there are any, so a chart never silently drops volume.
    """
    days = pd.date_range(period.start, period.end, freq="D")
    frame = counts.copy()
    frame["feedback_class"] = frame["feedback_class"].fillna("unscored")
    present = [c for c in frame["feedback_class"].unique() if c not in classes]
    order = list(classes) + sorted(present)
    grid = pd.MultiIndex.from_product([days, order], names=["day", "feedback_class"])
    if frame.empty:
        out = pd.DataFrame(index=grid).reset_index()
        out["items"] = 0
    else:
        frame["day"] = pd.to_datetime(frame["day"]).dt.normalize()
        summed = frame.groupby(["day", "feedback_class"])["items"].sum()
        out = summed.reindex(grid, fill_value=0).reset_index()
    out["items"] = out["items"].astype("int64")
    out["feedback_class"] = pd.Categorical(out["feedback_class"], categories=order, ordered=True)
    return out


def reply_tree(replies: pd.DataFrame, root_key: str, max_depth: int | None = None) -> pd.DataFrame:
    """Replies in reading order (each followed by its answers), with a `depth` column.

    Depth 1 answers the root post. A reply whose parent is missing (deleted, not
    collected) hangs under the root. Siblings are in time order. Cycles in bad
    data are broken, never followed forever. `max_depth` caps the depth used for
    indentation (the order is unchanged).
    """
    if replies.empty:
        out = replies.copy()
        out["depth"] = pd.Series(dtype="int64")
        return out
    frame = replies.sort_values(["created_at", "key"], kind="stable").reset_index(drop=True)
    keys = set(frame["key"])
    children: dict[str, list[int]] = {}
    for position, (key, parent) in enumerate(zip(frame["key"], frame["parent_id"])):
        if not isinstance(parent, str) or parent not in keys or parent == key:
            parent = root_key
        children.setdefault(parent, []).append(position)

    order: list[int] = []
    depths: list[int] = []
    seen: set[int] = set()
    stack = [(position, 1) for position in reversed(children.get(root_key, []))]
    while stack:
        position, depth = stack.pop()
        if position in seen:
            continue
        seen.add(position)
        order.append(position)
        depths.append(depth)
        key = frame.at[position, "key"]
        stack.extend((child, depth + 1) for child in reversed(children.get(key, [])))
    # Replies caught in a parent cycle never reach the root: show them last, under the root.
    for position in range(len(frame)):
        if position not in seen:
            order.append(position)
            depths.append(1)

    out = frame.iloc[order].reset_index(drop=True)
    out["depth"] = depths
    if max_depth is not None:
        out["depth"] = out["depth"].clip(upper=max_depth)
    return out


# ISO weeks, for the weekly export.


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(day: date) -> date:
    return day - timedelta(days=day.isoweekday() - 1)


def default_export_week(today: date, latest: date | None) -> str:
    """The last complete ISO week; or, when the data stops before it, the latest item's week."""
    last_start = week_start(today) - timedelta(days=7)
    if latest is not None and latest < last_start:
        return iso_week(latest)
    return iso_week(last_start)


def week_options(today: date, earliest: date | None, limit: int = 104) -> list[str]:
    """ISO weeks from this week back to the earliest item's week (at most `limit`), newest first."""
    first = week_start(earliest) if earliest and earliest < today else week_start(today)
    start = week_start(today)
    weeks: list[str] = []
    while start >= first and len(weeks) < limit:
        weeks.append(iso_week(start))
        start -= timedelta(days=7)
    return weeks
