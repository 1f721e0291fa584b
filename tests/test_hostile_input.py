"""Arbitrary text through cleaning, scoring, storage and flagging: nothing crashes, nothing is lost."""

from datetime import datetime

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.clean import MAX_TEXT_CHARS, TRUNCATION_MARK, clean_text
from analysis.scoring import score_items
from settings.sources import SourceConfig
from store.db import memory
from store.items import raw_text_sql
from tests.factories import comment, store_items

SOURCE = SourceConfig(name="Fuzz", kind="guardian", options={"discussions": ["/p/1"]})
ODD = st.text(alphabet=st.characters(codec="utf-8"), max_size=300) | st.sampled_from([
    "\u200b\u200d\u2060zero width", "\u202eright-to-left override", "שלום עליכם", "😡🚮💩👍🏽",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "![t](http://198.51.100.7/x.png)",
    "=cmd|' /C calc'!A0", "\x00\x01\x02", "&lt;b&gt;not bold&lt;/b&gt;", "<<<>>>", "<a href='javascript:alert(1)'>x</a>",
])


@settings(max_examples=200, deadline=None)
@given(ODD)
def test_cleaning_never_fails_and_respects_the_limit(raw):
    text = clean_text(raw)
    assert isinstance(text, str)
    assert len(text) <= MAX_TEXT_CHARS + 50
    assert "\x00" not in text


@settings(max_examples=50, deadline=None)
@given(st.lists(ODD, min_size=1, max_size=20))
def test_scoring_returns_one_valid_row_per_text(texts):
    frame = pd.DataFrame({"key": [f"k{i}" for i in range(len(texts))], "text": texts, "title": None})
    scores = score_items(frame)
    assert len(scores) == len(texts)
    assert scores["compound"].between(-1, 1).all()
    assert set(scores["sentiment"]) <= {"positive", "neutral", "negative"}
    assert set(scores["feedback_class"]) <= {"constructive", "positive", "neutral", "negative"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=200))
def test_stored_text_survives_exactly(raw):
    con = memory()
    store_items(con, SOURCE, [comment("c1", raw, datetime(2026, 11, 1), "/p/1")])
    stored_raw, stored_text = con.execute(f"SELECT {raw_text_sql()}, text FROM items").fetchall()[0]
    assert stored_raw == raw
    assert stored_text == clean_text(raw)
    con.close()


def test_emoji_rtl_and_zero_width_survive_cleaning():
    raw = "Bins \u200b\u200d missed 😡 — שלום \u202blinks\u202c"
    assert clean_text(raw) == raw


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=MAX_TEXT_CHARS + 1, max_value=3 * MAX_TEXT_CHARS),
       st.sampled_from(["a", "word ", "😡🚮", "שלום ", "zero\u200bwidth ", "\u202eRTL\u202c ", "line\n"]))
def test_long_comments_are_cut_at_the_stated_limit_and_say_so(length, piece):
    raw = (piece * (length // len(piece) + 1))[:length]
    whole = clean_text(raw, max_chars=10 * length)  # the same cleaning, no limit
    text = clean_text(raw)
    assert len(whole) > MAX_TEXT_CHARS
    assert text == whole[:MAX_TEXT_CHARS].rstrip() + TRUNCATION_MARK.format(dropped=len(whole) - MAX_TEXT_CHARS)
    assert clean_text(raw) == text  # the same comment is always cut the same way
    assert len(text) <= MAX_TEXT_CHARS + len(TRUNCATION_MARK.format(dropped=3 * MAX_TEXT_CHARS))
