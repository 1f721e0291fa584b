"""The Model quality page (AppTest) and analysis/quality.py: the figures and confusion matrices of the
shipped models' metrics.json, read defensively, and officers' agreement with the model."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import quality
from store import triage
from store.db import connect
from tests.conftest import ROOT
from ui.safe_text import escape_markdown

TIMEOUT_S = 60
PAGE = "app_pages/quality.py"
OFFICER = triage.Actor("Jo Bloggs", "officer")


def open_quality() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def shipped_metrics() -> dict:
    return json.loads((quality.MODELS_DIR / "metrics.json").read_text())


def tables(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


def matrix_shown(at: AppTest, matrix: list[list[int]]) -> bool:
    return any(t.shape == (len(matrix), len(matrix)) and t.values.tolist() == matrix for t in tables(at))


def unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


# --- The page on the shipped metrics ---------------------------------------------------------------


def test_every_confusion_matrix_of_metrics_json_is_on_the_page(db_path):
    metrics = shipped_metrics()
    at = open_quality()
    # Sentiment: the first corpus is chosen; each corpus's matrices appear when it is picked.
    for corpus, block in metrics["sentiment"].items():
        at.selectbox(key="quality_corpus").select(corpus).run()
        for predictor in quality.predictors(block):
            assert matrix_shown(at, block[predictor]["confusion"]["matrix"]), (corpus, predictor)
    for model in ("constructive", "hostile"):
        for predictor in quality.predictors(metrics[model]):
            assert matrix_shown(at, metrics[model][predictor]["confusion"]["matrix"]), (model, predictor)


def test_the_nhs_matrix_is_labelled_truth_against_prediction(db_path):
    nhs = shipped_metrics()["sentiment"]["nhs"]["model"]["confusion"]
    at = open_quality()
    at.selectbox(key="quality_corpus").select("nhs").run()
    frame = next(t for t in tables(at) if t.shape == (3, 3) and t.values.tolist() == nhs["matrix"])
    assert list(frame.index) == [f"truly {label}" for label in nhs["labels"]]
    assert list(frame.columns) == [f"predicted {label}" for label in nhs["labels"]]


def test_figures_match_metrics_json(db_path):
    metrics = shipped_metrics()
    at = open_quality()
    sentiment = next(t for t in tables(at) if "Weighted F1" in t.columns)
    nhs = sentiment[(sentiment["Corpus"] == quality.CORPORA["nhs"]) & (sentiment["Predictor"] == "Shipped model")]
    assert nhs["Accuracy"].item() == f"{metrics['sentiment']['nhs']['model']['accuracy']:.4f}"
    assert nhs["Met"].item() == ("yes" if metrics["sentiment"]["nhs"]["model"]["accuracy"] >= 0.80 else "no")
    vader = sentiment[(sentiment["Corpus"] == quality.CORPORA["tweets"]) & (sentiment["Predictor"] == "VADER alone")]
    assert vader["Weighted F1"].item() == f"{metrics['sentiment']['tweets']['vader']['weighted_f1']:.4f}"

    binary = [t for t in tables(at) if "ROC AUC" in t.columns and "Predictor" in t.columns and "Band" not in t.columns]
    constructive, hostile = binary
    model = constructive.set_index("Predictor").loc["Shipped model"]
    assert model["Accuracy"] == f"{metrics['constructive']['model']['accuracy']:.4f}"
    assert model["Rows"] == metrics["constructive"]["model"]["rows"]
    length = constructive.set_index("Predictor").loc[quality.predictor_name("length_only")]
    assert length["Accuracy"] == f"{metrics['constructive']['length_only']['accuracy']:.4f}"
    assert hostile.set_index("Predictor").loc["Shipped model", "Recall"] == f"{metrics['hostile']['model']['recall']:.4f}"
    assert any(c.startswith("Target: accuracy at least 0.94") for c in captions(at))


def test_versions_and_licence_come_from_the_model_files(db_path):
    metrics = shipped_metrics()
    at = open_quality()
    models = tables(at)[0].set_index("Model")
    for name, version in metrics["versions"].items():
        assert models.loc[name.capitalize(), "Version"] == version
    licence = json.loads((quality.MODELS_DIR / "hostile.json").read_text())["licence"]
    assert set(models["Licence"]) == {licence}
    assert any(f"shared under {licence}" in c for c in captions(at))
    training = next(t for t in tables(at) if "Which rows, label" in t.columns).set_index("Corpus")
    assert training.loc[quality.CORPORA["c3"], "Rows"] == metrics["training_rows"]["c3"]["rows"]


def test_no_corrections_yet(seeded_db):
    at = open_quality()
    assert any("No corrections yet" in i.value for i in at.info)
    assert not [m for m in at.metric if "model agrees" in m.label]
    assert any("scored by" in c for c in captions(at))


# --- Officers' agreement ------------------------------------------------------------------------


def test_agreement_after_officers_correct_labels(seeded_db):
    with connect(seeded_db.path) as con:
        rows = con.execute(
            """SELECT s.item_key, s.sentiment, s.feedback_class FROM scores s JOIN items i ON i.key = s.item_key
               WHERE NOT i.is_council AND s.sentiment = 'negative' AND s.feedback_class = 'negative'
               ORDER BY s.item_key LIMIT 3"""
        ).fetchall()
        keys = [r[0] for r in rows]
        triage.correct_label(con, OFFICER, keys[:2], "sentiment", "negative")  # confirmed: agrees
        triage.correct_label(con, OFFICER, keys[2], "sentiment", "positive")  # changed: disagrees
        triage.correct_label(con, OFFICER, keys[0], "feedback_class", "constructive")  # disagrees
    at = open_quality()
    assert not any("No corrections yet" in i.value for i in at.info)
    metrics = {m.label: m for m in at.metric}
    assert metrics["Sentiment: model agrees"].value == "67%"
    assert metrics["Sentiment: model agrees"].delta == "2 of 3 officer labels"
    assert metrics["Feedback class: model agrees"].value == "0%"
    assert metrics["Feedback class: model agrees"].delta == "0 of 1 officer labels"
    sentiment = next(t for t in tables(at) if "model: negative" in t.columns and "officer: neutral" in t.index
                     and "model: constructive" not in t.columns)
    assert sentiment.loc["officer: negative", "model: negative"] == 2
    assert sentiment.loc["officer: positive", "model: negative"] == 1
    assert int(sentiment.values.sum()) == 3


# --- Read defensively ------------------------------------------------------------------------------


@pytest.fixture
def models_copy(tmp_path, monkeypatch):
    """A copy of analysis/models/ that the page reads instead, for a test to change."""
    folder = tmp_path / "models"
    shutil.copytree(quality.MODELS_DIR, folder)
    monkeypatch.setattr(quality, "MODELS_DIR", folder)
    return folder


def test_missing_figures_are_not_measured_and_new_ones_are_shown(db_path, models_copy):
    metrics = shipped_metrics()
    del metrics["sentiment"]["nhs"]["model"]["accuracy"]
    del metrics["hostile"]["model"]["confusion"]
    metrics["hostile"]["length_only"] = {"rows": 9612, "accuracy": 0.9101, "precision": 0.1}  # a new baseline
    metrics["hostile"]["a_new_idea"] = {"rows": 9612, "accuracy": 0.5}  # a predictor this page never heard of
    (models_copy / "metrics.json").write_text(json.dumps(metrics))
    at = open_quality()
    sentiment = next(t for t in tables(at) if "Weighted F1" in t.columns)
    nhs = sentiment[(sentiment["Corpus"] == quality.CORPORA["nhs"]) & (sentiment["Predictor"] == "Shipped model")]
    assert nhs["Accuracy"].item() == quality.NOT_MEASURED
    assert nhs["Met"].item() == quality.NOT_MEASURED
    hostile = [t for t in tables(at) if "ROC AUC" in t.columns and "Band" not in t.columns][1].set_index("Predictor")
    assert hostile.loc["Length in words alone", "Accuracy"] == "0.9101"
    assert hostile.loc["Length in words alone", "Recall"] == quality.NOT_MEASURED
    assert hostile.loc["A new idea", "Accuracy"] == "0.5000"
    assert any(c == f"Confusion matrix {quality.NOT_MEASURED}." for c in captions(at))


def test_no_metrics_file_says_how_to_make_one(db_path, models_copy):
    (models_copy / "metrics.json").unlink()
    at = open_quality()
    assert any("analysis train" in w.value for w in at.warning)
    assert tables(at)[0]["Version"].tolist() == [
        json.loads((models_copy / f"{m}.json").read_text())["version"] for m in quality.MODELS
    ]


def test_a_broken_metrics_file_is_one_clear_error(db_path, models_copy):
    (models_copy / "metrics.json").write_text("{not json")
    at = open_quality()
    assert len(at.error) == 1 and "metrics.json cannot be read" in unescaped(at.error[0].value)


def test_confusion_frame_refuses_a_malformed_matrix():
    assert quality.confusion_frame({"confusion": {"labels": [0, 1], "matrix": [[1, 2]]}}) is None
    assert quality.confusion_frame({}) is None
    frame = quality.confusion_frame({"confusion": {"labels": [0, 1], "matrix": [[5, 1], [2, 7]]}},
                                    quality.BINARY_LABELS["hostile"])
    assert frame.loc["truly hostile", "predicted not hostile"] == 2


def test_officer_matrix_lists_every_label():
    pairs = pd.DataFrame({"field": ["sentiment"], "officer": ["neutral"], "model": ["negative"], "items": [4]})
    frame = quality.officer_matrix(pairs, "sentiment", ("negative", "neutral", "positive"))
    assert frame.shape == (3, 3)
    assert frame.loc["officer: neutral", "model: negative"] == 4
    assert int(frame.values.sum()) == 4
    assert quality.officer_matrix(pairs, "feedback_class", ("negative",)) is None


# --- In plain words ------------------------------------------------------------------------------


def test_plain_words_come_from_the_confusion_matrices():
    metrics = {"sentiment": {"semeval": {"model": {"confusion": {
        "labels": ["negative", "neutral", "positive"], "matrix": [[80, 15, 5], [25, 70, 5], [10, 10, 80]]}}}}}
    lines = quality.sentiment_in_words(metrics, "semeval", "posts")
    assert "Of 10 posts we call negative, about 7 are negative." in lines  # 80 of 115
    assert "Of 10 negative posts, we call about 8 negative." in lines
    assert "We call about 1 in 4 neutral posts negative." in lines  # 25 of 100
    assert "We call about 1 in 10 positive posts negative." in lines
    assert quality.sentiment_in_words({}, "semeval") == []


def test_plain_words_round_to_what_a_reader_can_use():
    assert quality.out_of_ten(0.78) == "about 8" and quality.out_of_ten(0.02) == "about 1"
    assert quality.out_of_ten(0.99) == "about 9" and quality.out_of_ten(1.0) == "all"
    assert quality.one_in(0.26) == "about 1 in 4" and quality.one_in(0.6) == "about 6 in 10"
    assert quality.one_in(0.0) == "none"


def test_the_page_says_it_in_plain_words_with_the_tables_behind_expanders(db_path):
    metrics = shipped_metrics()
    at = open_quality()
    words = quality.plain_words(metrics)
    assert words, "the shipped metrics give plain words"
    shown = " ".join(c.value for c in at.caption)  # captions, as escaped Markdown (ui.safe_text)
    for heading, lines in words.items():
        assert escape_markdown(heading) in shown
        for line in lines:
            assert escape_markdown(line) in shown
    labels = [e.label for e in at.expander]
    assert any("Sentiment" in label for label in labels) and any("Targets" in label for label in labels)
    targets = next(t for t in tables(at) if "Met" in t.columns and "Target" in t.columns and "Needs" in t.columns)
    assert len(targets) == len(metrics["targets"])
