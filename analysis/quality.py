"""What the Quality page shows about the shipped models, read from their files in analysis/models/.

metrics.json (written by `python -m analysis train`) holds every cross-validated
figure and confusion matrix; each model's JSON header holds its version, threshold
and licence. Both are read defensively: a figure a training run did not measure is
None, shown as NOT_MEASURED, never a crash, so a retrained model with more (or
fewer) measures shows whatever it has.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path

import pandas as pd

from settings.clock import london_time

MODELS_DIR = Path(__file__).resolve().parent / "models"
MODELS = ("sentiment", "constructive", "hostile")
NOT_MEASURED = "not measured"

CORPORA = {
    "semeval": "SemEval tweets (2013-2016)",
    "nhs": "NHS Friends-and-Family-Test comments",
    "tweets": "VADER tweets",
    "movies": "VADER movie-review snippets",
    "amazon": "VADER Amazon-review snippets",
    "c3": "Constructive Comments Corpus (C3)",
}
# Who made a row of figures, in the order tables list them; unknown ones follow by name.
PREDICTORS = {
    "model": "Shipped model",
    "as_written": "constructive_prob as written (model and suggestion rule)",
    "as_scored": "Feedback class (also: plain hostility and rants are never constructive)",
    "model_with_pile_on_rule": "As flagged: pile-on rule, or the model on text aimed at people",
    "model_aimed_only": "Shipped model, on text aimed at people only",
    "pile_on_rule_only": "Pile-on rule alone",
    "vader": "VADER alone",
    "length_only": "Length in words alone",
    "length": "Length in words alone",
    "chars_only": "Length in characters alone",
    "lexicon_only": "Insult and swear words alone",
    "majority": "Always the commonest label",
}
# The sentiment targets, in words, and how each is checked on the figures (analysis.targets
# holds every target; these are the ones shown beside their corpus).
SENTIMENT_TARGETS = {
    "semeval": ("macro recall ≥ 0.64", lambda m, base: _ge(m.get("macro_recall"), 0.64)),
    "nhs": ("accuracy ≥ 0.80", lambda m, base: _ge(m.get("accuracy"), 0.80)),
    "tweets": ("weighted F1 ≥ 0.94", lambda m, base: _ge(m.get("weighted_f1"), 0.94)),
}
CONSTRUCTIVE_TARGET = 0.94
BINARY_MEASURES = {"accuracy": "Accuracy", "balanced_accuracy": "Balanced accuracy", "precision": "Precision",
                   "recall": "Recall", "f1": "F1", "roc_auc": "ROC AUC"}
# Shown only when some predictor of the model has them.
EXTRA_MEASURES = {"flagged_share": "Share flagged"}
SENTIMENT_MEASURES = {"accuracy": "Accuracy", "weighted_f1": "Weighted F1", "macro_f1": "Macro F1",
                      "macro_recall": "Macro recall"}
BINARY_LABELS = {
    "constructive": {0: "not constructive", 1: "constructive"},
    "hostile": {0: "not hostile", 1: "hostile"},
}


class QualityError(ValueError):
    """A model file is there but cannot be read; the message names it."""


def _ge(value: object, floor: object) -> bool | None:
    if not isinstance(value, (int, float)) or not isinstance(floor, (int, float)):
        return None
    return value >= floor


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise QualityError(f"{path.name} cannot be read: {error}") from None
    if not isinstance(data, dict):
        raise QualityError(f"{path.name} does not hold a JSON object")
    return data


def load_metrics(models_dir: Path | None = None) -> dict:
    """metrics.json as a dict ({} when there is none: the models were never trained here)."""
    return _read_json(Path(models_dir or MODELS_DIR) / "metrics.json")


def model_headers(models_dir: Path | None = None) -> pd.DataFrame:
    """One row per shipped model: model, version, trained_at, threshold, licence (None where absent)."""
    rows = []
    for name in MODELS:
        header = _read_json(Path(models_dir or MODELS_DIR) / f"{name}.json")
        rows.append({
            "model": name,
            "version": header.get("version"),
            "trained_at": _when(header.get("trained_at")),
            "threshold": header.get("threshold"),
            "licence": header.get("licence"),
        })
    return pd.DataFrame(rows)


def _when(stamp: object) -> str | None:
    """'2026-07-29T07:22:45Z' as '29 Jul 2026 08:22 UK time', as every time on screen; anything unreadable
    as it is."""
    if not isinstance(stamp, str):
        return None
    try:
        return f"{london_time(datetime.fromisoformat(stamp)):%d %b %Y %H:%M} UK time"
    except ValueError:
        return stamp


def figure(value: object, digits: int = 4) -> str:
    """A measure for a table: rounded, or NOT_MEASURED."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        return NOT_MEASURED
    return f"{value:.{digits}f}"


