import numpy as np
import pandas as pd
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis.scoring import feedback_class
from analysis.sentiment import (
    NEGATIVE_AT,
    POSITIVE_AT,
    WindowedAnalyzer,
    classify,
    classify_many,
    vader_scores,
)
from tests.conftest import SHARED_DATA


@pytest.mark.parametrize(
    "compound, expected",
    [(0.05, "positive"), (0.0499, "neutral"), (0.0, "neutral"), (-0.0499, "neutral"),
     (-0.05, "negative"), (0.9, "positive"), (-0.9, "negative")],
)
def test_documented_cutoffs(compound, expected):
    assert classify(compound) == expected
    assert classify_many(np.array([compound]))[0] == expected


def test_cutoffs_are_vaders():
    assert (POSITIVE_AT, NEGATIVE_AT) == (0.05, -0.05)


def test_feedback_class_constructive_wins_over_tone():
    sentiment = pd.Series(["negative", "negative", "positive", "neutral"])
    constructive = pd.Series([0.9, 0.1, None, 0.5])
    assert feedback_class(sentiment, constructive).tolist() == [
        "constructive", "negative", "positive", "constructive",
    ]


# --- The windowed VADER gives plain VADER's scores -------------------------------------

TRICKY = [
    "", "good", "not good", "no good", "never so good", "Not bad at all", "It isn't the worst, but it's no help",
    "without doubt the best", "kind of nice", "sort of rubbish", "The service is the bomb", "cut the mustard",
    "He is not the least bit helpful", "at least it was quick", "I don't think it's NOT GREAT!!!",
    "This never this good, so this bad? no, no or nor happy", "Hardly the worst council ever",
    "Yeah right, thanks for nothing 🙄😡", "bad", "It was not really very good, but the staff were kind",
    "no problem", "Nobody answered. Nothing happened. Never again. Won't vote for them.",
    "Thanks a lot!!!! Superb :) :( <3", "BINS MISSED AGAIN, terrible", "the shit hit the fan", "what a kiss of death",
    "  padded  text, kind of   good  ", "kind", "kind of", "😀", "great😀news", "sort of 👍🏽 ok", " \n ",
]


def test_windowed_vader_equals_plain_vader_on_tricky_texts():
    plain, windowed = SentimentIntensityAnalyzer(), WindowedAnalyzer()
    long = " ".join(TRICKY * 5)
    for text in [*TRICKY, long]:
        assert windowed.polarity_scores(text) == plain.polarity_scores(text), text


def test_vader_scores_are_the_windowed_analyzers_with_the_council_lexicon():
    from analysis.lexicon import load_lexicon
    from analysis.tokens import tokens

    frame = vader_scores(TRICKY)
    council = WindowedAnalyzer(load_lexicon())
    assert frame["compound"].tolist() == [council.polarity_scores(t)["compound"] for t in TRICKY]
    # Where no council word is used as a council noun, that is plain VADER.
    plain = SentimentIntensityAnalyzer()
    words = load_lexicon().words
    flat = [t for t in TRICKY if words.isdisjoint(tokens(t))]
    assert len(flat) > 20
    assert [council.polarity_scores(t)["compound"] for t in flat] == [plain.polarity_scores(t)["compound"] for t in flat]


@pytest.mark.skipif(not (SHARED_DATA / "vader").is_dir(), reason="evaluation data (../shared/data) not present")
def test_windowed_vader_equals_plain_vader_on_the_corpora():
    texts = []
    for path in sorted((SHARED_DATA / "vader").glob("*_GroundTruth*.txt")):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        texts += [line.split("\t", 2)[2] for line in lines if line.count("\t") >= 2][::3]
    c3 = SHARED_DATA / "c3" / "c3_train.csv"
    if c3.is_file():
        texts += pd.read_csv(c3, usecols=["comment_text"])["comment_text"].fillna("").astype(str).tolist()[::3]
    plain, windowed = SentimentIntensityAnalyzer(), WindowedAnalyzer()
    different = [t for t in texts if windowed.polarity_scores(t) != plain.polarity_scores(t)]
    assert len(texts) > 1000 and different == []
