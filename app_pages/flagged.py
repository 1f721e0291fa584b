"""Flagged threads: the officers' queue, most urgent first; a row opens the thread."""

import streamlit as st

import triage_views
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

assignee_col, area_col, age_col = st.columns(3)
assignees = assignee_col.multiselect(
    "Assigned to", ["", *views.read("triage.assignees")], format_func=lambda a: a or "(unassigned)",
    key="queue_assignee", placeholder="Anyone",
)
known_areas = views.read("service_areas")
areas = area_col.multiselect(
    "Service area", known_areas, key="queue_area", disabled=not known_areas,
    placeholder="Any area" if known_areas else "None assigned yet",
)
age = age_col.selectbox("Age", list(triage_views.AGES), key="queue_age")

queue = views.read(
    "flagged_queue", *filters.bounds(), filters.ids, tuple(statuses) or None, text or None, None,
    tuple(assignees) or None, tuple(areas) or None, *triage_views.age_bounds(age),
)
if queue.empty:
    st.info("No flagged threads match: try a longer period, more sources, another status or a shorter search.")
    st.stop()

st.caption(
    f"{len(queue)} flagged thread{'s' if len(queue) != 1 else ''}. "
    "Click a column header to sort; select a row to read the thread. "
    "Our reply: how the public's replies changed after the council's first reply (– where we have not replied)."
)
outcomes = views.reply_outcomes(queue["thread_key"].tolist())
queue = queue.assign(our_reply=[outcomes.get(key, "–") for key in queue["thread_key"]])
chosen = views.thread_table(queue, key="queue")
if chosen:
    views.open_thread(chosen)
triage_views.bulk_actions(queue, key="queue")
