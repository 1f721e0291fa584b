"""Settings declared once and read strictly: a `Key` names a setting, its type, default and meaning.

TOML values must already have the declared type (a boolean is `true` or `false`, never
the text "false"); environment variables, which are always text, are parsed by the same
declaration. A value of the wrong type is a SettingsError naming the key and where it was
read, never showing a secret's value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

KINDS = ("bool", "int", "float", "text", "texts")
_TRUE, _FALSE = ("true", "1"), ("false", "0")


class SettingsError(ValueError):
    """A setting is missing, unknown or of the wrong type; the message names the key and the file."""


@dataclass(frozen=True)
class Key:
    """One setting.

    kind: "bool", "int", "float", "text" or "texts" (a list of texts; one text reads as a list of
    one, and in the environment the texts are comma-separated).
    """

    name: str
    kind: str
    doc: str  # what it means, in words: shown in forms, the README and errors
    default: Any = None
    env: str | None = None  # the environment variable that overrides the file's value
    required: bool = False
    secret: bool = False  # never repeated in an error
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    label: str | None = None  # the key in a form's plain words ("Feed address"); the name when None
    example: str | None = None  # what a value looks like, shown in an empty form field
    advanced: bool = False  # rarely needed: a form keeps it under "Advanced"
    address: bool = False  # a web address a collector connects to: checked where it may go (SourceKind.check_address)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"setting {self.name}: unknown kind {self.kind!r}")

    def wanted(self) -> str:
        """The type in words, for errors and forms."""
        words = {"bool": "true or false", "int": "a whole number", "float": "a number", "text": "a text",
                 "texts": "a list of texts"}[self.kind]
        if self.choices:
            words = " or ".join(self.choices)
        if self.minimum is not None and self.maximum is not None:
            words += f" from {self.minimum:g} to {self.maximum:g}"
        elif self.minimum is not None:
            words += f", at least {self.minimum:g}"
        return words

    def _wrong(self, where: str, value: object) -> SettingsError:
        shown = "" if self.secret else f", not {value!r}"
        return SettingsError(f"{self.name} in {where} must be {self.wanted()}{shown}")

    def from_toml(self, value: object, where: str) -> Any:
        """A value as TOML gave it, checked against the declaration."""
        kind = self.kind
        ok = (
            (kind == "bool" and isinstance(value, bool))
            or (kind == "int" and isinstance(value, int) and not isinstance(value, bool))
            or (kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool))
            or (kind == "text" and isinstance(value, str))
            or (kind == "texts" and (isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(v, str) for v in value))))
        )
        if not ok:
            raise self._wrong(where, value)
        if kind == "float":
            value = float(value)
        if kind == "texts":
            value = tuple(v.strip() for v in ([value] if isinstance(value, str) else value) if v.strip())
        return self._checked(value, where)

    def from_text(self, text: str, where: str) -> Any:
        """A value written as text (an environment variable, a form field)."""
        raw = text.strip()
        if self.kind == "bool":
            if raw.lower() in _TRUE:
                return True
            if raw.lower() in _FALSE:
                return False
            raise self._wrong(where, text)
        if self.kind in ("int", "float"):
            try:
                number = int(raw) if self.kind == "int" else float(raw)
            except ValueError:
                raise self._wrong(where, text) from None
            return self._checked(number, where)
        if self.kind == "texts":
            return self._checked(tuple(part.strip() for part in raw.split(",") if part.strip()), where)
        return self._checked(raw, where)

    def _checked(self, value: Any, where: str) -> Any:
        if self.choices and value not in self.choices:
            raise self._wrong(where, value)
        if self.minimum is not None and value < self.minimum:
            raise self._wrong(where, value)
        if self.maximum is not None and value > self.maximum:
            raise self._wrong(where, value)
        return value


def read_table(keys: tuple[Key, ...], table: Mapping, where: str, environ: Mapping[str, str] | None = None,
               allow_unknown: bool = False) -> dict[str, Any]:
    """Every declared key's value from `table` (a TOML table read from `where`), overridden by its
    environment variable when that is set, else its default. Unknown keys are an error unless allowed."""
    if not isinstance(table, Mapping):
        raise SettingsError(f"{where} must be a table of settings")
    if not allow_unknown:
        known = {key.name for key in keys}
        unknown = sorted(str(name) for name in table if name not in known)
        if unknown:
            raise SettingsError(f"{where}: unknown setting(s) {', '.join(unknown)} "
                                f"(known: {', '.join(sorted(known))})")
    values = {}
    for key in keys:
        variable = key.env if environ is not None and key.env else None
        if variable and environ.get(variable, "").strip():
            values[key.name] = key.from_text(environ[variable], f"the environment variable {variable}")
        elif key.name in table:
            values[key.name] = key.from_toml(table[key.name], where)
        elif key.required:
            raise SettingsError(f"{where}: {key.name} is missing ({key.doc})")
        else:
            values[key.name] = key.default
    return values
