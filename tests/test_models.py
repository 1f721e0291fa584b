"""The shipped models: safe format, shapes, loading, metrics on record, and a sanity check on real data."""

import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from analysis.features import HASH_FEATURES, SHAPE_FEATURES, hashed_ngrams
from analysis.linear import FORMAT, LinearLayer, ModelFileError, load_model, save_model
from analysis.shipped import MODELS_DIR, NAMES, load_shipped
from tests.conftest import SHARED_DATA

NHS = SHARED_DATA / "nhs" / "nhs_train.csv"


def test_every_model_file_ships_and_is_small():
    files = [MODELS_DIR / f"{name}.{ext}" for name in NAMES for ext in ("json", "npz")]
    files += [MODELS_DIR / "metrics.json", MODELS_DIR / "MODEL_CARD.md"]
    for path in files:
        assert path.is_file(), path
    # Word and character n-gram columns (2 x 2^16) in six sentiment layers: about 6 MB in all.
    assert sum(path.stat().st_size for path in files) < 8 * 2**20


@pytest.mark.parametrize("name", NAMES)
def test_weights_are_plain_float32_arrays_not_pickles(name):
    with zipfile.ZipFile(MODELS_DIR / f"{name}.npz") as archive:
        assert all(member.endswith(".npy") for member in archive.namelist())
    with np.load(MODELS_DIR / f"{name}.npz", allow_pickle=False) as data:
        for key in data.files:
            assert data[key].dtype == np.float32, key
    assert json.loads((MODELS_DIR / f"{name}.json").read_text())["format"] == FORMAT


def test_shipped_shapes():
    from analysis.constructive import DENSE_NAMES
    models = load_shipped()
    layers = models.sentiment
    assert set(layers) == {"general", "polarity", "service", "domain", "neutral", "direction"}
    for name in ("general", "service"):
        assert layers[name].coef_hashed.shape == (3, HASH_FEATURES)
        assert set(layers[name].classes) == {"negative", "neutral", "positive"}
    assert layers["polarity"].coef_hashed.shape == (1, HASH_FEATURES)
    assert set(layers["domain"].classes) == {"semeval", "nhs", "tweets", "movies", "amazon"}
    assert layers["neutral"].coef_dense.shape == (3, len(layers["neutral"].dense_names))
    assert layers["direction"].coef_dense.shape == (1, len(layers["direction"].dense_names))
    # The VADER corpora's own columns were fitted and left out: nothing in the shipped layers names them.
    assert not [n for n in layers["neutral"].dense_names if n in ("tweets", "movies", "amazon")]
    assert set(models.temperatures) == {"semeval", "nhs"} and all(0.2 <= t <= 5 for t in models.temperatures.values())
    assert models.constructive["model"].dense_names == DENSE_NAMES
    assert models.constructive["content"].dense_names == tuple(SHAPE_FEATURES)
    assert models.hostile.coef_hashed.shape == (1, HASH_FEATURES) and models.hostile.dense_names == tuple(SHAPE_FEATURES)
    assert 0 < models.hostile_threshold < 1 and models.constructive_threshold == 0.5
    assert 0 < models.news_confidence <= 1


def test_loaded_once():
    assert load_shipped() is load_shipped()


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelFileError, match="model file missing: .*sentiment"):
        load_shipped(tmp_path)


def _layer(link: str, rows: int, dense: int = 2) -> LinearLayer:
    rng = np.random.default_rng(0)
    classes = ("0", "1") if link == "sigmoid" else tuple("abc"[:rows])
    return LinearLayer(
        classes=classes, link=link, intercept=rng.normal(size=rows).astype(np.float32),
        coef_hashed=rng.normal(size=(rows, HASH_FEATURES)).astype(np.float32),
        coef_dense=rng.normal(size=(rows, dense)).astype(np.float32),
        mean=np.zeros(dense, np.float32), scale=np.ones(dense, np.float32), dense_names=("x", "y"),
    )


