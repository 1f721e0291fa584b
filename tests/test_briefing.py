"""The Monday briefing on the seeded database with planted phrases and hostile text: its numbers and
changes (computed here from the store, apart from the code under test), the flagged threads, the
planted phrases, a self-contained and escaped HTML file, a PDF read back, the CLI and the emailed digest."""

from __future__ import annotations

import email
import io
import os
import re
import subprocess
import sys
from datetime import timedelta
from email import policy
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from analysis.briefing import Briefing, canonical_week, weeks_up_to
from analysis.export import parse_iso_week
from jobs.briefing import briefing_file, briefing_html, build_briefing, render
from settings.sources import SourceConfig
from store import triage
from store.db import connect
from tests.conftest import ROOT
from tests.factories import comment, post, store_items
from tests.seed import PILE_ON_REASON

pypdf = pytest.importorskip("pypdf")

LONDON = ZoneInfo("Europe/London")
JO = triage.Actor("jo@council.gov.uk", triage.OFFICER)
DASHBOARD = "https://pulse.example.gov.uk"
HOSTILE_SOURCE = 'Forum <b onmouseover="x()">& co</b>'
NEGATIVE_PHRASE = "library opening hours"
CONSTRUCTIVE_PHRASE = "bottle bank"
HOSTILE_SUGGESTION = (
    'Please add a bottle bank at Mill Lane <img src="http://evil.invalid/x.png"> <script>alert(1)</script> '
    "[link](http://evil.invalid) ![i](http://evil.invalid/i.png)"
)
PLANTED_NEGATIVE = [
    f"Cutting the {NEGATIVE_PHRASE} again is a disgrace",
    f"The {NEGATIVE_PHRASE} are hopeless for working parents",
    f"Who decided the new {NEGATIVE_PHRASE}? Awful",
    f"Shorter {NEGATIVE_PHRASE} mean I can never go",
]
PLANTED_CONSTRUCTIVE = [
    HOSTILE_SUGGESTION,
    f"Could you put a {CONSTRUCTIVE_PHRASE} by the station car park please",
    f"A {CONSTRUCTIVE_PHRASE} at the leisure centre would help, it is always full at the tip",
]


def iso_week_of(stamp) -> str:
    year, week, _ = stamp.replace(tzinfo=ZoneInfo("UTC")).astimezone(LONDON).isocalendar()
    return f"{year}-W{week:02d}"


@pytest.fixture
def briefing_db(seeded_db):
    """The seeded store, its pile-on's week chosen, with phrases and hostile text planted in that week
    (labelled by an officer, so the models' own labels do not matter) and the pile-on acknowledged and
    assigned."""
    root = next(i for i in seeded_db.items if i.key == seeded_db.pile_on_key)
    week = iso_week_of(root.created_at)
    start, _ = parse_iso_week(week)
    source = SourceConfig(HOSTILE_SOURCE, "guardian", {"discussions": ["/p/planted"]})
    texts = PLANTED_NEGATIVE + PLANTED_CONSTRUCTIVE
    at = start + timedelta(hours=30)
    items = [post("/p/planted", "Library and recycling changes", at)] + [
        comment(f"planted{n}", text, at + timedelta(minutes=5 + n), "/p/planted", author=f"planter{n}")
        for n, text in enumerate(texts)
    ]
    with connect(seeded_db.path) as con:
        store_items(con, source, items)
    from jobs.scoring import score_pending

    score_pending(seeded_db.path)
    negative = [f"guardian:planted{n}" for n in range(len(PLANTED_NEGATIVE))]
    constructive = [f"guardian:planted{n}" for n in range(len(PLANTED_NEGATIVE), len(texts))]
    with connect(seeded_db.path) as con:
        # stored as written, as if the cleaner had let it through (tests/seed.py does the same)
        con.execute("UPDATE items SET text = ? WHERE key = ?", [HOSTILE_SUGGESTION, constructive[0]])
        triage.correct_label(con, JO, negative, "feedback_class", "negative")
        triage.correct_label(con, JO, constructive, "feedback_class", "constructive")
        triage.set_status(con, JO, seeded_db.pile_on_key, "acknowledged")
        triage.assign(con, JO, seeded_db.pile_on_key, "Sam Patel")
    return seeded_db, week


# --- Counted here, from the store, apart from the code under test --------------------------------


