"""The weekly report (items + summary CSV), the corrections file and response times per week."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from analysis.export import parse_iso_week
from analysis.report import SUMMARY_COLUMNS, TRAINING_COLUMNS, summary_table, weekly_response_times
from store import triage
from store.db import connect
from store.triage import Actor
from tests.conftest import ROOT

LONDON = ZoneInfo("Europe/London")
JO = Actor("jo@council.gov.uk", triage.OFFICER)


def read_csv(path) -> list[dict]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=ROOT, capture_output=True, text=True)


def london_day(stamp: datetime) -> str:
    return stamp.replace(tzinfo=ZoneInfo("UTC")).astimezone(LONDON).strftime("%Y-%m-%d")


def iso_week_of(stamp: datetime) -> str:
    year, week, _ = stamp.replace(tzinfo=ZoneInfo("UTC")).astimezone(LONDON).isocalendar()
    return f"{year}-W{week:02d}"


@pytest.fixture
def pile_on_week(seeded_db):
    """The seeded database with the pile-on's week chosen, one thread flagged and closed inside it,
    and one flagged before and closed after it (neither counted)."""
    root = next(i for i in seeded_db.items if i.key == seeded_db.pile_on_key)
    week = iso_week_of(root.created_at)
    start, end = parse_iso_week(week)
    with connect(seeded_db.path) as con:
        con.execute("UPDATE threads SET flagged_at = NULL")
        con.execute("UPDATE threads SET flagged_at = ? WHERE thread_key = ?", [start + timedelta(hours=12),
                                                                                seeded_db.pile_on_key])
        con.execute("UPDATE threads SET flagged_at = ? WHERE thread_key = ?", [start - timedelta(hours=1),
                                                                                seeded_db.reddit_flagged_key])
        triage.set_status(con, JO, seeded_db.pile_on_key, "closed", at=start + timedelta(hours=40))
        triage.set_status(con, JO, seeded_db.reddit_flagged_key, "closed", at=end)
    return seeded_db, week, start, end


def test_export_writes_items_and_summary_that_add_up(pile_on_week, tmp_path):
    seeded, week, start, end = pile_on_week
    out = tmp_path / "items.csv"
    result = run_cli("export", "--week", week, "-o", str(out), "--db", str(seeded.path))
    assert result.returncode == 0, result.stderr
    summary_file = tmp_path / "items-summary.csv"
    assert f"-> {summary_file}" in result.stdout

    in_week = [i for i in seeded.items if start <= i.created_at < end]
    items = read_csv(out)
    assert len(items) == len(in_week) and len(in_week) > 30
    assert sorted(r["item_key"] for r in items) == sorted(i.key for i in in_week)

    summary = read_csv(summary_file)
    assert list(summary[0]) == SUMMARY_COLUMNS
    public = [i for i in in_week if not i.is_council]
    volume = Counter()
    for r in summary:
        volume[(r["day"], r["source"])] += int(r["volume"])
    assert +volume == Counter((london_day(i.created_at), i.source) for i in public)
    for cls in ("negative", "neutral", "positive", "constructive", "unscored"):
        assert sum(int(r[cls]) for r in summary) == sum(1 for i in public if i.expected_class == cls), cls
    assert sum(int(r["council_items"]) for r in summary) == sum(1 for i in in_week if i.is_council)
    assert sum(int(r["volume"]) + int(r["council_items"]) for r in summary) == len(items)
    # Service areas split the rows exactly as the items file labels its items.
    by_area = Counter()
    for r in summary:
        by_area[(r["day"], r["source"], r["service_area"])] += int(r["volume"])
    labelled = {i.key: (london_day(i.created_at), i.source) for i in public}
    assert +by_area == Counter((*labelled[r["item_key"]], r["service_area"]) for r in items if r["item_key"] in labelled)
    opened = [(r["day"], r["source"]) for r in summary if r["flagged_opened"] != "0"]
    closed = [(r["day"], r["source"]) for r in summary if r["flagged_closed"] != "0"]
    assert opened == [(london_day(start + timedelta(hours=12)), "Mastodon @examplecouncil")]
    assert closed == [(london_day(start + timedelta(hours=40)), "Mastodon @examplecouncil")]
    with connect(seeded.path, read_only=True) as con:
        exports = triage.audit_log(con, actions=["export"])["value"].tolist()
    assert sorted(exports) == sorted([
        f"weekly items {week}: {len(items)} rows, residents pseudonymised", f"weekly summary {week}: {len(summary)} rows",
    ])


def test_summary_output_option_and_empty_week(seeded_db, tmp_path):
    items, summary = tmp_path / "a.csv", tmp_path / "b.csv"
    result = run_cli("export", "--week", "2019-W10", "-o", str(items), "--summary-output", str(summary),
                     "--db", str(seeded_db.path))
    assert result.returncode == 0, result.stderr
    assert "wrote 0 items" in result.stdout and "wrote 0 summary rows" in result.stdout
    assert summary.read_bytes().decode("utf-8-sig").strip().split(",") == SUMMARY_COLUMNS
    same = run_cli("export", "--week", "2019-W10", "-o", str(items), "--summary-output", str(items),
                   "--db", str(seeded_db.path))
    assert same.returncode == 2 and "must be different files" in same.stderr


def test_summary_table_neutralises_formula_like_names():
    items = pd.DataFrame({
        "created_at": [datetime(2026, 10, 25, 23, 30)],  # Sunday 23:30 UTC is Sunday 23:30 GMT
        "source": ["=cmd|' /C calc'!A0"], "service_area": ["-roads"], "is_council": [False],
        "feedback_class": ["negative"],
    })
    events = pd.DataFrame(columns=["event", "at", "thread_key", "source", "service_area"])
    table = summary_table(items, events)
    assert table.to_dict("records") == [{
        "day": "2026-10-25", "source": "=cmd|' /C calc'!A0", "service_area": "-roads", "volume": 1,
        "negative": 1, "neutral": 0, "positive": 0, "constructive": 0, "unscored": 0, "council_items": 0,
        "flagged_opened": 0, "flagged_closed": 0,
    }]
    from analysis.export import to_excel_csv

    rows = list(csv.reader(io.StringIO(to_excel_csv(table).decode("utf-8-sig"), newline="")))
    assert rows[1][1] == "'=cmd|' /C calc'!A0" and rows[1][2] == "'-roads"


def test_export_corrections_in_the_training_format(seeded_db, tmp_path):
    attack = seeded_db.attack_key
    negative = next(i for i in seeded_db.items if i.expected_class == "negative" and i.thread_key)
    with connect(seeded_db.path) as con:
        triage.correct_label(con, JO, attack, "feedback_class", "negative")
        triage.correct_label(con, JO, negative.key, "feedback_class", "constructive")
        triage.correct_label(con, JO, negative.key, "sentiment", "neutral")
    out = tmp_path / "corrections.csv"
    result = run_cli("export-corrections", "-o", str(out), "--db", str(seeded_db.path))
    assert result.returncode == 0, result.stderr
    assert "wrote 2 corrected items" in result.stdout
    rows = {r["item_key"]: r for r in read_csv(out)}
    assert list(next(iter(rows.values()))) == TRAINING_COLUMNS
    assert rows[negative.key]["text"] == negative.text
    assert (rows[negative.key]["sentiment"], rows[negative.key]["feedback_class"],
            rows[negative.key]["constructive_binary"]) == ("neutral", "constructive", "1.0")
    assert (rows[attack]["sentiment"], rows[attack]["constructive_binary"]) == ("", "0.0")
    with connect(seeded_db.path, read_only=True) as con:
        assert triage.audit_log(con, actions=["export"])["value"].tolist() == ["label corrections: 2 rows"]


def test_export_corrections_without_a_database_is_one_line(tmp_path):
    result = run_cli("export-corrections", "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode == 2 and "no database at" in result.stderr and "Traceback" not in result.stderr


def test_response_times_per_london_week_across_the_clock_change():
    times = pd.DataFrame({
        "thread_key": ["a", "b", "c", "d"],
        # Sunday 25 Oct 2026 23:30 UTC is still Sunday in London (GMT): week 43. 26 Oct 00:30 UTC: week 44.
        "flagged_at": [datetime(2026, 10, 25, 23, 30), datetime(2026, 10, 20, 9), datetime(2026, 10, 26, 0, 30),
                       datetime(2026, 10, 27, 9)],
        "acknowledged_at": [datetime(2026, 10, 26, 1, 30), datetime(2026, 10, 20, 8), pd.NaT,
                            datetime(2026, 10, 27, 12)],
        "responded_at": [datetime(2026, 10, 26, 5, 30), pd.NaT, pd.NaT, pd.NaT],
    })
    out = weekly_response_times(times)
    # a: 2 h, b: acknowledged before it was flagged (0 h), so the median is 1 h.
    assert out.fillna(-1).to_dict("records") == [
        {"week": "2026-W43", "flagged": 2, "acknowledged": 2, "median_hours_to_acknowledge": 1.0,
         "responded": 1, "median_hours_to_respond": 6.0},
        {"week": "2026-W44", "flagged": 2, "acknowledged": 1, "median_hours_to_acknowledge": 3.0,
         "responded": 0, "median_hours_to_respond": -1},
    ]
    assert weekly_response_times(times.iloc[0:0]).empty
