"""analysis.trends: periods, deltas, daily series, reply trees, ISO weeks."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from analysis.trends import (
    CLASSES,
    Period,
    count_delta,
    daily_series,
    default_export_week,
    format_share,
    iso_week,
    period_ending,
    points_delta,
    reply_tree,
    share,
    week_options,
)

TODAY = date(2026, 11, 29)  # a Sunday


def test_period_length_previous_and_bounds():
    period = period_ending(TODAY, 30)
    assert period == Period(date(2026, 10, 31), TODAY)
    assert period.days == 30
    before = period.previous()
    assert before == Period(date(2026, 10, 1), date(2026, 10, 30))
    assert before.days == 30
    assert period.bounds() == (datetime(2026, 10, 31), datetime(2026, 11, 30))
    assert before.bounds()[1] == period.bounds()[0]  # back to back, no gap, no overlap


def test_period_rejects_an_end_before_its_start():
    with pytest.raises(ValueError, match="before it starts"):
        Period(TODAY, TODAY - timedelta(days=1))


def test_period_labels():
    assert Period(date(2026, 11, 1), TODAY).label() == "01 Nov – 29 Nov 2026"
    assert Period(date(2025, 12, 20), date(2026, 1, 5)).label() == "20 Dec 2025 – 05 Jan 2026"


@pytest.mark.parametrize(
    "current, previous, text",
    [(113, 100, "+13 (+13%)"), (50, 100, "-50 (-50%)"), (5, 0, "+5"), (7, 7, "0"), (0, 3, "-3 (-100%)"),
     (1234, 1000, "+234 (+23%)"), (12_345, 1, "+12,344 (+1234400%)")],
)
def test_count_delta(current, previous, text):
    assert count_delta(current, previous) == text


def test_share_and_points():
    assert share(1, 4) == 0.25
    assert share(0, 0) is None
    assert format_share(None) == "–"
    assert format_share(0.414) == "41%"
    assert points_delta(0.45, 0.40) == "+5.0 pts"
    assert points_delta(0.40, 0.45) == "-5.0 pts"
    assert points_delta(0.40, 0.40) == "0 pts"
    assert points_delta(None, 0.4) is None


def test_daily_series_fills_every_day_and_class():
    period = Period(date(2026, 11, 1), date(2026, 11, 3))
    counts = pd.DataFrame(
        {"day": [date(2026, 11, 1), date(2026, 11, 3), date(2026, 11, 3)],
         "feedback_class": ["negative", "positive", None], "items": [2, 5, 1]}
    )
    series = daily_series(counts, period)
    assert len(series) == 3 * (len(CLASSES) + 1)  # three days, four classes and 'unscored'
    assert list(series["feedback_class"].cat.categories) == [*CLASSES, "unscored"]
    totals = series.groupby(series["day"].dt.date)["items"].sum()
    assert totals.to_dict() == {date(2026, 11, 1): 2, date(2026, 11, 2): 0, date(2026, 11, 3): 6}
    assert series["items"].sum() == 8


def test_daily_series_of_nothing_is_zeros():
    period = Period(date(2026, 11, 1), date(2026, 11, 7))
    empty = pd.DataFrame({"day": [], "feedback_class": [], "items": []})
    series = daily_series(empty, period)
    assert len(series) == 7 * len(CLASSES)
    assert series["items"].sum() == 0


def _replies(rows):
    frame = pd.DataFrame(rows, columns=["key", "parent_id", "created_at"])
    frame["created_at"] = pd.to_datetime(frame["created_at"])
    return frame


def test_reply_tree_orders_depth_first_with_depths():
    replies = _replies([
        ("a", "root", "2026-11-01 10:00"),
        ("b", "root", "2026-11-01 10:05"),
        ("a1", "a", "2026-11-01 10:10"),
        ("a1x", "a1", "2026-11-01 10:20"),
        ("b1", "b", "2026-11-01 10:06"),
        ("a2", "a", "2026-11-01 10:30"),
    ])
    tree = reply_tree(replies, "root")
    assert list(zip(tree["key"], tree["depth"])) == [
        ("a", 1), ("a1", 2), ("a1x", 3), ("a2", 2), ("b", 1), ("b1", 2),
    ]


def test_reply_tree_orphans_and_missing_parents_hang_under_the_root():
    replies = _replies([
        ("x", None, "2026-11-01 10:00"),
        ("y", "deleted-reply", "2026-11-01 09:00"),
        ("z", "x", "2026-11-01 11:00"),
    ])
    tree = reply_tree(replies, "root")
    assert list(zip(tree["key"], tree["depth"])) == [("y", 1), ("x", 1), ("z", 2)]


def test_reply_tree_survives_cycles_and_self_parents():
    replies = _replies([
        ("p", "q", "2026-11-01 10:00"),
        ("q", "p", "2026-11-01 10:01"),
        ("s", "s", "2026-11-01 10:02"),
        ("ok", "root", "2026-11-01 10:03"),
    ])
    tree = reply_tree(replies, "root")
    assert sorted(tree["key"]) == ["ok", "p", "q", "s"]  # every reply shown once
    assert tree.set_index("key").loc["s", "depth"] == 1


def test_reply_tree_caps_depth_for_indentation():
    rows = [("r0", "root", "2026-11-01 10:00")]
    rows += [(f"r{n}", f"r{n - 1}", f"2026-11-01 10:{n:02d}") for n in range(1, 12)]
    tree = reply_tree(_replies(rows), "root", max_depth=6)
    assert list(tree["key"]) == [f"r{n}" for n in range(12)]
    assert tree["depth"].max() == 6
    assert reply_tree(_replies(rows), "root")["depth"].max() == 12


def test_reply_tree_of_nothing():
    tree = reply_tree(_replies([]), "root")
    assert tree.empty and "depth" in tree


def test_iso_weeks():
    assert iso_week(date(2026, 11, 29)) == "2026-W48"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"  # ISO years differ from calendar years
    assert default_export_week(TODAY, TODAY) == "2026-W47"
    assert default_export_week(date(2026, 11, 30), TODAY) == "2026-W48"  # on Monday, last week is complete
    assert default_export_week(TODAY, date(2026, 3, 4)) == "2026-W10"  # data stops earlier: its week
    assert default_export_week(TODAY, None) == "2026-W47"


def test_week_options_newest_first_back_to_the_earliest_item():
    weeks = week_options(TODAY, date(2026, 11, 10))
    assert weeks == ["2026-W48", "2026-W47", "2026-W46"]
    assert week_options(TODAY, None) == ["2026-W48"]
    assert len(week_options(TODAY, date(2020, 1, 1), limit=10)) == 10


def test_a_share_of_too_few_items_says_how_few():
    from analysis.trends import SMALL_SAMPLE, few, share_text

    assert share_text(2, 6) == "33% of 6 items"
    assert share_text(1, 1) == "100% of 1 item"
    assert share_text(0, 0) == "–"
    assert share_text(8, SMALL_SAMPLE) == "40%"  # enough to stand on its own
    assert few(SMALL_SAMPLE - 1) and not few(SMALL_SAMPLE) and not few(0)
