"""`[alerts]` in the secrets file: where alerts go (email, a webhook) and when, each key
overridable by its environment variable."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from settings.secrets import SECRETS_FILE, secrets_document
from settings.typed import Key, SettingsError, read_table

KEYS = (
    Key("smtp_host", "text", "the mail server; without it no email is sent", env="PULSE_SMTP_HOST"),
    Key("smtp_port", "int", "the mail server's port (default 587 with STARTTLS, else 25)", env="PULSE_SMTP_PORT",
        minimum=1, maximum=65535),
    Key("smtp_starttls", "bool", "encrypt with STARTTLS", default=True, env="PULSE_SMTP_STARTTLS"),
    Key("smtp_from", "text", "the sender's address", env="PULSE_SMTP_FROM"),
    Key("smtp_to", "texts", "who the email goes to", default=(), env="PULSE_SMTP_TO"),
    Key("smtp_username", "text", "the mail server's user name", env="PULSE_SMTP_USERNAME"),
    Key("smtp_password", "text", "the mail server's password", env="PULSE_SMTP_PASSWORD", secret=True),
    Key("webhook_url", "text", "a Slack or Teams incoming webhook", env="PULSE_ALERT_WEBHOOK", secret=True),
    Key("webhook_style", "text", "the webhook's kind", default="slack", env="PULSE_ALERT_WEBHOOK_STYLE",
        choices=("slack", "teams")),
    Key("dashboard_url", "text", "the dashboard's address, for links in alerts and the weekly briefing",
        env="PULSE_DASHBOARD_URL"),
    Key("briefing_to", "texts", "who the Monday briefing goes to (default: smtp_to)", default=(),
        env="PULSE_BRIEFING_TO"),
    Key("thread_min_score", "float", "the pile-on score that sends an immediate alert", default=50.0,
        env="PULSE_ALERT_THREAD_MIN_SCORE", minimum=0),
    Key("digest_hour", "int", "the hour (London time) from which the daily digest goes", default=7,
        env="PULSE_ALERT_DIGEST_HOUR", minimum=0, maximum=23),
)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True


@dataclass(frozen=True)
class AlertSettings:
    smtp: SmtpSettings | None = None
    webhook_url: str | None = field(default=None, repr=False)
    webhook_style: str = "slack"
    dashboard_url: str | None = None
    thread_min_score: float = 50.0
    thread_lookback_hours: float = 48.0
    digest_hour: int = 7  # London time: the digest goes on the first run at or after this hour
    briefing_to: tuple[str, ...] = ()  # the weekly briefing's readers (empty: smtp_to)

    @property
    def channels(self) -> list[str]:
        return [name for name, on in (("email", self.smtp), ("webhook", self.webhook_url)) if on]


def load_alert_settings(secrets_file: Path = SECRETS_FILE, environ: Mapping[str, str] | None = None) -> AlertSettings:
    """[alerts] from the secrets file, each value overridden by its environment variable when set."""
    where = f"[alerts] in {secrets_file}"
    raw = read_table(KEYS, secrets_document(secrets_file).get("alerts") or {}, where,
                     os.environ if environ is None else environ)
    smtp = None
    if raw["smtp_host"]:
        if not raw["smtp_to"]:
            raise SettingsError(f"{where}: smtp_to is missing: who should the email go to?")
        if not raw["smtp_from"]:
            raise SettingsError(f"{where}: smtp_from is missing: the sender's address")
        smtp = SmtpSettings(
            host=raw["smtp_host"], port=raw["smtp_port"] or (587 if raw["smtp_starttls"] else 25),
            sender=raw["smtp_from"], recipients=tuple(raw["smtp_to"]), username=raw["smtp_username"] or None,
            password=raw["smtp_password"] or None, starttls=raw["smtp_starttls"],
        )
    url = raw["webhook_url"] or None
    if url and not url.lower().startswith(("https://", "http://")):
        raise SettingsError(f"{where}: webhook_url must be an http(s) address")
    return AlertSettings(
        smtp=smtp, webhook_url=url, webhook_style=raw["webhook_style"],
        dashboard_url=_dashboard_url(raw["dashboard_url"], where),
        thread_min_score=raw["thread_min_score"], digest_hour=raw["digest_hour"],
        briefing_to=tuple(raw["briefing_to"]),
    )


def _dashboard_url(value: str | None, where: str) -> str | None:
    if not value:
        return None
    if not value.lower().startswith(("https://", "http://")):
        raise SettingsError(f"{where}: dashboard_url must be an http(s) address, e.g. https://pulse.example.gov.uk")
    return value.rstrip("/")


def load_dashboard_url(secrets_file: Path = SECRETS_FILE, environ: Mapping[str, str] | None = None) -> str | None:
    """Only the dashboard's address (for links in the briefing), read without the rest of [alerts]: a
    download of the briefing works whether or not email is set up."""
    where = f"[alerts] in {secrets_file}"
    (key,) = [k for k in KEYS if k.name == "dashboard_url"]
    raw = read_table((key,), secrets_document(secrets_file).get("alerts") or {}, where,
                     os.environ if environ is None else environ, allow_unknown=True)
    return _dashboard_url(raw["dashboard_url"], where)
