"""Writing collected items, and reading back what needs scoring."""

from __future__ import annotations

import re
from contextlib import nullcontext
from datetime import datetime

import duckdb
import pandas as pd
import pyarrow as pa

from store import daily
from store.labels import FEEDBACK_CLASS, LABEL_JOINS, SENTIMENT

ITEM_COLUMNS = [
    "key", "source_id", "kind", "native_id", "item_type", "thread_id", "parent_id",
    "author_id", "author_name", "created_at", "collected_at", "title", "text",
    "raw_text", "url", "lang", "like_count", "reply_count", "is_council",
    "deleted_at", "content_hash",
]

# What items_frame holds: every column but content_hash, which upsert_items computes.
_FRAME_COLUMNS = [c for c in ITEM_COLUMNS if c != "content_hash"]

# Everything a platform can change about an item; collected_at is ours, not theirs.
_HASHED = [c for c in ITEM_COLUMNS if c not in ("collected_at", "content_hash", "deleted_at")]


def raw_text_sql(table: str = "") -> str:
    """SQL for an item's text as received, of `table` (an alias; none: unqualified).

    raw_text holds it only where cleaning changed it (markup, entities, odd spacing, a text
    cut to length); NULL means it is `text` itself. Most items are plain text, and a second
    copy of each cost a quarter of the file and of every save's writing. Rows stored before
    this rule keep their copy, which reads back the same.
    """
    prefix = f"{table}." if table else ""
    return f"coalesce({prefix}raw_text, {prefix}text)"


def content_hash_sql(table: str = "") -> str:
    """SQL for content_hash over the columns of `table` (an alias; none: unqualified).

    Computed by DuckDB: md5 is the same in every version, and NULL is told apart from
    text by chr(0). Over _HASHED and whether the item is deleted; raw_text as received
    (raw_text_sql), so a row that keeps a copy of its text hashes as one that does not.
    Changing it needs a migration that rehashes the stored items, as migration 4 does.
    """
    prefix = f"{table}." if table else ""
    values = {column: f"{prefix}{column}" for column in _HASHED} | {"raw_text": raw_text_sql(table)}
    parts = [f"coalesce({values[column]}::VARCHAR, chr(0))" for column in _HASHED]
    return f"md5(concat_ws(chr(31), {', '.join(parts)}, ({prefix}deleted_at IS NOT NULL)::VARCHAR))"


# Arrow types of the columns that are not text (every other column is a string).
_ARROW_TYPES = {
    "source_id": pa.int64(), "created_at": pa.timestamp("us"), "collected_at": pa.timestamp("us"),
    "deleted_at": pa.timestamp("us"), "like_count": pa.int64(), "reply_count": pa.int64(),
    "is_council": pa.bool_(),
}


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str | None) -> str | None:
    """Text that can be written as UTF-8: a lone surrogate (JSON allows "\\ud800") becomes U+FFFD."""
    if not text or text.isascii():  # ASCII has no surrogates: nothing to replace (a cheap check)
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


def _text_array(values: list) -> pa.Array:
    try:
        return pa.array(values, pa.string())
    except UnicodeEncodeError:  # a lone surrogate somewhere (rare): only then look at every value
        return pa.array([storable(v) if isinstance(v, str) else v for v in values], pa.string())


def items_table(columns: dict[str, list]) -> pa.Table:
    """Columns of items (_FRAME_COLUMNS, equal lengths) as a typed Arrow table, one row per key.

    Arrow rather than pandas: built column by column in C, and DuckDB reads it without
    converting each Python string. upsert_items adds content_hash (content_hash_sql).
    """
    table = pa.table({
        column: pa.array(columns[column], type=_ARROW_TYPES[column]) if column in _ARROW_TYPES
        else _text_array(columns[column])
        for column in _FRAME_COLUMNS
    })
    # Platforms resend an item on several pages; keep the last copy of each key.
    keys = columns["key"]
    last = {key: index for index, key in enumerate(keys)}
    return table if len(last) == len(keys) else table.take(sorted(last.values()))


def items_frame(rows: list[dict]) -> pa.Table:
    """Rows (dicts with _FRAME_COLUMNS) as items_table makes them."""
    return items_table({column: [row.get(column) for row in rows] for column in _FRAME_COLUMNS})


def _counting_days(con: duckdb.DuckDBPyConnection, count_days: bool, keys_sql: str):
    """daily.refreshing over these keys, or nothing when the caller keeps the per-day counts itself."""
    return daily.refreshing(con, keys_sql=keys_sql) if count_days else nullcontext()


