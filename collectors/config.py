"""Reading `sources.toml` and the secrets that sources need."""

from __future__ import annotations

import math
import os
import re
import stat
import tempfile
import threading
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

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


# -- a collector's own options, checked when it is made ------------------------------


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
    if not isinstance(raw, list) or not all(isinstance(v, str) and valid(v) for v in raw):
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


# --- Writing sources.toml (the Sources page) ---------------------------------------
#
# tomllib reads TOML but cannot write it, so a small writer for this file's flat
# schema lives here. Edits keep the file as the user wrote it where they can: a
# new source is appended as one more [[sources]] table and switching a source on
# or off changes (or adds) only its `enabled` line. Every edit is checked by
# reading the new text back: only if it does not read back as exactly the
# intended data is the whole file written out again, keeping the comment block
# at its top (comments beside entries are then lost, and the caller is told).
# Every change is validated with parse_sources before anything is written, and
# written atomically (a temporary file beside it, then a rename).

CONFIG_ENV = "PULSE_CONFIG"
LIST_KEYS = frozenset({"discussions", "video_ids", "council_accounts"})
INT_KEYS = frozenset({"max_articles", "retention_days", "lookback_days"})

_WRITE_LOCK = threading.Lock()  # one writer at a time in this process (sessions are threads)
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_SOURCES_HEADER = re.compile(r"^\s*\[\[\s*sources\s*\]\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")
_ENABLED_LINE = re.compile(r"^(\s*enabled\s*=\s*)(true|false)(\s*(#.*)?)$")


def config_path() -> Path:
    """The sources file the app reads and writes: $PULSE_CONFIG, else sources.toml."""
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


@dataclass(frozen=True)
class SavedConfig:
    path: Path
    rewritten: bool  # True: the whole file was written out again (comments beside entries lost)


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise ConfigError("text with unpaired surrogate characters cannot be written to sources.toml")
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else toml_string(key)


