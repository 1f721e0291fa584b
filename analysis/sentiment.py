"""Sentiment: VADER's compound score and the three classes of its documented cut-offs."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from operator import itemgetter

import numpy as np
import pandas as pd
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    SentimentIntensityAnalyzer,
    SentiText,
)

from analysis.calibration import temper
from analysis.lexicon import CouncilLexicon, load_lexicon

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

    def __init__(self, council: CouncilLexicon | None = None) -> None:
        super().__init__()
        # VADER swaps emoji characters for their descriptions one character at a time;
        # only single-character keys can ever match that loop.
        self._emoji_chars = frozenset(key for key in self.emojis if len(key) == 1)
        self.council = council

    def polarity_scores(self, text):
        if not self._emoji_chars.isdisjoint(text):
            text = self._replace_emoji(text)
        # No emoji left: VADER's character loop would return the text unchanged, then strip it.
        text = text.strip()
        sentitext = SentiText(text)
        words = sentitext.words_and_emoticons
        last = len(words) - 1
        council = self.council
        lowered = None  # the lower-case words, made only when a council word is there
        sentiments = []
        for i, word in enumerate(words):
            lower = word.lower()
            if lower in BOOSTER_DICT or (lower == "kind" and i < last and words[i + 1].lower() == "of"):
                sentiments.append(0)  # a booster or "kind of" carries no valence of its own
            elif council is not None and lower in council.words and council.council_sense(
                    lowered or (lowered := [w.lower() for w in words]), i):
                sentiments.append(0)  # a council noun ("garden waste", "parking fine"): no sentiment
            else:
                sentiments = self.sentiment_valence(0, sentitext, word, i, sentiments)
        return self.score_valence(self._but_check(words, sentiments), text)

    def _replace_emoji(self, text: str) -> str:
        """VADER's own emoji step: each emoji character becomes its description."""
        out = []
        prev_space = True
        for ch in text:
            if ch in self.emojis:
                description = self.emojis[ch]
                if not prev_space:
                    out.append(" ")
                out.append(description)
                prev_space = False
            else:
                out.append(ch)
                prev_space = ch == " "
        return "".join(out)

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
    """VADER as the product uses it: windowed, with the council lexicon (council_lexicon.toml)."""
    return WindowedAnalyzer(load_lexicon())


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
# The domains whose neutral is real (the rest label by a cut-off on a mean rating): only their
# rows teach the neutral part, which reads only the gate's probability of these; the direction
# stacker reads every domain.
NEUTRAL_DOMAINS = ("semeval", "nhs")
STACK_BASE = (
    "neg", "neu", "pos", "compound", "vader_positive", "vader_negative", "log_words",
    *(f"general_{c}" for c in SENTIMENT_CLASSES), "polarity_positive", *(f"service_{c}" for c in SENTIMENT_CLASSES),
)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def in_order(layer, proba: np.ndarray) -> np.ndarray:
    """A three-class layer's probabilities in SENTIMENT_CLASSES order."""
    return proba[:, [layer.classes.index(c) for c in SENTIMENT_CLASSES]]


def stack_base(vader_part: np.ndarray, general: np.ndarray, polarity: np.ndarray, service: np.ndarray) -> np.ndarray:
    """What both stackers read: VADER's scores (VADER_FEATURES) and the n-gram layers' log-odds."""
    return np.hstack([vader_part, _logit(general), _logit(polarity)[:, None], _logit(service)])


def gated(base: np.ndarray, gate: np.ndarray) -> np.ndarray:
    """The base measures, the gate, and each base measure times each gate column, so a
    stacker can trust VADER on social text and the service model on service feedback."""
    return np.hstack([base, gate, *(base * gate[:, [j]] for j in range(gate.shape[1]))])


def gated_names(gate_names: tuple[str, ...]) -> tuple[str, ...]:
    return (*STACK_BASE, *(f"like_{g}" for g in gate_names), *(f"{b}*{g}" for g in gate_names for b in STACK_BASE))


