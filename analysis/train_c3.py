"""Fitting and cross-validating the constructiveness and hostility models (for `python -m analysis train`).

Constructive: logistic regression over the n-grams, the shape measures and a content score
(a ridge regression, fitted on inner folds, of the share of C3's raters who saw a solution,
evidence, specific points, a personal story or dialogue in the comment), the content measures
with a slope of their own under 20 words and over 60 (analysis.constructive): C3's label leans
on length (comments under 20 words are 0.7 % constructive, over 60 words 98.6 %), and within
those bands only what a comment says can tell one from another.

Hostile: a ridge regression of how toxic a text is (C3's mean toxicity rating, 1-4, as 0-1;
Davidson's hate speech 1, offensive language 2/3, neither 0), turned into a probability by a
logistic fit on inner out-of-fold scores, with the F1-best threshold on those same scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

from analysis.constructive import DENSE_NAMES, constructive_dense, constructive_proba, content_score, with_the_rules
from analysis.corpora import CONSTRUCTIVE_TRAITS
from analysis.features import HASH_FEATURES, SHAPE_FEATURES, Features
from analysis.fitting import FOLDS, SEED, fit_mixed_layer, grouped_folds, standardiser
from analysis.hostile import is_hostile, is_pile_on, is_plainly_hostile, is_uncivil, names_people
from analysis.linear import LinearLayer
from analysis.suggestions import is_suggestion

CONSTRUCTIVE_THRESHOLD = 0.5
CONSTRUCTIVE_C = 1.0
CONTENT_ALPHA = 3.0  # ridge strength of the content score
LENGTH_BANDS = (("under 20 words", 0, 19), ("20-60 words", 20, 60), ("over 60 words", 61, 10**9))

# C3's crowd_toxicity_level is the mean of raters' 1 (not) .. 4 (very toxic); >= 2: the raters,
# on average, called it at least mildly toxic (8.5 % of rows).
HOSTILE_LEVEL = 2.0
HOSTILE_ALPHA = 1.0
DAVIDSON_TARGET = {0: 1.0, 1: 2 / 3, 2: 0.0}  # hate speech, offensive language, neither
DAVIDSON_WEIGHT = 0.5  # Davidson's rows together weigh half as much as C3's


# --- Shared measures -----------------------------------------------------------------------


def binary_metrics(truth: np.ndarray, proba: np.ndarray, predicted: np.ndarray | None = None,
                   threshold: float = 0.5) -> dict:
    predicted = (proba >= threshold).astype(int) if predicted is None else predicted.astype(int)
    return {
        "rows": len(truth), "positives": int(truth.sum()), "threshold": round(float(threshold), 4),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "balanced_accuracy": round(float(balanced_accuracy_score(truth, predicted)), 4),
        "precision": round(float(precision_score(truth, predicted, zero_division=0)), 4),
        "recall": round(float(recall_score(truth, predicted, zero_division=0)), 4),
        "f1": round(float(f1_score(truth, predicted, zero_division=0)), 4),
        "roc_auc": round(float(roc_auc_score(truth, proba)), 4) if 0 < truth.sum() < len(truth) else None,
        "flagged_share": round(float(predicted.mean()), 4),
        "confusion": {"labels": [0, 1], "rows_are": "truth", "columns_are": "prediction",
                      "matrix": confusion_matrix(truth, predicted, labels=[0, 1]).tolist()},
    }


def length_band(words: np.ndarray) -> np.ndarray:
    out = np.zeros(len(words), dtype=int)
    for b, (_, low, high) in enumerate(LENGTH_BANDS):
        out[(words >= low) & (words <= high)] = b
    return out


def banded(truth: np.ndarray, proba: np.ndarray, predicted: np.ndarray, words: np.ndarray) -> dict:
    """Per length band: rows, positives, balanced accuracy (the mean of the two classes' recall:
    plain accuracy there is mostly the band's majority class), ROC AUC and accuracy."""
    bands = length_band(words)
    out = {}
    for b, (name, _, _) in enumerate(LENGTH_BANDS):
        rows = bands == b
        t, p, q = truth[rows], proba[rows], predicted[rows].astype(int)
        out[name] = {
            "rows": int(rows.sum()), "positives": int(t.sum()),
            "balanced_accuracy": round(float(balanced_accuracy_score(t, q)), 4),
            "roc_auc": round(float(roc_auc_score(t, p)), 4) if 0 < t.sum() < len(t) else None,
            "accuracy": round(float(accuracy_score(t, q)), 4),
        }
    return out


# --- Constructive --------------------------------------------------------------------------


def content_target(c3: pd.DataFrame) -> np.ndarray:
    return c3[[f"trait_{t}" for t in CONSTRUCTIVE_TRAITS]].to_numpy().mean(axis=1)


def fit_content(feats: Features, target: np.ndarray, rows: np.ndarray) -> LinearLayer:
    """Ridge regression of the content score over the n-grams and shape measures (an 'identity'
    link: LinearLayer.scores gives the score)."""
    mean, scale = standardiser(feats.shape[rows])
    X = sp.hstack([feats.hashed[rows], sp.csr_matrix((feats.shape[rows] - mean) / scale)], format="csr")
    model = Ridge(alpha=CONTENT_ALPHA, solver="sparse_cg").fit(X, target[rows])
    coef = model.coef_.astype(np.float32)[None, :]
    return LinearLayer(classes=("0", "1"), link="sigmoid", intercept=np.array([model.intercept_], np.float32),
                       coef_hashed=coef[:, :HASH_FEATURES], coef_dense=coef[:, HASH_FEATURES:], mean=mean,
                       scale=scale, dense_names=tuple(SHAPE_FEATURES))


def fit_constructive(feats: Features, c3: pd.DataFrame, rows: np.ndarray) -> dict[str, LinearLayer]:
    """The content layer, and the constructive layer over the inner out-of-fold content score."""
    target = content_target(c3)
    labels = c3["constructive"].to_numpy()
    inner = grouped_folds(c3["group"].to_numpy()[rows], seed=SEED + 1)
    score = np.zeros(len(rows))
    for fold in range(FOLDS):
        layer = fit_content(feats, target, rows[inner != fold])
        out = rows[inner == fold]
        score[inner == fold] = content_score(layer, feats.hashed[out], feats.shape[out])
    content = fit_content(feats, target, rows)
    dense = constructive_dense(feats.shape[rows], score, feats.words[rows])
    model = fit_mixed_layer(feats.hashed[rows], dense, labels[rows], DENSE_NAMES, CONSTRUCTIVE_C)
    return {"content": content, "model": model}


# --- Hostile -------------------------------------------------------------------------------


@dataclass
class HostileSet:
    """C3 and Davidson as one training set for the hostile model (C3's rows first)."""

    feats: Features
    target: np.ndarray  # how toxic, 0-1
    truth: np.ndarray  # hostile or not (C3: toxicity >= HOSTILE_LEVEL; Davidson: hate or offensive)
    is_davidson: np.ndarray
    groups: np.ndarray

    @classmethod
    def of(cls, c3_feats: Features, c3: pd.DataFrame, davidson_feats: Features, davidson: pd.DataFrame) -> HostileSet:
        a, b = c3_feats, davidson_feats
        feats = Features(texts=a.texts + b.texts, tokens=a.tokens + b.tokens, words=np.r_[a.words, b.words],
                         vader=pd.concat([a.vader, b.vader], ignore_index=True),
                         hashed=sp.vstack([a.hashed, b.hashed], format="csr"), shape=np.vstack([a.shape, b.shape]))
        return cls(
            feats=feats,
            target=np.r_[(c3["toxicity"].to_numpy() - 1.0) / 3.0, davidson["klass"].map(DAVIDSON_TARGET).to_numpy()],
            truth=np.r_[(c3["toxicity"].to_numpy() >= HOSTILE_LEVEL).astype(int),
                        (davidson["klass"].to_numpy() < 2).astype(int)],
            is_davidson=np.r_[np.zeros(len(c3), bool), np.ones(len(davidson), bool)],
            groups=np.r_[c3["group"].to_numpy(), davidson["group"].to_numpy()],
        )


def _hostile_weights(is_davidson: np.ndarray) -> np.ndarray:
    n_c3, n_dav = (~is_davidson).sum(), is_davidson.sum()
    return np.where(is_davidson, DAVIDSON_WEIGHT * n_c3 / max(n_dav, 1), 1.0)


def _ridge(feats: Features, target: np.ndarray, is_davidson: np.ndarray, rows: np.ndarray):
    mean, scale = standardiser(feats.shape[rows])
    X = sp.hstack([feats.hashed[rows], sp.csr_matrix((feats.shape[rows] - mean) / scale),
                   sp.csr_matrix(is_davidson[rows, None].astype(np.float32))], format="csr")
    model = Ridge(alpha=HOSTILE_ALPHA, solver="sparse_cg").fit(X, target[rows], sample_weight=_hostile_weights(
        is_davidson[rows]))
    return model, mean, scale


def _ridge_scores(model, mean, scale, feats: Features, rows: np.ndarray) -> np.ndarray:
    coef = model.coef_
    return (feats.hashed[rows] @ coef[:HASH_FEATURES] + ((feats.shape[rows] - mean) / scale)
            @ coef[HASH_FEATURES : HASH_FEATURES + len(SHAPE_FEATURES)] + model.intercept_)


# F1 within this of the best counts as a tie (the F1 curve is flat over a wide range of thresholds).
F1_TIE = 0.01


def best_f1_threshold(truth: np.ndarray, proba: np.ndarray, cues: np.ndarray) -> float:
    """The highest threshold at which the product's flag (analysis.hostile.is_hostile) has an F1 within
    F1_TIE of the best: among flags about as good, the one that asks least of an officer's attention."""
    candidates = np.quantile(proba, np.linspace(0.3, 0.995, 200))
    scores = np.array([f1_score(truth, is_hostile(proba >= t, cues).astype(int), zero_division=0)
                       for t in candidates])
    return float(candidates[scores >= scores.max() - F1_TIE].max())


def fit_hostile(data: HostileSet, rows: np.ndarray) -> tuple[LinearLayer, float]:
    """The ridge's scores made a probability by a logistic fit on inner out-of-fold scores of
    C3's rows, and the threshold at which the product's flag has the best F1 on them. Both steps are linear, so the
    shipped layer is one sigmoid layer (the Davidson column is left out: 0 on new text)."""
    feats, target, hostile, is_davidson = data.feats, data.target, data.truth, data.is_davidson
    inner = grouped_folds(data.groups[rows], is_davidson[rows], seed=SEED + 1)
    oof = np.zeros(len(rows))
    for fold in range(FOLDS):
        model, mean, scale = _ridge(feats, target, is_davidson, rows[inner != fold])
        oof[inner == fold] = _ridge_scores(model, mean, scale, feats, rows[inner == fold])
    c3_rows = ~is_davidson[rows]
    platt = LogisticRegression(C=1e4).fit(oof[c3_rows, None], hostile[rows][c3_rows])
    a, b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    threshold = best_f1_threshold(hostile[rows][c3_rows], platt.predict_proba(oof[c3_rows, None])[:, 1],
                                  feats.hostile_cues()[rows][c3_rows])
    model, mean, scale = _ridge(feats, target, is_davidson, rows)
    coef = (a * model.coef_[: HASH_FEATURES + len(SHAPE_FEATURES)]).astype(np.float32)[None, :]
    layer = LinearLayer(
        classes=("0", "1"), link="sigmoid", intercept=np.array([a * model.intercept_ + b], dtype=np.float32),
        coef_hashed=coef[:, :HASH_FEATURES], coef_dense=coef[:, HASH_FEATURES:], mean=mean, scale=scale,
        dense_names=tuple(SHAPE_FEATURES),
    )
    return layer, threshold


# --- Cross-validated figures -----------------------------------------------------------------


def _length_baseline(words: np.ndarray, labels: np.ndarray, folds: np.ndarray) -> np.ndarray:
    proba = np.zeros(len(labels))
    for fold in range(FOLDS):
        train, test = folds != fold, folds == fold
        model = LogisticRegression().fit(np.log1p(words[train])[:, None], labels[train])
        proba[test] = model.predict_proba(np.log1p(words[test])[:, None])[:, 1]
    return proba


def cross_validate_c3(feats: Features, c3: pd.DataFrame, davidson_feats: Features, davidson: pd.DataFrame,
                      areas: np.ndarray, progress=print) -> dict:
    """Grouped 5-fold CV of both models on C3 (Davidson's rows join the hostile model's training
    parts, in folds of their own); thresholds and calibration come from each training part only."""
    folds = grouped_folds(c3["group"])
    labels = c3["constructive"].to_numpy()
    chars = np.array([len(t) for t in feats.texts], dtype=float)

    constructive = np.zeros(len(c3))
    for fold in range(FOLDS):
        train, test = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
        layers = fit_constructive(feats, c3, train)
        constructive[test] = constructive_proba(layers, feats.hashed[test], feats.shape[test], feats.words[test])
        progress(f"  constructive fold {fold + 1}/{FOLDS}")

    # Hostile: C3 and Davidson as one set; Davidson's rows only ever train.
    hostile_set = HostileSet.of(feats, c3, davidson_feats, davidson)
    davidson_folds = grouped_folds(davidson["group"])
    hostile_proba, hostile_flag, thresholds = np.zeros(len(c3)), np.zeros(len(c3), bool), []
    for fold in range(FOLDS):
        train = np.r_[np.flatnonzero(folds != fold), len(c3) + np.flatnonzero(davidson_folds != fold)]
        test = np.flatnonzero(folds == fold)
        layer, threshold = fit_hostile(hostile_set, train)
        hostile_proba[test] = layer.proba(feats.hashed[test], feats.shape[test])[:, 1]
        hostile_flag[test] = hostile_proba[test] >= threshold
        thresholds.append(round(threshold, 4))
        progress(f"  hostile fold {fold + 1}/{FOLDS}")
    hostile = hostile_set.truth[: len(c3)]
    cues = feats.hostile_cues()
    pile_on = is_pile_on(cues)
    with_rule = is_hostile(hostile_flag, cues)

    # As the product decides (analysis.constructive.with_the_rules).
    as_written, blocked = with_the_rules(constructive, feats.tokens, feats.words, areas, feats.compound, cues,
                                         with_rule, hostile_proba)  # as_written: the constructive_prob column
    # For the model card's counts of what each rule did:
    suggestion = is_suggestion(feats.tokens, feats.words, areas, with_rule | is_uncivil(cues))
    plain = is_plainly_hostile(with_rule, hostile_proba, cues)
    as_scored = np.where(blocked, 0.0, as_written)  # feedback_class == "constructive"
    length = _length_baseline(feats.words, labels, folds)
    chars_only = _length_baseline(chars, labels, folds)
    model_pred = constructive >= CONSTRUCTIVE_THRESHOLD
    return {
        "constructive": {
            "model": {**binary_metrics(labels, constructive, model_pred),
                      "bands": banded(labels, constructive, model_pred, feats.words)},
            "as_written": {**binary_metrics(labels, as_written, as_written >= CONSTRUCTIVE_THRESHOLD),
                           "bands": banded(labels, as_written, as_written >= CONSTRUCTIVE_THRESHOLD, feats.words)},
            "as_scored": {**binary_metrics(labels, as_scored, as_scored >= CONSTRUCTIVE_THRESHOLD),
                          "bands": banded(labels, as_scored, as_scored >= CONSTRUCTIVE_THRESHOLD, feats.words),
                          "suggestion_rule_fires": int(suggestion.sum()),
                          "hostile_overrides": int((plain & model_pred).sum()),
                          "rant_overrides": int((blocked & ~plain & model_pred).sum())},
            "length_only": {**binary_metrics(labels, length), "bands": banded(labels, length, length >= 0.5,
                                                                              feats.words)},
            "chars_only": binary_metrics(labels, chars_only),
        },
        "hostile": {
            "model": {**binary_metrics(hostile, hostile_proba, hostile_flag), "fold_thresholds": thresholds,
                      "majority_accuracy": round(float(1 - hostile.mean()), 4)},
            "model_with_pile_on_rule": binary_metrics(hostile, hostile_proba, with_rule),
            "model_aimed_only": binary_metrics(hostile, hostile_proba, hostile_flag & names_people(cues)),
            "pile_on_rule_only": binary_metrics(hostile, pile_on.astype(float), pile_on),
            "level": HOSTILE_LEVEL,
            "threshold_rule": "maximises the F1 of the flag as the product sets it (pile-on rule, or the model on "
                              "text aimed at people) on out-of-fold probabilities of each training part's C3 rows",
        },
    }
