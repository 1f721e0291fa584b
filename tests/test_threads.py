from datetime import datetime, timedelta

import pandas as pd
import pytest

from analysis.threads import FlagRules, describe_span, summarise_threads

START = datetime(2026, 11, 3, 9, 0)


def replies(sentiments, authors=None, minutes_apart=10, council=None):
    n = len(sentiments)
    authors = authors or [f"user{i}" for i in range(n)]
    return pd.DataFrame({
        "thread_id": ["guardian:/p/1"] * n,
        "key": [f"guardian:c{i}" for i in range(n)],
        "author_id": authors,
        "author_name": authors,
        "created_at": [START + timedelta(minutes=minutes_apart * i) for i in range(n)],
        "is_council": council or [False] * n,
        "sentiment": sentiments,
        "source_id": [1] * n,
    })


def test_pile_on_is_flagged_with_reason_in_words():
    frame = replies(["negative"] * 14 + ["neutral"] * 6, minutes_apart=12)
    row = summarise_threads(frame).iloc[0]
    assert row["flagged"]
    assert row["flag_reasons"] == "14 of 20 replies negative, 14 authors, within 3 hours"
    assert row["reply_count"] == 20 and row["negative_count"] == 14 and row["author_count"] == 20


@pytest.mark.parametrize(
    "frame, why",
    [
        (replies(["negative"] * 7), "too few replies"),
        (replies(["negative"] * 4 + ["positive"] * 6), "not mostly negative"),
        (replies(["negative"] * 10, authors=["a", "b", "c"] * 3 + ["a"]), "three people only"),
        (replies(["negative"] * 10, minutes_apart=60 * 24), "spread over nine days"),
    ],
)
def test_not_flagged(frame, why):
    assert not summarise_threads(frame).iloc[0]["flagged"], why


def test_council_replies_do_not_count():
    sentiments = ["negative"] * 8 + ["positive"] * 8
    council = [False] * 8 + [True] * 8
    row = summarise_threads(replies(sentiments, council=council)).iloc[0]
    assert row["reply_count"] == 8 and row["flagged"]


def test_thresholds_are_configurable():
    frame = replies(["negative"] * 5 + ["neutral"] * 1)
    assert not summarise_threads(frame).iloc[0]["flagged"]
    assert summarise_threads(frame, FlagRules(min_replies=5)).iloc[0]["flagged"]


def test_score_orders_angrier_threads_higher():
    calm = summarise_threads(replies(["negative"] * 8 + ["neutral"] * 8)).iloc[0]["pileon_score"]
    angry = summarise_threads(replies(["negative"] * 16)).iloc[0]["pileon_score"]
    assert 0 < calm < angry <= 100


@pytest.mark.parametrize(
    "hours, words", [(0.2, "12 minutes"), (1, "1 hour"), (2.6, "3 hours"), (50, "2 days")]
)
def test_describe_span(hours, words):
    assert describe_span(hours) == words


def test_empty_frame_gives_no_rows():
    assert summarise_threads(replies([]).iloc[0:0]).empty


def test_constructive_criticism_does_not_make_a_pile_on():
    frame = replies(["negative"] * 12)
    frame["feedback_class"] = ["constructive"] * 8 + ["negative"] * 4
    row = summarise_threads(frame).iloc[0]
    assert row["negative_count"] == 4 and not row["flagged"]
