"""Reads for the Trends page and the Overview's spikes: volume by feedback class, per source or service area.

Every aggregate is computed in DuckDB with `?` parameters; functions return small
frames. Periods arrive as [start, end) naive-UTC datetimes, days are London days
(store.days, as in store.queries), `source_ids` None means every source. Only the public's
items count (the council's own posts are not feedback), and labels are the ones
a reader sees (store.labels: officers' corrections win).

`by` chooses the split: None (everything together), "source" (the source's name,
unique) or "service_area" (the item's own, as the models tagged it and the weekly
export writes it; null when it names none). Whole-day periods, which is what the
dashboard asks for, are counted from store.daily's per-day table (exact, and a few
thousand rows for a million items); other bounds count the items themselves.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from store.days import london_day, whole_days
from store.labels import FEEDBACK_CLASS, LABEL_JOINS
from store.queries import _sources_clause  # one definition, shared with the Overview

SPLITS = ("source", "service_area")

# Public items one by one, in the columns of the per-day table (items = 1 each); {where} narrows them.
_ITEMS = f"""
    SELECT {london_day('i.created_at')} AS day, i.source_id, src.name AS source, s.service_area,
           {FEEDBACK_CLASS} AS feedback_class, coalesce(s.hostile, false) AS hostile, 1 AS items
    FROM items i {LABEL_JOINS}
    JOIN sources src ON src.id = i.source_id
    WHERE i.deleted_at IS NULL AND NOT i.is_council AND i.created_at >= ? AND i.created_at < ?{{where}}
"""
_DAILY = f"""
    SELECT d.day, d.source_id, src.name AS source, d.service_area, d.feedback_class, d.hostile, d.items
    FROM daily_counts d JOIN sources src ON src.id = d.source_id
    WHERE NOT d.is_council AND d.day >= {london_day('?')} AND d.day < {london_day('?')}
