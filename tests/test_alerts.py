"""Alerts delivered to a real SMTP server on 127.0.0.1 (aiosmtpd) and a local webhook receiver:
sent once, not again on the next run; failures said in words and retried; silenced threads quiet."""

from __future__ import annotations

import dataclasses
import email
import json
import os
import socket
import subprocess
import sys
from datetime import timedelta
from email import policy

import pytest
from werkzeug import Response

from jobs.alerts import run_alerts
from jobs.delivery import DeliveryError, send_email
from settings.alerts import AlertSettings, SmtpSettings, load_alert_settings
from settings.typed import SettingsError
from store import triage
from store.alerts import alert_history
from store.db import connect
from tests.conftest import ROOT

aiosmtpd = pytest.importorskip("aiosmtpd.controller")

JO = triage.Actor("jo@council.gov.uk", triage.OFFICER)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = aiosmtpd.Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


def smtp_settings(port: int, **extra) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, sender="pulse@council.example",
                        recipients=("comms@council.example", "duty@council.example"), starttls=False, **extra)


@pytest.fixture
def pile_on_now(seeded_db):
    """A moment two hours into the seeded pile-on: a spike on Mastodon and a new flagged thread."""
    root = next(i for i in seeded_db.items if i.key == seeded_db.pile_on_key)
    return seeded_db, root.created_at + timedelta(hours=4)


def subjects(inbox: Inbox) -> list[str]:
    return [str(m["Subject"]).strip() for m in inbox.messages]  # a long subject is folded onto a second line


def test_alerts_reach_email_and_webhook_once(pile_on_now, smtp_server, httpserver):
    seeded, now = pile_on_now
    port, inbox = smtp_server
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    settings = AlertSettings(smtp=smtp_settings(port), webhook_url=httpserver.url_for("/hook"), digest_hour=0,
                             dashboard_url="http://pulse.example")

    outcomes = run_alerts(seeded.path, settings, now=now)
    assert outcomes and all(o.ok for o in outcomes)
    kinds = {o.alert.kind for o in outcomes}
    assert kinds == {"spike", "thread", "digest"}
    keys = {o.alert.key for o in outcomes}
    assert f"thread:{seeded.pile_on_key}" in keys
    assert all(k.startswith(f"spike:{seeded.source_ids['Mastodon @examplecouncil']}:")
               for k in keys if k.startswith("spike:"))
    assert len(inbox.messages) == len(keys) == len(httpserver.log)
    assert sorted(subjects(inbox)) == sorted(o.alert.subject for o in outcomes if o.channel == "email")
    assert inbox.envelopes[0].rcpt_tos == ["comms@council.example", "duty@council.example"]
    thread_mail = next(m for m in inbox.messages if "new pile-on" in str(m["Subject"]))
    body = thread_mail.get_content()
    assert "14 of 20 replies negative" in body and "From 1 March general waste" in body
    assert f"http://pulse.example/thread?thread={seeded.pile_on_key.replace(':', '%3A')}" in body
    posted = [json.loads(request.get_data()) for request, _ in httpserver.log]
    assert all(set(p) == {"text"} for p in posted)  # Slack style
    assert not any("From 1 March" in p["text"] for p in posted)  # no public text in webhooks

    assert run_alerts(seeded.path, settings, now=now) == []  # the next run sends nothing again
    assert run_alerts(seeded.path, settings, now=now + timedelta(minutes=15)) == []
    assert len(inbox.messages) == len(keys) and len(httpserver.log) == len(keys)
    with connect(seeded.path, read_only=True) as con:
        history = alert_history(con)
    assert len(history) == 2 * len(keys) and history["ok"].all()


def test_a_failing_smtp_server_is_reported_and_retried_next_run(pile_on_now, httpserver):
    seeded, now = pile_on_now
    port = free_port()  # nothing listens here yet
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    settings = AlertSettings(smtp=smtp_settings(port), webhook_url=httpserver.url_for("/hook"), digest_hour=0)
    first = run_alerts(seeded.path, settings, now=now)
    failed = [o for o in first if not o.ok]
    assert {o.channel for o in failed} == {"email"} and len(failed) == len({o.alert.key for o in first})
    assert f"could not connect to the SMTP server 127.0.0.1:{port} (connection refused)" == failed[0].error
    assert all(o.error.startswith("not tried: could not connect") for o in failed[1:])
    hooks = len(httpserver.log)

    inbox = Inbox()
    controller = aiosmtpd.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        second = run_alerts(seeded.path, settings, now=now)
    finally:
        controller.stop()
    assert all(o.ok and o.channel == "email" for o in second)
    assert sorted(subjects(inbox)) == sorted(o.alert.subject for o in failed)
    assert len(httpserver.log) == hooks  # the webhook had them already
    with connect(seeded.path, read_only=True) as con:
        errors = alert_history(con)["error"].dropna().tolist()
    assert errors and all("could not connect" in e for e in errors)


