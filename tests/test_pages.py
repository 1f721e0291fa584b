"""Every page through Streamlit's AppTest, on an empty database and on the seeded one.

The app finds its database through PULSE_DB (set by the db_path fixture). What
a page must show is worked out from tests/seed.py's record of what it stored,
not by asking the database the same question the page asks.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from analysis.trends import Period, count_delta, default_export_week, format_share, period_ending, points_delta, share
from tests.conftest import ROOT
from tests.seed import (
    COUNCIL_REPLY,
    GUARDIAN_FLAGGED_REASON,
    MARKDOWN_ATTACK,
    MARKDOWN_AUTHOR,
    PILE_ON_POST,
    PILE_ON_REASON,
    REDDIT_FLAGGED_REASON,
    REDDIT_FLAGGED_TITLE,
)
from ui.data import london_today
from ui.labels import CLASS_COLOURS, NO_DATA
from ui.safe_text import WORD_JOINER

PAGES = ["app_pages/overview.py", "app_pages/flagged.py", "app_pages/thread.py", "app_pages/export.py"]
TIMEOUT_S = 60


def registered_pages() -> list[str]:
    return re.findall(r'st\.Page\(\s*"([^"]+)"', (ROOT / "app.py").read_text())


# Pages with their own AppTest file (they need a sources file or a server, not only a database).
TESTED_ELSEWHERE = {
    "app_pages/sources.py": "tests/test_sources_page.py",
    "app_pages/audit.py": "tests/test_triage_pages.py",
    "app_pages/trends.py": "tests/test_trends_page.py",
    "app_pages/quality.py": "tests/test_quality_page.py",
}


def test_every_page_in_the_router_is_tested_here():
    assert sorted(registered_pages()) == sorted(PAGES + list(TESTED_ELSEWHERE))
    assert all((ROOT / test).exists() for test in TESTED_ELSEWHERE.values())


def open_app(page: str | None = None, state: dict | None = None, **query) -> AppTest:
    """Run app.py (with `state` preset in session_state), then switch to `page` with these query parameters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    _set_state(at, state)
    at.run()
    if page:
        at.switch_page(page)
        at.query_params.update(query)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _set_state(at: AppTest, state: dict | None) -> None:
    for key, value in (state or {}).items():
        at.session_state[key] = value


def unescaped(text: str) -> str:
    """What a Markdown element with backslash escapes (and invisible word joiners) displays."""
    return re.sub(r"\\(.)", r"\1", text).replace(WORD_JOINER, "")


def markdown_values(at: AppTest) -> list[str]:
    """Every string that Streamlit renders as Markdown on the page."""
    values = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "error", "warning", "info", "success"):
        values.extend(str(e.value) for e in at.get(kind))
    values.extend(str(m.label) for m in at.metric)
    return values


def show_hostile(at: AppTest) -> AppTest:
    """Turn on the Thread page's 'show hostile replies' switch, when the model marked any."""
    switches = [t for t in at.toggle if t.key == "show_hostile"]
    if switches:
        switches[0].set_value(True).run()
    return at


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


# --- Empty database -------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_page_on_empty_database_says_how_to_get_data(db_path, page):
    at = open_app(page)
    assert [unescaped(i.value) for i in at.info] == [NO_DATA]
    assert [link.label for link in at.get("page_link")] == ["Add your first source"]  # day one: no terminal
    assert not at.dataframe
    assert [c.value for c in at.sidebar.get("caption")] == ["No items stored yet."]


def test_unknown_thread_on_empty_database(db_path):
    at = open_app("app_pages/thread.py", thread="reddit:nope")
    assert "There is no thread with this key" in at.warning[0].value
    assert texts(at) == ["Key: reddit:nope"]


# --- Overview -------------------------------------------------------------------------


def expected_summary(seeded, start: datetime, end: datetime) -> dict:
    items = seeded.public_items(start, end)
    negative = sum(1 for i in items if i.expected_class == "negative")
    return {"items": len(items), "negative": negative, "share": share(negative, len(items))}


def test_overview_metrics_match_the_seed(seeded_db):
    at = open_app()
    period = period_ending(seeded_db.now.date(), 30)
    now = expected_summary(seeded_db, *period.bounds())
    before = expected_summary(seeded_db, *period.previous().bounds())
    metrics = {m.label: m for m in at.metric}

    assert metrics["Items"].value == f"{now['items']:,}"
    assert metrics["Items"].delta == count_delta(now["items"], before["items"])
    assert metrics["Share negative"].value == format_share(now["share"])
    assert metrics["Share negative"].delta == points_delta(now["share"], before["share"])
    # The pile-on and the Reddit thread are in the last 30 days; the Guardian one 45 days ago.
    assert metrics["Open flagged threads"].value == "2"
    assert metrics["Open flagged threads"].delta == "+1 (+100%)"
    assert at.caption[0].value.endswith("all sources")


