"""The Sources page through AppTest: health from the store, adding and switching sources, Collect now.

The page reads its sources file from PULSE_CONFIG (a temporary file here) and
its database from PULSE_DB. "Collect now" runs the real collectors against the
demo's replay server (demo/server.py) on 127.0.0.1.
"""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import datetime, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from collectors.registry import load_sources
from demo.server import ReplayServer
from jobs import collect_now
from settings.sources_file import dumps_sources
from store.db import connect, transaction
from store.settings import mark_demo
from store.sources import add_to_run, finish_run, start_run, sync_source
from store.triage import OFFICER, VIEWER, Actor, NotAllowed
from tests.conftest import ROOT
from tests.seed import GUARDIAN, MASTODON, REDDIT, RSS
from tests.test_pages import unescaped
from ui import identity

PAGE = "app_pages/sources.py"
TIMEOUT_S = 60
COLLECT_WAIT_S = 120  # a safety net for a hung run, not a measurement

HEADER = "# Our channels.\n# Keep this comment.\n\n"
OFFICER_NAME = "Jo Officer"
REDDIT_ERROR = "HTTP 503 from oauth.reddit.com: <b>Service</b> **unavailable** [retry](http://evil.invalid)"


def write_config(path, *sources, header: str = HEADER) -> None:
    path.write_text(header + dumps_sources([s.as_dict() for s in sources]), encoding="utf-8")


@pytest.fixture
def config(tmp_path, monkeypatch):
    path = tmp_path / "sources.toml"
    monkeypatch.setenv("PULSE_CONFIG", str(path))
    return path


