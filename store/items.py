"""Writing collected items, and reading back what needs scoring."""

from __future__ import annotations

import hashlib
from datetime import datetime

import duckdb
import pandas as pd

from store import daily
from store.labels import FEEDBACK_CLASS, LABEL_JOINS, SENTIMENT

ITEM_COLUMNS = [
    "key", "source_id", "kind", "native_id", "item_type", "thread_id", "parent_id",
    "author_id", "author_name", "created_at", "collected_at", "title", "text",
    "raw_text", "url", "lang", "like_count", "reply_count", "is_council",
    "deleted_at", "content_hash",
]

# Everything a platform can change about an item; collected_at is ours, not theirs.
_HASHED = [c for c in ITEM_COLUMNS if c not in ("collected_at", "content_hash", "deleted_at")]


def content_hash(row: dict) -> str:
    # The repr of each hashed column, each followed by \x1f, then whether it is deleted: joined
    # as one string and encoded once (the same bytes as encoding each part, far less Python).
    text = "\x1f".join(map(repr, map(row.get, _HASHED))) + "\x1f" + repr(row.get("deleted_at") is not None)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def items_frame(rows: list[dict]) -> pd.DataFrame:
    """Rows (dicts with ITEM_COLUMNS, less content_hash) as a typed frame."""
    for row in rows:
        row["content_hash"] = content_hash(row)
    # Column by column: several times faster than a frame from a list of dicts.
    frame = pd.DataFrame({column: [row.get(column) for row in rows] for column in ITEM_COLUMNS},
                         columns=ITEM_COLUMNS)
    # Platforms resend an item on several pages; keep the last copy of each key.
    frame = frame.drop_duplicates("key", keep="last")
    for column in ("created_at", "collected_at", "deleted_at"):
        frame[column] = pd.to_datetime(frame[column])
    for column in ("like_count", "reply_count"):
        frame[column] = frame[column].astype("Int64")
    frame["is_council"] = frame["is_council"].astype(bool)
    return frame