"""


def _counted(start: datetime, end: datetime) -> str:
    """The FROM source (aliased l) of public items in [start, end), one row per count of `items`."""
    if whole_days(start, end):
        return f"({_DAILY}) l"
    return f"({_ITEMS.format(where='')}) l"


def _group(by: str | None) -> str:
    """The SQL expression of a split (from this fixed list only, never from input)."""
    if by is None:
        return "'All'"
    if by not in SPLITS:
        raise ValueError(f"cannot split by {by!r}: only {', '.join(SPLITS)}")
    return f"l.{by}"


def class_volume(
    con: duckdb.DuckDBPyConnection,
    start: datetime,
    end: datetime,
    source_ids: list[int] | None = None,
    by: str | None = None,
) -> pd.DataFrame:
    """Public items per London day, group and feedback class: day, group, feedback_class, items, hostile.

    One row per non-empty cell; feedback_class null means not scored yet, group null
    means no service area. `hostile` counts the hostile items among `items`.
    """
    where, params = _sources_clause("l.source_id", source_ids)
    return con.execute(
        f"""SELECT l.day, {_group(by)} AS "group", l.feedback_class,
                   sum(l.items)::BIGINT AS items, coalesce(sum(l.items) FILTER (WHERE l.hostile), 0)::BIGINT AS hostile
            FROM {_counted(start, end)}
            WHERE true{where}
            GROUP BY ALL ORDER BY ALL""",
        [start, end, *params],
    ).df()


def group_summary(
    con: duckdb.DuckDBPyConnection,
    start: datetime,
    end: datetime,
    source_ids: list[int] | None = None,
    by: str | None = None,
) -> pd.DataFrame:
    """Per group, the period's totals: group, items, negative, neutral, positive, constructive,
    unscored, hostile. Groups with no items are absent; by None gives one row, group 'All'
    (with zeros when the period is empty)."""
    where, params = _sources_clause("l.source_id", source_ids)

    def total(condition: str) -> str:
        return f"coalesce(sum(l.items) FILTER (WHERE {condition}), 0)::BIGINT"

    frame = con.execute(
        f"""SELECT {_group(by)} AS "group", sum(l.items)::BIGINT AS items,
                   {total("l.feedback_class = 'negative'")} AS negative,
                   {total("l.feedback_class = 'neutral'")} AS neutral,
                   {total("l.feedback_class = 'positive'")} AS positive,
                   {total("l.feedback_class = 'constructive'")} AS constructive,
                   {total("l.feedback_class IS NULL")} AS unscored,
                   {total("l.hostile")} AS hostile
            FROM {_counted(start, end)}
            WHERE true{where}
            GROUP BY ALL ORDER BY items DESC, "group" """,
        [start, end, *params],
    ).df()
    if by is None and frame.empty:
        frame = pd.DataFrame([{"group": "All", **{c: 0 for c in frame.columns if c != "group"}}])
    return frame


def daily_spike_counts(
    con: duckdb.DuckDBPyConnection,
    start: datetime,
    end: datetime,
    source_ids: list[int] | None = None,
    by: str = "source",
) -> pd.DataFrame:
    """What spikes are measured on: day, group, items, negative, hostile per London day and group.

    Like store.alerts.daily_negative, items in silenced threads are left out (an
    officer asked not to be alerted about them): they are counted one by one and taken
    off the totals. Items with no service area are left out of the service-area split.
    """
    if by is None:
        raise ValueError("spikes are measured per source or per service area")
    where, params = _sources_clause("l.source_id", source_ids)
    group = _group(by)
    silenced = _ITEMS.format(where=" AND i.thread_id IN (SELECT thread_key FROM threads WHERE silenced)")

    def counts(source: str) -> str:
        return f"""SELECT l.day, {group} AS "group", sum(l.items) AS items,
                          coalesce(sum(l.items) FILTER (WHERE l.feedback_class = 'negative'), 0) AS negative,
                          coalesce(sum(l.items) FILTER (WHERE l.hostile), 0) AS hostile
                   FROM {source}
                   WHERE {group} IS NOT NULL{where}
                   GROUP BY ALL"""

    return con.execute(
        f"""WITH everything AS ({counts(_counted(start, end))}),
                 quiet AS ({counts(f"({silenced}) l")})
            SELECT e.day, e."group", (e.items - coalesce(q.items, 0))::BIGINT AS items,
                   (e.negative - coalesce(q.negative, 0))::BIGINT AS negative,
                   (e.hostile - coalesce(q.hostile, 0))::BIGINT AS hostile
            FROM everything e LEFT JOIN quiet q ON q.day = e.day AND q."group" = e."group"
            WHERE e.items > coalesce(q.items, 0)
            ORDER BY e.day, e."group" """,
        [start, end, *params, start, end, *params],
    ).df()


def spike_threads(
    con: duckdb.DuckDBPyConnection,
    start: datetime,
    end: datetime,
    source_ids: list[int] | None,
    by: str,
    group: str,
    measure: str = "negative",
    limit: int = 3,
) -> pd.DataFrame:
    """The threads behind a spike: those with most `measure` (negative or hostile) items in `group`
    in [start, end), silenced threads left out as in `daily_spike_counts`. Columns: thread_key, post,
    source, negative, hostile, items (counted in the group and window), flagged, reason, pileon_score.
    A news mention is its own thread."""
    if measure not in ("negative", "hostile"):
        raise ValueError(f"spikes measure negative or hostile items, not {measure!r}")
    if by not in SPLITS:
        raise ValueError(f"cannot split by {by!r}: only {', '.join(SPLITS)}")
    where, params = ("", []) if source_ids is None else (
        " AND i.source_id IN (SELECT unnest(?::INTEGER[]))", [list(source_ids)])
    negative, hostile = f"({FEEDBACK_CLASS}) = 'negative'", "coalesce(s.hostile, false)"
    top = con.execute(
        f"""SELECT coalesce(i.thread_id, i.key) AS thread_key, any_value(src.name) AS source,
                   count(*) FILTER (WHERE {negative}) AS negative, count(*) FILTER (WHERE {hostile}) AS hostile,
                   count(*) AS items
            FROM items i {LABEL_JOINS}
            JOIN sources src ON src.id = i.source_id
            LEFT JOIN threads st ON st.thread_key = i.thread_id
            WHERE i.deleted_at IS NULL AND NOT i.is_council AND i.created_at >= ? AND i.created_at < ?
              AND NOT coalesce(st.silenced, false)
              AND {"src.name" if by == "source" else "s.service_area"} = ?{where}
            GROUP BY 1
            HAVING count(*) FILTER (WHERE {negative if measure == "negative" else hostile}) > 0
            ORDER BY {measure} DESC, items DESC, thread_key
            LIMIT ?""",
        [start, end, group, *params, limit],
    ).df()
    keys = top["thread_key"].tolist()
    details = con.execute(
        """SELECT k.thread_key, coalesce(nullif(r.title, ''), r.text) AS post,
                  coalesce(t.flagged, false) AS flagged,
                  t.flag_reasons AS reason, t.pileon_score
           FROM (SELECT unnest(?::VARCHAR[]) AS thread_key) k
           LEFT JOIN items r ON r.key = k.thread_key
           LEFT JOIN threads t ON t.thread_key = k.thread_key""",
        [keys],
    ).df()
    out = top.merge(details, on="thread_key", how="left")
    out["post"] = out["post"].fillna("(original post not collected)")
    return out[["thread_key", "post", "source", "negative", "hostile", "items", "flagged", "reason", "pileon_score"]]


# The Quality page: officers' labels beside the model's, and which models scored the store.


def label_pairs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every officer label beside the model's current label for that item: field, officer, model, items.

    Like store.triage.label_agreement (which gives the totals), a label an officer
    confirmed counts as well as one they changed; deleted items are left out.
    """
    return con.execute(
        """SELECT c.field, c.value AS officer,
                  CASE c.field WHEN 'sentiment' THEN s.sentiment ELSE s.feedback_class END AS model,
                  count(*) AS items
           FROM label_corrections c
           JOIN items i ON i.key = c.item_key AND i.deleted_at IS NULL
           JOIN scores s ON s.item_key = c.item_key
           GROUP BY ALL ORDER BY ALL"""
    ).df()


def scored_versions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Which model versions scored the stored items: model_version, items, last_scored_at."""
    # Scores are deleted with their items (store.governance), so leaving out the few deleted items'
    # scores is enough; joining every score to its item cost ~0.3 s of CPU at a million items.
    return con.execute(
        """SELECT s.model_version, count(*) AS items, max(s.scored_at) AS last_scored_at
           FROM scores s ANTI JOIN (SELECT key FROM items WHERE deleted_at IS NOT NULL) d ON d.key = s.item_key
           GROUP BY ALL ORDER BY items DESC, s.model_version"""
    ).df()