def stored_public_items(path) -> pd.DataFrame:
    """Every public item with the class a reader sees, worked out here: an officer's class wins, else a
    sentiment correction unless the model said constructive, else the model's class."""
    with connect(path, read_only=True) as con:
        frame = con.execute(
            """SELECT i.key, i.created_at, i.is_council, i.deleted_at, src.name AS source, s.feedback_class,
                      s.hostile, s.service_area,
                      (SELECT value FROM label_corrections c WHERE c.item_key = i.key AND c.field = 'feedback_class') AS fc,
                      (SELECT value FROM label_corrections c WHERE c.item_key = i.key AND c.field = 'sentiment') AS sc
               FROM items i JOIN sources src ON src.id = i.source_id LEFT JOIN scores s ON s.item_key = i.key"""
        ).df()
    frame = frame[~frame["is_council"] & frame["deleted_at"].isna()].copy()
    frame["cls"] = [
        fc if isinstance(fc, str) else (model if model == "constructive" or not isinstance(sc, str) else sc)
        for fc, sc, model in zip(frame["fc"], frame["sc"], frame["feedback_class"])
    ]
    return frame


def in_week(frame: pd.DataFrame, week: str) -> pd.DataFrame:
    start, end = parse_iso_week(week)
    return frame[(frame["created_at"] >= start) & (frame["created_at"] < end)]


def signed(diff: int) -> str:
    return "no change" if diff == 0 else f"{'+' if diff > 0 else '−'}{abs(diff):,}"


def test_the_week_in_numbers_matches_the_store(briefing_db):
    seeded, week = briefing_db
    briefing = build_briefing(seeded.path, week, DASHBOARD)
    items = stored_public_items(seeded.path)
    weeks = weeks_up_to(week)
    assert weeks[-1] == week and len(weeks) == 5
    now, last = in_week(items, week), in_week(items, weeks[-2])
    earlier = [in_week(items, w) for w in weeks[:-1]]
    figures = briefing.figures.set_index("Measure")

    row = figures.loc["Public posts, comments and mentions"]
    assert row["This week"] == f"{len(now):,}" and row["Last week"] == f"{len(last):,}"
    assert row["Change"].startswith(signed(len(now) - len(last)))
    average = sum(len(f) for f in earlier) / 4
    assert row["4-week average"] == (f"{average:,.0f}" if average.is_integer() else f"{average:,.1f}")

    scored_now, scored_last = now[now["cls"].notna()], last[last["cls"].notna()]
    for measure, cls in (("Share negative", "negative"), ("Share constructive", "constructive")):
        share_now = (scored_now["cls"] == cls).mean()
        share_last = (scored_last["cls"] == cls).mean()
        pooled = pd.concat(earlier)
        pooled = pooled[pooled["cls"].notna()]
        assert figures.loc[measure, "This week"] == f"{round(100 * share_now)}%"
        assert figures.loc[measure, "Last week"] == f"{round(100 * share_last)}%"
        assert figures.loc[measure, "4-week average"] == f"{round(100 * (pooled['cls'] == cls).mean())}%"
        points = round(100 * share_now - 100 * share_last)
        assert figures.loc[measure, "Change"] == ("no change" if points == 0 else
                                                 f"{'+' if points > 0 else '−'}{abs(points)} points")
    hostile = int(now["hostile"].fillna(False).astype(bool).sum())
    assert figures.loc["Hostile items", "This week"] == f"{hostile:,}"

    # Per channel and per service area, the rows add up to the Total and the Total to the week.
    for table, column in ((briefing.channels, "Channel"), (briefing.areas, "Service area")):
        body, total = table.iloc[:-1], table.iloc[-1]
        assert total[column] == "Total" and total["Items"] == f"{len(now):,}"
        assert sum(int(v.replace(",", "")) for v in body["Items"]) == len(now)
    channels = briefing.channels.set_index("Channel")
    for source, count in now.groupby("source").size().items():
        assert channels.loc[source, "Items"] == f"{count:,}"
        before = int((last["source"] == source).sum())
        assert channels.loc[source, "vs last week"].startswith(signed(count - before))


def test_headline_words_say_the_numbers(briefing_db):
    seeded, week = briefing_db
    briefing = build_briefing(seeded.path, week, DASHBOARD)
    now = in_week(stored_public_items(seeded.path), week)
    assert briefing.headlines[0].startswith(f"{len(now):,} public posts, comments and mentions this week")
    negative = round(100 * (now.loc[now["cls"].notna(), "cls"] == "negative").mean())
    assert briefing.headlines[1].startswith(f"{negative}% were negative")


