"""The Monday briefing: read one week (and the four before it) from the store, make the briefing
(analysis.briefing), lay it out (analysis.briefing_html) as a self-contained HTML file or a PDF printed
from that same HTML (WeasyPrint), record who made it, and mail it.

`briefing_file` is the one function behind `python -m analysis briefing` and the Weekly export page's
downloads, so both give the same content. `send_briefing` mails it (HTML body with its charts inline,
the PDF attached, a plain-text alternative) once per week and channel, retried after a failure, through
the alerts' record (store.alerts).
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from analysis.briefing import Briefing, Sources, canonical_week, make_briefing, weeks_up_to
from analysis.briefing_charts import channel_chart, daily_chart, to_png, to_svg
from analysis.briefing_html import render_html, render_text
from analysis.export import parse_iso_week
from analysis.report import weekly_response_times
from analysis.spikes import SpikeRules, detect_group_spikes, spike_alerts
from jobs.delivery import DeliveryError, Part, compose_email, send_email
from jobs.export import record_export
from settings.alerts import AlertSettings, load_dashboard_url
from settings.clock import london_date, london_midnight_utc
from store.alerts import record_attempt, sent_keys
from store.briefing import council_account_names, replies_of
from store.db import connect, transaction
from store.export import items_between
from store.queries import flagged_queue, is_demo
from store.trends import daily_spike_counts
from store.triage import flag_events_between, response_times

FORMATS = ("html", "pdf")
CHARTS = {"daily": daily_chart, "channels": channel_chart}


class BriefingError(ValueError):
    """A briefing asked for in a way that cannot be made (an unknown format)."""


def read_sources(con, week: str, dashboard_url: str | None = None) -> Sources:
    """Everything the briefing of `week` needs, from one read-only connection."""
    weeks = weeks_up_to(week)
    first, _ = parse_iso_week(weeks[0])
    start, end = parse_iso_week(week)
    threads = flagged_queue(con, start, end, None, None, None, 5)
    return Sources(
        items=items_between(con, first, end),
        flag_events=flag_events_between(con, first, end),
        threads=threads,
        replies=replies_of(con, threads["thread_key"].tolist()),
        spikes=week_spikes(con, start, end),
        response=weekly_response_times(response_times(con)),
        council_names=council_account_names(con),
        dashboard_url=dashboard_url,
        demo=is_demo(con),
    )


def week_spikes(con, start: datetime, end: datetime) -> list[str]:
    """The spikes of the week's days, per channel and per service area, in words (analysis.spikes)."""
    rules = SpikeRules()
    first_day, last_day = london_date(start), london_date(end - timedelta(hours=12))
    days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    history = london_midnight_utc(first_day - timedelta(days=rules.baseline_days))
    until = london_midnight_utc(last_day + timedelta(days=1))
    found = [detect_group_spikes(daily_spike_counts(con, history, until, None, by), days, by, rules)
             for by in ("source", "service_area")]
    texts = []
    for spikes in found:
        if len(spikes):
            texts += spike_alerts(spikes).sort_values(["day", "score"], ascending=[True, False])["text"].tolist()
    return texts


def build_briefing(db, week: str, dashboard_url: str | None = None) -> Briefing:
    week = canonical_week(week)
    with connect(db, read_only=True) as con:
        sources = read_sources(con, week, dashboard_url)
    return make_briefing(week, sources)


def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def briefing_html(briefing: Briefing) -> str:
    """The self-contained HTML page: charts inline as SVG data, styles inline."""
    charts = {name: _data_uri("image/svg+xml", to_svg(draw(_chart_frame(briefing, name))).encode("utf-8"))
              for name, draw in CHARTS.items()}
    return render_html(briefing, charts)


def _chart_frame(briefing: Briefing, name: str):
    return briefing.daily if name == "daily" else briefing.channel_classes


def pdf_from_html(html: str) -> bytes:
    """Print the HTML page to PDF. Only data: addresses are fetched: the page has nothing else, and a
    stray address in it must never make the printer reach out."""
    from weasyprint import HTML  # a second or two to import: only when a PDF is asked for
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


def render(briefing: Briefing, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise BriefingError(f"a briefing is .html or .pdf, not .{fmt}")
    html = briefing_html(briefing)
    return html.encode("utf-8") if fmt == "html" else pdf_from_html(html)


def briefing_file(db, week: str, fmt: str, *, actor: str) -> bytes:
    """The briefing of `week` as HTML or PDF bytes, its thread links to the configured dashboard_url;
    recorded in the audit log under `actor`. The command line and the dashboard's download both call this."""
    week = canonical_week(week)
    data = render(build_briefing(db, week, load_dashboard_url()), fmt)
    record_export(db, actor, f"weekly briefing {week} ({fmt.upper()})")
    return data


# --- By email --------------------------------------------------------------------------------


def briefing_email(briefing: Briefing, settings: AlertSettings):
    """The briefing as an email: plain text, the HTML with its charts as inline PNG (email clients show
    PNG, not always SVG), and the PDF attached."""
    charts = {name: to_png(draw(_chart_frame(briefing, name))) for name, draw in CHARTS.items()}
    inline = tuple(Part(png, "image", "png", filename=f"{name}.png", cid=f"{name}@council-pulse")
                   for name, png in charts.items())
    html = render_html(briefing, {name: f"cid:{name}@council-pulse" for name in charts})
    pdf = Part(pdf_from_html(briefing_html(briefing)), "application", "pdf",
               filename=f"council-pulse-briefing-{briefing.week}.pdf")
    return compose_email(
        settings.smtp, f"Council Pulse weekly briefing: {briefing.heading}", render_text(briefing),
        html=html, inline=inline, attachments=(pdf,), recipients=settings.briefing_to or None,
    )


def send_briefing(db, settings: AlertSettings, week: str, *, actor: str) -> bool:
    """Mail the briefing of `week` to the briefing's readers: True when sent now, False when it had
    already gone. A failure is recorded (the next run tries again) and raised as a DeliveryError."""
    if settings.smtp is None:
        raise DeliveryError("the briefing goes by email: set smtp_host, smtp_from and smtp_to in [alerts]")
    week = canonical_week(week)
    key = f"briefing:{week}"
    with connect(db, read_only=True) as con:
        if key in sent_keys(con, [key], "email"):
            return False
    message = briefing_email(build_briefing(db, week, settings.dashboard_url), settings)
    subject, error = str(message["Subject"]), None
    try:
        send_email(settings.smtp, subject, "", message=message)
    except DeliveryError as failure:
        error = str(failure)
    with connect(db) as con, transaction(con):
        record_attempt(con, key, "briefing", "email", subject, _utcnow(), error)
    if error is not None:
        raise DeliveryError(error)
    record_export(db, actor, f"weekly briefing {week} (emailed to {len(message['To'].addresses)} recipients)")
    return True


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
