"""Whole collection runs: several sources, a real DuckDB file, a real local HTTP server, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from jobs.collect import collect_all
from settings.sources import SourceConfig
from store.db import connect
from store.items import raw_text_sql
from tests.conftest import ROOT
from tests.replay import GUARDIAN, RSS, GuardianReplay, conditional, quick_http, status


def rss(name: str, url: str) -> SourceConfig:
    return SourceConfig(name=name, kind="rss", options={"url": url})


def guardian(name: str, base_url: str, *keys: str) -> SourceConfig:
    return SourceConfig(name=name, kind="guardian", options={"discussions": list(keys)}, base_url=base_url)


def base(httpserver) -> str:
    return httpserver.url_for("/").rstrip("/")


def counts(db_path) -> tuple[int, int]:
    """(rows, distinct keys) in items."""
    with connect(db_path, read_only=True) as con:
        return tuple(con.execute("SELECT count(*), count(DISTINCT key) FROM items").fetchall()[0])


def source_rows(db_path) -> dict[str, dict]:
    with connect(db_path, read_only=True) as con:
        rows = con.execute("SELECT name, cursor, last_error, last_ok_at FROM sources").fetchall()
    return {n: {"cursor": json.loads(c or "{}"), "last_error": e, "last_ok_at": ok} for n, c, e, ok in rows}


@pytest.fixture
def replayed_sources(httpserver):
    """Four sources on one local server: feeds with and without validators, and two discussions."""
    news = (RSS / "council_news.xml").read_bytes()
    httpserver.expect_request("/council/news.xml").respond_with_handler(
        conditional(news, "application/rss+xml", etag='"kbc-1127"')
    )
    httpserver.expect_request("/google/news.xml").respond_with_handler(  # a server with no validators at all
        conditional((RSS / "google_news.xml").read_bytes(), "application/rss+xml")
    )
    bins = GuardianReplay(GUARDIAN / "bins_three_weekly").install(httpserver)
    send = GuardianReplay(GUARDIAN / "truncated_thread").install(httpserver)
    sources = [
        rss("Council news", httpserver.url_for("/council/news.xml")),
        rss("Google News: Kingsmere", httpserver.url_for("/google/news.xml")),
        guardian("Guardian comments", base(httpserver), bins.key, send.key),
    ]
    return sources, {"bins": bins, "send": send}


def test_a_second_run_over_the_same_replay_writes_nothing(replayed_sources, db_path):
    sources, _ = replayed_sources
    with quick_http() as http:
        first = collect_all(sources, db_path, http)
    assert [r.error for r in first] == [None, None, None]
    assert [r.new for r in first] == [4, 3, 9 + 6]
    rows_after_first = counts(db_path)

    with quick_http() as http:
        second = collect_all(sources, db_path, http)
    assert [(r.error, r.new, r.updated) for r in second] == [(None, 0, 0)] * 3
    rows, distinct = counts(db_path)
    assert rows == distinct == rows_after_first[0] == 4 + 3 + 15
    with connect(db_path, read_only=True) as con:
        runs = con.execute("SELECT count(*), sum(new), sum(updated) FROM runs").fetchall()[0]
    assert runs == (6, 22, 0)


def test_a_source_failing_for_good_is_recorded_and_the_others_complete(httpserver, replayed_sources, db_path):
    sources, _ = replayed_sources
    httpserver.expect_request("/broken/feed.xml").respond_with_handler(status(500))
    broken = rss("Kingsmere Observer", httpserver.url_for("/broken/feed.xml"))
    with quick_http() as http:
        results = collect_all([broken, *sources], db_path, http)
        assert len(http.sleep.waits) == 2  # backoff between the three tries, never really slept
    failed, *others = results
    assert failed.error.startswith("HTTP 500 from ")
    assert failed.error.endswith("after 3 tries: GET " + httpserver.url_for("/broken/feed.xml").split("://")[1])
    assert [r.error for r in others] == [None, None, None]
    assert sum(r.new for r in others) == 22

    state = source_rows(db_path)
    assert state["Kingsmere Observer"]["last_error"] == failed.error
    assert state["Kingsmere Observer"]["last_ok_at"] is None
    assert all(state[s.name]["last_error"] is None and state[s.name]["last_ok_at"] for s in sources)
    summary = failed.summary()
    assert summary.startswith("Kingsmere Observer: fetched 0, new 0, updated 0, errors 1 (HTTP 500 from ")


def test_a_page_failing_mid_run_keeps_what_was_saved_and_the_next_run_resumes(httpserver, db_path):
    bins = GuardianReplay(GUARDIAN / "bins_three_weekly", broken_pages=[2]).install(httpserver)
    source = guardian("Guardian comments", base(httpserver), bins.key)

    with quick_http() as http:
        (first,) = collect_all([source], db_path, http)
    assert first.error.startswith("HTTP 500 from ") and "after 3 tries" in first.error
    assert first.new == 6  # the post and page 1's five comments, saved before page 2 failed
    assert counts(db_path) == (6, 6)
    cursor = source_rows(db_path)["Guardian comments"]["cursor"]["discussions"]["/p/kx7q2"]
    assert (cursor["pages_done"], cursor["complete"], cursor["comment_count"]) == (1, False, 8)

    bins.broken_pages.clear()  # the page is back
    served_before = len(bins.pages_served)
    with quick_http() as http:
        (second,) = collect_all([source], db_path, http)
    assert (second.error, second.new, second.updated) == (None, 3, 0)
    assert bins.pages_served[served_before:] == [1, 2]  # page 1 for the count, then on from page 2
    assert counts(db_path) == (9, 9)
    cursor = source_rows(db_path)["Guardian comments"]["cursor"]["discussions"]["/p/kx7q2"]
    assert (cursor["pages_done"], cursor["complete"]) == (2, True)
    assert source_rows(db_path)["Guardian comments"]["last_error"] is None


# -- the command line ----------------------------------------------------------


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "collectors", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def write_config(path, httpserver) -> None:
    path.write_text(
        f"""
