"""Sentiment: VADER's compound score and the three classes of its documented cut-offs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

import numpy as np
import pandas as pd
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    SentimentIntensityAnalyzer,
    SentiText,
)

# Hutto & Gilbert's thresholds on `compound`.
POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05


class WindowedAnalyzer(SentimentIntensityAnalyzer):
    """VADER with the same scores, without its quadratic cost on long texts.

    vaderSentiment 3.3.2 lower-cases *every* word of the text each time it checks
    the few words before a sentiment word for negations and idioms, so a comment of
    n words costs O(n^2). Those two checks only ever read words i-3 .. i+2: here
    they are handed exactly that window (with the position shifted to match), so
    they see the same words and return the same valence. A text with no emoji also
    skips VADER's character-by-character emoji replacement (which would leave it as it
    is). tests/test_sentiment.py checks that the scores equal plain VADER's, on hand-written
    texts and on the evaluation corpora when present.
    """

    def __init__(self) -> None:
        super().__init__()
        # VADER swaps emoji characters for their descriptions one character at a time;
        # only single-character keys can ever match that loop.
        self._emoji_chars = frozenset(key for key in self.emojis if len(key) == 1)

    def polarity_scores(self, text):
        if not self._emoji_chars.isdisjoint(text):
            return super().polarity_scores(text)
        # No emoji: VADER's character loop would return the text unchanged, then strip it.
        text = text.strip()
        sentitext = SentiText(text)
        words = sentitext.words_and_emoticons
        last = len(words) - 1
        sentiments = []
        for i, word in enumerate(words):
            lower = word.lower()
            if lower in BOOSTER_DICT or (lower == "kind" and i < last and words[i + 1].lower() == "of"):
                sentiments.append(0)  # a booster or "kind of" carries no valence of its own
            else:
                sentiments = self.sentiment_valence(0, sentitext, word, i, sentiments)
        return self.score_valence(self._but_check(words, sentiments), text)

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


# --- From probabilities to a class: the neutral band and when to trust VADER ------------


@dataclass(frozen=True)
class Decision:
    """How the corrected model's probabilities become a class (saved in sentiment.json).

    - `neutral_weight` multiplies P(neutral) before the arg-max (a class-prior
      correction: the training corpora hold few neutral rows, so the model under-calls it);
    - short social text (at most `short_words` words) where the model's top probability
      is below `confidence` takes VADER's class (±0.05 cut-offs): VADER is strong on short
      social text and says neutral when there are no sentiment words;
    - news mentions and headlines take VADER's class unless the model's top probability
      reaches `news_confidence` (the model never saw news prose; VADER reads a flat
      headline as neutral).
    The first three are chosen on out-of-fold predictions by `python -m analysis train`;
    `news_confidence` is a stated judgement (there is no labelled news set to tune it on).
    """

    neutral_weight: float = 1.0
    short_words: int = 0
    confidence: float = 0.0
    news_confidence: float = 0.9

    def as_dict(self) -> dict:
        return {"neutral_weight": self.neutral_weight, "short_words": self.short_words,
                "confidence": self.confidence, "news_confidence": self.news_confidence}


def decide(proba: np.ndarray, compound: np.ndarray, words: np.ndarray, news: np.ndarray | None,
           decision: Decision) -> np.ndarray:
    """The class of each row from P(negative, neutral, positive), VADER's compound, word counts
    and which rows are news (mentions, headlines); see Decision."""
    weighted = proba * np.array([1.0, decision.neutral_weight, 1.0])
    weighted /= weighted.sum(axis=1, keepdims=True)
    top = weighted.max(axis=1)
    classes = classes_of(weighted)
    trust_vader = (words <= decision.short_words) & (top < decision.confidence)
    if news is not None:
        trust_vader |= np.asarray(news, dtype=bool) & (top < decision.news_confidence)
    return np.where(trust_vader, classify_many(compound), classes).astype(object)
