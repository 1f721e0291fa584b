"""Flagged threads: the officers' queue, most urgent first; a row opens the thread."""

import streamlit as st

import views
from store.queries import OPEN_STATUSES, TRIAGE_STATUSES

st.title("Flagged threads")
filters = views.current_filters()
st.caption(views.escape_markdown(filters.describe()))

if views.read("item_date_range")[1] is None:
    st.info(views.NO_DATA)
    st.stop()

search, status = st.columns([2, 3])
text = search.text_input("Search posts and reasons", key="queue_search", placeholder="e.g. bins")
statuses = status.multiselect(
    "Status", TRIAGE_STATUSES, default=list(OPEN_STATUSES),
    format_func=views.STATUS_LABELS.get, key="queue_status", placeholder="Any status",
)

queue = views.read("flagged_queue", *filters.bounds(), filters.ids, tuple(statuses) or None, text or None)
if queue.empty:
    st.info("No flagged threads match: try a longer period, more sources, another status or a shorter search.")
    st.stop()

st.caption(
    f"{len(queue)} flagged thread{'s' if len(queue) != 1 else ''}. "
    "Click a column header to sort; select a row to read the thread."
)
chosen = views.thread_table(queue, key="queue")
if chosen:
    views.open_thread(chosen)
