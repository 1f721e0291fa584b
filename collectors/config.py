"""Reading `sources.toml` and the secrets that sources need."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from collectors.errors import CollectorError

DEFAULT_CONFIG = Path("sources.toml")
SECRETS_FILE = Path(".streamlit") / "secrets.toml"

# kind -> (keys of which at least one is required, optional keys)
KIND_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "rss": (("url",), ()),
    "guardian": (("discussions", "search"), ("content_base_url", "max_articles")),
    "mastodon": (("account",), ()),
    "bluesky": (("actor",), ()),
    "reddit": (("subreddit",), ("auth_url",)),
    "youtube": (("channel_id", "video_ids"), ()),
    "facebook": (("page_id",), ()),
    "instagram": (("user_id",), ()),
}
COMMON_KEYS = {"name", "kind", "base_url", "council_accounts", "retention_days", "enabled", "lookback_days"}


class ConfigError(ValueError):
    """sources.toml is missing, unreadable or describes a source wrongly."""


class MissingSecret(CollectorError):
    """A source's secret is not set; the message names the variable, never a value."""

    def __init__(self, variable: str):
        super().__init__(
            f"missing secret {variable}: set the environment variable or add it to {SECRETS_FILE}"
        )
        self.variable = variable


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str
    options: dict = field(default_factory=dict)
    base_url: str | None = None
    council_accounts: tuple[str, ...] = ()
    retention_days: int = 365
    lookback_days: int = 14
    enabled: bool = True

    def as_dict(self) -> dict:
        """The source as written in sources.toml (for the `sources.config` column)."""
        data = {"name": self.name, "kind": self.kind, **self.options}
        if self.base_url:
            data["base_url"] = self.base_url
        if self.council_accounts:
            data["council_accounts"] = list(self.council_accounts)
        data["retention_days"] = self.retention_days
        data["enabled"] = self.enabled
        return data

    def is_council(self, *names: str | None) -> bool:
        accounts = {a.lower().lstrip("@") for a in self.council_accounts}
        return any(n and n.lower().lstrip("@") in accounts for n in names)


def parse_source(entry: dict, position: int) -> SourceConfig:
    where = f"source #{position}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} is not a table")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where} has no name")
    where = f"source {name!r}"
    kind = entry.get("kind")
    if kind not in KIND_KEYS:
        raise ConfigError(f"{where}: unknown kind {kind!r} (expected one of {', '.join(KIND_KEYS)})")
    required, optional = KIND_KEYS[kind]
    options = {k: v for k, v in entry.items() if k not in COMMON_KEYS}
    unknown = set(options) - set(required) - set(optional)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} for kind {kind}")
    if not any(options.get(k) for k in required):
        raise ConfigError(f"{where}: kind {kind} needs {' or '.join(required)}")
    if kind == "mastodon" and not entry.get("base_url"):
        raise ConfigError(f"{where}: mastodon needs base_url (the instance, e.g. https://mastodon.social)")
    accounts = entry.get("council_accounts", [])
    if isinstance(accounts, str):
        accounts = [accounts]
    retention = entry.get("retention_days", 365)
    lookback = entry.get("lookback_days", 14)
    for label, value in (("retention_days", retention), ("lookback_days", lookback)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"{where}: {label} must be a whole number of days, at least 1")
    return SourceConfig(
        name=name.strip(),
        kind=kind,
        options=options,
        base_url=(entry.get("base_url") or None),
        council_accounts=tuple(str(a) for a in accounts),
        retention_days=retention,
        lookback_days=lookback,
        enabled=bool(entry.get("enabled", True)),
    )


def parse_sources(data: dict) -> list[SourceConfig]:
    entries = data.get("sources", [])
    if not isinstance(entries, list):
        raise ConfigError("[[sources]] must be an array of tables")
    sources = [parse_source(entry, n) for n, entry in enumerate(entries, start=1)]
    seen: set[str] = set()
    for source in sources:
        if source.name in seen:
            raise ConfigError(f"two sources are named {source.name!r}: names must be unique")
        seen.add(source.name)
    return sources


def load_sources(path: str | os.PathLike | None = None) -> list[SourceConfig]:
    path = Path(path or DEFAULT_CONFIG)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"no configuration file at {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    return parse_sources(data)


def read_secret(variable: str, secrets_file: Path = SECRETS_FILE) -> str | None:
    """An environment variable, else the same name in .streamlit/secrets.toml."""
    value = os.environ.get(variable)
    if value:
        return value
    try:
        data = tomllib.loads(secrets_file.read_text(encoding="utf-8"))
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return None
    found = data.get(variable)
    return str(found) if found else None


def require_secret(variable: str) -> str:
    value = read_secret(variable)
    if not value:
        raise MissingSecret(variable)
    return value
