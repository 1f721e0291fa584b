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
    assert sum(path.stat().st_size for path in files) < 5 * 2**20


@pytest.mark.parametrize("name", NAMES)
def test_weights_are_plain_float32_arrays_not_pickles(name):
    with zipfile.ZipFile(MODELS_DIR / f"{name}.npz") as archive:
        assert all(member.endswith(".npy") for member in archive.namelist())
    with np.load(MODELS_DIR / f"{name}.npz", allow_pickle=False) as data:
        for key in data.files:
            assert data[key].dtype == np.float32, key
    assert json.loads((MODELS_DIR / f"{name}.json").read_text())["format"] == FORMAT


def test_shipped_shapes():
    models = load_shipped()
    layers = models.sentiment
    assert set(layers) == {"general", "service", "domain", "stacker"}
    for name in ("general", "service"):
        assert layers[name].coef_hashed.shape == (3, HASH_FEATURES)
        assert set(layers[name].classes) == {"negative", "neutral", "positive"}
    assert layers["domain"].coef_hashed.shape[1] == HASH_FEATURES
    assert layers["stacker"].coef_dense.shape == (3, len(layers["stacker"].dense_names))
    for layer in (models.constructive, models.hostile):
        assert layer.coef_hashed.shape == (1, HASH_FEATURES)
        assert layer.dense_names == tuple(SHAPE_FEATURES)
    assert 0 < models.hostile_threshold < 1 and models.constructive_threshold == 0.5
    assert models.decision.neutral_weight >= 1 and 0 < models.decision.news_confidence <= 1


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
    metrics = json.loads((MODELS_DIR / "metrics.json").read_text())
    for corpus in ("nhs", "tweets", "movies", "amazon"):
        for who in ("model", "vader"):
            result = metrics["sentiment"][corpus][who]
            assert len(result["confusion"]["matrix"]) == 3 and result["rows"] > 0
            assert sum(map(sum, result["confusion"]["matrix"])) == result["rows"]
    constructive = metrics["constructive"]
    assert constructive["model"]["confusion"]["matrix"]
    # Both length baselines were measured in the same folds as the model (same rows, same positives).
    for baseline in ("length_only", "chars_only"):
        assert constructive[baseline]["accuracy"] > 0
        assert constructive[baseline]["positives"] == constructive["model"]["positives"]
    assert constructive["model_with_suggestion_rule"]["fires"] >= 0
    assert metrics["hostile"]["model"]["confusion"]["matrix"]
    assert {"precision", "recall", "f1"} <= set(metrics["hostile"]["lexicon_only"])
    shipped = json.loads((MODELS_DIR / "sentiment.json").read_text())["decision"]
    assert {k: metrics["sentiment_decision"][k] for k in shipped} == shipped
    card = (MODELS_DIR / "MODEL_CARD.md").read_text()
    assert "CC BY-NC-SA 4.0" in card and "nhs/nhs_train.csv" in card and "c3/c3_train.csv" in card


def test_tiny_training_smoke(tmp_path):
    """The training helpers fit, save and reload on a few hundred rows (no corpora needed)."""
    from analysis.train import fit_binary_layer, fit_ngram_layer

    rng = np.random.default_rng(1)
    good, bad = ["great lovely helpful thanks", "well done quick kind"], ["awful missed rude broken", "late dirty useless"]
    texts = [rng.choice(good) if i % 2 else rng.choice(bad) for i in range(300)]
    labels = np.array(["positive" if i % 2 else "negative" for i in range(300)])
    hashed = hashed_ngrams(texts)
    layer = fit_ngram_layer(hashed, labels)
    dense = rng.normal(size=(300, 2))
    binary = fit_binary_layer(hashed, dense, (labels == "positive").astype(int), ("x", "y"), 1.0)
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


def test_decision_neutral_weight_short_text_and_news():
    from analysis.sentiment import Decision, decide

    proba = np.array([[0.5, 0.3, 0.2], [0.45, 0.1, 0.45], [0.9, 0.05, 0.05], [0.6, 0.1, 0.3]])
    compound = np.array([0.0, 0.6, 0.0, 0.0])
    words = np.array([40, 5, 5, 5])
    argmax = decide(proba, compound, words, None, Decision())
    assert argmax.tolist()[:3] == ["negative", "negative", "negative"]  # ties go to the first class
    weighted = decide(proba, compound, words, None, Decision(neutral_weight=2.0))
    assert weighted[0] == "neutral"  # 0.6 against 0.5 once neutral counts double
    short = decide(proba, compound, words, None, Decision(short_words=8, confidence=0.7))
    assert short.tolist() == ["negative", "positive", "negative", "neutral"]  # unsure short texts: VADER's class
    news = decide(proba, compound, np.full(4, 40), np.array([True, False, True, True]), Decision(news_confidence=0.8))
    assert news.tolist() == ["neutral", "negative", "negative", "neutral"]


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
    insults = np.array([0, 0, 1, 0, 0, 0, 0])
    calm = np.zeros(len(texts), bool)
    assert is_suggestion(tokenised, words, areas, insults, calm).tolist() == [True] + [False] * 6
    flagged = np.array([True] + [False] * 6)
    assert not is_suggestion(tokenised, words, areas, np.zeros(len(texts)), flagged)[0]
    floored = with_suggestion_floor(np.array([0.1, 0.9]), np.array([True, True]))
    assert floored.tolist() == [SUGGESTION_FLOOR, 0.9]
