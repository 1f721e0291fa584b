"""The models' targets (issue 15), checked on the cross-validated figures of metrics.json.

Constructive figures are those of the product's constructive_prob ("as written": the model with
the suggestion floor); the feedback class, with the plain-hostility override and the rant rule on
top, is reported beside them ("as scored") and is not held to C3's labels: those rules disagree
with C3's raters on purpose. One list, read by the
training run (metrics.json "targets"), the model card, the benchmark (bench/model_metrics.py)
and the Model quality page, so all four say the same thing. A
figure that was not measured gives met = None, never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass

BAND_MARGIN = 0.03  # balanced accuracy above length alone, within each length band


@dataclass(frozen=True)
class Target:
    name: str  # what is measured, in words
    path: tuple[str, ...]  # where the figure is in metrics.json
    floor: float | None = None  # a fixed floor, or
    above: tuple[str, ...] | None = None  # a baseline's figure ...
    margin: float = 0.0  # ... plus this margin
    baseline: tuple[str, ...] | None = None  # a figure to show beside it (plain VADER, length alone)


def _bands() -> list[Target]:
    out = []
    for band in ("under 20 words", "20-60 words", "over 60 words"):
        out.append(Target(
            f"C3 constructive, {band}: balanced accuracy >= length alone + {BAND_MARGIN:.2f}",
            ("constructive", "as_written", "bands", band, "balanced_accuracy"),
            above=("constructive", "length_only", "bands", band, "balanced_accuracy"), margin=BAND_MARGIN,
            baseline=("constructive", "length_only", "bands", band, "balanced_accuracy"),
        ))
    return out


TARGETS = [
    Target("SemEval tweets: macro-averaged recall >= 0.64", ("sentiment", "semeval", "model", "macro_recall"),
           floor=0.64, baseline=("sentiment", "semeval", "vader", "macro_recall")),
    Target("NHS comments: three-class accuracy >= 0.80", ("sentiment", "nhs", "model", "accuracy"),
           floor=0.80, baseline=("sentiment", "nhs", "vader", "accuracy")),
    Target("VADER tweets: weighted F1 >= 0.94", ("sentiment", "tweets", "model", "weighted_f1"),
           floor=0.94, baseline=("sentiment", "tweets", "vader", "weighted_f1")),
    Target("C3 constructive_prob: accuracy >= 0.94", ("constructive", "as_written", "accuracy"), floor=0.94,
           baseline=("constructive", "length_only", "accuracy")),
    *_bands(),
    Target("C3 hostile (toxicity >= 2), as flagged: F1 >= 0.50", ("hostile", "model_with_pile_on_rule", "f1"),
           floor=0.50, baseline=("hostile", "pile_on_rule_only", "f1")),
]


def figure(metrics: dict, path: tuple[str, ...] | None) -> float | None:
    value: object = metrics
    for key in path or ():
        value = value.get(key) if isinstance(value, dict) else None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def check_targets(metrics: dict, targets: list[Target] | None = None) -> list[dict]:
    """One row per target: name, value, the bar it must reach, the baseline beside it, met (True,
    False, or None when a figure is missing)."""
    rows = []
    for target in targets or TARGETS:
        value = figure(metrics, target.path)
        bar = target.floor if target.floor is not None else figure(metrics, target.above)
        if bar is not None and target.above is not None:
            bar += target.margin
        met = None if value is None or bar is None else value >= bar - 1e-9
        rows.append({"target": target.name, "value": value, "bar": None if bar is None else round(bar, 4),
                     "baseline": figure(metrics, target.baseline), "met": met})
    return rows


def all_met(rows: list[dict]) -> bool:
    return bool(rows) and all(row["met"] is True for row in rows)

