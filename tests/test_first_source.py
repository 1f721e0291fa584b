"""Day one without a terminal (AppTest): the example file says it is one and its first real source replaces it;
"Test it" fetches one page through the real collector and saves nothing, saying what it found, why it could not
read it, or that the items are too old to keep (with the setting that keeps them); "Add and collect now" does
both. The replay servers listen on 127.0.0.1."""

from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from collectors.registry import load_sources_file
from demo.server import ReplayServer
from jobs import collect_now
from store.db import connect
from tests.conftest import ROOT
from tests.replay import GUARDIAN, GuardianReplay
from tests.test_pages import unescaped
from ui import identity

COLLECT_WAIT_S = 120  # a safety net for a hung run, not a measurement
NEWS_PATH = "/www.brackenford.gov.uk/news/rss"
DEMO_NEWS_ITEMS = 21  # demo/payloads/council-news.xml


@pytest.fixture
def example(tmp_path, monkeypatch):
    """A copy of the committed example sources.toml as the dashboard's file."""
    path = tmp_path / "sources.toml"
    shutil.copyfile(ROOT / "sources.toml", path)
    monkeypatch.setenv("PULSE_CONFIG", str(path))
    return path


@pytest.fixture
def replay():
    with ReplayServer() as server:
        yield server


def sources_page(officer: str | None = "Jo Officer") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if officer:
        at.session_state[identity.NAME_KEY] = officer
    at.run()
    at.switch_page("app_pages/sources.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def fill(at: AppTest, kind: str, name: str, **fields) -> AppTest:
    at.selectbox(key="add_kind").set_value(kind).run()
    at.text_input(key="add_name").input(name)
    for key, value in fields.items():
        widget = next(w for w in [*at.text_input, *at.text_area] if w.key == f"add_{kind}_{key}")
        widget.input(value)
    return at


def press(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def said(at: AppTest, kind: str) -> list[str]:
    return [unescaped(e.value) for e in at.get(kind)]


def items_stored(db) -> int:
    with connect(db, read_only=True) as con:
        return con.execute("SELECT count(*) FROM items").fetchall()[0][0]


def test_the_example_says_so_and_the_first_source_replaces_its_channels(db_path, example, replay):
    at = sources_page()
    assert any("an example for Brackenford Borough Council" in m for m in said(at, "info"))
    assert at.subheader[-1].value == "Add your first source"
    assert at.checkbox(key="add_replace_example").value is True
    # Each channel in words, with what to paste.
    assert at.selectbox(key="add_kind").format_func("rss") == "News feed (RSS or Atom)"
    fill(at, "rss", "Our news", url=f"{replay.base_url}{NEWS_PATH}")
    press(at, "Add source")
    configured = load_sources_file(example)
    assert (configured.example, [s.name for s in configured.sources]) == (False, ["Our news"])
    assert "Brackenford" not in example.read_text(encoding="utf-8")


def test_testing_a_feed_fetches_one_page_shows_it_and_saves_nothing(db_path, example, replay):
    before = example.read_bytes()
    at = fill(sources_page(), "rss", "Our news", url=f"{replay.base_url}{NEWS_PATH}")
    press(at, "Test it")
    assert any(f"the first page holds {DEMO_NEWS_ITEMS} items" in m and "Nothing was saved" in m
               for m in said(at, "success"))
    sample = at.dataframe[-1].value
    assert list(sample.columns) == ["Posted (UK time)", "What", "Author", "Text"] and len(sample) == 5
    assert example.read_bytes() == before
    assert not db_path.exists() or items_stored(db_path) == 0


def test_a_source_that_cannot_be_read_says_why(db_path, example, replay):
    at = fill(sources_page(), "rss", "Broken", url=f"{replay.base_url}/nowhere/rss")
    press(at, "Test it")
    (error,) = [m for m in said(at, "error") if m.startswith("Broken: could not be read.")]
    assert "404" in error


def test_old_items_are_flagged_before_adding_and_one_click_keeps_them(db_path, example, httpserver):
    discussion = GuardianReplay(GUARDIAN / "linear_only").install(httpserver)  # March 2011
    at = fill(sources_page(), "guardian", "Guardian 2011", discussions=discussion.key)
    at.text_input(key="add_base_url").input(httpserver.url_for("/").rstrip("/"))
    press(at, "Test it")
    (warning,) = [m for m in said(at, "warning") if "posted more than 365 days ago" in m]
    assert warning.startswith("All of them") and "retention_days" in warning
    keep = next(b for b in at.button if b.key == "add_keep_all")
    days = int(keep.label.split("for ")[1].split(" days")[0].replace(",", ""))
    assert days > 365 * 15  # back to 2011
    keep.click().run()
    assert at.number_input(key="add_retention_days").value == days
    press(at, "Test it")
    assert not [m for m in said(at, "warning") if "posted more than" in m]  # now they would all be kept


def test_add_and_collect_now_collects_the_new_source(db_path, example, replay):
    at = fill(sources_page(), "rss", "Our news", url=f"{replay.base_url}{NEWS_PATH}")
    press(at, "Add and collect now")
    assert any("Collecting it now" in m for m in said(at, "success"))
    job = collect_now.latest()
    assert job is not None and job.wait(COLLECT_WAIT_S)
    assert job.names == ("Our news",) and not job.failed
    assert items_stored(db_path) == DEMO_NEWS_ITEMS


def test_a_viewer_gets_no_form_and_the_trial_refuses_them(db_path, example):
    from jobs.trial import try_source
    from settings.sources import SourceConfig
    from store.triage import Actor

    at = sources_page(officer=None)
    assert not any(b.label == "Test it" for b in at.button)
    with pytest.raises(collect_now.NotAllowed):
        try_source(SourceConfig("x", "rss", {"url": "http://127.0.0.1:9/x"}), Actor("Vic", "viewer"))
