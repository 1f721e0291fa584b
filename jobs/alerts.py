"""Alerts that reach people: a daily digest, and immediate alerts for spikes and new pile-ons.

`python -m analysis alerts` runs `run_alerts` from a scheduler (every 15 minutes is
fine). Each alert has a key (`spike:SOURCE_ID:DAY`, `thread:KEY`, `digest:DAY`);
once an alert is delivered on a channel it is never sent there again, and a failed
delivery is recorded in words and tried again on the next run. Silenced threads
never alert.

Settings come from the `[alerts]` table of .streamlit/secrets.toml, each
overridable by an environment variable (settings.alerts). Webhook messages carry
only our own words (source names, reasons, scores, a link); the public's text
goes only into plain-text email.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

import pandas as pd

from analysis.spikes import SpikeRules, detect_spikes
from jobs.delivery import DeliveryError, post_webhook, send_email
from settings.alerts import AlertSettings
from settings.clock import LONDON, london_date, london_day_bounds, london_midnight_utc
from settings.secrets import SECRETS_FILE
from settings.typed import SettingsError
from store.alerts import daily_negative, new_flagged_threads, record_attempt, sent_keys
from store.db import connect, transaction
from store.queries import OPEN_STATUSES, flagged_queue, period_summary

EXCERPT_CHARS = 160
SPIKES = SpikeRules()  # the same rules as the dashboard's spikes


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
            f"{row.negative} negative items on {row.source} on {row.day:%A %d %B %Y} (UK time), "
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


# --- What is due, and sending it ------------------------------------------------------------


def due_alerts(con, now: datetime, settings: AlertSettings) -> list[Alert]:
    """Every alert that should exist at `now` (naive UTC), sent or not: spikes today and yesterday
    (London days), new pile-ons, and yesterday's digest once the digest hour has passed in London."""
    today = london_date(now)
    days = [today - timedelta(days=1), today]
    history_start = london_midnight_utc(today - timedelta(days=SPIKES.baseline_days + 1))
    daily = daily_negative(con, history_start, london_midnight_utc(today + timedelta(days=1)))
    alerts = spike_alerts(detect_spikes(daily, days, SPIKES))
    since = now - timedelta(hours=settings.thread_lookback_hours)
    alerts += thread_alerts(new_flagged_threads(con, since, settings.thread_min_score), settings)
    local = now.replace(tzinfo=UTC).astimezone(LONDON)
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
    return datetime.now(UTC).replace(tzinfo=None)


def run_alerts(db, settings: AlertSettings, now: datetime | None = None) -> list[Outcome]:
    """Send every due alert not yet delivered on each configured channel; returns what happened."""
    if not settings.channels:
        raise SettingsError(
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
