"""Hostile language aimed at people: the cues the hostile model reads, and the pile-on rule.

A comms officer needs to know when a thread turns on people (councillors, officers, other
residents), not when someone swears at a pothole. The words below are counted per text
(each word once); "aimed" counts those with a person within three words of them (you,
they, the council, councillors, "the lot of them"...). Swearing at a situation ("bloody
potholes again") counts as swearing only, which the model weighs lightly; "Liars, the lot
of them", "Sack the lot of them" and "you useless clowns" are aimed.

The pile-on rule (`is_pile_on`): an accusation of lying or corruption, a call to sack or
resign, or an insult, aimed at people, makes a text hostile whatever the model says. The
model (trained on C3's toxicity ratings and Davidson's tweets) rarely sees this polite
abuse of a council. And the model's own flag counts only on a text that names or addresses
people (`names_people`): hostility is towards someone, so "Is China's refusal... RACIST?"
or swearing at a pothole is not flagged however rude it sounds. The model card reports
what both rules do on C3.
"""

from __future__ import annotations

import numpy as np

# Name-calling: words that call people something. "useless" or "a disgrace" about a service is
# criticism (HARSH: the model weighs it); "useless clowns" is name-calling.
INSULTS = frozenset((
    "idiot", "idiots", "idiotic", "moron", "morons", "moronic", "clown", "clowns", "fool", "fools", "muppet",
    "muppets", "numpty", "numpties", "joker", "jokers", "imbecile", "imbeciles", "scum", "scumbag", "scumbags",
    "loser", "losers", "crook", "crooks", "liar", "liars", "thief", "thieves", "parasite", "parasites", "leeches",
    "traitor", "traitors", "hypocrite", "hypocrites", "bastard", "bastards", "asshole", "assholes", "arsehole",
    "arseholes", "tosser", "tossers", "wanker", "wankers", "cretin", "cretins", "halfwit", "halfwits", "dimwit",
    "dimwits", "dickhead", "dickheads", "pillock", "pillocks", "plonker", "plonkers", "stupid", "dumb",
    "scroungers", "jobsworth", "jobsworths", "troughers", "retard", "retarded", "cowards", "weasels",
))
HARSH = frozenset((
    "useless", "incompetent", "pathetic", "clueless", "spineless", "disgrace", "disgraceful", "shameless", "vile",
    "ignorant", "arrogant", "shambles", "joke", "laughable", "contempt",
))
ACCUSATIONS = frozenset((
    "liar", "liars", "lying", "lied", "lies", "corrupt", "corruption", "crooked", "bent", "fraud", "fraudsters",
    "backhanders", "backhander", "fiddling", "cover-up", "coverup", "stitch-up", "rigged", "thieving", "stealing",
    "robbing", "lining",
))
CALLS_TO_GO = frozenset((
    "sack", "sacked", "sacking", "resign", "resignation", "resigned", "fire", "fired", "out", "oust",
    "ousted", "rid", "boot", "booted", "jail", "jailed", "prison",
))
SWEARS = frozenset((
    "fuck", "fucking", "fucked", "fucker", "fuckers", "fuckin", "shit", "shite", "shitty", "crap", "crappy", "bloody",
    "damn", "bollocks", "arse", "piss", "pissed", "bullshit", "sodding", "frigging", "effing", "hell",
))
# Who an attack can be aimed at.
PEOPLE = frozenset((
    "you", "your", "you're", "youre", "ye", "u", "ur", "they", "them", "their", "he", "she", "him", "her",
    "council", "councils", "councillor", "councillors", "councilor", "councilors", "cllr", "officers", "officer",
    "staff", "leader", "leaders", "cabinet", "mp", "mps", "mayor", "lot", "bunch", "muppets", "government",
    "management", "people", "politicians", "idiots", "clowns", "liars", "those", "these",
))
# Who a text names or addresses, for `names_people` (PEOPLE without the words that only point:
# "a lot of", "these bins").
ADDRESSED = PEOPLE - frozenset(("lot", "bunch", "those", "these", "people", "idiots", "clowns", "liars", "muppets"))
# Calls to go need one of these with them ("sack the lot", "resign now", "vote them out").
GO_TARGETS = PEOPLE | frozenset(("now", "all", "whole", "chief", "executive"))
# Words around "out", "fire", "boot" and "rid" that make them a call to remove people, not a place or a time.
_REMOVAL = frozenset(("vote", "voted", "get", "kick", "kicked", "throw", "thrown", "boot", "booted", "rid", "sack"))
WINDOW = 3

CUE_NAMES = ("insults", "insults_aimed", "harsh", "accusations_aimed", "calls_to_go", "swears", "swears_aimed",
             "people")