@pytest.mark.parametrize("link, rows", [("sigmoid", 1), ("softmax", 3), ("ovr", 3)])
def test_round_trip_gives_the_same_probabilities(tmp_path, link, rows):
    layer = _layer(link, rows)
    save_model(tmp_path, "m", {"only": layer}, {"version": "t"})
    loaded, meta = load_model(tmp_path, "m", HASH_FEATURES)
    hashed = hashed_ngrams(["bins missed again", "thank you so much", ""])
    dense = np.array([[1.0, 2.0], [0.0, -1.0], [0.5, 0.5]])
    before, after = layer.proba(hashed, dense), loaded["only"].proba(hashed, dense)
    np.testing.assert_allclose(before, after, rtol=1e-6)
    np.testing.assert_allclose(after.sum(axis=1), 1.0)
    assert meta["version"] == "t"


def test_wrong_shapes_are_refused(tmp_path):
    layer = _layer("softmax", 3)
    save_model(tmp_path, "m", {"only": layer}, {"version": "t"})
    with pytest.raises(ModelFileError, match="hashed weights"):
        load_model(tmp_path, "m", HASH_FEATURES * 2)
    broken = json.loads((tmp_path / "m.json").read_text())
    broken["layers"]["only"]["classes"] = ["a", "b"]
    (tmp_path / "m.json").write_text(json.dumps(broken))
    with pytest.raises(ModelFileError, match="rows"):
        load_model(tmp_path, "m", HASH_FEATURES)


def test_a_pickled_npz_is_refused(tmp_path):
    layer = _layer("sigmoid", 1)
    save_model(tmp_path, "m", {"only": layer}, {"version": "t"})
    np.savez(tmp_path / "m.npz", **{"only/intercept": np.array([object()], dtype=object)})
    with pytest.raises(ModelFileError):
        load_model(tmp_path, "m", HASH_FEATURES)


def test_metrics_on_record_for_the_quality_page():
    from analysis.targets import TARGETS, check_targets

    metrics = json.loads((MODELS_DIR / "metrics.json").read_text())
    for corpus in ("semeval", "nhs", "tweets", "movies", "amazon"):
        for who in ("model", "vader"):
            result = metrics["sentiment"][corpus][who]
            assert len(result["confusion"]["matrix"]) == 3 and result["rows"] > 0
            assert sum(map(sum, result["confusion"]["matrix"])) == result["rows"]
            assert 0 <= result["macro_recall"] <= 1
        reliability = metrics["sentiment"][corpus]["model"]["reliability"]
        assert 0 <= reliability["ece"] <= 1 and sum(b["rows"] for b in reliability["bins"]) == result["rows"]
    constructive = metrics["constructive"]
    assert constructive["model"]["confusion"]["matrix"]
    # The length baselines were measured in the same folds as the model (same rows, same positives), per band too.
    for baseline in ("length_only", "chars_only"):
        assert constructive[baseline]["accuracy"] > 0
        assert constructive[baseline]["positives"] == constructive["model"]["positives"]
    for band, figures in constructive["model"]["bands"].items():
        assert figures["rows"] == constructive["length_only"]["bands"][band]["rows"]
        assert 0 <= figures["balanced_accuracy"] <= 1
    assert constructive["as_scored"]["suggestion_rule_fires"] >= 0
    for key in ("model", "model_with_pile_on_rule", "pile_on_rule_only"):
        assert {"precision", "recall", "f1", "confusion"} <= set(metrics["hostile"][key])
    # The targets on record are the ones the figures give.
    assert metrics["targets"] == check_targets(metrics) and len(metrics["targets"]) == len(TARGETS)
    shipped = json.loads((MODELS_DIR / "sentiment.json").read_text())["temperatures"]
    assert metrics["sentiment_temperatures"] == shipped
    card = (MODELS_DIR / "MODEL_CARD.md").read_text()
    for file in ("nhs/nhs_train.csv", "c3/c3_train.csv", "semeval2017/", "davidson/labeled_data.csv"):
        assert file in card
    assert "CC BY-NC-SA 4.0" in card


