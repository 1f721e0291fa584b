"""Every read the dashboard makes: parameterised SQL, aggregates computed in DuckDB.

Functions take an open connection (the app a cursor from store.db.reading, tests an
in-memory database) and return small frames or plain values. Periods arrive as
[start, end) naive-UTC datetimes; `source_ids` None means every source. Days are London's
(store.days); counts by day and class over whole days read store.daily's per-day table.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from settings.clock import london_date
from store.days import london_day, whole_days
from store.db import fetch_one
from store.labels import FEEDBACK_CLASS, LABEL_JOINS, SENTIMENT

TRIAGE_STATUSES = ("new", "acknowledged", "in_progress", "responded", "closed")
OPEN_STATUSES = ("new", "acknowledged", "in_progress")
EXCERPT_CHARS = 120

# Each item with the class a reader should see (store.labels: corrections win).
_LABELLED = f"""
    SELECT i.key, i.source_id, i.item_type, i.thread_id, i.parent_id, i.created_at,
           i.is_council, s.compound, coalesce(s.hostile, false) AS hostile,
           {SENTIMENT} AS sentiment, {FEEDBACK_CLASS} AS feedback_class
    FROM items i {LABEL_JOINS}
    WHERE i.deleted_at IS NULL
"""

# A root post's one-line description for lists: its title, else the start of its text.
_EXCERPT = f"""
    CASE WHEN r.key IS NULL THEN '(original post not collected)'
         ELSE (CASE WHEN length(x.line) > {EXCERPT_CHARS}
                    THEN rtrim(left(x.line, {EXCERPT_CHARS - 1})) || '…' ELSE x.line END)
    END
"""
_EXCERPT_SOURCE = """
    LEFT JOIN {roots} r ON r.key = t.thread_key
    CROSS JOIN LATERAL (
        SELECT trim(regexp_replace(coalesce(nullif(r.title, ''), r.text, ''), '\\s+', ' ', 'g')) AS line
    ) x
