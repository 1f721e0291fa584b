"""The Sources page in a real browser: "Collect now" for every source against the demo's replay server.

The demo replay server (demo/server.py) runs on 127.0.0.1 in this process,
holding every answer until the test has seen the run in progress; the app runs
as `streamlit run app.py` with PULSE_CONFIG and PULSE_DB on temporary paths, and
with the demo's made-up credentials and trust in the replay server in its
environment, as `python -m demo build` gives its own collectors. The
app and browser helpers are test_browser.py's. Without Chromium the test skips
locally and fails in CI.
"""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from collectors.registry import load_sources
from demo.build import demo_config, replay_environment
from demo.server import ReplayServer, _Handler
from store.db import connect
from tests.e2e.test_browser import (
    _no_errors,
    _require_chromium,
    _settle,
    _shot,
    running_app,
)

HOLD_S = 120  # the longest a held answer waits: a safety net, not a measurement
# demo/README.md: the council news feed has 21 items, Google News 15, Google Alerts 8.
FEED_ITEMS = {
    "Council news": 21,
    "Google News: Brackenford council": 15,
    "Google Alerts: Brackenford Borough Council": 8,
}


class HeldReplay(ReplayServer):
    """The demo replay, answering nothing until `release` is set."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()

    def start(self) -> HeldReplay:
        super().start()
        release = self.release

        class Held(_Handler):
            def do_GET(self) -> None:
                release.wait(HOLD_S)
                super().do_GET()

        self._server.RequestHandlerClass = Held
        return self


@pytest.fixture
def sources_app(tmp_path, monkeypatch):
    _require_chromium()
    with HeldReplay() as replay, replay_environment(replay.base_url):
        config = demo_config(replay.base_url, tmp_path)
        monkeypatch.setenv("PULSE_CONFIG", str(config))
        db = tmp_path / "pulse.duckdb"
        with running_app(db, tmp_path) as base:
            yield base, replay, db, [s.name for s in load_sources(config)]
        replay.release.set()


def _idle(view) -> None:
    """Wait until no script run is in progress, so a click starts a run of its own."""
    view.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]')


def grid_rows(view) -> dict[str, list[str]]:
    """The Sources table as the browser shows it: source name -> its cells, read from the grid's
    accessible table (the grid itself is drawn on a canvas)."""
    grid = view.locator('[data-testid="stDataFrame"]').first
    rows = {}
    for row in grid.locator('[role="row"]').all():
        cells = [c.inner_text().strip() for c in row.locator('[role="gridcell"]').all()]
        if cells:
            rows[cells[0]] = cells
    return rows


def test_collect_now_for_every_source_shows_progress_then_counts(page, sources_app):  # noqa: F811
    base, replay, db, names = sources_app
    page.goto(f"{base}/sources")
    page.get_by_text("Only officers can collect").wait_for()  # a viewer until they give a name
    name = page.get_by_label("Your name", exact=True).and_(page.get_by_role("textbox"))
    name.fill("Jo Officer")
    name.press("Enter")
    page.locator('[data-testid="stSidebar"]').get_by_text("Acting as officer").wait_for()
    collect_all = page.get_by_role("button", name="Collect now: all switched-on sources")
    collect_all.wait_for()
    _settle(page)
    _idle(page)
    _no_errors(page)
    before = grid_rows(page)
    assert set(before) == set(names) and len(names) == 10  # every kind of channel the demo records
    _shot(page, "sources-before")

    collect_all.click()
    progress = page.locator('[data-testid="stProgress"]')
    try:
        progress.wait_for()
    except PlaywrightTimeout:
        _shot(page, "sources-no-progress")
        alerts = page.locator('[data-testid="stAlert"]').all_inner_texts()
        pytest.fail(f"no progress bar after the click; the page says: {alerts}")
    page.get_by_text(f"Collecting source 1 of {len(names)}: Council news").wait_for()
    assert collect_all.is_disabled()
    _shot(page, "sources-collecting")

    replay.release.set()
    page.get_by_text(f"Collected {len(names)} of {len(names)} source(s)").wait_for(timeout=HOLD_S * 1000)
    progress.wait_for(state="detached")  # the rerun that shows the result removes the bar
    _settle(page)
    _no_errors(page)
    _shot(page, "sources-after")

    with connect(db, read_only=True) as con:
        stored = dict(con.execute(
            "SELECT s.name, count(i.key) FROM sources s LEFT JOIN items i ON i.source_id = s.id AND i.deleted_at IS NULL GROUP BY s.name"
        ).fetchall())
    assert {name: stored[name] for name in FEED_ITEMS} == FEED_ITEMS
    after = grid_rows(page)
    header = [h.inner_text().strip() for h in page.locator('[data-testid="stDataFrame"] [role="columnheader"]').all()]
    items, last_run, errors = header.index("Items"), header.index("Last run"), header.index("Last error")
    for name, count in stored.items():
        assert after[name][items] == str(count), name
        assert after[name][last_run], f"{name}: no last-run time shown"
        assert after[name][errors] == "", name
    assert int(after["Guardian comments"][items]) > 0
