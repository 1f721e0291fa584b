"""The shipped models, loaded once per process from analysis/models/ (safe format only)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis.features import HASH_FEATURES
from analysis.linear import LinearLayer, ModelFileError, load_model

MODELS_DIR = Path(__file__).resolve().parent / "models"
NAMES = ("sentiment", "constructive", "hostile")
SENTIMENT_LAYERS = ("general", "polarity", "service", "domain", "neutral", "direction")
CONSTRUCTIVE_LAYERS = ("content", "model")
# News mentions and headlines take VADER's class unless the model is at least this sure: a stated
# judgement (no training corpus is news prose, so there is nothing to tune it on).
NEWS_CONFIDENCE = 0.9


@dataclass(frozen=True)
class Shipped:
    sentiment: dict[str, LinearLayer]
    temperatures: dict[str, float]  # per domain (the gate's corpus), from sentiment.json
    news_confidence: float
    constructive: dict[str, LinearLayer]
    hostile: LinearLayer
    constructive_threshold: float
    hostile_threshold: float
    versions: dict[str, str]


def _require(name: str, layers: dict, required: tuple[str, ...], directory: Path) -> None:
    for layer in required:
        if layer not in layers:
            raise ModelFileError(f"model {name} in {directory} has no layer {layer!r}")


@lru_cache(maxsize=4)
def load_shipped(directory: Path = MODELS_DIR) -> Shipped:
    """Every shipped model, checked; a clear ModelFileError if one is missing or malformed."""
    sentiment, sentiment_meta = load_model(directory, "sentiment", HASH_FEATURES)
    constructive, constructive_meta = load_model(directory, "constructive", HASH_FEATURES)
    hostile, hostile_meta = load_model(directory, "hostile", HASH_FEATURES)
    _require("sentiment", sentiment, SENTIMENT_LAYERS, directory)
    _require("constructive", constructive, CONSTRUCTIVE_LAYERS, directory)
    _require("hostile", hostile, ("model",), directory)
    temperatures = sentiment_meta.get("temperatures", {})
    if not isinstance(temperatures, dict) or not all(
            isinstance(t, (int, float)) and 0 < t < 100 for t in temperatures.values()):
        raise ModelFileError(f"model sentiment in {directory}: temperatures must be positive numbers by domain")
    try:
        return Shipped(
            sentiment=sentiment,
            temperatures={str(k): float(v) for k, v in temperatures.items()},
            news_confidence=float(sentiment_meta.get("news_confidence", NEWS_CONFIDENCE)),
            constructive=constructive,
            hostile=hostile["model"],
            constructive_threshold=float(constructive_meta["threshold"]),
            hostile_threshold=float(hostile_meta["threshold"]),
            versions={name: meta["version"] for name, meta in
                      (("sentiment", sentiment_meta), ("constructive", constructive_meta), ("hostile", hostile_meta))},
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ModelFileError(f"models in {directory}: a header is incomplete ({error})") from None
