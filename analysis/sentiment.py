"""Sentiment: VADER's compound score and the three classes of its documented cut-offs."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

# Hutto & Gilbert's thresholds on `compound`.
POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05


@lru_cache(maxsize=1)
def analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def classify(compound: float) -> str:
    if compound >= POSITIVE_AT:
        return "positive"
    if compound <= NEGATIVE_AT:
        return "negative"
    return "neutral"


def classify_many(compounds: np.ndarray) -> np.ndarray:
    return np.where(
        compounds >= POSITIVE_AT, "positive", np.where(compounds <= NEGATIVE_AT, "negative", "neutral")
    )


def vader_scores(texts: Iterable[str]) -> pd.DataFrame:
    """VADER's neg/neu/pos/compound for each text, in order."""
    score = analyzer().polarity_scores
    rows = [score(text or "") for text in texts]
    return pd.DataFrame(rows, columns=["neg", "neu", "pos", "compound"])
