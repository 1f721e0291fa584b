"""The officer's controls the pages share: a thread's triage panel, label corrections, the
thread's audit trail, bulk actions on the queue, and the audit tables.

Reads go through ui.data.read (cached, short read-only connections); every change goes
through ui.identity.act, which runs one store.triage call as the current user: the store
refuses a viewer even if a button were enabled. Public text appears only in
dataframes and plain-text widget options, never as Markdown.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import streamlit as st

from analysis.report import weekly_response_times
from store import triage
from store.queries import TRIAGE_STATUSES
from ui import identity
from ui.data import read
from ui.labels import CLASS_LABELS, STATUS_LABELS
from ui.safe_text import escape_markdown

ACTION_LABELS = {
    "status": "Status", "assign": "Assigned", "note": "Note", "silence": "Silenced", "unsilence": "Unsilenced",
    "correct_label": "Label corrected", "export": "Export", "purge": "Retention purge", "erase": "Erasure",
}
FIELD_LABELS = {"sentiment": "Sentiment", "feedback_class": "Feedback class"}
EXCERPT_CHARS = 70
# Queue age filter: label -> (started at most this many days ago, at least this many days ago)
AGES: dict[str, tuple[int | None, int | None]] = {
    "Any age": (None, None),
    "Started in the last 24 hours": (1, None),
    "Started 1–7 days ago": (7, 1),
    "Started over 7 days ago": (None, 7),
}


def age_bounds(label: str) -> tuple[datetime | None, datetime | None]:
    """(started_after, started_before) for an AGES label, from now to the minute (so reads stay cached)."""
    newest, oldest = AGES[label]
    now = datetime.now(UTC).replace(tzinfo=None, second=0, microsecond=0)
    return (
        now - timedelta(days=newest) if newest is not None else None,
        now - timedelta(days=oldest) if oldest is not None else None,
    )


def _value_label(action: str, value: object) -> str:
    if action == "status":
        return STATUS_LABELS.get(value, str(value))
    if action == "assign":
        return value if isinstance(value, str) and value else "(unassigned)"
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def log_table(log: pd.DataFrame, show_thread: bool = True) -> None:
    """Audit rows as a table: when, who, what, the value and the note; newest first."""
    table = pd.DataFrame({
        "When (UTC)": log["acted_at"],
        "Who": log["actor"],
        "Action": log["action"].map(ACTION_LABELS).fillna(log["action"]),
        "Value": [_value_label(a, v) for a, v in zip(log["action"], log["value"])],
        "Note": log["note"].fillna(""),
    })
    if show_thread:
        table.insert(3, "Thread", log["thread_key"].fillna(""))
        table.insert(4, "Item", log["item_key"].fillna(""))
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={"When (UTC)": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm:ss")},
    )


def _disabled_reason() -> str | None:
    return identity.why_viewer(identity.current_actor(), identity.current_rules())


def thread_panel(thread_key: str, detail: dict) -> None:
    """Status, assignee, note and silencing for one thread, then its audit trail."""
    state = read(triage.thread_status, thread_key) or {"status": "new", "assignee": None, "silenced": False}
    reason = _disabled_reason()
    with st.container(border=True):
        st.markdown("**Triage**")
        identity.show_flash()
        if reason:
            st.caption(escape_markdown(reason))
        _thread_controls(thread_key, state, reason)


def _thread_controls(thread_key: str, state: dict, reason: str | None) -> None:
    if state["silenced"]:
        st.info("Silenced: this thread sends no alerts. It is still counted everywhere.", icon=":material/notifications_off:")
    status_col, assignee_col = st.columns(2)
    status = status_col.selectbox(
        "Status", TRIAGE_STATUSES, index=TRIAGE_STATUSES.index(state["status"]),
        format_func=STATUS_LABELS.get, key=f"triage_status_{thread_key}", disabled=bool(reason),
    )
    assignee = assignee_col.text_input(
        "Assigned to", value=state["assignee"] or "", key=f"triage_assignee_{thread_key}",
        disabled=bool(reason), placeholder="nobody",
    )
    note = st.text_area(
        "Note (what was done)", key=f"triage_note_{thread_key}", disabled=bool(reason), height=80,
        max_chars=triage.MAX_NOTE_CHARS,
    )
    save, silence = st.columns([1, 3])
    if save.button("Save", type="primary", key="triage_save", disabled=bool(reason)):
        changed = _save(thread_key, state, status, assignee, note)
        if changed:
            st.rerun()
    label = "Lift the silence" if state["silenced"] else "Silence alerts"
    if silence.button(label, key="triage_silence", disabled=bool(reason), icon=":material/notifications_off:"):
        if identity.act(triage.set_silenced, thread_key, not state["silenced"],
                      done="Alerts are back on for this thread." if state["silenced"] else "Thread silenced."):
            st.rerun()


def _save(thread_key: str, state: dict, status: str, assignee: str, note: str) -> bool:
    """Apply what changed, each change its own logged action; True if anything was saved."""
    saved = []
    if status != state["status"]:
        if not identity.act(triage.set_status, thread_key, status, note or None, done=""):
            return False
        saved.append(f"status {STATUS_LABELS[status]}")
        note = ""  # the note went with the status change
    if identity.clean_name(assignee) != (state["assignee"] or ""):
        if not identity.act(triage.assign, thread_key, identity.clean_name(assignee) or None, done=""):
            return False
        saved.append("assignment")
    if note.strip():
        if not identity.act(triage.add_note, thread_key, note, done=""):
            return False
        saved.append("note")
    if not saved:
        st.info("Nothing to save: change the status, the assignee or write a note.")
        return False
    st.session_state.pop(f"triage_note_{thread_key}", None)
    identity.flash("Saved: " + ", ".join(saved) + ".")
    return True


def _reply_label(reply) -> str:
    """One plain-text line per reply for a selectbox (options are not Markdown)."""
    author = reply.author_name if isinstance(reply.author_name, str) and reply.author_name else "unknown author"
    text = " ".join(str(reply.text or "").split())
    text = text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
    cls = CLASS_LABELS.get(reply.feedback_class if isinstance(reply.feedback_class, str) else "unscored")
    return f"{author} · {cls} · {text}"


def label_correction(replies: pd.DataFrame) -> None:
    """Correct one reply's sentiment or feedback class; the correction survives every rescoring."""
    reason = _disabled_reason()
    with st.expander("Correct a reply's label", icon=":material/edit:"):
        if replies.empty:
            st.caption("No replies to correct.")
            return
        labels = {r.key: _reply_label(r) for r in replies.itertuples(index=False)}
        key = st.selectbox("Reply", list(labels), format_func=labels.get, key="correct_reply", disabled=bool(reason))
        field_col, value_col = st.columns(2)
        field = field_col.selectbox("Label", list(triage.LABELS), format_func=FIELD_LABELS.get, key="correct_field",
                                    disabled=bool(reason))
        value = value_col.selectbox("Correct value", triage.LABELS[field], format_func=CLASS_LABELS.get,
                                    key="correct_value", disabled=bool(reason))
        if st.button("Save correction", key="correct_save", disabled=bool(reason)):
            if identity.act(triage.correct_label, key, field, value,
                          done=f"{FIELD_LABELS[field]} set to {CLASS_LABELS[value]}; it wins over rescoring."):
                st.rerun()


