"""The dashboard in a real browser: every page, the queue-to-thread click, no error boxes, screenshots.

Starts `streamlit run app.py` on a free port against a seeded database file and
drives headless Chromium with Playwright. Screenshots land in $PULSE_SCREENSHOTS
(default: a folder under the system's temporary directory, printed at the end of the run) for a
person to look at. Without Chromium the test skips locally and fails in CI.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.conftest import ROOT, SCREENSHOTS, in_ci
from tests.seed import (
    COUNCIL_REPLY,
    MARKDOWN_ATTACK,
    PILE_ON_REASON,
    REDDIT_FLAGGED_REASON,
    REDDIT_FLAGGED_TITLE,
    seed_database,
)
from ui.labels import WRAPPED_ROW_PX
from ui.threads import QUEUE_WIDTHS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SHOTS = SCREENSHOTS
STARTUP_S = 60
# Generous: a wait that succeeds returns at once, and a loaded 2-core machine can take this long to rerun a page.
PAGE_TIMEOUT_MS = 45_000
ERROR_BOX = '[data-testid="stException"]'


def _chromium() -> Path | None:
    if CHROMIUM.exists():
        return CHROMIUM
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_app(db: Path, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PULSE_DB": str(db), "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port), "--server.headless", "true", "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def _wait_healthy(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{base}/_stcore/health", timeout=2).text.strip() == "ok":
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    pytest.fail(f"streamlit did not become healthy within {STARTUP_S}s:\n{log.read_text(errors='replace')}")


@contextmanager
def running_app(db: Path, work: Path):
    """`streamlit run app.py` on a free port against `db`; yields its base URL."""
    port = _free_port()
    log = work / f"streamlit-{port}.log"
    process = _start_app(db, port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _require_chromium() -> None:
    if _chromium() is None:
        if in_ci():
            pytest.fail("Chromium is not installed: the browser test must run in CI")
        pytest.skip("Chromium is not installed (install it to run the browser test)")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    _require_chromium()
    work = tmp_path_factory.mktemp("e2e")
    return seed_database(work / "pulse.duckdb"), work


@pytest.fixture(scope="module")
def app_url(seeded):
    data, work = seeded
    with running_app(data.path, work) as base:
        yield base, data


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(_chromium()), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1800})
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    yield page
    context.close()


def _settle(page) -> None:
    """Wait until Streamlit has finished running the script for this view and every grid in sight has
    drawn (grids inside a closed expander never draw until it is opened)."""
    page.wait_for_selector('[data-testid="stApp"]')
    # Done when the script is not running and no lazily loaded element still shows its skeleton.
    page.wait_for_function(
        """() => document.querySelector('[data-testid="stMain"]')
                 && !document.querySelector('[data-testid="stStatusWidget"]')
                 && !document.querySelector('[data-testid^="stSkeleton"]')""",
    )
    for grid in page.locator('[data-testid="stDataFrame"]').all():
        if grid.is_visible():
            grid.locator("canvas").first.wait_for()
    page.wait_for_timeout(500)  # let charts finish drawing before a screenshot (not an assertion)


EXPANDERS = '[data-testid="stMain"] [data-testid="stExpander"] details'


def open_expanders(page) -> None:
    """Once the page has settled, open every closed expander of the main column (the tables behind
    them draw only when open; a click on an open one would close it) and settle again, until none is
    closed (a page may still be adding sections)."""
    _settle(page)
    for _ in range(3):
        closed = [details for details in page.locator(EXPANDERS).all() if details.get_attribute("open") is None]
        if not closed:
            return
        for details in closed:
            details.locator("summary").click()
        _settle(page)
    raise AssertionError("expanders kept closing")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _query(page) -> tuple[str, dict]:
    url = urlsplit(page.url)
    return url.path, parse_qs(url.query)


ROW_PX = WRAPPED_ROW_PX  # the queue's rows: tall enough to wrap the reason
ROW_MARKER_PX = 34  # the grid's row-selection column, measured on a screenshot


def open_selected(page) -> None:
    """Open the thread of the one row ticked in the queue (ticking selects; opening is a button)."""
    button = page.get_by_role("button", name="Open the thread")
    button.wait_for()
    button.click()


def _no_errors(page) -> None:
    assert page.locator(ERROR_BOX).count() == 0, page.locator(ERROR_BOX).first.inner_text()


def test_overview(page, app_url):
    base, _ = app_url
    page.goto(base)
    page.get_by_text("Most urgent flagged threads").wait_for()
    _settle(page)
    for label in ("Items", "Share negative", "Open flagged threads"):
        assert page.locator('[data-testid="stMetricLabel"]', has_text=label).count() == 1
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 1
    _no_errors(page)
    _shot(page, "overview")


def test_queue_row_opens_the_thread(page, app_url):
    base, seeded = app_url
    page.goto(f"{base}/flagged")
    page.get_by_text("Click a column header to sort").wait_for()
    _settle(page)
    _no_errors(page)
    _shot(page, "flagged")

    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    # The first row (highest pile-on score: the bins pile-on); its row-selection box is at the far left.
    page.mouse.click(box["x"] + 18, box["y"] + 35 + ROW_PX // 2)
    open_selected(page)
    page.locator('[data-testid="stAlert"]', has_text=PILE_ON_REASON).wait_for()
    assert _query(page) == ("/thread", {"thread": [seeded.pile_on_key]})  # a link to share
    page.get_by_text(COUNCIL_REPLY).wait_for()
    _settle(page)
    switch = page.get_by_text("marked hostile")  # hostile replies start collapsed, when there are any
    if switch.count():
        switch.click()
        _settle(page)
    assert page.locator('[data-testid="stText"]').count() >= 22  # the post and its 21 replies
    _no_errors(page)
    _shot(page, "thread")


def test_thread_shows_markdown_as_text(page, app_url):
    base, seeded = app_url
    page.goto(f"{base}/thread?thread={seeded.attack_thread_key}")
    page.get_by_text(MARKDOWN_ATTACK, exact=True).wait_for()
    _settle(page)
    assert page.locator('img[src*="example.invalid"]').count() == 0
    assert page.locator('a[href*="evil.invalid"]').count() == 0
    assert page.locator('[data-testid="stMain"] strong', has_text="bold").count() == 0
    _no_errors(page)
    _shot(page, "thread-markdown")


def test_unknown_thread_and_selector(page, app_url):
    base, _ = app_url
    page.goto(f"{base}/thread?thread=nope:123")
    page.get_by_text("There is no thread with this key").wait_for()
    _no_errors(page)
    page.goto(f"{base}/thread")
    page.get_by_text("Choose a thread (flagged ones first)").wait_for()
    _settle(page)
    _no_errors(page)
    _shot(page, "thread-selector")


def test_export(page, app_url):
    base, _ = app_url
    page.goto(f"{base}/export")
    button = page.get_by_role("button", name="Download CSV")
    button.wait_for()
    _settle(page)
    _no_errors(page)
    _shot(page, "export")
    with page.expect_download() as download:
        button.click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbfitem_key,")
    assert content.count(b"\r\n") > 1  # the header and at least one item


def test_source_filter_narrows_the_queue(page, app_url):
    base, _ = app_url
    page.goto(f"{base}/flagged")
    page.get_by_text("Click a column header to sort").wait_for()
    sources = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]')
    sources.click()
    page.get_by_role("option", name="Reddit r/examplecouncil").click()
    page.keyboard.press("Escape")
    page.get_by_text("1 flagged thread.").wait_for()
    _settle(page)
    _no_errors(page)
    _shot(page, "flagged-reddit-only")
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + ROW_PX // 2)  # the one row left is the Reddit thread
    open_selected(page)
    page.wait_for_function("location.pathname.endsWith('/thread')")
    page.locator('[data-testid="stHeading"]', has_text=REDDIT_FLAGGED_TITLE).wait_for()
    _no_errors(page)


def test_a_shared_link_is_the_first_visit_after_a_restart(page, seeded):
    """The first request to a fresh server is a deep link: it must still go through the router."""
    data, work = seeded
    with running_app(data.path, work) as base:
        page.goto(f"{base}/thread?thread={data.pile_on_key}")
        page.get_by_text(PILE_ON_REASON).wait_for()
        _settle(page)
        nav = page.locator('[data-testid="stSidebarNav"]')
        assert nav.get_by_text("Flagged threads").count() == 1  # the router's titles, not file names
        assert nav.get_by_text("app", exact=True).count() == 0
        assert page.locator('[data-testid="stSidebar"]').get_by_text("Period").count() == 1
        _no_errors(page)


def test_sorted_queue_still_opens_the_row_clicked(page, app_url):
    """Selection must follow the row the user sees after sorting, not the row's old position."""
    base, seeded = app_url
    page.goto(f"{base}/flagged")
    page.get_by_text("Click a column header to sort").wait_for()
    _settle(page)
    box = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    # The Score header is drawn on a canvas: its centre from the queue's column widths, each widened by an
    # equal share of the space the grid has beyond them.
    extra = (box["width"] - ROW_MARKER_PX - sum(QUEUE_WIDTHS.values())) / len(QUEUE_WIDTHS)
    score = ROW_MARKER_PX + QUEUE_WIDTHS["Post"] + QUEUE_WIDTHS["Why flagged"] + 2 * extra + (QUEUE_WIDTHS["Score"] + extra) / 2
    page.mouse.click(box["x"] + score, box["y"] + 17)  # ascending: the Reddit thread (57) first
    # The grid re-sorts in the browser; its hidden accessible copy shows the new first row.
    page.wait_for_function(
        """reason => (document.querySelector('[data-testid="glide-cell-2-0"]')?.textContent || '')
                    .startsWith(reason.slice(0, 20))""",
        arg=REDDIT_FLAGGED_REASON,
    )
    page.mouse.click(box["x"] + 18, box["y"] + 35 + ROW_PX // 2)
    open_selected(page)
    page.wait_for_function("location.pathname.endsWith('/thread')")
    page.locator('[data-testid="stAlert"]', has_text=REDDIT_FLAGGED_REASON).wait_for()
    assert _query(page) == ("/thread", {"thread": [seeded.reddit_flagged_key]})
    _no_errors(page)
