"""Two write protections proved in one process, cheaply, so that switching either off fails a test
(tests/test_protections_matter.py); tests/test_concurrency.py and tests/test_crash.py prove them
again with many processes and SIGKILL.

- Opening the database waits while another process holds it (store.db retries on the lock).
- The runner saves a batch with its cursor in one transaction: a save that fails part-way leaves
  neither the items nor the cursor behind, and the next run stores the batch once.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from collectors.items import Batch, Item
from jobs import collect
from settings.sources import SourceConfig
from store.db import DatabaseBusy, connect
from store.sources import get_cursor
from tests.conftest import ROOT

HOLD_S = 2.0
# Holds a write connection on the file, says so, writes a row, then lets go after HOLD_S seconds.
HOLDER = f"""
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("INSERT INTO runs (id, source_id, started_at) VALUES (9001, 1, now())")
print("held", flush=True)
time.sleep({HOLD_S})
con.close()
"""


def test_a_connection_waits_while_another_process_holds_the_file(tmp_path):
    path = tmp_path / "held.duckdb"
    with connect(path):  # create and migrate it
        pass
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseBusy):  # really locked: a caller that will not wait is told so in words
            with connect(path, wait_s=0):
                pass
        with connect(path, wait_s=60) as con:  # waits for the holder, then writes
            con.execute("INSERT INTO runs (id, source_id, started_at) VALUES (9002, 1, now())")
    finally:
        assert holder.wait(timeout=60) == 0
    with connect(path, read_only=True) as con:
        assert con.execute("SELECT id FROM runs WHERE id > 9000 ORDER BY id").fetchall() == [(9001,), (9002,)]


SOURCE = SourceConfig(name="Batches", kind="guardian", options={"discussions": ["/p/1"]})


class Pages:
    """A collector's pages as the runner receives them: two batches, each with the cursor after it."""

    def __init__(self, start: datetime):
        self.start = start

    def batch(self, page: int) -> Batch:
        items = [Item(kind="guardian", native_id=f"p{page}-{n}", item_type="comment",
                      created_at=self.start + timedelta(minutes=10 * page + n), raw_text=f"comment {page}/{n}",
                      thread_id="guardian:/p/1", parent_id="guardian:/p/1", author_id=f"a{n}")
                 for n in range(5)]
        return Batch(items=items, cursor={"page": page})

    def fetch(self, cursor: dict):
        for page in range(cursor.get("page", 0) + 1, 3):
            yield self.batch(page)


def test_a_batch_whose_save_fails_part_way_leaves_nothing_behind(db_path, monkeypatch):
    """The cursor write fails after the items were written (a full disk, say): the transaction must
    take the items back with it, so the next run fetches the batch again and stores it once."""
    monkeypatch.setattr(collect, "SAVE_EVERY_S", 3600.0)  # both pages in one save
    saved_cursor = collect.save_cursor

    def cursor_write_fails(con, source_id, cursor):
        raise OSError("No space left on device")

    monkeypatch.setattr(collect, "save_cursor", cursor_write_fails)
    pages = Pages(datetime(2026, 11, 1))
    result = collect.collect_source(SOURCE, db_path, http=None, collector=pages)
    assert "saving failed: OSError: No space left on device" in result.error
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM items").fetchall() == [(0,)]  # not half a save
        source_id = con.execute("SELECT id FROM sources WHERE name = ?", [SOURCE.name]).fetchall()[0][0]
        assert get_cursor(con, source_id) == {}

    monkeypatch.setattr(collect, "save_cursor", saved_cursor)
    again = collect.collect_source(SOURCE, db_path, http=None, collector=pages)
    assert again.error is None and (again.fetched, again.new) == (10, 10)
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT key) FROM items").fetchall() == [(10, 10)]
        assert get_cursor(con, source_id) == {"page": 2}
