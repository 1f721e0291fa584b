"""Settings that only the environment sets: where the files are, and what the operator trusts.

They are environment variables because they belong to whoever runs the process, and nothing in
the dashboard can change them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from settings.typed import Key

DB = Key("PULSE_DB", "text", "the database file", default="data/pulse.duckdb")
CONFIG = Key("PULSE_CONFIG", "text", "the sources file the collectors and the Sources page read",
             default="sources.toml")
SERVICE_AREAS = Key("PULSE_SERVICE_AREAS", "text",
                    "a service-area taxonomy to use instead of analysis/service_areas.toml")
COUNCIL_LEXICON = Key("PULSE_COUNCIL_LEXICON", "text",
                      "a council lexicon to use instead of analysis/council_lexicon.toml")
SCORE_WORKERS = Key("PULSE_SCORE_WORKERS", "int", "processes that score new items (default: one per core)",
                    minimum=1)
TRUSTED_API_HOSTS = Key(
    "PULSE_TRUSTED_API_HOSTS", "texts",
    "hosts (host or host:port, comma-separated) that may receive API credentials besides each platform's "
    "own https hosts, and that collectors may reach although they are private or loopback addresses",
    default=(),
)

REQUEST_DEADLINE_S = Key("PULSE_REQUEST_DEADLINE_S", "float",
                         "seconds one request may take in all, first byte sent to last byte read", default=60.0,
                         minimum=0.001)
SOURCE_DEADLINE_S = Key("PULSE_SOURCE_DEADLINE_S", "float", "seconds one source's collection may take in a run",
                        default=900.0, minimum=0.001)
MAX_PAGES = Key("PULSE_MAX_PAGES", "int", "pages one paginated listing is read for in a run, at most", default=100,
                minimum=1)
IMPORT_MAX_MB = Key("PULSE_IMPORT_MAX_MB", "int", "megabytes an import reads from an archive's files in all "
                    "(an X archive's tweets.js and its parts, account.js); a bigger archive is refused unread",
                    default=512, minimum=1)

VARIABLES = (DB, CONFIG, SERVICE_AREAS, COUNCIL_LEXICON, SCORE_WORKERS, TRUSTED_API_HOSTS, REQUEST_DEADLINE_S,
             SOURCE_DEADLINE_S, MAX_PAGES, IMPORT_MAX_MB)


def value(key: Key, environ: Mapping[str, str] | None = None) -> Any:
    """The variable's value, typed by its declaration; its default when unset or blank."""
    environ = os.environ if environ is None else environ
    text = environ.get(key.name, "")
    if not text.strip():
        return key.default
    return key.from_text(text, "the environment")


def db_path() -> Path:
    return Path(value(DB))


def config_path() -> Path:
    return Path(value(CONFIG))
