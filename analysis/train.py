"""Training and cross-validating the shipped models: `python -m analysis train --data DIR`.

Reads the third-party corpora (DIR is a copy of the project's evaluation data: semeval2017/,
nhs/, vader/, c3/, davidson/; analysis.corpora), cross-validates every model with grouped
folds (no text of a test fold, nor any text of the same respondent, review, article or
copied tweet, is ever trained on, and every threshold, temperature and stacker is fitted on
the training part only), then fits on every row and writes analysis/models/: the weights
(JSON + float32 .npz), metrics.json (every CV figure, confusion matrix and reliability
table, and the targets met or not) and MODEL_CARD.md. Seeded: the same data gives the
same models. Only this command reads DIR; the product never does.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from analysis.corpora import (
    C3,
    DAVIDSON,
    NHS,
    SEMEVAL,
    VADER,
    TrainingDataError,
    load_c3,
    load_davidson,
    load_sentiment_data,
)
from analysis.features import HASH_FEATURES, featurise
from analysis.fitting import FOLDS, SEED
from analysis.linear import save_model
from analysis.service_areas import tag_service_areas
from analysis.shipped import NEWS_CONFIDENCE
from analysis.targets import check_targets
from analysis.train_c3 import (
    CONSTRUCTIVE_THRESHOLD,
    HOSTILE_LEVEL,
    HostileSet,
    cross_validate_c3,
    fit_constructive,
    fit_hostile,
)
from analysis.train_sentiment import cross_validate_sentiment, fit_sentiment

SENTIMENT_VERSION = "sentiment-neutral-4"
CONSTRUCTIVE_VERSION = "constructive-content-3"
HOSTILE_VERSION = "hostile-4"

__all__ = ["TrainingDataError", "cross_validate", "train"]


def _read(data_dir: Path, progress) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    data, c3, davidson = load_sentiment_data(data_dir), load_c3(data_dir), load_davidson(data_dir)
    progress(f"read {len(data):,} sentiment rows, {len(c3):,} C3 rows and {len(davidson):,} Davidson rows; "
             "featurising")
    return data, c3, davidson


def _rows_note(data: pd.DataFrame, c3: pd.DataFrame, davidson: pd.DataFrame) -> dict:
    counts = data["corpus"].value_counts().to_dict()
    vader = ("every row; label from the mean rating (>= 0.05 positive, <= -0.05 negative); only its positive and "
             "negative rows are used, for which way a text leans (never for whether it is neutral)")
    return {
        "semeval": {"file": SEMEVAL, "rows": int(counts["semeval"]),
                    "which": "every row; label column (positive / neutral / negative); text HTML-unescaped"},
        "nhs": {"file": NHS, "rows": int(counts["nhs"]),
                "which": "every row with a non-blank `Comment sentiment` (1-2 positive, 3 neutral, 4-5 negative); "
                         "text = `FFT answer` (blank read as empty)"},
        **{name: {"file": VADER[name], "rows": int(counts[name]), "which": vader} for name in VADER},
        "c3": {"file": C3, "rows": len(c3),
               "which": "every row; `constructive_binary`; the content score from the shares of raters naming "
                        "solution, evidence, specific_points, personal_story, dialogue; hostile = "
                        f"`crowd_toxicity_level` >= {HOSTILE_LEVEL}; text = `comment_text`"},
        "davidson": {"file": DAVIDSON, "rows": len(davidson),
                     "which": "every row, for the hostile model only: hate speech 1, offensive language 2/3, "
                              "neither 0; text = `tweet`"},
    }


def cross_validate(data_dir: Path, progress=print) -> dict:
    """Every CV figure the model card reports, computed afresh (minutes)."""
    began = time.monotonic()
    with threadpool_limits(1):
        data, c3, davidson = _read(data_dir, progress)
        feats, c3_feats, davidson_feats = (featurise(frame["text"].tolist()) for frame in (data, c3, davidson))
        sentiment = cross_validate_sentiment(feats, data, progress)
        areas = tag_service_areas(c3["text"], tokenised=c3_feats.tokens).to_numpy()
        c3_metrics = cross_validate_c3(c3_feats, c3, davidson_feats, davidson, areas, progress)
    metrics = {
        "folds": FOLDS, "seed": SEED, "hash_features": HASH_FEATURES, "cv_seconds": round(time.monotonic() - began),
        "training_rows": _rows_note(data, c3, davidson),
        "sentiment": sentiment["corpora"], "sentiment_fold_temperatures": sentiment["fold_temperatures"],
        **c3_metrics,
    }
    metrics["targets"] = check_targets(metrics)
    return metrics


def train(data_dir: Path, out_dir: Path, progress=print, skip_cv: bool = False) -> dict:
    """Cross-validate, fit on every row, write the models, metrics.json and MODEL_CARD.md."""
    began = time.monotonic()
    metrics = None if skip_cv else cross_validate(data_dir, progress)
    with threadpool_limits(1):
        data, c3, davidson = _read(data_dir, progress)
        feats, c3_feats, davidson_feats = (featurise(frame["text"].tolist()) for frame in (data, c3, davidson))
        sentiment, temperatures = fit_sentiment(feats, data, np.arange(len(data)))
        progress(f"fitted sentiment; temperatures {temperatures}")
        constructive = fit_constructive(c3_feats, c3, np.arange(len(c3)))
        hostile_set = HostileSet.of(c3_feats, c3, davidson_feats, davidson)
        hostile, hostile_threshold = fit_hostile(hostile_set, np.arange(len(hostile_set.truth)))
        progress("fitted constructiveness and hostility")
    if metrics is None:
        metrics = {"training_rows": _rows_note(data, c3, davidson)}
    metrics["hostile_threshold"] = round(float(hostile_threshold), 4)
    metrics["sentiment_temperatures"] = temperatures
    trained_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    common = {"trained_at": trained_at, "hash_features": HASH_FEATURES, "licence": "CC BY-NC-SA 4.0"}
    out_dir.mkdir(parents=True, exist_ok=True)
    save_model(out_dir, "sentiment", sentiment, {"version": SENTIMENT_VERSION, "temperatures": temperatures,
                                                 "news_confidence": NEWS_CONFIDENCE, **common})
    save_model(out_dir, "constructive", constructive,
               {"version": CONSTRUCTIVE_VERSION, "threshold": CONSTRUCTIVE_THRESHOLD, **common})
    save_model(out_dir, "hostile", {"model": hostile},
               {"version": HOSTILE_VERSION, "threshold": metrics["hostile_threshold"], "toxicity_level": HOSTILE_LEVEL,
                **common})
    metrics = {"versions": {"sentiment": SENTIMENT_VERSION, "constructive": CONSTRUCTIVE_VERSION,
                            "hostile": HOSTILE_VERSION}, "trained_at": trained_at, **metrics}
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    from analysis.model_card import render_model_card

    (out_dir / "MODEL_CARD.md").write_text(render_model_card(metrics), encoding="utf-8")
    progress(f"wrote models to {out_dir} in {time.monotonic() - began:.0f} s")
    return metrics

