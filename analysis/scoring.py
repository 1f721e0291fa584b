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

from analysis.features import (
    SHAPE_FEATURES,
    hashed_ngrams,
    shape_features,
    vader_features,
    word_counts,
)
from analysis.lifeline import die_with_parent
from analysis.sentiment import corrected_proba, decide, vader_scores
from analysis.service_areas import tag_service_areas
from analysis.shipped import load_shipped
from analysis.suggestions import is_suggestion, with_suggestion_floor
from analysis.tokens import tokenise
from settings import environment

# Names every model that produced a row; bump when a model or the taxonomy's meaning changes.
MODEL_VERSION = "vader-3.3.2+sentiment-gated-2+constructive-c3-2+suggestion-rule-1+hostile-c3-2"

SCORE_COLUMNS = [
    "compound", "sentiment", "constructive_prob", "feedback_class", "service_area", "hostile",
]
HOSTILE_TERMS = SHAPE_FEATURES.index("hostile_terms")
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


def is_news(items: pd.DataFrame) -> pd.Series:
    """News mentions and items with a headline: VADER's class is trusted there (see Decision)."""
    news = pd.Series(False, index=items.index)
    if "item_type" in items:
        news |= items["item_type"].fillna("").eq("mention")
    if "title" in items:
        news |= items["title"].fillna("").astype(str).str.strip().ne("")
    return news


def _score_chunk(texts: pd.Series, news: np.ndarray | None) -> pd.DataFrame:
    models = load_shipped()
    values = texts.tolist()
    vader = vader_scores(values)
    words = word_counts(values)
    hashed = hashed_ngrams(values)
    tokenised = tokenise(values)
    shape = shape_features(values, vader, words, tokenised)
    compound = vader["compound"].to_numpy()
    proba = corrected_proba(models.sentiment, hashed, vader_features(vader, words))
    sentiment = decide(proba, compound, words, news, models.decision)
    areas = tag_service_areas(texts, tokenised=tokenised)
    hostile = models.hostile.proba(hashed, shape)[:, 1] >= models.hostile_threshold
    constructive = models.constructive.proba(hashed, shape)[:, 1]
    suggestion = is_suggestion(tokenised, words, areas, shape[:, HOSTILE_TERMS], hostile)
    constructive = with_suggestion_floor(constructive, suggestion)
    constructive = np.round(constructive, 4)
    klass = np.where(constructive >= models.constructive_threshold, "constructive", sentiment).astype(object)
    return pd.DataFrame({
        "compound": compound,
        "sentiment": sentiment,
        "constructive_prob": pd.array(constructive, dtype="Float64"),
        "feedback_class": klass,
        "service_area": areas,
        "hostile": hostile.astype(bool),
    }, index=texts.index)


def score_texts(texts: pd.Series, news: pd.Series | np.ndarray | None = None) -> pd.DataFrame:
    """One row of scores per text, index aligned with `texts`. `news` (one bool per text)
    marks news mentions and headlines, whose sentiment trusts VADER more (see Decision)."""
    texts = texts.fillna("").astype(str)
    if texts.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="float64" if c == "compound" else "object") for c in SCORE_COLUMNS}, index=texts.index
        )
    flags = None if news is None else np.asarray(news, dtype=bool)
    parts = [
        _score_chunk(texts.iloc[start : start + CHUNK], None if flags is None else flags[start : start + CHUNK])
        for start in range(0, len(texts), CHUNK)
    ]
    return pd.concat(parts) if len(parts) > 1 else parts[0]


def score_items(items: pd.DataFrame) -> pd.DataFrame:
    """Scores for stored items (columns key, text, title, item_type) as rows for the `scores` table."""
    if items.empty:
        return pd.DataFrame(columns=["item_key", "model_version", *SCORE_COLUMNS])
    scores = score_texts(scoring_text(items["text"], items.get("title")), is_news(items).to_numpy())
    scores.insert(0, "item_key", items["key"].to_numpy())
    scores.insert(1, "model_version", MODEL_VERSION)
    return scores.reset_index(drop=True)


# --- Several processes ------------------------------------------------------------------


def _warm() -> None:
    die_with_parent()  # a worker must not outlive this process (analysis.lifeline)
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
    return environment.value(environment.SCORE_WORKERS) or os.cpu_count() or 1


def score_texts_parallel(texts: pd.Series, workers: int | None = None, min_per_worker: int = 500,
                         news: pd.Series | np.ndarray | None = None) -> pd.DataFrame:
    """score_texts over `workers` processes (kept for the next call); small inputs stay in this process."""
    workers = workers or default_workers()
    if workers <= 1 or len(texts) < 2 * min_per_worker:
        return score_texts(texts, news)
    flags = None if news is None else np.asarray(news, dtype=bool)
    pieces = np.array_split(np.arange(len(texts)), workers)
    futures = [_pool(workers).submit(score_texts, texts.iloc[piece], None if flags is None else flags[piece])
               for piece in pieces if len(piece)]
    return pd.concat([future.result() for future in futures])


def shutdown_pools() -> None:
    while _POOLS:
        _POOLS.popitem()[1].shutdown()
