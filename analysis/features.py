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

# Character lengths where the constructiveness model's length curve may bend: a hinge
# max(0, log(1 + chars) - log(1 + knot)) per knot, so the model is not held to a
# straight line in log-length (C3's label rises steeply between ~150 and ~400 characters).
CHAR_KNOTS = (50, 100, 150, 200, 250, 300, 400, 600, 1000)

# Shape of a comment, as the constructiveness and hostility models see it.
SHAPE_FEATURES = [
    "log_words", "log_words_sq", "log_chars", "log_sentences", "mean_word_len", "question_marks",
    "exclaims", "caps_share", "digits", "hostile_terms", "second_person", "neg", "neu", "pos", "compound",
    *(f"chars_over_{knot}" for knot in CHAR_KNOTS),
    "suggestion_cues", "reasoning_cues", "stance_cues", "names", "numbers", "paragraphs",
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
# ASCII capitals, letters and digits are counted on the text's ASCII bytes (bytes.translate
# with a delete set is one C pass; str.translate builds a new str per call).
_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_DIGITS = b"0123456789"


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
    """Length, structure, tone and cue measures: columns as SHAPE_FEATURES. `tokens` as
    analysis.tokens.tokenise gives them (lower-case words), computed once per batch."""
    n = len(texts)
    counts = np.zeros((n, 15))
    for i, (text, toks) in enumerate(zip(texts, tokens)):
        length = len(text)
        ascii_ = text.encode("ascii", "ignore")
        size = len(ascii_)
        digits = size - len(ascii_.translate(None, _DIGITS))
        if toks:
            low = " " + " ".join(toks) + " "
            cues = (
                len(SUGGESTION_WORDS.intersection(toks)) + len(_SUGGESTION_PHRASES.findall(low)),
                len(REASONING_WORDS.intersection(toks)) + len(_REASONING_PHRASES.findall(low)),
                len(STANCE_WORDS.intersection(toks)),
            )
        else:
            cues = (0, 0, 0)
        counts[i] = (
            length,
            len(_SENTENCE_END.findall(text)),
            text.count("?"),
            text.count("!"),
            size - len(ascii_.translate(None, _UPPER)),
            size - len(ascii_.translate(None, _LETTERS)),
            digits,
            len(HOSTILE_WORDS.intersection(toks)) + (len(_MASKED_SWEAR.findall(text)) if "*" in text else 0)
            if toks else 0,
            len(SECOND_PERSON.intersection(toks)) if toks else 0,
            text.count("\n\n"),
            *cues,
            len(_NAME.findall(text)),
            len(_NUMBER.findall(text)) if digits else 0,
        )
    chars, sentences, questions, exclaims, capitals, letters, digits, hostile, second, paragraphs = counts[:, :10].T
    suggestion, reasoning, stance, names, numbers = counts[:, 10:].T
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
        np.log1p(hostile),
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
