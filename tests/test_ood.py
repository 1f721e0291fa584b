"""The shipped models on hand-written text of kinds the training corpora lack (tests/fixtures/ood).

63 council news headlines in the style of the demo's council feed (every one neutral news), and 45
posts in the style of UK politicians' social media (17 neutral announcements, 13 positive, 15
negative, labelled by hand). Before issue 15 the models called 37 of the headlines negative from the
CLI and none of the posts neutral; these floors keep that from coming back.
"""

import pandas as pd

from analysis.scoring import score_items
from tests.conftest import FIXTURES

OOD = FIXTURES / "ood"


def test_council_headlines_are_mostly_neutral():
    headlines = pd.read_csv(OOD / "council_headlines.csv", dtype=str, keep_default_na=False)
    as_news = score_items(pd.DataFrame({"key": headlines.index.astype(str), "title": headlines["title"],
                                        "text": headlines["text"], "item_type": "mention"}))
    plain = score_items(pd.DataFrame({"key": headlines.index.astype(str), "text": headlines["title"]}))
    assert (as_news["sentiment"] == "neutral").mean() >= 0.8
    assert (as_news["sentiment"] == "negative").mean() <= 0.1
    assert (plain["sentiment"] == "neutral").mean() >= 0.5  # even read as plain comments, without the news rule
    assert not as_news["hostile"].any()


def test_politicians_posts_get_a_sensible_share_of_neutral():
    posts = pd.read_csv(OOD / "politician_posts.csv", dtype=str, keep_default_na=False)
    scores = score_items(pd.DataFrame({"key": posts.index.astype(str), "text": posts["text"], "item_type": "post"}))
    neutral = (scores["sentiment"] == "neutral").mean()
    assert 0.15 <= neutral <= 0.6  # 38 % by hand; the models under-call neutral here (bench/README.md)
    assert (scores["sentiment"] == posts["label"]).mean() >= 0.7
