"""The shipped models, loaded once per process from analysis/models/ (safe format only)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis.features import HASH_FEATURES
from analysis.linear import LinearLayer, ModelFileError, load_model
from analysis.sentiment import Decision

MODELS_DIR = Path(__file__).resolve().parent / "models"
NAMES = ("sentiment", "constructive", "hostile")


@dataclass(frozen=True)
class Shipped:
    sentiment: dict[str, LinearLayer]
    constructive: LinearLayer
    hostile: LinearLayer
    constructive_threshold: float
    hostile_threshold: float
    versions: dict[str, str]
    decision: Decision  # how sentiment probabilities become a class (sentiment.json "decision")


@lru_cache(maxsize=4)
def load_shipped(directory: Path = MODELS_DIR) -> Shipped:
    """Every shipped model, checked; a clear ModelFileError if one is missing or malformed."""
    sentiment, sentiment_meta = load_model(directory, "sentiment", HASH_FEATURES)
    constructive, constructive_meta = load_model(directory, "constructive", HASH_FEATURES)
    hostile, hostile_meta = load_model(directory, "hostile", HASH_FEATURES)
    for required in ("general", "service", "domain", "stacker"):
        if required not in sentiment:
            raise ModelFileError(f"model sentiment in {directory} has no layer {required!r}")
    decision = sentiment_meta.get("decision", {})
    try:
        decision = Decision(**decision)
    except TypeError:
        raise ModelFileError(f"model sentiment in {directory}: unknown decision settings {sorted(decision)}") from None
    return Shipped(
        sentiment=sentiment,
        constructive=constructive["model"],
        hostile=hostile["model"],
        constructive_threshold=float(constructive_meta["threshold"]),
        hostile_threshold=float(hostile_meta["threshold"]),
        versions={name: meta["version"] for name, meta in
                  (("sentiment", sentiment_meta), ("constructive", constructive_meta), ("hostile", hostile_meta))},
        decision=decision,
    )