"""

# Up to this many threads, a list is narrowed to its threads first and their root posts are
# read by key through the primary-key index (DuckDB uses it for an IN list of up to 2,048
# values); joining every item instead reads the key, title and text of the whole table.
INDEX_LOOKUP_MAX = 2_000


def _narrowed(
    con: duckdb.DuckDBPyConnection, filters: str, params: list, order: str, limit: int | None
) -> tuple[str, str, list]:
    """(threads, roots, params): the FROM sources of a thread list with its root posts.

    When the threads passing `filters` (in `order`, up to `limit`) are few, both are
    cut down to those keys; otherwise they are the whole threads and items tables.
    The caller still applies its filters, so the result is the same either way.
    """
    sql = f"SELECT t.thread_key FROM threads t WHERE {filters} ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT ?"
        params = [*params, limit]
    keys = [row[0] for row in con.execute(sql, params).fetchall()]
    if len(keys) > INDEX_LOOKUP_MAX:
        return "threads", "items", []
    if not keys:
        return "(SELECT * FROM threads WHERE false)", "(SELECT * FROM items WHERE false)", []
    marks = ", ".join("?" * len(keys))
    return (
        f"(SELECT * FROM threads WHERE thread_key IN ({marks}))",
        f"(SELECT key, title, text FROM items WHERE key IN ({marks}))",
        [*keys, *keys],
    )


def _sources_clause(column: str, source_ids: list[int] | tuple[int, ...] | None) -> tuple[str, list]:
    if source_ids is None:
        return "", []
    return f" AND {column} IN (SELECT unnest(?::INTEGER[]))", [list(source_ids)]


# Settings and shape of the store.


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    row = fetch_one(con, "SELECT value FROM settings WHERE name = 'demo'")
    return bool(row and str(row[0]).strip().lower() == "true")


def item_date_range(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    """The London days of the earliest and the latest stored item (None, None when empty)."""
    row = fetch_one(con, "SELECT min(created_at), max(created_at) FROM items WHERE deleted_at IS NULL")
    if not row or row[0] is None:
        return None, None
    return london_date(row[0]), london_date(row[1])


def source_list(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """id, name, kind of every configured source, by name."""
    return con.execute("SELECT id, name, kind FROM sources ORDER BY lower(name), id").df()


# Overview.


def _counts_source(start: datetime, end: datetime) -> tuple[str, str, str]:
    """(FROM, day expression, count expression) of public items by class in [start, end).

    Whole days read daily_counts (a few rows per day and source, kept exact by
    store.daily); any other bounds count the items themselves.
    """
    if whole_days(start, end):
        return (f"(SELECT * FROM daily_counts WHERE day >= {london_day('?')} AND day < {london_day('?')}) l", "l.day",
                "sum(l.items)")
    return f"({_LABELLED} AND i.created_at >= ? AND i.created_at < ?) l", london_day("l.created_at"), "count(*)"


def period_summary(
    con: duckdb.DuckDBPyConnection,
    start: datetime,
    end: datetime,
    source_ids: list[int] | None = None,
) -> dict:
    """Public items in [start, end): volume, scored, negative; and open flagged threads active then.

    The council's own posts are not public feedback and are not counted.
    """
    where, params = _sources_clause("l.source_id", source_ids)
    source, _, counted = _counts_source(start, end)
    items, scored, negative = con.execute(
        f"""SELECT coalesce({counted}, 0)::BIGINT,
                   coalesce({counted} FILTER (WHERE l.feedback_class IS NOT NULL), 0)::BIGINT,
                   coalesce({counted} FILTER (WHERE l.feedback_class = 'negative'), 0)::BIGINT
            FROM {source}
            WHERE NOT l.is_council{where}""",
        [start, end, *params],
    ).fetchall()[0]
    return {
        "items": int(items),
        "scored": int(scored),
        "negative": int(negative),
        "open_flagged": open_flagged_count(con, start, end, source_ids),
    }


def open_flagged_count(
    con: duckdb.DuckDBPyConnection, start: datetime, end: datetime, source_ids: list[int] | None = None
) -> int:
    """Flagged threads, not yet responded to or closed, with public replies in [start, end)."""
    where, params = _sources_clause("t.source_id", source_ids)
    row = fetch_one(
        con,
        f"""SELECT count(*) FROM threads t
            WHERE t.flagged AND NOT t.silenced AND t.status IN (SELECT unnest(?::VARCHAR[]))
              AND t.last_reply_at >= ? AND t.first_reply_at < ?{where}""",
        [list(OPEN_STATUSES), start, end, *params],
    )
    return int(row[0])


def daily_counts(
    con: duckdb.DuckDBPyConnection,
    start: datetime,
    end: datetime,
    source_ids: list[int] | None = None,
) -> pd.DataFrame:
    """Public items per London day and feedback class (null class: not scored yet)."""
    where, params = _sources_clause("l.source_id", source_ids)
    source, day, counted = _counts_source(start, end)
    return con.execute(
        f"""SELECT {day} AS day, l.feedback_class, {counted}::BIGINT AS items
            FROM {source}
            WHERE NOT l.is_council{where}
            GROUP BY ALL ORDER BY day, l.feedback_class""",
        [start, end, *params],
    ).df()


# Flagged threads.


def flagged_queue(
    con: duckdb.DuckDBPyConnection,
    start: datetime,
    end: datetime,
    source_ids: list[int] | None = None,
    statuses: list[str] | tuple[str, ...] | None = None,
    text: str | None = None,
    limit: int | None = None,
    assignees: list[str] | tuple[str, ...] | None = None,
    service_areas: list[str] | tuple[str, ...] | None = None,
    started_after: datetime | None = None,
    started_before: datetime | None = None,
) -> pd.DataFrame:
    """Flagged threads active in [start, end), most urgent (highest pile-on score) first.

    `statuses` None means every status; `text` keeps threads whose post title,
    post text, reason or any reply contains it (case-insensitive, taken literally);
    `assignees` keeps threads assigned to one of them ('' for unassigned);
    `service_areas` keeps threads with an item in one of them; `started_after` /
    `started_before` bound the thread's first reply (its age).
    """
    where, params = _sources_clause("t.source_id", source_ids)
    if statuses is not None:
        where += " AND t.status IN (SELECT unnest(?::VARCHAR[]))"
        params.append(list(statuses))
    if assignees:
        where += " AND coalesce(t.assignee, '') IN (SELECT unnest(?::VARCHAR[]))"
        params.append(list(assignees))
    if started_after is not None:
        where += " AND t.first_reply_at >= ?"
        params.append(started_after)
    if started_before is not None:
        where += " AND t.first_reply_at < ?"
        params.append(started_before)
    filters = f"t.flagged AND NOT t.silenced AND t.last_reply_at >= ? AND t.first_reply_at < ?{where}"
    areas, area_params = "", []
    if service_areas:
        # the threads of the items in those areas: the thread an item replies in, and the one it is the root of
        areas = """ AND t.thread_key IN (
                        SELECT unnest([a.key, a.thread_id]) FROM items a JOIN scores sa ON sa.item_key = a.key
                        WHERE sa.service_area IN (SELECT unnest(?::VARCHAR[])))"""
        area_params = [list(service_areas)]
    order = "t.pileon_score DESC, t.last_reply_at DESC, t.thread_key"
    searching = bool(text and text.strip())
    threads, roots, keys = _narrowed(
        con, filters + areas, [start, end, *params, *area_params], order, None if searching else limit)
    if threads == "threads":  # not narrowed to the threads that passed: the areas are checked here
        filters += areas
        params += area_params
    if searching:
        # Threads whose replies say it, found first: with the text filter in the same query DuckDB
        # reads every item's text (~0.1-0.2 s at a million items); apart, ~1 ms for the threads that passed.
        said = _threads_with_replies_containing(con, text.strip(), None if threads == "threads" else keys[: len(keys) // 2])
        filters += """ AND (contains(lower(concat_ws(' ', r.title, r.text, t.flag_reasons)), lower(?))
                            OR t.thread_key IN (SELECT unnest(?::VARCHAR[])))"""
        params += [text.strip(), said]
    sql = f"""
        SELECT t.thread_key, {_EXCERPT} AS post, coalesce(s.name, '(unknown source)') AS source,
               t.flag_reasons AS reason, t.pileon_score, t.reply_count, t.negative_count,
               t.author_count, t.last_reply_at, t.status, t.assignee
        FROM {threads} t
        {_EXCERPT_SOURCE.format(roots=roots)}
        LEFT JOIN sources s ON s.id = t.source_id
        WHERE {filters}
        ORDER BY {order}"""
    all_params = [*keys, start, end, *params]
    if limit is not None:
        sql += " LIMIT ?"
        all_params.append(limit)
    return con.execute(sql, all_params).df()


def _threads_with_replies_containing(con: duckdb.DuckDBPyConnection, text: str, thread_keys: list[str] | None,
                                     ) -> list[str]:
    """The threads (of `thread_keys`; of every item when None) with a stored reply containing `text`
    (case-insensitive, taken literally). The threads' replies are read first and materialised, so only
    their texts are searched."""
    if thread_keys is None:
        rows = con.execute("SELECT DISTINCT thread_id FROM items WHERE deleted_at IS NULL AND thread_id IS NOT NULL "
                           "AND contains(lower(text), lower(?))", [text]).fetchall()
    elif not thread_keys:
        return []
    else:
        rows = con.execute(
            """WITH replies AS MATERIALIZED (
                   SELECT thread_id, text FROM items
                   WHERE deleted_at IS NULL AND thread_id IN (SELECT unnest(?::VARCHAR[])))
               SELECT DISTINCT thread_id FROM replies WHERE contains(lower(text), lower(?))""",
            [thread_keys, text]).fetchall()
    return [row[0] for row in rows]


# One thread.


def thread_detail(con: duckdb.DuckDBPyConnection, thread_key: str) -> dict | None:
    """The root post and the thread's flag summary; None when neither is stored."""
    rows = con.execute(
        """SELECT k.key AS thread_key, r.key IS NOT NULL AS root_stored, r.title, r.text, r.url,
                  r.author_name, r.created_at, r.is_council,
                  coalesce(s.name, '(unknown source)') AS source, s.kind,
                  coalesce(t.flagged, false) AS flagged, t.flag_reasons, t.pileon_score,
                  coalesce(t.reply_count, 0) AS reply_count,
                  coalesce(t.negative_count, 0) AS negative_count,
                  coalesce(t.author_count, 0) AS author_count,
                  t.first_reply_at, t.last_reply_at, coalesce(t.status, 'new') AS status, t.assignee
           FROM (SELECT ? AS key) k
           LEFT JOIN items r ON r.key = k.key
           LEFT JOIN threads t ON t.thread_key = k.key
           LEFT JOIN sources s ON s.id = coalesce(r.source_id, t.source_id)
           WHERE r.key IS NOT NULL OR t.thread_key IS NOT NULL""",
        [thread_key],
    ).df()
    if rows.empty:
        return None
    return rows.iloc[0].to_dict()


