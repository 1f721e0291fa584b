"""Fitting and cross-validating the sentiment model (for `python -m analysis train`).

Neutral is a real class here. SemEval (tweets on every topic, half of them neutral) and the
NHS comments teach whether a text is neutral; the VADER corpora label by a mean rating with
±0.05 cut-offs, so their "neutral" is an artefact (under 3 % of rows), and they teach which
way a text leans (the polarity layer and the direction stacker). One exception: the VADER
tweets that 20 raters scored either way join the neutral part as *not neutral* examples,
pooled with SemEval's tweets (one corpus's weight between them, so the neutral prior stays
SemEval's and NHS's). They are tweets like SemEval's, and without them strongly worded tweets
were called neutral too often. The movie and Amazon snippets stay out: with them in, texts
unlike SemEval and NHS (headlines, politicians' posts) were never neutral (bench/README.md).
See MODEL_CARD.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, recall_score

from analysis.calibration import fit_temperature, reliability
from analysis.features import Features
from analysis.fitting import (
    FOLDS,
    SEED,
    balanced_within,
    corpus_weights,
    fit_dense_layer,
    fit_sgd_layer,
    grouped_folds,
)
from analysis.linear import LinearLayer
from analysis.sentiment import (
    NEUTRAL_DOMAINS,
    SENTIMENT_CLASSES,
    classify_many,
    combine,
    decide,
    gated,
    gated_names,
    neutral_gate,
    no_sentiment_words,
    sentiment_proba,
    stack_base,
    stage_one,
)

CORPORA = ("semeval", "nhs", "tweets", "movies", "amazon")
STACKER_C = 0.1
# Temperatures are fitted for the domains whose three classes are real; elsewhere T = 1.
CALIBRATED = ("semeval", "nhs")


# Corpora whose rated rows teach the neutral part what is *not* neutral, and the neutral
# corpus they are pooled with.
NOT_NEUTRAL_FROM = {"tweets": "semeval"}


def _rows_for_neutral(data: pd.DataFrame) -> np.ndarray:
    """The rows that teach whether a text is neutral: SemEval's and the NHS comments' (whose
    neutral is real), and the rated rows of NOT_NEUTRAL_FROM."""
    corpus = data["corpus"]
    return (corpus.isin(NEUTRAL_DOMAINS) | (corpus.isin(NOT_NEUTRAL_FROM) & data["label"].ne("neutral"))).to_numpy()


def _neutral_weights(data: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    corpus, labels = data["corpus"].to_numpy()[rows], data["label"].to_numpy()[rows]
    pooled = pd.Series(corpus).replace(NOT_NEUTRAL_FROM).to_numpy()
    return balanced_within(corpus_weights(pooled), corpus, labels, "semeval")


def fit_stage_one(feats: Features, data: pd.DataFrame, rows: np.ndarray) -> dict[str, LinearLayer]:
    """The four n-gram layers, fitted on `rows`."""
    corpus, labels = data["corpus"].to_numpy(), data["label"].to_numpy()
    neutral_rows = rows[_rows_for_neutral(data)[rows]]
    polar_rows = rows[labels[rows] != "neutral"]
    service_rows = rows[corpus[rows] == "nhs"]
    return {
        "general": fit_sgd_layer(feats.hashed[neutral_rows], labels[neutral_rows], _neutral_weights(data, neutral_rows)),
        "polarity": fit_sgd_layer(feats.hashed[polar_rows], labels[polar_rows] == "positive",
                                  corpus_weights(corpus[polar_rows])),
        "service": fit_sgd_layer(feats.hashed[service_rows], labels[service_rows]),
        "domain": fit_sgd_layer(feats.hashed[rows], corpus[rows]),
    }


def _stack_inputs(layers: dict, feats: Features, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    hashed = feats.hashed[rows]
    return stack_base(feats.vader_part[rows], *stage_one(layers, hashed)), layers["domain"].proba(hashed)


def _temperatures(proba: np.ndarray, domain: np.ndarray, corpora: tuple[str, ...], data: pd.DataFrame,
                  rows: np.ndarray) -> dict[str, float]:
    """A temperature for each CALIBRATED domain, fitted on that corpus's rows the gate assigns to it."""
    corpus = data["corpus"].to_numpy()[rows]
    truth = pd.Categorical(data["label"].to_numpy()[rows], categories=SENTIMENT_CLASSES).codes
    likeliest = np.asarray(corpora)[domain.argmax(axis=1)]
    out = {}
    for name in CALIBRATED:
        chosen = (likeliest == name) & (corpus == name)
        out[name] = fit_temperature(proba[chosen], truth[chosen]) if chosen.sum() >= 100 else 1.0
    return out


