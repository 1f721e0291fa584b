"""Who may act in the dashboard: `[auth]` (Streamlit's sign-in) and `[pulse]` in the secrets file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from settings.secrets import SECRETS_FILE
from settings.typed import Key, SettingsError, read_table

PULSE_KEYS = (
    Key("officers", "texts", "signed-in users (their email) who may act: status, assignment, notes, corrections",
        default=()),
    Key("require_login", "bool", "true: nobody may act until [auth] is configured (a typed name is not enough)",
        default=False),
)


@dataclass(frozen=True)
class AccessSettings:
    login_configured: bool = False
    require_login: bool = False
    officers: frozenset[str] = frozenset()


def access_settings(secrets: Mapping, where: Path | str = SECRETS_FILE) -> AccessSettings:
    """[auth] present means a login is configured; [pulse] names the officers and whether a login is required."""
    auth = secrets.get("auth")
    if auth is not None and not isinstance(auth, Mapping):
        raise SettingsError(f"[auth] in {where} must be a table")
    values = read_table(PULSE_KEYS, secrets.get("pulse") or {}, f"[pulse] in {where}")
    if any("," in officer for officer in values["officers"]):
        raise SettingsError(f'officers in [pulse] in {where} must be a list, one address each: ["a@x", "b@x"]')
    return AccessSettings(
        login_configured=bool(auth),
        require_login=values["require_login"],
        officers=frozenset(o.lower() for o in values["officers"]),
    )
