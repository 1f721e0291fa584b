"""The third-party training corpora, read for `python -m analysis train` (never by the product).

Each loader returns a frame with `text` and its labels, plus `group`: rows that must
share a cross-validation fold (one NHS respondent's answers, one Amazon review's
sentences, one C3 article's comments, and tweets that are the same once links, user
names, retweet marks, case and punctuation are set aside: SemEval and Davidson hold
retweets and copies of one tweet, sometimes with different labels).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.sentiment import classify_many

SEMEVAL = "semeval2017/semeval2013-2016_train.tsv"
NHS = "nhs/nhs_train.csv"
VADER = {
    "tweets": "vader/tweets_GroundTruth_dev.txt",
    "movies": "vader/movieReviewSnippets_GroundTruth.txt",
    "amazon": "vader/amazonReviewSnippets_GroundTruth.txt",
}
C3 = "c3/c3_train.csv"
DAVIDSON = "davidson/labeled_data.csv"

# C3's annotations: the share of raters who named each characteristic of a comment.
CONSTRUCTIVE_TRAITS = ("solution", "evidence", "specific_points", "personal_story", "dialogue")
NON_CONSTRUCTIVE_TRAITS = ("unsubstantial", "provocative", "sarcastic", "non_relevant", "no_respect")
TOXIC_TRAITS = ("personal_attack", "teasing", "inflammatory", "abusive", "embarrassment")

NHS_LABELS = {1: "positive", 2: "positive", 3: "neutral", 4: "negative", 5: "negative"}


class TrainingDataError(Exception):
    """The training data folder is missing a file or a column."""


def _need(path: Path) -> Path:
    if not path.is_file():
        raise TrainingDataError(f"training file missing: {path}")
    return path


def _columns(frame: pd.DataFrame, path: Path, columns: tuple[str, ...]) -> None:
    for column in columns:
        if column not in frame.columns:
            raise TrainingDataError(f"{path} has no column {column!r}")


_LINK = re.compile(r"https?://\S+")
_USER = re.compile(r"@\w+")
_RETWEET = re.compile(r"^(?:rt\s+)+")
_NOT_WORD = re.compile(r"[^a-z0-9 ]")


def tweet_key(text: str) -> str:
    """What makes two tweets copies of one another: the words, without links, user names,
    retweet marks, HTML entities, case or punctuation."""
    text = _RETWEET.sub("", html.unescape(text).lower())
    text = _NOT_WORD.sub("", _USER.sub("@", _LINK.sub("", text)))
    return " ".join(text.split())


def load_semeval(data: Path) -> pd.DataFrame:
    path = _need(data / SEMEVAL)
    frame = pd.read_csv(path, sep="\t", header=None, usecols=[0, 1, 2], names=["id", "label", "text"], quoting=3,
                        dtype=str, keep_default_na=False, encoding="utf-8")
    text = frame["text"].str.strip().str.strip('"').map(html.unescape)
    return pd.DataFrame({
        "text": text, "label": frame["label"].str.strip().to_numpy(),
        "group": "semeval:" + text.map(tweet_key), "corpus": "semeval", "rating": np.nan,
    })


def load_nhs(data: Path) -> pd.DataFrame:
    path = _need(data / NHS)
    frame = pd.read_csv(path)
    _columns(frame, path, ("FFT answer", "Comment sentiment", "Respondent ID"))
    labelled = frame.dropna(subset=["Comment sentiment"])
    return pd.DataFrame({
        "text": labelled["FFT answer"].fillna("").astype(str).str.strip(),
        "label": labelled["Comment sentiment"].astype(int).map(NHS_LABELS).to_numpy(),
        "group": "nhs:" + labelled["Respondent ID"].astype(str),
        "corpus": "nhs", "rating": np.nan,
    })


def load_vader_corpus(data: Path, corpus: str) -> pd.DataFrame:
    """VADER ground truth: mean rating of 20 raters, -4..4; the three classes by its ±0.05 cut-offs."""
    frame = pd.read_csv(
        _need(data / VADER[corpus]), sep="\t", header=None, names=["id", "rating", "text"], quoting=3,
        dtype={"id": str, "text": str}, keep_default_na=False, encoding="utf-8",
    )
    rating = frame["rating"].astype(float)
    return pd.DataFrame({
        "text": frame["text"].str.strip(),
        "label": classify_many(rating.to_numpy()),
        # Amazon ids are review_sentence: sentences of one review stay in one fold.
        "group": corpus + ":" + frame["id"].str.split("_").str[0],
        "corpus": corpus, "rating": rating.to_numpy(),
    })


def load_sentiment_data(data: Path) -> pd.DataFrame:
    parts = [load_semeval(data), load_nhs(data)] + [load_vader_corpus(data, name) for name in VADER]
    return pd.concat(parts, ignore_index=True)


def trait_shares(column: pd.Series, raters: pd.Series, traits: tuple[str, ...]) -> np.ndarray:
    """C3's 'trait:count' lines as the share of raters who named each trait (rows x traits)."""
    out = np.zeros((len(column), len(traits)))
    index = {trait: j for j, trait in enumerate(traits)}
    for i, (value, n) in enumerate(zip(column.fillna("").astype(str), raters.to_numpy())):
        for line in value.splitlines():
            name, _, count = line.partition(":")
            if name.strip() in index and count.strip():
                out[i, index[name.strip()]] = float(count) / max(float(n), 1.0)
    return out


def load_c3(data: Path) -> pd.DataFrame:
    path = _need(data / C3)
    frame = pd.read_csv(path)
    _columns(frame, path, ("comment_text", "constructive_binary", "crowd_toxicity_level", "article_id",
                           "constructive_characteristics", "non_constructive_characteristics",
                           "toxicity_characteristics", "njudgements_constructiveness_expt",
                           "njudgements_toxicity_expt"))
    out = pd.DataFrame({
        "text": frame["comment_text"].fillna("").astype(str),
        "constructive": frame["constructive_binary"].astype(int).to_numpy(),
        "toxicity": frame["crowd_toxicity_level"].astype(float).to_numpy(),
        "group": "c3:" + frame["article_id"].astype(str),
    })
    raters = frame["njudgements_constructiveness_expt"]
    traits = np.hstack([
        trait_shares(frame["constructive_characteristics"], raters, CONSTRUCTIVE_TRAITS),
        trait_shares(frame["non_constructive_characteristics"], raters, NON_CONSTRUCTIVE_TRAITS),
        trait_shares(frame["toxicity_characteristics"], frame["njudgements_toxicity_expt"], TOXIC_TRAITS),
    ])
    for j, name in enumerate((*CONSTRUCTIVE_TRAITS, *NON_CONSTRUCTIVE_TRAITS, *TOXIC_TRAITS)):
        out[f"trait_{name}"] = traits[:, j]
    return out


def load_davidson(data: Path) -> pd.DataFrame:
    """Davidson et al.: 0 hate speech, 1 offensive language, 2 neither (majority of 3+ coders)."""
    path = _need(data / DAVIDSON)
    frame = pd.read_csv(path)
    _columns(frame, path, ("tweet", "class"))
    text = frame["tweet"].fillna("").astype(str).map(html.unescape)
    return pd.DataFrame({"text": text, "klass": frame["class"].astype(int).to_numpy(),
                         "group": "davidson:" + text.map(tweet_key)})
