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
from ui.labels import CLASS_LABELS, CLASS_TEXT_COLOURS, STATUS_LABELS, UK_TIME, WRAPPED_ROW_PX, uk_times
from ui.safe_text import escape_markdown

ACTION_LABELS = {
    "status": "Status", "assign": "Assigned", "note": "Note", "silence": "Silenced", "unsilence": "Unsilenced",
    "correct_label": "Label corrected", "export": "Export", "purge": "Retention purge", "erase": "Erasure",
}
FIELD_LABELS = {"sentiment": "Sentiment", "feedback_class": "Feedback class"}
# The same two labels as the audit log says them to people who never saw the store's columns.
FIELD_WORDS = {"sentiment": "Tone", "feedback_class": "Class"}
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
    if action == "correct_label" and isinstance(value, str):  # "feedback_class=negative, sentiment=negative"
        pairs = [part.strip().partition("=") for part in value.split(",")]
        return "; ".join(f"{FIELD_WORDS.get(f, f)}: {CLASS_LABELS.get(v, v)}" for f, _, v in pairs)
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def log_table(log: pd.DataFrame, show_thread: bool = True) -> None:
    """Audit rows as a table: when, who, what, the value and the note; newest first."""
    table = pd.DataFrame({
        f"When ({UK_TIME})": uk_times(log["acted_at"]),
        "Who": log["actor"],
        "Action": log["action"].map(ACTION_LABELS).fillna(log["action"]),
        "Value": [_value_label(a, v) for a, v in zip(log["action"], log["value"])],
        "Note": log["note"].fillna(""),
    })
    if show_thread:
        table.insert(3, "Thread", log["thread_key"].fillna(""))
        table.insert(4, "Item", log["item_key"].fillna(""))
    st.dataframe(
        table, hide_index=True, width="stretch", row_height=WRAPPED_ROW_PX,
        # Fits the main column from a 1280-pixel screen; a long value or note wraps.
        column_config={f"When ({UK_TIME})": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm:ss", width=150),
                       "Who": st.column_config.TextColumn(width=110),
                       "Action": st.column_config.TextColumn(width=105),
                       "Thread": st.column_config.TextColumn(width=110),
                       "Item": st.column_config.TextColumn(width=100),
                       "Value": st.column_config.TextColumn(width=120),
                       "Note": st.column_config.TextColumn(width=100)},
    )


TRIAGE_SLOT = "triage"


def _disabled_reason() -> str | None:
    return identity.why_viewer(identity.current_actor(), identity.current_rules())


def thread_panel(thread_key: str, detail: dict) -> None:
    """Status, assignee, note and silencing for one thread; what a save did is shown under its buttons."""
    state = read(triage.thread_status, thread_key) or {"status": "new", "assignee": None, "silenced": False}
    reason = _disabled_reason()
    with st.container(border=True):
        st.markdown("**Triage**")
        if reason:
            st.caption(escape_markdown(reason))
        _thread_controls(thread_key, state, reason)


def _thread_controls(thread_key: str, state: dict, reason: str | None) -> None:
    if state["silenced"]:
        st.info("Silenced: this thread sends no alerts. It is still counted everywhere.", icon=":material/notifications_off:")
    status_col, assignee_col = st.columns(2)
    status_col.selectbox(
        "Status", TRIAGE_STATUSES, index=TRIAGE_STATUSES.index(state["status"]),
        format_func=STATUS_LABELS.get, key=f"triage_status_{thread_key}", disabled=bool(reason),
    )
    assignee_col.text_input(
        "Assigned to", value=state["assignee"] or "", key=f"triage_assignee_{thread_key}",
        disabled=bool(reason), placeholder="nobody",
    )
    st.text_area(
        "Note (what was done)", key=f"triage_note_{thread_key}", disabled=bool(reason), height=80,
        max_chars=triage.MAX_NOTE_CHARS,
    )
    save, silence = st.columns([1, 3])
    save.button("Save", type="primary", key="triage_save", disabled=bool(reason), on_click=_save, args=(thread_key,))
    silence.button(
        "Lift the silence" if state["silenced"] else "Silence alerts", key="triage_silence", disabled=bool(reason),
        icon=":material/notifications_off:", on_click=_silence, args=(thread_key, not state["silenced"]),
    )
    identity.show_flash(TRIAGE_SLOT)



def _silence(thread_key: str, silenced: bool) -> None:
    identity.act(triage.set_silenced, thread_key, silenced, slot=TRIAGE_SLOT,
                 done="Thread silenced." if silenced else "Alerts are back on for this thread.")


def _save(thread_key: str) -> None:
    """Save's callback: apply what changed, each change its own logged action, then clear the note.

    It runs before the page is drawn again, so the note box can be emptied; the store ignores a
    status or assignee that is already so and a note just written (a second click saves nothing).
    """
    state = st.session_state
    status = state.get(f"triage_status_{thread_key}")
    assignee = identity.clean_name(state.get(f"triage_assignee_{thread_key}"))
    note = (state.get(f"triage_note_{thread_key}") or "").strip()
    saved = []
    if status:
        changed = identity.act(triage.set_status, thread_key, status, note or None, done="", slot=TRIAGE_SLOT)
        if changed is None:
            return
        if changed:
            saved.append(f"status {STATUS_LABELS[status]}" + (" with the note" if note else ""))
            note = ""  # the note went with the status change
    changed = identity.act(triage.assign, thread_key, assignee or None, done="", slot=TRIAGE_SLOT)
    if changed is None:
        return
    if changed:
        saved.append(f"assigned to {assignee}" if assignee else "unassigned")
    if note:
        changed = identity.act(triage.add_note, thread_key, note, done="", slot=TRIAGE_SLOT)
        if changed is None:
            return
        saved.append("note" if changed else "the note was already saved")
    state[f"triage_note_{thread_key}"] = ""
    if saved:
        identity.flash("Saved: " + ", ".join(saved) + ".", TRIAGE_SLOT)
    else:
        identity.flash("Nothing to save: change the status, the assignee or write a note.", TRIAGE_SLOT, "info")


