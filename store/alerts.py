"""What alerts read (daily negative volume, new flagged threads) and the record of what was sent.

Silenced threads never alert: their replies are left out of spike counts and the
threads themselves are never offered as new. They are still counted everywhere else.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from store.days import london_day
from store.queries import _LABELLED  # one definition of "the label a reader sees"


def daily_negative(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    """Public items and negative items per London day and source in [start, end), silenced threads left out."""
    return con.execute(
        f"""SELECT {london_day('l.created_at')} AS day, l.source_id, s.name AS source, count(*) AS items,
                   count(*) FILTER (WHERE l.feedback_class = 'negative') AS negative
            FROM ({_LABELLED}) l
            JOIN sources s ON s.id = l.source_id
            LEFT JOIN threads t ON t.thread_key = l.thread_id
            WHERE NOT l.is_council AND l.created_at >= ? AND l.created_at < ?
              AND NOT coalesce(t.silenced, false)
            GROUP BY ALL ORDER BY day, l.source_id""",
        [start, end],
    ).df()


def new_flagged_threads(con: duckdb.DuckDBPyConnection, since: datetime, min_score: float) -> pd.DataFrame:
    """Flagged threads worth an immediate alert: flagged and active since `since`, pile-on score at
    least `min_score`, not silenced, not yet responded to or closed. Highest score first."""
    return con.execute(
        """SELECT t.thread_key, coalesce(s.name, '(unknown source)') AS source, t.flag_reasons AS reason,
                  t.pileon_score, t.reply_count, t.flagged_at, t.last_reply_at,
                  r.title, r.text, r.url
           FROM threads t
           LEFT JOIN items r ON r.key = t.thread_key
           LEFT JOIN sources s ON s.id = t.source_id
           WHERE t.flagged AND NOT t.silenced AND t.status NOT IN ('responded', 'closed')
             AND t.flagged_at >= ? AND t.last_reply_at >= ? AND t.pileon_score >= ?
           ORDER BY t.pileon_score DESC, t.thread_key""",
        [since, since, min_score],
    ).df()


def sent_keys(con: duckdb.DuckDBPyConnection, alert_keys: list[str], channel: str) -> set[str]:
    """Which of these alerts were already delivered on this channel."""
    if not alert_keys:
        return set()
    rows = con.execute(
        """SELECT DISTINCT alert_key FROM alerts_sent
           WHERE ok AND channel = ? AND alert_key IN (SELECT unnest(?::VARCHAR[]))""",
        [channel, alert_keys],
    ).fetchall()
    return {r[0] for r in rows}


def record_attempt(
    con: duckdb.DuckDBPyConnection, alert_key: str, kind: str, channel: str, subject: str,
    at: datetime, error: str | None = None,
) -> None:
    """One delivery attempt: sent (error None) or failed, with why in words."""
    con.execute(
        """INSERT INTO alerts_sent (alert_key, kind, channel, subject, attempted_at, ok, error)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [alert_key, kind, channel, subject, at, error is None, error],
    )


def alert_history(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """The latest delivery attempts, newest first: attempted_at, kind, channel, subject, ok, error."""
    return con.execute(
        """SELECT attempted_at, kind, channel, subject, ok, error FROM alerts_sent
           ORDER BY attempted_at DESC, id DESC LIMIT ?""",
        [limit],
    ).df()
