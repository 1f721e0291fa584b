"""Sentiment: VADER's compound score and the three classes of its documented cut-offs."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from operator import itemgetter

import numpy as np
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

# Hutto & Gilbert's thresholds on `compound`.
POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05


class WindowedAnalyzer(SentimentIntensityAnalyzer):
    """VADER with the same scores, without its quadratic cost on long texts.

    vaderSentiment 3.3.2 lower-cases *every* word of the text each time it checks
    the few words before a sentiment word for negations and idioms, so a comment of
    n words costs O(n^2). Those two checks only ever read words i-3 .. i+2: here
    they are handed exactly that window (with the position shifted to match), so
    they see the same words and return the same valence. tests/test_sentiment.py
    checks that the scores equal plain VADER's, on the evaluation corpora when present.
    """

    def _negation_check(self, valence, words_and_emoticons, start_i, i):
        low = max(0, i - 3)
        return SentimentIntensityAnalyzer._negation_check(valence, words_and_emoticons[low : i + 1], start_i, i - low)

    def _special_idioms_check(self, valence, words_and_emoticons, i):
        # Only called with i >= 3 (VADER calls it for the third word back); it reads
        # words i-3 .. i+2 and tests whether words i+1 and i+2 exist.
        low = max(0, i - 3)
        return SentimentIntensityAnalyzer._special_idioms_check(valence, words_and_emoticons[low : i + 3], i - low)


@lru_cache(maxsize=1)
def analyzer() -> SentimentIntensityAnalyzer:
    return WindowedAnalyzer()


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
    pick = itemgetter("neg", "neu", "pos", "compound")
    rows = [pick(score(text or "")) for text in texts]
    values = np.array(rows, dtype=np.float64).reshape(len(rows), 4)
    return pd.DataFrame(values, columns=["neg", "neu", "pos", "compound"])


# --- The corrected sentiment model (shipped in analysis/models/sentiment.*) -------------

SENTIMENT_CLASSES = ("negative", "neutral", "positive")


def corrected_proba(layers: dict, hashed, vader_part: np.ndarray) -> np.ndarray:
    """P(negative, neutral, positive) from the shipped layers: two n-gram models (one
    trained on every corpus, one on service feedback only) and a domain gate, stacked
    with VADER's own scores by a small multinomial model. See analysis/models/MODEL_CARD.md."""
    from analysis.features import stack_features

    general = _in_order(layers["general"], layers["general"].proba(hashed))
    service = _in_order(layers["service"], layers["service"].proba(hashed))
    domain = layers["domain"].proba(hashed)
    stacker = layers["stacker"]
    proba = stacker.proba(dense=stack_features(vader_part, general, service, domain))
    return _in_order(stacker, proba)


def _in_order(layer, proba: np.ndarray) -> np.ndarray:
    order = [layer.classes.index(c) for c in SENTIMENT_CLASSES]
    return proba[:, order]


def classes_of(proba: np.ndarray) -> np.ndarray:
    return np.asarray(SENTIMENT_CLASSES, dtype=object)[proba.argmax(axis=1)]