def fit_sentiment(feats: Features, data: pd.DataFrame, rows: np.ndarray) -> tuple[dict[str, LinearLayer], dict]:
    """Every layer and the temperatures, fitted on `rows` only. The stackers learn from
    out-of-fold n-gram outputs (inner grouped folds), as the layers behave on new text; the
    temperatures are fitted on the stackers' predictions over those same outputs."""
    sub = data.iloc[rows]
    inner = grouped_folds(sub["group"], sub["corpus"], seed=SEED + 1)
    base = domain = None
    for fold in range(FOLDS):
        parts = _stack_inputs(fit_stage_one(feats, data, rows[inner != fold]), feats, rows[inner == fold])
        if base is None:
            base, domain = (np.zeros((len(rows), p.shape[1])) for p in parts)
        base[inner == fold], domain[inner == fold] = parts
    layers = fit_stage_one(feats, data, rows)
    corpus, labels = sub["corpus"].to_numpy(), sub["label"].to_numpy()
    corpora = layers["domain"].classes
    neutral = _rows_for_neutral(sub)
    layers["neutral"] = fit_dense_layer(
        gated(base, neutral_gate(domain, corpora))[neutral], labels[neutral], _neutral_weights(data, rows[neutral]),
        gated_names(NEUTRAL_DOMAINS), STACKER_C)
    polar = labels != "neutral"
    layers["direction"] = fit_dense_layer(gated(base, domain)[polar], (labels[polar] == "positive").astype(int),
                                          corpus_weights(corpus[polar]), gated_names(corpora), STACKER_C)
    return layers, _temperatures(combine(layers, base, domain), domain, corpora, data, rows)


# --- Cross-validated figures -------------------------------------------------------------


def class_metrics(truth: np.ndarray, predicted: np.ndarray, proba: np.ndarray | None = None) -> dict:
    labels = list(SENTIMENT_CLASSES)
    out = {
        "rows": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "weighted_f1": round(float(f1_score(truth, predicted, average="weighted", labels=labels)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, average="macro", labels=labels)), 4),
        "macro_recall": round(float(recall_score(truth, predicted, average="macro", labels=labels,
                                                 zero_division=0)), 4),
        "predicted_neutral_share": round(float(np.mean(predicted == "neutral")), 4),
        "true_neutral_share": round(float(np.mean(truth == "neutral")), 4),
        "confusion": {
            "labels": labels, "rows_are": "truth", "columns_are": "prediction",
            "matrix": confusion_matrix(truth, predicted, labels=labels).tolist(),
        },
    }
    if proba is not None:
        out["reliability"] = reliability(proba, pd.Categorical(truth, categories=labels).codes)
    return out


def cross_validate_sentiment(feats: Features, data: pd.DataFrame, progress=print) -> dict:
    """Grouped 5-fold CV: in each fold every layer, the stackers' inner folds and the
    temperatures are fitted on the training part only."""
    folds = grouped_folds(data["group"], data["corpus"])
    raw = np.zeros((len(data), len(SENTIMENT_CLASSES)))
    calibrated = np.zeros_like(raw)
    temperatures = []
    for fold in range(FOLDS):
        train, test = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
        layers, temps = fit_sentiment(feats, data, train)
        raw[test] = sentiment_proba(layers, feats.hashed[test], feats.vader_part[test])
        calibrated[test] = sentiment_proba(layers, feats.hashed[test], feats.vader_part[test], temps)
        temperatures.append(temps)
        progress(f"  sentiment fold {fold + 1}/{FOLDS}: temperatures {temps}")
    # As the product decides a comment's class (no headline): analysis.sentiment.decide.
    predicted = decide(calibrated, feats.compound, None, 1.0, no_sentiment_words(feats.vader_part))
    vader = classify_many(feats.compound)
    labels, corpus = data["label"].to_numpy(), data["corpus"].to_numpy()
    out = {}
    for name in CORPORA:
        rows = corpus == name
        model = class_metrics(labels[rows], predicted[rows], calibrated[rows])
        model["reliability_before_calibration"] = reliability(
            raw[rows], pd.Categorical(labels[rows], categories=SENTIMENT_CLASSES).codes)
        out[name] = {"model": model, "vader": class_metrics(labels[rows], vader[rows])}
    return {"corpora": out, "fold_temperatures": temperatures}
