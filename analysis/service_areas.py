"""Which council service an item is about, from an editable taxonomy (service_areas.toml).

Pure: texts in, one label (or None) per text out. The taxonomy is read once per
path; `PULSE_SERVICE_AREAS` points at another file. Matching rules are written at
the top of the TOML file, where the people who edit it will read them. A word does
not count for its area where it is not about the service: inside one of the area's
`not` phrases ("waste of time"), used in its evaluative sense by the council lexicon
(analysis.lexicon: "what a waste"), or as part of an address ("Quarry Road").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.editable import read_toml
from analysis.lexicon import load_lexicon
from analysis.tokens import token_spans, tokenise, tokens
from settings import environment

DEFAULT_TAXONOMY = Path(__file__).resolve().parent / "service_areas.toml"
PHRASE_WEIGHT = 1.5  # a term of several words says more than one word


class TaxonomyError(ValueError):
    """The taxonomy file is missing or malformed; the message says where."""


# Street words that, capitalised after a capitalised word, make an address ("Quarry Road"), not the roads service.
STREET_WORDS = frozenset(("road", "street", "lane", "avenue", "way", "drive", "close", "crescent", "grove", "hill",
                          "place", "terrace", "row", "walk", "gardens"))


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
    not_phrases: dict[int, tuple[tuple[str, ...], ...]] = field(default_factory=dict)  # area -> phrases
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

    def _excluded(self, term: Term, toks: list[str], at: int, skip: frozenset[int]) -> bool:
        """A one-word term at a skipped place (an address, an evaluative use), or a term inside one
        of its area's `not` phrases, does not count."""
        if len(term.words) == 1 and at in skip:
            return True
        for phrase in self.not_phrases.get(term.area, ()):
            for start in range(max(0, at - len(phrase) + 1), at + 1):
                if tuple(toks[start : start + len(phrase)]) == phrase:
                    return True
        return False

    def scores(self, text: str, toks: list[str] | None = None, skip: frozenset[int] | None = None) -> dict[int, float]:
        """Score per area index: each term occurrence counts its weight; the longest term at a place
        wins. `skip`: places where a one-word term does not count (default: skipped_places)."""
        if toks is None:
            toks = tokens(text) if text else []
        found = list(map(self._seen.get, toks))  # one dict look-up per word: the common case
        if None in found:  # words not seen before
            for i, candidates in enumerate(found):
                if candidates is None:
                    found[i] = self.candidates(toks[i])
        if not any(found):  # no word can start a term: most texts
            return {}
        if skip is None:
            skip = skipped_places(text, toks)
        scores: dict[int, float] = {}
        next_free = 0
        for at in [i for i, candidates in enumerate(found) if candidates]:
            if at < next_free:
                continue  # inside a phrase already counted
            matched = [term for term in found[at]
                       if term.matches(toks, at) and not self._excluded(term, toks, at, skip)]
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


def skipped_places(text: str, toks: list[str]) -> frozenset[int]:
    """Word positions that say nothing about a service: street words of an address ("Quarry Road":
    capitalised, after a capitalised word) and council-lexicon words used evaluatively ("waste of money")."""
    lexicon = load_lexicon()
    out = set()
    if not STREET_WORDS.isdisjoint(toks):
        starts = [match.start() for match in token_spans(text)]
        if len(starts) == len(toks):
            out.update(i for i, word in enumerate(toks) if word in STREET_WORDS and i > 0
                       and text[starts[i]].isupper() and text[starts[i - 1]].isupper())
    if not lexicon.words.isdisjoint(toks):
        out.update(i for i, word in enumerate(toks) if word in lexicon.words and not lexicon.council_sense(toks, i))
    return frozenset(out)


def parse_taxonomy(document: dict, where: str = "taxonomy") -> Taxonomy:
    areas = document.get("areas")
    if not isinstance(areas, dict) or not areas:
        raise TaxonomyError(f"{where}: no [areas.*] tables")
    labels: list[str] = []
    by_first: dict[str, list[Term]] = {}
    by_prefix: dict[str, list[Term]] = {}
    seen: dict[tuple, str] = {}
    not_phrases: dict[int, tuple[tuple[str, ...], ...]] = {}
    for index, (key, area) in enumerate(areas.items()):
        if not isinstance(area, dict):
            raise TaxonomyError(f"{where}: [areas.{key}] must be a table")
        label, terms = area.get("label", key), area.get("terms")
        if not isinstance(label, str) or not label.strip():
            raise TaxonomyError(f"{where}: [areas.{key}] label must be text")
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) and t.strip() for t in terms):
            raise TaxonomyError(f"{where}: [areas.{key}] terms must be a non-empty list of words or phrases")
        labels.append(label.strip())
        negatives = area.get("not", [])
        if not isinstance(negatives, list) or not all(isinstance(t, str) and tokens(t) for t in negatives):
            raise TaxonomyError(f"{where}: [areas.{key}] not must be a list of phrases")
        if negatives:
            not_phrases[index] = tuple(tuple(tokens(t)) for t in negatives)
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
        not_phrases=not_phrases,
    )


