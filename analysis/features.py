"""What the shipped models read: hashed word n-grams and a few dense, named measures.

Everything here is stateless (no vocabulary to ship): the hashing trick maps each
word and word pair to one of HASH_FEATURES columns, so a model needs only its
coefficients. Computed once per batch and shared by every model.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

# 2^16 columns: each coefficient row is 256 KiB as float32; collisions cost
# nothing measurable on these corpora against 2^17 (see the model card).
HASH_FEATURES = 2**16
NGRAMS = (1, 2)

# VADER's scores as the sentiment models see them (names, in order).
VADER_FEATURES = ["neg", "neu", "pos", "compound", "vader_positive", "vader_negative", "log_words"]

# Shape of a comment, as the constructiveness and hostility models see it.
SHAPE_FEATURES = [
    "log_words", "log_words_sq", "log_chars", "log_sentences", "mean_word_len", "question_marks",
    "exclaims", "caps_share", "digits", "hostile_terms", "second_person", "neg", "neu", "pos", "compound",
]

# Words that make a reply an attack rather than a complaint: a transparent prior
# for the hostility model (C3 has few hostile rows; the model weighs this count).
HOSTILE_WORDS = frozenset((
    "idiot", "idiots", "idiotic", "moron", "morons", "moronic", "stupid", "stupidity", "dumb", "fool", "fools",
    "clown", "clowns", "liar", "liars", "lying", "scum", "scumbag", "scumbags", "pathetic", "disgusting",
    "disgrace", "disgraceful", "traitor", "traitors", "corrupt", "crook", "crooks", "thief", "thieves",
    "hypocrite", "hypocrites", "ignorant", "imbecile", "imbeciles", "loser", "losers", "garbage", "trash",
    "hate", "useless", "incompetent", "crap", "shit", "bullshit", "fuck", "fucking", "fucked", "damn",
    "bloody", "bastard", "bastards", "arse", "ass", "asshole", "jerk", "jerks", "nazi", "nazis", "fascist",
    "fascists", "racist", "racists", "retard", "retarded", "kill", "die", "evil", "vile", "filth", "filthy",
))
SECOND_PERSON = frozenset(("you", "your", "you're", "youre", "yours", "yourself", "u", "ur"))
_MASKED_SWEAR = re.compile(r"\w\*+\w|\w\*{2,}")  # sh*t, f***
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")
_UPPER = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LETTERS = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_DIGITS = str.maketrans("", "", "0123456789")


@lru_cache(maxsize=1)
def _vectorizer() -> HashingVectorizer:
    return HashingVectorizer(
        ngram_range=NGRAMS, n_features=HASH_FEATURES, alternate_sign=False, norm="l2", dtype=np.float32
    )


def hashed_ngrams(texts: pd.Series | list[str]) -> sp.csr_matrix:
    """Word 1-2 grams, hashed and L2-normalised: one sparse row per text."""
    return _vectorizer().transform(list(texts))


def word_counts(texts: pd.Series) -> np.ndarray:
    return np.fromiter((len(t.split()) for t in texts), dtype=np.float64, count=len(texts))


def vader_features(vader: pd.DataFrame, words: np.ndarray) -> np.ndarray:
    """VADER's own scores, its two cut-offs, and length: columns as VADER_FEATURES."""
    compound = vader["compound"].to_numpy(dtype=np.float64)
    return np.column_stack([
        vader["neg"].to_numpy(dtype=np.float64),
        vader["neu"].to_numpy(dtype=np.float64),
        vader["pos"].to_numpy(dtype=np.float64),
        compound,
        compound >= 0.05,
        compound <= -0.05,
        np.log1p(words),
    ]).astype(np.float64)


def shape_features(texts: pd.Series, vader: pd.DataFrame, words: np.ndarray, tokens: list[list[str]]) -> np.ndarray:
    """Length, structure and tone measures: columns as SHAPE_FEATURES. `tokens` as
    analysis.service_areas.tokens gives them (lower-case words), computed once per batch."""
    n = len(texts)
    counts = np.zeros((n, 8))
    for i, (text, toks) in enumerate(zip(texts, tokens)):
        length = len(text)
        counts[i] = (
            length,
            len(_SENTENCE_END.findall(text)),
            text.count("?"),
            text.count("!"),
            length - len(text.translate(_UPPER)),
            length - len(text.translate(_LETTERS)),
            length - len(text.translate(_DIGITS)),
            sum(1 for t in toks if t in HOSTILE_WORDS) + len(_MASKED_SWEAR.findall(text)),
        )
    chars, sentences, questions, exclaims, capitals, letters, digits, hostile = counts.T
    second = np.fromiter((sum(1 for t in toks if t in SECOND_PERSON) for toks in tokens), dtype=np.float64, count=n)
    log_words = np.log1p(words)
    return np.column_stack([
        log_words,
        log_words**2,
        np.log1p(chars),
        np.log1p(sentences),
        np.where(words > 0, chars / np.maximum(words, 1), 0.0) / 10.0,
        np.log1p(questions),
        np.log1p(exclaims),
        np.where(letters > 0, capitals / np.maximum(letters, 1), 0.0),
        np.log1p(digits),
        np.log1p(hostile),
        np.log1p(second),
        vader["neg"].to_numpy(dtype=np.float64),
        vader["neu"].to_numpy(dtype=np.float64),
        vader["pos"].to_numpy(dtype=np.float64),
        vader["compound"].to_numpy(dtype=np.float64),
    ])


def logit(probabilities: np.ndarray) -> np.ndarray:
    p = np.clip(probabilities, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def stack_features(vader_part: np.ndarray, general: np.ndarray, service: np.ndarray, domain: np.ndarray) -> np.ndarray:
    """The gate's input: VADER's scores and both n-gram models' log-odds, each also
    multiplied by how much the text resembles each training domain, so the stacker
    can trust VADER on social-media text and the service model on service feedback."""
    base = np.hstack([vader_part, logit(general), logit(service)])
    gated = [base * domain[:, [j]] for j in range(domain.shape[1])]
    return np.hstack([base, domain, *gated])
