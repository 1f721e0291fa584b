"""Trends: constructive vs negative volume over the period, per source or service area; which need
attention; every spike in the period; the phrases that rose most."""

import streamlit as st

from analysis.spikes import baseline_words
from analysis.trends import share_text
from analysis.volumes import NO_AREA, bucket_for, bucketed, compare_groups, top_groups
from store import queries, trends
from ui.charts import small_multiples, trend_chart
from ui.data import read
from ui.filters import current_filters
from ui.first_run import no_data
from ui.labels import WRAPPED_ROW_PX
from ui.phrases import phrases_section
from ui.safe_text import escape_markdown
from ui.spikes import period_spikes, spike_method, spike_with_threads

SPLITS = {"Service area": "service_area", "Source": "source"}
SMALL_CHARTS = 9  # groups drawn one by one; the rest are summed into one chart

st.title("Trends")
filters = current_filters()
st.caption(escape_markdown(filters.describe()))

if read(queries.item_date_range)[1] is None:
    no_data()
    st.stop()

bounds = filters.bounds()
bucket = bucket_for(filters.period)
per = "day" if bucket == "day" else "week (Monday to Sunday; the first and last may be part-weeks)"

st.subheader("Volume by class")
overall = read(trends.class_volume, *bounds, filters.ids, None)
if overall.empty:
    st.info("Nothing was posted in this period for the selected sources.")
    st.stop()
st.caption(
    f"Public items per {per}. Constructive feedback is counted as constructive whatever its tone; "
    "negative is the rest of the criticism."
)
st.altair_chart(trend_chart(bucketed(overall, filters.period, bucket), bucket), width="stretch")

split_label = st.segmented_control("Split by", list(SPLITS), default="Service area", key="trends_split") or "Service area"
by = SPLITS[split_label]
noun = split_label.lower()

st.subheader(f"By {noun}")
volume = read(trends.class_volume, *bounds, filters.ids, by)
groups = top_groups(volume, SMALL_CHARTS)
groups = [g for g in groups if g != NO_AREA] + [g for g in groups if g == NO_AREA]  # not a service: last
if groups == [NO_AREA]:
    st.info(
        "No item in this period names a council service. The models tag a service area when a text mentions one "
        "(bins, potholes, parking...); the list is in analysis/service_areas.toml.", icon=":material/info:",
    )
else:
    st.caption(
        (f"The {len(groups)} {noun}s with most items" if len(groups) > 1 else f"The one {noun} with items")
        + (", each on the same scale" if len(groups) > 1 else "")
        + (", and everything else together" if volume["group"].nunique(dropna=False) > len(groups) else "")
        + (". Each item counts under the service it names, as in the weekly export." if by == "service_area" else ".")
    )
    small_multiples(bucketed(volume, filters.period, bucket, groups), bucket, split_label)

st.subheader(f"Which {noun}s need attention")
table = compare_groups(
    read(trends.group_summary, *bounds, filters.ids, by),
    read(trends.group_summary, *filters.previous_bounds(), filters.ids, by),
)
st.caption(
    f"Most negative items first, then the biggest rise since the previous {filters.period.days} days "
    f"({escape_markdown(filters.period.previous().label())})."
)
table["share_negative"] = [share_text(n, i - u) for n, i, u in zip(table["negative"], table["items"], table["unscored"])]
st.dataframe(
    table[["group", "items", "negative", "negative_change", "share_negative", "constructive", "hostile",
           "positive", "neutral"]].rename(columns={
        "group": split_label, "items": "Items", "negative": "Negative", "negative_change": "Negative vs before",
        "share_negative": "Share negative", "constructive": "Constructive", "hostile": "Hostile",
        "positive": "Positive", "neutral": "Neutral",
    }),
    hide_index=True, width="stretch", key="trends_table",
    column_config={
        split_label: st.column_config.TextColumn(width=170),
        "Items": st.column_config.NumberColumn(width=55),
        "Negative": st.column_config.NumberColumn(width=70),
        "Negative vs before": st.column_config.NumberColumn(
            "Change", format="%+d", width=65, help="Negative items now minus negative items in the previous period"),
        "Constructive": st.column_config.NumberColumn(width=90),
        "Positive": st.column_config.NumberColumn(width=65),
        "Neutral": st.column_config.NumberColumn(width=60),
        "Share negative": st.column_config.TextColumn(
            width=110, help="Of the scored items; under 20 items the count is shown, as one item moves the share a lot"),
        "Hostile": st.column_config.NumberColumn(width=60, help="Items marked hostile, whatever their class"),
    },
)

st.subheader("Spikes in the period")
spikes = period_spikes(filters)
if spikes.empty:
    st.success("No spikes: no source or service area had a day far above its usual negative or hostile volume.")
else:
    st.caption(
        f"A day whose negative (or hostile) items are far above the usual, {baseline_words()}. "
        "Newest first. Select a spike to see the threads behind it."
    )
    spike_method()
    picked = st.dataframe(
        spikes.assign(by=spikes["by"].map({"source": "Source", "service_area": "Service area"}))[
            ["day", "by", "text"]].rename(columns={"day": "Day", "by": "Per", "text": "What happened"}),
        hide_index=True, width="stretch", key="trends_spikes", on_select="rerun", selection_mode="single-row",
        row_height=WRAPPED_ROW_PX,
        column_config={"Day": st.column_config.DateColumn(format="ddd D MMM YYYY", width=120),
                       "Per": st.column_config.TextColumn(width=95)},
    )
    rows = picked.selection.rows if picked is not None else []
    if rows:
        spike_with_threads(spikes.iloc[rows[0]], filters, key="trends_spike_threads")

st.subheader("What people are talking about")
phrases_section(filters)
