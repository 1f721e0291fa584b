"""The fast path of html_to_text gives exactly what html.parser gives, or steps aside.

analysis.clean.simple_html_to_text handles simple markup (allow-listed tags, quoted
attributes, entities) without html.parser; for anything else it returns None and
html_to_text uses parsed_html_to_text. The contract: whenever the fast path answers,
its answer is the parser's, character for character.
"""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.clean import clean_text, html_to_text, parsed_html_to_text, simple_html_to_text
from bench.generate import as_html, comment_text
from tests.conftest import FIXTURES
from tests.fuzzing import fuzz_settings

# -- pieces of markup -----------------------------------------------------------------

FAST_TAGS = ["p", "br", "a", "span", "b", "i", "em", "strong", "div", "li", "blockquote", "h1", "hr", "ul", "td"]
ENTITIES = [
    "&amp;", "&amp", "&AMP;", "&ampx", "&#39;", "&#x27;", "&#X27", "&#39", "&lt;", "&gt", "&quot;", "&nbsp;",
    "&nbsp", "&notit;", "&notin;", "&#0;", "&#x110000;", "&#128512;", "&#xD800;", "&#150;", "&", "&#", "&#x",
    "&;", "&#;", "&zz;", "&copy", "&frac12x", "& amp;", "&&amp;",
]
# Text as platforms send it and worse: entities, stray & > ; quotes, whitespace, controls, other scripts.
TEXT = st.text(
    alphabet=st.sampled_from(list("ab xyz&;#x0123456789AaLlTtPp>\"'=/!?-\n\t\r\f\v\x00\xa0😡שé\u0301\ud800")),
    max_size=12,
) | st.sampled_from(ENTITIES)
ATTR_VALUE = st.lists(st.sampled_from(list("ab &;#x39/:.?=\n '\"😡") + ENTITIES), max_size=8).map("".join)
SPACE = st.sampled_from([" ", "  ", "\n", "\t", "\r\n", "\f"])
# Spaces to Python's \s but not to html.parser's tag names: "<p\vclass='x'>" is one odd tag name.
ODD_SPACE = SPACE | st.sampled_from(["\v", "\xa0", "\x1c", "\x85", "\u2003", "\x00", " \v"])
NASTY = [
    "<", "<<", "< p>", "<!-- note -->", "<!--", "<!-- a -- b --!>", "<!---->", "<!>", "<!x>", "<![CDATA[x<y]]>",
    "<!DOCTYPE html>", "<?php echo 1 ?>", "</>", "</ p>", "</p x>", "</p/>", "</script>", "</style>",
    "<script>alert(1)</script>", "<script>", "<style>p{}</style>", "<template>t</template>",
    "<noscript>n</noscript>", "<textarea>&amp;</textarea>", "<title>t</title>", "<xmp><b></xmp>", "<iframe>",
    "<plaintext>", "<img src=x onerror=alert(1)>", "<a href=x>", "<a href>", "<a href = \"x\">", "<a href==\"x\">",
    '<p class="a"b>', '<p class="a"class="b">', "<p / >", "<br/ >", "<P\v>", "<p\vclass='x'>", "<p\xa0class='x'>",
    "<my-tag>", "<svg:rect/>", "<p", "<a href='>'>", '<a title="<b>">', "<a\n", "<1>", "<p/class='x'>",
]
# Odd but simple: the fast path takes these.
ODD_SIMPLE = ["<P>", "</P >", "<BR/>", "<br />", "<Span Class='X'>", "</a\t>", "<p\r\nclass=''\f/>", "=", "a > b"]


@st.composite
def start_tag(draw, names=FAST_TAGS, space=SPACE) -> str:
    name = "".join(c.upper() if draw(st.booleans()) else c for c in draw(st.sampled_from(names)))
    attrs = ""
    for _ in range(draw(st.integers(0, 3))):
        attr = draw(st.sampled_from(["href", "class", "rel", "data-x", "xml:lang", "TARGET", "_a"]))
        value = draw(ATTR_VALUE)
        quote = '"' if "'" in value else "'" if '"' in value else draw(st.sampled_from(['"', "'"]))
        attrs += draw(space) + attr + "=" + quote + value.replace(quote, "") + quote
    return "<" + name + attrs + draw(st.sampled_from(["", " ", "\n "])) + draw(st.sampled_from(["", "", "/"])) + ">"


@st.composite
def end_tag(draw, names=FAST_TAGS) -> str:
    name = "".join(c.upper() if draw(st.booleans()) else c for c in draw(st.sampled_from(names)))
    return "</" + name + draw(st.sampled_from(["", "", " ", "\n"])) + ">"


def _no_lt(text: str) -> str:
    return text.replace("<", "")


SIMPLE_PIECE = st.one_of(TEXT.map(_no_lt), start_tag(), end_tag(), st.sampled_from(ODD_SIMPLE))
ANY_PIECE = st.one_of(
    TEXT, start_tag(), end_tag(), st.sampled_from(NASTY + ODD_SIMPLE), start_tag(space=ODD_SPACE),
    start_tag(names=["script", "style", "textarea", "title", "img", "xmp"]),
    end_tag(names=["script", "style", "template", "noscript"]),
)