def upsert_items(con: duckdb.DuckDBPyConnection, frame: pa.Table, count_days: bool = True) -> tuple[int, int]:
    """Insert new items and update changed ones; returns (new, updated).

    Unchanged items (same content hash) are not written at all. An item whose
    text changed loses its score, so it is scored again. Call inside a
    transaction; `count_days=False` when the caller wraps it in its own
    daily.refreshing (one refresh for several writes).
    """
    if frame.num_rows == 0:
        return 0, 0
    con.register("incoming", frame)
    hashed = content_hash_sql("n")  # only for the rows that need it: new ones to insert, stored ones to compare
    columns = ", ".join(_FRAME_COLUMNS + ["content_hash"])
    values = ", ".join(f"n.{c}" for c in _FRAME_COLUMNS) + f", {hashed}"
    try:
        with _counting_days(con, count_days, "SELECT key FROM incoming"):  # the per-day counts stay exact
            # New items first: for a first collection (every item new) this join is the only one.
            new = con.execute(
                f"INSERT INTO items ({columns}) SELECT {values} FROM incoming n ANTI JOIN items i ON i.key = n.key"
            ).fetchall()[0][0]
            if new == frame.num_rows:
                return int(new), 0
            updated = con.execute(
                f"SELECT count(*) FROM incoming n JOIN items i ON i.key = n.key WHERE i.content_hash <> {hashed}"
            ).fetchall()[0][0]
            if not updated:
                return int(new), 0
            con.execute(
                f"""DELETE FROM scores WHERE item_key IN (
                     SELECT n.key FROM incoming n JOIN items i ON i.key = n.key
                     WHERE {raw_text_sql('i')} IS DISTINCT FROM {raw_text_sql('n')} OR i.title IS DISTINCT FROM n.title)"""
            )
            updates = ", ".join(
                f"{c} = excluded.{c}" for c in ITEM_COLUMNS if c not in ("key", "collected_at")
            )
            con.execute(
                f"""INSERT INTO items ({columns})
                    SELECT {values} FROM incoming n
                    WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.key = n.key AND i.content_hash = {hashed})
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


def unscored_among(con: duckdb.DuckDBPyConnection, frame: pa.Table) -> list[str]:
    """Which of these just-saved items (items_frame) have no score: new, text changed, or never scored.

    Deleted items are left out, as score_pending leaves them out.
    """
    if frame.num_rows == 0:
        return []
    con.register("just_saved", frame)
    try:
        rows = con.execute(
            """SELECT n.key FROM just_saved n ANTI JOIN scores s ON s.item_key = n.key
               WHERE n.deleted_at IS NULL ORDER BY n.key"""
        ).fetchall()
    finally:
        con.unregister("just_saved")
    return [r[0] for r in rows]


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
    """key, text, title, item_type, is_council of these items (deleted ones left out), in key order."""
    return con.execute(
        """SELECT key, text, title, item_type, is_council FROM items
           WHERE key IN (SELECT unnest(?::VARCHAR[])) AND deleted_at IS NULL
           ORDER BY key""",
        [keys],
    ).df()


def all_items_for_rescore(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT key, text, title, item_type, is_council FROM items WHERE deleted_at IS NULL ORDER BY key"
    ).df()


def save_scores(
    con: duckdb.DuckDBPyConnection, scores: pd.DataFrame, scored_at: datetime, count_days: bool = True
) -> int:
    """Upsert one score row per item_key. Officer corrections live in their own table.

    `count_days=False`: the caller keeps daily_counts itself (see upsert_items).
    """
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
        with _counting_days(con, count_days, "SELECT item_key AS key FROM new_scores"):  # per-day counts
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


def council_replies_and_parent_areas(con: duckdb.DuckDBPyConnection, thread_keys: list[str]) -> pd.DataFrame:
    """The council's scored replies in these threads: their score rows (scores' columns), key,
    parent_id, is_council, and their parent's stored service area (parent_area)."""
    return con.execute(
        """SELECT s.* EXCLUDE (scored_at), i.key, i.parent_id, i.is_council, ps.service_area AS parent_area
           FROM items i JOIN scores s ON s.item_key = i.key
           LEFT JOIN scores ps ON ps.item_key = i.parent_id
           WHERE i.is_council AND i.parent_id IS NOT NULL AND i.deleted_at IS NULL
             AND i.thread_id IN (SELECT unnest(?::VARCHAR[]))
           ORDER BY i.key""",
        [thread_keys],
    ).df()


def replies_for_threads(con: duckdb.DuckDBPyConnection, thread_keys: list[str], texts: bool = True) -> pd.DataFrame:
    """Every reply in these threads with its labels (corrections applied): the input to thread flagging.

    `texts=False`: each text's length (text_chars) in place of the text, for a caller that reads
    only the texts flagging compares (analysis.threads.needs_text; items_by_keys).
    """
    text = "i.text" if texts else "length(i.text) AS text_chars"
    return con.execute(
        f"""SELECT i.thread_id, i.key, i.parent_id, i.author_id, i.author_name, i.created_at,
                  i.is_council, {text}, i.source_id,
                  {SENTIMENT} AS sentiment, {FEEDBACK_CLASS} AS feedback_class,
                  s.compound, s.hostile, s.constructive_prob
           FROM items i {LABEL_JOINS}
           WHERE i.thread_id IN (SELECT unnest(?::VARCHAR[])) AND i.deleted_at IS NULL
             AND i.key <> i.thread_id
           ORDER BY i.thread_id, i.created_at""",
        [thread_keys],
    ).df()
