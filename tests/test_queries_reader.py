"""store.db.reading: the dashboard's reads share one read-only instance of the file, and let writers in.

Opening a DuckDB file costs ~25 ms of CPU; a page makes about ten reads. `reading`
keeps the file open while reads keep coming and closes it soon after the last one,
so a collector writing from another process, or an officer's action in this one,
still gets the file.
"""

from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from store import db as store_db
from store.db import connect, reading, transaction
from store.governance import record_action


def _actions(con) -> int:
    return con.execute("SELECT count(*) FROM actions").fetchall()[0][0]


def _write(path, errors) -> None:
    try:
        with connect(path) as con, transaction(con):
            record_action(con, "collector", "note", "written from another process", datetime(2026, 11, 2))
    except Exception as error:  # noqa: BLE001 (reported to the parent, which fails the test)
        errors.put(repr(error))


def test_reads_share_one_open_file(db_path):
    with reading(db_path) as first:
        assert _actions(first) == 0
        with reading(db_path) as second:  # nested, as concurrent sessions' reads are
            assert _actions(second) == 0
        shared = store_db._readers[db_path.resolve()]
    with reading(db_path) as third:
        _actions(third)
        assert store_db._readers[db_path.resolve()] is shared  # still open: not opened again
    with ThreadPoolExecutor(8) as pool:
        def read_once(_):
            with reading(db_path) as con:
                return _actions(con)

        assert list(pool.map(read_once, range(40))) == [0] * 40


def test_a_write_in_this_process_closes_the_idle_reader(db_path):
    with reading(db_path) as con:
        assert _actions(con) == 0
    with connect(db_path) as con, transaction(con):  # same process: DuckDB refuses while a reader is open
        record_action(con, "officer", "note", "saved", datetime(2026, 11, 2))
    assert db_path.resolve() not in store_db._readers
    with reading(db_path) as con:
        assert _actions(con) == 1


def test_a_writer_in_another_process_gets_the_file_once_reads_stop(db_path, monkeypatch):
    monkeypatch.setattr(store_db, "READ_IDLE_S", 0.05)
    with connect(db_path):
        pass
    ctx = mp.get_context("spawn")
    errors = ctx.Queue()
    writer = ctx.Process(target=_write, args=(db_path, errors))
    with reading(db_path) as con:
        writer.start()  # it waits (retrying) while this process holds the file
        for _ in range(20):
            assert _actions(con) == 0
    writer.join(timeout=120)
    assert errors.empty() and writer.exitcode == 0
    with reading(db_path) as con:  # opened again after the writer: its row is there
        assert _actions(con) == 1
