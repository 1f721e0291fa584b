"""Officer triage: status, assignment, notes, silencing and label corrections, each with its audit row.

Every write here is one transaction holding the change and the `actions` rows that
record it, so the state and the log cannot disagree; a bulk call is one transaction
for all its threads. The app only ever inserts into `actions`, never updates or
deletes. Only an officer may act: a viewer's call is refused here, whatever the page
showed (the page disables its buttons too, but this is the check that counts).

The reads below (audit log, response times, label agreement) are what the Thread,
Flagged threads, Audit and Quality pages show about triage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb
import pandas as pd

from store import daily
from store.db import fetch_one, transaction
from store.governance import record_action
from store.queries import TRIAGE_STATUSES

OFFICER, VIEWER = "officer", "viewer"
# What an officer may set each label to (DESIGN.md's classes).
LABELS: dict[str, tuple[str, ...]] = {
    "sentiment": ("negative", "neutral", "positive"),
    "feedback_class": ("constructive", "negative", "neutral", "positive"),
}
# What an officer picks for a reply on the Thread page (one choice, in words there), and the labels it
# sets: constructive keeps the model's tone (constructive criticism can be negative); the others set
# the tone as well, so exports and the models' training see one consistent judgement.
OFFICER_LABELS: dict[str, dict[str, str]] = {
    "negative": {"feedback_class": "negative", "sentiment": "negative"},
    "constructive": {"feedback_class": "constructive"},
    "positive": {"feedback_class": "positive", "sentiment": "positive"},
    "neutral": {"feedback_class": "neutral", "sentiment": "neutral"},
}
# A note the same officer already wrote on the thread this recently is the same submission sent twice
# (a double click, a resent form): it is not logged again.
REPEAT_NOTE_WINDOW = timedelta(minutes=10)
# Status changes that count as a first acknowledgement, and as a response.
ACKNOWLEDGED = ("acknowledged", "in_progress", "responded", "closed")
RESPONDED = ("responded",)
MAX_NOTE_CHARS = 4_000
ACTIONS = ("status", "assign", "note", "silence", "unsilence", "correct_label", "export", "purge", "erase")


@dataclass(frozen=True)
class Actor:
    """Who is acting and in which role; `name` goes into the audit log."""

    name: str
    role: str = VIEWER

    @property
    def is_officer(self) -> bool:
        return self.role == OFFICER and bool(self.name.strip())


class NotAllowed(PermissionError):
    """A viewer (or nobody) tried an officer action."""


class TriageError(ValueError):
    """An action that cannot be done as asked: unknown thread, status or label, empty note."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _require_officer(actor: Actor) -> None:
    if not isinstance(actor, Actor) or not actor.is_officer:
        who = getattr(actor, "name", "") or "an anonymous user"
        raise NotAllowed(f"{who} is a viewer: only officers can change threads and labels")


def _keys(keys: str | Iterable[str]) -> list[str]:
    listed = [keys] if isinstance(keys, str) else list(keys)
    unique = list(dict.fromkeys(k for k in listed if isinstance(k, str) and k))
    if not unique:
        raise TriageError("no thread chosen")
    return unique


def _ensure_threads(con: duckdb.DuckDBPyConnection, keys: list[str]) -> None:
    """Every key must be a stored thread; a root post with no replies yet gets its threads row here."""
    con.execute(
        """INSERT INTO threads (thread_key, source_id)
           SELECT i.key, i.source_id FROM items i
           WHERE i.key IN (SELECT unnest(?::VARCHAR[])) AND i.item_type = 'post'
           ON CONFLICT (thread_key) DO NOTHING""",
        [keys],
    )
    found = {r[0] for r in con.execute(
        "SELECT thread_key FROM threads WHERE thread_key IN (SELECT unnest(?::VARCHAR[]))", [keys]
    ).fetchall()}
    missing = [k for k in keys if k not in found]
    if missing:
        raise TriageError(f"no thread {missing[0]!r} in the database")


def _current(con: duckdb.DuckDBPyConnection, keys: list[str], column: str) -> dict[str, object]:
    rows = con.execute(
        f"SELECT thread_key, {column} FROM threads WHERE thread_key IN (SELECT unnest(?::VARCHAR[]))", [keys]
    ).fetchall()
    return dict(rows)


def _update_threads(con, keys: list[str], column: str, value, at: datetime) -> None:
    con.execute(
        f"UPDATE threads SET {column} = ?, updated_at = ? WHERE thread_key IN (SELECT unnest(?::VARCHAR[]))",
        [value, at, keys],
    )


