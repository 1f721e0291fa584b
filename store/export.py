"""Queries behind the weekly export, and the audit record of each export."""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pandas as pd

from store.labels import FEEDBACK_CLASS, LABEL_JOINS, SENTIMENT


def items_between(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    """Every scored or unscored item created in [start, end) (naive UTC), with its scores,
    officers' corrections applied, its source and its thread's flag.

    Labels are store.labels', as on the dashboard and in thread flagging.
    """
    return con.execute(
        f"""SELECT i.key AS item_key, src.name AS source, i.kind, i.item_type,
                  i.created_at, coalesce(i.thread_id, CASE WHEN i.item_type = 'post' THEN i.key END) AS thread_key,
                  i.parent_id, i.author_id, i.author_name, i.is_council, i.title, i.text, i.url,
                  {SENTIMENT} AS sentiment, s.compound, s.constructive_prob,
                  {FEEDBACK_CLASS} AS feedback_class, s.service_area, s.hostile,
                  coalesce(t.flagged, false) AS thread_flagged, s.model_version
           FROM items i
           JOIN sources src ON src.id = i.source_id
           {LABEL_JOINS}
           LEFT JOIN threads t ON t.thread_key = coalesce(i.thread_id, i.key)
           WHERE i.created_at >= ? AND i.created_at < ? AND i.deleted_at IS NULL
           ORDER BY i.created_at, i.key""",
        [start, end],
    ).df()


def source_accounts(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, list[str]]]:
    """Each source's declared accounts as sources.toml gave them: {name: {'council_accounts': [...],
    'official_accounts': [...]}} (empty lists where none are declared)."""
    accounts = {}
    for name, config in con.execute("SELECT name, config FROM sources ORDER BY name").fetchall():
        options = json.loads(config) if config else {}
        accounts[name] = {
            key: [str(a) for a in options.get(key) or [] if isinstance(a, str)]
            for key in ("council_accounts", "official_accounts")
        }
    return accounts