def test_a_failing_webhook_is_reported_and_retried(pile_on_now, httpserver):
    seeded, now = pile_on_now
    settings = AlertSettings(webhook_url=httpserver.url_for("/hook?token=s3cret"), webhook_style="teams")
    httpserver.expect_oneshot_request("/hook", method="POST").respond_with_response(Response("down", status=503))
    first = run_alerts(seeded.path, settings, now=now)
    assert [o.ok for o in first][0] is False
    assert first[0].error == f"the webhook at {httpserver.host} answered HTTP 503"
    assert all("s3cret" not in (o.error or "") for o in first)
    httpserver.expect_request("/hook", method="POST").respond_with_data("1")
    second = run_alerts(seeded.path, settings, now=now)
    assert sorted(o.alert.key for o in second) == sorted(o.alert.key for o in first)
    assert all(o.ok for o in second)
    card = json.loads(httpserver.log[-1][0].get_data())
    assert card["@type"] == "MessageCard" and card["title"] == second[-1].alert.subject


def test_silenced_threads_never_alert(pile_on_now, httpserver):
    seeded, now = pile_on_now
    with connect(seeded.path) as con:
        triage.set_silenced(con, JO, seeded.pile_on_key, True)
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    outcomes = run_alerts(seeded.path, AlertSettings(webhook_url=httpserver.url_for("/hook"), digest_hour=23), now=now)
    # Neither the thread nor the spike its replies made; a digest may or may not be due at this hour.
    assert {o.alert.kind for o in outcomes} <= {"digest"}


def test_a_closed_or_low_score_thread_does_not_alert(pile_on_now, httpserver):
    seeded, now = pile_on_now
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    high_bar = AlertSettings(webhook_url=httpserver.url_for("/hook"), thread_min_score=101)
    assert "thread" not in {o.alert.kind for o in run_alerts(seeded.path, high_bar, now=now)}
    with connect(seeded.path) as con:
        triage.set_status(con, JO, seeded.pile_on_key, "closed")
    assert "thread" not in {o.alert.kind for o in run_alerts(seeded.path, AlertSettings(
        webhook_url=httpserver.url_for("/hook")), now=now)}


def test_starttls_required_but_not_offered_is_refused_in_words(smtp_server):
    port, inbox = smtp_server
    with pytest.raises(DeliveryError, match="does not offer STARTTLS"):
        send_email(dataclasses.replace(smtp_settings(port), starttls=True), "subject", "body")
    assert inbox.messages == []


def test_settings_from_secrets_and_environment(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[alerts]\nsmtp_host = "mail.example"\nsmtp_from = "pulse@x.example"\nsmtp_to = ["a@x.example"]\n'
        'smtp_password = "hunter2"\nsmtp_username = "pulse"\nwebhook_url = "https://hooks.example/T/B/X"\n',
        encoding="utf-8",
    )
    settings = load_alert_settings(secrets, environ={"PULSE_SMTP_PORT": "2525", "PULSE_SMTP_TO": "b@x.example, c@x.example"})
    assert settings.smtp.port == 2525 and settings.smtp.recipients == ("b@x.example", "c@x.example")
    assert settings.smtp.starttls is True and settings.channels == ["email", "webhook"]
    assert "hunter2" not in repr(settings) and "hooks.example" not in repr(settings)
    assert load_alert_settings(tmp_path / "none.toml", environ={}).channels == []
    with pytest.raises(SettingsError, match="smtp_to is missing"):
        load_alert_settings(tmp_path / "none.toml", environ={"PULSE_SMTP_HOST": "h", "PULSE_SMTP_FROM": "f@x"})
    with pytest.raises(SettingsError, match="smtp_port in the environment variable PULSE_SMTP_PORT must be a whole number"):
        load_alert_settings(secrets, environ={"PULSE_SMTP_PORT": "lots"})


def test_cli_without_a_channel_is_one_line(seeded_db, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_SMTP") and k != "PULSE_ALERT_WEBHOOK"}
    result = subprocess.run([sys.executable, "-m", "analysis", "alerts", "--db", str(seeded_db.path)],
                            cwd=tmp_path, capture_output=True, text=True, env={**env, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2 and "no alert channel configured" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_sends_and_reports(seeded_db, tmp_path, httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    env = {**os.environ, "PULSE_ALERT_WEBHOOK": httpserver.url_for("/hook"),
           "PULSE_ALERT_DIGEST_HOUR": "0", "PYTHONPATH": str(ROOT)}
    def run():
        return subprocess.run([sys.executable, "-m", "analysis", "alerts", "--db", str(seeded_db.path)],
                              cwd=tmp_path, capture_output=True, text=True, env=env)

    first = run()
    assert first.returncode == 0, first.stderr
    assert "sent by webhook: Council Pulse daily digest" in first.stdout
    second = run()
    assert second.returncode == 0 and second.stdout.strip() == "nothing new to send"
