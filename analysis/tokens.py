"""Words of a text, as the service-area tagger and the models' dense measures read them."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*")


def tokens(text: str) -> list[str]:
    """Lower-case words; hyphens and apostrophes inside a word keep it whole ("fly-tipping", "don't")."""
    return _TOKEN.findall(text.lower().replace("’", "'")) if text else []


def token_spans(text: str):
    """The matches behind tokens(text), in order (their spans index the text itself)."""
    return _TOKEN.finditer(text.lower().replace("’", "'")) if text else iter(())


def tokenise(texts) -> list[list[str]]:
    return [tokens(text) if isinstance(text, str) else [] for text in texts]
