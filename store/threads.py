"""Writing thread summaries (the flagging result) without touching officers' triage."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

SUMMARY_COLUMNS = [
    "thread_key", "source_id", "flagged", "flag_reasons", "pileon_score", "reply_count",
    "negative_count", "author_count", "first_reply_at", "last_reply_at",
]


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
