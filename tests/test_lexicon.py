"""The council lexicon: council nouns carry no sentiment, evaluative uses keep VADER's valence."""

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis.lexicon import COUNCIL_NOUN, DEFAULT_LEXICON, LexiconError, load_lexicon, parse_lexicon
from analysis.sentiment import WindowedAnalyzer, analyzer, vader_scores
from analysis.tokens import tokens

# Council uses: plain VADER reads each as negative or positive; with the lexicon they are flat.
COUNCIL = [
    "Garden waste subscriptions open for renewal",
    "Cabinet to discuss new waste contract",
    "Parking charges in council car parks from January",
    "Budget cuts to youth services: consultation opens",
    "Pay your council tax online",
    "Got a parking fine outside my own house",
    "A £60 fine for leaving a bin out",
    "Bin collections suspended during the snow",
    "Adult social care budget for next year",
    "Council tax support: apply by 31 October",
    "The bus stop on Station Road has moved",
    "Quarry Road incinerator extension refused",
    "Refuse collection crews start at 6am",
    "Council tax increase of 4.99% proposed",
]
# Evaluative uses: the same words keep VADER's valence.
EVALUATIVE = [
    ("What a ridiculous waste of money", "negative"),
    ("Total waste of space, this council", "negative"),
    ("That's fine, thanks for letting us know", "positive"),
    ("Take care, and thank you", "positive"),
    ("Stop wasting our money", "negative"),
    ("He refused to help me", None),  # VADER's own reading, whatever it is
]


@pytest.mark.parametrize("text", COUNCIL)
def test_council_nouns_carry_no_sentiment(text):
    plain = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    assert abs(plain) >= 0.05, "plain VADER must misread it, or the case proves nothing"
    assert analyzer().polarity_scores(text)["compound"] == 0.0


@pytest.mark.parametrize("text, sign", EVALUATIVE)
def test_evaluative_uses_keep_vaders_valence(text, sign):
    plain = SentimentIntensityAnalyzer().polarity_scores(text)
    assert analyzer().polarity_scores(text) == plain
    if sign == "negative":
        assert plain["compound"] <= -0.05
    elif sign == "positive":
        assert plain["compound"] >= 0.05


def test_other_sentiment_words_still_count_beside_a_council_noun():
    assert analyzer().polarity_scores("Ridiculous parking charges")["compound"] < -0.05
    assert analyzer().polarity_scores("Brilliant new garden waste service, thank you")["compound"] > 0.05


def test_the_compound_shown_is_the_council_one():
    assert vader_scores(["Garden waste subscriptions open for renewal"])["compound"].tolist() == [0.0]


def test_the_models_read_council_nouns_as_a_neutral_token_and_the_rest_untouched():
    lexicon = load_lexicon()
    text = "Garden Waste: half price! What a waste of money!! Parking fine £60."
    assert lexicon.model_text(text) == f"Garden {COUNCIL_NOUN}: half price! What a waste of money!! Parking {COUNCIL_NOUN} £60."
    assert lexicon.model_text("Nothing to see here.") == "Nothing to see here."


def test_sense_is_decided_from_the_words_around():
    lexicon = load_lexicon()
    words = tokens("that's fine but the parking fine was steep")
    assert not lexicon.council_sense(words, words.index("fine"))
    assert lexicon.council_sense(words, len(words) - 3)


def test_without_a_lexicon_the_analyzer_is_plain_vader():
    text = "Garden waste subscriptions open for renewal"
    assert WindowedAnalyzer().polarity_scores(text) == SentimentIntensityAnalyzer().polarity_scores(text)


@pytest.mark.parametrize("document, message", [
    ({}, r"no \[words"),
    ({"words": {"waste": {"usually": "sometimes"}}}, "usually must be"),
    ({"words": {"waste": {"usually": "council", "evaluative": ["a total mess"]}}}, "does not contain the word"),
    ({"words": {"waste": {"usually": "council"}, "wastes": {"usually": "council", "forms": ["waste"]}}}, "twice"),
])
def test_a_bad_lexicon_is_one_clear_error(document, message):
    with pytest.raises(LexiconError, match=message):
        parse_lexicon(document)


def test_the_shipped_file_loads_and_an_edited_one_is_used(tmp_path):
    assert "waste" in load_lexicon(DEFAULT_LEXICON).words
    path = tmp_path / "lexicon.toml"
    path.write_text('[words.pothole]\nusually = "council"\n', encoding="utf-8")
    edited = load_lexicon(path)
    assert edited.words == frozenset({"pothole"}) and edited.council_sense(["pothole"], 0)
    with pytest.raises(LexiconError, match="not found"):
        load_lexicon(tmp_path / "missing.toml")