def test_tiny_training_smoke(tmp_path):
    """The training helpers fit, save and reload on a few hundred rows (no corpora needed)."""
    from analysis.fitting import fit_mixed_layer, fit_sgd_layer

    rng = np.random.default_rng(1)
    good, bad = ["great lovely helpful thanks", "well done quick kind"], ["awful missed rude broken", "late dirty useless"]
    texts = [rng.choice(good) if i % 2 else rng.choice(bad) for i in range(300)]
    labels = np.array(["positive" if i % 2 else "negative" for i in range(300)])
    hashed = hashed_ngrams(texts)
    layer = fit_sgd_layer(hashed, labels)
    dense = rng.normal(size=(300, 2))
    binary = fit_mixed_layer(hashed, dense, (labels == "positive").astype(int), ("x", "y"), 1.0)
    save_model(tmp_path, "tiny", {"s": layer, "b": binary}, {"version": "tiny"})
    loaded, _ = load_model(tmp_path, "tiny", HASH_FEATURES)
    probe = hashed_ngrams(["lovely and helpful", "rude and useless"])
    p = loaded["s"].proba(probe)
    assert list(np.asarray(loaded["s"].classes)[p.argmax(axis=1)]) == ["positive", "negative"]
    assert (loaded["b"].proba(probe, np.zeros((2, 2)))[:, 1] > 0.5).tolist() == [True, False]


@pytest.mark.skipif(not NHS.is_file(), reason="evaluation data (../shared/data) not present")
def test_shipped_sentiment_beats_vader_on_nhs_sample():
    """A sanity check that the shipped model is the trained one (the rows were in its training
    data, so this is no evaluation: the cross-validated figures are in metrics.json)."""
    from analysis.scoring import score_texts
    from analysis.sentiment import classify_many

    frame = pd.read_csv(NHS).dropna(subset=["Comment sentiment"]).sample(400, random_state=3)
    truth = frame["Comment sentiment"].astype(int).map({1: "positive", 2: "positive", 3: "neutral",
                                                        4: "negative", 5: "negative"}).to_numpy()
    scores = score_texts(frame["FFT answer"].fillna("").reset_index(drop=True))
    model = (scores["sentiment"].to_numpy() == truth).mean()
    vader = (classify_many(scores["compound"].to_numpy()) == truth).mean()
    assert model > vader + 0.1


# --- The sentiment decision and the suggestion rule ---------------------------------------


def test_decision_likeliest_class_and_news():
    from analysis.sentiment import decide

    proba = np.array([[0.5, 0.3, 0.2], [0.45, 0.1, 0.45], [0.95, 0.03, 0.02], [0.1, 0.2, 0.7]])
    compound = np.array([0.0, 0.6, 0.0, -0.5])
    assert decide(proba, compound, None, 0.9).tolist() == ["negative", "negative", "negative", "positive"]
    news = decide(proba, compound, np.array([True, False, True, True]), 0.9)
    # News takes VADER's class unless the model is at least 0.9 sure.
    assert news.tolist() == ["neutral", "negative", "negative", "negative"]


def test_suggestion_rule_needs_a_request_a_service_and_civility():
    from analysis.service_areas import tag_service_areas
    from analysis.suggestions import (
        SUGGESTION_FLOOR,
        is_suggestion,
        with_suggestion_floor,
    )
    from analysis.tokens import tokenise

    texts = [
        "Could you put a bin by the bus stop on Mill Lane please?",  # request, waste service, civil
        "Could you sort it out please?",  # request, no service named
        "Could you idiots fix the potholes on Elm Road?",  # insult
        "The potholes on Elm Road are getting worse.",  # no request
        "The council should fix the potholes on Elm Road.",  # opinion, not a request cue
        "Please vote for the other candidate in the council election.",  # politics, not a service
        " ".join(["Please fix the potholes on Elm Road."] * 12),  # too long for the rule: the model's business
    ]
    series = pd.Series(texts)
    tokenised = tokenise(texts)
    words = np.array([len(t.split()) for t in texts])
    areas = tag_service_areas(series, tokenised=tokenised)
    uncivil = np.array([False, False, True, False, False, False, False])
    assert is_suggestion(tokenised, words, areas, uncivil).tolist() == [True] + [False] * 6
    assert not is_suggestion(tokenised, words, areas, np.array([True] + [False] * 6))[0]
    floored = with_suggestion_floor(np.array([0.1, 0.9]), np.array([True, True]))
    assert floored.tolist() == [SUGGESTION_FLOOR, 0.9]
