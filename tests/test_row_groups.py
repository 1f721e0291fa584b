"""How a collection run leaves DuckDB's storage: row groups merged once, by the run, memory capped.

DuckDB merges small row groups in the checkpoint after each write; a run's saves defer
that (store.db.connect(defer_merges=True)) and the run merges once when collecting ends
(store.db.merge_row_groups), so neither its own saves nor a later write pay for it again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

import jobs.collect as runner
from collectors.items import Batch
from jobs.run import RunProgress, collect_and_score
from settings.sources import SourceConfig
from store.db import WRITE_MEMORY_LIMIT, WRITE_THREADS, connect, merge_row_groups
from tests.factories import comment, post, store_items

SOURCE = SourceConfig(name="Forum", kind="guardian")
WHEN = datetime(2026, 11, 20, 9)


def row_groups(db, table: str = "items") -> int:
    with connect(db, read_only=True) as con:
        return con.execute("SELECT count(DISTINCT row_group_id) FROM pragma_storage_info(?)", [table]).fetchall()[0][0]


def merged_at(db) -> datetime | None:
    with connect(db, read_only=True) as con:
        rows = con.execute("SELECT done_at FROM upkeep WHERE task = 'merge_row_groups'").fetchall()
    return rows[0][0] if rows else None


def thread(number: int, replies: int, kind: str = "guardian") -> list:
    root = post(f"p{number}", f"Thread {number} about the bins", WHEN, kind=kind)
    return [root] + [comment(f"c{number}-{n}", f"Reply {n} to thread {number}: the bins were missed again",
                             WHEN + timedelta(minutes=n), f"p{number}", author=f"resident{n % 7}", kind=kind)
                     for n in range(replies)]


class Pages:
    """A collector handing over the given pages, each with its own cursor."""

    def __init__(self, pages: list[list]):
        self.pages = pages

    def fetch(self, cursor):
        for number, items in enumerate(self.pages, start=1):
            yield Batch(items=list(items), cursor={"page": number})


def test_writes_that_defer_merges_keep_their_row_groups_until_the_merge(db_path):
    for number in range(3):
        with connect(db_path, defer_merges=True) as con:
            store_items(con, SOURCE, thread(number, 200))
    assert row_groups(db_path) == 3  # each write's rows as it wrote them
    assert merged_at(db_path) is None

    merge_row_groups(db_path)

    assert row_groups(db_path) == 1
    assert merged_at(db_path) is not None
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM items").fetchall() == [(603,)]


def test_the_merge_happens_even_while_this_process_holds_a_connection_that_deferred(db_path):
    for number in range(3):
        with connect(db_path, defer_merges=True) as con:
            store_items(con, SOURCE, thread(number, 200))
    with connect(db_path, defer_merges=True):  # the same DuckDB instance as the merge's connection
        merge_row_groups(db_path)
    assert row_groups(db_path) == 1


def text_compression(db) -> set[str]:
    """How the items table's text column is stored (Constant, for a segment of one value, left out)."""
    with connect(db, read_only=True) as con:
        rows = con.execute(
            "SELECT DISTINCT compression FROM pragma_storage_info('items') WHERE column_name = 'text'").fetchall()
    return {row[0] for row in rows} - {"Constant"}


def test_deferred_writes_commit_straight_into_the_file_with_text_in_zstd_and_the_merge_compresses_again(db_path):
    wal = Path(f"{db_path}.wal")
    for number in range(3):
        with connect(db_path, defer_merges=True) as con:
            store_items(con, SOURCE, thread(number, 2000))
            # committed by a checkpoint, not into the write-ahead log to be checkpointed at close
            assert not wal.exists() or wal.stat().st_size == 0
    assert text_compression(db_path) == {"ZSTD"}

    merge_row_groups(db_path)

    assert "ZSTD" not in text_compression(db_path)  # DuckDB's own choice for every merged segment
    with connect(db_path) as con:  # and a write afterwards keeps DuckDB's defaults
        assert con.execute("SELECT current_setting('force_compression')").fetchall() == [("auto",)]
        store_items(con, SOURCE, thread(3, 2000))
        assert wal.stat().st_size > 0


def test_writes_that_do_not_defer_merge_as_duckdb_always_has(db_path):
    for number in range(3):
        with connect(db_path) as con:
            store_items(con, SOURCE, thread(number, 200))
    assert row_groups(db_path) == 1


class SeesRowGroups(RunProgress):
    """Counts the items table's row groups as each source finishes (its connections closed)."""

    def __init__(self, db):
        self.db, self.seen = db, []

    def source_finished(self, result) -> None:
        self.seen.append(row_groups(self.db))


def test_a_run_defers_merging_while_it_saves_then_merges_once_and_a_rerun_with_nothing_new_does_not_merge(db_path, monkeypatch):
    monkeypatch.setattr(runner, "SAVE_EVERY_ITEMS", 150)  # several saves per source
    sources = [SourceConfig(name="Forum", kind="guardian"), SourceConfig(name="Other forum", kind="reddit")]
    pages = {"Forum": [thread(1, 120), thread(2, 120), thread(3, 120)], "Other forum": [thread(4, 120, "reddit")]}
    seen = SeesRowGroups(db_path)

    summary = collect_and_score(sources, db_path, None, seen, collectors={n: Pages(p) for n, p in pages.items()})

    assert [r.error for r in summary.results] == [None, None] and summary.scored == 484
    assert seen.seen[0] >= 2 and seen.seen[1] > seen.seen[0]  # saves kept their own row groups...
    assert row_groups(db_path) == 1 and row_groups(db_path, "scores") == 1  # ...until the run merged them
    first_merge = merged_at(db_path)
    assert first_merge is not None

    again = collect_and_score(sources, db_path, None, collectors={n: Pages(p) for n, p in pages.items()})

    assert [(r.new, r.updated) for r in again.results] == [(0, 0), (0, 0)] and again.scored == 0
    assert merged_at(db_path) == first_merge  # nothing new: nothing written, not even the merge


def test_write_connections_cap_duckdb_memory_and_threads_and_read_connections_keep_its_defaults(db_path):
    expected = duckdb.connect()
    expected.execute(f"SET memory_limit = '{WRITE_MEMORY_LIMIT}'")
    capped = expected.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    default = duckdb.connect().execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert capped != default

    default_threads = duckdb.connect().execute("SELECT current_setting('threads')").fetchall()[0][0]
    if default_threads == WRITE_THREADS:
        pytest.skip("DuckDB's default here is one thread: the write connections' setting cannot be told apart")

    with connect(db_path) as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] == capped
        assert con.execute("SELECT current_setting('threads')").fetchall()[0][0] == WRITE_THREADS
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] == default
        assert con.execute("SELECT current_setting('threads')").fetchall()[0][0] == default_threads
