"""Rendering safety in a real browser: hostile public text is shown as text on every page, and
nothing it points at is ever requested.

A local HTTP server on 127.0.0.1 stands for "the outside address": it records every request it
gets. A real DuckDB file is built with tests/seed.py (the real store and scoring code), then a
hostile source is added whose every attacker-controlled field carries payloads pointing at that
server: the source's name (officers type it; it is also in sources.toml), a post's title, text,
author and link (javascript: and http://127.0.0.1:PORT/...), replies' texts and authors (stored
verbatim, as if the cleaner had let them through), a 50,000-character comment with control,
zero-width and right-to-left characters and emoji (through the real cleaner, which cuts it), an
officer's notes, assignee and name, a collector's error and an alert's subject. Thread flag reasons
and service-area labels are not attacker-controlled (the app words them from counts and a fixed
list), so they carry no payload.

`streamlit run app.py` serves it; headless Chromium visits every page of app.py's router (read from
app.py, so new pages are covered) as an officer, opens the flagged hostile thread, shows the
replies marked hostile and opens the selectors that list public text. Then: the listening server
got no request, the browser sent none to it, no element loads anything from it, no link is
javascript:, and the payloads are visible as literal text. Screenshots land in
$PULSE_SCREENSHOTS (see test_browser.py).
"""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from collectors.items import Item
from collectors.registry import load_sources
from jobs.collect import item_row
from jobs.scoring import score_pending
from settings.sources import SourceConfig
from store import triage
from store.alerts import record_attempt
from store.db import connect, transaction
from store.items import items_frame, upsert_items
from store.sources import finish_run, start_run, sync_source
from tests.conftest import ROOT
from tests.e2e.test_browser import (
    CHROMIUM_ARGS,
    ERROR_BOX,
    PAGE_TIMEOUT_MS,
    SHOTS,
    _chromium,
    _require_chromium,
    _settle,
    open_expanders,
    running_app,
)
from tests.seed import NEGATIVE, SeedError, seed_database

LONG_CHARS = 50_000
OFFICER_SHORT = "Officer Jo"  # typed in the sidebar by the browser (the hostile officer name is seeded)


# --- The outside address ----------------------------------------------------------------------


