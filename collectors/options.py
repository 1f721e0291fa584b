"""A collector's own options and secrets, checked when the collector is made.

sources.toml itself is read by settings.sources (typed, with each kind's keys declared
beside its collector); these helpers turn a source's options into what a collector needs,
or a CollectorError that says what is wanted.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from collectors.errors import CollectorError
from settings.secrets import SECRETS_FILE, read_secret
from settings.sources import SourceConfig


class MissingSecret(CollectorError):
    """A source's secret is not set; the message names the variable, never a value."""

    def __init__(self, variable: str):
        super().__init__(
            f"missing secret {variable}: set the environment variable or add it to {SECRETS_FILE}"
        )
        self.variable = variable


def require_secret(variable: str) -> str:
    value = read_secret(variable)
    if not value:
        raise MissingSecret(variable)
    return value


def option_name(source: SourceConfig, key: str, wanted: str) -> str:
    """An account or handle option, without a leading @; else a CollectorError saying what is wanted."""
    value = source.options.get(key)
    if not isinstance(value, str) or not value.strip().lstrip("@"):
        raise CollectorError(f"source {source.name!r}: {key} must be {wanted}")
    return value.strip().lstrip("@")


def option_list(source: SourceConfig, key: str, wanted: str, valid=lambda text: bool(text.strip())) -> list[str]:
    """A list of texts (one text is a list of one), each `valid`; stripped, repeats dropped."""
    raw = source.options.get(key) or []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, (list, tuple)) or not all(isinstance(v, str) and valid(v) for v in raw):
        raise CollectorError(f"source {source.name!r}: {key} must be {wanted}")
    return list(dict.fromkeys(v.strip() for v in raw))


def web_address(source: SourceConfig, default: str, wanted: str) -> str:
    """`base_url` (else `default`) without a trailing slash, an http(s) address with a host."""
    base = (source.base_url or default).rstrip("/")
    try:
        parts = urlsplit(base)
    except ValueError:  # "http://[::1" and the like
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CollectorError(f"source {source.name!r}: base_url must be {wanted}")
    return base
