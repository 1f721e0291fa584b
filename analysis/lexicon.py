"""The council lexicon (council_lexicon.toml): words read as council nouns carry no sentiment.

Pure: a word's sense is decided from the lower-case words around it. The file is read
once per path; `PULSE_COUNCIL_LEXICON` points at another. Its rules are written at the
top of the TOML file, where the people who edit it will read them. Two readers use it:
VADER (analysis.sentiment.CouncilAnalyzer scores a council noun 0, so the compound shown
is VADER's with the council's vocabulary) and the models' n-gram features (`model_text`
leaves the word out: a stand-in token would learn the tone of the complaints it appears in).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis.editable import read_toml
from analysis.tokens import token_spans, tokens
from settings import environment

DEFAULT_LEXICON = Path(__file__).resolve().parent / "council_lexicon.toml"
COUNCIL_NOUN = ""  # the models read nothing in a council noun's place (a token would learn the corpora's tone)
NUMBER = "#"
SENSES = ("council", "evaluative")


class LexiconError(ValueError):
    """The lexicon file is missing or malformed; the message says where."""


# A phrase: its words, and where the listed word sits in it.
Phrase = tuple[tuple[str, ...], int]


@dataclass(frozen=True)
class Entry:
    usually_council: bool
    evaluative: tuple[Phrase, ...]
    council: tuple[Phrase, ...]


def _word_matches(pattern: str, word: str) -> bool:
    return word == pattern or (pattern == NUMBER and any(ch.isdigit() for ch in word))


def _phrase_at(phrase: Phrase, words: Sequence[str], i: int) -> bool:
    parts, offset = phrase
    start = i - offset
    if start < 0 or start + len(parts) > len(words):
        return False
    return all(_word_matches(part, words[start + k]) for k, part in enumerate(parts))


@dataclass(frozen=True)
class CouncilLexicon:
    entries: dict[str, Entry]  # every form, lower case -> its entry
    words: frozenset[str]  # the same forms, for a quick "any here?" test

    def council_sense(self, words: Sequence[str], i: int) -> bool:
        """Whether words[i] (lower-case words of one text) is a council noun here: no sentiment."""
        entry = self.entries.get(words[i])
        if entry is None:
            return False
        if any(_phrase_at(p, words, i) for p in entry.evaluative):
            return False
        return entry.usually_council or any(_phrase_at(p, words, i) for p in entry.council)

    def model_text(self, text: str, toks: list[str] | None = None) -> str:
        """The text as the models read it: each council noun left out (COUNCIL_NOUN), the rest
        as it is. `toks`: tokens(text), when the caller has them (most texts have no council word)."""
        toks = tokens(text) if toks is None else toks
        if self.words.isdisjoint(toks):
            return text
        council = {i for i, word in enumerate(toks) if word in self.words and self.council_sense(toks, i)}
        if not council:
            return text
        if len(text.lower()) != len(text):  # a letter whose lower case is longer ("İ"): spans would drift
            return " ".join(COUNCIL_NOUN if i in council else word for i, word in enumerate(toks))
        out, at = [], 0
        for i, match in enumerate(token_spans(text)):
            if i in council:
                out += [text[at : match.start()], COUNCIL_NOUN]
                at = match.end()
        return "".join(out) + text[at:]


def _phrases(raw: object, forms: set[str], where: str) -> tuple[Phrase, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(p, str) and p.strip() for p in raw):
        raise LexiconError(f"{where}: phrases must be a list of text")
    out = []
    for text in raw:
        parts = tuple(NUMBER if part == NUMBER else word for part in text.split() for word in (tokens(part) or [part]))
        hits = [k for k, part in enumerate(parts) if part in forms]
        if not hits:
            raise LexiconError(f"{where}: phrase {text!r} does not contain the word ({', '.join(sorted(forms))})")
        out.append((parts, hits[0]))
    return tuple(out)


def parse_lexicon(document: dict, where: str = "lexicon") -> CouncilLexicon:
    words = document.get("words")
    if not isinstance(words, dict) or not words:
        raise LexiconError(f"{where}: no [words.*] tables")
    entries: dict[str, Entry] = {}
    for key, spec in words.items():
        at = f"{where}: [words.{key}]"
        if not isinstance(spec, dict):
            raise LexiconError(f"{at} must be a table")
        usually = spec.get("usually")
        if usually not in SENSES:
            raise LexiconError(f"{at} usually must be one of {', '.join(SENSES)}")
        forms = spec.get("forms", [])
        if not isinstance(forms, list) or not all(isinstance(f, str) for f in forms):
            raise LexiconError(f"{at} forms must be a list of words")
        names = {key.lower(), *(f.lower() for f in forms)}
        entry = Entry(usually == "council", _phrases(spec.get("evaluative"), names, at),
                      _phrases(spec.get("council"), names, at))
        for name in names:
            if name in entries:
                raise LexiconError(f"{at}: {name!r} is listed twice")
            entries[name] = entry
    return CouncilLexicon(entries, frozenset(entries))


@lru_cache(maxsize=8)
def load_lexicon(path: Path | str | None = None) -> CouncilLexicon:
    """The lexicon at `path` (default: $PULSE_COUNCIL_LEXICON, else the shipped file)."""
    path = Path(path or environment.value(environment.COUNCIL_LEXICON) or DEFAULT_LEXICON)
    document = read_toml(path, LexiconError, "council lexicon")
    return parse_lexicon(document, str(path))