class Listener:
    """An HTTP server on 127.0.0.1 that answers everything and remembers every request."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        seen = self.requests

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                seen.append(f"{self.command} {self.path}")
                body = b"GIF89a"  # something an <img> could load
                self.send_response(200)
                self.send_header("Content-Type", "image/gif")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = do_OPTIONS = _record

            def log_message(self, *args) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def payloads(out: str) -> dict[str, str]:
    """Every way a comment could try to make the page fetch `out` or run script, by name."""
    return {
        "script": f"<script>fetch('{out}/script')</script>",
        "img": f'<img src="{out}/img">',
        "img_onerror": f"<img src=x onerror=\"fetch('{out}/onerror')\">",
        "md_image": f"![x]({out}/md-image)",
        "md_js_link": f"[click](javascript:fetch('{out}/md-js'))",
        "html_js_link": f"<a href=\"javascript:fetch('{out}/a-js')\">open</a>",
        "iframe": f'<iframe src="{out}/iframe"></iframe>',
        "svg": f"<svg onload=\"fetch('{out}/svg')\"><image href=\"{out}/svg-image\"/></svg>",
        "css": f'<div style="background:url({out}/css)">x</div><style>@import url({out}/css-import);</style>',
        "link_tag": f'<link rel="stylesheet" href="{out}/link-tag">',
        "autolink": f"<{out}/autolink> {out}/bare www.{out[7:]}/www",
        "md_image_link": f"[![y]({out}/md-image-2)]({out}/md-link)",
        "reference": f"![z][r]\n\n[r]: {out}/md-reference",
        "directive": ":red[**staff only**] :material/home: :blue-badge[council]",
        "latex": f"$\\href{{javascript:fetch('{out}/katex')}}{{x}}$ $$\\includegraphics{{{out}/katex-img}}$$",
        "object": f'<object data="{out}/object"></object><video poster="{out}/poster"></video>',
    }


# What must be readable, letter for letter, somewhere on the thread page once the replies are shown.
LITERAL_ON_THREAD = ("<script>fetch(", "<img src=", "![x](", "[click](javascript:", "<iframe src=", "<svg onload=",
                     "background:url(", ":red[**staff only**]")


def long_comment() -> str:
    """50,000 characters: words, emoji, right-to-left, zero-width and control characters."""
    piece = ("Bins again 😡🚮 \u202eesrever\u202c שלום עליכם \u200bzero\u200dwidth\u2060 "
             "\x07bell\x1b[31mred\x1b[0m مرحبا 👍🏽 ")
    text = "START-OF-LONG-COMMENT " + piece * (LONG_CHARS // len(piece) + 1)
    return text[:LONG_CHARS]


# --- The hostile data ---------------------------------------------------------------------------


class Hostile:
    def __init__(self, out: str, path: Path) -> None:
        p = payloads(out)
        self.out, self.p, self.path = out, p, path
        self.source = SourceConfig(
            f"Hostile {p['img']} {p['md_image']} {p['md_js_link']}", "reddit", {"subreddit": "examplecouncil"}
        )
        self.title = f"Bins {p['script']} {p['img']} {p['md_image']}"
        self.author = f"{p['md_js_link']} {p['img_onerror']} {p['directive']}"
        self.note = f"Note {p['script']} {p['md_image']} {p['html_js_link']}"
        self.assignee = f"{p['img']} {p['md_image']}"
        self.officer = f"Jo {p['img_onerror']} {p['md_image']}"
        self.flagged_key = ""
        self.linked_key = ""
        self.long_key = ""


def _row(item: Item, source: SourceConfig, source_id: int, now, verbatim: bool) -> dict:
    row = item_row(item, source, source_id, now)
    if verbatim:  # as if a cleaner let it through: the pages must still show it as text
        row["title"], row["text"] = item.title, item.raw_text
    return row


def seed_hostile(path: Path, out: str) -> Hostile:
    now = datetime.now(UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    try:
        seed_database(path, now=now)  # a realistic store around the hostile source
    except SeedError:  # the seed's own flag wording is tests/test_pages.py's business; here it is background
        pass
    h = Hostile(out, path)
    p = h.p
    at = now - timedelta(hours=30)
    source = h.source

    def item(native: str, item_type: str, when, text: str, author: str, **extra) -> Item:
        return Item(kind="reddit", native_id=native, item_type=item_type, created_at=when.replace(tzinfo=UTC),
                    raw_text=text, author_id=author, author_name=author, **extra)

    root = item("hostile-post", "post", at, "\n".join(p.values()), h.author, title=h.title,
                url=f"javascript:fetch('{out}/url')")
    replies = []
    kinds = list(p)
    for n in range(12):  # a pile-on: 12 negative replies from 6 people within 2 hours
        replies.append(item(
            f"hostile-reply-{n}", "comment", at + timedelta(minutes=10 * (n + 1)),
            f"{NEGATIVE[n % len(NEGATIVE)]} {p[kinds[n % len(kinds)]]} {p[kinds[(n + 5) % len(kinds)]]}",
            f"angry{n % 6} {p['md_image']} {p['img']}" if n % 2 else f"angry{n % 6}",
            thread_id=root.key, parent_id=root.key, url=f"{out}/reply-{n}",
        ))
    long = item("hostile-long", "comment", at + timedelta(minutes=5), long_comment(), "essayist",
                thread_id=root.key, parent_id=root.key)
    linked = item("hostile-linked", "post", now - timedelta(hours=20), f"A post whose link is {out}/post-link",
                  "linker", title=f"Linked post {p['md_image_link']}", url=f"{out}/post-link")
    linked_reply = item("hostile-linked-reply", "comment", now - timedelta(hours=19), p["reference"], "linker2",
                        thread_id=linked.key, parent_id=linked.key)

    with connect(path) as con, transaction(con):
        source_id = sync_source(con, source.name, source.kind, source.as_dict())
        rows = [_row(i, source, source_id, now, verbatim=i is not long) for i in
                [root, *replies, long, linked, linked_reply]]
        upsert_items(con, items_frame(rows))
    with connect(path) as con, transaction(con):
        run = start_run(con, source_id, now - timedelta(hours=1))
        finish_run(con, run, source_id, now - timedelta(hours=1),
                   f"HTTP 500 ({p['img']} {p['md_image']}) from reddit: GET {out}/error", [])
        record_attempt(con, "hostile-alert", "thread", "email", f"Flagged: {h.title}", now - timedelta(hours=2),
                       error=f"refused {p['img']}")
    score_pending(path)

    officer = triage.Actor(h.officer, triage.OFFICER)
    with connect(path) as con:
        triage.set_status(con, officer, root.key, "acknowledged", note=h.note)
        triage.assign(con, officer, root.key, h.assignee)
        triage.add_note(con, officer, root.key, h.note)
        triage.correct_label(con, officer, replies[0].key, "sentiment", "negative")
        flagged = con.execute("SELECT flagged FROM threads WHERE thread_key = ?", [root.key]).fetchall()
        stored_long = con.execute("SELECT text FROM items WHERE key = ?", [long.key]).fetchall()[0][0]
    assert flagged == [(True,)], "the hostile thread must be flagged, so the queue and Overview list it"
    assert "… [cut: " in stored_long and len(stored_long) < LONG_CHARS // 2, "the cleaner cuts the long comment"
    h.flagged_key, h.linked_key, h.long_key = root.key, linked.key, long.key
    return h


def sources_file(path: Path, h: Hostile) -> Path:
    """A sources file naming the hostile source, so the Sources page lists it with its controls."""
    path.write_text(  # a JSON string is a TOML basic string
        f'[[sources]]\nname = {json.dumps(h.source.name)}\nkind = "reddit"\nsubreddit = "examplecouncil"\n'
        "enabled = false\n",
        encoding="utf-8",
    )
    assert [s.name for s in load_sources(path)] == [h.source.name]
    return path


# --- The app, the browser, the checks -----------------------------------------------------------


def router_pages() -> list[tuple[str, str]]:
    """(file, title) of every st.Page in app.py, read from the source so new pages are covered."""
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    pages = re.findall(r'st\.Page\(\s*"([^"]+)"\s*,\s*title="([^"]+)"', source)
    assert len(pages) == source.count("st.Page("), "every st.Page in app.py has a file and a title= to find it by"
    return pages


@pytest.fixture(scope="module")
def listener():
    with Listener() as server:
        yield server


@pytest.fixture(scope="module")
def hostile_app(listener, tmp_path_factory):
    _require_chromium()
    work = tmp_path_factory.mktemp("rendering")
    h = seed_hostile(work / "pulse.duckdb", listener.base)
    config = sources_file(work / "sources.toml", h)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PULSE_CONFIG", str(config))
        with running_app(h.path, work) as base:
            yield base, h
    assert listener.requests == [], "the outside address was requested"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(_chromium()), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


class Visit:
    """A browser context that remembers every request it sends."""

    def __init__(self, browser, listener: Listener) -> None:
        self.listener = listener
        self.context = browser.new_context(viewport={"width": 1600, "height": 1800})
        self.sent: list[str] = []
        self.context.on("request", lambda request: self.sent.append(request.url))
        self.page = self.context.new_page()
        self.page.set_default_timeout(PAGE_TIMEOUT_MS)

    def to_listener(self) -> list[str]:
        return [url for url in self.sent if f":{self.listener.port}" in url]


@pytest.fixture
def visit(browser, listener):
    v = Visit(browser, listener)
    yield v
    v.context.close()


def as_officer(page) -> None:
    box = page.locator('[data-testid="stSidebar"]').get_by_role("textbox", name="Your name")
    box.fill(OFFICER_SHORT)
    box.press("Enter")
    page.get_by_text("Acting as officer").wait_for()
    page.locator('[data-testid="stMain"] h1').first.wait_for()  # the page has drawn again (every page has a title)
    _settle(page)


# Attributes that make a browser fetch or run something.
_LOADING = ("src", "srcset", "href", "xlink:href", "data", "poster", "action", "formaction", "background", "style",
            "srcdoc", "ping")

_FIND_ACTIVE = """([port, loading]) => {
  const found = [];
  const at = ':' + port;
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase(), value = attr.value || '';
      if (name === 'href' && /^\\s*(javascript|data|vbscript):/i.test(value)) found.push(`${tag} ${name}=${value}`);
      if (name.startsWith('on') && value.includes(at)) found.push(`${tag} ${name}=${value}`);
      if (loading.includes(name) && value.includes(at)) {
        const openOriginal = tag === 'a' && name === 'href' && el.textContent.trim().endsWith('Open the original');
        if (!openOriginal) found.push(`${tag} ${name}=${value}`);
      }
    }
    if ((tag === 'script' || tag === 'style') && (el.textContent || '').includes(at)) found.push(`${tag} with ${at}`);
  }
  return found;
}"""


def check(v: Visit, where: str) -> None:
    """Nothing on the page loads from, links script to, or requested the outside address."""
    page = v.page
    assert page.locator(ERROR_BOX).count() == 0, f"{where}: {page.locator(ERROR_BOX).first.inner_text()}"
    active = page.evaluate(_FIND_ACTIVE, [v.listener.port, list(_LOADING)])
    assert active == [], f"{where}: elements that load from the outside address or run script: {active}"
    assert v.to_listener() == [], f"{where}: the browser sent {v.to_listener()}"
    assert v.listener.requests == [], f"{where}: the outside address got {v.listener.requests}"


def visible_text(page, scope: str = "body") -> str:
    """What a reader sees, without the invisible word joiners escape_markdown adds."""
    return page.locator(scope).inner_text().replace("\u2060", "")


def open_every_list(v: Visit, where: str) -> int:
    """Open each enabled selectbox and multiselect (their options are public text), check, close."""
    page = v.page
    opened = 0
    open_expanders(page)
    for widget in page.locator('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]').all():
        if not widget.is_visible() or widget.locator("input[disabled], [aria-disabled='true']").count():
            continue
        # The list closes when the page scrolls: bring the widget into view first, then open it.
        widget.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        opener = widget.locator('button[aria-haspopup="listbox"]')
        (opener.first if opener.count() else widget).click()
        options = page.get_by_role("option")
        options.first.wait_for()
        opened += 1
        check(v, f"{where}, a list open")
        page.keyboard.press("Escape")
        options.first.wait_for(state="detached")
    return opened


# Scroll the long comment's end into view; where its "[cut: ...]" mark is drawn, and its box.
_SCROLL_TO_CUT = """el => {
  el.scrollIntoView({block: 'end'});
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let last = null;
  while (walker.nextNode()) last = walker.currentNode;
  const text = last.textContent, range = document.createRange();
  range.setStart(last, text.lastIndexOf('[cut: '));
  range.setEnd(last, text.length);
  const mark = range.getBoundingClientRect(), box = el.getBoundingClientRect();
  return {top: mark.top, bottom: mark.bottom, left: mark.left, right: mark.right, width: mark.width,
          box_left: box.left, box_right: box.right, viewport_height: window.innerHeight};
}"""


def hover_charts(v: Visit, where: str) -> None:
    """Move over every chart, so tooltips (which quote source and area names) are drawn, then check."""
    for chart in v.page.locator('[data-testid="stVegaLiteChart"]').all():
        box = chart.bounding_box() if chart.is_visible() else None
        if box:
            for across in (0.2, 0.5, 0.8):
                v.page.mouse.move(box["x"] + box["width"] * across, box["y"] + box["height"] * 0.7)
                check(v, f"{where}, a chart's tooltip")


def press_every_choice(v: Visit, where: str) -> int:
    """Press each option of every segmented control and pill row (Trends' "Split by": source names
    then label the small charts and the table), checking each view; returns how many were pressed."""
    pressed = 0
    groups = v.page.locator('[data-testid="stMain"] [data-testid="stButtonGroup"]')
    for g in range(groups.count()):
        buttons = groups.nth(g).locator("button")
        for b in range(buttons.count()):
            buttons.nth(b).click()
            _settle(v.page)
            pressed += 1
            check(v, f"{where}, choice {pressed}")
            hover_charts(v, f"{where}, choice {pressed}")
            shot(v.page, f"rendering-{where.lower().replace(' ', '-')}-choice-{pressed}")
    return pressed


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


# --- Tests -----------------------------------------------------------------------------------------


def test_every_page_in_the_router_shows_hostile_text_as_text_and_fetches_nothing(visit, hostile_app):
    base, _ = hostile_app
    page = visit.page
    page.goto(base)
    page.locator('[data-testid="stSidebarNav"]').wait_for()
    as_officer(page)
    more = page.locator('[data-testid="stSidebarNavViewButton"]')
    if more.count():
        more.click()
    links = {a.inner_text().strip().splitlines()[-1]: a.get_attribute("href")  # after the icon's name
             for a in page.locator('[data-testid="stSidebarNav"] a').all()}
    pages = router_pages()
    assert {title for _, title in pages} <= set(links), f"router pages {pages}, sidebar links {sorted(links)}"
    lists = choices = 0
    for file, title in pages:
        page.goto(links[title])
        page.locator('[data-testid="stMain"]').wait_for()
        as_officer(page)
        check(visit, title)
        hover_charts(visit, title)
        choices += press_every_choice(visit, title)
        lists += open_every_list(visit, title)
        shot(page, f"rendering-{Path(file).stem}")
    assert lists >= len(pages), "the sidebar's source list at least was opened on every page"
    assert choices >= 2 * ("app_pages/trends.py" in dict(pages)), "Trends' Split by: service area, then source"

    # Sources page: the hostile source's name is a line of plain text, its last error is in the table.
    page.goto(links[dict(pages)["app_pages/sources.py"]])
    as_officer(page)
    page.locator('[data-testid="stText"]', has_text="Hostile <img src=").first.wait_for()
    check(visit, "Sources")


def test_a_hostile_source_name_in_the_filter_caption_is_literal(visit, hostile_app):
    base, h = hostile_app
    page = visit.page
    page.goto(f"{base}/flagged")
    page.get_by_text("Click a column header to sort").wait_for()
    _settle(page)
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').click()
    page.get_by_role("option", name=re.compile(r"^Hostile <img src=")).click()
    page.keyboard.press("Escape")
    page.get_by_text("1 flagged thread.").wait_for()
    _settle(page)
    caption = visible_text(page, '[data-testid="stMain"] [data-testid="stCaptionContainer"] >> nth=0')
    assert h.source.name in caption  # every character shown, nothing turned into an image or a link
    check(visit, "Flagged threads filtered to the hostile source")
    shot(page, "rendering-flagged-filtered")


def test_the_flagged_hostile_thread_shows_every_payload_as_text(visit, hostile_app):
    base, h = hostile_app
    page = visit.page
    page.goto(f"{base}/thread?thread={h.flagged_key}")
    page.locator('[data-testid="stHeading"]', has_text="Bins <script>").wait_for()
    as_officer(page)
    switch = page.get_by_text(re.compile(r"^Show the \d+ repl(y|ies) marked hostile"))
    if switch.count():
        switch.click()
        _settle(page)
    check(visit, "Thread")
    for whole in page.get_by_text(re.compile(r"^The whole (name|title) \([\d,]+ characters\)$")).all():
        whole.click()  # a long name is cut in its byline; the whole of it is one click away, as plain text
    _settle(page)
    main = visible_text(page, '[data-testid="stMain"]')
    for literal in LITERAL_ON_THREAD:
        assert literal in main, f"{literal!r} is not shown as text"
    heading = visible_text(page, '[data-testid="stMain"] [data-testid="stHeading"] >> nth=1')
    assert heading.strip() == " ".join(h.title.split())  # the title, letter for letter, in the heading
    assert " ".join(h.author.split()) in main  # the author's name in a caption, not a link or a badge
    assert page.locator('[data-testid="stMain"] strong', has_text="staff only").count() == 0
    assert page.get_by_role("link", name="Open the original").count() == 0  # a javascript: link is not offered
    assert open_every_list(visit, "Thread") >= 2  # the triage status list, the sidebar's lists

    # The long comment: cut by the cleaner, and the cut is on screen, not scrolled away or clipped.
    long = page.locator('[data-testid="stText"]', has_text="START-OF-LONG-COMMENT")
    assert long.count() == 1
    text = long.inner_text()
    assert re.search(r"… \[cut: [\d,]+ more characters\]$", text.strip()), text[-80:]
    for kept in ("😡🚮", "\u202eesrever\u202c", "שלום עליכם", "\u200bzero\u200dwidth", "👍🏽"):
        assert kept in text
    assert "\x07" not in text and "\x1b" not in text
    clipped = long.evaluate(
        """el => [el, ...el.querySelectorAll('*')].some(
                 b => b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1)"""
    )
    assert not clipped, "the long comment overflows its box: the cut would be hidden from a reader"
    shot(page, "rendering-thread")
    mark = long.evaluate(_SCROLL_TO_CUT)
    page.wait_for_timeout(300)  # let the scroll finish before the screenshot (not an assertion)
    page.screenshot(path=str(SHOTS / "rendering-long-comment-cut.png"))  # the viewport at the cut: LOOK at it
    assert mark["width"] > 0 and 0 <= mark["top"] and mark["bottom"] <= mark["viewport_height"], mark
    assert mark["box_left"] <= mark["left"] and mark["right"] <= mark["box_right"], mark
    check(visit, "Thread, every list opened")


def test_a_plain_link_is_offered_only_as_the_open_the_original_button(visit, hostile_app):
    base, h = hostile_app
    page = visit.page
    page.goto(f"{base}/thread?thread={h.linked_key}")
    page.locator('[data-testid="stHeading"]', has_text="Linked post").wait_for()
    _settle(page)
    button = page.get_by_role("link", name=re.compile("Open the original"))
    assert button.get_attribute("href") == f"{h.out}/post-link"
    assert f"[![y]({h.out}/md-image-2)]({h.out}/md-link)" in visible_text(page, '[data-testid="stMain"]')
    assert "[r]: " in visible_text(page, '[data-testid="stMain"]')
    check(visit, "Thread with a plain link")
