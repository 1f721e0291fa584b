"""Sending an alert: email over SMTP (plain text; the weekly briefing with HTML and a PDF), or a JSON
post to a Teams- or Slack-style webhook.

Failures become a DeliveryError whose message says what went wrong in words and
never carries a password or the webhook address (a webhook URL is itself a secret).
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

import httpx

from settings.alerts import SmtpSettings

TIMEOUT_S = 20.0
USER_AGENT = "CouncilPulse-alerts/1.0"


class DeliveryError(RuntimeError):
    """An alert could not be delivered; the message says why, without secrets."""


@dataclass(frozen=True)
class Part:
    """A file carried by an email: an attachment, or an image the HTML shows by its content id."""

    data: bytes
    maintype: str
    subtype: str
    filename: str | None = None
    cid: str | None = None  # for an inline image: <img src="cid:THIS">


def compose_email(smtp: SmtpSettings, subject: str, body: str, *, html: str | None = None,
                  inline: tuple[Part, ...] = (), attachments: tuple[Part, ...] = (),
                  recipients: tuple[str, ...] | None = None) -> EmailMessage:
    """Plain text, or plain text with an HTML alternative (its images inline), and attachments."""
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = ", ".join(recipients or smtp.recipients)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=smtp.sender.rpartition("@")[2] or None)
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
        html_part = message.get_payload()[-1]
        for part in inline:
            html_part.add_related(part.data, part.maintype, part.subtype, cid=f"<{part.cid}>",
                                  disposition="inline", filename=part.filename)
    for part in attachments:
        message.add_attachment(part.data, maintype=part.maintype, subtype=part.subtype, filename=part.filename)
    return message


def send_email(smtp: SmtpSettings, subject: str, body: str, timeout: float = TIMEOUT_S, *,
               message: EmailMessage | None = None) -> None:
    """Send `body` as a plain-text email to smtp's recipients, or `message` as it was composed."""
    if message is None:
        message = compose_email(smtp, subject, body)
    where = f"{smtp.host}:{smtp.port}"
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=timeout) as client:
            if smtp.starttls:
                client.starttls(context=ssl.create_default_context())
            if smtp.username:
                client.login(smtp.username, smtp.password or "")
            client.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise DeliveryError(f"the SMTP server {where} refused the username or password") from None
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError(f"the SMTP server {where} does not offer STARTTLS (set smtp_starttls = false if that is intended)") from None
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryError(f"the SMTP server {where} refused the recipients {', '.join(error.recipients)}") from None
    except smtplib.SMTPResponseException as error:
        text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
        raise DeliveryError(f"the SMTP server {where} answered {error.smtp_code} {text}".strip()) from None
    except (smtplib.SMTPException, ssl.SSLError) as error:
        raise DeliveryError(f"the SMTP conversation with {where} failed: {type(error).__name__}") from None
    except ConnectionRefusedError:
        raise DeliveryError(f"could not connect to the SMTP server {where} (connection refused)") from None
    except socket.gaierror:
        raise DeliveryError(f"could not connect to the SMTP server {where} (no such host)") from None
    except TimeoutError:
        raise DeliveryError(f"the SMTP server {where} did not answer within {timeout:.0f} s") from None
    except OSError as error:
        raise DeliveryError(f"could not reach the SMTP server {where} ({error.strerror or type(error).__name__})") from None


def webhook_payload(style: str, subject: str, text: str) -> dict:
    """The JSON a webhook expects: Slack's {"text"} or a Teams MessageCard."""
    if style == "teams":
        return {"@type": "MessageCard", "@context": "https://schema.org/extensions", "summary": subject,
                "title": subject, "text": text}
    return {"text": f"*{subject}*\n{text}"}


def post_webhook(url: str, style: str, subject: str, text: str, timeout: float = TIMEOUT_S) -> None:
    host = urlsplit(url).hostname or "the webhook"
    try:
        response = httpx.post(url, json=webhook_payload(style, subject, text), timeout=timeout,
                              headers={"User-Agent": USER_AGENT}, follow_redirects=False)
    except httpx.TimeoutException:
        raise DeliveryError(f"the webhook at {host} did not answer within {timeout:.0f} s") from None
    except httpx.ConnectError:
        raise DeliveryError(f"could not connect to the webhook at {host}") from None
    except httpx.HTTPError as error:
        raise DeliveryError(f"the webhook at {host} failed: {type(error).__name__}") from None
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"the webhook at {host} answered HTTP {response.status_code}")
