"""Charts of feedback classes, all in the same colours and words (ui.labels)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from ui.labels import CLASS_COLOURS, CLASS_LABELS
from ui.safe_text import cut, escape_markdown

GROUP_CHARS = 40  # a group's name above its small chart; the whole name is its tooltip

# Counts are whole items: ticks only at whole numbers, never "0.5 items".
COUNT_AXIS = {"tickMinStep": 1, "format": ",d"}


def volume_chart(series: pd.DataFrame) -> alt.Chart:
    """Stacked daily bars by feedback class; series from analysis.trends.daily_series."""
    frame = series.copy()
    order = [c for c in frame["feedback_class"].cat.categories]
    frame["class"] = frame["feedback_class"].astype(str).map(CLASS_LABELS).fillna(frame["feedback_class"].astype(str))
    frame["stack"] = frame["feedback_class"].cat.codes
    domain = [CLASS_LABELS.get(c, c) for c in order]
    colours = [CLASS_COLOURS.get(c, "#bbbbbb") for c in order]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(day):T", title=None, axis=alt.Axis(format="%d %b", labelAngle=0)),
            y=alt.Y("sum(items):Q", title="Items per day", stack="zero", axis=alt.Axis(**COUNT_AXIS)),
            color=alt.Color(
                "class:N",
                scale=alt.Scale(domain=domain, range=colours),
                legend=alt.Legend(title=None, orient="top"),
            ),
            order=alt.Order("stack:Q", sort="ascending"),
            tooltip=[
                alt.Tooltip("yearmonthdate(day):T", title="Day", format="%a %d %b %Y"),
                alt.Tooltip("class:N", title="Class"),
                alt.Tooltip("sum(items):Q", title="Items"),
            ],
        )
        .properties(height=320)
    )


BUCKET_WORDS = {"day": ("Items per day", "%d %b", "%a %d %b %Y"), "week": ("Items per week", "%d %b", "week of %a %d %b %Y")}


def _class_encoding(frame: pd.DataFrame) -> tuple[pd.DataFrame, alt.Color, alt.Order]:
    """The feedback class as volume_chart colours and stacks it (labels, colours, order)."""
    order = list(frame["feedback_class"].cat.categories)
    frame = frame.assign(
        cls=frame["feedback_class"].astype(str).map(CLASS_LABELS).fillna(frame["feedback_class"].astype(str)),
        stack=frame["feedback_class"].cat.codes,
        week=pd.to_datetime(frame["bucket"]).dt.strftime("%d %b"),
    )
    colour = alt.Color(
        "cls:N", title=None,
        scale=alt.Scale(domain=[CLASS_LABELS.get(c, c) for c in order],
                        range=[CLASS_COLOURS.get(c, "#bbbbbb") for c in order]),
        legend=alt.Legend(title=None, orient="top"),
    )
    return frame, colour, alt.Order("stack:Q", sort="ascending")


def _bucket_axis(frame: pd.DataFrame, bucket: str, axis_format: str, ticks: int | None = None) -> alt.X:
    """Days on a time axis; weeks as one band each (labelled by their Monday), so a week's bar is wide."""
    if bucket == "day":
        return alt.X("yearmonthdate(bucket):T", title=None,
                     axis=alt.Axis(format=axis_format, labelAngle=0, tickCount=ticks or alt.Undefined))
    order = [f"{day:%d %b}" for day in sorted(frame["bucket"].unique())]
    return alt.X("week:O", title=None, sort=order,
                 axis=alt.Axis(labelAngle=0, labelOverlap="greedy", values=order[::max(1, len(order) // (ticks or 7))]
                               if ticks else alt.Undefined))


def trend_chart(series: pd.DataFrame, bucket: str, height: int = 300) -> alt.Chart:
    """Stacked bars per day or week by feedback class; series from analysis.volumes.bucketed."""
    title, axis_format, tip_format = BUCKET_WORDS[bucket]
    frame, colour, order = _class_encoding(series)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=_bucket_axis(frame, bucket, axis_format),
            y=alt.Y("sum(items):Q", title=title, stack="zero", axis=alt.Axis(**COUNT_AXIS)),
            color=colour,
            order=order,
            tooltip=[
                alt.Tooltip("yearmonthdate(bucket):T", title="When", format=tip_format),
                alt.Tooltip("cls:N", title="Class"),
                alt.Tooltip("sum(items):Q", title="Items"),
            ],
        )
        .properties(height=height)
    )


def group_chart(frame: pd.DataFrame, bucket: str, group_title: str, top: float) -> alt.Chart:
    """One group's small stacked-bar chart (frame from _class_encoding), on a count scale from 0 to `top`."""
    _, axis_format, tip_format = BUCKET_WORDS[bucket]
    frame, colour, order = _class_encoding(frame)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=_bucket_axis(frame, bucket, axis_format, ticks=4),
            y=alt.Y("sum(items):Q", title=None, stack="zero", scale=alt.Scale(domain=[0, top]),
                    axis=alt.Axis(**COUNT_AXIS)),
            color=colour.legend(None),
            order=order,
            tooltip=[
                alt.Tooltip("group:N", title=group_title),
                alt.Tooltip("yearmonthdate(bucket):T", title="When", format=tip_format),
                alt.Tooltip("cls:N", title="Class"),
                alt.Tooltip("sum(items):Q", title="Items"),
            ],
        )
        .properties(height=140)
    )


def small_multiples(series: pd.DataFrame, bucket: str, group_title: str, columns: int = 3) -> None:
    """One small chart per group (series from analysis.volumes.bucketed with groups), `columns` to a row,
    each as wide as its column and all on the same scale, so groups compare at a glance and none is cut off."""
    groups = list(dict.fromkeys(series["group"]))
    top = max(float(series.groupby(["group", "bucket"], observed=True)["items"].sum().max()), 1.0)
    for first in range(0, len(groups), columns):
        for column, group in zip(st.columns(columns), groups[first:first + columns]):
            column.markdown(f"**{escape_markdown(cut(group, GROUP_CHARS))}**", help=escape_markdown(group)
                            if len(group) > GROUP_CHARS else None)
            chart = group_chart(series[series["group"] == group], bucket, group_title, top)
            column.altair_chart(chart, width="stretch")
