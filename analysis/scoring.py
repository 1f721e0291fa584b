"""Scoring items: every model applied to a frame of texts, in batches.

Per batch the texts are read once (analysis.features.featurise: VADER's scores, one
hashed n-gram matrix and a few dense measures), then every shipped model
(analysis/models/) reads them. `compound` is VADER's with the council lexicon (what
people expect to see, without "garden waste" reading as a complaint), `sentiment` is
the corrected model's class. `score_items` is the one path from items to scores: the
collectors' pipeline and `python -m analysis score` both call it. Large inputs can be
split over processes with `score_texts_parallel`.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from analysis.constructive import constructive_proba, with_the_rules
from analysis.features import featurise
from analysis.hostile import is_hostile
from analysis.lifeline import die_with_parent
from analysis.sentiment import decide, no_sentiment_words, sentiment_proba
from analysis.service_areas import inherit_reply_areas, tag_service_areas
from analysis.shipped import load_shipped
from settings import environment

# Names every model that produced a row; bump when a model or the taxonomy's meaning changes.
MODEL_VERSION = (
    "vader-3.3.2+council-lexicon-1+sentiment-neutral-4+constructive-content-3+suggestion-rule-3+hostile-4"
    "+areas-2"
)

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


def feedback_class(sentiment: pd.Series, constructive_prob: pd.Series, threshold: float = 0.5,
                   blocked: pd.Series | None = None) -> pd.Series:
    """DESIGN.md's partition: constructive (whatever its tone), else the sentiment class. `blocked`:
    items that cannot be constructive whatever their probability (constructive never hides plain
    hostility: analysis.hostile.is_plainly_hostile; nor is a rant constructive: analysis.suggestions)."""
    constructive = constructive_prob.fillna(0.0) >= threshold
    if blocked is not None:
        constructive &= ~blocked.fillna(False).astype(bool)
    return sentiment.where(~constructive, "constructive")


def is_news(items: pd.DataFrame) -> pd.Series:
    """News mentions and items with a headline: VADER's class is trusted there (sentiment.decide)."""
    news = pd.Series(False, index=items.index)
    if "item_type" in items:
        news |= items["item_type"].fillna("").eq("mention")
    if "title" in items:
        news |= items["title"].fillna("").astype(str).str.strip().ne("")
    return news


def _score_chunk(texts: pd.Series, news: np.ndarray | None, council: np.ndarray | None) -> pd.DataFrame:
    models = load_shipped()
    feats = featurise(texts.tolist())
    cues = feats.hostile_cues()
    hostile_proba = models.hostile.proba(feats.hashed, feats.shape)[:, 1]
    hostile = is_hostile(hostile_proba >= models.hostile_threshold, cues)
    if council is not None:
        hostile &= ~council  # the council's own posts and replies are never what a hostile flag is for
    proba = sentiment_proba(models.sentiment, feats.hashed, feats.vader_part, models.temperatures)
    # A hostile text is negative, whatever its words' tone ("Great job, clowns").
    sentiment = np.where(hostile, "negative", decide(proba, feats.compound, news, models.news_confidence,
                                                        no_sentiment_words(feats.vader_part)))
    areas = tag_service_areas(texts, tokenised=feats.tokens)
    constructive, blocked = with_the_rules(
        constructive_proba(models.constructive, feats.hashed, feats.shape, feats.words), feats.tokens, feats.words,
        areas, feats.compound, cues, hostile, hostile_proba)
    constructive = pd.Series(np.round(constructive, 4), index=texts.index)
    blocked = pd.Series(blocked, index=texts.index)
    sentiment = pd.Series(sentiment, index=texts.index, dtype=object)
    return pd.DataFrame({
        "compound": feats.compound,
        "sentiment": sentiment,
        "constructive_prob": constructive.astype("Float64"),
        "feedback_class": feedback_class(sentiment, constructive, models.constructive_threshold, blocked),
        "service_area": areas,
        "hostile": hostile.astype(bool),
    }, index=texts.index)


def score_texts(texts: pd.Series, news: pd.Series | np.ndarray | None = None, progress=None,
                council: pd.Series | np.ndarray | None = None) -> pd.DataFrame:
    """One row of scores per text, index aligned with `texts`. `news` (one bool per text)
    marks news mentions and headlines, whose sentiment trusts VADER more (sentiment.decide);
    `council` the council's own items, never flagged hostile. `progress(done, total)` is called
    after each chunk."""
    texts = texts.fillna("").astype(str)
    if texts.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="float64" if c == "compound" else "object") for c in SCORE_COLUMNS}, index=texts.index
        )
    flags = None if news is None else np.asarray(news, dtype=bool)
    own = None if council is None else np.asarray(council, dtype=bool)
    parts = []
    for start in range(0, len(texts), CHUNK):
        part = slice(start, start + CHUNK)
        parts.append(_score_chunk(texts.iloc[part], None if flags is None else flags[part],
                                  None if own is None else own[part]))
        if progress:
            progress(min(start + CHUNK, len(texts)), len(texts))
    return pd.concat(parts) if len(parts) > 1 else parts[0]


def score_items(items: pd.DataFrame, progress=None) -> pd.DataFrame:
    """Scores for items (columns key, text, and where known title, item_type, parent_id,
    is_council) as rows for the `scores` table: the one path both the pipeline and
    `python -m analysis score` take. News mentions are read with their headline; a council
    reply takes the service area of what it answers when that is among `items`
    (jobs.scoring does the same across batches, where threads are known)."""
    if items.empty:
        return pd.DataFrame(columns=["item_key", "model_version", *SCORE_COLUMNS])
    council = items["is_council"].fillna(False).astype(bool).to_numpy() if "is_council" in items else None
    scores = score_texts(scoring_text(items["text"], items.get("title")), is_news(items).to_numpy(), progress, council)
    scores["service_area"] = inherit_reply_areas(items, scores["service_area"])
    scores.insert(0, "item_key", items["key"].to_numpy())
    scores.insert(1, "model_version", MODEL_VERSION)
    return scores.reset_index(drop=True)


def items_from_table(table: pd.DataFrame, text_column: str, title_column: str | None = None) -> pd.DataFrame:
    """A CSV's rows as items for score_items, their text and headline as given (the store's text is
    already clean: cleaning it again could change it). item_key (or key), item_type, parent_id and
    is_council are used when the table has them (the weekly export does), so its rows score as the
    pipeline scored them."""
    items = pd.DataFrame({
        "key": table["item_key"] if "item_key" in table else table.get("key", pd.Series(map(str, range(len(table))))),
        "text": table[text_column].to_numpy(),
        "title": table[title_column].replace("", None).to_numpy() if title_column else None,
    }, index=table.index)
    for column in ("item_type", "parent_id"):
        if column in table:
            items[column] = table[column].replace("", None).to_numpy()
    if "is_council" in table:
        items["is_council"] = table["is_council"].astype(str).str.strip().str.lower().isin(("true", "1", "yes"))
    return items


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
