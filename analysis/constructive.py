"""The constructiveness model as the product applies it (shipped in analysis/models/constructive.*).

Two layers: `content`, a regression of the share of C3's raters who saw a solution, evidence,
specific points, a personal story or dialogue in a comment, and `model`, the probability of
"constructive" from the n-grams, the shape measures and that content score. Trained by
analysis.train_c3. `with_the_rules` applies the product's rules on top (the suggestion floor, plain
hostility, rants): the one place both scoring and the cross-validated figures take them from.
"""

from __future__ import annotations

import numpy as np

from analysis.features import SHAPE_FEATURES
from analysis.hostile import harsh_words, is_plainly_hostile, is_uncivil
from analysis.linear import LinearLayer
from analysis.suggestions import is_rant, is_suggestion, with_suggestion_floor

# Length bands (words) in which what a comment says may weigh differently: C3's raters judged
# short comments and long ones by different standards, so the content measures get a slope of
# their own under 20 words and over 60.
SHORT_BELOW, LONG_ABOVE = 20, 60
BANDED = ("content_score", "suggestion_cues", "reasoning_cues", "stance_cues", "names", "numbers",
          "cues_per_10_words", "question_marks", "insults_aimed", "harsh")
DENSE_NAMES = (*SHAPE_FEATURES, "content_score", "short", "long",
               *(f"{name}*{band}" for band in ("short", "long") for name in BANDED))


def constructive_dense(shape: np.ndarray, content: np.ndarray, words: np.ndarray) -> np.ndarray:
    """The dense measures the constructive layer reads (DENSE_NAMES)."""
    short = (words < SHORT_BELOW).astype(float)[:, None]
    long = (words > LONG_ABOVE).astype(float)[:, None]
    base = np.column_stack([shape, content])
    names = (*SHAPE_FEATURES, "content_score")
    chosen = base[:, [names.index(name) for name in BANDED]]
    return np.hstack([base, short, long, chosen * short, chosen * long])


def content_score(layer: LinearLayer, hashed, shape: np.ndarray) -> np.ndarray:
    """The content layer's regression output (its link is not used: it is a score, not a probability)."""
    return layer.scores(hashed, shape)[:, 0]


def constructive_proba(layers: dict[str, LinearLayer], hashed, shape: np.ndarray, words: np.ndarray) -> np.ndarray:
    score = content_score(layers["content"], hashed, shape)
    return layers["model"].proba(hashed, constructive_dense(shape, score, words))[:, 1]


def with_the_rules(probability: np.ndarray, tokens: list[list[str]], words: np.ndarray, areas, compound: np.ndarray,
                   cues: np.ndarray, hostile: np.ndarray, hostile_proba: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The model's probabilities as the product writes them (constructive_prob: a short, civil request
    about a service gets at least the suggestion floor) and which texts can never be constructive
    (plainly hostile, or a rant): analysis.suggestions and analysis.hostile. `hostile`: the product's flag."""
    suggestion = is_suggestion(tokens, words, areas, hostile | is_uncivil(cues))
    blocked = is_plainly_hostile(hostile, hostile_proba, cues) | is_rant(tokens, compound, harsh_words(cues),
                                                                         is_uncivil(cues))
    return with_suggestion_floor(probability, suggestion), blocked
