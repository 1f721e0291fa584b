"""Calibrated class probabilities: temperature scaling, and how reliable probabilities are.

A model's probabilities are calibrated when, of the texts it gives 0.8, about 8 in 10
really are of that class. Temperature scaling divides the log-probabilities by one
number T fitted on out-of-fold predictions (T > 1 softens an over-confident model,
T < 1 sharpens a timid one); the most likely class never changes. Reliability is
reported as the expected calibration error (ECE: the gap between confidence and accuracy,
averaged over ten bins of the top probability, weighted by how many texts fall in each)
and the table behind it.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

BINS = 10


def temper(proba: np.ndarray, temperature: float | np.ndarray) -> np.ndarray:
    """Probabilities (rows sum to 1) with their log-probabilities divided by `temperature`
    (one number, or one per row)."""
    temperature = np.asarray(temperature, dtype=np.float64)
    if temperature.ndim == 1:
        temperature = temperature[:, None]
    logs = np.log(np.clip(proba, 1e-12, 1.0)) / temperature
    logs -= logs.max(axis=1, keepdims=True)
    out = np.exp(logs)
    return out / out.sum(axis=1, keepdims=True)


def fit_temperature(proba: np.ndarray, truth: np.ndarray) -> float:
    """The T that minimises the log loss of `truth` (class indices) under temper(proba, T)."""
    if len(truth) == 0:
        return 1.0
    rows = np.arange(len(truth))

    def loss(t: float) -> float:
        return -float(np.mean(np.log(np.clip(temper(proba, t)[rows, truth], 1e-12, 1.0))))

    return round(float(minimize_scalar(loss, bounds=(0.2, 5.0), method="bounded").x), 4)


def reliability(proba: np.ndarray, truth: np.ndarray, bins: int = BINS) -> dict:
    """ECE of the top probability and its table: per bin of confidence, how many texts, their
    mean confidence and the share whose predicted class was right."""
    confidence = proba.max(axis=1)
    right = proba.argmax(axis=1) == truth
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        chosen = which == b
        if not chosen.any():
            continue
        mean_conf, accuracy = float(confidence[chosen].mean()), float(right[chosen].mean())
        ece += chosen.sum() * abs(mean_conf - accuracy)
        table.append({"from": round(float(edges[b]), 2), "to": round(float(edges[b + 1]), 2), "rows": int(chosen.sum()),
                      "confidence": round(mean_conf, 4), "accuracy": round(accuracy, 4)})
    return {"ece": round(float(ece / max(len(truth), 1)), 4), "bins": table}