def upsert_items(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> tuple[int, int]:
    """Insert new items and update changed ones; returns (new, updated).

    Unchanged items (same content hash) are not written at all. An item whose
    text changed loses its score, so it is scored again. Call inside a
    transaction.
    """
    if frame.empty:
        return 0, 0
    con.register("incoming", frame)
    try:
        new, updated = con.execute(
            """SELECT count(*) FILTER (WHERE i.key IS NULL),
                      count(*) FILTER (WHERE i.key IS NOT NULL AND i.content_hash <> n.content_hash)
               FROM incoming n LEFT JOIN items i ON i.key = n.key"""
        ).fetchall()[0]
        if not (new or updated):
            return 0, 0
        columns = ", ".join(ITEM_COLUMNS)
        with daily.refreshing(con, keys_sql="SELECT key FROM incoming"):  # the per-day counts stay exact
            if not updated:  # only new items: a plain insert, no scores to drop
                con.execute(
                    f"INSERT INTO items ({columns}) SELECT {columns} FROM incoming n ANTI JOIN items i ON i.key = n.key"
                )
                return int(new), 0
            con.execute(
                """DELETE FROM scores WHERE item_key IN (
                     SELECT n.key FROM incoming n JOIN items i ON i.key = n.key
                     WHERE i.raw_text IS DISTINCT FROM n.raw_text OR i.title IS DISTINCT FROM n.title)"""
            )
            updates = ", ".join(
                f"{c} = excluded.{c}" for c in ITEM_COLUMNS if c not in ("key", "collected_at")
            )
            con.execute(
                f"""INSERT INTO items ({columns})
                    SELECT {columns} FROM incoming n
                    WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.key = n.key AND i.content_hash = n.content_hash)
                    ON CONFLICT (key) DO UPDATE SET {updates}"""
            )
    finally:
        con.unregister("incoming")
    return int(new), int(updated)


def unscored(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> pd.DataFrame:
    """Items with no score yet: key, text, title, item_type."""
    sql = """SELECT i.key, i.text, i.title, i.item_type FROM items i
             LEFT JOIN scores s ON s.item_key = i.key
             WHERE s.item_key IS NULL AND i.deleted_at IS NULL
             ORDER BY i.key"""
    params: list = []
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return con.execute(sql, params).df()


def unscored_keys(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Keys of the items with no score yet, in key order (texts are read a batch at a time)."""
    rows = con.execute(
        """SELECT i.key FROM items i ANTI JOIN scores s ON s.item_key = i.key
           WHERE i.deleted_at IS NULL ORDER BY i.key"""
    ).fetchall()
    return [r[0] for r in rows]


def all_item_keys(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Keys of every stored item that is not deleted, in key order."""
    rows = con.execute("SELECT key FROM items WHERE deleted_at IS NULL ORDER BY key").fetchall()
    return [r[0] for r in rows]


def items_by_keys(con: duckdb.DuckDBPyConnection, keys: list[str]) -> pd.DataFrame:
    """key, text, title, item_type of these items (deleted ones left out), in key order."""
    return con.execute(
        """SELECT key, text, title, item_type FROM items
           WHERE key IN (SELECT unnest(?::VARCHAR[])) AND deleted_at IS NULL
           ORDER BY key""",
        [keys],
    ).df()


def all_items_for_rescore(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT key, text, title, item_type FROM items WHERE deleted_at IS NULL ORDER BY key"
    ).df()


def save_scores(con: duckdb.DuckDBPyConnection, scores: pd.DataFrame, scored_at: datetime) -> int:
    """Upsert one score row per item_key. Officer corrections live in their own table."""
    if scores.empty:
        return 0
    frame = scores.copy()
    frame["scored_at"] = scored_at
    columns = [
        "item_key", "model_version", "compound", "sentiment", "constructive_prob",
        "feedback_class", "service_area", "hostile", "scored_at",
    ]
    for column in columns:
        if column not in frame:
            frame[column] = None
    frame = frame[columns]
    con.register("new_scores", frame)
    try:
        names = ", ".join(columns)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "item_key")
        with daily.refreshing(con, keys_sql="SELECT item_key AS key FROM new_scores"):  # per-day counts
            con.execute(
                f"""INSERT INTO scores ({names}) SELECT {names} FROM new_scores
                    ON CONFLICT (item_key) DO UPDATE SET {updates}"""
            )
    finally:
        con.unregister("new_scores")
    return len(frame)


def thread_keys_of(con: duckdb.DuckDBPyConnection, item_keys: list[str]) -> list[str]:
    """The threads that these items belong to (or are the root of)."""
    if not item_keys:
        return []
    rows = con.execute(
        """SELECT DISTINCT coalesce(thread_id, key) FROM items
           WHERE key IN (SELECT unnest(?::VARCHAR[]))
             AND (thread_id IS NOT NULL OR item_type = 'post')""",
        [item_keys],
    ).fetchall()
    return [r[0] for r in rows]


def replies_for_threads(con: duckdb.DuckDBPyConnection, thread_keys: list[str]) -> pd.DataFrame:
    """Every reply in these threads with its labels (corrections applied): the input to thread flagging."""
    return con.execute(
        f"""SELECT i.thread_id, i.key, i.parent_id, i.author_id, i.author_name, i.created_at,
                  i.is_council, i.text, i.source_id,
                  {SENTIMENT} AS sentiment, {FEEDBACK_CLASS} AS feedback_class,
                  s.compound, s.hostile, s.constructive_prob
           FROM items i {LABEL_JOINS}
           WHERE i.thread_id IN (SELECT unnest(?::VARCHAR[])) AND i.deleted_at IS NULL
             AND i.key <> i.thread_id
           ORDER BY i.thread_id, i.created_at""",
        [thread_keys],
    ).df()