def open_page(officer: str | None = OFFICER_NAME) -> AppTest:
    """The Sources page; `officer` is the name typed in the sidebar (None: a viewer)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    if officer:
        at.session_state[identity.NAME_KEY] = officer
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def table(at: AppTest):
    frame = at.dataframe[0].value
    return frame.set_index("Source")


def block_holding(block, button_key: str):
    """The innermost bordered container (a source's box on the page) that holds the button with this key."""
    for child in getattr(block, "children", {}).values():
        if hasattr(child, "children") and button_key in [b.key for b in child.button]:
            inner = block_holding(child, button_key)
            if inner is not None:
                return inner
            if _bordered(child):
                return child
    return None


def _bordered(block) -> bool:
    """A bordered st.container (a Block whose vertical or flex container part has border set)."""
    kind = block.proto.WhichOneof("type") if type(block.proto).__name__ == "Block" else None
    return bool(kind) and getattr(getattr(block.proto, kind), "border", False) is True


def messages(at: AppTest, kind: str) -> list[str]:
    return [unescaped(e.value) for e in at.get(kind)]


# --- Reading -----------------------------------------------------------------------------


def test_empty_database_lists_every_configured_source(db_path, config):
    write_config(config, RSS, dataclasses.replace(MASTODON, enabled=False))
    at = open_page()
    rows = table(at)
    assert list(rows.index) == [RSS.name, MASTODON.name]  # file order
    assert list(rows["Channel"]) == ["News feed (RSS or Atom)", "Mastodon"]  # words, not the config's kind
    assert list(rows["On"]) == ["on", "off"]
    assert list(rows["Items"]) == [0, 0]
    assert rows["Last run"].isna().all() and rows["New"].isna().all()
    assert list(rows["Last error"]) == ["", ""]
    assert at.button(key="collect_all").disabled is False
    assert at.button(key=f"collect_{RSS.name}").disabled is False
    assert at.button(key=f"collect_{MASTODON.name}").disabled is True  # switched off
    assert at.button(key=f"switch_{MASTODON.name}").label == "Switch on"


def record_run(path, source, *, fetched, new, updated, error=None, warnings=(), finished=True, at=None):
    at = at or datetime(2026, 11, 28, 9, 30)
    with connect(path) as con, transaction(con):
        source_id = sync_source(con, source.name, source.kind, source.as_dict())
        run = start_run(con, source_id, at)
        add_to_run(con, run, fetched, new, updated)
        if finished:
            finish_run(con, run, source_id, at + timedelta(minutes=1), error, list(warnings))


def test_seeded_database_shows_counts_runs_and_errors_in_words(seeded_db, config):
    write_config(config, RSS, MASTODON, REDDIT, GUARDIAN)
    record_run(seeded_db.path, RSS, fetched=12, new=3, updated=1, at=datetime(2026, 11, 27, 8, 0))
    record_run(seeded_db.path, RSS, fetched=5, new=2, updated=0, at=datetime(2026, 11, 28, 8, 0))
    record_run(seeded_db.path, REDDIT, fetched=40, new=40, updated=0, at=datetime(2026, 11, 26, 8, 0))
    record_run(seeded_db.path, REDDIT, fetched=0, new=0, updated=0, error=REDDIT_ERROR)
    record_run(seeded_db.path, GUARDIAN, fetched=7, new=7, updated=0, finished=False)
    with connect(seeded_db.path) as con, transaction(con):
        sync_source(con, "Import: tweets.js", "import", {"name": "Import: tweets.js", "kind": "import"})

    at = open_page()
    rows = table(at)
    for source in (RSS, MASTODON, REDDIT, GUARDIAN):
        expected = sum(1 for item in seeded_db.items if item.source == source.name)
        assert expected > 0 and rows.loc[source.name, "Items"] == expected, source.name
    # The latest run's numbers, not the sum of every run; its whole line under the source.
    assert tuple(rows.loc[RSS.name, ["New", "Too old"]]) == (2, 0)
    assert any("fetched 5, new 2, updated 0, problems 0" in m for m in messages(at, "caption"))
    assert rows.loc[RSS.name, "Last run"] == datetime(2026, 11, 28, 8, 0)  # UK time is UTC in November
    assert rows.loc[RSS.name, "Last success"] == datetime(2026, 11, 28, 8, 1)
    assert rows.loc[RSS.name, "Last error"] == ""
    # A failed run: the error verbatim (as plain text in a table cell, and whole under the source), the last
    # success kept.
    assert rows.loc[REDDIT.name, "Last error"] == REDDIT_ERROR
    assert f"Last error: {REDDIT_ERROR}" in messages(at, "warning")
    assert rows.loc[REDDIT.name, "Last success"] == datetime(2026, 11, 26, 8, 1)
    assert "stopped before it finished" in rows.loc[GUARDIAN.name, "Last error"]
    assert pd.isna(rows.loc[MASTODON.name, "Last run"])
    # Stored only: listed, never collectable or switchable from here.
    assert rows.loc["Import: tweets.js", "On"] == "import (stored only)"
    keys = {b.key for b in at.button}
    assert "collect_Import: tweets.js" not in keys and "switch_Import: tweets.js" not in keys
    # The error is never rendered as Markdown anywhere on the page.
    assert not any("evil.invalid" in m for m in messages(at, "markdown") + messages(at, "error"))


def test_unreadable_file_is_one_error_and_no_form(db_path, config):
    config.write_text('[[sources]]\nname = "x"\nkind = "carrier-pigeon"\n', encoding="utf-8")
    at = open_page()
    assert any("unknown kind 'carrier-pigeon'" in m for m in messages(at, "error"))
    assert not any(b.label == "Add source" for b in at.button)


# --- Writing sources.toml ------------------------------------------------------------------


def fill_form(at: AppTest, kind: str, name: str, **fields) -> None:
    at.selectbox(key="add_kind").set_value(kind).run()
    at.text_input(key="add_name").input(name)
    for key, value in fields.items():
        widget_key = key if key.startswith("add_") else f"add_{kind}_{key}"
        element = next((w for w in [*at.text_input, *at.text_area] if w.key == widget_key), None)
        if element is None:
            at.number_input(key=widget_key).set_value(value)
        else:
            element.input(value)


def click_add(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Add source").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_adding_a_valid_source_appends_it_and_keeps_the_comments(db_path, config):
    write_config(config, RSS)
    before = config.read_text()
    at = open_page()
    fill_form(
        at, "guardian", 'Guardian "search" \\ test',
        discussions="/p/aaa11\n/p/bbb22", add_council_accounts="BrackenfordCouncil",
        add_retention_days=90,
    )
    click_add(at)

    text = config.read_text()
    assert text.startswith(before)  # appended: comments and the other entry untouched
    added = load_sources(config)[-1]
    assert added.name == 'Guardian "search" \\ test'
    assert added.options == {"discussions": ["/p/aaa11", "/p/bbb22"]}
    assert (added.council_accounts, added.retention_days, added.enabled) == (("BrackenfordCouncil",), 90, True)
    assert any(added.name in m and "Added" in m for m in messages(at, "success"))
    assert added.name in list(table(at).index)
    assert at.text_input(key="add_name").value == ""  # ready for the next one
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT actor, action, value FROM actions").fetchall() == [
            (OFFICER_NAME, collect_now.ACTION_ADD_SOURCE, added.name)
        ]


@pytest.mark.parametrize(
    "kind, name, fields, error",
    [
        ("mastodon", "Council on Mastodon", {"account": "council"}, "mastodon needs base_url"),
        ("youtube", "Council videos", {}, "kind youtube needs channel_id or video_ids"),
        ("rss", RSS.name, {"url": "http://example.invalid/feed"}, f"two sources are named {RSS.name!r}"),
        ("rss", "   ", {"url": "http://example.invalid/feed"}, "has no name"),
        ("guardian", "Guardian capped", {"search": "council", "max_articles": "lots"}, "max_articles in the form must be a whole number"),
    ],
)
def test_an_invalid_source_shows_the_error_and_writes_nothing(db_path, config, kind, name, fields, error):
    write_config(config, RSS)
    before = config.read_bytes()
    at = open_page()
    fill_form(at, kind, name, **fields)
    click_add(at)
    assert config.read_bytes() == before
    shown = messages(at, "error")
    assert len(shown) == 1 and error in shown[0] and "nothing was written" in shown[0]
    assert at.text_input(key="add_name").value == name  # kept, to be corrected
    assert list(config.parent.glob(".sources.toml.*")) == []  # no temporary file left behind


def test_adding_to_a_missing_file_creates_it(db_path, config):
    at = open_page()
    assert any("There is no" in m for m in messages(at, "info"))
    fill_form(at, "bluesky", "Council on Bluesky", actor="council.bsky.social")
    click_add(at)
    assert [s.name for s in load_sources(config)] == ["Council on Bluesky"]


def test_switching_a_source_off_and_on_changes_only_its_enabled_line(db_path, config):
    write_config(config, RSS, REDDIT)
    at = open_page()
    at.button(key=f"switch_{REDDIT.name}").click().run()
    assert tomllib.loads(config.read_text())["sources"][1]["enabled"] is False
    assert config.read_text().startswith(HEADER)
    assert [s.enabled for s in load_sources(config)] == [True, False]
    assert list(table(at)["On"]) == ["on", "off"]
    assert at.button(key=f"collect_{REDDIT.name}").disabled is True

    at.button(key=f"switch_{REDDIT.name}").click().run()
    assert [s.enabled for s in load_sources(config)] == [True, True]
    beside = block_holding(at.main, f"switch_{REDDIT.name}")  # said beside the button, not at the top
    assert [unescaped(m.value) for m in beside.success] == [f"{REDDIT.name} switched on in {config}."]
    assert not block_holding(at.main, f"switch_{RSS.name}").success
    with connect(db_path, read_only=True) as con:
        logged = con.execute("SELECT actor, action, value, note FROM actions ORDER BY id").fetchall()
    assert logged == [
        (OFFICER_NAME, collect_now.ACTION_SWITCH_SOURCE, REDDIT.name, "off"),
        (OFFICER_NAME, collect_now.ACTION_SWITCH_SOURCE, REDDIT.name, "on"),
    ]


# --- Collect now ---------------------------------------------------------------------------


@pytest.fixture
def replay():
    with ReplayServer() as server:
        yield server


def demo_sources(base: str, broken: str):
    from settings.sources import SourceConfig

    news = SourceConfig("Council news", "rss", {"url": f"{base}/www.brackenford.gov.uk/news/rss"})
    gone = SourceConfig(broken, "rss", {"url": f"{base}/nowhere/rss"})
    return news, gone


def wait_for_collection() -> None:
    job = collect_now.latest()
    assert job is not None and job.wait(COLLECT_WAIT_S), "the collection did not finish"


def test_collect_now_runs_the_real_collector_for_that_source_only(db_path, config, replay):
    news, gone = demo_sources(replay.base_url, "Dead feed")
    write_config(config, news, gone)
    at = open_page()
    at.button(key=f"collect_{news.name}").click().run()
    assert not at.exception
    wait_for_collection()
    at.run()

    rows = table(at)
    assert rows.loc[news.name, "Items"] == 21  # demo/payloads/council-news.xml holds 21 items
    assert tuple(rows.loc[news.name, ["New", "Too old"]]) == (21, 0)
    assert pd.notna(rows.loc[news.name, "Last run"]) and pd.notna(rows.loc[news.name, "Last success"])
    assert pd.isna(rows.loc[gone.name, "Last run"])  # not asked for
    assert any("Collected 1 of 1 source(s): 21 items fetched, 21 new; scored 21" in m for m in messages(at, "success"))
    with connect(db_path, read_only=True) as con:
        unscored = con.execute("SELECT count(*) FROM items LEFT JOIN scores ON item_key = key WHERE item_key IS NULL").fetchall()
    assert unscored == [(0,)]


def test_collect_all_records_a_failing_source_in_words_and_goes_on(db_path, config, replay):
    news, gone = demo_sources(replay.base_url, "Dead feed")
    write_config(config, gone, news)
    at = open_page()
    at.button(key="collect_all").click().run()
    wait_for_collection()
    at.run()

    rows = table(at)
    assert rows.loc[news.name, "Items"] == 21
    assert rows.loc[gone.name, "Items"] == 0
    assert "404" in rows.loc[gone.name, "Last error"]
    assert any("problems 1" in m for m in messages(at, "caption"))
    assert any("Failed: Dead feed" in m for m in messages(at, "warning"))


def test_a_second_collection_waits_for_the_first(db_path, config, replay, monkeypatch):
    """While a run is going, every session sees it and its buttons are off; a forced second start is refused."""
    import threading

    news, _ = demo_sources(replay.base_url, "Dead feed")
    write_config(config, news)
    release = threading.Event()

    class HeldClient(collect_now.HttpClient):
        def __enter__(self):
            release.wait(COLLECT_WAIT_S)
            return super().__enter__()

    monkeypatch.setattr(collect_now, "HttpClient", HeldClient)
    try:
        at = open_page()
        at.button(key="collect_all").click().run()
        other = open_page()  # another person's session
        assert other.status and other.progress and other.button(key="collect_all").disabled is True
        assert "collecting now" == table(other).loc[news.name, "Last error"]
        with pytest.raises(collect_now.CollectionBusy):
            collect_now.start_collection([news], db_path, Actor("Sam Officer", OFFICER))
    finally:
        release.set()
    wait_for_collection()


def test_collect_now_is_off_on_the_demo_database_and_says_why(db_path, config, replay):
    """The demo's channels are recordings (its replay server runs only while the demo is built):
    both buttons are off with the reason in words, and the job refuses whatever a page sends."""
    news, _ = demo_sources(replay.base_url, "Dead feed")
    write_config(config, news)
    with connect(db_path) as con, transaction(con):
        mark_demo(con)
    before = collect_now.latest()

    at = open_page()
    for key in ("collect_all", f"collect_{news.name}"):
        assert at.button(key=key).disabled is True, key
        assert at.button(key=key).help == collect_now.DEMO_REASON
    assert collect_now.DEMO_REASON in messages(at, "info")
    assert "there is nothing new to collect" in collect_now.DEMO_REASON

    with pytest.raises(collect_now.DemoDatabase, match="This is the demo"):
        collect_now.start_collection([news], db_path, Actor(OFFICER_NAME, OFFICER))
    assert collect_now.latest() is before  # nothing was started
    at.run()
    assert table(at).loc[news.name, "Items"] == 0 and pd.isna(table(at).loc[news.name, "Last run"])


def test_collect_now_is_on_for_a_database_that_is_not_the_demo(db_path, config, replay):
    """The switch above is the demo mark and nothing else: the same page on the same sources collects."""
    news, _ = demo_sources(replay.base_url, "Dead feed")
    write_config(config, news)
    at = open_page()
    assert at.button(key="collect_all").disabled is False
    assert collect_now.DEMO_REASON not in messages(at, "info")


# --- Officers only -------------------------------------------------------------------------


def test_a_viewer_sees_the_health_but_no_buttons_or_form(db_path, config):
    write_config(config, RSS)
    at = open_page(officer=None)
    assert list(table(at).index) == [RSS.name]
    assert [b.label for b in at.button if b.key != "sign_in"] == []
    assert any("Only officers can collect" in m and "Enter your name in the sidebar" in m for m in messages(at, "info"))


@pytest.mark.parametrize("who", [Actor("Vic Viewer", VIEWER), Actor("", OFFICER), "Jo Officer", None])
def test_the_control_functions_refuse_anyone_but_an_officer(db_path, config, who):
    write_config(config, RSS)
    before = config.read_bytes()
    with pytest.raises(NotAllowed):
        collect_now.add_configured_source({"name": "x", "kind": "rss", "url": "http://x.invalid"}, db_path, who, config)
    with pytest.raises(NotAllowed):
        collect_now.switch_configured_source(RSS.name, False, db_path, who, config)
    with pytest.raises(NotAllowed):
        collect_now.start_collection([RSS], db_path, who)
    assert config.read_bytes() == before
    assert collect_now.latest() is None or not collect_now.latest().running
