import numpy as np
import pytest

from analysis.scoring import feedback_class
from analysis.sentiment import NEGATIVE_AT, POSITIVE_AT, classify, classify_many

import pandas as pd


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
