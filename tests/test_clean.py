import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.clean import _CONTROL, _SPACES, MAX_TEXT_CHARS, _odd_spacing, clean_text, truncate
from tests.fuzzing import fuzz_settings


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("<p>Bins &amp; recycling</p><p>missed again</p>", "Bins & recycling\n\nmissed again"),
        ("It&#39;s fine<br>really", "It's fine\nreally"),
        ("<script>alert(1)</script>hello", "hello"),
        ("see https://www.example.gov.uk/bins?x=1 now", "see [example.gov.uk] now"),
        ("  lots   of\t\tspace  ", "lots of space"),
        ("emoji stay 😡🚮 and עברית", "emoji stay 😡🚮 and עברית"),
        ("bell\x07 and nul\x00 go", "bell and nul go"),
        ("", ""),
        (None, ""),
        ("plain 3 < 5 and 7 > 2", "plain 3 < 5 and 7 > 2"),
        # The shapes platforms send (these take html_to_text's fast path) and odd ones (html.parser's).
        ('<p><span class="h-card" translate="no"><a href="https://mastodon.example/@jo" class="u-url mention">'
         '@<span>jo</span></a></span> Missed again &amp; again.</p>', "@jo Missed again & again."),
        ('<a href="https://www.youtube.com/channel/UC4B">@Council</a> Thank you, that&#39;s helpful.',
         "@Council Thank you, that's helpful."),
        ('<blockquote><p>save £1.2m</p></blockquote><p>and <i>spend</i> how much?</p>', "save £1.2m\n\nand spend how much?"),
        ("<P>Shouting</P><BR/>still", "Shouting\n\nstill"),
        ("<p>fine</p><!-- <p>hidden</p> --><p>a < b</p>", "fine\n\na < b"),
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


def test_markdown_is_left_as_literal_text():
    raw = "![x](http://198.51.100.7/t.png) **bold** [link](javascript:alert(1))"
    assert clean_text(raw) == "![x]([198.51.100.7]) **bold** [link](javascript:alert(1))"


def test_long_text_is_cut_visibly():
    text = clean_text("a" * 50_000)
    assert text.startswith("a" * MAX_TEXT_CHARS)
    assert text.endswith("[cut: 30,000 more characters]")
    assert len(text) < MAX_TEXT_CHARS + 50


def test_truncate_leaves_short_text_alone():
    assert truncate("short", 10) == "short"


SPACES_AND_MORE = st.text(alphabet=st.sampled_from(list(" \t\f\v\n\xa0\u2000\u2009\u200a\u200b\u202f\u205f\u3000\x85xé😡")))
WORDS_AND_SPACES = st.lists(st.sampled_from(["a", "é", "😡", " ", " ", "  ", "\n", "\t", "\xa0", "\u3000"])).map("".join)


@fuzz_settings(300)
@given(WORDS_AND_SPACES | SPACES_AND_MORE | st.text())
def test_spacing_is_tidied_exactly_when_tidying_changes_something(text):
    assert _odd_spacing(text) == (_SPACES.sub(" ", text) != text)


@pytest.mark.parametrize("text", ["a  b", "é  b", "a b", "é b", "a\tb", "é\tb", "a\xa0b", "a \u3000b", "", " "])
def test_spacing_examples(text):
    assert _odd_spacing(text) == (_SPACES.sub(" ", text) != text)


def test_control_characters_are_never_printable():
    # clean_text drops them only from text that is not isprintable(); this is why that is enough.
    assert _CONTROL and not any(chr(code).isprintable() for code in _CONTROL)