def _clean_note(note: str | None) -> str | None:
    if note is None:
        return None
    text = note.strip()
    if len(text) > MAX_NOTE_CHARS:
        raise TriageError(f"a note can be at most {MAX_NOTE_CHARS:,} characters")
    return text or None


# --- Writes ------------------------------------------------------------------------


def set_status(
    con: duckdb.DuckDBPyConnection, actor: Actor, thread_keys: str | Iterable[str], status: str,
    note: str | None = None, at: datetime | None = None,
) -> int:
    """Move threads to `status`; returns how many changed (those already there are left and not logged)."""
    _require_officer(actor)
    if status not in TRIAGE_STATUSES:
        raise TriageError(f"unknown status {status!r} (expected one of {', '.join(TRIAGE_STATUSES)})")
    keys, note, at = _keys(thread_keys), _clean_note(note), at or _now()
    with transaction(con):
        _ensure_threads(con, keys)
        changing = [k for k, old in _current(con, keys, "status").items() if old != status]
        if changing:
            _update_threads(con, changing, "status", status, at)
        for key in sorted(changing):
            record_action(con, actor.name, "status", status, at, thread_key=key, note=note)
    return len(changing)


def assign(
    con: duckdb.DuckDBPyConnection, actor: Actor, thread_keys: str | Iterable[str], assignee: str | None,
    at: datetime | None = None,
) -> int:
    """Give threads to `assignee` (None or blank: unassign); returns how many changed."""
    _require_officer(actor)
    assignee = (assignee or "").strip() or None
    keys, at = _keys(thread_keys), at or _now()
    with transaction(con):
        _ensure_threads(con, keys)
        changing = [k for k, old in _current(con, keys, "assignee").items() if old != assignee]
        if changing:
            _update_threads(con, changing, "assignee", assignee, at)
        for key in sorted(changing):
            record_action(con, actor.name, "assign", assignee, at, thread_key=key)
    return len(changing)


def add_note(
    con: duckdb.DuckDBPyConnection, actor: Actor, thread_keys: str | Iterable[str], note: str,
    at: datetime | None = None,
) -> int:
    """Write what was done on threads into the log; returns how many threads got the note.

    A thread where this officer wrote the same note within REPEAT_NOTE_WINDOW does not get it
    again: a second click on Save, or a form sent twice, is one submission.
    """
    _require_officer(actor)
    text = _clean_note(note)
    if not text:
        raise TriageError("the note is empty")
    keys, at = _keys(thread_keys), at or _now()
    with transaction(con):
        _ensure_threads(con, keys)
        repeated = {row[0] for row in con.execute(
            """SELECT DISTINCT thread_key FROM actions
               WHERE thread_key IN (SELECT unnest(?::VARCHAR[])) AND actor = ? AND note = ? AND acted_at >= ?""",
            [keys, actor.name, text, at - REPEAT_NOTE_WINDOW],
        ).fetchall()}
        noting = [key for key in keys if key not in repeated]
        for key in noting:
            record_action(con, actor.name, "note", None, at, thread_key=key, note=text)
    return len(noting)


def set_silenced(
    con: duckdb.DuckDBPyConnection, actor: Actor, thread_keys: str | Iterable[str], silenced: bool,
    note: str | None = None, at: datetime | None = None,
) -> int:
    """Silence threads (no alerts, still counted everywhere) or lift it; returns how many changed."""
    _require_officer(actor)
    keys, note, at = _keys(thread_keys), _clean_note(note), at or _now()
    with transaction(con):
        _ensure_threads(con, keys)
        changing = [k for k, old in _current(con, keys, "silenced").items() if bool(old) != bool(silenced)]
        if changing:
            _update_threads(con, changing, "silenced", bool(silenced), at)
        for key in sorted(changing):
            record_action(con, actor.name, "silence" if silenced else "unsilence", None, at, thread_key=key, note=note)
    return len(changing)


def correct_label(
    con: duckdb.DuckDBPyConnection, actor: Actor, item_keys: str | Iterable[str], field: str, value: str,
    at: datetime | None = None,
) -> int:
    """An officer's label for items' `field` (sentiment or feedback_class); it wins over every rescoring.

    Kept in `label_corrections` (one per item and field, the latest wins), apart
    from `scores`, which rescoring overwrites. The log keeps every correction and
    what the model said at the time. Returns how many items were corrected.
    """
    return _correct(con, actor, item_keys, {field: value}, at)