def test_the_flagged_threads_with_reason_status_assignee_and_link(briefing_db):
    seeded, week = briefing_db
    briefing = build_briefing(seeded.path, week, DASHBOARD)
    pile_on = next(t for t in briefing.threads if t.reason == PILE_ON_REASON)
    assert (pile_on.status, pile_on.assignee) == ("Acknowledged", "Sam Patel")
    assert pile_on.link == f"{DASHBOARD}/thread?thread={seeded.pile_on_key.replace(':', '%3A')}"
    assert "after our reply" in pile_on.reply  # the council answered in the pile-on
    html = briefing_html(briefing)
    assert f'href="{pile_on.link}"' in html and "Sam Patel" in html
    assert briefing.thread_links_note is None


def test_without_the_dashboards_address_the_briefing_says_so(briefing_db):
    seeded, week = briefing_db
    briefing = build_briefing(seeded.path, week, None)
    assert all(t.link is None for t in briefing.threads)
    assert "dashboard_url" in briefing.thread_links_note
    assert "dashboard_url" in briefing_html(briefing)


def test_the_planted_phrases_rise(briefing_db):
    seeded, week = briefing_db
    briefing = build_briefing(seeded.path, week, DASHBOARD)
    negative = briefing.phrases["negative"].set_index("phrase")
    assert negative.loc[NEGATIVE_PHRASE, "items"] == len(PLANTED_NEGATIVE)
    assert NEGATIVE_PHRASE in negative.loc[NEGATIVE_PHRASE, "example"].lower()
    constructive = briefing.phrases["constructive"]["phrase"].tolist()
    assert CONSTRUCTIVE_PHRASE in constructive
    assert not any("council" in p or "examplecouncil" in p for p in [*negative.index, *constructive])
    quoted = [q.text for _, quotes in briefing.suggestions for q in quotes]
    assert any(CONSTRUCTIVE_PHRASE in q for q in quoted)
    assert all("planter" not in q.where for _, quotes in briefing.suggestions for q in quotes)  # never named


class Assets(HTMLParser):
    """Every address an HTML page would load by itself (src, link href, CSS url()), and its text."""

    def __init__(self):
        super().__init__()
        self.loads: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.handlers = getattr(self, "handlers", []) + [name for name, _ in attrs if name.startswith("on")]
        attrs = dict(attrs)
        for name in ("src", "srcset", "data", "poster", "background"):
            if attrs.get(name):
                self.loads.append(attrs[name])
        if tag == "link" and attrs.get("href"):
            self.loads.append(attrs["href"])
        if attrs.get("style"):
            self.loads += re.findall(r"url\(([^)]*)\)", attrs["style"])
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.loads += re.findall(r"url\(([^)]*)\)", data) + re.findall(r"@import\s+([^;]+)", data)
        else:
            self.text.append(data)


def test_the_html_loads_nothing_from_outside_and_escapes_the_public(briefing_db):
    seeded, week = briefing_db
    html = briefing_html(build_briefing(seeded.path, week, DASHBOARD))
    page = Assets()
    page.feed(html)
    assert page.loads and all(src.startswith("data:") for src in page.loads), page.loads
    assert not {"script", "iframe", "object", "embed", "link"} & set(page.tags)
    assert not getattr(page, "handlers", [])  # no onmouseover from the planted source name
    assert [t for t in page.tags if t == "img"] == ["img", "img"]  # the two charts, nothing planted
    assert "evil.invalid" not in "".join(page.loads)
    text = "".join(page.text)
    assert '<script>alert(1)</script>' in text and '<img src="http://evil.invalid/x.png">' in text  # shown as text
    assert HOSTILE_SOURCE in text  # a source's name is text too
    assert "&lt;script&gt;" in html


