"""What the shipped models read: hashed n-grams and a few dense, named measures, computed once per batch.

Everything here is stateless (no vocabulary to ship): the hashing trick maps each word,
word pair and (on short texts) character n-gram to a column, so a model needs only its
coefficients. The models read a text with its council nouns replaced by a neutral token
(analysis.lexicon: "garden waste" is a service, not a complaint) and VADER's scores with
the council lexicon. `featurise` computes all of it once per batch, for training and scoring alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from analysis.hostile import CUE_NAMES, hostile_cues
from analysis.lexicon import load_lexicon
from analysis.sentiment import vader_scores
from analysis.tokens import tokenise

# Word 1-2 grams in 2^16 columns, then character 3-5 grams (within words) in 2^16 more, the
# latter only for texts of at most CHAR_MAX_WORDS words: they help most on short social text
# (spellings, emoticons, hashtags) and cost too much on long comments (bench/README.md).
WORD_FEATURES = 2**16
CHAR_FEATURES = 2**16
HASH_FEATURES = WORD_FEATURES + CHAR_FEATURES
NGRAMS = (1, 2)
CHAR_NGRAMS = (3, 5)
CHAR_MAX_WORDS = 30

# VADER's scores as the sentiment models see them (names, in order).
VADER_FEATURES = ["neg", "neu", "pos", "compound", "vader_positive", "vader_negative", "log_words"]

# Character lengths where the constructiveness model's length curve may bend: a hinge
# max(0, log(1 + chars) - log(1 + knot)) per knot, so the model is not held to a
# straight line in log-length (C3's label rises steeply between ~150 and ~400 characters).
CHAR_KNOTS = (50, 100, 150, 200, 250, 300, 400, 600, 1000)

# Shape of a comment, as the constructiveness and hostility models see it.
SHAPE_FEATURES = [
    "log_words", "log_words_sq", "log_chars", "log_sentences", "mean_word_len", "question_marks",
    "exclaims", "caps_share", "digits", "second_person", "neg", "neu", "pos", "compound",
    *(f"chars_over_{knot}" for knot in CHAR_KNOTS),
    "suggestion_cues", "reasoning_cues", "stance_cues", "names", "numbers", "paragraphs",
    "cues_per_10_words", *CUE_NAMES,
]

# Cue words and phrases (C3's authors found argumentation, stance and solutions typical
# of constructive comments). Words are counted once each per text (a set intersection
# with its tokens); phrases by substring on the lower-cased text padded with spaces.
SUGGESTION_WORDS = frozenset((
    "please", "should", "suggest", "suggestion", "suggestions", "instead", "consider", "maybe", "perhaps",
    "trial", "idea", "ideas", "propose", "recommend",
))
SUGGESTION_PHRASES = (
    " could you ", " could we ", " could the ", " could they ", " can you ", " can we ", " can the ",
    " would you ", " would it be ", " why not ", " how about ", " what about ", " need to ", " needs to ",
    " it would help", " it would be ", " at least ", " i'd suggest", " i would suggest",
)
REASONING_WORDS = frozenset((
    "because", "since", "therefore", "thus", "hence", "however", "although", "though", "whereas", "unless",
    "if", "but", "evidence", "example", "instance", "fact", "reason", "means",
))
REASONING_PHRASES = (" so that ", " according to ", " due to ")
STANCE_WORDS = frozenset((
    "think", "believe", "seems", "seem", "probably", "likely", "would", "could", "might", "must", "agree",
    "disagree", "opinion", "view",
))
_SUGGESTION_PHRASES = re.compile("|".join(map(re.escape, SUGGESTION_PHRASES)))
_REASONING_PHRASES = re.compile("|".join(map(re.escape, REASONING_PHRASES)))
_NAME = re.compile(r"[a-z,;:] [A-Z][a-z]")  # a capitalised word inside a sentence: a place, a person, a body
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")

SECOND_PERSON = frozenset(("you", "your", "you're", "youre", "yours", "yourself", "u", "ur"))
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")
# ASCII capitals, letters and digits are counted on the text's ASCII bytes (bytes.translate
# with a delete set is one C pass; str.translate builds a new str per call).
_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_DIGITS = b"0123456789"

# What the n-grams read of links, user names and stretched words: one token each, so
# "@brackenfordcllr" and "soooo" are not rare words of their own.
_LINK = re.compile(r"https?://\S+|www\.\S+")
_USER = re.compile(r"@\w+")
_STRETCHED = re.compile(r"(\w)\1{2,}")


@lru_cache(maxsize=1)
def _vectorizers() -> tuple[HashingVectorizer, HashingVectorizer]:
    words = HashingVectorizer(ngram_range=NGRAMS, n_features=WORD_FEATURES, alternate_sign=False, norm="l2",
                              dtype=np.float32)
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, n_features=CHAR_FEATURES,
                              alternate_sign=False, norm="l2", dtype=np.float32)
    return words, chars


def normalise_for_ngrams(text: str, short: bool) -> str:
    """Links and user names as one token each; in short texts (social posts) stretched words too."""
    if "http" in text or "www." in text:
        text = _LINK.sub(" httplink ", text)
    if "@" in text:
        text = _USER.sub(" @user ", text)
    return _STRETCHED.sub(r"\1\1", text) if short else text


def hashed_ngrams(texts: list[str], words: np.ndarray | None = None) -> sp.csr_matrix:
    """Word 1-2 grams, then character 3-5 grams of texts of at most CHAR_MAX_WORDS words, each
    block hashed and L2-normalised: one sparse row of HASH_FEATURES columns per text."""
    if words is None:
        words = word_counts(texts)
    short = words <= CHAR_MAX_WORDS
    texts = [normalise_for_ngrams(t, s) for t, s in zip(texts, short)]
    word_part, char_part = _vectorizers()
    return sp.hstack([word_part.transform(texts), char_part.transform([t if s else "" for t, s in zip(texts, short)])],
                     format="csr")


def word_counts(texts) -> np.ndarray:
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


def shape_features(texts: list[str], vader: pd.DataFrame, words: np.ndarray, tokens: list[list[str]]) -> np.ndarray:
    """Length, structure, tone and cue measures: columns as SHAPE_FEATURES. `tokens` as
    analysis.tokens.tokenise gives them (lower-case words), computed once per batch."""
    n = len(texts)
    counts = np.zeros((n, 14 + len(CUE_NAMES)))
    for i, (text, toks) in enumerate(zip(texts, tokens)):
        ascii_ = text.encode("ascii", "ignore")
        size = len(ascii_)
        digits = size - len(ascii_.translate(None, _DIGITS))
        if toks:
            low = " " + " ".join(toks) + " "
            cues = (
                len(SUGGESTION_WORDS.intersection(toks)) + len(_SUGGESTION_PHRASES.findall(low)),
                len(REASONING_WORDS.intersection(toks)) + len(_REASONING_PHRASES.findall(low)),
                len(STANCE_WORDS.intersection(toks)),
                len(SECOND_PERSON.intersection(toks)),
            )
        else:
            cues = (0, 0, 0, 0)
        counts[i] = (
            len(text),
            len(_SENTENCE_END.findall(text)),
            text.count("?"),
            text.count("!"),
            size - len(ascii_.translate(None, _UPPER)),
            size - len(ascii_.translate(None, _LETTERS)),
            digits,
            text.count("\n\n"),
            *cues,
            len(_NAME.findall(text)),
            len(_NUMBER.findall(text)) if digits else 0,
            *hostile_cues(toks),
        )
    chars, sentences, questions, exclaims, capitals, letters, digits, paragraphs = counts[:, :8].T
    suggestion, reasoning, stance, second, names, numbers = counts[:, 8:14].T
    log_words = np.log1p(words)
    log_chars = np.log1p(chars)
    return np.column_stack([
        log_words,
        log_words**2,
        log_chars,
        np.log1p(sentences),
        np.where(words > 0, chars / np.maximum(words, 1), 0.0) / 10.0,
        np.log1p(questions),
        np.log1p(exclaims),
        np.where(letters > 0, capitals / np.maximum(letters, 1), 0.0),
        np.log1p(digits),
        np.log1p(second),
        vader["neg"].to_numpy(dtype=np.float64),
        vader["neu"].to_numpy(dtype=np.float64),
        vader["pos"].to_numpy(dtype=np.float64),
        vader["compound"].to_numpy(dtype=np.float64),
        *(np.maximum(0.0, log_chars - np.log1p(knot)) for knot in CHAR_KNOTS),
        np.log1p(suggestion),
        np.log1p(reasoning),
        np.log1p(stance),
        np.log1p(names),
        np.log1p(numbers),
        np.log1p(paragraphs),
        10.0 * (suggestion + reasoning) / np.maximum(words, 1.0),
        np.log1p(counts[:, 14:]),
    ])


@dataclass
class Features:
    """Everything the models read of a batch of texts, computed once."""

    texts: list[str]
    tokens: list[list[str]]  # lower-case words (analysis.tokens)
    words: np.ndarray  # word counts
    vader: pd.DataFrame  # VADER's neg, neu, pos, compound, with the council lexicon
    hashed: sp.csr_matrix  # hashed_ngrams of the texts as the models read them (council nouns neutral)
    shape: np.ndarray  # SHAPE_FEATURES

    @property
    def compound(self) -> np.ndarray:
        return self.vader["compound"].to_numpy()

    @property
    def vader_part(self) -> np.ndarray:
        return vader_features(self.vader, self.words)

    def hostile_cues(self) -> np.ndarray:
        """The counts of analysis.hostile.hostile_cues (the shape columns hold their log1p)."""
        return np.rint(np.expm1(self.shape[:, [SHAPE_FEATURES.index(name) for name in CUE_NAMES]]))


def featurise(texts: list[str]) -> Features:
    texts = [t if isinstance(t, str) else "" for t in texts]
    tokens = tokenise(texts)
    words = word_counts(texts)
    vader = vader_scores(texts)
    lexicon = load_lexicon()
    model_texts = [lexicon.model_text(text, toks) for text, toks in zip(texts, tokens)]
    return Features(
        texts=texts, tokens=tokens, words=words, vader=vader, hashed=hashed_ngrams(model_texts, words),
        shape=shape_features(texts, vader, words, tokens),
    )


def logit(probabilities: np.ndarray) -> np.ndarray:
    p = np.clip(probabilities, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))
