"""One thread: the post, why it was flagged (score by component), whether our reply helped, and every
reply in its tree. Linkable as ?thread=KEY."""

import streamlit as st

from analysis.trends import reply_tree as replies_in_reading_order
from store import queries
from ui.data import read
from ui.filters import current_filters
from ui.first_run import no_data
from ui.identity import current_actor
from ui.safe_text import escape_markdown
from ui.threads import choice_labels, reply_effect_panel, reply_tree, score_breakdown, thread_header
from ui.triage import LABEL_HELP, reply_label_control, thread_log, thread_panel

st.title("Thread")
thread_key = st.query_params.get("thread")

if not thread_key:
    filters = current_filters()
    choices = read(queries.thread_choices, *filters.bounds(), filters.ids)
    if choices.empty:
        if read(queries.item_date_range)[1] is None:
            no_data()
        else:
            st.info("No threads with replies in this period for the selected sources.")
        st.stop()
    st.caption(escape_markdown(filters.describe()))
    labels = dict(zip(choices["thread_key"], choice_labels(choices)))
    picked = st.selectbox(
        "Choose a thread (flagged ones first)", list(labels), index=None, format_func=labels.get,
        placeholder=f"{len(labels)} threads with replies in this period", width=760,
    )
    if picked is None:
        st.caption("⚑ marks a flagged thread. The Flagged threads page lists them with the reasons.")
        st.stop()
    st.query_params["thread"] = picked
    thread_key = picked

detail = read(queries.thread_detail, thread_key)
if detail is None:
    st.warning("There is no thread with this key in the database. The link may be old, or the thread was deleted.")
    st.text(f"Key: {thread_key}")
    st.page_link("app_pages/flagged.py", label="Back to flagged threads", icon=":material/arrow_back:")
    st.stop()

thread_header(detail)
score_breakdown(thread_key)
thread_panel(thread_key, detail)
replies = read(queries.thread_replies, thread_key)
reply_effect_panel(replies)
st.subheader(f"Replies ({len(replies)})")
if replies.empty:
    st.info("No replies to this post are stored.")
else:
    hostile = int(replies["hostile"].sum())
    show_hostile = hostile == 0 or st.toggle(
        f"Show the {hostile} repl{'y' if hostile == 1 else 'ies'} marked hostile", key="show_hostile",
        help="Hostile replies are collapsed so nobody reads abuse by accident.",
    )
    officer = current_actor().is_officer
    if officer:
        st.caption(LABEL_HELP)
    reply_tree(replies_in_reading_order(replies, thread_key), show_hostile=show_hostile,
               label_control=reply_label_control if officer else None)
thread_log(thread_key)
