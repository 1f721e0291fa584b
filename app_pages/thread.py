"""One thread: the post, why it was flagged (score by component), whether our reply helped, and every
reply in its tree. Linkable as ?thread=KEY."""

import streamlit as st

import triage_views
import views
from analysis.trends import reply_tree

st.title("Thread")
thread_key = st.query_params.get("thread")

if not thread_key:
    filters = views.current_filters()
    choices = views.read("thread_choices", *filters.bounds(), filters.ids)
    if choices.empty:
        st.info(
            "No threads with replies in this period for the selected sources."
            if views.read("item_date_range")[1] is not None else views.NO_DATA
        )
        st.stop()
    st.caption(views.escape_markdown(filters.describe()))
    labels = dict(zip(choices["thread_key"], views.choice_labels(choices)))
    picked = st.selectbox(
        "Choose a thread (flagged ones first)", list(labels), index=None, format_func=labels.get,
        placeholder=f"{len(labels)} threads with replies in this period", width=760,
    )
    if picked is None:
        st.caption("⚑ marks a flagged thread. The Flagged threads page lists them with the reasons.")
        st.stop()
    st.query_params["thread"] = picked
    thread_key = picked

detail = views.read("thread_detail", thread_key)
if detail is None:
    st.warning("There is no thread with this key in the database. The link may be old, or the thread was deleted.")
    st.text(f"Key: {thread_key}")
    st.page_link("app_pages/flagged.py", label="Back to flagged threads", icon=":material/arrow_back:")
    st.stop()

views.thread_header(detail)
views.score_breakdown(thread_key)
triage_views.thread_panel(thread_key, detail)
replies = views.read("thread_replies", thread_key)
views.reply_effect_panel(replies)
st.subheader(f"Replies ({len(replies)})")
if replies.empty:
    st.info("No replies to this post are stored.")
else:
    hostile = int(replies["hostile"].sum())
    show_hostile = hostile == 0 or st.toggle(
        f"Show the {hostile} repl{'y' if hostile == 1 else 'ies'} marked hostile", key="show_hostile",
        help="Hostile replies are collapsed so nobody reads abuse by accident.",
    )
    views.reply_tree(reply_tree(replies, thread_key), show_hostile=show_hostile)
triage_views.label_correction(replies)
triage_views.thread_log(thread_key)
