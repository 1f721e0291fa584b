import subprocess
import sys
from datetime import datetime

from jobs.export import weekly_items_csv
from jobs.retention import erase, purge
from jobs.scoring import score_pending
from settings.sources import SourceConfig
from store.db import connect
from tests.conftest import ROOT
from tests.factories import comment, post, store_items

SHORT = SourceConfig(name="Short-lived", kind="guardian", options={"discussions": ["/p/1"]}, retention_days=30)
LONG = SourceConfig(name="Kept a year", kind="guardian", options={"discussions": ["/p/2"]})
NOW = datetime(2026, 11, 29, 12)


def seed(db_path):
    with connect(db_path) as con:
        store_items(con, SHORT, [
            post("/p/1", "Old story", datetime(2026, 10, 1)),
            comment("old", "An old comment", datetime(2026, 10, 2), "/p/1", author="dave"),
            comment("new", "A recent comment", datetime(2026, 11, 20), "/p/1", author="erin"),
        ])
        store_items(con, LONG, [
            post("/p/2", "Another story", datetime(2026, 10, 1)),
            comment("d2", "Dave again, still angry, awful", datetime(2026, 11, 18), "/p/2", author="dave"),
            comment("f1", "Frank agrees", datetime(2026, 11, 18), "/p/2", author="frank"),
        ])
    score_pending(db_path)


def keys(db_path):
    with connect(db_path, read_only=True) as con:
        return {r[0] for r in con.execute("SELECT key FROM items").fetchall()}


def reply_counts(con) -> dict[str, int]:
    return dict(con.execute("SELECT thread_key, reply_count FROM threads ORDER BY 1").fetchall())


def test_a_thread_whose_every_reply_was_erased_counts_none_and_keeps_its_triage(db_path):
    seed(db_path)
    with connect(db_path) as con:
        con.execute("UPDATE threads SET flagged = true, status = 'acknowledged' WHERE thread_key = 'guardian:/p/2'")
    assert erase(db_path, "dave", actor="officer:ig") == 2
    assert erase(db_path, "frank", actor="officer:ig") == 1
    with connect(db_path, read_only=True) as con:
        row = con.execute("""SELECT reply_count, negative_count, flagged, last_reply_at, status FROM threads
                             WHERE thread_key = 'guardian:/p/2'""").fetchall()
    assert row == [(0, 0, False, None, "acknowledged")]  # its post is still there; its replies are not


def test_purge_follows_each_sources_retention(db_path):
    seed(db_path)
    with connect(db_path, read_only=True) as con:
        assert reply_counts(con) == {"guardian:/p/1": 2, "guardian:/p/2": 2}
    assert purge(db_path, now=NOW) == {"Short-lived": 2}
    assert keys(db_path) == {"guardian:new", "guardian:/p/2", "guardian:d2", "guardian:f1"}
    with connect(db_path, read_only=True) as con:  # the thread keeps its recent reply, and counts only it
        assert reply_counts(con) == {"guardian:/p/1": 1, "guardian:/p/2": 2}
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM scores WHERE item_key IN ('guardian:old', 'guardian:/p/1')").fetchall() == [(0,)]
        (action,) = con.execute("SELECT action, value FROM actions").fetchall()
    assert action == ("purge", "deleted items past retention (Short-lived: 2)")
    assert purge(db_path, now=NOW) == {}  # nothing more to do, nothing more logged


def test_erase_removes_an_author_everywhere_and_logs_without_the_name(db_path):
    seed(db_path)
    assert erase(db_path, "dave", actor="officer:ig") == 2
    assert "guardian:old" not in keys(db_path) and "guardian:d2" not in keys(db_path)
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM scores WHERE item_key IN ('guardian:old','guardian:d2')").fetchall() == [(0,)]
        assert con.execute("SELECT max(reply_count) FROM threads WHERE thread_key = 'guardian:/p/2'").fetchall() == [(1,)]
        actor, action, value = con.execute("SELECT actor, action, value FROM actions").fetchall()[0]
    assert (actor, action) == ("officer:ig", "erase")
    assert value.startswith("erased 2 items of author-") and "dave" not in value
    export = weekly_items_csv(db_path, "2026-W47", actor="Jo").decode("utf-8-sig")
    assert "Dave again" not in export and "Frank agrees" in export


def test_erase_and_purge_from_the_command_line(db_path):
    seed(db_path)
    def run(*args):
        return subprocess.run([sys.executable, "-m", "collectors", *args, "--db", str(db_path)],
                              cwd=ROOT, capture_output=True, text=True)

    result = run("erase", "--author", "frank")
    assert result.returncode == 0 and "erased 1 items" in result.stdout
    result = run("erase", "--author", "nobody")
    assert result.returncode == 0 and "no items by that author" in result.stdout
    result = run("purge")
    assert result.returncode == 0, result.stderr
    missing = subprocess.run([sys.executable, "-m", "collectors", "purge", "--db", "/nonexistent/p.duckdb"],
                             cwd=ROOT, capture_output=True, text=True)
    assert missing.returncode == 2 and "no database at" in missing.stderr and "Traceback" not in missing.stderr
