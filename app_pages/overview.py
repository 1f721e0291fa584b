"""Overview: the period in four numbers, the daily mood, spikes with the threads behind them, and the threads
that need an officer."""

import streamlit as st

from analysis.trends import count_delta, daily_series, format_share, points_delta, share
from store import queries, trends
from store.queries import OPEN_STATUSES
from ui.charts import volume_chart
from ui.data import read
from ui.filters import current_filters
from ui.labels import NO_DATA
from ui.safe_text import escape_markdown
from ui.spikes import period_spikes, spike_with_threads
from ui.threads import open_thread, thread_table

SPIKES_SHOWN = 3

st.title("Overview")
filters = current_filters()
st.caption(escape_markdown(filters.describe()))

if read(queries.item_date_range)[1] is None:
    st.info(NO_DATA)
    st.stop()

now = read(queries.period_summary, *filters.bounds(), filters.ids)
before = read(queries.period_summary, *filters.previous_bounds(), filters.ids)
compared = f"vs the previous {filters.period.days} days"

classes = read(trends.group_summary, *filters.bounds(), filters.ids, None).iloc[0]
classes_before = read(trends.group_summary, *filters.previous_bounds(), filters.ids, None).iloc[0]

volume, negative, constructive, flagged = st.columns(4)
volume.metric(
    "Items", f"{now['items']:,}", count_delta(now["items"], before["items"]), delta_color="off",
    delta_description=compared, border=True,
    help="Posts, comments and mentions by the public in the period (the council's own posts are not counted).",
)
now_share = share(now["negative"], now["scored"])
before_share = share(before["negative"], before["scored"])
negative.metric(
    "Share negative", format_share(now_share), points_delta(now_share, before_share), delta_color="inverse",
    delta_description=compared, border=True,
    help="Negative items among the scored ones. Constructive criticism is counted as constructive, not negative.",
)
now_constructive = share(int(classes["constructive"]), now["scored"])
before_constructive = share(int(classes_before["constructive"]), before["scored"])
constructive_delta = points_delta(now_constructive, before_constructive)
constructive.metric(
    "Share constructive", format_share(now_constructive), constructive_delta,
    delta_color="off" if constructive_delta == "0 pts" else "normal",
    delta_arrow="off" if constructive_delta == "0 pts" else "auto",
    delta_description=compared, border=True,
    help="Constructive feedback (suggestions and reasoned criticism, whatever its tone) among the scored items.",
)
flagged.metric(
    "Open flagged threads", f"{now['open_flagged']:,}", count_delta(now["open_flagged"], before["open_flagged"]),
    delta_color="inverse", delta_description=compared, border=True,
    help="Flagged threads with replies in the period, not yet marked responded or closed.",
)
st.caption(
    f"Of {now['scored']:,} scored items: {int(classes['constructive']):,} constructive "
    f"(before: {int(classes_before['constructive']):,}) and {now['negative']:,} negative "
    f"(before: {before['negative']:,}); {int(classes['hostile']):,} marked hostile."
)

st.subheader("Daily volume by class")
if now["items"] == 0:
    st.info("Nothing was posted in this period for the selected sources.")
else:
    series = daily_series(read(queries.daily_counts, *filters.bounds(), filters.ids), filters.period)
    st.altair_chart(volume_chart(series), width="stretch")

st.subheader("Spikes")
spikes = period_spikes(filters)
if spikes.empty:
    st.success(
        "No spikes in this period: no source or service area had a day far above its usual negative or hostile volume."
    )
else:
    shown = spikes.head(SPIKES_SHOWN)
    st.caption(
        f"{len(spikes):,} {'spike' if len(spikes) == 1 else 'spikes'} in this period"
        + (f", the {SPIKES_SHOWN} most recent shown (the Trends page lists them all)" if len(spikes) > SPIKES_SHOWN else "")
        + ": a day far above the usual for a source or service area. Select a thread to read it."
    )
    for n, alert in enumerate(shown.itertuples(index=False)):
        spike_with_threads(alert, filters, key=f"overview_spike_{n}")

st.subheader("Most urgent flagged threads")
urgent = read(queries.flagged_queue, *filters.bounds(), source_ids=filters.ids, statuses=OPEN_STATUSES, limit=5)
if urgent.empty:
    st.success("No open flagged threads in this period.")
else:
    st.caption("The five open threads with the highest pile-on score. Select a row to read the thread.")
    chosen = thread_table(urgent, key="overview_urgent", show_status=False)
    if chosen:
        open_thread(chosen)