def set_label(
    con: duckdb.DuckDBPyConnection, actor: Actor, item_key: str, choice: str, at: datetime | None = None,
) -> int:
    """An officer's one choice for a reply (a key of OFFICER_LABELS), as the labels it stands for, in one
    audit row. Returns 1, or 0 when the officer's labels already say so (a second click changes nothing)."""
    if choice not in OFFICER_LABELS:
        raise TriageError(f"unknown label {choice!r} (expected one of {', '.join(OFFICER_LABELS)})")
    return _correct(con, actor, item_key, OFFICER_LABELS[choice], at)


def _correct(
    con: duckdb.DuckDBPyConnection, actor: Actor, item_keys: str | Iterable[str], labels: dict[str, str],
    at: datetime | None,
) -> int:
    """Set `labels` ({field: value}) as the officer's on each item, one audit row per item changed. An item
    whose corrections already hold exactly these values is left alone (no row): the same label twice is
    one judgement. Setting the model's own label is kept and logged: it is a confirmation."""
    _require_officer(actor)
    for field, value in labels.items():
        if field not in LABELS:
            raise TriageError(f"cannot correct {field!r}: only {' or '.join(LABELS)}")
        if value not in LABELS[field]:
            raise TriageError(f"{value!r} is not a {field} label (expected one of {', '.join(LABELS[field])})")
    keys = _keys(item_keys)
    at = at or _now()
    with transaction(con):
        rows = con.execute(
            """SELECT i.key, coalesce(i.thread_id, i.key), s.sentiment, s.feedback_class
               FROM items i LEFT JOIN scores s ON s.item_key = i.key
               WHERE i.key IN (SELECT unnest(?::VARCHAR[])) AND i.deleted_at IS NULL""",
            [keys],
        ).fetchall()
        found = {r[0]: r for r in rows}
        missing = [k for k in keys if k not in found]
        if missing:
            raise TriageError(f"no item {missing[0]!r} in the database")
        held: dict[str, dict[str, str]] = {}
        for key, field, value in con.execute(
            "SELECT item_key, field, value FROM label_corrections WHERE item_key IN (SELECT unnest(?::VARCHAR[]))",
            [keys],
        ).fetchall():
            held.setdefault(key, {})[field] = value
        changing = [k for k in keys if any(held.get(k, {}).get(f) != v for f, v in labels.items())]
        if not changing:
            return 0
        with daily.refreshing(con, changing):  # the per-day counts show the corrected labels
            for field, value in labels.items():
                con.execute(
                    """INSERT INTO label_corrections (item_key, field, value, actor, corrected_at)
                       SELECT unnest(?::VARCHAR[]), ?, ?, ?, ?
                       ON CONFLICT (item_key, field) DO UPDATE SET
                         value = excluded.value, actor = excluded.actor, corrected_at = excluded.corrected_at""",
                    [changing, field, value, actor.name, at],
                )
        said = ", ".join(f"{f}={v}" for f, v in labels.items())
        for key in changing:
            _, thread_key, sentiment, feedback_class = found[key]
            model = {"sentiment": sentiment, "feedback_class": feedback_class}
            before = ", ".join((f"{f}={model[f]}" if len(labels) > 1 else model[f]) for f in labels if model[f])
            record_action(con, actor.name, "correct_label", said, at, thread_key=thread_key, item_key=key,
                          note=f"model said {before}" if before else "not scored yet")
    return len(changing)


# --- Reads ---------------------------------------------------------------------------