# The officer's one choice for a reply, in words (store.triage.OFFICER_LABELS maps it to the labels).
CHOICE_WORDS = {
    "negative": "criticism or a complaint, without a suggestion",
    "constructive": "a suggestion, or criticism with reasons, whatever its tone",
    "positive": "praise or thanks",
    "neutral": "a question, information, or none of these",
}
LABEL_HELP = (
    "Each reply's label is the models' reading of it. Click it to set the right one: your label "
    "replaces the models' on every page and in every export, survives rescoring, and is recorded in "
    "the audit log with your name."
)


def reply_label_control(reply) -> None:
    """A reply's label as a small button; an officer opens it to set the right one (one click saves)."""
    current = reply.feedback_class if isinstance(reply.feedback_class, str) else "unscored"
    slot = f"label_{reply.key}"
    words = f":{CLASS_TEXT_COLOURS.get(current, 'gray')}[{CLASS_LABELS.get(current, current)}]"
    with st.popover(words, icon=":material/edit:", type="tertiary", key=f"{slot}_open",
                    help="The models' label, or an officer's: click to correct it"):
        score = getattr(reply, "compound", None)
        if score is not None and not pd.isna(score):
            st.caption(f"Tone score {float(score):+.2f} (from -1, most negative, to +1, most positive).")
        st.radio(
            "The right label for this reply", list(triage.OFFICER_LABELS), index=None,
            format_func=CLASS_LABELS.get, captions=[CHOICE_WORDS[c] for c in triage.OFFICER_LABELS],
            key=f"{slot}_choice", on_change=_set_label, args=(reply.key, slot),
        )
    identity.show_flash(slot)


def _set_label(item_key: str, slot: str) -> None:
    choice = st.session_state.get(f"{slot}_choice")
    if not choice:
        return
    changed = identity.act(triage.set_label, item_key, choice, done="", slot=slot)
    if changed is not None:
        identity.flash(f"Label set to {CLASS_LABELS[choice]}." if changed else
                       f"Already labelled {CLASS_LABELS[choice]}.", slot)
    st.session_state[f"{slot}_choice"] = None


def thread_log(thread_key: str) -> None:
    log = read(triage.audit_log, thread_key, None, None, None, None, 500)
    st.subheader(f"History ({len(log)})")
    if log.empty:
        st.caption("No officer has acted on this thread yet.")
    else:
        log_table(log, show_thread=False)


BULK_SLOT = "bulk"


def selection_actions(chosen: list[str], key: str) -> str | None:
    """What to do with the queue's selected threads: open the one selected, or change the status or
    assignee of all of them. Returns the thread to open, when its button was pressed."""
    identity.show_flash(BULK_SLOT)
    if not chosen:
        st.caption("Select a row to open its thread, or several rows to change them together.")
        return None
    reason = _disabled_reason()
    opened = None
    with st.container(border=True, key=f"{key}_selection"):
        count = f"{len(chosen)} thread{'s' if len(chosen) != 1 else ''} selected"
        st.markdown(f"**{count}**" + (f" · {escape_markdown(reason)}" if reason else ""))
        open_col, status_col, assignee_col, apply_col = st.columns([1.3, 1.6, 1.6, 1], vertical_alignment="bottom")
        if open_col.button("Open the thread", key=f"{key}_open", type="primary", disabled=len(chosen) != 1,
                           icon=":material/forum:", help=None if len(chosen) == 1 else "Select one row to open it"):
            opened = chosen[0]
        status_col.selectbox("New status", TRIAGE_STATUSES, index=None, format_func=STATUS_LABELS.get,
                             key=f"{key}_bulk_status", disabled=bool(reason), placeholder="unchanged")
        assignee_col.text_input("Assign to", key=f"{key}_bulk_assignee", disabled=bool(reason),
                                placeholder="unchanged")
        apply_col.button("Apply", key=f"{key}_bulk_apply", disabled=bool(reason), on_click=_apply_to_selection,
                         args=(tuple(chosen), key))
    return opened


def _apply_to_selection(chosen: tuple[str, ...], key: str) -> None:
    """Apply's callback: the new status and assignee to every selected thread (one transaction each)."""
    state = st.session_state
    status, assignee = state.get(f"{key}_bulk_status"), identity.clean_name(state.get(f"{key}_bulk_assignee"))
    if not status and not assignee:
        identity.flash("Choose a new status or write an assignee.", BULK_SLOT, "info")
        return
    done = []
    if status and identity.act(triage.set_status, list(chosen), status, None, done="", slot=BULK_SLOT) is not None:
        done.append(f"status {STATUS_LABELS[status]}")
    if assignee and identity.act(triage.assign, list(chosen), assignee, done="", slot=BULK_SLOT) is not None:
        done.append(f"assigned to {assignee}")
    if done:
        identity.flash(f"{len(chosen)} thread{'s' if len(chosen) != 1 else ''}: " + ", ".join(done) + ".", BULK_SLOT)
        state[f"{key}_bulk_status"], state[f"{key}_bulk_assignee"] = None, ""


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
