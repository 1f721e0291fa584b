"""What a database holds, in a few numbers: for a command's closing summary."""

from __future__ import annotations

import duckdb


def items_per_source(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """(source name, stored items not deleted), every configured source, by name."""
    return con.execute(
        """SELECT s.name, count(i.key)
           FROM sources s LEFT JOIN items i ON i.source_id = s.id AND i.deleted_at IS NULL
           GROUP BY s.name ORDER BY s.name"""
    ).fetchall()


def flagged_threads(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None, str | None]]:
    """(thread key, where and what: the source and the root post's title, else the start of its text,
    reason) of every flagged thread, highest pile-on score first."""
    return con.execute(
        """SELECT t.thread_key,
                  s.name || ': ' || coalesce(r.title,
                      CASE WHEN length(r.text) > 60 THEN left(r.text, 59) || '…' ELSE r.text END),
                  t.flag_reasons
           FROM threads t LEFT JOIN items r ON r.key = t.thread_key LEFT JOIN sources s ON s.id = t.source_id
           WHERE t.flagged
           ORDER BY t.pileon_score DESC, t.thread_key"""
    ).fetchall()


def holds_nothing(con: duckdb.DuckDBPyConnection) -> bool:
    """No item and no officer action is stored: nothing would be lost if the file were replaced."""
    items, actions = con.execute("SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM actions)").fetchone()
    return items == 0 and actions == 0
