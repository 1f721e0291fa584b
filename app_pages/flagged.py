"""Flagged threads: the officers' queue, most urgent first; a row opens the thread."""

import streamlit as st

from store import queries, triage
from store.queries import OPEN_STATUSES, TRIAGE_STATUSES
from ui.data import read
from ui.downloads import table_download
from ui.filters import current_filters
from ui.first_run import no_data
from ui.labels import STATUS_LABELS, UK_TIME
from ui.safe_text import escape_markdown
from ui.threads import open_thread, reply_outcomes, thread_table
from ui.triage import AGES, age_bounds, selection_actions

# The queue as a file: every column of the table, and the ones it leaves to the thread's page.
QUEUE_FILE = {"post": "Post", "source": "Source", "reason": "Why flagged", "pileon_score": "Pile-on score",
              "reply_count": "Replies", "last_reply_at": f"Last reply ({UK_TIME})", "status": "Status", "assignee": "Assigned to",
              "our_reply": "Our reply", "thread_key": "Thread key"}

st.title("Flagged threads")
filters = current_filters()
st.caption(escape_markdown(filters.describe()))

if read(queries.item_date_range)[1] is None:
    no_data()
    st.stop()

search, status = st.columns([2, 3])
text = search.text_input("Search posts, replies and reasons", key="queue_search", placeholder="e.g. bins")
statuses = status.multiselect(
    "Status", TRIAGE_STATUSES, default=list(OPEN_STATUSES),
    format_func=STATUS_LABELS.get, key="queue_status", placeholder="Any status",
)

assignee_col, area_col, age_col = st.columns(3)
assignees = assignee_col.multiselect(
    "Assigned to", ["", *read(triage.assignees)], format_func=lambda a: a or "(unassigned)",
    key="queue_assignee", placeholder="Anyone",
)
known_areas = read(queries.service_areas)
areas = area_col.multiselect(
    "Service area", known_areas, key="queue_area", disabled=not known_areas,
    placeholder="Any area" if known_areas else "None assigned yet",
)
age = age_col.selectbox("Age", list(AGES), key="queue_age")

started_after, started_before = age_bounds(age)
queue = read(
    queries.flagged_queue, *filters.bounds(), source_ids=filters.ids, statuses=tuple(statuses) or None,
    text=text or None, assignees=tuple(assignees) or None, service_areas=tuple(areas) or None,
    started_after=started_after, started_before=started_before,
)
if queue.empty:
    st.info("No flagged threads match: try a longer period, more sources, another status or a shorter search.")
    st.stop()

st.caption(
    f"{len(queue)} flagged thread{'s' if len(queue) != 1 else ''}. "
    "Click a column header to sort. "
    "Our reply: how the public's replies changed after the council's first reply (– where we have not replied)."
)
outcomes = reply_outcomes(queue["thread_key"].tolist())
queue = queue.assign(our_reply=[outcomes.get(key, "–") for key in queue["thread_key"]])
chosen = thread_table(queue, key="queue", several=True)
opened = selection_actions(chosen, key="queue")
if opened:
    open_thread(opened)
table_download(queue, QUEUE_FILE, "council-pulse-flagged-threads.csv", "flagged threads", key="queue_download")
