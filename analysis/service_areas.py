"""Which council service an item is about, from an editable taxonomy (service_areas.toml).

Pure: texts in, one label (or None) per text out. The taxonomy is read once per
path; `PULSE_SERVICE_AREAS` points at another file. Matching rules are written at
the top of the TOML file, where the people who edit it will read them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.tokens import tokenise, tokens
from settings import environment

DEFAULT_TAXONOMY = Path(__file__).resolve().parent / "service_areas.toml"
PHRASE_WEIGHT = 1.5  # a term of several words says more than one word


class TaxonomyError(ValueError):
    """The taxonomy file is missing or malformed; the message says where."""


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    prefix: bool  # the last word may go on ("pothole*")
    area: int
    weight: float

    def matches(self, toks: list[str], at: int) -> bool:
        if at + len(self.words) > len(toks):
            return False
        last = len(self.words) - 1
        for offset, word in enumerate(self.words):
            token = toks[at + offset]
            if token != word and not (self.prefix and offset == last and token.startswith(word)):
                return False
        return True


@dataclass(frozen=True)
class Taxonomy:
    labels: tuple[str, ...]  # area labels, in file order (the tie-break order)
    by_first_word: dict[str, tuple[Term, ...]]  # terms whose first word is exactly this
    by_prefix: dict[str, tuple[Term, ...]]  # one-word prefix terms, by their prefix
    prefix_lengths: tuple[int, ...]
    _seen: dict[str, tuple[Term, ...]] = field(default_factory=dict, compare=False, repr=False)

    def candidates(self, token: str) -> tuple[Term, ...]:
        """Terms that may start at this word (remembered: most words come back often)."""
        found = self._seen.get(token)
        if found is None:
            found = self.by_first_word.get(token, ())
            for length in self.prefix_lengths:
                if length > len(token):
                    break
                found += self.by_prefix.get(token[:length], ())
            if len(self._seen) < 200_000:
                self._seen[token] = found
        return found

    def scores(self, text: str, toks: list[str] | None = None) -> dict[int, float]:
        """Score per area index: each term occurrence counts its weight; the longest term at a place wins."""
        if toks is None:
            toks = tokens(text) if text else []
        found = list(map(self._seen.get, toks))  # one dict look-up per word: the common case
        if None in found:  # words not seen before
            for i, candidates in enumerate(found):
                if candidates is None:
                    found[i] = self.candidates(toks[i])
        if not any(found):  # no word can start a term: most texts
            return {}
        scores: dict[int, float] = {}
        next_free = 0
        for at in [i for i, candidates in enumerate(found) if candidates]:
            if at < next_free:
                continue  # inside a phrase already counted
            matched = [term for term in found[at] if term.matches(toks, at)]
            if not matched:
                continue
            best = max(matched, key=lambda term: (len(term.words), len(term.words[-1])))
            scores[best.area] = scores.get(best.area, 0.0) + best.weight
            next_free = at + len(best.words)
        return scores

    def tag(self, text: str, toks: list[str] | None = None) -> str | None:
        scores = self.scores(text, toks)
        if not scores:
            return None
        top = max(scores.values())
        return self.labels[min(area for area, score in scores.items() if score == top)]


def parse_taxonomy(document: dict, where: str = "taxonomy") -> Taxonomy:
    areas = document.get("areas")
    if not isinstance(areas, dict) or not areas:
        raise TaxonomyError(f"{where}: no [areas.*] tables")
    labels: list[str] = []
    by_first: dict[str, list[Term]] = {}
    by_prefix: dict[str, list[Term]] = {}
    seen: dict[tuple, str] = {}
    for index, (key, area) in enumerate(areas.items()):
        if not isinstance(area, dict):
            raise TaxonomyError(f"{where}: [areas.{key}] must be a table")
        label, terms = area.get("label", key), area.get("terms")
        if not isinstance(label, str) or not label.strip():
            raise TaxonomyError(f"{where}: [areas.{key}] label must be text")
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) and t.strip() for t in terms):
            raise TaxonomyError(f"{where}: [areas.{key}] terms must be a non-empty list of words or phrases")
        labels.append(label.strip())
        for raw in terms:
            words = tuple(tokens(raw.strip().rstrip("*")))
            if not words:
                raise TaxonomyError(f"{where}: [areas.{key}] has a term with no words: {raw!r}")
            prefix = raw.strip().endswith("*")
            if (words, prefix) in seen:
                raise TaxonomyError(
                    f"{where}: term {raw!r} is in both [areas.{seen[(words, prefix)]}] and [areas.{key}]"
                )
            seen[(words, prefix)] = key
            term = Term(words, prefix, index, PHRASE_WEIGHT if len(words) > 1 else 1.0)
            if prefix and len(words) == 1:
                by_prefix.setdefault(words[0], []).append(term)
            else:
                by_first.setdefault(words[0], []).append(term)
    return Taxonomy(
        labels=tuple(labels),
        by_first_word={k: tuple(v) for k, v in by_first.items()},
        by_prefix={k: tuple(v) for k, v in by_prefix.items()},
        prefix_lengths=tuple(sorted({len(k) for k in by_prefix})),
    )


@lru_cache(maxsize=8)
def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    """The taxonomy at `path` (default: $PULSE_SERVICE_AREAS, else the shipped file)."""
    path = Path(path or environment.value(environment.SERVICE_AREAS) or DEFAULT_TAXONOMY)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TaxonomyError(f"service area taxonomy not found: {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise TaxonomyError(f"{path}: not valid TOML: {error}") from None
    return parse_taxonomy(document, str(path))


def tag_service_areas(
    texts: pd.Series, taxonomy: Taxonomy | None = None, tokenised: list[list[str]] | None = None
) -> pd.Series:
    """The best-scoring service area of each text (None where nothing matches), index kept.
    `tokenised` (tokens() of each text) saves tokenising again when the caller has it."""
    taxonomy = taxonomy or load_taxonomy()
    if tokenised is None:
        tokenised = tokenise(texts)
    tags = [taxonomy.tag("", toks) for toks in tokenised]
    return pd.Series(tags, index=texts.index, dtype="object")


def area_labels(taxonomy: Taxonomy | None = None) -> tuple[str, ...]:
    """Every area's label, in file order (for filters and charts)."""
    return (taxonomy or load_taxonomy()).labels
