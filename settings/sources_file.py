"""Changing sources.toml from the dashboard: add a source, switch one on or off.

tomlkit edits the document in place, so everything the user wrote (comments above and
beside entries, spacing, line endings) stays as it was. Every change is validated with
settings.sources.parse_sources before anything is written, and written atomically (a
temporary file beside it, then a rename), one writer at a time in this process.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from settings.environment import config_path
from settings.sources import ConfigError, SourceKind, parse_sources_file
from settings.typed import SettingsError

_WRITE_LOCK = threading.Lock()  # sessions are threads of one process


@dataclass(frozen=True)
class SavedConfig:
    path: Path


def dumps_sources(entries: list[dict]) -> str:
    """A sources file holding these [[sources]] tables (for a new file, and for tests)."""
    document = tomlkit.document()
    document["sources"] = _tables(entries)
    return tomlkit.dumps(document)


def _tables(entries: list[dict]) -> tomlkit.items.AoT:
    tables = tomlkit.aot()
    for entry in entries:
        table = tomlkit.table()
        table.update(entry)
        tables.append(table)
    return tables


def entry_from_form(name: str, kind: SourceKind, fields: Mapping[str, object]) -> dict:
    """A [[sources]] entry from what a person typed, typed by the kind's declarations: lists one per
    line (or comma-separated), whole numbers where a key wants one, empty fields left out."""
    entry: dict = {"name": name.strip(), "kind": kind.kind}
    for key_name, raw in fields.items():
        key = kind.key(key_name)
        if raw is None:
            continue
        if isinstance(raw, (bool, int)) and key.kind in ("bool", "int"):
            entry[key_name] = raw
            continue
        if key.kind == "texts":
            parts = raw if isinstance(raw, (list, tuple)) else re.split(r"[\n,]", str(raw))
            values = [str(part).strip() for part in parts if str(part).strip()]
            if values:
                entry[key_name] = values
        elif str(raw).strip():
            try:
                entry[key_name] = key.from_text(str(raw), "the form")
            except SettingsError as error:
                raise ConfigError(str(error)) from None
    return entry


def _read(path: Path) -> tomlkit.TOMLDocument:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return tomlkit.document()
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text: fix it by hand before changing it here") from None
    try:
        return tomlkit.parse(text)
    except TOMLKitError as error:
        raise ConfigError(f"{path} is not valid TOML ({error}): fix it by hand before changing it here") from None


def _write_atomic(path: Path, text: str) -> None:
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _save(path: Path, document: tomlkit.TOMLDocument, kinds: Mapping[str, SourceKind]) -> SavedConfig:
    text = tomlkit.dumps(document)
    parse_sources_file(tomlkit.parse(text).unwrap(), kinds, str(path))  # what will be on disk, checked
    _write_atomic(path, text)
    return SavedConfig(path)


def _sources(document: tomlkit.TOMLDocument, path: Path):
    sources = document.get("sources")
    if sources is not None and not isinstance(sources, tomlkit.items.AoT):
        raise ConfigError(f"{path}: sources must be written as [[sources]] tables")
    return sources


# A file that was the example, once its first own source replaces the example's channels.
STARTED_HEADER = """\
# Council Pulse: the channels to watch, started from the Sources page (the example it
# replaced is in the project's history). One [[sources]] table per channel; the README's
# Configuration section explains every key. Secrets never go here.
"""


def add_source(entry: dict, kinds: Mapping[str, SourceKind], path: str | os.PathLike | None = None,
               replace_example: bool = False) -> SavedConfig:
    """Append a source to sources.toml, validated first; a ConfigError writes nothing.

    With `replace_example`, a file that is still the example (`example = true`) is replaced by
    one holding only this source: the example's fictional channels are not the council's.
    """
    path = Path(path) if path else config_path()
    with _WRITE_LOCK:
        document = _read(path)
        if replace_example and document.get("example") is True:
            document = tomlkit.parse(STARTED_HEADER)
            document.add(tomlkit.nl())
        sources = _sources(document, path)
        if sources is None:
            document["sources"] = _tables([entry])
        else:
            sources.append(_tables([entry])[0])
        return _save(path, document, kinds)


def set_enabled(name: str, enabled: bool, kinds: Mapping[str, SourceKind],
                path: str | os.PathLike | None = None) -> SavedConfig:
    """Switch a source on or off in sources.toml (its `enabled` line changed or added)."""
    path = Path(path) if path else config_path()
    with _WRITE_LOCK:
        document = _read(path)
        sources = _sources(document, path) or []
        table = next((t for t in sources if isinstance(t.get("name"), str) and t["name"].strip() == name), None)
        if table is None:
            raise ConfigError(f"there is no source named {name!r} in {path}")
        table["enabled"] = bool(enabled)
        return _save(path, document, kinds)
