"""The Trends page's arithmetic: days or weeks, volume per group over time, groups against the previous period.

Pure functions over the small frames store.trends returns. A group is a source's
name or a service area; an item with no service area is in NO_AREA.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from analysis.trends import CLASSES, Period

DAILY_MAX_DAYS = 45  # longer periods are shown week by week
NO_AREA = "No service area named"
OTHER = "Everything else"
SUMMARY_COUNTS = ("items", "negative", "neutral", "positive", "constructive", "unscored", "hostile")


def bucket_for(period: Period) -> str:
    """'day' for periods up to DAILY_MAX_DAYS days, else 'week' (ISO weeks, Monday first)."""
    return "day" if period.days <= DAILY_MAX_DAYS else "week"


def bucket_starts(period: Period, bucket: str) -> pd.DatetimeIndex:
    """The first day of every bucket that overlaps the period (a week may start before it)."""
    if bucket == "day":
        return pd.date_range(period.start, period.end, freq="D")
    first = period.start - timedelta(days=period.start.weekday())
    return pd.date_range(first, period.end, freq="7D")


def _bucket_of(days: pd.Series, bucket: str) -> pd.Series:
    days = pd.to_datetime(days).dt.normalize()
    if bucket == "day":
        return days
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


def group_names(groups: pd.Series) -> pd.Series:
    """Group labels for people: a missing service area is NO_AREA."""
    return groups.astype(object).where(groups.notna(), NO_AREA).astype(str)


def bucketed(volume: pd.DataFrame, period: Period, bucket: str, groups: list[str] | None = None) -> pd.DataFrame:
    """Items per bucket (and group) and feedback class, zero where nothing was counted.

    `volume` is store.trends.class_volume (day, group, feedback_class, items, hostile).
    With `groups`, rows are kept per group (named by `group_names`), every group not
    listed is summed into OTHER, and the grid covers the listed groups (and OTHER when
    it has anything). Without, groups are summed together. Unscored items are a class
    of their own ('unscored'), kept only when there are any. Columns: bucket, [group,]
    feedback_class (categorical, chart order), items, hostile.
    """
    frame = volume.copy()
    frame["feedback_class"] = frame["feedback_class"].astype(object).where(frame["feedback_class"].notna(), "unscored")
    extra = sorted(c for c in frame["feedback_class"].unique() if c not in CLASSES)
    order = list(CLASSES) + extra
    frame["bucket"] = _bucket_of(frame["day"], bucket) if not frame.empty else pd.Series(dtype="datetime64[ns]")
    keys = ["bucket", "feedback_class"]
    axes = [bucket_starts(period, bucket), order]
    names = ["bucket", "feedback_class"]
    if groups is not None:
        named = group_names(frame["group"]) if not frame.empty else pd.Series(dtype=object)
        frame["group"] = named.where(named.isin(groups), OTHER)
        shown = list(groups) + ([OTHER] if (frame["group"] == OTHER).any() else [])
        keys, axes, names = ["bucket", "group", "feedback_class"], [axes[0], shown, order], [
            "bucket", "group", "feedback_class"]
    grid = pd.MultiIndex.from_product(axes, names=names)
    summed = frame.groupby(keys)[["items", "hostile"]].sum() if not frame.empty else None
    if summed is None:
        out = pd.DataFrame(index=grid).reset_index()
        out["items"] = 0
        out["hostile"] = 0
    else:
        out = summed.reindex(grid, fill_value=0).reset_index()
    out[["items", "hostile"]] = out[["items", "hostile"]].astype("int64")
    out["feedback_class"] = pd.Categorical(out["feedback_class"], categories=order, ordered=True)
    return out


def top_groups(volume: pd.DataFrame, limit: int) -> list[str]:
    """The `limit` groups with most items (named by `group_names`), most first, ties by name."""
    if volume.empty:
        return []
    totals = volume.assign(group=group_names(volume["group"])).groupby("group")["items"].sum()
    ranked = sorted(totals.items(), key=lambda pair: (-pair[1], pair[0]))
    return [name for name, _ in ranked[:limit]]


def compare_groups(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Each group's period totals beside the previous period's, most in need of attention first.

    `now` and `before` are store.trends.group_summary frames. Adds share_negative
    (of scored items), negative_before and negative_change. Needs attention first:
    most negative items, then the biggest rise in negative items, then most hostile.
    Groups seen only in the previous period are kept (with zeros now) after the others,
    and NO_AREA (not a service) comes last.
    """
    counts = list(SUMMARY_COUNTS)
    current = now.assign(group=group_names(now["group"])).groupby("group")[counts].sum()
    previous = before.assign(group=group_names(before["group"])).groupby("group")[counts].sum()
    table = current.reindex(current.index.union(previous.index), fill_value=0)
    table["negative_before"] = previous["negative"].reindex(table.index, fill_value=0)
    table["items_before"] = previous["items"].reindex(table.index, fill_value=0)
    table["negative_change"] = table["negative"] - table["negative_before"]
    scored = table["items"] - table["unscored"]
    table["share_negative"] = (table["negative"] / scored).where(scored > 0)
    table = table.reset_index().rename(columns={"index": "group"})
    table["_last"] = (table["group"] == NO_AREA).astype(int) * 2 + (table["items"] == 0).astype(int)
    table = table.sort_values(
        ["_last", "negative", "negative_change", "hostile", "items", "group"],
        ascending=[True, False, False, False, False, True], kind="stable",
    )
    return table.drop(columns="_last").reset_index(drop=True)
