"""Trends, Model quality and the Overview's spikes in a real browser, on the demo database.

The demo database is built by `demo.build` (recorded payloads through the real collectors and
models) into a temporary file; `streamlit run app.py` serves it as in test_browser.py. Its
Guardian discussions hold two pile-ons (10 Nov and 24 Nov 2026) and its Facebook Page one
(26 Nov), which the spike rules must find. Screenshots land in $PULSE_SCREENSHOTS (see test_browser.py) for a person to look at.
"""

from __future__ import annotations

import json

import pytest

from analysis.quality import MODELS_DIR
from store import triage
from store.db import connect
from tests.e2e.test_browser import (
    PAGE_TIMEOUT_MS,
    ROW_PX,
    _no_errors,
    _require_chromium,
    _settle,
    _shot,
    open_expanders,
    running_app,
)

GUARDIAN = "Guardian comments"
FACEBOOK = "Facebook: Brackenford Council"  # the newest spike: the council tax pile-on of 26 Nov
PILE_ON_TITLE = "Brackenford council to tweet every call it takes for 24 hours"
OFFICER = triage.Actor("Jo Bloggs", "officer")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    _require_chromium()
    from demo.build import build

    work = tmp_path_factory.mktemp("e2e-demo")
    build(work / "demo.duckdb", fresh=True, show_progress=False)
    with connect(work / "demo.duckdb") as con:  # an officer confirms two labels and changes one
        keys = [r[0] for r in con.execute(
            "SELECT item_key FROM scores WHERE sentiment = 'negative' ORDER BY item_key LIMIT 3").fetchall()]
        triage.correct_label(con, OFFICER, keys[:2], "sentiment", "negative")
        triage.correct_label(con, OFFICER, keys[2], "sentiment", "positive")
    with running_app(work / "demo.duckdb", work) as base:
        yield base


@pytest.fixture
def page(browser):  # noqa: F811
    """A tall window, so a screenshot holds the whole page (Streamlit scrolls inside its own frame)."""
    context = browser.new_context(viewport={"width": 1600, "height": 3200})
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    yield page
    context.close()


def _fresh(page) -> None:
    """_settle, then wait until nothing from the previous run is still drawn faded (stale)."""
    _settle(page)
    page.wait_for_function("""() => !document.querySelector('[data-stale="true"]')""")


def _grids(page):
    return page.locator('[data-testid="stDataFrame"]')


def _click_first_row(page, grid) -> None:
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + ROW_PX // 2)  # the row-selection box of the first row


def test_overview_spikes_name_the_source_and_open_the_thread(page, demo_url):
    page.goto(demo_url)
    page.get_by_text("Most urgent flagged threads").wait_for()
    _settle(page)
    for label in ("Share negative", "Share constructive"):
        assert page.locator('[data-testid="stMetricLabel"]', has_text=label).count() == 1
    alerts = page.locator('[data-testid="stAlert"]', has_text=f"{GUARDIAN}: ")
    assert alerts.count() >= 1
    assert "negative items on Tue 24 Nov" in alerts.first.inner_text()
    _no_errors(page)
    _shot(page, "overview-spikes")
    # The first spike's table: its first row is the 24-hour tweeting pile-on.
    grid = alerts.first.locator("xpath=following::*[@data-testid='stDataFrame'][1]")
    _click_first_row(page, grid)
    page.wait_for_function("location.pathname.endsWith('/thread')")
    page.locator('[data-testid="stHeading"]', has_text=PILE_ON_TITLE).wait_for()
    _no_errors(page)


def test_trends_page(page, demo_url):
    page.goto(f"{demo_url}/trends")
    page.get_by_text("Which service areas need attention").wait_for()
    _settle(page)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 3  # everything, then a small chart per group
    assert page.get_by_text("Public items per day").count() == 1
    _no_errors(page)
    _shot(page, "trends")

    spikes = page.locator('.st-key-trends_spikes [data-testid="stDataFrame"]')  # newest first
    _click_first_row(page, spikes)
    page.locator('[data-testid="stAlert"]', has_text=f"{FACEBOOK}: ").wait_for()
    _fresh(page)
    _no_errors(page)
    _shot(page, "trends-spike-threads")

    page.locator('[data-testid="stButtonGroup"]').get_by_text("Source", exact=True).click()
    page.get_by_text("Which sources need attention").wait_for()
    _fresh(page)
    _no_errors(page)
    _shot(page, "trends-by-source")


def test_trends_weekly_over_90_days(page, demo_url):
    page.goto(f"{demo_url}/trends")
    page.get_by_text("Which service areas need attention").wait_for()
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Last 90 days").click()
    page.get_by_text("Public items per week").wait_for()
    _fresh(page)
    _no_errors(page)
    _shot(page, "trends-90-days")


def test_quality_page(page, demo_url):
    metrics = json.loads((MODELS_DIR / "metrics.json").read_text())
    page.goto(f"{demo_url}/quality")
    page.get_by_text("Agreement with officers").wait_for()
    _settle(page)
    agreement = page.locator('[data-testid="stMetric"]', has_text="Sentiment: model agrees")
    assert "67%" in agreement.inner_text() and "2 of 3 officer labels" in agreement.inner_text()
    assert page.get_by_text("In plain words").count() == 1  # for a comms officer, before the technical tables
    assert page.get_by_text(metrics["versions"]["sentiment"]).count() >= 1
    expanders = page.locator('[data-testid="stMain"] [data-testid="stExpander"] summary')
    for label in ("Targets", "Sentiment: negative, neutral or positive", "Constructive feedback", "Hostile language"):
        assert expanders.filter(has_text=label).count() == 1
    open_expanders(page)
    # Models, targets, sentiment table, two sentiment matrices, constructive tables and matrices, hostile likewise,
    # training.
    assert _grids(page).count() >= 8
    _no_errors(page)
    _shot(page, "quality")
