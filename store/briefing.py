"""Reads behind the weekly briefing and the Trends page's phrases that store.export and store.queries
do not already make: the replies of chosen threads, and the texts of the public's items of some classes."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from store.export import source_accounts
from store.labels import FEEDBACK_CLASS, LABEL_JOINS
from store.queries import _sources_clause


def replies_of(con: duckdb.DuckDBPyConnection, thread_keys: list[str]) -> pd.DataFrame:
    """Every stored reply of these threads (for analysis.reply_effect): thread_id, created_at, is_council,
    feedback_class, hostile, compound."""
    return con.execute(
        f"""SELECT i.thread_id, i.created_at, i.is_council, {FEEDBACK_CLASS} AS feedback_class,
                   coalesce(s.hostile, false) AS hostile, s.compound
            FROM items i {LABEL_JOINS}
            WHERE i.deleted_at IS NULL AND i.thread_id IN (SELECT unnest(?::VARCHAR[])) AND i.key <> i.thread_id
            ORDER BY i.thread_id, i.created_at, i.key""",
        [list(thread_keys)],
    ).df()


def class_texts(
    con: duckdb.DuckDBPyConnection,
    start: datetime,
    end: datetime,
    classes: list[str] | tuple[str, ...],
    source_ids: list[int] | None = None,
    limit: int = 20_000,
) -> pd.DataFrame:
    """The public's items of these feedback classes created in [start, end), newest first, at most `limit`
    per class: created_at, feedback_class, text (headline and text together)."""
    where, params = _sources_clause("i.source_id", source_ids)
    return con.execute(
        f"""SELECT created_at, feedback_class, text FROM (
                SELECT i.created_at, {FEEDBACK_CLASS} AS feedback_class,
                       trim(coalesce(i.title, '') || ' ' || i.text) AS text,
                       row_number() OVER (PARTITION BY {FEEDBACK_CLASS} ORDER BY i.created_at DESC, i.key) AS n
                FROM items i {LABEL_JOINS}
                WHERE i.deleted_at IS NULL AND NOT i.is_council AND i.created_at >= ? AND i.created_at < ?{where}
            ) WHERE feedback_class IN (SELECT unnest(?::VARCHAR[])) AND n <= ?
            ORDER BY created_at DESC""",
        [start, end, *params, list(classes), limit],
    ).df()


def council_account_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every council account any source declares, and the council's authors' stored names."""
    names = {a for accounts in source_accounts(con).values() for a in accounts["council_accounts"]}
    names |= {r[0] for r in con.execute(
        "SELECT DISTINCT author_name FROM items WHERE is_council AND author_name IS NOT NULL LIMIT 50").fetchall()}
    return sorted(names)