def test_overview_chart_uses_the_class_colours(seeded_db):
    at = open_app()
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"][:4] == ["Negative", "Neutral", "Positive", "Constructive"]
    assert scale["range"][:4] == [CLASS_COLOURS[c] for c in ("negative", "neutral", "positive", "constructive")]


def test_overview_lists_the_most_urgent_threads_first(seeded_db):
    at = open_app()
    table = at.dataframe[-1].value  # below the tables of the spikes' threads
    assert table["Why flagged"].tolist() == [PILE_ON_REASON, REDDIT_FLAGGED_REASON]
    assert table["Post"].iloc[0] == PILE_ON_POST
    assert table["Score"].is_monotonic_decreasing


def test_overview_row_opens_its_thread(seeded_db):
    at = open_app()
    at.session_state["overview_urgent"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert at.query_params == {"thread": seeded_db.reddit_flagged_key}
    assert unescaped(at.subheader[0].value) == REDDIT_FLAGGED_TITLE


def test_overview_source_filter_changes_every_number(seeded_db):
    at = open_app()
    at.sidebar.multiselect(key="filter_sources").select("Reddit r/examplecouncil").run()
    period = period_ending(seeded_db.now.date(), 30)
    start, end = period.bounds()
    reddit = seeded_db.public_items(start, end, {"Reddit r/examplecouncil"})
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Items"] == f"{len(reddit):,}"
    assert metrics["Open flagged threads"] == "1"
    assert at.dataframe[-1].value["Why flagged"].tolist() == [REDDIT_FLAGGED_REASON]
    assert unescaped(at.caption[0].value).endswith("· Reddit r/examplecouncil")


def test_overview_period_with_nothing_in_it(seeded_db):
    long_ago = seeded_db.now.date() - timedelta(days=400)
    at = open_app()
    at.sidebar.selectbox(key="filter_period").select("Custom dates").run()
    at.sidebar.date_input(key="filter_dates").set_value((long_ago, long_ago + timedelta(days=6))).run()
    assert unescaped(at.caption[0].value) == f"{Period(long_ago, long_ago + timedelta(days=6)).label()} · all sources"
    assert {m.label: m.value for m in at.metric}["Items"] == "0"
    assert "Nothing was posted in this period" in at.info[0].value
    assert any("No open flagged threads" in s.value for s in at.success)


# --- Flagged threads ---------------------------------------------------------------


def test_queue_shows_reasons_in_words(seeded_db):
    at = open_app("app_pages/flagged.py")
    table = at.dataframe[0].value
    # What an officer decides by, and nothing that needs a sideways scroll (the rest is on the thread's page).
    assert list(table.columns) == ["Post", "Why flagged", "Score", "Status", "Assigned to", "Our reply"]
    assert table["Why flagged"].tolist() == [PILE_ON_REASON, REDDIT_FLAGGED_REASON]
    assert table["Status"].tolist() == ["New", "New"]
    assert table["Assigned to"].tolist() == ["", ""]
    assert at.caption[1].value.startswith("2 flagged threads.")


def test_queue_longer_period_brings_in_older_threads(seeded_db):
    at = open_app("app_pages/flagged.py")
    at.sidebar.selectbox(key="filter_period").select("Last 90 days").run()
    assert at.dataframe[0].value["Why flagged"].tolist() == [
        PILE_ON_REASON, REDDIT_FLAGGED_REASON, GUARDIAN_FLAGGED_REASON,
    ]


def test_queue_text_and_status_filters(seeded_db):
    at = open_app("app_pages/flagged.py")
    at.text_input(key="queue_search").input("PARKING").run()
    assert at.dataframe[0].value["Post"].tolist() == [REDDIT_FLAGGED_TITLE]
    at.text_input(key="queue_search").input("100%_").run()  # taken literally, not as a pattern
    assert not at.dataframe
    assert "No flagged threads match" in at.info[0].value
    at.text_input(key="queue_search").input("").run()
    at.multiselect(key="queue_status").set_value(["closed"]).run()
    assert not at.dataframe
    at.multiselect(key="queue_status").set_value([]).run()  # no status chosen: every status
    assert len(at.dataframe[0].value) == 2


def test_queue_row_opens_the_thread_page(seeded_db):
    at = open_app("app_pages/flagged.py")
    at.session_state["queue"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert at.query_params == {}  # selecting is not opening: several rows can be selected to change them
    at.button(key="queue_open").click().run()
    assert at.query_params == {"thread": seeded_db.pile_on_key}
    assert PILE_ON_REASON in unescaped(at.error[0].value)


# --- Thread ---------------------------------------------------------------------------


def test_thread_shows_post_reason_and_every_reply(seeded_db):
    at = show_hostile(open_app("app_pages/thread.py", thread=seeded_db.pile_on_key))
    replies = [i for i in seeded_db.items if i.thread_key == seeded_db.pile_on_key and i.key != seeded_db.pile_on_key]
    shown = texts(at)
    assert shown[0] == PILE_ON_POST
    assert sorted(shown[1:]) == sorted(r.text for r in replies)
    assert len(replies) == 21
    assert unescaped(at.error[0].value) == f"**Flagged:** {PILE_ON_REASON}"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Public replies"] == "20" and metrics["Negative"] == "14"
    assert metrics["Status"] == "New"
    assert at.subheader[1].value == "Replies (21)"
    # The council's answer sits under the reply it answers, one level deeper.
    council_at = shown.index(COUNCIL_REPLY)
    captions = [c.value for c in at.caption]
    assert any("examplecouncil" in c and "council]" in c for c in captions)
    assert council_at > 1


def test_thread_draws_at_most_the_reply_limit(seeded_db, monkeypatch):
    import ui.threads

    monkeypatch.setattr(ui.threads, "MAX_REPLIES_SHOWN", 5)
    at = show_hostile(open_app("app_pages/thread.py", thread=seeded_db.pile_on_key))
    assert len(texts(at)) == 1 + 5  # the post and five replies
    assert "Showing the first 5 of 21 replies" in at.info[0].value


def test_thread_reply_captions_show_author_time_class_and_score(seeded_db):
    at = show_hostile(open_app("app_pages/thread.py", thread=seeded_db.pile_on_key))
    first = next(c.value for c in at.caption if c.value.startswith("**resident1**"))
    assert re.search(r":red\[\*\*Negative\*\* \\-\d\\\.\d\d\]$", first), first  # class and compound score
    assert unescaped(first).split(" · ")[1].endswith(" UK time")


def test_thread_shows_markdown_and_html_verbatim_as_text(seeded_db):
    at = open_app("app_pages/thread.py", thread=seeded_db.attack_thread_key)
    assert MARKDOWN_ATTACK in texts(at)
    rendered = markdown_values(at)
    for dangerous in ("**bold**", "<img", "](http://evil.invalid)", ":red[**staff**]"):
        assert not any(dangerous in value for value in rendered), dangerous
    # The author's name is in a caption, every Markdown character escaped.
    assert any(MARKDOWN_AUTHOR in unescaped(value) for value in rendered)


def test_thread_unknown_key_is_a_friendly_message(seeded_db):
    at = open_app("app_pages/thread.py", thread="mastodon:does-not-exist")
    assert "There is no thread with this key" in at.warning[0].value
    assert "Key: mastodon:does-not-exist" in texts(at)


def test_thread_without_key_offers_a_selector(seeded_db):
    at = open_app("app_pages/thread.py")
    selector = at.selectbox[0]
    assert selector.options[0].startswith("⚑ ")  # flagged threads first
    assert not at.metric
    selector.select(seeded_db.quiet_thread_key).run()
    assert at.query_params == {"thread": seeded_db.quiet_thread_key}
    assert MARKDOWN_ATTACK in texts(at)
    assert "Not flagged" in at.info[0].value


# --- Export ---------------------------------------------------------------------------


def test_export_defaults_to_the_last_complete_week(seeded_db):
    at = open_app("app_pages/export.py")
    today = london_today()
    latest = max(i.created_at for i in seeded_db.items).date()
    week = default_export_week(today, latest)
    assert at.selectbox(key="export_week").value == week
    buttons = at.get("download_button")
    assert [b.label for b in buttons] == ["Download CSV", "Download summary CSV", "Data dictionary", "Briefing (HTML)", "Briefing (PDF)"]


def test_export_counts_the_week_it_will_export(seeded_db):
    from analysis.export import parse_iso_week

    at = open_app("app_pages/export.py")
    week = at.selectbox(key="export_week").value
    start, end = parse_iso_week(week)
    expected = sum(1 for i in seeded_db.items if start <= i.created_at < end)
    if expected:
        assert texts(at) == [f"{expected:,} items in {week}."]
    else:
        assert "Nothing was collected in this week" in at.info[0].value


def test_demo_database_shows_a_banner(seeded_db):
    import duckdb

    con = duckdb.connect(str(seeded_db.path))
    con.execute("INSERT INTO settings VALUES ('demo', 'true')")
    con.close()
    at = open_app()
    assert "demo database" in at.info[0].value