def _block(mapping: object, key: str) -> dict:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, dict) else {}


def predictors(block: dict) -> list[str]:
    """The keys of a metrics block that hold one predictor's figures, known ones first."""
    found = [k for k, v in block.items() if isinstance(v, dict) and ("accuracy" in v or "confusion" in v)]
    return sorted(found, key=lambda k: (list(PREDICTORS).index(k) if k in PREDICTORS else len(PREDICTORS), k))


def predictor_name(key: str) -> str:
    return PREDICTORS.get(key, key.replace("_", " ").capitalize())


def corpus_name(key: str) -> str:
    return CORPORA.get(key, key)


def training_table(metrics: dict) -> pd.DataFrame:
    """Which rows of which file each model learned from: Corpus, File, Rows, Which rows."""
    rows = [
        {"Corpus": corpus_name(key), "File": info.get("file") or NOT_MEASURED,
         "Rows": info.get("rows"), "Which rows, label": info.get("which") or ""}
        for key, info in _block(metrics, "training_rows").items() if isinstance(info, dict)
    ]
    return pd.DataFrame(rows, columns=["Corpus", "File", "Rows", "Which rows, label"])


def sentiment_table(metrics: dict) -> pd.DataFrame:
    """Per corpus and predictor: rows and the three-class measures, with the issue's target and whether
    the shipped model meets it ('yes', 'no', or NOT_MEASURED)."""
    rows = []
    for corpus, block in _block(metrics, "sentiment").items():
        if not isinstance(block, dict):
            continue
        target, check = SENTIMENT_TARGETS.get(corpus, ("", None))
        for key in predictors(block):
            figures = block[key]
            met = ""
            if key == "model" and check is not None:
                verdict = check(figures, _block(block, "vader"))
                met = NOT_MEASURED if verdict is None else ("yes" if verdict else "no")
            rows.append({
                "Corpus": corpus_name(corpus), "Predictor": predictor_name(key),
                "Rows": figures.get("rows"),
                **{label: figure(figures.get(m)) for m, label in SENTIMENT_MEASURES.items()},
                "Target": target if key == "model" else "", "Met": met,
            })
    return pd.DataFrame(rows, columns=["Corpus", "Predictor", "Rows", *SENTIMENT_MEASURES.values(), "Target", "Met"])


def binary_table(metrics: dict, model: str) -> pd.DataFrame:
    """The constructive or hostile model beside its baselines: one row per predictor with the binary
    measures (NOT_MEASURED where absent)."""
    block = _block(metrics, model)
    extra = {m: label for m, label in EXTRA_MEASURES.items()
             if any(m in block[key] for key in predictors(block))}
    rows = []
    for key in predictors(block):
        figures = block[key]
        rows.append({
            "Predictor": predictor_name(key), "Rows": figures.get("rows"), "Positives": figures.get("positives"),
            **{label: figure(figures.get(m)) for m, label in BINARY_MEASURES.items()},
            **{label: figure(figures.get(m), 3) for m, label in extra.items()},
            "Threshold used": figure(figures.get("threshold"), 3),
        })
    majority = _block(block, "model").get("majority_accuracy")
    if isinstance(majority, (int, float)):
        rows.append({"Predictor": predictor_name("majority"), "Rows": _block(block, "model").get("rows"),
                     "Positives": _block(block, "model").get("positives"), "Accuracy": figure(majority),
                     **{label: "–" for label in [*list(BINARY_MEASURES.values())[1:], *extra.values()]},
                     "Threshold used": "–"})
    frame = pd.DataFrame(rows, columns=["Predictor", "Rows", "Positives", *BINARY_MEASURES.values(), *extra.values(),
                                        "Threshold used"])
    return frame.astype({"Rows": "Int64", "Positives": "Int64"})


