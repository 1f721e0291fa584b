"""Scoring items: every model applied to a frame of texts, in batches.

Per batch the texts are read once: VADER's scores, one hashed n-gram matrix and a
few dense measures are computed, then every shipped model (analysis/models/) reads
them. `compound` stays VADER's (what people expect to see), `sentiment` is the
corrected model's class. Large inputs can be split over processes with
`score_texts_parallel`.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from analysis.features import hashed_ngrams, shape_features, vader_features, word_counts
from analysis.sentiment import classes_of, corrected_proba, vader_scores
from analysis.service_areas import tag_service_areas
from analysis.shipped import load_shipped
from analysis.tokens import tokenise

# Names every model that produced a row; bump when a model or the taxonomy's meaning changes.
MODEL_VERSION = "vader-3.3.2+sentiment-gated-1+constructive-c3-1+hostile-c3-1"

SCORE_COLUMNS = [
    "compound", "sentiment", "constructive_prob", "feedback_class", "service_area", "hostile",
]
# Texts per model call: bounds memory (the hashed matrix) whatever the caller passes.
CHUNK = 4_000


def scoring_text(text: pd.Series, title: pd.Series | None = None) -> pd.Series:
    """What a model reads: the headline (for news mentions) followed by the text."""
    text = text.fillna("")
    if title is None:
        return text
    title = title.fillna("")
    return (title + "\n" + text).where(title != "", text).str.strip()


def feedback_class(sentiment: pd.Series, constructive_prob: pd.Series, threshold: float = 0.5) -> pd.Series:
    """DESIGN.md's partition: constructive (whatever its tone), else the sentiment class."""
    constructive = constructive_prob.fillna(0.0) >= threshold
    return sentiment.where(~constructive, "constructive")


def _score_chunk(texts: pd.Series) -> pd.DataFrame:
    models = load_shipped()
    vader = vader_scores(texts.tolist())
    words = word_counts(texts)
    hashed = hashed_ngrams(texts)
    tokenised = tokenise(texts)
    vader_part = vader_features(vader, words)
    shape = shape_features(texts, vader, words, tokenised)
    out = pd.DataFrame(index=texts.index)
    out["compound"] = vader["compound"].to_numpy()
    out["sentiment"] = classes_of(corrected_proba(models.sentiment, hashed, vader_part))
    constructive = models.constructive.proba(hashed, shape)[:, 1]
    out["constructive_prob"] = pd.Series(np.round(constructive, 4), index=out.index, dtype="Float64")
    out["feedback_class"] = feedback_class(out["sentiment"], out["constructive_prob"], models.constructive_threshold)
    out["service_area"] = tag_service_areas(texts, tokenised=tokenised)
    hostile = models.hostile.proba(hashed, shape)[:, 1] >= models.hostile_threshold
    out["hostile"] = hostile.astype(bool)
    return out


def score_texts(texts: pd.Series) -> pd.DataFrame:
    """One row of scores per text, index aligned with `texts`."""
    texts = texts.fillna("").astype(str)
    if texts.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="float64" if c == "compound" else "object") for c in SCORE_COLUMNS}, index=texts.index
        )
    parts = [_score_chunk(texts.iloc[start : start + CHUNK]) for start in range(0, len(texts), CHUNK)]
    return pd.concat(parts) if len(parts) > 1 else parts[0]


def score_items(items: pd.DataFrame) -> pd.DataFrame:
    """Scores for stored items (columns key, text, title) as rows for the `scores` table."""
    if items.empty:
        return pd.DataFrame(columns=["item_key", "model_version", *SCORE_COLUMNS])
    scores = score_texts(scoring_text(items["text"], items.get("title")))
    scores.insert(0, "item_key", items["key"].to_numpy())
    scores.insert(1, "model_version", MODEL_VERSION)
    return scores.reset_index(drop=True)


# --- Several processes ------------------------------------------------------------------


def _warm() -> None:
    load_shipped()
    score_texts(pd.Series(["warm up"]))


_POOLS: dict[int, ProcessPoolExecutor] = {}


def _pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes, started once and kept (forkserver: safe from a threaded host;
    each worker loads the models once)."""
    if workers not in _POOLS:
        import multiprocessing

        context = multiprocessing.get_context("forkserver")
        _POOLS[workers] = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm)
    return _POOLS[workers]


def default_workers() -> int:
    value = os.environ.get("PULSE_SCORE_WORKERS")
    return max(1, int(value)) if value and value.isdigit() else (os.cpu_count() or 1)


def score_texts_parallel(texts: pd.Series, workers: int | None = None, min_per_worker: int = 500) -> pd.DataFrame:
    """score_texts over `workers` processes (kept for the next call); small inputs stay in this process."""
    workers = workers or default_workers()
    if workers <= 1 or len(texts) < 2 * min_per_worker:
        return score_texts(texts)
    pieces = np.array_split(np.arange(len(texts)), workers)
    futures = [_pool(workers).submit(score_texts, texts.iloc[piece]) for piece in pieces if len(piece)]
    return pd.concat([future.result() for future in futures])


def shutdown_pools() -> None:
    while _POOLS:
        _POOLS.popitem()[1].shutdown()
