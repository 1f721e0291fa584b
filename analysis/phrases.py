"""What people are talking about: the phrases that rose most in a period against the periods before it.

Class-based TF-IDF (the c-TF-IDF of BERTopic) over word 1-3-grams with two classes: the
items of this period and the items of the periods before it (the baseline). A phrase
weighs tf x idf, where tf is the share of this period's phrase occurrences that it takes
and idf = log(1 + A / f), with A the average number of occurrences per class and f the
phrase's occurrences in both classes: a phrase frequent now and rare before weighs most.
Only phrases that rose are kept (more items a period than the baseline's average), seen
in at least `min_items` items now.

A phrase is counted once per item (a comment repeating a word ten times is one voice).
It never starts or ends with a stop word ("the library" is "library"; "cost of living"
keeps its "of"), holds no council name word (`exclude`: the council's own name says
nothing about what is being discussed) and no bare number. Pure: texts in, a frame out.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from analysis.tokens import tokens

MAX_WORDS = 3
EXAMPLE_CHARS = 160
# Words of social media and of feeds that say nothing about a topic, beside the usual English stop words.
EXTRA_STOP_WORDS = frozenset({
    "amp", "http", "https", "www", "com", "co", "uk", "gov", "org", "rt", "via", "just", "like", "really", "get",
    "got", "going", "know", "think", "people", "say", "said", "says", "lol", "yes", "ok", "oh", "im", "i'm",
    "don't", "it's", "that's", "can't", "won't", "isn't", "didn't", "doesn't", "you're", "they're", "we're",
    "council", "councils", "council's",
})
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | EXTRA_STOP_WORDS
PHRASE_COLUMNS = ["phrase", "items", "before", "weight", "example"]


def name_words(names: Iterable[str]) -> set[str]:
    """The words of the council's own account names ("Brackenford Borough Council", "BrackenfordCouncil",
    "@brackenford_bc"), lower-case: left out of phrases."""
    words: set[str] = set()
    for name in names:
        spaced = "".join(f" {c}" if c.isupper() else c for c in str(name))  # BrackenfordCouncil -> words
        words.update(tokens(spaced.replace("_", " ")))
        words.update(tokens(str(name).replace("_", " ")))
    return {w for w in words if len(w) > 1}


def item_phrases(text: str, exclude: frozenset[str] | set[str] = frozenset()) -> set[str]:
    """The distinct 1-3-word phrases of one text that may be shown (see the module's rules)."""
    words = tokens(text)
    found: set[str] = set()
    for size in range(1, MAX_WORDS + 1):
        for start in range(len(words) - size + 1):
            gram = words[start:start + size]
            if gram[0] in STOP_WORDS or gram[-1] in STOP_WORDS:
                continue
            if any(w in exclude or w.isdigit() or len(w) < 2 for w in gram):
                continue
            found.add(" ".join(gram))
    return found


def _document_counts(texts: Iterable[str], exclude: set[str]) -> tuple[Counter, list[set[str]]]:
    phrases = [item_phrases(t, exclude) if isinstance(t, str) else set() for t in texts]
    counts: Counter = Counter()
    for found in phrases:
        counts.update(found)
    return counts, phrases


def _example(texts: list[str], phrases: list[set[str]], phrase: str) -> str:
    """The shortest text that holds the phrase, cut around it to EXAMPLE_CHARS."""
    holding = sorted((t for t, found in zip(texts, phrases) if phrase in found), key=len)
    text = " ".join(holding[0].split()) if holding else ""
    if len(text) <= EXAMPLE_CHARS:
        return text
    at = max(text.lower().find(phrase.split()[0]), 0)
    start = max(0, min(at - EXAMPLE_CHARS // 3, len(text) - EXAMPLE_CHARS))
    cut = text[start:start + EXAMPLE_CHARS - 2].strip()
    return ("…" if start else "") + cut + "…"


def _overlaps(a: str, b: str) -> bool:
    return f" {a} " in f" {b} " or f" {b} " in f" {a} "


def rising_phrases(
    current: Iterable[str], baseline: Iterable[str], periods_before: int = 4, *,
    exclude: Iterable[str] = (), limit: int = 6, min_items: int = 2,
) -> pd.DataFrame:
    """The phrases that rose most in `current` (this period's texts) against `baseline` (the texts of the
    `periods_before` periods before it), heaviest first. Columns: phrase, items (this period's items holding
    it), before (items a period before, on average), weight (c-TF-IDF), example (a text holding it).

    When a phrase and a longer one holding it (or held by it) both qualify, the longer one is kept when it
    is in at least 70 % as many items ("library opening hours" over "opening hours")."""
    texts = [t for t in current if isinstance(t, str)]
    excluded = set(exclude)
    now, phrases_now = _document_counts(texts, excluded)
    before, _ = _document_counts(baseline, excluded)
    total_now, total_before = sum(now.values()), sum(before.values())
    if not total_now:
        return pd.DataFrame(columns=PHRASE_COLUMNS)
    average = (total_now + total_before) / 2
    rows = []
    for phrase, items in now.items():
        earlier = before.get(phrase, 0) / max(periods_before, 1)
        if items < min_items or items <= earlier:
            continue
        weight = items / total_now * math.log(1 + average / (items + before.get(phrase, 0)))
        rows.append((phrase, items, earlier, weight))
    rows.sort(key=lambda r: (-r[3], -r[1], r[0]))
    chosen: list[tuple] = []
    for row in rows:
        clash = next((n for n, kept in enumerate(chosen) if _overlaps(row[0], kept[0])), None)
        if clash is None:
            if len(chosen) < limit:
                chosen.append(row)
            continue
        kept = chosen[clash]
        if len(row[0]) > len(kept[0]) and row[1] >= 0.7 * kept[1]:
            chosen[clash] = row
    out = pd.DataFrame(
        [(p, n, round(b, 1), round(w, 4), _example(texts, phrases_now, p)) for p, n, b, w in chosen],
        columns=PHRASE_COLUMNS,
    )
    return out.reset_index(drop=True)
