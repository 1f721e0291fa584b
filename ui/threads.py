"""A thread on screen: the queue's table, the root post and why it is flagged, the score by part,
"did our reply help", and the reply tree. Public text only through st.text, dataframes or escape_markdown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from analysis.reply_effect import OUTCOME_LABELS, reply_effect, reply_effects
from analysis.threads import gate_words, score_parts, summarise_thread
from store import threads
from ui.data import read
from ui.labels import (
    CLASS_LABELS,
    CLASS_TEXT_COLOURS,
    STATUS_LABELS,
    UK_TIME,
    WRAPPED_ROW_PX,
    share_words,
    signed,
    uk_times,
    when,
)
from ui.safe_text import cut, escape_markdown, safe_url

MAX_INDENT = 6  # reply depth beyond this is drawn at this indent
MAX_REPLIES_SHOWN = 500
# The queue's columns, in pixels: with the row-selection column they fit the 818-pixel main column of a
# 1280-pixel screen; a wider screen shares out what is left.
QUEUE_WIDTHS = {"Post": 170, "Why flagged": 255, "Score": 52, "Status": 100, "Assigned to": 95, "Our reply": 95}
TITLE_CHARS = 200  # a heading longer than this is cut; the whole text is one click away
NAME_CHARS = 80  # platform display names are shorter; a longer one is cut


def whole_if_cut(label: str, text: object, limit: int) -> None:
    """When `text` is longer than cut() shows, an expander holding the whole of it as plain text."""
    if isinstance(text, str) and len(" ".join(text.split())) > limit:
        with st.expander(f"{label} ({len(text):,} characters)"):
            st.text(text)


def thread_table(queue: pd.DataFrame, key: str, show_status: bool = True, several: bool = False) -> list[str]:
    """Flagged threads as a sortable table; returns the thread keys of the rows the user selected
    (at most one unless `several`).

    The columns fit beside the sidebar from a 1280-pixel screen up, without sideways scrolling: the
    post, why it is flagged, the score, and (the queue) status, assignee and whether our reply helped.
    The rest (source, replies, times) is on the thread's page and in each cell's tooltip.
    """
    table = pd.DataFrame({"Post": queue["post"], "Why flagged": queue["reason"], "Score": queue["pileon_score"]})
    if show_status:
        table["Status"] = queue["status"].map(STATUS_LABELS).fillna(queue["status"])
        table["Assigned to"] = queue["assignee"].fillna("")
    else:
        table["Source"] = queue["source"]
        table[f"Last reply ({UK_TIME})"] = uk_times(queue["last_reply_at"])
    if "our_reply" in queue:  # the Flagged queue's "did our reply help" (reply_outcomes)
        table["Our reply"] = queue["our_reply"]
    event = st.dataframe(
        table,
        key=key,
        on_select="rerun",
        selection_mode="multi-row" if several else "single-row",
        hide_index=True,
        width="stretch",
        row_height=WRAPPED_ROW_PX,
        column_config={
            "Post": st.column_config.TextColumn(width=QUEUE_WIDTHS["Post"],
                                                help="The post's title, or the start of its text"),
            "Why flagged": st.column_config.TextColumn(width=QUEUE_WIDTHS["Why flagged"]),
            "Score": st.column_config.NumberColumn(
                format="%.0f", width=QUEUE_WIDTHS["Score"],
                help="Pile-on score, 0-100: negative and hostile replies, from many people, fast, copied, aimed at "
                     "the council rank higher",
            ),
            "Status": st.column_config.TextColumn(width=QUEUE_WIDTHS["Status"]),
            "Assigned to": st.column_config.TextColumn(width=QUEUE_WIDTHS["Assigned to"]),
            "Source": st.column_config.TextColumn(width=120),
            f"Last reply ({UK_TIME})": st.column_config.DatetimeColumn(format="D MMM, HH:mm", width=100),
            "Our reply": st.column_config.TextColumn(
                width=QUEUE_WIDTHS["Our reply"], help="Did our reply help: the public's replies before and after the council's first reply",
            ),
        },
    )
    rows = event.selection.rows if event is not None else []
    return [str(queue["thread_key"].iloc[row]) for row in rows]


def open_thread(thread_key: str) -> None:
    st.switch_page("app_pages/thread.py", query_params={"thread": thread_key})


def class_caption(feedback_class: object, compound: object) -> str:
    """Our own Markdown for a class label with its colour and compound score."""
    name = feedback_class if isinstance(feedback_class, str) else "unscored"
    label = CLASS_LABELS.get(name, name)
    colour = CLASS_TEXT_COLOURS.get(name, "gray")
    score = "" if compound is None or pd.isna(compound) else f" {escape_markdown(f'{float(compound):+.2f}')}"
    return f":{colour}[**{escape_markdown(label)}**{score}]"


def reply_tree(tree: pd.DataFrame, limit: int | None = None, show_hostile: bool = True,
               label_control: Callable[[Any], None] | None = None) -> None:
    """Replies in reading order (analysis.trends.reply_tree), each indented by its depth.

    At most `limit` are drawn, so a viral thread cannot stall the page; the weekly
    export has every one. Unless `show_hostile`, a reply marked hostile is drawn
    collapsed: a line saying so, without its author or text (staff exposure).
    `label_control(reply)`, when given, draws the reply's label beside its byline
    (an officer's control to correct it) in place of the label in the byline.
    """
    limit = limit or MAX_REPLIES_SHOWN
    for reply in tree.head(limit).itertuples(index=False):
        indent = min(int(reply.depth) - 1, MAX_INDENT)
        if indent:
            _, column = st.columns([indent, 24 - indent])
        else:
            column = st.container()
        with column.container(border=True):
            if not show_hostile and getattr(reply, "hostile", False):
                st.caption(f"Hostile reply hidden · {escape_markdown(when(reply.created_at))}")
                continue
            name = reply.author_name if isinstance(reply.author_name, str) and reply.author_name else "unknown author"
            council = " · :blue-badge[council]" if reply.is_council else ""
            byline = f"**{escape_markdown(cut(name, NAME_CHARS))}**{council} · {escape_markdown(when(reply.created_at))}"
            if label_control is None:
                st.caption(f"{byline} · {class_caption(reply.feedback_class, reply.compound)}")
            else:
                with st.container(horizontal=True, vertical_alignment="center", gap="small"):
                    st.caption(byline, width="content")
                    label_control(reply)
            whole_if_cut("The whole name", name, NAME_CHARS)
            st.text(reply.text or "(no text)")
    if len(tree) > limit:
        st.info(
            f"Showing the first {limit:,} of {len(tree):,} replies. "
            "The weekly export holds every reply of the week."
        )


def choice_labels(choices: pd.DataFrame) -> list[str]:
    """One line per thread for a selectbox (options there are plain text, not Markdown)."""
    return [
        f"{'⚑ ' if flagged else ''}{post} — {source} ({replies} replies)"
        for post, source, flagged, replies in zip(
            choices["post"], choices["source"], choices["flagged"], choices["reply_count"]
        )
    ]


def thread_header(detail: dict) -> None:
    """The root post, where it came from, and why the thread is (or is not) flagged."""
    if not detail["root_stored"]:
        st.subheader("Original post not collected")
        st.caption(escape_markdown(f"{cut(detail['source'], NAME_CHARS)} · replies are shown below"))
    else:
        title = detail["title"] or f"Post by {detail['author_name'] or 'unknown author'}"
        st.subheader(escape_markdown(cut(title, TITLE_CHARS)))
        whole_if_cut("The whole title", title, TITLE_CHARS)
        byline = [cut(detail["source"], NAME_CHARS), cut(detail["author_name"], NAME_CHARS), when(detail["created_at"])]
        council = " · :blue-badge[council]" if detail["is_council"] else ""
        st.caption(" · ".join(escape_markdown(part) for part in byline if part) + council)
        whole_if_cut("The whole name", detail["author_name"], NAME_CHARS)
        if detail["text"] and detail["text"] != detail["title"]:
            with st.container(border=True):
                st.text(detail["text"])
        url = safe_url(detail["url"])
        if url:
            st.link_button("Open the original", url, icon=":material/open_in_new:")

    if detail["flagged"]:
        st.error(f"**Flagged:** {escape_markdown(detail['flag_reasons'])}", icon=":material/flag:")
    else:
        st.info("Not flagged: the replies do not meet the pile-on rules.", icon=":material/check:")
    replies, negative, people, score, status = st.columns(5)
    replies.metric("Public replies", f"{detail['reply_count']:,}")
    negative.metric("Negative", f"{detail['negative_count']:,}")
    people.metric("People replying", f"{detail['author_count']:,}")
    pileon = detail["pileon_score"]
    score.metric("Pile-on score", "–" if pileon is None or pd.isna(pileon) else f"{pileon:.0f} / 100")
    status.metric("Status", STATUS_LABELS.get(detail["status"], str(detail["status"])))


def score_breakdown(thread_key: str) -> None:
    """Why the thread scores what it scores: each component's measure and points, and the gates."""
    replies, council_root = read(threads.score_inputs, thread_key)
    summary = summarise_thread(replies, council_root=council_root)
    if not summary or not summary["reply_count"]:
        return
    with st.expander(f"Why this score: {summary['pileon_score']:.0f} / 100, component by component"):
        # A static table: a grid (st.dataframe) would stay undrawn inside a closed expander.
        parts = score_parts(summary)
        st.table(parts.assign(Weight=parts["Weight"].map("{:.2f}".format), Points=parts["Points"].map("{:.1f}".format)),
                 hide_index=True)
        st.caption(escape_markdown(gate_words(summary)))


def reply_effect_panel(replies: pd.DataFrame) -> None:
    """Did our reply help: the public's replies before and after the council's first reply, and a verdict.

    `replies` as store.queries.thread_replies reads them. Nothing is drawn when the
    council has not replied in the thread.
    """
    effect = reply_effect(replies)
    if effect is None:
        return
    with st.container(border=True):
        st.markdown(f"**Did our reply help?** Our first reply: {escape_markdown(when(effect.council_replied_at))}")
        sides = [("Before our reply", effect.before), ("After our reply", effect.after)]
        st.dataframe(
            pd.DataFrame({
                "": [name for name, _ in sides],
                "Public replies": [side.replies for _, side in sides],
                "Negative": [share_words(side.negative_share) for _, side in sides],
                "Hostile": [share_words(side.hostile_share) for _, side in sides],
                "Average tone": [signed(side.mean_compound) for _, side in sides],
            }),
            hide_index=True,
            column_config={
                "": st.column_config.TextColumn(width=130),
                "Public replies": st.column_config.NumberColumn(format="%d", width=110),
                "Negative": st.column_config.TextColumn(width=90),
                "Hostile": st.column_config.TextColumn(width=90),
                "Average tone": st.column_config.TextColumn(
                    width=100, help="The replies' average tone, from -1 (most negative) to +1 (most positive)",
                ),
            },
        )
        verdict = escape_markdown(effect.verdict)
        if effect.outcome == "better":
            st.success(verdict, icon=":material/trending_down:")
        elif effect.outcome == "worse":
            st.warning(verdict, icon=":material/trending_up:")
        else:
            st.caption(verdict)


def reply_outcomes(thread_keys: list[str]) -> dict[str, str]:
    """Thread key -> a short "did our reply help" label, for threads where the council replied."""
    if not thread_keys:
        return {}
    effects = reply_effects(read(threads.effect_replies, tuple(thread_keys)))
    return dict(zip(effects["thread_key"], effects["outcome"].map(OUTCOME_LABELS)))
