"""The per-day counts behind the Overview and Trends: `daily_counts`, kept exact in every write.

`daily_counts` holds, per London day (store.days), source, author side (council or public), item type,
service area and the labels a reader sees (store.labels: corrections win), how many
stored items (deleted ones left out) fall there. A year of a million items is a few
thousand to a few hundred thousand rows, so the Overview reads it instead of joining
every item with its score.

It stays exact because every write that can move an item between rows goes through
`refreshing`: what the changed items count for before the change is taken off and what
they count for after it is added, in the same transaction (a group that would go
negative, which only a write around these hooks could cause, is recounted).
The writers are store.items (upsert_items, save_scores), store.triage.correct_label and
store.governance (purge, erase). A migration fills the table for existing databases;
`rebuild` recomputes it all (after a bulk load that bypassed those writers).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import count

import duckdb
import pyarrow as pa

from store.days import london_day
from store.labels import FEEDBACK_CLASS, LABEL_JOINS, SENTIMENT

COLUMNS = ("day", "source_id", "is_council", "item_type", "service_area",
           "feedback_class", "sentiment", "hostile", "items")

CREATE_TABLE = """CREATE TABLE daily_counts (
    day DATE NOT NULL,
    source_id INTEGER NOT NULL,
    is_council BOOLEAN NOT NULL,
    item_type VARCHAR NOT NULL,
    service_area VARCHAR,
    feedback_class VARCHAR,
    sentiment VARCHAR,
    hostile BOOLEAN NOT NULL,
    items BIGINT NOT NULL
)"""

# The counts of the stored items that pass {where} (on items aliased `i`), grouped as the table is.
_COUNTS = f"""
    SELECT {london_day('i.created_at')} AS day, i.source_id, i.is_council, i.item_type, s.service_area,
           {FEEDBACK_CLASS} AS feedback_class, {SENTIMENT} AS sentiment,
           coalesce(s.hostile, false) AS hostile, count(*) AS items
    FROM items i {LABEL_JOINS}
    WHERE i.deleted_at IS NULL AND {{where}}
    GROUP BY ALL
"""

# Every stored item: what the migration fills the table with, and what rebuild writes.
FILL = f"INSERT INTO daily_counts ({', '.join(COLUMNS)}) " + _COUNTS.format(where="true")

_names = count()


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute the whole table from items, scores and corrections. Call inside a transaction."""
    con.execute("DELETE FROM daily_counts")
    con.execute(FILL)


@contextmanager
def refreshing(
    con: duckdb.DuckDBPyConnection, keys: Iterable[str] | None = None, keys_sql: str | None = None
) -> Iterator[None]:
    """Keep daily_counts exact across a change to these items (call inside the change's transaction).

    `keys` are item keys (any iterable, or an Arrow array), or `keys_sql` is a query
    returning a `key` column. What those items count for is noted before the block and
    again after it; the difference is added to the table. The cost follows the number of items
    changed, not the size of the store.
    """
    n = next(_names)
    keys_table, before = f"daily_keys_{n}", f"daily_before_{n}"
    if keys_sql is None:
        # Handed over as Arrow: binding a list of strings as a parameter converts each one (0.8 us
        # a key, ~35 ms for a save of 40k).
        if not isinstance(keys, (pa.Array, pa.ChunkedArray)):
            keys = pa.array(list(keys) if keys is not None else [], pa.string())
        view = f"daily_given_{n}"
        con.register(view, pa.table({"key": keys}))
        try:
            con.execute(f"CREATE TEMP TABLE {keys_table} AS SELECT DISTINCT key::VARCHAR AS key FROM {view}")
        finally:
            con.unregister(view)
    else:
        con.execute(f"CREATE TEMP TABLE {keys_table} AS SELECT DISTINCT key FROM ({keys_sql})")
    counts = _COUNTS.format(where=f"i.key IN (SELECT key FROM {keys_table})")
    try:
        con.execute(f"CREATE TEMP TABLE {before} AS {counts}")
        yield
        _add(con, f"SELECT {_DIMENSIONS}, -items AS items FROM {before} UNION ALL {counts}", n)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {keys_table}")
        con.execute(f"DROP TABLE IF EXISTS {before}")


_DIMENSIONS = ", ".join(COLUMNS[:-1])


def _add(con: duckdb.DuckDBPyConnection, changes_sql: str, n: int) -> None:
    """Add signed counts (rows in the table's columns) to daily_counts, group by group."""
    delta, merged = f"daily_delta_{n}", f"daily_merged_{n}"
    same_group = "x.day = d.day AND x.source_id = d.source_id"
    try:
        con.execute(f"""CREATE TEMP TABLE {delta} AS SELECT {_DIMENSIONS}, sum(items) AS items
                        FROM ({changes_sql}) GROUP BY ALL HAVING sum(items) <> 0""")
        # Every row of the (day, source) groups that change, plus the changes, summed: NULLs group together.
        con.execute(f"""CREATE TEMP TABLE {merged} AS SELECT {_DIMENSIONS}, sum(items)::BIGINT AS items FROM (
                            SELECT {_DIMENSIONS}, items FROM daily_counts d
                            WHERE EXISTS (SELECT 1 FROM {delta} x WHERE {same_group})
                            UNION ALL SELECT {_DIMENSIONS}, items FROM {delta})
                        GROUP BY ALL HAVING sum(items) <> 0""")
        con.execute(f"DELETE FROM daily_counts d WHERE EXISTS (SELECT 1 FROM {delta} x WHERE {same_group})")
        con.execute(f"INSERT INTO daily_counts ({', '.join(COLUMNS)}) SELECT {', '.join(COLUMNS)} FROM {merged}")
        if con.execute(f"SELECT count(*) FROM {merged} WHERE items < 0").fetchall()[0][0]:
            # The table had drifted (a write that bypassed these hooks): recount those groups.
            con.execute(f"CREATE OR REPLACE TEMP TABLE {merged} AS SELECT DISTINCT day, source_id FROM {delta}")
            refresh_groups(con, merged)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {delta}")
        con.execute(f"DROP TABLE IF EXISTS {merged}")


def refresh_groups(con: duckdb.DuckDBPyConnection, groups: str) -> None:
    """Recount the (day, source_id) rows listed in the table `groups` from the items themselves."""
    con.execute(
        f"""DELETE FROM daily_counts d
            WHERE EXISTS (SELECT 1 FROM {groups} g WHERE g.day = d.day AND g.source_id = d.source_id)"""
    )
    where = f"""EXISTS (SELECT 1 FROM {groups} g
                        WHERE g.day = {london_day('i.created_at')} AND g.source_id = i.source_id)"""
    con.execute(f"INSERT INTO daily_counts ({', '.join(COLUMNS)}) " + _COUNTS.format(where=where))


def raw_counts(con: duckdb.DuckDBPyConnection):
    """What daily_counts should hold, computed from scratch, in a stable order (for checks and tests)."""
    order = ", ".join(COLUMNS)
    return con.execute(f"SELECT * FROM ({_COUNTS.format(where='true')}) ORDER BY {order}").df()


def stored_counts(con: duckdb.DuckDBPyConnection):
    """daily_counts as stored, in the same order as raw_counts."""
    order = ", ".join(COLUMNS)
    return con.execute(f"SELECT {order} FROM daily_counts ORDER BY {order}").df()