_ANY = INSULTS | HARSH | ACCUSATIONS | CALLS_TO_GO | SWEARS


def _near(tokens: list[str], i: int, words: frozenset[str]) -> bool:
    low, high = max(0, i - WINDOW), min(len(tokens), i + WINDOW + 1)
    return any(tokens[j] in words for j in range(low, high) if j != i)


def _names_people_next(tokens: list[str], i: int) -> bool:
    """"fire them", "fire the lot", "boot all of them": a person right after the word."""
    after = tokens[i + 1 : i + 4]
    return bool(after) and (after[0] in PEOPLE or (after[0] in ("the", "all", "every") and
                                                   any(word in PEOPLE for word in after[1:])))


def _call_to_go(tokens: list[str], i: int) -> bool:
    word = tokens[i]
    if word in ("fire", "fired", "boot", "booted"):
        return _names_people_next(tokens, i)  # "fire them", not "a fire" or "fire station"
    if word in ("out", "rid"):
        # "vote them out", "get rid of them", not "out of date" or "sort it out"
        return _near(tokens, i, _REMOVAL) and _near(tokens, i, PEOPLE)
    if word in ("jail", "jailed", "prison"):
        return _near(tokens, i, PEOPLE)
    return _near(tokens, i, GO_TARGETS) or i == 0


def hostile_cues(tokens: list[str]) -> tuple[int, ...]:
    """Counts, as CUE_NAMES, in one text's lower-case words (analysis.tokens.tokens)."""
    people = len(ADDRESSED.intersection(tokens))
    if _ANY.isdisjoint(tokens):
        return (0,) * (len(CUE_NAMES) - 1) + (people,)  # most texts
    insults = aimed = harsh = accused = calls = swears = swears_aimed = 0
    for i, word in enumerate(tokens):
        if word in INSULTS:
            insults += 1
            aimed += _near(tokens, i, PEOPLE) or len(tokens) <= 4  # "Clowns!" is aimed whoever it names
        if word in HARSH:
            harsh += 1
        if word in ACCUSATIONS and (_near(tokens, i, PEOPLE) or len(tokens) <= 4):
            accused += 1
        if word in CALLS_TO_GO and _call_to_go(tokens, i):
            calls += 1
        if word in SWEARS:
            swears += 1
            swears_aimed += _near(tokens, i, PEOPLE)
    return (insults, aimed, harsh, accused, calls, swears, swears_aimed, people)


def is_uncivil(cues: np.ndarray) -> np.ndarray:
    """Rows of hostile_cues holding any insult or swear word (the suggestion rule wants civil texts)."""
    cues = np.asarray(cues)
    return (cues[:, CUE_NAMES.index("insults")] > 0) | (cues[:, CUE_NAMES.index("swears")] > 0)


def harsh_words(cues: np.ndarray) -> np.ndarray:
    """How many harsh words ("disgrace", "pathetic", "shambles"...) each row of hostile_cues holds."""
    return np.asarray(cues)[:, CUE_NAMES.index("harsh")]


def names_people(cues: np.ndarray) -> np.ndarray:
    """Rows of hostile_cues whose text names or addresses people (you, they, the council, councillors...)."""
    return np.asarray(cues)[:, CUE_NAMES.index("people")] > 0


def is_hostile(model_flag: np.ndarray, cues: np.ndarray) -> np.ndarray:
    """The flag as the product sets it: the pile-on rule, or the model's flag on a text aimed at people."""
    return is_pile_on(cues) | (np.asarray(model_flag, dtype=bool) & names_people(cues))


# The model's bar for plain hostility: its calibrated probability that C3's raters would call the text
# toxic. The flag itself fires lower (its F1-best threshold, about 0.1), where over half of what it flags
# is still constructive to C3's raters.
PLAIN_HOSTILITY = 0.5


def is_plainly_hostile(flag: np.ndarray, proba: np.ndarray, cues: np.ndarray) -> np.ndarray:
    """Never counted constructive: the pile-on rule's explicit vocabulary (insults, accusations, calls to
    go, aimed at people), or a flagged text the model is more sure than not is hostile."""
    return is_pile_on(cues) | (np.asarray(flag, dtype=bool) & (np.asarray(proba) >= PLAIN_HOSTILITY))


def is_pile_on(cues: np.ndarray) -> np.ndarray:
    """The pile-on rule over rows of hostile_cues: an insult, an accusation or a call to go, aimed at people."""
    cues = np.asarray(cues)
    return (cues[:, CUE_NAMES.index("insults_aimed")] > 0) | (cues[:, CUE_NAMES.index("accusations_aimed")] > 0) \
        | (cues[:, CUE_NAMES.index("calls_to_go")] > 0)
