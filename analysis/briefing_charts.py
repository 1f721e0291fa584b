"""The briefing's two charts, in the dashboard's colours (analysis.palette): the week's public items per
day by class, and per channel by class. Drawn with Altair and rendered to SVG (the HTML file and the PDF)
or PNG (email, where many clients show no SVG) by vl-convert, with no network: the data is inline."""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert

from analysis.palette import CLASS_COLOURS, CLASS_LABELS

FONT = "Liberation Sans, Arial, DejaVu Sans, sans-serif"
WIDTH = 300


def _colour(classes: list[str]) -> alt.Color:
    return alt.Color(
        "class:N", title=None, sort=[CLASS_LABELS[c] for c in classes],
        scale=alt.Scale(domain=[CLASS_LABELS[c] for c in classes], range=[CLASS_COLOURS[c] for c in classes]),
        legend=alt.Legend(orient="bottom", direction="horizontal", labelFontSize=10, symbolSize=80),
    )


def _labelled(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    order = [c for c in CLASS_LABELS if c in set(frame["feedback_class"])]
    return frame.assign(
        **{"class": frame["feedback_class"].map(CLASS_LABELS), "stack": frame["feedback_class"].map(order.index)}
    ), order


def daily_chart(daily: pd.DataFrame) -> alt.Chart:
    """Stacked bars: public items per day of the week by class (analysis.briefing.daily_classes)."""
    frame, order = _labelled(daily)
    frame["weekday"] = pd.to_datetime(frame["day"]).dt.strftime("%a %-d")
    frame = frame.drop(columns="day")  # dates are not JSON: the chart reads the weekday labels
    days = list(dict.fromkeys(frame["weekday"]))
    return alt.Chart(frame, title="Public items per day").mark_bar().encode(
        x=alt.X("weekday:N", title=None, sort=days, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(items):Q", title=None, axis=alt.Axis(tickMinStep=1, format="d")),
        color=_colour(order), order=alt.Order("stack:Q"),
    ).properties(width=WIDTH, height=170)


def channel_chart(channel_classes: pd.DataFrame) -> alt.Chart:
    """Horizontal stacked bars: the week's public items per channel by class."""
    frame, order = _labelled(channel_classes)
    channels = frame.groupby("source")["items"].sum().sort_values(ascending=False).index.tolist()
    return alt.Chart(frame, title="Public items per channel").mark_bar().encode(
        y=alt.Y("source:N", title=None, sort=channels, axis=alt.Axis(labelLimit=150, labelFontSize=11)),
        x=alt.X("sum(items):Q", title=None, axis=alt.Axis(tickMinStep=1, format="d")),
        color=_colour(order), order=alt.Order("stack:Q"),
    ).properties(width=WIDTH - 130, height=max(90, 26 * len(channels)))


def _spec(chart: alt.Chart) -> dict:
    return chart.configure(font=FONT).configure_view(stroke=None).configure_title(
        fontSize=13, anchor="start", fontWeight="bold").to_dict()


def to_svg(chart: alt.Chart) -> str:
    return vl_convert.vegalite_to_svg(_spec(chart), allowed_base_urls=[])


def to_png(chart: alt.Chart, scale: float = 2.0) -> bytes:
    return vl_convert.vegalite_to_png(_spec(chart), scale=scale, allowed_base_urls=[])
