"""Who may act in the dashboard: `[auth]` (Streamlit's sign-in) and `[pulse]` in the secrets file.

With a login, an officer is recognised only from what the identity provider vouches for: a sign-in
from the configured issuer (and, for Microsoft Entra ID, tenant), whose verified email is in
`officers` or whose stable account id is in `officer_subjects`; never from a display name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from settings.secrets import SECRETS_FILE
from settings.typed import Key, SettingsError, read_table

DISCOVERY_SUFFIX = "/.well-known/openid-configuration"
EMAIL_CLAIMS = ("email", "preferred_username", "upn")

PULSE_KEYS = (
    Key("officers", "texts", "signed-in users who may act (status, assignment, notes, corrections), by their verified "
        "email (see email_claim)", default=()),
    Key("officer_subjects", "texts", "signed-in users who may act, by the provider's stable id of their account (Entra "
        "ID: oid; other providers: sub), which stays the same when a name or an address changes", default=()),
    Key("issuer", "text", "the iss claim every officer's sign-in must carry (default: [auth] server_metadata_url "
        f"without {DISCOVERY_SUFFIX}; Entra ID: https://login.microsoftonline.com/TENANT_ID/v2.0)"),
    Key("tenant_id", "text", "Microsoft Entra ID: the council's directory (tenant) id; a sign-in whose tid claim is "
        "another tenant is never an officer"),
    Key("email_claim", "text", "the claim an officer's address is read from: email (only with email_verified true), "
        "or for Entra ID, whose email claim is not verified, preferred_username or upn (set by the tenant's "
        "administrators; needs tenant_id)", default="email", choices=EMAIL_CLAIMS),
    Key("require_login", "bool", "true: nobody may act until [auth] is configured (a typed name is not enough)",
        default=False),
)


@dataclass(frozen=True)
class AccessSettings:
    login_configured: bool = False
    require_login: bool = False
    officers: frozenset[str] = frozenset()  # verified emails, lower case
    officer_subjects: frozenset[str] = frozenset()
    issuer: str | None = None  # None: no sign-in can make an officer
    tenant_id: str | None = None
    email_claim: str = "email"


def access_settings(secrets: Mapping, where: Path | str = SECRETS_FILE) -> AccessSettings:
    """[auth] present means a login is configured; [pulse] names the officers, the issuer and tenant that vouch
    for them, and whether a login is required."""
    auth = secrets.get("auth")
    if auth is not None and not isinstance(auth, Mapping):
        raise SettingsError(f"[auth] in {where} must be a table")
    label = f"[pulse] in {where}"
    values = read_table(PULSE_KEYS, secrets.get("pulse") or {}, label)
    if any("," in officer for officer in values["officers"]):
        raise SettingsError(f'officers in {label} must be a list, one address each: ["a@x", "b@x"]')
    if values["email_claim"] != "email" and not values["tenant_id"]:
        raise SettingsError(f"email_claim = {values['email_claim']!r} in {label} needs tenant_id: that claim is "
                            "trustworthy only from the council's own tenant")
    return AccessSettings(
        login_configured=bool(auth),
        require_login=values["require_login"],
        officers=frozenset(o.lower() for o in values["officers"]),
        officer_subjects=frozenset(values["officer_subjects"]),
        issuer=values["issuer"] or discovered_issuer(auth or {}),
        tenant_id=values["tenant_id"] or None,
        email_claim=values["email_claim"],
    )


def discovered_issuer(auth: Mapping) -> str | None:
    """The issuer whose configuration [auth] server_metadata_url is (OpenID Connect Discovery: the issuer's
    address followed by /.well-known/openid-configuration); None when it is not such an address."""
    url = auth.get("server_metadata_url")
    if isinstance(url, str) and url.endswith(DISCOVERY_SUFFIX):
        return url[: -len(DISCOVERY_SUFFIX)] or None
    return None
