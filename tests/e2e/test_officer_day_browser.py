"""An officer's day in a real browser (Debian's Chromium): the stale-data alert on every page, the name kept
across a reload and a deep link, one audit row for a double-clicked Save, a reply's label corrected beside it,
long titles and names cut, and nothing wider than the main column at 1280x800 on any page.

The app runs on its own seeded database (this module writes to it) with a sources.toml where one switched-on
source was last collected three days ago. The helpers are test_browser.py's.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from settings.sources import SourceConfig
from settings.sources_file import dumps_sources
from store.db import connect
from tests.e2e.test_browser import PAGE_TIMEOUT_MS, _no_errors, _require_chromium, _settle, _shot, running_app
from tests.factories import comment, post, store_items
from tests.seed import MASTODON, PILE_ON_REASON, REDDIT, seed_database

NAME = "Jo Bloggs"
LONG_TITLE = "Bins " * 4_000  # 20,000 characters
LONG_AUTHOR = "x" * 100_000
PAGES = ["", "trends", "flagged", "thread?thread={pile_on}", "thread?thread=guardian:long-title", "export", "sources",
         "audit", "quality"]
NARROW = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    """(base URL, seeded data, late source's last success) of an app whose Reddit source is three days late."""
    _require_chromium()
    work = tmp_path_factory.mktemp("officer-day")
    seeded = seed_database(work / "pulse.duckdb")
    now = datetime.now(UTC).replace(tzinfo=None)
    late = now - timedelta(days=3)
    with connect(seeded.path) as con:
        con.execute("UPDATE sources SET last_ok_at = ? WHERE name = ?", [late, REDDIT.name])
        con.execute("UPDATE sources SET last_ok_at = ? WHERE name = ?", [now, MASTODON.name])
        long_source = SourceConfig("Guardian: long", "guardian", {"discussions": ["/p/long"]})
        store_items(con, long_source, [
            post("long-title", LONG_TITLE, now - timedelta(hours=5)),
            comment("long-name", "A reply from someone with a very long name.", now - timedelta(hours=4),
                    "long-title", author=LONG_AUTHOR),
        ])
    config = work / "sources.toml"
    entries = [{"name": REDDIT.name, "kind": "reddit", **REDDIT.options},
               {"name": MASTODON.name, "kind": "mastodon", **MASTODON.options, "base_url": "https://mastodon.example"}]
    config.write_text(dumps_sources(entries), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PULSE_CONFIG", str(config))
        with running_app(seeded.path, work) as base:
            yield base, seeded, late


def _type_name(page, name: str) -> None:
    box = page.locator('[data-testid="stSidebar"]').get_by_role("textbox", name="Your name")
    box.fill(name)
    box.press("Enter")
    page.locator('[data-testid="stSidebar"]').get_by_text("Acting as officer").wait_for()


def _name_box(page):
    return page.locator('[data-testid="stSidebar"]').get_by_role("textbox", name="Your name")


def test_every_page_says_which_source_is_late_and_links_to_sources(page, day):
    base, seeded, late = day
    for path in ("", "flagged", f"thread?thread={seeded.pile_on_key}", "export"):
        page.goto(f"{base}/{path}")
        alert = page.locator('[data-testid="stAlert"]', has_text="The data may be out of date")
        alert.wait_for()
        text = alert.inner_text()
        assert f"{REDDIT.name}: no successful collection since {late:%d %b %Y}" in text, text
        assert MASTODON.name not in text
    _settle(page)
    _no_errors(page)
    _shot(page, "stale-alert")
    page.get_by_role("link", name="See each source's health on the Sources page").click()
    page.wait_for_function("location.pathname.endsWith('/sources')")
    page.get_by_role("heading", name="Sources").wait_for()


def test_the_typed_name_survives_a_reload_and_a_deep_link(browser, day):
    base, seeded, _ = day
    context = browser.new_context(viewport=NARROW)
    try:
        page = context.new_page()
        page.goto(base)
        _type_name(page, NAME)
        page.wait_for_function("document.cookie.includes('pulse_officer_name=')")
        page.reload()
        expect(_name_box(page)).to_have_value(NAME)
        page.locator('[data-testid="stSidebar"]').get_by_text("Acting as officer").wait_for()
        other = context.new_page()  # a link from an alert, opened in a new tab of the same browser
        other.goto(f"{base}/thread?thread={seeded.pile_on_key}")
        other.get_by_text(PILE_ON_REASON).wait_for()
        expect(_name_box(other)).to_have_value(NAME)
        other.locator('[data-testid="stSidebar"]').get_by_text("Acting as officer").wait_for()
        save = other.get_by_role("button", name="Save", exact=True)
        expect(save).to_have_count(1, timeout=30_000)
        expect(save).to_be_enabled(timeout=30_000)
    finally:
        context.close()
    fresh = browser.new_context(viewport=NARROW)  # another browser: nobody
    try:
        page = fresh.new_page()
        page.goto(base)
        page.locator('[data-testid="stSidebar"]').get_by_role("textbox", name="Your name").wait_for()
        _settle(page)
        expect(_name_box(page)).to_have_value("")
    finally:
        fresh.close()


def _notes(db, thread_key: str) -> list[tuple[str, str]]:
    with connect(db, read_only=True) as con:
        return con.execute("SELECT actor, note FROM actions WHERE action = 'note' AND thread_key = ?",
                           [thread_key]).fetchall()


def test_a_double_clicked_save_writes_one_audit_row_and_clears_the_note(page, day):
    base, seeded, _ = day
    page.goto(f"{base}/thread?thread={seeded.pile_on_key}")
    _type_name(page, NAME)
    _settle(page)
    note = page.get_by_label("Note (what was done)")
    note.fill("Phoned the waste team")
    save = page.get_by_role("button", name="Save", exact=True)
    # The rerun may still be swapping the viewer's disabled button for the officer's: one, then enabled.
    expect(save).to_have_count(1, timeout=30_000)
    expect(save).to_be_enabled(timeout=30_000)
    save.dblclick()
    page.get_by_text("Saved: note").or_(page.get_by_text("the note was already saved")).first.wait_for()
    _settle(page)
    expect(note).to_have_value("")
    assert _notes(seeded.path, seeded.pile_on_key) == [(NAME, "Phoned the waste team")]
    _no_errors(page)
    _shot(page, "thread-note-saved")


def _label(db, item_key: str) -> str | None:
    with connect(db, read_only=True) as con:
        row = con.execute("SELECT value FROM label_corrections WHERE item_key = ? AND field = 'feedback_class'",
                          [item_key]).fetchall()
    return row[0][0] if row else None


def test_a_reply_label_is_corrected_beside_the_reply(page, day):
    base, seeded, _ = day
    replies = [i for i in seeded.items if i.thread_key == seeded.pile_on_key and i.key != seeded.pile_on_key]
    texts = [i.text for i in replies]
    reply = next(i for i in replies if not i.is_council and i.expected_class == "positive" and texts.count(i.text) == 1)
    page.goto(f"{base}/thread?thread={seeded.pile_on_key}")
    _type_name(page, NAME)
    # The reply's own box: the nearest block around its text.
    box = page.get_by_text(reply.text, exact=True).locator('xpath=ancestor::div[@data-testid="stVerticalBlock"][1]')
    label = box.locator('[data-testid="stPopoverButton"]:visible')  # Streamlit keeps a hidden copy to measure
    expect(label).to_have_count(1)
    label.click()
    page.get_by_role("radiogroup").get_by_text("Constructive", exact=True).click()
    box.get_by_text("Label set to Constructive.").wait_for()  # beside the reply, not at the top of the page
    expect(label).to_contain_text("Constructive")
    assert _label(seeded.path, reply.key) == "constructive"
    _settle(page)
    _no_errors(page)
    _shot(page, "thread-reply-corrected")


def test_long_titles_and_names_are_cut_with_the_whole_text_a_click_away(page, day):
    base, _, _ = day
    page.goto(f"{base}/thread?thread=guardian:long-title")
    page.get_by_text("A reply from someone with a very long name.").wait_for()
    _settle(page)
    heading = page.locator('[data-testid="stHeading"]').nth(1).bounding_box()  # the post's, under the page title
    assert heading["height"] < 250, heading  # a few lines, where the whole title would be thousands of pixels
    assert page.get_by_text(re.compile(r"^The whole title \(19,999 characters\)$")).count() == 1  # as stored: cleaned
    assert page.get_by_text("The whole name (100,000 characters)").count() == 1
    page.get_by_text("The whole name (100,000 characters)").click()
    assert page.get_by_text(LONG_AUTHOR).count() == 1
    _no_errors(page)


WIDER_THAN_MAIN = """() => {
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    const box = main.getBoundingClientRect();
    const right = box.right - parseFloat(getComputedStyle(main).paddingRight) + 2;
    const wide = [];
    for (const el of main.querySelectorAll('*')) {
        if (el.closest('[data-testid="stDataFrameResizable"]')) continue;  // its resize handle hangs outside; tables are checked below
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.height > 0 && r.right > right && getComputedStyle(el).visibility !== 'hidden') {
            const test = el.closest('[data-testid]');
            wide.push(`${test ? test.getAttribute('data-testid') : el.tagName}: right ${Math.round(r.right)} > ${Math.round(right)}`);
        }
    }
    for (const grid of main.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')) {
        if (grid.scrollWidth > grid.clientWidth + 1) wide.push(`a table scrolls sideways (${grid.scrollWidth} > ${grid.clientWidth})`);
    }
    return [...new Set(wide)];
}"""


@pytest.mark.parametrize("path", PAGES)
def test_nothing_is_wider_than_the_main_column_at_1280_by_800(browser, day, path):
    base, seeded, _ = day
    context = browser.new_context(viewport=NARROW)
    context.add_cookies([{"name": "pulse_officer_name", "value": "Jo", "url": base}])  # the officer's view
    try:
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(f"{base}/{path.format(pile_on=seeded.pile_on_key)}")
        page.locator('[data-testid="stMainBlockContainer"] h1').first.wait_for()
        _settle(page)
        wide = page.evaluate(WIDER_THAN_MAIN)
        if wide:
            _shot(page, f"too-wide-{path.split('?')[0] or 'overview'}")
        assert wide == []
    finally:
        context.close()