def confusion_frame(figures: dict, names: dict | None = None) -> pd.DataFrame | None:
    """A predictor's confusion matrix as a table: rows 'truth', columns 'predicted', labels in words
    (`names` maps stored labels, e.g. 0/1, to words). None when it was not measured or is malformed."""
    found = _matrix_of(figures)
    if found is None:
        return None
    labels, matrix = found
    words = [str((names or {}).get(label, label)) for label in labels]
    frame = pd.DataFrame(matrix, index=[f"truly {w}" for w in words], columns=[f"predicted {w}" for w in words])
    frame.index.name = "truth \\ predicted"
    return frame


def constructive_target(metrics: dict) -> str:
    """The issue's constructiveness target in words, with whether the model meets it and by how much it
    beats each length-only baseline."""
    block = _block(metrics, "constructive")
    model = _block(block, "model").get("accuracy")
    if not isinstance(model, (int, float)):
        return f"Target: accuracy at least {CONSTRUCTIVE_TARGET:.2f}, clearly above length alone: {NOT_MEASURED}."
    verdict = "met" if model >= CONSTRUCTIVE_TARGET else "not met"
    baselines = [
        f"{model - figures['accuracy']:+.4f} over {predictor_name(key).lower()} ({figures['accuracy']:.4f})"
        for key in predictors(block) if key.endswith("_only") or key == "length"
        for figures in [block[key]] if isinstance(figures.get("accuracy"), (int, float))
    ]
    versus = "; ".join(baselines) if baselines else "length alone not measured"
    return (f"Target: accuracy at least {CONSTRUCTIVE_TARGET:.2f}, clearly above length alone: {verdict} "
            f"({model:.4f}; {versus}).")


def officer_matrix(pairs: pd.DataFrame, field: str, labels: list[str] | tuple[str, ...]) -> pd.DataFrame | None:
    """Officers' labels (rows) against the model's (columns) for one field, from
    store.trends.label_pairs; every label in `labels` is a row and a column. None when no
    officer labelled this field."""
    chosen = pairs[pairs["field"] == field]
    if chosen.empty:
        return None
    order = list(labels) + sorted({*chosen["officer"], *chosen["model"]} - set(labels))
    matrix = chosen.pivot_table(index="officer", columns="model", values="items", aggfunc="sum", fill_value=0)
    matrix = matrix.reindex(index=order, columns=order, fill_value=0).astype("int64")
    matrix.index = [f"officer: {label}" for label in order]
    matrix.columns = [f"model: {label}" for label in order]
    matrix.index.name = "officer \\ model"
    return matrix


def band_table(metrics: dict) -> pd.DataFrame:
    """Constructiveness within length bands: the model against length alone (balanced accuracy,
    ROC AUC, accuracy), one row per band and predictor."""
    block = _block(metrics, "constructive")
    rows = []
    for key in ("model", "length_only", "as_written", "as_scored"):
        for band, figures in _block(_block(block, key), "bands").items():
            if isinstance(figures, dict):
                rows.append({"Band": band, "Predictor": predictor_name(key), "Rows": figures.get("rows"),
                             "Constructive": figures.get("positives"),
                             "Balanced accuracy": figure(figures.get("balanced_accuracy")),
                             "ROC AUC": figure(figures.get("roc_auc")), "Accuracy": figure(figures.get("accuracy"))})
    return pd.DataFrame(rows, columns=["Band", "Predictor", "Rows", "Constructive", "Balanced accuracy", "ROC AUC",
                                       "Accuracy"])


def targets_table(metrics: dict) -> pd.DataFrame:
    """Every target of analysis.targets: the figure, what it needs, what stands beside it, met."""
    from analysis.targets import check_targets

    rows = check_targets(metrics) if metrics else []
    return pd.DataFrame(
        [{"Target": r["target"], "Cross-validated": figure(r["value"]), "Needs": figure(r["bar"]),
          "Beside it": figure(r["baseline"]),
          "Met": NOT_MEASURED if r["met"] is None else ("yes" if r["met"] else "no")} for r in rows],
        columns=["Target", "Cross-validated", "Needs", "Beside it", "Met"],
    )


# --- In plain words, for a comms officer ------------------------------------------------------


