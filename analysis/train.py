"""Training and cross-validating the shipped models: `python -m analysis train --data DIR`.

Reads the third-party corpora (DIR is a copy of the project's evaluation data:
nhs/, vader/, c3/), cross-validates every model with grouped folds (no text of a
test fold, nor any text of the same respondent, review or article, is ever
trained on), then fits on every row and writes analysis/models/: the weights
(JSON + .npz), metrics.json (every CV figure and confusion matrix) and
MODEL_CARD.md. Only this command reads DIR; the product never does.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

from analysis.features import (
    HASH_FEATURES,
    SHAPE_FEATURES,
    VADER_FEATURES,
    hashed_ngrams,
    shape_features,
    stack_features,
    vader_features,
    word_counts,
)
from analysis.linear import LinearLayer, ModelFileError, save_model
from analysis.sentiment import (
    SENTIMENT_CLASSES,
    Decision,
    classify_many,
    corrected_proba,
    decide,
    vader_scores,
)
from analysis.service_areas import tag_service_areas
from analysis.suggestions import is_suggestion, with_suggestion_floor
from analysis.tokens import tokenise

FOLDS = 5
SEED = 0
SENTIMENT_VERSION = "sentiment-gated-2"
CONSTRUCTIVE_VERSION = "constructive-c3-2"
HOSTILE_VERSION = "hostile-c3-2"
# C3's crowd_toxicity_level is the mean of raters' 1 (not) .. 4 (very toxic).
# >= 2 means the raters, on average, called it at least mildly toxic (8.5 % of rows;
# >= 2.5 leaves 188 rows, too few to learn from). See the model card.
HOSTILE_LEVEL = 2.0
CONSTRUCTIVE_THRESHOLD = 0.5

# Model settings chosen by cross-validation (figures in the model card).
NGRAM_ALPHA = 1e-5  # SGD L2 strength for the n-gram layers
STACKER_C = 0.1
SERVICE_WEIGHT = 2.0  # extra weight of service feedback rows in the stacker
CONSTRUCTIVE_C = 1.0
HOSTILE_ALPHA = 1.0  # ridge strength for the toxicity-level regression behind the hostile flag

# The sentiment decision (analysis.sentiment.Decision) is chosen on out-of-fold
# predictions from this grid: the highest mean macro F1 over the four corpora (macro F1
# counts the neutral class as much as the others) among settings that keep every target.
NEUTRAL_WEIGHTS = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0)
SHORT_WORDS = (0, 8, 12, 20, 30)
CONFIDENCES = (0.5, 0.6, 0.7, 0.8, 0.9)

CORPORA = {
    "nhs": "nhs/nhs_train.csv",
    "tweets": "vader/tweets_GroundTruth_dev.txt",
    "movies": "vader/movieReviewSnippets_GroundTruth.txt",
    "amazon": "vader/amazonReviewSnippets_GroundTruth.txt",
}
C3_FILE = "c3/c3_train.csv"


class TrainingDataError(Exception):
    """The training data folder is missing a file or a column."""


# --- Data -----------------------------------------------------------------------------


def _need(path: Path) -> Path:
    if not path.is_file():
        raise TrainingDataError(f"training file missing: {path}")
    return path


def three_class_rating(rating: pd.Series) -> np.ndarray:
    """VADER ground truth: mean rating >= 0.05 positive, <= -0.05 negative, else neutral."""
    return classify_many(rating.to_numpy(dtype=float))


def load_vader_corpus(path: Path, corpus: str) -> pd.DataFrame:
    frame = pd.read_csv(
        _need(path), sep="\t", header=None, names=["id", "rating", "text"], quoting=3,
        dtype={"id": str, "text": str}, keep_default_na=False, encoding="utf-8",
    )
    return pd.DataFrame({
        "text": frame["text"].str.strip(),
        "label": three_class_rating(frame["rating"]),
        # Amazon ids are review_sentence: sentences of one review stay in one fold.
        "group": corpus + ":" + frame["id"].str.split("_").str[0],
        "corpus": corpus,
    })


NHS_LABELS = {1: "positive", 2: "positive", 3: "neutral", 4: "negative", 5: "negative"}


def load_nhs(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(_need(path))
    for column in ("FFT answer", "Comment sentiment", "Respondent ID"):
        if column not in frame.columns:
            raise TrainingDataError(f"{path} has no column {column!r}")
    labelled = frame.dropna(subset=["Comment sentiment"])
    return pd.DataFrame({
        "text": labelled["FFT answer"].fillna("").astype(str).str.strip(),
        "label": labelled["Comment sentiment"].astype(int).map(NHS_LABELS).to_numpy(),
        # One respondent's answers to several questions stay in one fold.
        "group": "nhs:" + labelled["Respondent ID"].astype(str),
        "corpus": "nhs",
    })


def load_sentiment_data(data: Path) -> pd.DataFrame:
    parts = [load_nhs(data / CORPORA["nhs"])]
    parts += [load_vader_corpus(data / CORPORA[name], name) for name in ("tweets", "movies", "amazon")]
    return pd.concat(parts, ignore_index=True)


def load_c3(data: Path) -> pd.DataFrame:
    path = _need(data / C3_FILE)
    frame = pd.read_csv(path)
    for column in ("comment_text", "constructive_binary", "crowd_toxicity_level", "article_id"):
        if column not in frame.columns:
            raise TrainingDataError(f"{path} has no column {column!r}")
    return pd.DataFrame({
        "text": frame["comment_text"].fillna("").astype(str),
        "constructive": frame["constructive_binary"].astype(int).to_numpy(),
        "toxicity": frame["crowd_toxicity_level"].astype(float).to_numpy(),
        "group": frame["article_id"].astype(str),
    })


def grouped_folds(groups: pd.Series, strata: pd.Series | None = None, k: int = FOLDS, seed: int = SEED) -> np.ndarray:
    """A fold number per row; rows of one group share a fold; each stratum (corpus) is split on its own."""
    folds = np.full(len(groups), -1)
    strata = strata if strata is not None else pd.Series(np.zeros(len(groups)))
    for _, index in pd.Series(np.arange(len(groups))).groupby(strata.to_numpy()):
        rows = index.to_numpy()
        splitter = GroupKFold(k, shuffle=True, random_state=seed)
        for fold, (_, test) in enumerate(splitter.split(rows, groups=groups.to_numpy()[rows])):
            folds[rows[test]] = fold
    return folds


# --- Features -------------------------------------------------------------------------


@dataclass
class Features:
    hashed: sp.csr_matrix
    vader: np.ndarray  # VADER_FEATURES
    shape: np.ndarray  # SHAPE_FEATURES
    compound: np.ndarray
    words: np.ndarray
    tokens: list[list[str]]
    areas: np.ndarray  # the service-area tagger's label (None where none)


def featurise(texts: pd.Series) -> Features:
    texts = texts.fillna("").astype(str).reset_index(drop=True)
    vader = vader_scores(texts.tolist())
    words = word_counts(texts)
    tokenised = tokenise(texts)
    return Features(
        hashed=hashed_ngrams(texts), vader=vader_features(vader, words),
        shape=shape_features(texts, vader, words, tokenised), compound=vader["compound"].to_numpy(),
        words=words, tokens=tokenised, areas=tag_service_areas(texts, tokenised=tokenised).to_numpy(),
    )


# --- Layers from sklearn estimators -----------------------------------------------------


def _sgd(alpha: float) -> SGDClassifier:
    return SGDClassifier(loss="log_loss", alpha=alpha, max_iter=20, tol=None, random_state=SEED, average=True)


def _hashed_layer(model, link: str) -> LinearLayer:
    return LinearLayer(
        classes=tuple(str(c) for c in model.classes_), link=link,
        intercept=model.intercept_.astype(np.float32), coef_hashed=model.coef_.astype(np.float32),
    )


def _standardiser(dense: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = dense.mean(axis=0)
    scale = dense.std(axis=0)
    return mean.astype(np.float32), np.where(scale > 1e-6, scale, 1.0).astype(np.float32)


def fit_ngram_layer(hashed, labels, weights=None, alpha: float = NGRAM_ALPHA) -> LinearLayer:
    model = _sgd(alpha).fit(hashed, labels, sample_weight=weights)
    return _hashed_layer(model, "ovr" if len(model.classes_) > 2 else "sigmoid")


def fit_stacker(dense: np.ndarray, labels, weights, names: tuple[str, ...]) -> LinearLayer:
    mean, scale = _standardiser(dense)
    model = LogisticRegression(C=STACKER_C, max_iter=5000)
    model.fit((dense - mean) / scale, labels, sample_weight=weights)
    return LinearLayer(
        classes=tuple(model.classes_), link="softmax", intercept=model.intercept_.astype(np.float32),
        coef_dense=model.coef_.astype(np.float32), mean=mean, scale=scale, dense_names=names,
    )


def fit_binary_layer(hashed, dense, labels, names, C: float, class_weight=None) -> LinearLayer:
    """Logistic regression over hashed n-grams and standardised dense measures."""
    mean, scale = _standardiser(dense)
    X = sp.hstack([hashed, sp.csr_matrix((dense - mean) / scale)]).tocsr()
    model = LogisticRegression(C=C, solver="liblinear", class_weight=class_weight).fit(X, labels)
    coef = model.coef_.astype(np.float32)
    return LinearLayer(
        classes=("0", "1"), link="sigmoid", intercept=model.intercept_.astype(np.float32),
        coef_hashed=coef[:, :HASH_FEATURES], coef_dense=coef[:, HASH_FEATURES:], mean=mean, scale=scale,
        dense_names=names,
    )


# --- Sentiment ------------------------------------------------------------------------

STACK_NAMES = (
    *VADER_FEATURES, *(f"general_{c}" for c in SENTIMENT_CLASSES), *(f"service_{c}" for c in SENTIMENT_CLASSES),
)


def _stack_names(domains: tuple[str, ...]) -> tuple[str, ...]:
    gated = [f"{name}*{d}" for d in domains for name in STACK_NAMES]
    return (*STACK_NAMES, *(f"like_{d}" for d in domains), *gated)


def corpus_weights(corpus: np.ndarray) -> np.ndarray:
    """Every corpus counts equally, whatever its size."""
    names, counts = np.unique(corpus, return_counts=True)
    per = dict(zip(names, len(corpus) / (len(names) * counts)))
    return np.array([per[c] for c in corpus])


def _stage_one(feats: Features, rows: np.ndarray, data: pd.DataFrame) -> dict[str, LinearLayer]:
    labels, corpus = data["label"].to_numpy()[rows], data["corpus"].to_numpy()[rows]
    hashed = feats.hashed[rows]
    service = corpus == "nhs"
    return {
        "general": fit_ngram_layer(hashed, labels, corpus_weights(corpus)),
        "service": fit_ngram_layer(hashed[service], labels[service]),
        "domain": fit_ngram_layer(hashed, corpus),
    }


def _stage_one_outputs(layers: dict[str, LinearLayer], feats: Features, rows: np.ndarray) -> np.ndarray:
    from analysis.sentiment import _in_order

    hashed = feats.hashed[rows]
    general = _in_order(layers["general"], layers["general"].proba(hashed))
    service = _in_order(layers["service"], layers["service"].proba(hashed))
    domain = layers["domain"].proba(hashed)
    return stack_features(feats.vader[rows], general, service, domain)


def fit_sentiment(feats: Features, data: pd.DataFrame, rows: np.ndarray) -> dict[str, LinearLayer]:
    """The four layers, fitted on `rows` only. The stacker learns from out-of-fold
    n-gram outputs (inner grouped folds), so it sees them as they are on new text."""
    sub = data.iloc[rows]
    inner = grouped_folds(sub["group"], sub["corpus"], seed=SEED + 1)
    stacked = None
    for fold in range(FOLDS):
        fit_rows, out_rows = rows[inner != fold], rows[inner == fold]
        out = _stage_one_outputs(_stage_one(feats, fit_rows, data), feats, out_rows)
        if stacked is None:
            stacked = np.zeros((len(rows), out.shape[1]))
        stacked[inner == fold] = out
    layers = _stage_one(feats, rows, data)
    corpus = sub["corpus"].to_numpy()
    weights = corpus_weights(corpus) * np.where(corpus == "nhs", SERVICE_WEIGHT, 1.0)
    layers["stacker"] = fit_stacker(stacked, sub["label"].to_numpy(), weights, _stack_names(layers["domain"].classes))
    return layers


def _class_metrics(truth, predicted, labels) -> dict:
    return {
        "rows": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "weighted_f1": round(float(f1_score(truth, predicted, average="weighted", labels=labels)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, average="macro", labels=labels)), 4),
        "confusion": {
            "labels": list(labels), "rows_are": "truth", "columns_are": "prediction",
            "matrix": confusion_matrix(truth, predicted, labels=labels).tolist(),
        },
    }


def _sentiment_metrics(data: pd.DataFrame, predicted: np.ndarray) -> dict:
    out = {}
    for corpus in CORPORA:
        rows = (data["corpus"] == corpus).to_numpy()
        out[corpus] = _class_metrics(data["label"].to_numpy()[rows], predicted[rows], SENTIMENT_CLASSES)
    return out


def _meets_targets(model: dict, vader: dict) -> bool:
    return model["nhs"]["accuracy"] >= 0.80 and all(
        model[c]["weighted_f1"] >= vader[c]["weighted_f1"] for c in ("tweets", "movies", "amazon")
    )


def choose_decision(proba: np.ndarray, feats: Features, data: pd.DataFrame) -> tuple[Decision, dict]:
    """The grid setting (NEUTRAL_WEIGHTS x SHORT_WORDS x CONFIDENCES) with the best mean macro F1
    over the corpora among those that keep every target; plain arg-max if none does better."""
    vader = _sentiment_metrics(data, classify_many(feats.compound))
    best, best_score = Decision(), -1.0
    for weight in NEUTRAL_WEIGHTS:
        for short in SHORT_WORDS:
            for confidence in (CONFIDENCES if short else (0.0,)):
                decision = Decision(weight, short, confidence)
                model = _sentiment_metrics(data, decide(proba, feats.compound, feats.words, None, decision))
                score = float(np.mean([model[c]["macro_f1"] for c in CORPORA]))
                if _meets_targets(model, vader) and score > best_score + 1e-9:
                    best, best_score = decision, score
    return best, {"objective": "mean macro F1 over the four corpora, every target kept",
                  "mean_macro_f1": round(best_score, 4), **best.as_dict()}


def cross_validate_sentiment(feats: Features, data: pd.DataFrame, progress=print) -> tuple[dict, dict]:
    folds = grouped_folds(data["group"], data["corpus"])
    proba = np.zeros((len(data), len(SENTIMENT_CLASSES)))
    for fold in range(FOLDS):
        train, test = np.where(folds != fold)[0], np.where(folds == fold)[0]
        layers = fit_sentiment(feats, data, train)
        proba[test] = corrected_proba(layers, feats.hashed[test], feats.vader[test])
        progress(f"  sentiment fold {fold + 1}/{FOLDS}")
    decision, chosen = choose_decision(proba, feats, data)
    progress(f"  sentiment decision: {chosen}")
    model = _sentiment_metrics(data, decide(proba, feats.compound, feats.words, None, decision))
    argmax = _sentiment_metrics(data, decide(proba, feats.compound, feats.words, None, Decision()))
    vader = _sentiment_metrics(data, classify_many(feats.compound))
    out = {corpus: {"model": model[corpus], "vader": vader[corpus], "model_without_decision_rule": argmax[corpus]}
           for corpus in CORPORA}
    return out, chosen


# --- Constructiveness and hostility (C3) -----------------------------------------------


def _binary_metrics(truth: np.ndarray, proba: np.ndarray, threshold: float) -> dict:
    predicted = (proba >= threshold).astype(int)
    return {
        "rows": len(truth),
        "positives": int(truth.sum()),
        "threshold": round(float(threshold), 4),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "precision": round(float(precision_score(truth, predicted, zero_division=0)), 4),
        "recall": round(float(recall_score(truth, predicted, zero_division=0)), 4),
        "f1": round(float(f1_score(truth, predicted, zero_division=0)), 4),
        "roc_auc": round(float(roc_auc_score(truth, proba)), 4),
        "confusion": {
            "labels": [0, 1], "rows_are": "truth", "columns_are": "prediction",
            "matrix": confusion_matrix(truth, predicted, labels=[0, 1]).tolist(),
        },
    }


def best_f1_threshold(truth: np.ndarray, proba: np.ndarray) -> float:
    candidates = np.quantile(proba, np.linspace(0.5, 0.995, 200))
    scores = [f1_score(truth, (proba >= t).astype(int), zero_division=0) for t in candidates]
    return float(candidates[int(np.argmax(scores))])


def _log_length(values: np.ndarray) -> np.ndarray:
    return np.log1p(values)[:, None]


def fit_constructive(feats: Features, labels: np.ndarray, rows: np.ndarray) -> LinearLayer:
    return fit_binary_layer(feats.hashed[rows], feats.shape[rows], labels[rows], tuple(SHAPE_FEATURES), CONSTRUCTIVE_C)


def _hostile_design(feats: Features, rows: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> sp.csr_matrix:
    return sp.hstack([feats.hashed[rows], sp.csr_matrix((feats.shape[rows] - mean) / scale)]).tocsr()


def _ridge(feats: Features, toxicity: np.ndarray, rows: np.ndarray) -> tuple[Ridge, np.ndarray, np.ndarray]:
    mean, scale = _standardiser(feats.shape[rows])
    model = Ridge(alpha=HOSTILE_ALPHA, solver="sparse_cg").fit(_hostile_design(feats, rows, mean, scale), toxicity[rows])
    return model, mean, scale


def fit_hostile(feats: Features, toxicity: np.ndarray, rows: np.ndarray, groups: np.ndarray) -> tuple[LinearLayer, float]:
    """Ridge regression on C3's mean toxicity rating (1-4: more signal than the yes/no it
    implies), turned into P(hostile) by a logistic fit on out-of-fold ridge scores (inner
    grouped folds of `rows`), and the F1-best threshold on those same out-of-fold
    probabilities. Both steps are linear, so the shipped layer is one sigmoid layer."""
    hostile = (toxicity >= HOSTILE_LEVEL).astype(int)
    inner = grouped_folds(pd.Series(groups[rows]), seed=SEED + 1)
    oof = np.zeros(len(rows))
    for fold in range(FOLDS):
        fit_rows, out_rows = rows[inner != fold], rows[inner == fold]
        model, mean, scale = _ridge(feats, toxicity, fit_rows)
        oof[inner == fold] = model.predict(_hostile_design(feats, out_rows, mean, scale))
    platt = LogisticRegression(C=1e4).fit(oof[:, None], hostile[rows])
    a, b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    threshold = best_f1_threshold(hostile[rows], platt.predict_proba(oof[:, None])[:, 1])
    model, mean, scale = _ridge(feats, toxicity, rows)
    coef = (a * model.coef_).astype(np.float32)[None, :]
    layer = LinearLayer(
        classes=("0", "1"), link="sigmoid", intercept=np.array([a * model.intercept_ + b], dtype=np.float32),
        coef_hashed=coef[:, :HASH_FEATURES], coef_dense=coef[:, HASH_FEATURES:], mean=mean, scale=scale,
        dense_names=tuple(SHAPE_FEATURES),
    )
    return layer, threshold


def _oof(fit, feats: Features, labels: np.ndarray, folds: np.ndarray) -> np.ndarray:
    proba = np.zeros(len(labels))
    for fold in np.unique(folds):
        train, test = np.where(folds != fold)[0], np.where(folds == fold)[0]
        layer = fit(feats, labels, train)
        proba[test] = layer.proba(feats.hashed[test], feats.shape[test])[:, 1]
    return proba


def _exact_metrics(truth: np.ndarray, predicted: np.ndarray) -> dict:
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "precision": round(float(precision_score(truth, predicted, zero_division=0)), 4),
        "recall": round(float(recall_score(truth, predicted, zero_division=0)), 4),
        "f1": round(float(f1_score(truth, predicted, zero_division=0)), 4),
        "confusion": {"labels": [0, 1], "rows_are": "truth", "columns_are": "prediction",
                      "matrix": confusion_matrix(truth, predicted, labels=[0, 1]).tolist()},
    }


def cross_validate_c3(feats: Features, c3: pd.DataFrame, progress=print) -> dict:
    folds = grouped_folds(c3["group"])
    constructive = c3["constructive"].to_numpy()
    toxicity = c3["toxicity"].to_numpy()
    hostile = (toxicity >= HOSTILE_LEVEL).astype(int)
    chars = np.expm1(feats.shape[:, SHAPE_FEATURES.index("log_chars")])

    # Length alone, in words and in characters: the baselines a model must beat (same folds).
    baselines = {}
    for name, length in (("length_only", feats.words), ("chars_only", chars)):
        proba = np.zeros(len(c3))
        for fold in range(FOLDS):
            train, test = folds != fold, folds == fold
            model = LogisticRegression().fit(_log_length(length[train]), constructive[train])
            proba[test] = model.predict_proba(_log_length(length[test]))[:, 1]
        baselines[name] = _binary_metrics(constructive, proba, 0.5)
    progress("  length-only baselines done")
    model_proba = _oof(fit_constructive, feats, constructive, folds)
    progress("  constructiveness done")

    # Hostile: calibration and threshold are chosen inside each training part, never on the test fold.
    hostile_proba = np.zeros(len(c3))
    predicted = np.zeros(len(c3), dtype=int)
    thresholds = []
    for fold in range(FOLDS):
        train, test = np.where(folds != fold)[0], np.where(folds == fold)[0]
        layer, threshold = fit_hostile(feats, toxicity, train, c3["group"].to_numpy())
        hostile_proba[test] = layer.proba(feats.hashed[test], feats.shape[test])[:, 1]
        predicted[test] = hostile_proba[test] >= threshold
        thresholds.append(threshold)
        progress(f"  hostile fold {fold + 1}/{FOLDS}")
    hostile_metrics = _binary_metrics(hostile, hostile_proba, float(np.mean(thresholds)))
    # Report the exact fold-wise decisions (thresholds differ slightly per fold).
    hostile_metrics.update({
        **_exact_metrics(hostile, predicted),
        "fold_thresholds": [round(t, 4) for t in thresholds],
        "majority_accuracy": round(float(1 - hostile.mean()), 4),
        "flagged_share": round(float(predicted.mean()), 4),
    })
    lexicon = (feats.shape[:, SHAPE_FEATURES.index("hostile_terms")] > 0).astype(int)
    lexicon_metrics = {"rows": len(c3), "positives": int(hostile.sum()), **_exact_metrics(hostile, lexicon),
                       "flagged_share": round(float(lexicon.mean()), 4)}

    # The suggestion rule on top of the model, as the product applies it (with the out-of-fold hostile flag).
    rule = is_suggestion(feats.tokens, feats.words, feats.areas, feats.shape[:, SHAPE_FEATURES.index("hostile_terms")],
                         predicted.astype(bool))
    with_rule = with_suggestion_floor(model_proba, rule)
    rule_metrics = _binary_metrics(constructive, with_rule, CONSTRUCTIVE_THRESHOLD)
    rule_metrics.update({"fires": int(rule.sum()), "fires_on_constructive": int(constructive[rule].sum()),
                         "changed": int(((with_rule >= 0.5) != (model_proba >= 0.5)).sum())})
    metrics = {
        "constructive": {
            "model": _binary_metrics(constructive, model_proba, CONSTRUCTIVE_THRESHOLD),
            "model_with_suggestion_rule": rule_metrics,
            **baselines,
        },
        "hostile": {"model": hostile_metrics, "lexicon_only": lexicon_metrics, "level": HOSTILE_LEVEL,
                    "threshold_rule": "maximises F1 (precision and recall weighed equally) on out-of-fold "
                                      "probabilities of the training part"},
    }
    return metrics


# --- The command ----------------------------------------------------------------------


def _rows_note(data: pd.DataFrame, c3: pd.DataFrame) -> dict:
    counts = data["corpus"].value_counts().to_dict()
    return {
        "nhs": {"file": CORPORA["nhs"], "rows": int(counts["nhs"]),
                "which": "every row with a non-blank `Comment sentiment` (1-2 positive, 3 neutral, 4-5 negative); "
                         "text = `FFT answer` (blank read as empty)"},
        **{name: {"file": CORPORA[name], "rows": int(counts[name]),
                  "which": "every row; label from the mean rating (>= 0.05 positive, <= -0.05 negative)"}
           for name in ("tweets", "movies", "amazon")},
        "c3": {"file": C3_FILE, "rows": len(c3),
               "which": "every row; `constructive_binary`; hostile = `crowd_toxicity_level` >= "
                        f"{HOSTILE_LEVEL}; text = `comment_text`"},
    }


def cross_validate(data_dir: Path, progress=print) -> dict:
    """Every CV figure the model card reports, computed afresh (takes a few minutes)."""
    with threadpool_limits(1):
        data = load_sentiment_data(data_dir)
        c3 = load_c3(data_dir)
        progress(f"read {len(data):,} sentiment rows and {len(c3):,} C3 rows; featurising")
        feats = featurise(data["text"])
        c3_feats = featurise(c3["text"])
        sentiment, decision = cross_validate_sentiment(feats, data, progress)
        c3_metrics = cross_validate_c3(c3_feats, c3, progress)
    return {
        "folds": FOLDS, "seed": SEED, "hash_features": HASH_FEATURES,
        "training_rows": _rows_note(data, c3),
        "sentiment": sentiment, "sentiment_decision": decision, **c3_metrics,
    }


def train(data_dir: Path, out_dir: Path, progress=print, skip_cv: bool = False) -> dict:
    """Cross-validate, fit on every row, write the models, metrics.json and MODEL_CARD.md.
    With skip_cv the sentiment decision keeps the shipped model's (or the defaults)."""
    began = time.monotonic()
    metrics = None if skip_cv else cross_validate(data_dir, progress)
    with threadpool_limits(1):
        data = load_sentiment_data(data_dir)
        c3 = load_c3(data_dir)
        feats = featurise(data["text"])
        c3_feats = featurise(c3["text"])
        everything = np.arange(len(data))
        sentiment = fit_sentiment(feats, data, everything)
        progress("fitted sentiment")
        c3_rows = np.arange(len(c3))
        constructive = fit_constructive(c3_feats, c3["constructive"].to_numpy(), c3_rows)
        hostile, hostile_threshold = fit_hostile(c3_feats, c3["toxicity"].to_numpy(), c3_rows, c3["group"].to_numpy())
        progress("fitted constructiveness and hostility")
    if metrics is None:
        metrics = {"training_rows": _rows_note(data, c3), "sentiment_decision": _shipped_decision()}
    metrics["hostile_threshold"] = round(float(hostile_threshold), 4)
    decision = {k: metrics["sentiment_decision"][k] for k in Decision().as_dict()}
    trained_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    common = {"trained_at": trained_at, "hash_features": HASH_FEATURES, "licence": "CC BY-NC-SA 4.0"}
    out_dir.mkdir(parents=True, exist_ok=True)
    save_model(out_dir, "sentiment", sentiment, {"version": SENTIMENT_VERSION, "decision": decision, **common})
    save_model(out_dir, "constructive", {"model": constructive},
               {"version": CONSTRUCTIVE_VERSION, "threshold": CONSTRUCTIVE_THRESHOLD, **common})
    save_model(out_dir, "hostile", {"model": hostile},
               {"version": HOSTILE_VERSION, "threshold": metrics["hostile_threshold"],
                "toxicity_level": HOSTILE_LEVEL, **common})
    metrics = {"versions": {"sentiment": SENTIMENT_VERSION, "constructive": CONSTRUCTIVE_VERSION,
                            "hostile": HOSTILE_VERSION}, "trained_at": trained_at, **metrics}
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    from analysis.model_card import render_model_card

    (out_dir / "MODEL_CARD.md").write_text(render_model_card(metrics), encoding="utf-8")
    progress(f"wrote models to {out_dir} in {time.monotonic() - began:.0f} s")
    return metrics


def _shipped_decision() -> dict:
    try:
        from analysis.shipped import load_shipped

        return load_shipped().decision.as_dict()
    except (ModelFileError, KeyError, ValueError):  # no usable shipped model: the defaults
        return Decision().as_dict()