def toml_value(value: object) -> str:
    """A value of the flat schema: string, whole number, true/false, float, or a list of these."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        text = repr(value)
        return text if any(c in text for c in ".eE") else text + ".0"
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise ConfigError(f"a {type(value).__name__} value cannot be written to sources.toml")


def toml_table(entry: dict, header: str = "[[sources]]") -> str:
    """One table: its header, then one `key = value` line per key."""
    lines = [header]
    for key, value in entry.items():
        if isinstance(value, dict):
            raise ConfigError(f"key {key!r}: nested tables cannot be written to sources.toml")
        lines.append(f"{toml_key(key)} = {toml_value(value)}")
    return "\n".join(lines) + "\n"


def dumps_config(data: dict, header: str = "") -> str:
    """The whole document: `header` (comment lines), top-level keys, then tables and arrays of tables."""
    parts = [header.rstrip("\n") + "\n"] if header.strip() else []
    plain = {k: v for k, v in data.items() if not _is_table(v) and not _is_table_array(v)}
    if plain:
        parts.append("".join(f"{toml_key(k)} = {toml_value(v)}\n" for k, v in plain.items()))
    for key, value in data.items():
        if _is_table(value):
            parts.append(toml_table(value, f"[{toml_key(key)}]"))
        elif _is_table_array(value):
            parts.extend(toml_table(entry, f"[[{toml_key(key)}]]") for entry in value)
    return "\n".join(parts)


def _is_table(value: object) -> bool:
    return isinstance(value, dict)


def _is_table_array(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def entry_from_form(name: str, kind: str, fields: dict[str, object]) -> dict:
    """A [[sources]] entry from what a person typed: lists one per line (or comma-separated),
    whole numbers where the schema wants them, empty fields left out."""
    entry: dict = {"name": name.strip(), "kind": kind}
    for key, raw in fields.items():
        if raw is None or isinstance(raw, bool):
            if isinstance(raw, bool):
                entry[key] = raw
            continue
        if key in LIST_KEYS:
            values = raw if isinstance(raw, (list, tuple)) else re.split(r"[\n,]", str(raw))
            values = [str(v).strip() for v in values if str(v).strip()]
            if values:
                entry[key] = values
        elif key in INT_KEYS:
            if isinstance(raw, int):
                entry[key] = raw
            elif str(raw).strip():
                try:
                    entry[key] = int(str(raw).strip())
                except ValueError:
                    raise ConfigError(f"{key} must be a whole number, not {str(raw).strip()!r}") from None
        elif str(raw).strip():
            entry[key] = str(raw).strip()
    return entry


def _read_document(path: Path) -> tuple[str, dict]:
    try:
        text = path.read_bytes().decode("utf-8")  # line endings as they are (CRLF stays CRLF)
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text: fix it by hand before changing it here") from None
    except FileNotFoundError:
        return "", {}
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML ({error}): fix it by hand before changing it here") from None


def _header_comments(text: str) -> str:
    """The comment block at the top of the file (up to its first table or key)."""
    kept = []
    for line in text.splitlines(keepends=True):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        kept.append(line)
    return "".join(kept)


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _reads_as(text: str, data: dict) -> bool:
    try:
        return tomllib.loads(text) == data
    except tomllib.TOMLDecodeError:
        return False


def _write_atomic(path: Path, text: str) -> None:
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _save(path: Path, old_text: str, data: dict, edited: str | None) -> SavedConfig:
    """Write `edited` if it reads back as `data`; else the whole document, keeping the top comments."""
    if edited is not None and _reads_as(edited, data):
        _write_atomic(path, edited)
        return SavedConfig(path, rewritten=False)
    text = dumps_config(data, _header_comments(old_text))
    if not _reads_as(text, data):  # a bug here must never reach the file
        raise ConfigError(f"could not write {path} faithfully; nothing was changed")
    _write_atomic(path, text)
    return SavedConfig(path, rewritten=bool(old_text.strip()))


def add_source(entry: dict, path: str | os.PathLike | None = None) -> SavedConfig:
    """Append a source to sources.toml, validated first; a ConfigError writes nothing."""
    path = Path(path) if path else config_path()
    with _WRITE_LOCK:
        text, data = _read_document(path)
        sources = data.get("sources", [])
        if not isinstance(sources, list):
            raise ConfigError("[[sources]] must be an array of tables")
        new_data = {**data, "sources": [*sources, entry]}
        parse_sources(new_data)
        newline = _newline(text)
        separator = "" if not text else (newline if text.endswith("\n") else newline * 2)
        edited = text + separator + toml_table(entry).replace("\n", newline)
        return _save(path, text, new_data, edited)


def set_enabled(name: str, enabled: bool, path: str | os.PathLike | None = None) -> SavedConfig:
    """Switch a source on or off in sources.toml, changing only its `enabled` line where possible."""
    path = Path(path) if path else config_path()
    with _WRITE_LOCK:
        text, data = _read_document(path)
        sources = data.get("sources", [])
        names = [e.get("name", "").strip() if isinstance(e, dict) and isinstance(e.get("name"), str) else None
                 for e in (sources if isinstance(sources, list) else [])]
        if name not in names:
            raise ConfigError(f"there is no source named {name!r} in {path}")
        position = names.index(name)
        new_sources = [dict(e) for e in sources]
        new_sources[position]["enabled"] = bool(enabled)
        new_data = {**data, "sources": new_sources}
        parse_sources(new_data)
        return _save(path, text, new_data, _edit_enabled_line(text, position, len(sources), enabled))


def _edit_enabled_line(text: str, position: int, count: int, enabled: bool) -> str | None:
    """The text with the `enabled` line of the position-th [[sources]] table set (or added);
    None when the tables cannot be told apart line by line."""
    lines = text.splitlines(keepends=True)
    headers = [i for i, line in enumerate(lines) if _SOURCES_HEADER.match(line.rstrip("\r\n"))]
    if len(headers) != count:
        return None
    start = headers[position]
    end = next((i for i in range(start + 1, len(lines)) if _ANY_HEADER.match(lines[i])), len(lines))
    value = "true" if enabled else "false"
    for i in range(start + 1, end):
        body = lines[i].rstrip("\r\n")
        match = _ENABLED_LINE.match(body)
        if match:
            lines[i] = match.group(1) + value + match.group(3) + lines[i][len(body):]
            return "".join(lines)
    last = max(i for i in range(start, end) if lines[i].strip() and not lines[i].lstrip().startswith("#"))
    newline = _newline(text)
    if not lines[last].endswith("\n"):
        lines[last] += newline
    lines.insert(last + 1, f"enabled = {value}{newline}")
    return "".join(lines)
