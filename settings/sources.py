"""`sources.toml`: the channels to watch, one `[[sources]]` table each, read with strict types.

Every source has the keys in COMMON_KEYS; each kind adds its own, declared beside its
collector (a `SourceKind` in collectors/<kind>.py, gathered by collectors.registry), and
`load_sources` is given those declarations. A value of the wrong type, an unknown key or a
missing one is a ConfigError that names the source, the key and the file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from settings.environment import config_path
from settings.typed import Key, SettingsError, read_table

COMMON_KEYS = (
    Key("name", "text", "the source's name, shown in the dashboard (unique)", required=True,
        label="A name for it (shown on every page)"),
    Key("kind", "text", "which platform: rss, guardian, mastodon, bluesky, reddit, youtube, facebook or instagram",
        required=True, label="Which channel"),
    Key("base_url", "text", "the platform's API address, for a proxy or a test server (default: the platform's own)",
        label="The platform's address", advanced=True, address=True),
    Key("council_accounts", "texts", "the council's own accounts on this channel (their posts are ours, not the "
        "public's)", default=(), label="The council's own accounts here (one per line)"),
    Key("official_accounts", "texts", "other organisations' official accounts on this channel (police, NHS, "
        "transport operators): named in exports, never pseudonymised, as news outlets are", default=(),
        label="Other organisations' official accounts here (one per line)", advanced=True),
    Key("retention_days", "int", "days an item is kept, counted from when it was posted; older items are not "
        "collected at all", default=365, minimum=1, label="Keep items for (days)"),
    Key("lookback_days", "int", "days a post is checked again for new replies", default=14, minimum=1,
        label="Look for new replies to a post for (days)", advanced=True),
    Key("enabled", "bool", "false: the source is kept but not collected", default=True, label="Collect it"),
    Key("stale_after_hours", "int", "hours without a successful collection before every page warns that this "
        "source is out of date (36: a daily collection, with some slack)", default=36, minimum=1,
        label="Warn when not collected for (hours)", advanced=True),
    Key("quiet_after_days", "int", "days without a new item before every page says this source has gone quiet "
        "(0: never, for a channel that is often quiet)", default=7, minimum=0,
        label="Warn when nothing new for (days; 0: never)", advanced=True),
)
COMMON_NAMES = frozenset(key.name for key in COMMON_KEYS)
# Top-level keys of the file itself, beside the [[sources]] tables.
FILE_KEYS = (
    Key("example", "bool", "true while the file is the example for a fictional council: the dashboard says so, "
        "warns about none of its channels, and the first source added from the Sources page replaces them",
        default=False),
)


class ConfigError(SettingsError):
    """sources.toml is missing, unreadable or describes a source wrongly."""


@dataclass(frozen=True)
class SourceKind:
    """What one kind of source needs in sources.toml (declared in its collector's module)."""

    kind: str
    label: str  # what it collects, in plain words, for people adding a source
    keys: tuple[Key, ...]  # the kind's own keys
    one_of: tuple[str, ...] = ()  # at least one of these keys must have a value
    base_url_required: bool = False
    secrets: tuple[str, ...] = ()  # environment variables (or secrets.toml names) it reads
    name: str = ""  # the channel's short name ("News feed (RSS or Atom)"); the kind when empty
    secrets_needed_for: str = ""  # when only some uses need the secrets ("a search"): words for it
    # Why a collector may not connect to an address (None: it may). collectors.registry sets it to
    # collectors.trust.check_source_url, which settings/ cannot import; every Key(address=True) is checked.
    check_address: Callable[[str], str | None] | None = None

    @property
    def title(self) -> str:
        return self.name or self.kind

    def key(self, name: str) -> Key:
        return next(key for key in (*COMMON_KEYS, *self.keys) if key.name == name)


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str
    options: dict = field(default_factory=dict)
    base_url: str | None = None
    council_accounts: tuple[str, ...] = ()
    official_accounts: tuple[str, ...] = ()
    retention_days: int = 365
    lookback_days: int = 14
    enabled: bool = True
    stale_after_hours: int = 36
    quiet_after_days: int = 7

    def as_dict(self) -> dict:
        """The source as written in sources.toml (for the `sources.config` column)."""
        data = {"name": self.name, "kind": self.kind, **self.options}
        if self.base_url:
            data["base_url"] = self.base_url
        if self.council_accounts:
            data["council_accounts"] = list(self.council_accounts)
        if self.official_accounts:
            data["official_accounts"] = list(self.official_accounts)
        data["retention_days"] = self.retention_days
        data["enabled"] = self.enabled
        return data

    @cached_property
    def _council_names(self) -> frozenset[str]:
        return frozenset(a.lower().lstrip("@") for a in self.council_accounts)

    def is_council(self, *names: str | None) -> bool:
        """Whether any of these author ids or names is one of the council's own accounts."""
        accounts = self._council_names
        if accounts:  # a loop, not any() over a generator: called for every item collected
            for name in names:
                if name and name.lower().lstrip("@") in accounts:
                    return True
        return False


def parse_source(entry: Mapping, position: int, kinds: Mapping[str, SourceKind], where: str = "sources.toml",
                 ) -> SourceConfig:
    """One [[sources]] table, checked against the common keys and its kind's declaration."""
    label = f"source #{position} in {where}"
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{label} is not a table")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{label} has no name")
    label = f"source {name.strip()!r} in {where}"
    kind = kinds.get(entry.get("kind")) if isinstance(entry.get("kind"), str) else None
    if kind is None:
        raise ConfigError(f"{label}: unknown kind {entry.get('kind')!r} (expected one of {', '.join(kinds)})")
    try:
        values = read_table((*COMMON_KEYS, *kind.keys), entry, label)
    except SettingsError as error:
        raise ConfigError(str(error)) from None
    if kind.one_of and not any(values[k] for k in kind.one_of):
        raise ConfigError(f"{label}: kind {kind.kind} needs {' or '.join(kind.one_of)}")
    if kind.base_url_required and not values["base_url"]:
        raise ConfigError(f"{label}: {kind.kind} needs base_url ({kind.key('base_url').doc})")
    check_addresses(kind, values, label)
    options = {key.name: list(values[key.name]) if key.kind == "texts" else values[key.name]
               for key in kind.keys if values[key.name] not in (None, ())}
    return SourceConfig(
        name=name.strip(), kind=kind.kind, options=options, base_url=values["base_url"] or None,
        council_accounts=tuple(values["council_accounts"]), official_accounts=tuple(values["official_accounts"]),
        retention_days=values["retention_days"],
        lookback_days=values["lookback_days"], enabled=values["enabled"],
        stale_after_hours=values["stale_after_hours"], quiet_after_days=values["quiet_after_days"],
    )


