"""Triage in a real browser: an officer types their name, changes a thread's status on the Thread
page, and the queue shows it. Reuses test_browser.py's server and browser fixtures on its own
seeded database (this module writes to it)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.test_browser import ROW_PX, _no_errors, _settle, _shot, open_selected
from tests.seed import PILE_ON_REASON


def _sidebar_name(page, name: str) -> None:
    box = page.locator('[data-testid="stSidebar"]').get_by_role("textbox", name="Your name")
    box.fill(name)
    box.press("Enter")
    page.get_by_text("Acting as officer").wait_for()


def test_officer_changes_status_on_the_thread_page_and_the_queue_shows_it(page, app_url):  # noqa: F811
    base, seeded_data = app_url
    page.goto(f"{base}/thread?thread={seeded_data.pile_on_key}")
    page.get_by_text(PILE_ON_REASON).wait_for()
    _settle(page)
    save = page.get_by_role("button", name="Save", exact=True)
    assert save.is_disabled()  # a viewer until a name is typed
    _sidebar_name(page, "Jo Bloggs")
    _settle(page)
    # The rerun may still be swapping the viewer's disabled button for the officer's: wait (retrying)
    # until one Save button is left, then check it is enabled.
    expect(save).to_have_count(1, timeout=30_000)
    expect(save).to_be_enabled(timeout=30_000)

    page.locator('[data-testid="stSelectbox"]').filter(has_text="Status").first.click()
    page.get_by_role("option", name="Acknowledged").click()
    save.click()
    page.get_by_text("Saved: status Acknowledged").wait_for()
    _settle(page)
    expect(page.locator('[data-testid="stMetricValue"]', has_text="Acknowledged")).to_have_count(1)
    _no_errors(page)
    _shot(page, "thread-triage")

    # Follow the sidebar link (same session) to the queue; without New only the acknowledged thread is left.
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Flagged threads").click()
    page.get_by_text("2 flagged threads.").wait_for()
    _settle(page)
    status = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Status").first
    status.get_by_role("button", name="Remove New").click()
    page.get_by_text("1 flagged thread.").wait_for()
    _settle(page)
    _no_errors(page)
    _shot(page, "flagged-acknowledged")
    box = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + ROW_PX // 2)  # the one row left (the grid is drawn on a canvas)
    open_selected(page)
    page.wait_for_function("location.pathname.endsWith('/thread')")
    page.locator('[data-testid="stAlert"]', has_text=PILE_ON_REASON).wait_for()
    expect(page.locator('[data-testid="stMetricValue"]', has_text="Acknowledged")).to_have_count(1)  # drawn after the alert
    _no_errors(page)
