"""Alerts that reach people: a daily digest, and immediate alerts for spikes and new pile-ons.

`python -m analysis alerts` runs `run_alerts` from a scheduler (every 15 minutes is
fine). Each alert has a key (`spike:SOURCE_ID:DAY`, `thread:KEY`, `digest:DAY`);
once an alert is delivered on a channel it is never sent there again, and a failed
delivery is recorded in words and tried again on the next run. Silenced threads
never alert.

Settings come from the `[alerts]` table of .streamlit/secrets.toml, each
overridable by an environment variable (see SETTINGS). Webhook messages carry
only our own words (source names, reasons, scores, a link); the public's text
goes only into plain-text email.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from jobs.delivery import DeliveryError, SmtpSettings, post_webhook, send_email
from analysis.export import LONDON
from analysis.spikes import SpikeRules, detect_spikes
from collectors.config import SECRETS_FILE
from store.alerts import daily_negative, new_flagged_threads, record_attempt, sent_keys
from store.db import connect, transaction
from store.queries import OPEN_STATUSES, flagged_queue, period_summary

# setting -> environment variable that overrides [alerts] in secrets.toml
SETTINGS = {
    "smtp_host": "PULSE_SMTP_HOST",
    "smtp_port": "PULSE_SMTP_PORT",
    "smtp_from": "PULSE_SMTP_FROM",
    "smtp_to": "PULSE_SMTP_TO",  # comma-separated in the environment; a list in secrets.toml
    "smtp_username": "PULSE_SMTP_USERNAME",
    "smtp_password": "PULSE_SMTP_PASSWORD",
    "smtp_starttls": "PULSE_SMTP_STARTTLS",
    "webhook_url": "PULSE_ALERT_WEBHOOK",
    "webhook_style": "PULSE_ALERT_WEBHOOK_STYLE",  # slack (default) or teams
    "dashboard_url": "PULSE_DASHBOARD_URL",
    "thread_min_score": "PULSE_ALERT_THREAD_MIN_SCORE",
    "digest_hour": "PULSE_ALERT_DIGEST_HOUR",
}
EXCERPT_CHARS = 160


class AlertConfigError(ValueError):
    """Alert settings missing or wrong; the message names the setting, never a secret's value."""


@dataclass(frozen=True)
class AlertSettings:
    smtp: SmtpSettings | None = None
    webhook_url: str | None = field(default=None, repr=False)
    webhook_style: str = "slack"
    dashboard_url: str | None = None
    thread_min_score: float = 50.0
    thread_lookback_hours: float = 48.0
    digest_hour: int = 7  # London time: the digest goes on the first run at or after this hour
    spikes: SpikeRules = SpikeRules()

    @property
    def channels(self) -> list[str]:
        return [name for name, on in (("email", self.smtp), ("webhook", self.webhook_url)) if on]


@dataclass(frozen=True)
class Alert:
    key: str
    kind: str  # spike | thread | digest
    subject: str
    body: str  # plain text, for email
    summary: str  # our own words only, for webhooks


@dataclass(frozen=True)
class Outcome:
    alert: Alert
    channel: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


# --- Settings ---------------------------------------------------------------------


