"""Items already past their source's retention period are never saved: the run counts them, says which
setting keeps them, and the Sources page's health shows the count (a 2011 Guardian discussion)."""

from __future__ import annotations

from dataclasses import replace

from jobs.collect import collect_source
from settings.sources import SourceConfig
from store.db import connect
from store.sources import source_health
from tests.replay import GUARDIAN, GuardianReplay, quick_http

OLD_DISCUSSION = GUARDIAN / "linear_only"  # a 2011 discussion: the post and three comments
OLD_ITEMS = 4
DAYS_SINCE_2011 = 6_000  # more than enough to reach back to March 2011 from 2026


def old_guardian(httpserver, retention_days: int = 365) -> SourceConfig:
    replay = GuardianReplay(OLD_DISCUSSION).install(httpserver)
    return SourceConfig(name="Guardian 2011", kind="guardian", options={"discussions": [replay.key]},
                        base_url=httpserver.url_for("/").rstrip("/"), retention_days=retention_days)


def stored(db) -> int:
    with connect(db, read_only=True) as con:
        return con.execute("SELECT count(*) FROM items").fetchall()[0][0]


def test_items_older_than_retention_are_counted_and_not_saved(httpserver, db_path):
    source = old_guardian(httpserver)
    with quick_http() as http:
        result = collect_source(source, db_path, http)
    assert result.error is None
    assert (result.fetched, result.new, result.too_old) == (OLD_ITEMS, 0, OLD_ITEMS)
    assert stored(db_path) == 0
    assert "not kept: 4 items posted more than 365 days ago (retention_days = 365" in result.summary()
    with connect(db_path, read_only=True) as con:
        health = source_health(con).set_index("name")
    assert health.loc["Guardian 2011", "too_old"] == OLD_ITEMS


def test_a_longer_retention_keeps_them(httpserver, db_path):
    source = replace(old_guardian(httpserver), retention_days=DAYS_SINCE_2011)
    with quick_http() as http:
        result = collect_source(source, db_path, http)
    assert (result.new, result.too_old) == (OLD_ITEMS, 0)
    assert stored(db_path) == OLD_ITEMS
    assert "not kept" not in result.summary()