[[sources]]
name = "Council news"
kind = "rss"
url = "{httpserver.url_for('/council/news.xml')}"
council_accounts = ["Kingsmere Council Press Office"]

[[sources]]
name = "Guardian comments"
kind = "guardian"
discussions = ["/p/kx7q2"]
base_url = "{base(httpserver)}"
""",
        encoding="utf-8",
    )


def test_cli_run_prints_a_line_per_source_and_exits_0(httpserver, tmp_path):
    httpserver.expect_request("/council/news.xml").respond_with_handler(
        conditional((RSS / "council_news.xml").read_bytes(), "application/rss+xml", etag='"v1"')
    )
    GuardianReplay(GUARDIAN / "bins_three_weekly").install(httpserver)
    config = tmp_path / "sources.toml"
    write_config(config, httpserver)
    db = tmp_path / "cli.duckdb"

    done = cli("run", "--config", str(config), "--db", str(db))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "Council news: fetched 4, new 4, updated 0, errors 0" in lines
    assert "Guardian comments: fetched 9, new 9, updated 0, errors 0" in lines
    assert "Traceback" not in done.stderr

    again = cli("run", "--config", str(config), "--db", str(db), "--source", "Guardian comments")
    assert again.returncode == 0, again.stderr
    assert "Guardian comments: fetched 6, new 0, updated 0, errors 0" in again.stdout.splitlines()
    assert "Council news" not in again.stdout
    assert counts(db) == (13, 13)


def test_cli_unknown_source_is_one_line_and_exit_2(httpserver, tmp_path):
    config = tmp_path / "sources.toml"
    write_config(config, httpserver)
    done = cli("run", "--config", str(config), "--db", str(tmp_path / "x.duckdb"), "--source", "Nope")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: no source named 'Nope' in {config} (known: Council news, Guardian comments)"
    ]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.duckdb").exists()


def test_cli_missing_config_is_a_clear_error(tmp_path):
    missing = tmp_path / "nowhere.toml"
    done = cli("run", "--config", str(missing), "--db", str(tmp_path / "x.duckdb"))
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: no configuration file at {missing}"
    assert done.stdout == ""


# -- what a page becomes in the store ------------------------------------------


class _Pages:
    """A collector that hands over the given pages of items, each with its own cursor."""

    def __init__(self, *pages):
        self.pages = pages

    def fetch(self, cursor):
        from collectors.items import Batch

        for number, items in enumerate(self.pages, start=1):
            yield Batch(items=list(items), cursor={"page": number})


def test_a_lone_surrogate_anywhere_is_stored_as_a_replacement_character_and_nothing_is_lost(db_path):
    from datetime import datetime

    from jobs.collect import collect_source
    from tests.factories import comment, post

    when = datetime(2026, 11, 20, 9)
    broken = comment("c1", "Bins missed again \ud800 on Mill Lane", when, "p1", author="res\udfffident")
    pages = _Pages([post("p1", "Bin collections", when), broken], [comment("c2", "Thanks", when, "p1")])
    result = collect_source(SourceConfig(name="Forum", kind="guardian"), db_path, None, collector=pages)

    assert (result.error, result.fetched, result.new) == (None, 3, 3)
    with connect(db_path, read_only=True) as con:
        stored = dict(con.execute(f"SELECT key, text || ' / ' || {raw_text_sql()} || ' / ' || author_id FROM items "
                                  "WHERE key = 'guardian:c1'").fetchall())
    assert stored == {"guardian:c1": "Bins missed again \ufffd on Mill Lane / Bins missed again \ufffd on Mill Lane"
                                     " / res\ufffdident"}


def test_an_item_resent_on_a_later_page_is_stored_once_as_last_sent(db_path):
    from datetime import datetime

    from jobs.collect import collect_source
    from tests.factories import comment, post

    when = datetime(2026, 11, 20, 9)
    pages = _Pages([post("p1", "Bin collections", when), comment("c1", "first wording", when, "p1")],
                   [comment("c1", "edited wording", when, "p1"), comment("c2", "Thanks", when, "p1")])
    result = collect_source(SourceConfig(name="Forum", kind="guardian"), db_path, None, collector=pages)

    assert (result.error, result.fetched, result.new) == (None, 4, 3)
    with connect(db_path, read_only=True) as con:
        texts = dict(con.execute("SELECT key, text FROM items").fetchall())
    assert texts == {"guardian:p1": "Bin collections", "guardian:c1": "edited wording", "guardian:c2": "Thanks"}


def test_an_author_is_the_councils_by_id_or_name_in_any_case_with_or_without_an_at_sign():
    source = SourceConfig(name="Page", kind="mastodon", council_accounts=("@BrackenfordCouncil", "12345"))
    assert source.is_council("brackenfordcouncil")
    assert source.is_council(None, "@BRACKENFORDCOUNCIL")
    assert source.is_council("12345", "someone else")
    assert not source.is_council("resident", "Brackenford Council fan")
    assert not source.is_council(None, None, "")
    assert not SourceConfig(name="Feed", kind="rss").is_council("brackenfordcouncil")  # no accounts: nobody


def test_nothing_is_collected_or_imported_into_the_demo_database(tmp_path):
    """`collectors run` and `collectors import` refuse the demo's database with one clear line: the
    council's items would be mixed into recordings (the dashboard's Collect now refuses too)."""
    import subprocess
    import sys

    from store.db import connect, transaction
    from store.settings import mark_demo
    from tests.conftest import ROOT

    db = tmp_path / "demo.duckdb"
    with connect(db) as con, transaction(con):
        mark_demo(con)
    config = tmp_path / "sources.toml"
    config.write_text('[[sources]]\nname = "Feed"\nkind = "rss"\nurl = "https://example.org/feed.xml"\n')
    export = tmp_path / "posts.csv"
    export.write_text("text,created_at\nhello,2026-11-01T10:00:00Z\n", encoding="utf-8")
    importing = ["import", str(export), "--format", "csv", "--map", "text=text", "--map", "created_at=created_at",
                 "--source", "Export"]
    for args in (["run", "--config", str(config)], importing):
        result = subprocess.run([sys.executable, "-m", "collectors", *args, "--db", str(db)], cwd=ROOT,
                                capture_output=True, text=True)
        assert result.returncode == 2, result.stderr
        assert "is the demo database" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM items").fetchone()[0] == 0
