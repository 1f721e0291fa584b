"""Real processes at once: a collector writing batches, a dashboard reading, an officer acting.

DuckDB lets one process write at a time; store.db.connect retries while the file is
held. Nothing may fail and nothing may be lost: every row written is counted at the end.
"""

import multiprocessing as mp
from datetime import datetime, timedelta

from collectors.items import Item
from jobs.collect import item_row
from settings.sources import SourceConfig
from store.db import connect, transaction
from store.governance import record_action
from store.items import items_frame, upsert_items
from store.sources import sync_source

ROUNDS = 15
BATCH = 40
SOURCE = SourceConfig(name="Busy source", kind="guardian", options={"discussions": ["/p/1"]})


def collector(path, errors):
    try:
        start = datetime(2026, 11, 1)
        for round_ in range(ROUNDS):
            items = [
                Item(kind="guardian", native_id=f"{round_}-{n}", item_type="comment",
                     created_at=start + timedelta(minutes=round_ * BATCH + n), raw_text=f"comment {round_}/{n}",
                     thread_id="guardian:/p/1", parent_id="guardian:/p/1", author_id=f"a{n}")
                for n in range(BATCH)
            ]
            with connect(path) as con, transaction(con):
                source_id = sync_source(con, SOURCE.name, SOURCE.kind, SOURCE.as_dict())
                rows = [item_row(i, SOURCE, source_id, start) for i in items]
                upsert_items(con, items_frame(rows))
    except Exception as error:  # reported to the parent, which fails the test
        errors.put(f"collector: {error!r}")


def dashboard(path, errors, stop):
    try:
        while not stop.is_set():
            with connect(path, read_only=True) as con:
                con.execute("SELECT count(*), max(created_at) FROM items").fetchall()
    except Exception as error:
        errors.put(f"dashboard: {error!r}")


def officer(path, errors):
    try:
        for n in range(ROUNDS):
            with connect(path) as con, transaction(con):
                record_action(con, "officer:test", "note", f"note {n}", datetime(2026, 11, 2))
    except Exception as error:
        errors.put(f"officer: {error!r}")


def test_writers_and_readers_in_separate_processes_lose_nothing(tmp_path):
    path = tmp_path / "busy.duckdb"
    with connect(path):
        pass
    ctx = mp.get_context("spawn")  # fresh processes: no DuckDB state shared by fork
    errors, stop = ctx.Queue(), ctx.Event()
    readers = [ctx.Process(target=dashboard, args=(path, errors, stop)) for _ in range(2)]
    writers = [ctx.Process(target=collector, args=(path, errors)), ctx.Process(target=officer, args=(path, errors))]
    for process in readers + writers:
        process.start()
    for process in writers:
        process.join(timeout=180)
    stop.set()
    for process in readers:
        process.join(timeout=60)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == []
    assert all(p.exitcode == 0 for p in readers + writers)
    with connect(path, read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT key) FROM items").fetchall() == [(ROUNDS * BATCH, ROUNDS * BATCH)]
        assert con.execute("SELECT count(*) FROM actions").fetchall() == [(ROUNDS,)]
