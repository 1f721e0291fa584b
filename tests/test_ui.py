"""ui: escaping public text for Markdown elements, safe links, labels; and house rules for pages."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.conftest import ROOT
from ui.labels import CLASS_COLOURS, CLASS_LABELS, week_label, when
from ui.safe_text import WORD_JOINER, escape_markdown, safe_url
from ui.threads import class_caption

HOSTILE = [
    "**bold** _it_ ~~gone~~ `code`",
    "![x](http://example.invalid/x.png)",
    "[link](http://evil.invalid) <https://evil.invalid>",
    "<img src=x onerror=alert(1)><script>alert(1)</script>",
    "# Heading\n- list\n> quote\n1. one",
    ":red[coloured] :material/home: :smile:",
    "$x^2$ and $$y$$",
    "| a | b |\n|---|---|",
    "&lt;b&gt; &amp; &#60;",
    "back\\slash\\*",
    "visit www.evil.invalid or HTTPS://evil.invalid/x?a=1, mail me at x.y@evil.invalid",
]
# What GFM's autolink-literal transform links in a text node (after escapes are resolved).
AUTOLINK = re.compile(r"(?i)(https?://|www\.|[\w.+-]+@[\w-]+\.)")


def unescape(text: str) -> str:
    """The text node Markdown makes of escaped text (word joiners still in)."""
    return re.sub(r"\\(.)", r"\1", text)


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_markdown_leaves_no_markup_unescaped(text):
    escaped = escape_markdown(text)
    # Every ASCII punctuation character is preceded by a backslash that is not itself escaped.
    stripped = re.sub(r"\\[!-/:-@\[-`{-~]", "", escaped)
    assert not re.search(r"[!-/:-@\[-`{-~]", stripped), escaped
    # Nothing in it can be autolinked, and what it displays is the text itself, on one line.
    assert not AUTOLINK.search(unescape(escaped))
    assert unescape(escaped).replace(WORD_JOINER, "") == " ".join(text.split())


def test_escape_markdown_keeps_ordinary_text_and_other_scripts():
    assert escape_markdown("Bins collected today") == "Bins collected today"
    assert escape_markdown("Dydd da 👋 مرحبا") == "Dydd da 👋 مرحبا"
    assert escape_markdown(None) == ""
    assert escape_markdown(float("nan")) == ""
    assert escape_markdown("two\n\nlines") == "two lines"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://mastodon.social/@x/1", "https://mastodon.social/@x/1"),
        ("http://example.invalid/a", "http://example.invalid/a"),
        ("javascript:alert(1)", None),
        ("data:text/html,<b>x</b>", None),
        ("//evil.invalid", None),
        ("https://a b", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url) == expected


def test_when_and_week_label():
    assert when(pd.Timestamp("2026-11-27 03:10:59")) == "27 Nov 2026 03:10 UK time"  # GMT in winter
    assert when(pd.Timestamp("2026-07-01 03:10:59")) == "01 Jul 2026 04:10 UK time"  # BST in summer
    assert when(None) == "–"
    assert when(pd.NaT) == "–"
    assert week_label("2026-W47") == "2026-W47 · 16 Nov – 22 Nov 2026"


def test_every_class_has_one_label_and_one_colour():
    assert set(CLASS_LABELS) == set(CLASS_COLOURS)
    assert class_caption("negative", -0.4912) == ":red[**Negative** \\-0\\.49]"
    assert class_caption(None, None) == ":gray[**Not scored yet**]"


PAGE_FILES = sorted((ROOT / "app_pages").glob("*.py")) + [ROOT / "app.py"]


def test_no_pages_directory_beside_app():
    """Streamlit treats a `pages/` folder next to the main script as the old multipage mode
    until some session has run st.navigation: a first visit to a deep link (/thread?thread=...)
    would then run that page alone, without the router, its layout or its filters."""
    assert not (ROOT / "pages").exists()


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_pages_hold_no_sql_and_no_markdown_rendering_of_data(path):
    source = path.read_text()
    for forbidden in ("st.markdown", "st.write", "unsafe_allow_html", "st.html", "duckdb", "SELECT ", "httpx"):
        assert forbidden not in source, f"{path.name} uses {forbidden}"


@pytest.mark.parametrize(
    "url, offered",
    [("javascript:fetch('http://198.51.100.7/x')", None), (" JavaScript:alert(1)", None),
     ("data:text/html,<script>alert(1)</script>", None), ("https://example.invalid/p/1", "https://example.invalid/p/1")],
)
def test_the_thread_page_offers_no_javascript_link(db_path, url, offered):
    """A post's own link is offered as "Open the original" only when it is plain http(s)."""
    from datetime import datetime

    from streamlit.testing.v1 import AppTest

    from collectors.items import Item
    from settings.sources import SourceConfig
    from store.db import connect
    from tests.factories import comment, store_items

    source = SourceConfig(name="Links", kind="guardian", options={"discussions": ["/p/1"]})
    with connect(db_path) as con:
        store_items(con, source, [
            Item(kind="guardian", native_id="/p/1", item_type="post", created_at=datetime(2026, 11, 20),
                 raw_text="A post", title="A post", url=url),
            comment("c1", "A reply", datetime(2026, 11, 20, 1), "/p/1"),
        ])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/thread.py")
    at.query_params["thread"] = "guardian:/p/1"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert [t.value for t in at.text] == ["A reply"]  # the page drew the thread
    assert [button.proto.url for button in at.get("link_button")] == ([offered] if offered else [])


def test_direction_controls_in_public_text_cannot_reverse_the_rest_of_the_line():
    from ui.safe_text import isolate_direction

    fsi, pdi, rlo = "\u2068", "\u2069", "\u202e"
    assert escape_markdown(f"{rlo}evil") == f"{fsi}{rlo}evil{pdi}"  # the override ends with the name
    assert escape_markdown("Dydd da 👋 مرحبا") == "Dydd da 👋 مرحبا"  # right-to-left script alone: unchanged
    # a stray closer in the text closes an isolate opened for it, not the one around the text
    assert isolate_direction(f"{pdi}{rlo}x") == f"{fsi}{fsi}{pdi}{rlo}x{pdi}"
    # an opener left open in the text is closed too, then ours
    assert isolate_direction("\u2067x") == f"{fsi}\u2067x{pdi}{pdi}"
    for text in (f"{rlo}a", f"{pdi}{pdi}\u2066b", "\u2066\u2067c\u2069", f"d{pdi}\u2068"):
        wrapped = isolate_direction(text)
        depth = 0
        for position, char in enumerate(wrapped):  # our isolate is never closed before the end
            depth += char in "\u2066\u2067\u2068"
            depth -= char == pdi
            assert depth >= 1 or position == len(wrapped) - 1
        assert depth == 0
