"""Secret values scrubbed from text before it is stored, shown or logged: by value, not by name.

A platform can repeat a key anywhere in an error (a reason, a message, a URL it quotes),
so a parameter name is no guide. Scrubbed are the configured secrets themselves (every
secret a source kind declares, from the environment or .streamlit/secrets.toml) and every
secret a request of this process carried (http.py remembers them: an OAuth token fetched
during a run is one), each also as it travels: URL-encoded, and a user:password pair as
HTTP basic auth sends it.

jobs.collect applies it where a source's errors and warnings become stored text
(sources.last_error, runs.error_text, the summaries shown and printed) and to the
tracebacks it logs.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

from settings.secrets import read_secret

REDACTED = "[redacted]"
# Every platform's keys and tokens are longer (a Reddit client id, the shortest, has 14 characters); a
# shorter value ("secret", a fuzz test's stand-in) is no real secret, and scrubbing it would garble words.
MIN_LENGTH = 8
MAX_REMEMBERED = 1000

_lock = threading.Lock()
_remembered: dict[str, None] = {}  # insertion-ordered: the oldest are forgotten first


def remember(values: Iterable[str]) -> None:
    """Secrets a request carried (http.py calls this for every request that carries any)."""
    with _lock:
        for value in values:
            if isinstance(value, str) and len(value) >= MIN_LENGTH:
                _remembered.pop(value, None)
                _remembered[value] = None
        while len(_remembered) > MAX_REMEMBERED:
            _remembered.pop(next(iter(_remembered)))


def remember_basic_auth(user: str, password: str) -> None:
    """A user:password pair, and its base64 as the Authorization header carries it."""
    pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    remember([user, password, pair])


def secret_variables() -> list[str]:
    """Every secret a source kind declares (each collector's SOURCE lists the variables it reads)."""
    from collectors.registry import KINDS  # here, not at the top: the collectors import http, which imports this

    return sorted({variable for kind in KINDS.values() for variable in kind.secrets})


def secret_values() -> list[str]:
    """Every value to scrub, longest first (so a secret inside a longer one goes with it)."""
    configured = [read_secret(variable) for variable in secret_variables()]
    with _lock:
        values = set(_remembered)
    values.update(v for v in configured if v and len(v) >= MIN_LENGTH)
    forms = {form for value in values for form in (value, quote(value, safe=""), quote_plus(value))}
    return sorted((f for f in forms if len(f) >= MIN_LENGTH), key=len, reverse=True)


def redact(text: str | None) -> str | None:
    """The text with every secret value replaced by [redacted]."""
    if not text:
        return text
    for value in secret_values():
        if value in text:
            text = text.replace(value, REDACTED)
    return text
