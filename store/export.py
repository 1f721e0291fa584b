"""Queries behind the weekly export, and the audit record of each export."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd


def items_between(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    """Every scored or unscored item created in [start, end) (naive UTC), with its scores,
    officers' corrections applied, its source and its thread's flag.

    As on the dashboard (store.queries), a sentiment correction also moves the
    feedback class unless the item is constructive, and a class correction wins.
    """
    return con.execute(
        """SELECT i.key AS item_key, s_.name AS source, i.kind, i.item_type,
                  i.created_at, coalesce(i.thread_id, CASE WHEN i.item_type = 'post' THEN i.key END) AS thread_key,
                  i.parent_id, i.author_id, i.author_name, i.is_council, i.title, i.text, i.url,
                  coalesce(cs.value, sc.sentiment) AS sentiment, sc.compound, sc.constructive_prob,
                  coalesce(cf.value, CASE WHEN sc.feedback_class = 'constructive' THEN 'constructive'
                                          ELSE coalesce(cs.value, sc.feedback_class) END) AS feedback_class,
                  sc.service_area, sc.hostile,
                  coalesce(t.flagged, false) AS thread_flagged, sc.model_version
           FROM items i
           JOIN sources s_ ON s_.id = i.source_id
           LEFT JOIN scores sc ON sc.item_key = i.key
           LEFT JOIN label_corrections cs ON cs.item_key = i.key AND cs.field = 'sentiment'
           LEFT JOIN label_corrections cf ON cf.item_key = i.key AND cf.field = 'feedback_class'
           LEFT JOIN threads t ON t.thread_key = coalesce(i.thread_id, i.key)
           WHERE i.created_at >= ? AND i.created_at < ? AND i.deleted_at IS NULL
           ORDER BY i.created_at, i.key""",
        [start, end],
    ).df()
