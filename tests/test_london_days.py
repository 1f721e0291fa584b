"""Days are London's everywhere: the Overview, Trends, spikes, alerts and the weekly summary count an item
posted at 00:30 BST on the day it was posted, as a council officer reads the clock (settings.clock,
store.days). Items near midnight in summer and in winter, on a real database file."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from analysis import quality
from analysis.report import summary_table
from analysis.trends import Period
from settings.clock import clock_words, london_date, london_day_bounds, london_midnight_utc
from settings.sources import SourceConfig
from store import daily, queries, trends
from store.alerts import daily_negative
from store.days import london_day
from store.db import connect
from store.export import items_between
from store.schema import SCHEMA_VERSION
from store.triage import flag_events_between
from tests.factories import comment, post, store_items

FORUM = SourceConfig(name="Forum", kind="guardian", options={"discussions": ["/p/1"]}, council_accounts=("council",))

# naive UTC -> the London day it was posted on
POSTED = {
    datetime(2026, 6, 30, 22, 30): date(2026, 6, 30),  # 23:30 BST
    datetime(2026, 6, 30, 23, 30): date(2026, 7, 1),  # 00:30 BST: the next day in London
    datetime(2026, 7, 1, 12, 0): date(2026, 7, 1),
    datetime(2026, 7, 5, 23, 15): date(2026, 7, 6),  # Sunday 23:15 UTC is Monday in London: the next ISO week
    datetime(2026, 12, 1, 23, 30): date(2026, 12, 1),  # GMT: London is UTC
    datetime(2026, 12, 2, 0, 10): date(2026, 12, 2),
}


@pytest.fixture
def near_midnight(db_path):
    items = [post("/p/1", "Summer roadworks", datetime(2026, 6, 30, 9), author="council")]
    items += [comment(f"c{n}", "The roadworks on Mill Lane are a mess", when, "/p/1", author=f"resident{n}")
              for n, when in enumerate(POSTED)]
    with connect(db_path) as con:
        store_items(con, FORUM, items)
    return db_path


def expected_per_day() -> pd.Series:
    return pd.Series(list(POSTED.values())).value_counts().sort_index()


def test_the_clock_helpers():
    assert london_midnight_utc(date(2026, 7, 1)) == datetime(2026, 6, 30, 23)
    assert london_midnight_utc(date(2026, 12, 1)) == datetime(2026, 12, 1)
    assert london_day_bounds(date(2026, 10, 25)) == (datetime(2026, 10, 24, 23), datetime(2026, 10, 26))  # 25 hours
    assert london_day_bounds(date(2026, 3, 29)) == (datetime(2026, 3, 29), datetime(2026, 3, 29, 23))  # 23 hours
    assert Period(date(2026, 7, 1), date(2026, 7, 1)).bounds() == (datetime(2026, 6, 30, 23), datetime(2026, 7, 1, 23))
    for moment, day in POSTED.items():
        assert london_date(moment) == day
    assert clock_words(datetime(2026, 7, 1, 7)) == "08:00 UK time on 01 Jul"  # rate limits, quotas, busy runs
    assert clock_words(datetime(2026, 12, 1, 7, tzinfo=UTC).timestamp()) == "07:00 UK time on 01 Dec"
    across_the_clock_change = Period(date(2026, 10, 1), date(2026, 10, 30))  # BST ends on 25 October
    start, end = across_the_clock_change.bounds()
    assert across_the_clock_change.days == 30 and end - start == timedelta(days=30, hours=1)


@pytest.mark.parametrize("from_the_items", [False, True], ids=["per-day table", "items"])
def test_the_overview_counts_each_item_on_its_london_day(near_midnight, monkeypatch, from_the_items):
    if from_the_items:  # the path taken for bounds that are not whole days
        monkeypatch.setattr(queries, "whole_days", lambda *_: False)
    bounds = Period(date(2026, 6, 29), date(2026, 12, 3)).bounds()
    with connect(near_midnight, read_only=True) as con:
        counts = queries.daily_counts(con, *bounds)
        first_july = queries.period_summary(con, *Period(date(2026, 7, 1), date(2026, 7, 1)).bounds())
    per_day = counts.assign(day=pd.to_datetime(counts["day"]).dt.date).groupby("day")["items"].sum()
    pd.testing.assert_series_equal(per_day, expected_per_day(), check_names=False, check_index_type=False)
    assert first_july["items"] == 2  # 00:30 BST and noon; not 23:30 BST the evening before


def test_the_per_day_table_holds_london_days(near_midnight):
    with connect(near_midnight, read_only=True) as con:
        stored = daily.stored_counts(con)
        pd.testing.assert_frame_equal(stored, daily.raw_counts(con), check_dtype=False)
        assert queries.item_date_range(con) == (date(2026, 6, 30), date(2026, 12, 2))
    public = stored[~stored["is_council"]]
    per_day = public.assign(day=pd.to_datetime(public["day"]).dt.date).groupby("day")["items"].sum()
    pd.testing.assert_series_equal(per_day, expected_per_day(), check_names=False, check_index_type=False)


@pytest.mark.parametrize("from_the_items", [False, True], ids=["per-day table", "items"])
def test_trends_and_spikes_use_london_days(near_midnight, monkeypatch, from_the_items):
    if from_the_items:
        monkeypatch.setattr(trends, "whole_days", lambda *_: False)
    bounds = Period(date(2026, 6, 29), date(2026, 12, 3)).bounds()
    with connect(near_midnight, read_only=True) as con:
        volume = trends.class_volume(con, *bounds)
        spikes = trends.daily_spike_counts(con, *bounds, None, "source")
        alerts = daily_negative(con, *bounds)  # what the spike alerts read
    for frame in (volume, spikes, alerts):
        per_day = frame.assign(day=pd.to_datetime(frame["day"]).dt.date).groupby("day")["items"].sum()
        pd.testing.assert_series_equal(per_day, expected_per_day(), check_names=False, check_index_type=False)


def test_the_overview_and_the_weekly_summary_agree_on_a_summer_week(near_midnight):
    """ISO week 2026-W27 in London: Monday 29 June to Sunday 5 July; Sunday 23:15 UTC is W28."""
    period = Period(date(2026, 6, 29), date(2026, 7, 5))
    with connect(near_midnight, read_only=True) as con:
        overview = queries.daily_counts(con, *period.bounds())
        summary = summary_table(items_between(con, *period.bounds()), flag_events_between(con, *period.bounds()))
    from_overview = overview.groupby(overview["day"].astype(str))["items"].sum()
    from_summary = summary.groupby("day")["volume"].sum()
    pd.testing.assert_series_equal(from_overview, from_summary, check_names=False)
    assert from_summary.to_dict() == {"2026-06-30": 1, "2026-07-01": 2}


def test_a_store_counted_by_utc_day_is_recounted_by_london_day(near_midnight):
    """Migration 8 on a store whose per-day table still holds UTC days (made before it)."""
    with connect(near_midnight) as con:
        utc_fill = daily.FILL.replace(london_day("i.created_at"), "i.created_at::DATE")
        assert utc_fill != daily.FILL
        con.execute("DELETE FROM daily_counts")
        con.execute(utc_fill)
        utc_days = daily.stored_counts(con)
        assert not utc_days.equals(daily.raw_counts(con))  # 23:30 UTC on 30 June counted on 30 June
        con.execute("DELETE FROM schema_version WHERE version >= 8")
    from store import db as store_db

    store_db._migrated.clear()
    with connect(near_midnight, read_only=True) as con:
        assert con.execute("SELECT max(version) FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        pd.testing.assert_frame_equal(daily.stored_counts(con), daily.raw_counts(con), check_dtype=False)


def test_the_model_quality_page_says_when_a_model_was_trained_in_uk_time(tmp_path):
    for name in quality.MODELS:
        (tmp_path / f"{name}.json").write_text(json.dumps({"version": "v", "trained_at": "2026-07-29T07:22:45Z"}))
    assert set(quality.model_headers(tmp_path)["trained_at"]) == {"29 Jul 2026 08:22 UK time"}
