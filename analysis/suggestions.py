"""Two transparent rules on top of the constructiveness model: what asks or argues, and what does not.

1. A short, specific, civil suggestion to a council is constructive.

C3's constructiveness label is mostly length (news comments under ~40 words are
almost never rated constructive), so the trained model gives a practical one-line
suggestion ("Could you put a bin by the bus stop on Mill Lane please?") a probability
near 0. On a council's channels such replies are the most useful feedback there is.
The rule raises the constructive probability of a text to at least SUGGESTION_FLOOR
when all of these hold:

- it is short: at most MAX_WORDS words (longer texts are the model's business);
- it asks for or proposes something: a request or proposal cue (REQUEST_WORDS such as
  "please", "suggest", "instead", "trial", or REQUEST_PHRASES such as "could you",
  "why not", "how about"); plain "should" is not enough (on news sites it is mostly opinion);
- it is about a council service: the service-area tagger found one (other than
  NOT_A_SERVICE: "please vote for ..." is politics, not a service request);
- it is civil: no insult or swear word (analysis.hostile) and not flagged hostile.

2. A rant is not constructive, however long (`is_rant`): a text whose tone is not positive (VADER's
compound under 0.05, council lexicon) and is harsh (two or more harsh words, or an insult or swear word:
analysis.hostile), and that neither asks for anything nor gives a reason. C3's raters called most
long comments constructive whatever they said, so the model leans on length and would count an
80-word rant; they called 71 % of texts like these not constructive. (Without the harsh tone the rule
is wrong on C3: 97.7 % of comments over 60 words that ask for nothing and give no reason are
constructive to its raters.) Reasons are REASON_WORDS and REASON_PHRASES ("because", "however",
"for example", "so that"...), requests as above plus plain "should" and "would".

The model card reports how often the rules fire on C3 and what they do to the
cross-validated accuracy there ("as scored").
"""

from __future__ import annotations

import re

import numpy as np

SUGGESTION_FLOOR = 0.6
MAX_WORDS = 60
NOT_A_SERVICE = frozenset({"Councillors and democracy"})

REQUEST_WORDS = frozenset((
    "please", "suggest", "suggestion", "suggestions", "propose", "recommend", "consider", "trial", "instead", "maybe",
))
REQUEST_PHRASES = re.compile(
    r" (?:could|can) (?:you|we|they|the|some|someone|there) | would it be | why not | how about | what about "
    r"| i'd suggest| i would suggest| it would help| would be better"
)


REASON_WORDS = frozenset((
    "because", "since", "therefore", "thus", "hence", "however", "although", "though", "whereas", "unless",
    "evidence", "example", "instance", "means", "reason", "reasons", "data", "figures", "report", "research",
    "cost", "costs", "if", "should", "would", "could", "need", "needs", "why",
))
REASON_PHRASES = re.compile(r" so that | according to | due to | which is why | the point is | the problem is ")


def has_request_or_reason(tokens: list[str]) -> bool:
    """A request, a proposal or a reason among these lower-case words: what a constructive text needs."""
    return has_request(tokens) or bool(REASON_WORDS.intersection(tokens)) or bool(
        REASON_PHRASES.search(" " + " ".join(tokens) + " "))


def asks_or_argues(tokenised: list[list[str]]) -> np.ndarray:
    """has_request_or_reason for each text of a batch."""
    return np.fromiter((has_request_or_reason(toks) for toks in tokenised), bool, len(tokenised))


HARSH_WORDS_FOR_A_RANT = 2


def is_rant(tokenised: list[list[str]], compound: np.ndarray, harsh_words: np.ndarray, uncivil: np.ndarray
            ) -> np.ndarray:
    """Rule 2: not positive, harsh (HARSH_WORDS_FOR_A_RANT harsh words, or `uncivil`: an insult or swear
    word), and asking for nothing and giving no reason."""
    harsh = (np.asarray(harsh_words) >= HARSH_WORDS_FOR_A_RANT) | np.asarray(uncivil, dtype=bool)
    return (np.asarray(compound) < 0.05) & harsh & ~asks_or_argues(tokenised)


def has_request(tokens: list[str]) -> bool:
    """A request or proposal cue among these lower-case words (analysis.tokens.tokens)."""
    return bool(REQUEST_WORDS.intersection(tokens)) or bool(REQUEST_PHRASES.search(" " + " ".join(tokens) + " "))


def is_suggestion(tokens: list[list[str]], words: np.ndarray, areas, uncivil: np.ndarray) -> np.ndarray:
    """True where the rule applies. `areas`: each text's service area (None where none);
    `uncivil`: texts flagged hostile or holding an insult or swear word."""
    areas = list(areas)
    candidates = (
        (words > 0) & (words <= MAX_WORDS)
        & np.fromiter((isinstance(a, str) and a not in NOT_A_SERVICE for a in areas), bool, len(areas))
        & ~np.asarray(uncivil, dtype=bool)
    )
    out = np.zeros(len(areas), dtype=bool)
    for i in np.flatnonzero(candidates):
        out[i] = has_request(tokens[i])
    return out


def with_suggestion_floor(probability: np.ndarray, suggestion: np.ndarray) -> np.ndarray:
    return np.where(suggestion, np.maximum(probability, SUGGESTION_FLOOR), probability)
