"""One run for the command line and the Sources page: collect, score, then purge past retention.

Real DuckDB files, the demo's replay server on 127.0.0.1, the real collectors;
each test puts an item far past its source's retention period in the store
first and checks that the run deleted it and logged the purge.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from demo.server import ReplayServer
from jobs import collect_now
from jobs.run import RunProgress, run_sources
from settings.sources import SourceConfig
from settings.sources_file import dumps_sources
from store.db import connect
from store.triage import OFFICER, Actor
from tests.conftest import ROOT
from tests.factories import post, store_items
from tests.replay import quick_http

COLLECT_WAIT_S = 120  # a safety net for a hung run, not a measurement
DEMO_NEWS_ITEMS = 21  # demo/payloads/council-news.xml
OLD_KEY = "rss:https://www.brackenford.gov.uk/news/2023/old-story"


@pytest.fixture(scope="module")
def replay():
    with ReplayServer() as server:
        yield server


def news(replay, **changes) -> SourceConfig:
    return SourceConfig("Council news", "rss", {"url": f"{replay.base_url}/www.brackenford.gov.uk/news/rss"}, **changes)


def store_an_old_item(db, source: SourceConfig, age_days: int = 800) -> None:
    old = post(OLD_KEY.removeprefix("rss:"), "A story from long ago", utcnow() - timedelta(days=age_days), kind="rss")
    with connect(db) as con:
        store_items(con, source, [old])


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # the store's naive UTC


def keys(db) -> set[str]:
    with connect(db, read_only=True) as con:
        return {k for (k,) in con.execute("SELECT key FROM items").fetchall()}


def purge_actions(db) -> list[tuple[str, str]]:
    with connect(db, read_only=True) as con:
        return con.execute("SELECT actor, value FROM actions WHERE action = 'purge' ORDER BY id").fetchall()


def unscored(db) -> int:
    with connect(db, read_only=True) as con:
        return con.execute(
            "SELECT count(*) FROM items LEFT JOIN scores ON item_key = key WHERE item_key IS NULL"
        ).fetchall()[0][0]


class Recorder(RunProgress):
    def __init__(self):
        self.events: list[tuple] = []

    def source_started(self, name, index, total):
        self.events.append(("source", name, index, total))

    def source_finished(self, result):
        self.events.append(("done", result.name))

    def scoring(self, done, total):
        if not self.events or self.events[-1][0] != "scoring":
            self.events.append(("scoring",))

    def purging(self):
        self.events.append(("purging",))


def test_run_sources_collects_scores_then_purges_and_says_so_in_order(db_path, replay):
    source = news(replay)
    store_an_old_item(db_path, source)
    switched_off = SourceConfig("Off", "rss", {"url": f"{replay.base_url}/nowhere/rss"}, enabled=False)
    progress = Recorder()
    with quick_http() as http:
        summary = run_sources([source, switched_off], db_path, http, progress=progress)

    assert [(r.name, r.error, r.new) for r in summary.results] == [("Council news", None, DEMO_NEWS_ITEMS)]
    assert summary.scored == DEMO_NEWS_ITEMS + 1  # the old item had never been scored either
    assert summary.purged == {"Council news": 1}
    assert progress.events == [("source", "Council news", 0, 1), ("done", "Council news"), ("scoring",), ("purging",)]
    assert OLD_KEY not in keys(db_path) and len(keys(db_path)) == DEMO_NEWS_ITEMS
    assert purge_actions(db_path) == [("retention", "deleted items past retention (Council news: 1)")]
    assert unscored(db_path) == 0
    assert summary.lines()[-2:] == [f"scored {DEMO_NEWS_ITEMS + 1} new or changed items",
                                    "Council news: deleted 1 items past retention"]


def test_the_retention_of_the_run_is_the_sources_own(db_path, replay):
    store_an_old_item(db_path, news(replay), age_days=40)
    with quick_http() as http:
        kept = run_sources([news(replay)], db_path, http)  # default 365 days: 40 is fine
    assert kept.purged == {} and OLD_KEY in keys(db_path)
    with quick_http() as http:
        short = run_sources([news(replay, retention_days=30)], db_path, http)
    assert OLD_KEY not in keys(db_path)
    with connect(db_path, read_only=True) as con:
        left, oldest = con.execute("SELECT count(*), min(created_at) FROM items").fetchall()[0]
    assert short.purged == {"Council news": DEMO_NEWS_ITEMS + 1 - left}
    assert oldest >= utcnow() - timedelta(days=30, hours=1)  # only what the 30 days allow is left


def test_collect_now_from_the_sources_page_purges_past_retention(db_path, replay):
    source = news(replay)
    store_an_old_item(db_path, source)
    job = collect_now.start_collection([source], db_path, Actor("Jo Officer", OFFICER))
    assert job.wait(COLLECT_WAIT_S), "the collection did not finish"

    assert job.error is None and not job.failed
    assert job.purged == {"Council news": 1}
    assert OLD_KEY not in keys(db_path) and len(keys(db_path)) == DEMO_NEWS_ITEMS
    assert purge_actions(db_path) == [("retention", "deleted items past retention (Council news: 1)")]
    assert unscored(db_path) == 0
    assert job.outcome() == (
        f"Collected 1 of 1 source(s): {DEMO_NEWS_ITEMS} items fetched, {DEMO_NEWS_ITEMS} new; "
        f"scored {DEMO_NEWS_ITEMS + 1}; deleted 1 past retention"
    )
    assert job.fraction() == 1.0


def test_collect_now_progress_words_for_each_phase(db_path):
    job = collect_now.Collection(names=("A", "B"), requested_by="Jo", started_at=datetime(2026, 11, 29, 9))
    job.current, job.current_items = "A", 40
    assert job.progress_text() == "Collecting source 1 of 2: A (40 items so far)"
    job.phase, job.scored, job.to_score = "scoring", 5, 10
    assert job.progress_text() == "Scoring new items: 5 of 10"
    assert job.fraction() == pytest.approx(0.95)
    job.phase = "purging"
    assert job.progress_text() == "Deleting items past their retention period"


def test_cli_run_purges_past_retention(db_path, replay, tmp_path):
    source = news(replay)
    store_an_old_item(db_path, source)
    config = tmp_path / "sources.toml"
    config.write_text(dumps_sources([source.as_dict()]), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "collectors", "run", "--config", str(config), "--db", str(db_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert f"Council news: fetched {DEMO_NEWS_ITEMS}, new {DEMO_NEWS_ITEMS}, updated 0, errors 0" in lines
    assert "Council news: deleted 1 items past retention" in lines
    assert OLD_KEY not in keys(db_path)
    assert purge_actions(db_path) == [("retention", "deleted items past retention (Council news: 1)")]


def test_cli_run_scores_in_worker_processes_while_collecting(db_path, replay, tmp_path):
    config = tmp_path / "sources.toml"
    config.write_text(dumps_sources([news(replay).as_dict()]), encoding="utf-8")
    run = [sys.executable, "-m", "collectors", "run", "--config", str(config), "--db", str(db_path)]
    done = subprocess.run(run + ["--workers", "2"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert f"scored {DEMO_NEWS_ITEMS} new or changed items" in done.stdout.splitlines()
    assert unscored(db_path) == 0

    wrong = subprocess.run(run + ["--workers", "0"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert wrong.returncode == 2 and "must be a whole number of at least 1, not '0'" in wrong.stderr