def audit_log(
    con: duckdb.DuckDBPyConnection,
    thread_key: str | None = None,
    actors: list[str] | tuple[str, ...] | None = None,
    actions: list[str] | tuple[str, ...] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int | None = 2_000,
) -> pd.DataFrame:
    """The audit log, newest first: id, acted_at, actor, action, thread_key, item_key, value, note
    (the keys as items are keyed now: store/schema.py's `actions_now`; the log itself is never rewritten)."""
    where, params = ["true"], []
    if thread_key is not None:
        where.append("thread_key = ?")
        params.append(thread_key)
    if actors:
        where.append("actor IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(actors))
    if actions:
        where.append("action IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(actions))
    if start is not None:
        where.append("acted_at >= ?")
        params.append(start)
    if end is not None:
        where.append("acted_at < ?")
        params.append(end)
    sql = f"""SELECT id, acted_at, actor, action, thread_key, item_key, value, note FROM actions_now
              WHERE {' AND '.join(where)} ORDER BY acted_at DESC, id DESC"""
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return con.execute(sql, params).df()


def audit_facets(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The actors and action names present in the log, for filters."""
    actors = [r[0] for r in con.execute("SELECT DISTINCT actor FROM actions ORDER BY actor").fetchall()]
    names = [r[0] for r in con.execute("SELECT DISTINCT action FROM actions ORDER BY action").fetchall()]
    return {"actors": actors, "actions": names}


def assignees(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Everyone a flagged thread is assigned to now, by name."""
    rows = con.execute(
        "SELECT DISTINCT assignee FROM threads WHERE assignee IS NOT NULL ORDER BY lower(assignee)"
    ).fetchall()
    return [r[0] for r in rows]


def response_times(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every flagged thread with when it was flagged, first acknowledged and first responded to.

    A first acknowledgement is the first status change to anything past 'new'; a
    response is the first change to 'responded'. Both come from the audit log, so
    they stay true whatever the thread's status is now.
    """
    return con.execute(
        """SELECT t.thread_key, t.flagged_at,
                  min(a.acted_at) FILTER (WHERE a.value IN (SELECT unnest(?::VARCHAR[]))) AS acknowledged_at,
                  min(a.acted_at) FILTER (WHERE a.value IN (SELECT unnest(?::VARCHAR[]))) AS responded_at
           FROM threads t
           LEFT JOIN actions_now a ON a.thread_key = t.thread_key AND a.action = 'status'
           WHERE t.flagged_at IS NOT NULL
           GROUP BY t.thread_key, t.flagged_at
           ORDER BY t.flagged_at, t.thread_key""",
        [list(ACKNOWLEDGED), list(RESPONDED)],
    ).df()


def label_agreement(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per field: how many items officers labelled, and on how many the model's current label agrees.

    Every officer label is a human judgement of the model, so it counts whether the
    officer changed the label or confirmed it. Columns: field, labelled, agreed, agreement.
    """
    frame = con.execute(
        """SELECT c.field, count(*) AS labelled,
                  count(*) FILTER (WHERE (c.field = 'sentiment' AND s.sentiment = c.value)
                                      OR (c.field = 'feedback_class' AND s.feedback_class = c.value)) AS agreed
           FROM label_corrections c
           JOIN items i ON i.key = c.item_key AND i.deleted_at IS NULL
           JOIN scores s ON s.item_key = c.item_key
           GROUP BY c.field ORDER BY c.field"""
    ).df()
    frame["agreement"] = (frame["agreed"] / frame["labelled"]).where(frame["labelled"] > 0)
    return frame


def corrections_for_training(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every corrected item with its text and the officers' labels (null where a field was not corrected)."""
    return con.execute(
        """SELECT i.key AS item_key, coalesce(nullif(i.title, '') || chr(10) || i.text, i.text) AS text,
                  max(c.value) FILTER (WHERE c.field = 'sentiment') AS sentiment,
                  max(c.value) FILTER (WHERE c.field = 'feedback_class') AS feedback_class,
                  max(c.corrected_at) AS corrected_at
           FROM label_corrections c JOIN items i ON i.key = c.item_key AND i.deleted_at IS NULL
           GROUP BY i.key, i.title, i.text
           ORDER BY max(c.corrected_at), i.key"""
    ).df()


def thread_status(con: duckdb.DuckDBPyConnection, thread_key: str) -> dict | None:
    """A thread's triage state: status, assignee, silenced (None when the thread is not stored)."""
    row = fetch_one(con, "SELECT status, assignee, silenced FROM threads WHERE thread_key = ?", [thread_key])
    if row is None:
        return None
    return {"status": row[0], "assignee": row[1], "silenced": bool(row[2])}


def flag_events_between(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    """Flagged threads opened (first flagged) and closed (status set to closed) in [start, end).

    One row per event: event ('opened' | 'closed'), at, thread_key, source, and the
    service area of the thread's root post (null when unknown). A thread closed,
    reopened and closed again in the period counts each time it was closed.
    """
    return con.execute(
        """WITH events AS (
               SELECT 'opened' AS event, flagged_at AS at, thread_key FROM threads
               WHERE flagged_at >= ? AND flagged_at < ?
               UNION ALL
               SELECT 'closed', acted_at, thread_key FROM actions_now
               WHERE action = 'status' AND value = 'closed' AND acted_at >= ? AND acted_at < ?
           )
           SELECT e.event, e.at, e.thread_key, coalesce(s_.name, '(unknown source)') AS source,
                  sc.service_area
           FROM events e
           LEFT JOIN threads t ON t.thread_key = e.thread_key
           LEFT JOIN items r ON r.key = e.thread_key
           LEFT JOIN sources s_ ON s_.id = coalesce(r.source_id, t.source_id)
           LEFT JOIN scores sc ON sc.item_key = e.thread_key
           ORDER BY e.at, e.thread_key, e.event""",
        [start, end, start, end],
    ).df()
