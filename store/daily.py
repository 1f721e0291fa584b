"""The per-day counts behind the Overview and Trends: `daily_counts`, kept exact in every write.

`daily_counts` holds, per UTC day, source, author side (council or public), item type,
service area and the labels a reader sees (store.labels: corrections win), how many
stored items (deleted ones left out) fall there. A year of a million items is a few
thousand to a few hundred thousand rows, so the Overview reads it instead of joining
every item with its score.

It stays exact because every write that can move an item between rows goes through
`refreshing`: the (day, source) groups the changed items are in before the change and
after it are recomputed from items, scores and corrections in the same transaction.
The writers are store.items (upsert_items, save_scores), store.triage.correct_label and
store.governance (purge, erase). A migration fills the table for existing databases;
`rebuild` recomputes it all (after a bulk load that bypassed those writers).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import count

import duckdb

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
    SELECT i.created_at::DATE AS day, i.source_id, i.is_council, i.item_type, s.service_area,
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

    `keys` are item keys, or `keys_sql` is a query returning a `key` column. The
    (day, source) groups those items are in before the block are noted; when it ends,
    the groups they are in now are added and every noted group is recomputed.
    """
    n = next(_names)
    keys_table, groups = f"daily_keys_{n}", f"daily_groups_{n}"
    if keys_sql is None:
        con.execute(f"CREATE TEMP TABLE {keys_table} AS SELECT DISTINCT unnest(?::VARCHAR[]) AS key",
                    [list(keys if keys is not None else [])])
    else:
        con.execute(f"CREATE TEMP TABLE {keys_table} AS SELECT DISTINCT key FROM ({keys_sql})")
    groups_of_keys = f"""SELECT DISTINCT i.created_at::DATE AS day, i.source_id FROM items i
                         WHERE i.key IN (SELECT key FROM {keys_table})"""
    try:
        con.execute(f"CREATE TEMP TABLE {groups} AS {groups_of_keys}")
        yield
        con.execute(f"INSERT INTO {groups} {groups_of_keys}")
        refresh_groups(con, groups)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {keys_table}")
        con.execute(f"DROP TABLE IF EXISTS {groups}")


def refresh_groups(con: duckdb.DuckDBPyConnection, groups: str) -> None:
    """Recompute the (day, source_id) rows listed in the table `groups`."""
    con.execute(
        f"""DELETE FROM daily_counts d
            WHERE EXISTS (SELECT 1 FROM {groups} g WHERE g.day = d.day AND g.source_id = d.source_id)"""
    )
    where = f"""EXISTS (SELECT 1 FROM {groups} g
                        WHERE g.day = i.created_at::DATE AND g.source_id = i.source_id)"""
    con.execute(f"INSERT INTO daily_counts ({', '.join(COLUMNS)}) " + _COUNTS.format(where=where))


def raw_counts(con: duckdb.DuckDBPyConnection):
    """What daily_counts should hold, computed from scratch, in a stable order (for checks and tests)."""
    order = ", ".join(COLUMNS)
    return con.execute(f"SELECT * FROM ({_COUNTS.format(where='true')}) ORDER BY {order}").df()


def stored_counts(con: duckdb.DuckDBPyConnection):
    """daily_counts as stored, in the same order as raw_counts."""
    order = ", ".join(COLUMNS)
    return con.execute(f"SELECT {order} FROM daily_counts ORDER BY {order}").df()