def thread_log(thread_key: str) -> None:
    log = read(triage.audit_log, thread_key, None, None, None, None, 500)
    st.subheader(f"History ({len(log)})")
    if log.empty:
        st.caption("No officer has acted on this thread yet.")
    else:
        log_table(log, show_thread=False)


def bulk_actions(queue: pd.DataFrame, key: str) -> None:
    """Change the status or assignee of many queue threads at once (one transaction each)."""
    reason = _disabled_reason()
    with st.expander("Change several threads", icon=":material/checklist:"):
        if reason:
            st.caption(escape_markdown(reason))
        labels = dict(zip(queue["thread_key"], queue["post"]))
        chosen = st.multiselect("Threads", list(labels), format_func=labels.get, key=f"{key}_bulk_threads",
                                disabled=bool(reason), placeholder="Choose threads")
        status_col, assignee_col = st.columns(2)
        status = status_col.selectbox("New status", TRIAGE_STATUSES, index=None, format_func=STATUS_LABELS.get,
                                      key=f"{key}_bulk_status", disabled=bool(reason), placeholder="unchanged")
        assignee = assignee_col.text_input("Assign to", key=f"{key}_bulk_assignee", disabled=bool(reason),
                                           placeholder="unchanged")
        if st.button("Apply", key=f"{key}_bulk_apply", disabled=bool(reason)):
            if not chosen:
                st.warning("Choose at least one thread.")
                return
            done = []
            if status and identity.act(triage.set_status, chosen, status, None, done=""):
                done.append(f"status {STATUS_LABELS[status]}")
            if assignee.strip() and identity.act(triage.assign, chosen, identity.clean_name(assignee), done=""):
                done.append(f"assigned to {identity.clean_name(assignee)}")
            if done:
                identity.flash(f"{len(chosen)} threads: " + ", ".join(done) + ".")
                for suffix in ("threads", "status", "assignee"):
                    st.session_state.pop(f"{key}_bulk_{suffix}", None)
                st.rerun()
            elif not status and not assignee.strip():
                st.info("Choose a new status or write an assignee.")


def response_times_table() -> None:
    """Flagged threads per week (London) and how fast officers acknowledged and responded."""
    weekly = weekly_response_times(read(triage.response_times))
    if weekly.empty:
        st.caption("No thread has been flagged yet.")
        return
    st.dataframe(
        weekly.sort_values("week", ascending=False).rename(columns={
            "week": "Week flagged", "flagged": "Flagged", "acknowledged": "Acknowledged",
            "median_hours_to_acknowledge": "Median hours to acknowledge", "responded": "Responded",
            "median_hours_to_respond": "Median hours to respond",
        }),
        hide_index=True, width="stretch",
    )
