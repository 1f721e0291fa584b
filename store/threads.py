"""Thread summaries: writing the flagging result without touching officers' triage, and reading
what the pile-on score and "did our reply help" need."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from store.items import replies_for_threads
from store.labels import FEEDBACK_CLASS, LABEL_JOINS, SENTIMENT

SUMMARY_COLUMNS = [
    "thread_key", "source_id", "flagged", "flag_reasons", "pileon_score", "reply_count",
    "negative_count", "author_count", "first_reply_at", "last_reply_at",
]


def date_flags_as_recorded(con: duckdb.DuckDBPyConnection) -> None:
    """For a recording replayed in one go (the demo): each flagged thread counts as flagged at its last
    reply, as if it had been watched live, not at the moment of the replay (weeks after the recording,
    which put every flag outside the weeks the briefing and the export report)."""
    con.execute("UPDATE threads SET flagged_at = last_reply_at WHERE flagged_at > last_reply_at")


def save_thread_summaries(con: duckdb.DuckDBPyConnection, summaries: pd.DataFrame, at: datetime) -> None:
    """Upsert the analysis columns of `threads`.

    Triage (status, assignee, silenced) belongs to officers and is never reset
    here; `flagged_at` is set the first time a thread is flagged and kept.
    """
    if summaries.empty:
        return
    frame = summaries[SUMMARY_COLUMNS].copy()
    frame["updated_at"] = at
    con.register("summaries", frame)
    try:
        names = ", ".join(SUMMARY_COLUMNS + ["updated_at"])
        updates = ", ".join(
            f"{c} = excluded.{c}" for c in SUMMARY_COLUMNS + ["updated_at"] if c != "thread_key"
        )
        con.execute(
            f"""INSERT INTO threads ({names}, flagged_at)
                SELECT {names}, CASE WHEN flagged THEN updated_at END FROM summaries
                ON CONFLICT (thread_key) DO UPDATE SET {updates},
                  flagged_at = coalesce(threads.flagged_at, CASE WHEN excluded.flagged THEN excluded.updated_at END)"""
        )
    finally:
        con.unregister("summaries")


def clear_threads_without_replies(con: duckdb.DuckDBPyConnection, thread_keys: list[str], at: datetime) -> None:
    """Those of these threads that have no reply left (erased or purged) count none and are not flagged;
    their triage and the time they were first flagged are kept. Threads with replies are left alone."""
    if not thread_keys:
        return
    con.execute(
        """UPDATE threads SET flagged = false, flag_reasons = NULL, pileon_score = 0, reply_count = 0,
                              negative_count = 0, author_count = 0, first_reply_at = NULL, last_reply_at = NULL,
                              updated_at = ?
           WHERE thread_key IN (SELECT unnest(?::VARCHAR[]))
             AND NOT EXISTS (SELECT 1 FROM items i WHERE i.thread_id = threads.thread_key
                                                    AND i.key <> i.thread_id AND i.deleted_at IS NULL)""",
        [at, thread_keys],
    )


def council_roots(con: duckdb.DuckDBPyConnection, thread_keys: list[str]) -> set[str]:
    """Those of these threads whose root post is the council's own (stored and not deleted)."""
    if not thread_keys:
        return set()
    rows = con.execute(
        """SELECT key FROM items
           WHERE key IN (SELECT unnest(?::VARCHAR[])) AND is_council AND deleted_at IS NULL""",
        [list(thread_keys)],
    ).fetchall()
    return {key for (key,) in rows}


def effect_replies(con: duckdb.DuckDBPyConnection, thread_keys: list[str]) -> pd.DataFrame:
    """The replies of those of these threads where the council replied, with their labels
    (store.labels: corrections win): the input to analysis.reply_effect."""
    if not thread_keys:
        return pd.DataFrame(columns=["thread_id", "created_at", "is_council", "sentiment", "feedback_class",
                                     "hostile", "compound"])
    return con.execute(
        f"""WITH replied AS (
                SELECT DISTINCT thread_id FROM items
                WHERE thread_id IN (SELECT unnest(?::VARCHAR[])) AND is_council
                  AND key <> thread_id AND deleted_at IS NULL)
            SELECT i.thread_id, i.created_at, i.is_council,
                   {SENTIMENT} AS sentiment, {FEEDBACK_CLASS} AS feedback_class,
                   coalesce(s.hostile, false) AS hostile, s.compound
            FROM items i {LABEL_JOINS}
            WHERE i.thread_id IN (SELECT thread_id FROM replied) AND i.key <> i.thread_id AND i.deleted_at IS NULL
            ORDER BY i.thread_id, i.created_at, i.key""",
        [list(thread_keys)],
    ).df()


def score_inputs(con: duckdb.DuckDBPyConnection, thread_key: str) -> tuple[pd.DataFrame, bool]:
    """One thread's replies exactly as refresh_threads reads them, and whether its root is the council's post."""
    return replies_for_threads(con, [thread_key]), bool(council_roots(con, [thread_key]))
