"""Day one in a real browser: an empty database and the example sources.toml; the Overview leads to the Sources
page, where an officer adds a news feed in plain words, tests it (nothing saved), then adds and collects it,
and the Overview shows what came in. The feed is the demo's recording, served on 127.0.0.1."""

from __future__ import annotations

import shutil

import pytest

from demo.server import ReplayServer
from store.db import connect
from tests.conftest import ROOT
from tests.e2e.test_browser import _no_errors, _require_chromium, _settle, _shot, running_app
from ui.labels import NO_DATA

FEED_PATH = "/www.brackenford.gov.uk/news/rss"
FEED_ITEMS = 21  # demo/payloads/council-news.xml
COLLECT_S = 120  # a safety net for a hung run, not a measurement


@pytest.fixture
def first_run(tmp_path, monkeypatch):
    _require_chromium()
    config = tmp_path / "sources.toml"
    shutil.copyfile(ROOT / "sources.toml", config)  # the committed example, as a new install has it
    monkeypatch.setenv("PULSE_CONFIG", str(config))
    db = tmp_path / "pulse.duckdb"
    with ReplayServer() as feeds, running_app(db, tmp_path) as base:
        yield base, feeds.base_url, db, config


def test_an_empty_dashboard_leads_to_a_first_source_tested_added_and_collected(page, first_run):
    base, feeds, db, config = first_run
    page.goto(base)
    page.get_by_text(NO_DATA).wait_for()
    _settle(page)
    _shot(page, "first-run-empty")
    page.get_by_role("link", name="Add your first source").click()
    page.wait_for_function("location.pathname.endsWith('/sources')")
    page.get_by_text("an example for Brackenford Borough Council").wait_for()

    name = page.locator('[data-testid="stSidebar"]').get_by_role("textbox", name="Your name")
    name.fill("Jo Officer")
    name.press("Enter")
    page.get_by_role("heading", name="Add your first source").wait_for()
    page.get_by_text("Articles from a news feed:").wait_for()  # the channel chosen first, said in words
    _settle(page)
    page.get_by_role("textbox", name="A name for it (shown on every page)").fill("Our news")
    page.get_by_role("textbox", name="Feed address").fill(f"{feeds}{FEED_PATH}")
    page.get_by_role("button", name="Test it").click()
    page.get_by_text(f"the first page holds {FEED_ITEMS} items").wait_for()
    assert "Our news" not in config.read_text(encoding="utf-8")  # testing wrote nothing
    _settle(page)
    _no_errors(page)
    _shot(page, "first-run-tested")

    page.get_by_role("button", name="Add and collect now").click()
    page.get_by_text("Collected 1 of 1 source(s)").wait_for(timeout=COLLECT_S * 1000)
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM items").fetchall()[0][0] == FEED_ITEMS
    assert "Brackenford" not in config.read_text(encoding="utf-8")  # the example's channels are gone

    page.locator('[data-testid="stSidebarNav"]').get_by_text("Overview").click()
    page.locator('[data-testid="stMetricLabel"]', has_text="Items").wait_for()
    assert page.get_by_text(NO_DATA).count() == 0
    _settle(page)
    _no_errors(page)
    _shot(page, "first-run-overview")