def stage_one(layers: dict, hashed) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The general, polarity and service layers' probabilities (three-class ones in SENTIMENT_CLASSES order)."""
    general = in_order(layers["general"], layers["general"].proba(hashed))
    polarity = layers["polarity"].proba(hashed)[:, 1]
    service = in_order(layers["service"], layers["service"].proba(hashed))
    return general, polarity, service


def neutral_gate(domain: np.ndarray, corpora: tuple[str, ...]) -> np.ndarray:
    """The gate's columns for NEUTRAL_DOMAINS, rescaled to sum to 1: which of them a text is closer
    to. (Unscaled, a text like none of them, a review or a headline, would put the neutral stacker
    outside everything it was trained on.)"""
    chosen = domain[:, [corpora.index(name) for name in NEUTRAL_DOMAINS]]
    return chosen / np.maximum(chosen.sum(axis=1, keepdims=True), 1e-9)


def combine(layers: dict, base: np.ndarray, domain: np.ndarray) -> np.ndarray:
    """P(negative, neutral, positive): P(neutral) from the `neutral` stacker, the rest split by the
    `direction` stacker's P(positive | not neutral)."""
    neutral = layers["neutral"]
    p_neutral = neutral.proba(dense=gated(base, neutral_gate(domain, layers["domain"].classes)))[
        :, neutral.classes.index("neutral")]
    p_positive = layers["direction"].proba(dense=gated(base, domain))[:, 1]
    return np.column_stack([(1 - p_neutral) * (1 - p_positive), p_neutral, (1 - p_neutral) * p_positive])


def temper_by_domain(proba: np.ndarray, domain: np.ndarray, corpora: tuple[str, ...],
                     temperatures: dict[str, float]) -> np.ndarray:
    """Temperature scaling with the temperature of each text's likeliest domain (1 where none is set)."""
    return temper(proba, np.array([temperatures.get(corpora[d], 1.0) for d in domain.argmax(axis=1)]))


def sentiment_proba(layers: dict, hashed, vader_part: np.ndarray, temperatures: dict[str, float] | None = None
                    ) -> np.ndarray:
    """Calibrated P(negative, neutral, positive) from the shipped layers (see MODEL_CARD.md): the
    n-gram layers, the two stackers (combine), then temperature scaling by the domain the gate
    finds likeliest (`temperatures` by corpus name)."""
    base = stack_base(vader_part, *stage_one(layers, hashed))
    domain = layers["domain"].proba(hashed)
    proba = combine(layers, base, domain)
    return temper_by_domain(proba, domain, layers["domain"].classes, temperatures) if temperatures else proba


def classes_of(proba: np.ndarray) -> np.ndarray:
    return np.asarray(SENTIMENT_CLASSES, dtype=object)[proba.argmax(axis=1)]


# A text in which VADER finds no sentiment word at all is neutral unless the model gives one side at
# least even odds: a stated judgement (headlines and announcements read as comments are otherwise
# split by the n-grams' small leanings).
FLAT_CONFIDENCE = 0.5


def no_sentiment_words(vader_part: np.ndarray) -> np.ndarray:
    """Texts VADER reads as wholly neutral (its `neu` share is 1: not one word in its lexicon counts)."""
    return vader_part[:, 1] >= 0.999


def decide(proba: np.ndarray, compound: np.ndarray, news: np.ndarray | None, news_confidence: float,
           flat: np.ndarray | None = None) -> np.ndarray:
    """The class of each row: the likeliest, except that
    - a `flat` text (no_sentiment_words) is neutral unless the model's top probability reaches
      FLAT_CONFIDENCE, and
    - news mentions and headlines take VADER's class (council lexicon, ±0.05 cut-offs) unless the
      model's top probability reaches `news_confidence`: no training corpus is news prose, and VADER
      reads a flat headline as neutral."""
    classes = classes_of(proba)
    top = proba.max(axis=1)
    if flat is not None:
        classes = np.where(np.asarray(flat, dtype=bool) & (top < FLAT_CONFIDENCE), "neutral", classes).astype(object)
    if news is None:
        return classes
    trust_vader = np.asarray(news, dtype=bool) & (top < news_confidence)
    return np.where(trust_vader, classify_many(compound), classes).astype(object)
