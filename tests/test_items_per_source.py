"""Items belong to their source (issue 16, finding 5).

An item's key was `kind:native_id`, but not every kind's ids are unique everywhere: an RSS
guid is unique only within its feed, a Mastodon status id only within its instance. Two feeds
numbering their entries 1, 2, 3 overwrote each other, the later taking the earlier's items. Now
those kinds' keys carry their namespace (collectors.items.item_key); the kinds whose ids are
global keep theirs (Bluesky at:// uris, Reddit fullnames, YouTube and Graph ids, Guardian
comment ids and discussion keys). Migration 6 rekeys a store written before, with everything
that refers to the keys, and the Sources page's counts (store.sources.source_health) stay right.
"""

from __future__ import annotations

import json

import duckdb
import pytest
from pytest_httpserver import HTTPServer

from collectors.mastodon import MastodonCollector
from collectors.rss import feed_namespace
from jobs.collect import collect_all
from settings.sources import SourceConfig
from store import db as store_db
from store import triage
from store.db import connect
from store.items import content_hash_sql
from store.schema import MIGRATIONS
from store.sources import source_health
from tests.replay import conditional, quick_http, recording_http
from tests.test_mastodon import NOW, MastodonReplay


def feed(*entries: tuple[str, str]) -> bytes:
    items = "".join(f"<item><guid isPermaLink='false'>{guid}</guid><title>{title}</title>"
                    f"<pubDate>Fri, 27 Nov 2026 10:0{n}:00 GMT</pubDate></item>" for n, (guid, title) in enumerate(entries))
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>News</title>{items}</channel></rss>".encode()


ONE = feed(("1", "Bins: new timetable"), ("2", "Library hours"), ("3", "Parking charges"), ("4", "Budget"))
TWO = feed(("1", "Town centre works"), ("2", "Ward boundaries"), ("3", "Flood warning"))


def counts(db) -> dict[str, int]:
    """Items per source, as the Sources page shows them."""
    with connect(db, read_only=True) as con:
        health = source_health(con)
    return {name: int(items) for name, items in zip(health["name"], health["items"])}


def test_two_feeds_numbering_their_entries_alike_keep_their_own(httpserver, db_path):
    httpserver.expect_request("/one.xml").respond_with_data(ONE, content_type="application/rss+xml")
    httpserver.expect_request("/two.xml").respond_with_data(TWO, content_type="application/rss+xml")
    sources = [SourceConfig(name="Feed one", kind="rss", options={"url": httpserver.url_for("/one.xml")}),
               SourceConfig(name="Feed two", kind="rss", options={"url": httpserver.url_for("/two.xml")})]
    with quick_http() as http:
        first = collect_all(sources, db_path, http)
        again = collect_all(sources, db_path, http)
    assert [(r.new, r.updated) for r in first] == [(4, 0), (3, 0)]
    assert [(r.new, r.updated) for r in again] == [(0, 0), (0, 0)]  # nobody takes anybody's items
    assert counts(db_path) == {"Feed one": 4, "Feed two": 3}
    with connect(db_path, read_only=True) as con:
        keys = dict(con.execute("SELECT key, title FROM items").fetchall())
    assert keys[f"rss:{feed_namespace('Feed one')}:1"] == "Bins: new timetable"
    assert keys[f"rss:{feed_namespace('Feed two')}:1"] == "Town centre works"


@pytest.fixture
def second_instance():
    server = HTTPServer(host="127.0.0.1")
    server.start()
    yield server
    server.clear()
    server.stop()


def test_two_instances_with_the_same_status_ids_keep_their_own(httpserver, second_instance, db_path, monkeypatch):
    monkeypatch.delenv("MASTODON_TOKEN", raising=False)
    one, two = MastodonReplay(httpserver), MastodonReplay(second_instance)
    two.link_base = f"http://127.0.0.1:{second_instance.port}"  # the same replay, as another host
    sources = [SourceConfig(name="Council on one", kind="mastodon", options={"account": "walsallcouncil"},
                            base_url=one.base_url),
               SourceConfig(name="Council on two", kind="mastodon", options={"account": "walsallcouncil"},
                            base_url=two.link_base)]
    with recording_http(NOW.timestamp) as http:
        results = collect_all(sources, db_path, http)
    assert results[0].new == results[1].new > 0
    assert counts(db_path) == {"Council on one": results[0].new, "Council on two": results[1].new}
    with connect(db_path, read_only=True) as con:
        rows = con.execute("SELECT key, thread_id, parent_id, source_id FROM items").fetchall()
    by_source = {}
    for key, thread, parent, source_id in rows:
        namespace = key.split(":")[1]
        by_source.setdefault(source_id, set()).add(namespace)
        for ref in (thread, parent):  # a reply's thread and parent are on its own instance
            assert ref is None or ref.startswith(f"mastodon:{namespace}:"), (key, ref)
    assert sorted(map(sorted, by_source.values())) == [["127.0.0.1"], ["localhost"]]


