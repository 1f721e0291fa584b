"""Honest periods: a period ends today whatever the data; every page says which switched-on source is late
or quiet, since when, with a link to Sources; the example file and the demo (a recording) raise no alarm."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.freshness import LATE, NEVER, QUIET, Expected, Lapse, lapses
from analysis.trends import period_ending
from jobs.scoring import score_pending
from settings.clock import london_date
from settings.sources import SourceConfig
from settings.sources_file import dumps_sources
from store.db import connect
from store.settings import mark_demo
from tests.conftest import ROOT
from tests.factories import post, store_items
from tests.seed import MASTODON, REDDIT
from tests.test_pages import unescaped
from ui.data import london_today

NOW = datetime(2026, 12, 6, 9, 0)
PAGES = ["app_pages/overview.py", "app_pages/trends.py", "app_pages/flagged.py", "app_pages/thread.py",
         "app_pages/export.py", "app_pages/sources.py", "app_pages/audit.py"]


def health(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["name", "last_ok_at", "newest_day"])


def test_a_source_is_late_quiet_or_never_collected_by_its_own_settings():
    expected = [Expected("news", 36, 7), Expected("facebook", 36, 7), Expected("guardian", 36, 0),
                Expected("reddit", 12, 7), Expected("new", 36, 7)]
    found = lapses(expected, health(
        ("news", NOW - timedelta(hours=30), date(2026, 12, 5)),  # fine
        ("facebook", NOW - timedelta(hours=2), date(2026, 11, 27)),  # collected, but nothing new for 9 days
        ("guardian", NOW - timedelta(hours=2), date(2026, 11, 1)),  # quiet is normal for it (0)
        ("reddit", NOW - timedelta(hours=13), date(2026, 11, 1)),  # late: quiet is not said on top
    ), NOW)
    assert found == [
        Lapse("facebook", QUIET, date(2026, 11, 27), 7),
        Lapse("reddit", LATE, NOW - timedelta(hours=13), 12),
        Lapse("new", NEVER, None, 36),
    ]
    assert lapses([Expected("news", 36, 7)], health(("news", NOW - timedelta(hours=37), None)), NOW)[0].what == LATE


@pytest.fixture
def configured(seeded_db, tmp_path, monkeypatch):
    """The seeded database with a sources.toml that switches on Reddit (collected three days ago) and
    Mastodon (collected an hour ago)."""
    config = tmp_path / "sources.toml"
    entries = [{"name": s.name, "kind": s.kind, **s.options} for s in (REDDIT, MASTODON)]
    entries[1]["base_url"] = "https://mastodon.example"
    config.write_text(dumps_sources(entries), encoding="utf-8")
    monkeypatch.setenv("PULSE_CONFIG", str(config))
    now = datetime.now(UTC).replace(tzinfo=None)
    with connect(seeded_db.path) as con:
        con.execute("UPDATE sources SET last_ok_at = ? WHERE name = ?", [now - timedelta(days=3), REDDIT.name])
        con.execute("UPDATE sources SET last_ok_at = ? WHERE name = ?", [now - timedelta(hours=1), MASTODON.name])
    return config, now - timedelta(days=3)


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def freshness_warnings(at: AppTest) -> list[str]:
    return [unescaped(w.value) for w in at.warning if "may be out of date" in w.value]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_names_the_late_source_and_its_date_and_links_to_sources(configured, page):
    _, since = configured
    at = open_page(page)
    (warning,) = freshness_warnings(at)
    day = f"{since:%d %b %Y}"
    assert f"{REDDIT.name}: no successful collection since {day}" in warning, warning
    assert MASTODON.name not in warning  # collected an hour ago, and its newest item is recent
    assert "See each source's health on the Sources page" in [link.label for link in at.get("page_link")]


def test_the_example_file_raises_no_alarm(configured):
    config, _ = configured
    config.write_text("example = true\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    assert not freshness_warnings(open_page("app_pages/overview.py"))


def test_the_period_ends_today_even_when_the_newest_item_is_older(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("PULSE_CONFIG", str(tmp_path / "none.toml"))
    old = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=40)
    with connect(db_path) as con:
        store_items(con, SourceConfig("News", "rss", {"url": "http://127.0.0.1/x"}), [post("a", "Old news", old)])
    at = open_page("app_pages/overview.py")
    assert unescaped(at.caption[0].value) == f"{period_ending(london_today(), 30).label()} · all sources"
    assert {m.label: m.value for m in at.metric}["Items"] == "0"


def test_the_demo_is_a_recording_of_its_weeks_not_late(configured, seeded_db):
    with connect(seeded_db.path) as con:
        mark_demo(con)
        first, last = (london_date(at) for at in con.execute("SELECT min(created_at), max(created_at) FROM items").fetchone())
    at = open_page("app_pages/overview.py")
    assert not freshness_warnings(at)
    banner = at.info[0].value
    assert f"a recording of {first:%d %b} – {last:%d %b %Y}" in banner
    assert unescaped(at.caption[0].value).startswith(period_ending(last, 30).label())


def test_a_share_of_a_handful_of_items_shows_its_base_and_no_change(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("PULSE_CONFIG", str(tmp_path / "none.toml"))
    now = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=3)
    with connect(db_path) as con:
        store_items(con, SourceConfig("News", "rss", {"url": "http://127.0.0.1/x"}),
                    [post(f"p{n}", f"Story number {n}", now - timedelta(hours=n)) for n in range(6)])
    score_pending(db_path)
    at = open_page("app_pages/overview.py")
    metrics = {m.label: m for m in at.metric}
    assert metrics["Share negative"].delta == "of 6 items"  # the base, not "-16.7 pts" on six items
    assert any("Too few scored items to compare shares (6 now, 0 before)" in c.value for c in at.caption)
