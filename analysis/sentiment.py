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
