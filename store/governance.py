"""Personal data housekeeping: retention per source, and erasure of one author."""

from __future__ import annotations

import getpass
import json
from datetime import datetime, timedelta

import duckdb

from store import daily

DEFAULT_RETENTION_DAYS = 365


def _delete_items(con: duckdb.DuckDBPyConnection, keys_sql: str, params: list) -> tuple[int, list[str]]:
    """Delete the items selected by keys_sql, with everything hanging off them; returns how many, and the
    threads they were in (whose counts and flags the caller refreshes). Call in a transaction."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE doomed AS {keys_sql}", params)
    try:
        count = con.execute("SELECT count(*) FROM doomed").fetchall()[0][0]
        threads = [row[0] for row in con.execute(
            """SELECT DISTINCT thread_id FROM items
               WHERE key IN (SELECT key FROM doomed) AND thread_id IS NOT NULL ORDER BY 1""").fetchall()]
        if count:
            with daily.refreshing(con, keys_sql="SELECT key FROM doomed"):  # per-day counts without them
                con.execute("DELETE FROM scores WHERE item_key IN (SELECT key FROM doomed)")
                con.execute("DELETE FROM label_corrections WHERE item_key IN (SELECT key FROM doomed)")
                con.execute("DELETE FROM items WHERE key IN (SELECT key FROM doomed)")
            # A thread whose root post and replies are all gone has nothing left to triage.
            con.execute(
                """DELETE FROM threads WHERE thread_key IN (SELECT key FROM doomed)
                   AND NOT EXISTS (SELECT 1 FROM items i WHERE i.thread_id = threads.thread_key)"""
            )
        return count, threads
    finally:
        con.execute("DROP TABLE IF EXISTS doomed")


def purge_expired(con: duckdb.DuckDBPyConnection, now: datetime) -> tuple[dict[str, int], list[str]]:
    """Delete items older than their source's retention period; returns {source name: deleted} and the
    threads that lost items (a thread's old replies go before its new ones: its counts must be redone)."""
    deleted: dict[str, int] = {}
    threads: list[str] = []
    for source_id, name, config in con.execute("SELECT id, name, config FROM sources ORDER BY id").fetchall():
        days = (json.loads(config) if config else {}).get("retention_days", DEFAULT_RETENTION_DAYS)
        cutoff = now - timedelta(days=int(days))
        count, touched = _delete_items(
            con, "SELECT key FROM items WHERE source_id = ? AND created_at < ?", [source_id, cutoff]
        )
        if count:
            deleted[name] = count
            threads += touched
    return deleted, threads


def thread_keys_by_author(con: duckdb.DuckDBPyConnection, author: str) -> list[str]:
    rows = con.execute(
        """SELECT DISTINCT thread_id FROM items
           WHERE (author_id = ? OR author_name = ?) AND thread_id IS NOT NULL""",
        [author, author],
    ).fetchall()
    return [r[0] for r in rows]


def erase_author(con: duckdb.DuckDBPyConnection, author: str) -> int:
    """Delete every item by this author (matched on id or display name). Call in a transaction."""
    count, _ = _delete_items(  # the caller reads the author's threads first (thread_keys_by_author)
        con, "SELECT key FROM items WHERE author_id = ? OR author_name = ?", [author, author]
    )
    return count


def record_action(
    con: duckdb.DuckDBPyConnection, actor: str, action: str, value: str, at: datetime,
    thread_key: str | None = None, item_key: str | None = None, note: str | None = None,
) -> None:
    """Append to the audit log; the app never updates or deletes these rows."""
    con.execute(
        """INSERT INTO actions (acted_at, actor, action, thread_key, item_key, value, note)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [at, actor, action, thread_key, item_key, value, note],
    )


def cli_actor() -> str:
    """Who is running a command-line job, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in some containers
        return "cli"