def joined(pieces: list[str]) -> str:
    return "".join(pieces)


# -- the property: same answer as html.parser --------------------------------------------

@fuzz_settings(400)
@given(st.lists(SIMPLE_PIECE, max_size=25).map(joined))
def test_simple_markup_takes_the_fast_path_and_matches_the_parser(markup):
    fast = simple_html_to_text(markup)
    assert fast is not None, markup
    assert fast == parsed_html_to_text(markup)


@fuzz_settings(600)
@given(st.lists(ANY_PIECE, max_size=25).map(joined))
def test_any_markup_matches_the_parser_whichever_path_it_takes(markup):
    expected = parsed_html_to_text(markup)
    fast = simple_html_to_text(markup)
    assert fast is None or fast == expected, markup
    assert html_to_text(markup) == expected


@fuzz_settings(200)
@given(st.text(max_size=200))
def test_arbitrary_text_matches_the_parser(markup):
    fast = simple_html_to_text(markup)
    assert fast is None or fast == parsed_html_to_text(markup), markup


# -- the shapes platforms send -------------------------------------------------------------

def _html_texts(node, found: list[str]) -> list[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("body", "content", "textDisplay") and isinstance(value, str) and "<" in value:
                found.append(value)
            else:
                _html_texts(value, found)
    elif isinstance(node, list):
        for value in node:
            _html_texts(value, found)
    return found


RECORDED = sorted({
    text
    for folder in ("guardian", "mastodon", "youtube")
    for path in (FIXTURES / folder).rglob("*.json")
    for text in _html_texts(json.loads(path.read_text(encoding="utf-8")), [])
})


def test_fixtures_hold_html_of_every_platform():
    assert len(RECORDED) >= 15
    assert any("h-card" in t for t in RECORDED) and any("youtube.com/channel" in t for t in RECORDED)


@pytest.mark.parametrize("markup", RECORDED)
def test_recorded_payloads_take_the_fast_path(markup):
    assert simple_html_to_text(markup) == parsed_html_to_text(markup)


def test_synthetic_benchmark_html_takes_the_fast_path():
    rng = random.Random(7)
    for _ in range(200):
        markup = as_html(comment_text(rng), rng)
        assert simple_html_to_text(markup) == parsed_html_to_text(markup)


@pytest.mark.parametrize(
    "markup, expected",
    [
        ("<p>Bins &amp; recycling</p><p>missed again</p>", "\nBins & recycling\n\nmissed again\n"),
        ("It&#39;s fine<br>really<BR/>truly<br />", "It's fine\nreally\ntruly\n"),
        ('<p><a href="https://x.example/a?b=1&amp;c=2" rel="nofollow">report it</a> here</p>', "\nreport it here\n"),
        ("<p><span class=\"h-card\" translate='no'><a href=\"https://m.example/@jo\" class=\"u-url mention\">"
         "@<span>jo</span></a></span> Sorry</p>", "\n@jo Sorry\n"),
        ("fish &amp<b>chips</b> &notit; &copy 2026 &#128512; AT&T&", "fish &chips ¬it; © 2026 😀 AT&T&"),
        ("&am<i></i>p; stays", "&amp; stays"),  # entities are decoded between tags, never across one
        ("5 > 3 &gt; 1", "5 > 3 > 1"),
        ("", ""),
    ],
)
def test_common_shapes(markup, expected):
    assert simple_html_to_text(markup) == expected
    assert parsed_html_to_text(markup) == expected


@pytest.mark.parametrize("markup", ODD_SIMPLE)
def test_odd_but_simple_markup_takes_the_fast_path(markup):
    assert simple_html_to_text(markup) is not None
    assert simple_html_to_text(markup) == parsed_html_to_text(markup)


@pytest.mark.parametrize("markup", NASTY + [
    "a <!-- hidden --> b", "x<script>var a = '<p>';</script>y", "<p>3 < 5</p>", "<p>ok</p><", "<p>ok</p",
    "<table><tr><td>a</td></tr></table><img src='x'>", "<a href=https://x.example>x</a>", "<p title=\"a>b\">t</p>",
])
def test_other_markup_falls_back_to_the_parser(markup):
    assert simple_html_to_text(markup) is None
    assert html_to_text(markup) == parsed_html_to_text(markup)


@pytest.mark.parametrize(
    "markup, expected",
    [
        ("a<!-- <p>hidden</p> -->b", "ab"),
        ("<script>alert('<p>')</script>hi", "hi"),
        ("<style>p { }</style><p>x</p>", "\nx\n"),
        ("<p>3 < 5</p>", "\n3 < 5\n"),
        ("<!DOCTYPE html><p>x</p>", "\nx\n"),
    ],
)
def test_fallback_gives_the_parsers_text(markup, expected):
    assert html_to_text(markup) == expected


def test_clean_text_is_the_same_on_either_path():
    markup = "<p>It&#39;s <b>three</b> weeks&nbsp;now.</p><p>See <a href=\"https://www.example.gov.uk/x\">here</a></p>"
    assert simple_html_to_text(markup) is not None
    assert clean_text(markup) == "It's three weeks now.\n\nSee here"
    assert clean_text(markup + "<!-- -->") == "It's three weeks now.\n\nSee here"