def _truthy(value: object, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise AlertConfigError(f"alerts setting {name} must be true or false")


def _number(value: object, name: str, kind: type) -> float | int:
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise AlertConfigError(f"alerts setting {name} must be a number") from None


def load_settings(
    secrets_file: Path = SECRETS_FILE, environ: Mapping[str, str] | None = None
) -> AlertSettings:
    """[alerts] from secrets.toml, each value overridden by its environment variable when set."""
    environ = os.environ if environ is None else environ
    try:
        table = tomllib.loads(Path(secrets_file).read_text(encoding="utf-8")).get("alerts", {})
    except FileNotFoundError:
        table = {}
    except tomllib.TOMLDecodeError as error:
        raise AlertConfigError(f"{secrets_file} is not valid TOML: {error}") from None
    if not isinstance(table, dict):
        raise AlertConfigError(f"[alerts] in {secrets_file} must be a table")
    raw = {name: table.get(name) for name in SETTINGS}
    for name, variable in SETTINGS.items():
        if environ.get(variable):
            raw[name] = environ[variable]

    smtp = None
    if raw["smtp_host"]:
        recipients = raw["smtp_to"] or []
        if isinstance(recipients, str):
            recipients = [r for r in (part.strip() for part in recipients.split(",")) if r]
        if not recipients:
            raise AlertConfigError("alerts setting smtp_to is missing: who should the email go to?")
        if not raw["smtp_from"]:
            raise AlertConfigError("alerts setting smtp_from is missing: the sender's address")
        starttls = True if raw["smtp_starttls"] is None else _truthy(raw["smtp_starttls"], "smtp_starttls")
        smtp = SmtpSettings(
            host=str(raw["smtp_host"]),
            port=int(_number(raw["smtp_port"] or (587 if starttls else 25), "smtp_port", int)),
            sender=str(raw["smtp_from"]),
            recipients=tuple(str(r) for r in recipients),
            username=str(raw["smtp_username"]) if raw["smtp_username"] else None,
            password=str(raw["smtp_password"]) if raw["smtp_password"] else None,
            starttls=starttls,
        )
    style = str(raw["webhook_style"] or "slack").lower()
    if style not in ("slack", "teams"):
        raise AlertConfigError("alerts setting webhook_style must be slack or teams")
    url = str(raw["webhook_url"]) if raw["webhook_url"] else None
    if url and not url.lower().startswith(("https://", "http://")):
        raise AlertConfigError("alerts setting webhook_url must be an http(s) address")
    settings = AlertSettings(
        smtp=smtp,
        webhook_url=url,
        webhook_style=style,
        dashboard_url=str(raw["dashboard_url"]).rstrip("/") if raw["dashboard_url"] else None,
        thread_min_score=float(_number(raw["thread_min_score"] or 50, "thread_min_score", float)),
        digest_hour=int(_number(raw["digest_hour"] if raw["digest_hour"] is not None else 7, "digest_hour", int)),
    )
    if not 0 <= settings.digest_hour <= 23:
        raise AlertConfigError("alerts setting digest_hour must be an hour, 0 to 23")
    return settings


# --- What to say (pure) ----------------------------------------------------------------


def _excerpt(title: object, text: object) -> str:
    line = " ".join(str(title if isinstance(title, str) and title else text or "").split())
    return line if len(line) <= EXCERPT_CHARS else line[: EXCERPT_CHARS - 1].rstrip() + "…"


def thread_link(settings: AlertSettings, thread_key: str) -> str | None:
    if not settings.dashboard_url:
        return None
    return f"{settings.dashboard_url}/thread?thread={quote(thread_key, safe='')}"


def thread_alerts(threads: pd.DataFrame, settings: AlertSettings) -> list[Alert]:
    """One alert per new high-score flagged thread (store.alerts.new_flagged_threads)."""
    alerts = []
    for row in threads.itertuples(index=False):
        subject = f"Council Pulse: new pile-on on {row.source} (score {row.pileon_score:.0f})"
        link = thread_link(settings, row.thread_key)
        lines = [f"Flagged: {row.reason}.", f"Source: {row.source}", f"Pile-on score: {row.pileon_score:.0f} / 100"]
        if link:
            lines.append(f"Open in the dashboard: {link}")
        body = "\n".join([
            *lines, "", f"Post: {_excerpt(row.title, row.text)}",
            f"Original: {row.url}" if isinstance(row.url, str) and row.url else "Original: not collected",
            "", "Silence the thread on its page in the dashboard to stop alerts about it.",
        ])
        alerts.append(Alert(f"thread:{row.thread_key}", "thread", subject, body, "\n".join(lines)))
    return alerts


def spike_alerts(spikes: pd.DataFrame) -> list[Alert]:
    """One alert per spike (analysis.spikes.detect_spikes)."""
    alerts = []
    for row in spikes.itertuples(index=False):
        subject = f"Council Pulse: spike in negative posts on {row.source} ({row.day:%d %b})"
        text = (
            f"{row.negative} negative items on {row.source} on {row.day:%A %d %B %Y} (UTC), "
            f"against a usual {row.baseline:g} a day (robust score {row.score:.1f})."
        )
        alerts.append(Alert(f"spike:{row.source_id}:{row.day:%Y-%m-%d}", "spike", subject, text, text))
    return alerts


def digest_alert(day: date, summary: dict, open_threads: pd.DataFrame, settings: AlertSettings) -> Alert:
    """The daily digest for one London day: volume, negative share, open flagged threads."""
    share = f"{summary['negative'] / summary['scored']:.0%}" if summary["scored"] else "–"
    lines = [
        f"{summary['items']:,} public items; {share} of the scored ones negative.",
        f"{summary['open_flagged']:,} open flagged threads were active.",
    ]
    listed = []
    for row in open_threads.itertuples(index=False):
        link = thread_link(settings, row.thread_key)
        listed.append(f"- {row.source}: {row.reason} (score {row.pileon_score:.0f})" + (f" {link}" if link else ""))
    if listed:
        lines += ["", "Most urgent open threads:", *listed]
    text = "\n".join(lines)
    return Alert(f"digest:{day:%Y-%m-%d}", "digest", f"Council Pulse daily digest for {day:%A %d %B %Y}", text, text)


def london_day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a London calendar day as naive UTC."""
    def utc(d: date) -> datetime:
        return datetime.combine(d, time(0), tzinfo=LONDON).astimezone(timezone.utc).replace(tzinfo=None)

    return utc(day), utc(day + timedelta(days=1))


# --- What is due, and sending it ------------------------------------------------------------


def due_alerts(con, now: datetime, settings: AlertSettings) -> list[Alert]:
    """Every alert that should exist at `now` (naive UTC), sent or not: spikes today and yesterday
    (UTC days), new pile-ons, and yesterday's digest once the digest hour has passed in London."""
    today = now.date()
    days = [today - timedelta(days=1), today]
    history_start = datetime.combine(today - timedelta(days=settings.spikes.baseline_days + 1), time())
    daily = daily_negative(con, history_start, datetime.combine(today + timedelta(days=1), time()))
    alerts = spike_alerts(detect_spikes(daily, days, settings.spikes))
    since = now - timedelta(hours=settings.thread_lookback_hours)
    alerts += thread_alerts(new_flagged_threads(con, since, settings.thread_min_score), settings)
    local = now.replace(tzinfo=timezone.utc).astimezone(LONDON)
    if local.hour >= settings.digest_hour:
        yesterday = local.date() - timedelta(days=1)
        start, end = london_day_bounds(yesterday)
        open_threads = flagged_queue(con, start, end, None, OPEN_STATUSES, None, 5)
        alerts.append(digest_alert(yesterday, period_summary(con, start, end), open_threads, settings))
    return alerts


Sender = Callable[[AlertSettings, Alert], None]


def _send_email(settings: AlertSettings, alert: Alert) -> None:
    send_email(settings.smtp, alert.subject, alert.body)


def _send_webhook(settings: AlertSettings, alert: Alert) -> None:
    post_webhook(settings.webhook_url, settings.webhook_style, alert.subject, alert.summary)


SENDERS: dict[str, Sender] = {"email": _send_email, "webhook": _send_webhook}


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def run_alerts(db, settings: AlertSettings, now: datetime | None = None) -> list[Outcome]:
    """Send every due alert not yet delivered on each configured channel; returns what happened."""
    if not settings.channels:
        raise AlertConfigError(
            f"no alert channel configured: set smtp_host, smtp_from and smtp_to, or webhook_url, "
            f"in [alerts] of {SECRETS_FILE} (or the PULSE_SMTP_* / PULSE_ALERT_WEBHOOK variables)"
        )
    now = now or _utcnow()
    with connect(db, read_only=True) as con:
        alerts = due_alerts(con, now, settings)
        done = {ch: sent_keys(con, [a.key for a in alerts], ch) for ch in settings.channels}
    outcomes = []
    broken: dict[str, str] = {}  # a channel that failed is not tried again in this run
    for alert in alerts:
        for channel in settings.channels:
            if alert.key in done[channel]:
                continue
            error = None
            if channel in broken:
                error = f"not tried: {broken[channel]}"
            else:
                try:
                    SENDERS[channel](settings, alert)
                except DeliveryError as failure:
                    error = broken[channel] = str(failure)
            with connect(db) as con, transaction(con):
                record_attempt(con, alert.key, alert.kind, channel, alert.subject, _utcnow(), error)
            outcomes.append(Outcome(alert, channel, error))
    return outcomes
