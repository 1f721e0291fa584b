"""Scoring items: every model applied to a frame of texts, in batches."""

from __future__ import annotations

import pandas as pd

from analysis.sentiment import classify_many, vader_scores

MODEL_VERSION = "vader-3.3.2"

SCORE_COLUMNS = [
    "compound", "sentiment", "constructive_prob", "feedback_class", "service_area", "hostile",
]


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


def score_texts(texts: pd.Series) -> pd.DataFrame:
    """One row of scores per text, index aligned with `texts`."""
    vader = vader_scores(texts.tolist())
    out = pd.DataFrame(index=texts.index)
    out["compound"] = vader["compound"].to_numpy()
    out["sentiment"] = classify_many(out["compound"].to_numpy())
    out["constructive_prob"] = pd.Series([None] * len(out), index=out.index, dtype="Float64")
    out["feedback_class"] = feedback_class(out["sentiment"], out["constructive_prob"])
    out["service_area"] = pd.Series([None] * len(out), index=out.index, dtype="object")
    out["hostile"] = False
    return out


def score_items(items: pd.DataFrame) -> pd.DataFrame:
    """Scores for stored items (columns key, text, title) as rows for the `scores` table."""
    if items.empty:
        return pd.DataFrame(columns=["item_key", "model_version", *SCORE_COLUMNS])
    scores = score_texts(scoring_text(items["text"], items.get("title")))
    scores.insert(0, "item_key", items["key"].to_numpy())
    scores.insert(1, "model_version", MODEL_VERSION)
    return scores.reset_index(drop=True)
