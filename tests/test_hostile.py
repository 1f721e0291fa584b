"""Hostile language aimed at people: the cues, the pile-on rule, and the scored flag on sentences."""

import numpy as np
import pandas as pd
import pytest

from analysis.hostile import CUE_NAMES, hostile_cues, is_pile_on, is_uncivil
from analysis.scoring import score_texts
from analysis.tokens import tokens

PILE_ON = [
    "Liars, the lot of them.",
    "Sack the lot of them. Useless.",
    "Mark my words, next week there'll be a press release calling it a huge success. Liars, the lot of them.",
    "You useless clowns, resign now",
    "Get rid of the lot of them at the next election",
    "Vote them all out in May",
    "They lied to us about the bins",
]
NOT_AIMED = [
    "Bloody potholes again on Mill Lane",
    "Is China's refusal to condemn this RACIST?",
    "Of the two candidates he is the lesser evil",
    "These bins are useless, missed again",
    "Sort it out please, the bins are overflowing",
    "The fire station on Quarry Road is closing",
    "Out of date information on the website",
]


def cues(text: str) -> np.ndarray:
    return np.array([hostile_cues(tokens(text))])


@pytest.mark.parametrize("text", PILE_ON)
def test_pile_on_vocabulary_is_aimed_at_people(text):
    assert is_pile_on(cues(text))[0]


@pytest.mark.parametrize("text", NOT_AIMED)
def test_swearing_at_a_situation_or_blunt_criticism_is_not_a_pile_on(text):
    assert not is_pile_on(cues(text))[0]


def test_swearing_at_a_thing_counts_as_swearing_only():
    found = dict(zip(CUE_NAMES, hostile_cues(tokens("Bloody potholes again"))))
    assert found["swears"] == 1 and found["swears_aimed"] == 0
    assert is_uncivil(cues("Bloody potholes again"))[0]


def test_the_scored_flag_on_pile_ons():
    assert score_texts(pd.Series(PILE_ON))["hostile"].tolist() == [True] * len(PILE_ON)


@pytest.mark.parametrize("text", NOT_AIMED)
def test_the_scored_flag_is_not_set_on_what_is_not_abuse(text):
    assert not score_texts(pd.Series([text]))["hostile"].iloc[0]


def test_a_hostile_item_counts_as_negative_never_constructive():
    rant = ("You are a pack of liars and clowns. Every year the council tax goes up, the bins are missed, the "
            "roads fall apart and you lot sit in the town hall congratulating yourselves. Sack the lot of them, "
            "starting with the leader, and let someone competent run the place for once, because it could not "
            "possibly be worse than this shambles of a council that never listens to a single resident.")
    scores = score_texts(pd.Series([rant, "Great job, clowns."]))
    assert scores["hostile"].tolist() == [True, True]
    assert scores["feedback_class"].tolist() == ["negative", "negative"]
    assert scores["sentiment"].tolist() == ["negative", "negative"]
