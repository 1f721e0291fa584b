"""Fitting the shipped layers: grouped folds, weights, and scikit-learn estimators turned into LinearLayers.

Used by `python -m analysis train` only. Every estimator is seeded (SEED), so a training
run gives the same models on the same data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import GroupKFold

from analysis.features import HASH_FEATURES
from analysis.linear import LinearLayer

FOLDS = 5
SEED = 0
NGRAM_ALPHA = 1e-5  # SGD L2 strength for the n-gram layers (fixed a priori; the earlier models' value)


def grouped_folds(groups: pd.Series | np.ndarray, strata: pd.Series | np.ndarray | None = None, k: int = FOLDS,
                  seed: int = SEED) -> np.ndarray:
    """A fold number per row; rows of one group share a fold; each stratum (corpus) is split on its own."""
    groups = np.asarray(groups)
    strata = np.zeros(len(groups)) if strata is None else np.asarray(strata)
    folds = np.full(len(groups), -1)
    for stratum in pd.unique(strata):
        rows = np.flatnonzero(strata == stratum)
        splitter = GroupKFold(k, shuffle=True, random_state=seed)
        for fold, (_, test) in enumerate(splitter.split(rows, groups=groups[rows])):
            folds[rows[test]] = fold
    return folds


def corpus_weights(corpus: np.ndarray) -> np.ndarray:
    """Every corpus counts equally, whatever its size (weights average 1)."""
    names, counts = np.unique(corpus, return_counts=True)
    per = dict(zip(names, len(corpus) / (len(names) * counts)))
    return np.array([per[c] for c in corpus])


def balanced_within(weights: np.ndarray, corpus: np.ndarray, labels: np.ndarray, which: str) -> np.ndarray:
    """`weights` with the classes of corpus `which` made to count equally within it."""
    out = weights.copy()
    rows = corpus == which
    if rows.any():
        names, counts = np.unique(labels[rows], return_counts=True)
        per = dict(zip(names, rows.sum() / (len(names) * counts)))
        out[rows] *= np.array([per[label] for label in labels[rows]])
    return out


def fit_sgd_layer(hashed: sp.csr_matrix, labels: np.ndarray, weights: np.ndarray | None = None,
                  alpha: float = NGRAM_ALPHA) -> LinearLayer:
    """A logistic n-gram layer (one-vs-rest when more than two classes) by averaged SGD."""
    model = SGDClassifier(loss="log_loss", alpha=alpha, max_iter=20, tol=None, random_state=SEED, average=True)
    model.fit(hashed, labels, sample_weight=weights)
    return LinearLayer(
        classes=tuple(str(c) for c in model.classes_), link="ovr" if len(model.classes_) > 2 else "sigmoid",
        intercept=model.intercept_.astype(np.float32), coef_hashed=model.coef_[:, :HASH_FEATURES].astype(np.float32),
    )


def standardiser(dense: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = dense.mean(axis=0)
    scale = dense.std(axis=0)
    return mean.astype(np.float32), np.where(scale > 1e-6, scale, 1.0).astype(np.float32)


def fit_dense_layer(dense: np.ndarray, labels: np.ndarray, weights: np.ndarray | None, names: tuple[str, ...],
                    C: float) -> LinearLayer:
    """Logistic regression over standardised dense measures (softmax for three classes)."""
    mean, scale = standardiser(dense)
    model = LogisticRegression(C=C, max_iter=5000).fit((dense - mean) / scale, labels, sample_weight=weights)
    coef = model.coef_.astype(np.float32)
    return LinearLayer(
        classes=tuple(str(c) for c in model.classes_), link="softmax" if len(model.classes_) > 2 else "sigmoid",
        intercept=model.intercept_.astype(np.float32), coef_dense=coef, mean=mean, scale=scale, dense_names=names,
    )


def fit_mixed_layer(hashed: sp.csr_matrix, dense: np.ndarray, labels: np.ndarray, names: tuple[str, ...], C: float,
                    weights: np.ndarray | None = None) -> LinearLayer:
    """Binary logistic regression (liblinear) over hashed n-grams and standardised dense measures."""
    mean, scale = standardiser(dense)
    X = sp.hstack([hashed, sp.csr_matrix((dense - mean) / scale)], format="csr")
    model = LogisticRegression(C=C, solver="liblinear").fit(X, labels, sample_weight=weights)
    coef = model.coef_.astype(np.float32)
    return LinearLayer(
        classes=("0", "1"), link="sigmoid", intercept=model.intercept_.astype(np.float32),
        coef_hashed=coef[:, :HASH_FEATURES], coef_dense=coef[:, HASH_FEATURES : HASH_FEATURES + dense.shape[1]],
        mean=mean, scale=scale, dense_names=names,
    )