def out_of_ten(share: float) -> str:
    """0.78 -> 'about 8'; never 'about 0' or 'about 10' for a share strictly between 0 and 1."""
    tens = round(share * 10)
    if 0 < share < 1:
        tens = min(max(tens, 1), 9)
    return f"about {tens}" if 0 < share < 1 else ("all" if share >= 1 else "none")


def one_in(share: float) -> str:
    """0.26 -> 'about 1 in 4'; a share of a half or more in tenths ('about 6 in 10')."""
    if share <= 0:
        return "none"
    if share >= 0.5:
        return f"{out_of_ten(share)} in 10"
    return f"about 1 in {max(2, round(1 / share))}"


def _matrix_of(figures: dict) -> tuple[list, list[list[int]]] | None:
    confusion = figures.get("confusion") if isinstance(figures, dict) else None
    if not isinstance(confusion, dict):
        return None
    labels, matrix = confusion.get("labels"), confusion.get("matrix")
    if not isinstance(labels, list) or not isinstance(matrix, list) or len(matrix) != len(labels):
        return None
    if any(not isinstance(row, list) or len(row) != len(labels) for row in matrix):
        return None
    return labels, matrix


def _called(labels: list, matrix: list[list[int]], truth, predicted) -> float | None:
    """Of the items whose true label is `truth`, the share called `predicted`."""
    row = matrix[labels.index(truth)]
    return row[labels.index(predicted)] / sum(row) if sum(row) else None


def _precision(labels: list, matrix: list[list[int]], label) -> float | None:
    j = labels.index(label)
    column = sum(row[j] for row in matrix)
    return matrix[j][j] / column if column else None


def sentiment_in_words(metrics: dict, corpus: str, things: str = "comments") -> list[str]:
    """What the sentiment figures on one corpus mean, as a comms officer would say it."""
    found = _matrix_of(_block(_block(_block(metrics, "sentiment"), corpus), "model"))
    if found is None or not {"negative", "neutral", "positive"} <= set(found[0]):
        return []
    labels, matrix = found
    out = []
    precision = _precision(labels, matrix, "negative")
    if precision is not None:
        out.append(f"Of 10 {things} we call negative, {out_of_ten(precision)} are negative.")
    caught = _called(labels, matrix, "negative", "negative")
    if caught is not None:
        out.append(f"Of 10 negative {things}, we call {out_of_ten(caught)} negative.")
    for truth in ("neutral", "positive"):
        share = _called(labels, matrix, truth, "negative")
        if share is not None:
            out.append(f"We call {one_in(share)} {truth} {things} negative.")
    neutral = _precision(labels, matrix, "neutral")
    if neutral is not None:
        out.append(f"Of 10 {things} we call neutral, {out_of_ten(neutral)} are neutral.")
    return out


def binary_in_words(metrics: dict, model: str) -> list[str]:
    """The constructive or hostile flag's precision and recall in words."""
    key = "model_with_pile_on_rule" if model == "hostile" and "model_with_pile_on_rule" in _block(metrics, model) \
        else "model"
    found = _matrix_of(_block(_block(metrics, model), key))
    if found is None:
        return []
    labels, matrix = found
    if 1 not in labels or 0 not in labels:
        return []
    precision, recall = _precision(labels, matrix, 1), _called(labels, matrix, 1, 1)
    word, rated = ("call constructive", "rated constructive") if model == "constructive" else \
        ("flag as hostile", "rated at least mildly toxic")
    out = []
    if precision is not None:
        out.append(f"Of 10 comments we {word}, {out_of_ten(precision)} were {rated} by the readers who labelled them.")
    if recall is not None:
        out.append(f"Of 10 comments readers {rated}, we {word} {out_of_ten(recall)}.")
    return out


def plain_words(metrics: dict) -> dict[str, list[str]]:
    """Every plain-words sentence the Model quality page shows, by heading (empty lists left out)."""
    sections = {
        "Sentiment on social media posts (tweets)": sentiment_in_words(metrics, "semeval", "posts"),
        "Sentiment on comments about a public service (NHS feedback)": sentiment_in_words(metrics, "nhs"),
        "Constructive feedback (news-site comments)": binary_in_words(metrics, "constructive"),
        "Hostile language (news-site comments)": binary_in_words(metrics, "hostile"),
    }
    return {heading: lines for heading, lines in sections.items() if lines}
