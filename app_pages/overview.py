"""Overview: the period in four numbers, the daily mood, spikes with the threads behind them, and the threads
that need an officer."""

import streamlit as st

from analysis.spikes import baseline_words
from analysis.trends import count_delta, daily_series, few, format_share, points_delta, share
from store import queries, trends
from store.queries import OPEN_STATUSES
from ui.charts import volume_chart
from ui.data import read
from ui.filters import current_filters
from ui.first_run import no_data
from ui.safe_text import escape_markdown
from ui.spikes import period_spikes, spike_method, spike_with_threads
from ui.threads import open_thread, thread_table

SPIKES_SHOWN = 3

st.title("Overview")
filters = current_filters()
st.caption(escape_markdown(filters.describe()))

if read(queries.item_date_range)[1] is None:
    no_data()
    st.stop()

now = read(queries.period_summary, *filters.bounds(), filters.ids)
before = read(queries.period_summary, *filters.previous_bounds(), filters.ids)

classes = read(trends.group_summary, *filters.bounds(), filters.ids, None).iloc[0]
classes_before = read(trends.group_summary, *filters.previous_bounds(), filters.ids, None).iloc[0]


def share_metric(column, label: str, part_now: int, part_before: int, colour: str, help: str) -> None:
    """A share of the scored items against the previous period's; on too few items, the base instead of a change."""
    now_share, before_share = share(part_now, now["scored"]), share(part_before, before["scored"])
    if few(now["scored"]):
        column.metric(label, format_share(now_share), f"of {now['scored']} items", delta_color="off",
                      delta_arrow="off", border=True, help=help)
        return
    delta = None if few(before["scored"]) else points_delta(now_share, before_share)
    column.metric(label, format_share(now_share), delta, delta_color="off" if delta == "0 pts" else colour,
                  delta_arrow="off" if delta == "0 pts" else "auto", border=True, help=help)


volume, negative, constructive, flagged = st.columns(4)
volume.metric(
    "Items", f"{now['items']:,}", count_delta(now["items"], before["items"]), delta_color="off", border=True,
    help="Posts, comments and mentions by the public in the period (the council's own posts are not counted).",
)
share_metric(negative, "Share negative", now["negative"], before["negative"], "inverse",
             "Negative items among the scored ones. Constructive criticism is counted as constructive, not negative.")
share_metric(constructive, "Share constructive", int(classes["constructive"]), int(classes_before["constructive"]),
             "normal", "Constructive feedback (suggestions and reasoned criticism, whatever its tone) among the "
             "scored items.")
flagged.metric(
    "Open flagged threads", f"{now['open_flagged']:,}", count_delta(now["open_flagged"], before["open_flagged"]),
    delta_color="inverse", border=True,
    help="Flagged threads with replies in the period, not yet marked responded or closed.",
)
st.caption(escape_markdown(
    f"Changes are against the previous {filters.period.days} days ({filters.period.previous().label()}). "
    f"Of {now['scored']:,} scored items: {int(classes['constructive']):,} constructive "
    f"(before: {int(classes_before['constructive']):,}) and {now['negative']:,} negative "
    f"(before: {before['negative']:,}); {int(classes['hostile']):,} marked hostile."
))
if few(now["scored"]) or few(before["scored"]):
    st.caption(
        f"Too few scored items to compare shares ({now['scored']} now, {before['scored']} before): under 20, "
        "one item moves a share by several points."
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
        + f": a day far above the usual for a source or service area ({baseline_words()}). "
        "Select a thread to read it."
    )
    spike_method()
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
        open_thread(chosen[0])
