"""score_items' contract: one valid row per item, whatever the text; the feedback_class partition."""

import numpy as np
import pandas as pd

from analysis.scoring import (
    MODEL_VERSION,
    SCORE_COLUMNS,
    feedback_class,
    score_items,
    score_texts,
    score_texts_parallel,
    shutdown_pools,
)
from analysis.shipped import load_shipped

COLUMNS = ["item_key", "model_version", *SCORE_COLUMNS]
ODD = [
    "", "   ", "😡🚮💩👍🏽", "<p>Bins <b>missed</b> again &amp; again</p><script>alert(1)</script>",
    "x" * 50_000, ("word " * 10_000).strip(), "שלום עליכם", "\u200b\u200d", "!!!???...", "1234567890",
    "Thank you, the new recycling service is brilliant", "Absolutely useless council, disgraceful idiots",
]


def items(texts, titles=None) -> pd.DataFrame:
    return pd.DataFrame({"key": [f"k{i}" for i in range(len(texts))], "text": texts,
                         "title": titles if titles is not None else [None] * len(texts)})


def check_rows(scores: pd.DataFrame, n: int) -> None:
    assert list(scores.columns) == COLUMNS
    assert len(scores) == n
    assert scores["compound"].between(-1, 1).all()
    assert set(scores["sentiment"]) <= {"positive", "neutral", "negative"}
    assert set(scores["feedback_class"]) <= {"constructive", "positive", "neutral", "negative"}
    assert scores["constructive_prob"].between(0, 1).all()
    assert scores["hostile"].map(type).eq(bool).all()
    assert (scores["model_version"] == MODEL_VERSION).all()


def test_odd_texts_each_get_one_valid_row():
    scores = score_items(items(ODD))
    check_rows(scores, len(ODD))
    assert scores["item_key"].tolist() == [f"k{i}" for i in range(len(ODD))]


def test_missing_text_and_titles():
    scores = score_items(items([None, "Pothole on the High Street", None], [None, None, "Bins strike"]))
    check_rows(scores, 3)
    assert scores["service_area"].tolist() == [None, "Roads and potholes", "Waste and recycling"]


def test_empty_frame_keeps_the_columns():
    empty = score_items(pd.DataFrame(columns=["key", "text", "title"]))
    assert list(empty.columns) == COLUMNS and empty.empty
    assert list(score_texts(pd.Series([], dtype=object)).columns) == SCORE_COLUMNS


def test_rows_do_not_depend_on_their_neighbours():
    texts = ODD + ["Why has nobody fixed the street light on Elm Road after three reports?"]
    whole = score_texts(pd.Series(texts))
    one_by_one = pd.concat([score_texts(pd.Series([t], index=[i])) for i, t in enumerate(texts)])
    pd.testing.assert_frame_equal(whole, one_by_one)


def test_index_is_kept():
    scores = score_texts(pd.Series(["good", "bad"], index=[7, 3]))
    assert scores.index.tolist() == [7, 3]


def test_compound_is_vaders_and_the_class_is_the_models():
    from analysis.sentiment import vader_scores

    texts = pd.Series(["Waited four hours, nobody called back", "Brilliant, thank you"])
    scores = score_texts(texts)
    np.testing.assert_allclose(scores["compound"], vader_scores(texts.tolist())["compound"])
    assert scores["sentiment"].tolist() == ["negative", "positive"]


def test_feedback_class_partition():
    from analysis.features import featurise
    from analysis.hostile import harsh_words, is_plainly_hostile, is_uncivil
    from analysis.suggestions import is_rant

    texts = pd.Series(ODD * 2 + SUGGESTIONS + RANTS + ABUSE)
    scores = score_texts(texts)
    models = load_shipped()
    feats = featurise(texts.tolist())
    plain = is_plainly_hostile(scores["hostile"], models.hostile.proba(feats.hashed, feats.shape)[:, 1],
                               feats.hostile_cues())
    cues = feats.hostile_cues()
    rant = is_rant(feats.tokens, feats.compound, harsh_words(cues), is_uncivil(cues))
    assert plain.any() and rant.any()
    constructive = (scores["constructive_prob"] >= models.constructive_threshold) & ~plain & ~rant
    assert (scores.loc[constructive, "feedback_class"] == "constructive").all()
    assert (scores.loc[~constructive, "feedback_class"] == scores.loc[~constructive, "sentiment"]).all()


def test_feedback_class_rule():
    sentiment = pd.Series(["negative", "negative", "positive", "neutral"])
    prob = pd.Series([0.9, 0.1, None, 0.5])
    assert feedback_class(sentiment, prob).tolist() == ["constructive", "negative", "positive", "constructive"]
    blocked = pd.Series([True, False, False, False])  # hostile, or asking for nothing and giving no reason
    assert feedback_class(sentiment, prob, blocked=blocked).tolist() == ["negative", "negative", "positive",
                                                                           "constructive"]


def test_long_reasoned_comment_is_constructive_and_a_slur_is_hostile():
    reasoned = (
        "I think the council should move the Friday recycling collection to Monday, because the bins on "
        "Station Road overflow every weekend. Other towns run a second collection in summer; a three month "
        "trial on two streets would show whether it reduces litter, and the cost could come from the "
        "street cleaning budget that currently pays for the weekend clear-ups."
    )
    scores = score_texts(pd.Series([reasoned, "You are pathetic lying idiots, shut up"]))
    assert scores["feedback_class"].tolist()[0] == "constructive"
    assert scores["hostile"].tolist() == [False, True]


