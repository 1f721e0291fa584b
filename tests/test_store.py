from datetime import datetime

from jobs.collect import item_row
from jobs.scoring import score_pending
from settings.sources import SourceConfig
from store.db import connect
from store.items import content_hash_sql, items_frame, raw_text_sql, upsert_items
from store.schema import SCHEMA_VERSION, current_version
from tests.factories import comment, post, store_items

SOURCE = SourceConfig(name="Guardian test", kind="guardian", options={"discussions": ["/p/1"]},
                      council_accounts=("brackenfordcouncil",))


def test_migrations_are_recorded_once(tmp_path):
    path = tmp_path / "p.duckdb"
    with connect(path) as con:
        assert current_version(con) == SCHEMA_VERSION
    with connect(path) as con:  # opening again applies nothing twice
        assert con.execute("SELECT count(*) FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]


def test_upsert_counts_new_updated_and_skips_unchanged(fresh_db):
    when = datetime(2026, 11, 1, 10)
    items = [post("/p/1", "Council tweets for 24 hours", when),
             comment("c1", "<p>What a waste of money</p>", when, "/p/1")]
    store_items(fresh_db, SOURCE, items)
    store_items(fresh_db, SOURCE, items)
    assert fresh_db.execute("SELECT count(*), count(DISTINCT key) FROM items").fetchall() == [(2, 2)]
    assert fresh_db.execute("SELECT text FROM items WHERE key = 'guardian:c1'").fetchall() == [("What a waste of money",)]


def test_changed_text_loses_its_score_and_is_rescored(db_path):
    when = datetime(2026, 11, 1, 10)
    with connect(db_path) as con:
        store_items(con, SOURCE, [post("/p/1", "Story", when), comment("c1", "I love this", when, "/p/1")])
    assert score_pending(db_path) == 2
    assert score_pending(db_path) == 0  # nothing new: nothing scored
    with connect(db_path) as con:
        store_items(con, SOURCE, [comment("c1", "I hate this, awful", when, "/p/1")])
    assert score_pending(db_path) == 1
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT sentiment FROM scores WHERE item_key = 'guardian:c1'").fetchall() == [("negative",)]


def test_raw_text_is_kept_only_where_cleaning_changed_the_text(fresh_db):
    when = datetime(2026, 11, 1, 10)
    sent = {"guardian:c1": "Plain words about the bins", "guardian:c2": "<p>What a waste &amp; a shame</p>",
            "guardian:c3": "Spaced   out"}
    store_items(fresh_db, SOURCE, [comment(key.split(":")[1], text, when, "/p/1") for key, text in sent.items()])
    rows = fresh_db.execute(f"SELECT key, text, raw_text, {raw_text_sql()} FROM items ORDER BY key").fetchall()
    assert rows == [
        ("guardian:c1", "Plain words about the bins", None, sent["guardian:c1"]),  # no second copy
        ("guardian:c2", "What a waste & a shame", sent["guardian:c2"], sent["guardian:c2"]),
        ("guardian:c3", "Spaced out", "Spaced   out", "Spaced   out"),
    ]


def test_an_item_stored_with_a_copy_of_its_text_is_unchanged_when_sent_again(db_path):
    """Rows stored before raw_text was kept only where it differs hold a copy: not a change."""
    when = datetime(2026, 11, 1, 10)
    items = [post("/p/1", "Story", when), comment("c1", "I love this", when, "/p/1")]
    with connect(db_path) as con:
        store_items(con, SOURCE, items)
    assert score_pending(db_path) == 2
    with connect(db_path) as con:
        con.execute("UPDATE items SET raw_text = text WHERE raw_text IS NULL")
        con.execute(f"UPDATE items SET content_hash = {content_hash_sql()}")  # as they were hashed then
        source_id = con.execute("SELECT id FROM sources").fetchall()[0][0]
        again = items_frame([item_row(i, SOURCE, source_id, when) for i in items])
        assert upsert_items(con, again) == (0, 0)
        edited = items_frame([item_row(comment("c1", "I love this!", when, "/p/1"), SOURCE, source_id, when)])
        assert upsert_items(con, edited) == (0, 1)
        assert con.execute("SELECT raw_text FROM items WHERE key = 'guardian:c1'").fetchall() == [(None,)]
    assert score_pending(db_path) == 1  # the edited comment only


def test_council_account_is_marked(fresh_db):
    when = datetime(2026, 11, 1, 10)
    store_items(fresh_db, SOURCE, [comment("c1", "We are looking into it", when, "/p/1", author="BrackenfordCouncil")])
    assert fresh_db.execute("SELECT is_council FROM items").fetchall() == [(True,)]


def test_read_only_connection_on_a_new_file_creates_the_schema(tmp_path):
    path = tmp_path / "new.duckdb"
    with connect(path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM items").fetchall() == [(0,)]


def test_migration_4_rehashes_stored_items_so_a_rerun_sees_them_unchanged(db_path):
    """A database whose hashes were made in Python (before migration 4): after it, nothing looks changed."""
    from jobs.collect import item_row
    from store import db as store_db
    from store.items import items_frame, upsert_items

    when = datetime(2026, 11, 1, 10)
    items = [post("/p/1", "Council tweets for 24 hours", when),
             comment("c1", "<p>What a waste of money</p>", when, "/p/1", author="a1")]
    with connect(db_path) as con:
        store_items(con, SOURCE, items)
        con.execute("UPDATE items SET content_hash = 'made-by-python-' || key")
        con.execute("DELETE FROM schema_version WHERE version >= 4")
    store_db._migrated.clear()
    with connect(db_path) as con:
        assert current_version(con) == SCHEMA_VERSION
        assert con.execute("SELECT count(*) FROM items WHERE content_hash LIKE 'made-by-python-%'").fetchall() == [(0,)]
        source_id = con.execute("SELECT id FROM sources").fetchall()[0][0]
        again = items_frame([item_row(i, SOURCE, source_id, when) for i in items])
        assert upsert_items(con, again) == (0, 0)
        changed = items_frame([item_row(i, SOURCE, source_id, when) for i in items[:1]]
                              + [item_row(comment("c1", "<p>What a waste of money</p>", when, "/p/1", author="a2"),
                                          SOURCE, source_id, when)])
        assert upsert_items(con, changed) == (0, 1)  # the author changed: one update