def check_addresses(kind: SourceKind, values: Mapping, label: str) -> None:
    """A ConfigError naming the source and the key when an address it declares is one collectors may not
    reach (a loopback, private or metadata address not listed by the operator, or a scheme other than http(s))."""
    if kind.check_address is None:
        return
    for key in (*COMMON_KEYS, *kind.keys):
        value = values.get(key.name)
        if key.address and value:
            problem = kind.check_address(value)
            if problem:
                raise ConfigError(f"{label}: {key.name} is refused: {problem}")


@dataclass(frozen=True)
class SourcesFile:
    sources: list[SourceConfig]
    example: bool = False  # the committed example, not yet made the council's own


def parse_sources_file(document: Mapping, kinds: Mapping[str, SourceKind], where: str = "sources.toml",
                       ) -> SourcesFile:
    """The whole file: its [[sources]] tables and its top-level FILE_KEYS."""
    try:
        values = read_table(FILE_KEYS, {k: v for k, v in document.items() if k != "sources"}, where)
    except SettingsError as error:
        raise ConfigError(f"{error} (beside the [[sources]] tables)") from None
    return SourcesFile(parse_sources(document, kinds, where), example=values["example"])


def parse_sources(document: Mapping, kinds: Mapping[str, SourceKind], where: str = "sources.toml",
                  ) -> list[SourceConfig]:
    allowed = {"sources", *(key.name for key in FILE_KEYS)}
    unknown = sorted(str(k) for k in document if k not in allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown top-level key(s) {', '.join(unknown)} (only [[sources]] tables "
                          f"and {', '.join(key.name for key in FILE_KEYS)})")
    entries = document.get("sources", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{where}: [[sources]] must be an array of tables")
    sources = [parse_source(entry, n, kinds, where) for n, entry in enumerate(entries, start=1)]
    seen: set[str] = set()
    for source in sources:
        if source.name in seen:
            raise ConfigError(f"{where}: two sources are named {source.name!r}: names must be unique")
        seen.add(source.name)
    return sources


def read_document(path: Path) -> dict:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"no configuration file at {path}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None


def load_sources(path: str | Path | None, kinds: Mapping[str, SourceKind]) -> list[SourceConfig]:
    """Every source in the file (default: $PULSE_CONFIG, else sources.toml), checked."""
    return load_sources_file(path, kinds).sources


def load_sources_file(path: str | Path | None, kinds: Mapping[str, SourceKind]) -> SourcesFile:
    """The file (default: $PULSE_CONFIG, else sources.toml), checked: its sources and whether it is the example."""
    path = Path(path) if path else config_path()
    return parse_sources_file(read_document(path), kinds, str(path))