def test_model_version_names_the_models():
    for part in ("vader", "sentiment", "constructive", "hostile"):
        assert part in MODEL_VERSION


def test_parallel_gives_the_same_rows():
    texts = pd.Series(ODD[:4] + ["Bins missed again", "Thanks for fixing the pothole"] * 10)
    try:
        parallel = score_texts_parallel(texts, workers=2, min_per_worker=5)
    finally:
        shutdown_pools()
    pd.testing.assert_frame_equal(parallel, score_texts(texts))


# --- Short practical suggestions, news and flat notices ---------------------------------

SUGGESTIONS = [
    "Could you put a bin by the bus stop on Mill Lane please?",
    "Please stagger the library hours so at least one branch in each area is open every afternoon.",
    "Why not trial fortnightly collections in one ward first and publish the results?",
    "Suggestion: send a text the evening before bin day, like Wealdshire does.",
]
ABUSE = [
    "You are useless idiots, sack the lot of you",
    "Pathetic clowns running this council. Disgraceful.",
    "Could you be any more useless? Idiots.",
]
PRAISE = [
    "Thank you, the bin crew were brilliant this morning!",
    "Great job, well done team",
    "Lovely staff at the library, really helpful",
]


# Long rants: no request, no reason. C3 rates 98.6 % of comments over 60 words constructive, so a
# model driven by length calls each of these constructive.
RANTS = [
    "This council is a disgrace. Every year it gets worse and worse and nobody at the town hall cares one bit "
    "about the people who pay their wages. Disgusting, pathetic, useless. I have lived here forty years and I "
    "have never seen anything like it. An absolute joke from start to finish and everyone I know says exactly "
    "the same thing about them. Shocking. Truly shocking. What a total embarrassment for the whole town, honestly.",
    "Absolute shambles of a council. Can't empty bins, can't fix roads, can't answer emails, can't run a "
    "library, can't even run a car park without making a mess of it. Every single department is a mess and "
    "every single year it is the same story, promises and more promises and then nothing at all. Pathetic. "
    "Embarrassing. I am sick and tired of all of it and so is every single person on my street, every one.",
]


def test_long_rants_are_not_constructive_and_short_concrete_suggestions_are():
    from analysis.features import word_counts

    short = ["please stagger the hours across the four libraries", *SUGGESTIONS]
    assert (word_counts(RANTS) > 60).all() and (word_counts(short) < 20).all()
    scores = score_texts(pd.Series(RANTS + short))
    assert scores["feedback_class"].tolist()[: len(RANTS)] == ["negative"] * len(RANTS)
    assert scores["feedback_class"].tolist()[len(RANTS):] == ["constructive"] * len(short)


def test_short_specific_suggestions_are_constructive_abuse_and_praise_are_not():
    scores = score_texts(pd.Series(SUGGESTIONS + ABUSE + PRAISE))
    classes = scores["feedback_class"].tolist()
    n, m = len(SUGGESTIONS), len(ABUSE)
    assert classes[:n] == ["constructive"] * n
    assert classes[n : n + m] == ["negative"] * m
    assert classes[n + m :] == ["positive"] * len(PRAISE)
    assert scores["hostile"].tolist()[n : n + m] == [True] * m


def test_a_vague_request_or_a_civil_complaint_is_not_made_constructive_by_the_rule():
    scores = score_texts(pd.Series(["Please sort it out.", "Bins missed again on Mill Lane, third week running."]))
    assert scores["constructive_prob"].tolist()[0] < 0.5
    assert scores["feedback_class"].tolist()[1] == "negative"


def test_news_headlines_with_no_sentiment_words_are_neutral():
    news = items(
        ["Market Street and Church Lane will close from 9.30am to 12.30pm on Sunday for the parade.",
         "Brackenford asks residents whether bins should go fortnightly", ""],
        ["Remembrance Sunday road closures", None, "Council tax set to rise 4.99% as cabinet meets"],
    )
    news["item_type"] = ["mention", "mention", "mention"]
    assert score_items(news)["sentiment"].tolist() == ["neutral"] * 3


def test_the_news_flag_changes_only_the_sentiment_of_flat_text():
    texts = pd.Series(["Bin collections move to Tuesday", "Absolutely furious about the parking charges"])
    plain, as_news = score_texts(texts), score_texts(texts, news=[True, True])
    assert as_news["sentiment"].tolist() == ["neutral", "negative"]
    pd.testing.assert_frame_equal(plain.drop(columns=["sentiment", "feedback_class"]),
                                  as_news.drop(columns=["sentiment", "feedback_class"]))


def test_the_councils_own_items_are_never_flagged_hostile():
    """A council post or reply is never what the hostile flag is for (nor counted negative for it)."""
    text = "Sack the lot of them, liars and clowns the whole cabinet"
    items = pd.DataFrame({"key": ["public", "council"], "text": [text, text], "title": [None, None],
                          "item_type": ["comment", "comment"], "is_council": [False, True]})
    scores = score_items(items).set_index("item_key")
    assert scores.loc["public", "hostile"] and not scores.loc["council", "hostile"]