@lru_cache(maxsize=8)
def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    """The taxonomy at `path` (default: $PULSE_SERVICE_AREAS, else the shipped file)."""
    path = Path(path or environment.value(environment.SERVICE_AREAS) or DEFAULT_TAXONOMY)
    document = read_toml(path, TaxonomyError, "service area taxonomy")
    return parse_taxonomy(document, str(path))


def tag_service_areas(
    texts: pd.Series, taxonomy: Taxonomy | None = None, tokenised: list[list[str]] | None = None
) -> pd.Series:
    """The best-scoring service area of each text (None where nothing matches), index kept.
    `tokenised` (tokens() of each text) saves tokenising again when the caller has it."""
    taxonomy = taxonomy or load_taxonomy()
    if tokenised is None:
        tokenised = tokenise(texts)
    tags = [taxonomy.tag(text if isinstance(text, str) else "", toks) for text, toks in zip(texts, tokenised)]
    return pd.Series(tags, index=texts.index, dtype="object")


def inherit_reply_areas(items: pd.DataFrame, areas: pd.Series, known: dict[str, str | None] | None = None
                        ) -> pd.Series:
    """A council reply is about what it answers: each item with `is_council` true and a
    `parent_id` takes its parent's area where that is known (the parent is in `items`, or its
    area is in `known`, key -> area), else keeps its own. `items` has key, parent_id and
    is_council; `areas` is aligned with it. A reply to a council reply follows the chain."""
    if items.empty or "parent_id" not in items or "is_council" not in items:
        return areas
    by_key = dict(known or {})
    by_key.update(zip(items["key"], areas))
    council = items["is_council"].fillna(False).astype(bool).to_numpy() & items["parent_id"].notna().to_numpy()
    out = areas.copy()
    for _ in range(8):  # a chain of council replies, each answering the last
        changed = False
        for position in np.flatnonzero(council):
            parent_area = by_key.get(items["parent_id"].iat[position])
            if isinstance(parent_area, str) and parent_area != out.iat[position]:
                out.iat[position] = parent_area
                by_key[items["key"].iat[position]] = parent_area
                changed = True
        if not changed:
            break
    return out


def council_replies_to_update(replies: pd.DataFrame) -> pd.DataFrame:
    """Score rows of council replies (store.items.council_replies_and_parent_areas) whose area
    should now be their parent's, with that area: what inherit_reply_areas does where the
    parent was scored in another batch."""
    if replies.empty:
        return replies
    known = dict(zip(replies["parent_id"], replies["parent_area"]))
    areas = inherit_reply_areas(replies, replies["service_area"], known)
    changed = areas.ne(replies["service_area"]) & areas.notna()
    return replies.loc[changed].assign(service_area=areas[changed])


def tag_labelled(labelled: pd.DataFrame, taxonomy: Taxonomy | None = None) -> pd.Series:
    """Tags for a hand-labelled sample (tests/fixtures/service_areas/labelled.csv: key, parent_key,
    is_council, title, text) as the product tags them: headline and text, council replies
    taking their parent's area."""
    title = labelled["title"].fillna("")
    texts = (title + "\n" + labelled["text"].fillna("")).where(title != "", labelled["text"].fillna(""))
    tags = tag_service_areas(texts, taxonomy)
    items = pd.DataFrame({"key": labelled["key"], "parent_id": labelled["parent_key"].replace("", None),
                          "is_council": labelled["is_council"].astype(str).str.lower().eq("true")})
    return inherit_reply_areas(items, tags)


def agreement(truth: pd.Series, tags: pd.Series) -> dict:
    """How tags compare with hand labels ("" or None: no area): coverage (share of items given an
    area), precision (of those, the share with the right area), recall (of items with an area,
    the share given the right one)."""
    truth = truth.fillna("").astype(str)
    tags = tags.fillna("").astype(str)
    tagged, labelled = tags != "", truth != ""
    right = tagged & (tags == truth)
    return {
        "items": len(truth), "labelled_with_an_area": int(labelled.sum()), "tagged": int(tagged.sum()),
        "coverage": round(float(tagged.mean()), 4),
        "precision": round(float(right.sum() / max(tagged.sum(), 1)), 4),
        "recall": round(float(right.sum() / max(labelled.sum(), 1)), 4),
        "wrong": [(t, g) for t, g in zip(truth[tagged & ~right], tags[tagged & ~right])],
    }


def area_labels(taxonomy: Taxonomy | None = None) -> tuple[str, ...]:
    """Every area's label, in file order (for filters and charts)."""
    return (taxonomy or load_taxonomy()).labels