def thread_replies(con: duckdb.DuckDBPyConnection, thread_key: str) -> pd.DataFrame:
    """Every stored reply of a thread, oldest first, with its class and compound score.

    The labels are store.labels', written out over one read of the thread's items.
    """
    return con.execute(
        f"""SELECT i.key, i.parent_id, i.author_name, i.created_at, i.is_council,
                  {SENTIMENT} AS sentiment, {FEEDBACK_CLASS} AS feedback_class,
                  s.compound, coalesce(s.hostile, false) AS hostile, i.text, i.url
           FROM items i {LABEL_JOINS}
           WHERE i.deleted_at IS NULL AND i.thread_id = ? AND i.key <> ?
           ORDER BY i.created_at, i.key""",
        [thread_key, thread_key],
    ).df()


def thread_choices(
    con: duckdb.DuckDBPyConnection,
    start: datetime,
    end: datetime,
    source_ids: list[int] | None = None,
    limit: int = 300,
) -> pd.DataFrame:
    """Threads with public replies in [start, end): flagged first, then most recently active."""
    where, params = _sources_clause("t.source_id", source_ids)
    filters = f"t.reply_count > 0 AND t.last_reply_at >= ? AND t.first_reply_at < ?{where}"
    order = "t.flagged DESC, t.last_reply_at DESC, t.thread_key"
    threads, roots, keys = _narrowed(con, filters, [start, end, *params], order, limit)
    return con.execute(
        f"""SELECT t.thread_key, {_EXCERPT} AS post, coalesce(s.name, '(unknown source)') AS source,
                   t.flagged, t.reply_count, t.last_reply_at
            FROM {threads} t
            {_EXCERPT_SOURCE.format(roots=roots)}
            LEFT JOIN sources s ON s.id = t.source_id
            WHERE {filters}
            ORDER BY {order}
            LIMIT ?""",
        [*keys, start, end, *params, limit],
    ).df()


# Export.


def count_items_between(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> int:
    """How many stored items were created in [start, end): what a weekly export will hold."""
    row = fetch_one(
        con,
        "SELECT count(*) FROM items WHERE deleted_at IS NULL AND created_at >= ? AND created_at < ?",
        [start, end],
    )
    return int(row[0])


def service_areas(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every service area the models have assigned to a stored item, by name."""
    rows = con.execute(
        "SELECT DISTINCT service_area FROM scores WHERE service_area IS NOT NULL ORDER BY service_area"
    ).fetchall()
    return [r[0] for r in rows]
