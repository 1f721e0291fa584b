"""Retake the README's screenshots (docs/*.png) from the demo database, at 1440x900 in Debian's Chromium.

    .venv/bin/python -m bench.screenshots [--out docs] [--db DEMO.duckdb]

Not a test: it asserts nothing, it draws. The demo is built into a temporary folder (or a copy of --db is
used), so acting in it (a label corrected for the thread shot) changes nothing of yours. The empty-database
shot uses a fresh database, a copy of the example sources.toml and the demo's news feed on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

from demo.build import build, replay_environment
from demo.server import ReplayServer
from store.db import connect
from tests.conftest import ROOT
from tests.e2e.test_browser import CHROMIUM_ARGS, _chromium, _settle, running_app

VIEWPORT = {"width": 1440, "height": 900}
OFFICER = "Jo Officer"
FEED = "/www.brackenford.gov.uk/news/rss"


@contextmanager
def officer_page(browser, base: str):
    context = browser.new_context(viewport=VIEWPORT)
    context.add_cookies([{"name": "pulse_officer_name", "value": OFFICER.replace(" ", "%20"), "url": base}])
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        yield page
    finally:
        context.close()


def shoot(page, path: Path) -> None:
    _settle(page)
    page.wait_for_timeout(800)  # charts finish drawing
    page.screenshot(path=str(path))
    print(f"{path} ({path.stat().st_size // 1024} KiB)")


def demo_shots(browser, db: Path, work: Path, out: Path) -> None:
    with connect(db, read_only=True) as con:
        thread, reply = con.execute(
            """SELECT t.thread_key, (SELECT i.text FROM items i JOIN scores s ON s.item_key = i.key
                                     WHERE i.thread_id = t.thread_key AND i.key <> t.thread_key AND NOT i.is_council
                                       AND NOT s.hostile ORDER BY i.created_at LIMIT 1)
               FROM threads t WHERE t.flagged ORDER BY t.pileon_score DESC LIMIT 1""").fetchall()[0]
    with running_app(db, work) as base, officer_page(browser, base) as page:
        page.goto(base)
        page.get_by_text("Most urgent flagged threads").wait_for()
        shoot(page, out / "overview.png")
        page.goto(f"{base}/flagged")
        page.get_by_text("Click a column header to sort").wait_for()
        shoot(page, out / "queue.png")
        page.goto(f"{base}/thread?thread={thread}")
        box = page.get_by_text(reply, exact=True).first.locator('xpath=ancestor::div[@data-testid="stVerticalBlock"][1]')
        label = box.locator('[data-testid="stPopoverButton"]:visible')
        label.wait_for()
        shoot(page, out / "thread.png")  # the post, why it is flagged and the triage panel
        label.scroll_into_view_if_needed()
        label.click()
        page.get_by_role("radiogroup").get_by_text("Constructive", exact=True).click()
        box.get_by_text("Label set to Constructive.").wait_for()
        page.get_by_role("radiogroup").wait_for()  # the popover stays open: the choices in words, the reply corrected
        shoot(page, out / "thread-correction.png")


def first_run_shot(browser, work: Path, out: Path) -> None:
    config = work / "sources.toml"
    shutil.copyfile(ROOT / "sources.toml", config)
    # The feed is on 127.0.0.1: trusted for this shot only, as the demo's build does (demo.build.replay_environment).
    with ReplayServer() as feeds, replay_environment(feeds.base_url), patch.dict(os.environ, PULSE_CONFIG=str(config)), \
            running_app(work / "empty.duckdb", work) as base, officer_page(browser, base) as page:
        page.goto(f"{base}/sources")
        page.get_by_role("heading", name="Add your first source").wait_for()
        _settle(page)
        page.get_by_role("textbox", name="A name for it (shown on every page)").fill("Our news")
        page.get_by_role("textbox", name="Feed address").fill(f"{feeds.base_url}{FEED}")
        page.get_by_role("button", name="Test it").click()
        page.get_by_text("the first page holds").wait_for()
        _settle(page)
        field = page.get_by_role("textbox", name="Feed address")
        page.evaluate("el => el.scrollIntoView({block: 'start'})", field.element_handle())  # the form and its result
        shoot(page, out / "first-run.png")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where the PNGs go (default docs/)")
    parser.add_argument("--db", type=Path, help="a demo database to copy (default: build one)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="pulse-shots-") as folder:
        work = Path(folder)
        db = work / "demo.duckdb"
        if args.db:
            shutil.copyfile(args.db, db)
        else:
            build(db, fresh=True, show_progress=False)
        args.out.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(_chromium()), args=CHROMIUM_ARGS, headless=True)
            try:
                demo_shots(browser, db, work, args.out)
                first_run_shot(browser, work, args.out)
            finally:
                browser.close()


if __name__ == "__main__":
    main()