def test_a_valid_pdf_holding_the_numbers(briefing_db):
    seeded, week = briefing_db
    briefing = build_briefing(seeded.path, week, DASHBOARD)
    data = render(briefing, "pdf")
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert 1 <= len(reader.pages) <= 3
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    figures = briefing.figures.set_index("Measure")
    assert "Weekly briefing" in text and briefing.heading in text
    assert f"Public posts, comments and mentions {figures.loc['Public posts, comments and mentions', 'This week']}" \
        in text
    assert NEGATIVE_PHRASE in text and "Threads that mattered" in text and "Sam Patel" in text


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def test_cli_writes_the_same_html_as_the_download_and_records_who(briefing_db, tmp_path):
    seeded, week = briefing_db
    out = tmp_path / "briefing.html"
    result = run_cli("briefing", "--week", week, "--db", str(seeded.path), "-o", str(out),
                     env={"PULSE_DASHBOARD_URL": DASHBOARD})
    assert result.returncode == 0, result.stderr
    assert f"wrote the briefing for {week} (HTML" in result.stdout
    os.environ["PULSE_DASHBOARD_URL"] = DASHBOARD
    try:
        downloaded = briefing_file(seeded.path, week.lower().replace("-", ""), "html", actor="Jo")
    finally:
        del os.environ["PULSE_DASHBOARD_URL"]
    assert out.read_bytes() == downloaded
    with connect(seeded.path, read_only=True) as con:
        exports = triage.audit_log(con, actions=["export"])[["actor", "value"]].values.tolist()
    assert [v for _, v in exports] == [f"weekly briefing {week} (HTML)"] * 2
    assert exports[0][0] == "Jo" and exports[1][0].startswith("cli")


@pytest.mark.parametrize("args, message", [
    (["-o", "x.docx"], "name it .html or .pdf"),
    (["-o", "/nonexistent-folder/b.pdf"], "there is no folder"),
])
def test_cli_mistakes_are_one_line(briefing_db, args, message):
    seeded, week = briefing_db
    result = run_cli("briefing", "--week", week, "--db", str(seeded.path), *args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_refuses_a_blank_exporter(briefing_db):
    seeded, week = briefing_db
    with pytest.raises(ValueError):
        briefing_file(seeded.path, week, "html", actor="  ")


def test_canonical_week():
    assert canonical_week(" 2026w48 ") == "2026-W48"
    assert weeks_up_to("2026-W02") == ["2025-W50", "2025-W51", "2025-W52", "2026-W01", "2026-W02"]


def test_an_empty_week_still_makes_a_briefing(db_path):
    from store.db import connect as open_db

    with open_db(db_path):
        pass
    briefing = build_briefing(db_path, "2026-W48", None)
    assert isinstance(briefing, Briefing)
    assert briefing.headlines[0].startswith("Nothing was posted")
    assert render(briefing, "pdf").startswith(b"%PDF-")


# --- By email ---------------------------------------------------------------------------------

aiosmtpd = pytest.importorskip("aiosmtpd.controller")


def test_the_emailed_briefing_arrives_with_html_text_charts_and_pdf(briefing_db):
    from tests.test_alerts import Inbox, free_port

    seeded, week = briefing_db
    inbox = Inbox()
    controller = aiosmtpd.Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = {"PULSE_SMTP_HOST": "127.0.0.1", "PULSE_SMTP_PORT": str(controller.port), "PULSE_SMTP_STARTTLS": "false",
           "PULSE_SMTP_FROM": "pulse@council.example", "PULSE_SMTP_TO": "duty@council.example",
           "PULSE_BRIEFING_TO": "comms-lead@council.example,chief@council.example",
           "PULSE_DASHBOARD_URL": DASHBOARD}
    try:
        first = run_cli("alerts", "--briefing", "--week", week, "--db", str(seeded.path), env=env)
        again = run_cli("alerts", "--briefing", "--week", week, "--db", str(seeded.path), env=env)
    finally:
        controller.stop()
    assert first.returncode == 0, first.stderr
    assert f"sent the briefing for {week}" in first.stdout and "already sent" in again.stdout
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert sorted(inbox.envelopes[0].rcpt_tos) == ["chief@council.example", "comms-lead@council.example"]
    assert "weekly briefing" in str(message["Subject"])
    parts = {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}
    assert set(parts) == {"text/plain", "text/html", "image/png", "application/pdf"}
    images = [p for p in message.walk() if p.get_content_type() == "image/png"]
    html = parts["text/html"].get_content()
    for image in images:
        assert f'src="cid:{image["Content-ID"].strip("<>")}"' in html
        assert image.get_content().startswith(b"\x89PNG")
    assert len(images) == 2
    assert PILE_ON_REASON in parts["text/plain"].get_content()
    pdf = parts["application/pdf"]
    assert pdf.get_filename() == f"council-pulse-briefing-{week}.pdf"
    reader = pypdf.PdfReader(io.BytesIO(pdf.get_content()))
    assert NEGATIVE_PHRASE in " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert email.message_from_bytes(message.as_bytes(), policy=policy.default)["To"]