# -- migration 6 -------------------------------------------------------------------------------


def store_at_version_5(path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for number, statements in enumerate(MIGRATIONS[:5], start=1):
        for statement in statements:
            con.execute(statement)
        con.execute("INSERT INTO schema_version VALUES (?)", [number])
    return con


OLD_ITEMS = [  # key, source, item_type, thread_id, parent_id, title: as the collectors keyed them before
    ("rss:1", 2, "mention", None, None, "Town centre works"),  # feed two took feed one's entry 1
    ("rss:2", 2, "mention", None, None, "Ward boundaries"),
    ("rss:3", 2, "mention", None, None, "Flood warning"),
    ("rss:4", 1, "mention", None, None, "Budget"),
    ("mastodon:100", 3, "post", None, None, None),
    ("mastodon:101", 3, "comment", "mastodon:100", "mastodon:100", None),
    ("mastodon:200", 4, "post", None, None, None),
    ("mastodon:201", 4, "comment", "mastodon:200", "mastodon:200", None),
    ("guardian:/p/kx7q2", 5, "post", None, None, "Global ids stay as they are"),
]


def test_migration_6_rekeys_what_was_stored_with_everything_that_refers_to_it(tmp_path, httpserver):
    path = tmp_path / "old.duckdb"
    con = store_at_version_5(path)
    one_url, two_url = httpserver.url_for("/one.xml"), httpserver.url_for("/two.xml")
    for source_id, kind, name, config, cursor in [
        (1, "rss", "Feed one", {"url": one_url}, {"etag": '"v1"', "undated": {"x": "2026-11-01T00:00:00"}}),
        (2, "rss", "Feed two", {"url": two_url}, {"etag": '"v9"'}),
        (3, "mastodon", "Council on A", {"base_url": "https://A.example/"}, {"newest_id": "101"}),
        (4, "mastodon", "Council on B", {"base_url": "https://user@b.example:8443"}, {}),
        (5, "guardian", "Guardian", {"discussions": ["/p/kx7q2"]}, {}),
    ]:
        con.execute("INSERT INTO sources (id, kind, name, config, cursor) VALUES (?, ?, ?, ?, ?)",
                    [source_id, kind, name, json.dumps(config), json.dumps(cursor)])
    for key, source_id, item_type, thread, parent, title in OLD_ITEMS:
        kind, native = key.split(":", 1)
        con.execute("""INSERT INTO items (key, source_id, kind, native_id, item_type, thread_id, parent_id,
                       created_at, collected_at, title, text, content_hash)
                       VALUES (?, ?, ?, ?, ?, ?, ?, '2026-11-27 10:00', '2026-11-27 11:00', ?, 'text', 'old')""",
                    [key, source_id, kind, native, item_type, thread, parent, title])
    con.execute("""INSERT INTO scores VALUES ('rss:1', 'v1', 0.1, 'neutral', 0.2, 'neutral', NULL, false, now()),
                                             ('mastodon:101', 'v1', -0.6, 'negative', 0.1, 'negative', NULL, true, now())""")
    con.execute("INSERT INTO label_corrections VALUES ('mastodon:101', 'sentiment', 'neutral', 'Jo', now())")
    con.execute("INSERT INTO threads (thread_key, source_id, flagged) VALUES ('mastodon:100', 3, true), "
                "('mastodon:200', 4, false), ('guardian:/p/kx7q2', 5, false)")
    con.execute("""INSERT INTO actions (acted_at, actor, action, thread_key, item_key, value)
                   VALUES (now(), 'Jo', 'label', 'mastodon:100', 'mastodon:101', 'neutral'),
                          (now(), 'Jo', 'note', NULL, 'rss:4', 'seen')""")
    con.execute("""INSERT INTO alerts_sent (alert_key, kind, channel, subject, attempted_at, ok)
                   VALUES ('thread:mastodon:100', 'thread', 'email', 's', now(), true)""")
    con.close()

    with connect(path) as con:  # migrates
        items = {row[0]: row[1:] for row in con.execute(
            "SELECT key, source_id, thread_id, parent_id, content_hash FROM items").fetchall()}
        hashes_right = con.execute(f"SELECT bool_and(content_hash = {content_hash_sql()}) FROM items "
                                   "WHERE kind IN ('rss', 'mastodon')").fetchall()[0][0]
        refs = {
            "scores": {r[0] for r in con.execute("SELECT item_key FROM scores").fetchall()},
            "corrections": {r[0] for r in con.execute("SELECT item_key FROM label_corrections").fetchall()},
            "threads": {r[0] for r in con.execute("SELECT thread_key FROM threads").fetchall()},
            "audit log": set(con.execute("SELECT thread_key, item_key FROM actions").fetchall()),
            "audit log now": set(con.execute("SELECT thread_key, item_key FROM actions_now").fetchall()),
            "alerts": {r[0] for r in con.execute("SELECT alert_key FROM alerts_sent").fetchall()},
        }
        cursors = {name: json.loads(cursor)
                   for name, cursor in con.execute("SELECT name, cursor FROM sources").fetchall()}
    one, two = feed_namespace("Feed one"), feed_namespace("Feed two")
    on_a = MastodonCollector(SourceConfig("a", "mastodon", {"account": "c"}, base_url="https://A.example/"), None)
    on_b = MastodonCollector(SourceConfig("b", "mastodon", {"account": "c"}, base_url="https://user@b.example:8443"), None)
    a, b = f"mastodon:{on_a.namespace}", f"mastodon:{on_b.namespace}"
    assert (a, b) == ("mastodon:a.example", "mastodon:b.example")  # what the collectors will key them as
    assert set(items) == {f"rss:{two}:1", f"rss:{two}:2", f"rss:{two}:3", f"rss:{one}:4",
                          f"{a}:100", f"{a}:101", f"{b}:200", f"{b}:201", "guardian:/p/kx7q2"}
    assert items[f"{a}:101"][1:3] == (f"{a}:100", f"{a}:100")
    assert items[f"{b}:201"][1:3] == (f"{b}:200", f"{b}:200")
    assert hashes_right and items["guardian:/p/kx7q2"][3] == "old"  # global ids untouched
    assert refs == {
        "scores": {f"rss:{two}:1", f"{a}:101"}, "corrections": {f"{a}:101"},
        "threads": {f"{a}:100", f"{b}:200", "guardian:/p/kx7q2"},
        "audit log": {("mastodon:100", "mastodon:101"), (None, "rss:4")},  # never rewritten
        "audit log now": {(f"{a}:100", f"{a}:101"), (None, f"rss:{one}:4")}, "alerts": {f"thread:{a}:100"},
    }
    with connect(path, read_only=True) as con:  # the thread's history still shows on its page
        assert triage.audit_log(con, thread_key=f"{a}:100")["action"].tolist() == ["label"]

    with connect(path) as con:  # run again, it changes nothing
        con.execute("DELETE FROM schema_version WHERE version >= 6")
    store_db._migrated.clear()
    with connect(path) as con:
        rows = con.execute("SELECT key, thread_id, parent_id FROM items").fetchall()
    assert {key: (thread, parent) for key, thread, parent in rows} == {k: v[1:3] for k, v in items.items()}
    assert cursors["Feed one"] == {"undated": {"x": "2026-11-01T00:00:00"}}  # validators gone: read whole again
    assert cursors["Feed two"] == {} and cursors["Council on A"] == {"newest_id": "101"}

    # The next run gives feed one back the entries feed two had taken (its server still says "v1").
    httpserver.expect_request("/one.xml").respond_with_handler(conditional(ONE, "application/rss+xml", etag='"v1"'))
    httpserver.expect_request("/two.xml").respond_with_handler(conditional(TWO, "application/rss+xml", etag='"v9"'))
    sources = [SourceConfig(name="Feed one", kind="rss", options={"url": one_url}),
               SourceConfig(name="Feed two", kind="rss", options={"url": two_url})]
    with quick_http() as http:
        collect_all(sources, path, http)
    assert {k: v for k, v in counts(path).items() if k.startswith("Feed")} == {"Feed one": 4, "Feed two": 3}
