"""`.streamlit/secrets.toml`: API keys at its top level, and the dashboard's and alerts' tables.

Streamlit reads the same file for `st.secrets`. A key can always come from an environment
variable of the same name instead, which wins (so a server needs no file at all).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from settings.typed import SettingsError

SECRETS_FILE = Path(".streamlit") / "secrets.toml"


def secrets_document(path: Path = SECRETS_FILE) -> dict:
    """The whole file as TOML ({} when there is none); a SettingsError when it is not valid TOML."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path} is not valid TOML: {error}") from None


def read_secret(variable: str, path: Path = SECRETS_FILE) -> str | None:
    """An environment variable, else the same name at the top of the secrets file; None when neither is set."""
    value = os.environ.get(variable)
    if value:
        return value
    found = secrets_document(path).get(variable)
    if found is None or found == "":
        return None
    if not isinstance(found, str):
        raise SettingsError(f"{variable} in {path} must be a text (in quotes)")
    return found
