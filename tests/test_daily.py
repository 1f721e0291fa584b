"""store.daily: the per-day counts equal the raw computation after every kind of write.

Each write goes through the real function that makes it (the runner's upsert, scoring
and rescoring with the shipped models, an officer's correction, retention purge,
erasure), on a real database file; after each, daily_counts must equal the counts
computed from items, scores and corrections, and the Overview's queries must give the
same answers from daily_counts as from the items themselves.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.trends import period_ending
from jobs.retention import erase, purge
from jobs.scoring import rescore_all, score_pending
from settings.sources import SourceConfig
from store import daily, queries, triage
from store.days import london_day
from store.db import connect, memory, transaction
from store.items import save_scores
from store.schema import SCHEMA_VERSION
from tests.factories import comment, post, store_items

FORUM = SourceConfig(name="Forum", kind="guardian", options={"discussions": ["/p/1"]},
                     council_accounts=("council",), retention_days=30)
NEWS = SourceConfig(name="News", kind="reddit", options={"subreddit": "x"})
NOW = datetime(2026, 11, 29, 12)
OFFICER = triage.Actor("Jo", triage.OFFICER)

TEXTS = [
    "The bins were missed again this week, three weeks running, awful service",
    "Thank you to the library staff, brilliant help with the children's reading club",
    "Could the council add a pedestrian crossing on the high street near the school?",
    "Potholes on Mill Lane are dangerous, someone will get hurt",
    "Council tax went up again and nothing improves. Disgraceful.",
    "Parking permits are sorted, thanks for the quick reply",
]


def forum_items(day0: datetime) -> list:
    items = [post("/p/1", "Bin collections to change", day0, author="council")]
    for n, text in enumerate(TEXTS * 3):
        when = day0 + timedelta(hours=7 * n)  # spread over several days
        items.append(comment(f"c{n}", text, when, "/p/1", author=f"resident{n % 5}"))
    return items


def news_items(day0: datetime) -> list:
    items = [post("root", "Potholes everywhere", day0, kind="reddit")]
    for n, text in enumerate(TEXTS):
        items.append(comment(f"r{n}", text, day0 + timedelta(hours=11 * n), "root", kind="reddit",
                             author=f"poster{n}"))
    return items


def assert_exact(con, monkeypatch) -> None:
    """daily_counts equals the raw counts; the Overview's queries agree both ways."""
    stored, raw = daily.stored_counts(con), daily.raw_counts(con)
    pd.testing.assert_frame_equal(stored, raw, check_dtype=False)
    earliest, latest = queries.item_date_range(con)
    if earliest is None:
        assert stored.empty
        return
    sources = [None] + [[int(i)] for i in queries.source_list(con)["id"]]
    for days in (1, 7, 90):
        start, end = period_ending(latest, days).bounds()
        for ids in sources:
            fast = (queries.period_summary(con, start, end, ids), queries.daily_counts(con, start, end, ids))
            with monkeypatch.context() as m:
                m.setattr(queries, "whole_days", lambda *_: False)
                slow = (queries.period_summary(con, start, end, ids), queries.daily_counts(con, start, end, ids))
            assert fast[0] == slow[0]
            pd.testing.assert_frame_equal(fast[1], slow[1])


def check(db_path, monkeypatch) -> None:
    with connect(db_path, read_only=True) as con:
        assert_exact(con, monkeypatch)


def test_every_kind_of_write_keeps_the_counts_exact(db_path, monkeypatch):
    day0 = NOW - timedelta(days=40)
    with connect(db_path) as con:
        store_items(con, FORUM, forum_items(day0))  # new items, not scored yet
        store_items(con, NEWS, news_items(NOW - timedelta(days=3)))
    check(db_path, monkeypatch)
    with connect(db_path, read_only=True) as con:
        assert daily.stored_counts(con)["feedback_class"].isna().all()

    assert score_pending(db_path) > 0  # scores written
    check(db_path, monkeypatch)
    with connect(db_path, read_only=True) as con:
        assert daily.stored_counts(con)["feedback_class"].notna().all()

    with connect(db_path) as con:  # officers' corrections, of both fields, win
        triage.correct_label(con, OFFICER, ["guardian:c0", "guardian:c1", "reddit:r2"], "sentiment", "positive")
        triage.correct_label(con, OFFICER, ["guardian:c2", "reddit:r0"], "feedback_class", "negative")
        triage.correct_label(con, OFFICER, "guardian:c2", "feedback_class", "constructive")  # corrected again
    check(db_path, monkeypatch)

    moved = NOW - timedelta(days=1)
    with connect(db_path) as con:  # a platform changes items: a new text, a deletion, a new time
        store_items(con, FORUM, [
            comment("c3", "Edited: actually the pothole was fixed, thank you", day0, "/p/1", author="resident3"),
            dataclasses.replace(comment("c4", TEXTS[4], day0, "/p/1", author="resident4"), deleted=True),
            comment("c5", TEXTS[5], moved, "/p/1", author="resident0"),
            comment("c99", "A brand new comment about parking fines", moved, "/p/1"),
        ])
        assert con.execute("SELECT count(*) FROM scores WHERE item_key = 'guardian:c3'").fetchall() == [(0,)]
    check(db_path, monkeypatch)

    assert score_pending(db_path) == 2  # the edited text and the new comment
    check(db_path, monkeypatch)
    assert rescore_all(db_path) > 0  # a model update: everything scored again
    check(db_path, monkeypatch)

    assert purge(db_path, now=NOW) == {"Forum": 18}  # the post and 17 comments older than 30 days
    check(db_path, monkeypatch)
    assert erase(db_path, "poster2", actor="officer:ig") == 1
    check(db_path, monkeypatch)
    with connect(db_path, read_only=True) as con:
        assert daily.stored_counts(con)["items"].sum() == con.execute(
            "SELECT count(*) FROM items WHERE deleted_at IS NULL").fetchall()[0][0]


def test_the_migration_fills_an_existing_database(db_path, monkeypatch):
    with connect(db_path) as con:
        store_items(con, NEWS, news_items(NOW - timedelta(days=3)))
    score_pending(db_path)
    with connect(db_path) as con:  # as a database made before migration 3 was
        con.execute("DROP TABLE daily_counts")
        con.execute("DELETE FROM schema_version WHERE version >= 3")
    from store import db as store_db

    store_db._migrated.clear()
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT max(version) FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert daily.stored_counts(con)["items"].sum() == 7
        assert_exact(con, monkeypatch)


def test_rebuild_repairs_counts_after_a_write_that_bypassed_the_store(db_path, monkeypatch):
    with connect(db_path) as con:
        store_items(con, NEWS, news_items(NOW - timedelta(days=3)))
        con.execute("DELETE FROM daily_counts")
        with transaction(con):
            daily.rebuild(con)
        assert_exact(con, monkeypatch)


# Random sequences of writes, with hand-made scores (fast) instead of the models.
CLASSES = ["negative", "neutral", "positive", "constructive"]
AREAS = [None, "waste", "roads"]
KEYS = [f"guardian:k{n}" for n in range(12)]

write = st.one_of(
    st.tuples(st.just("upsert"), st.sampled_from(range(12)), st.integers(0, 5), st.booleans(), st.booleans()),
    st.tuples(st.just("score"), st.lists(st.sampled_from(range(12)), min_size=1, max_size=5),
              st.sampled_from(CLASSES), st.sampled_from(AREAS), st.booleans()),
    st.tuples(st.just("correct"), st.lists(st.sampled_from(range(12)), min_size=1, max_size=3),
              st.sampled_from(["sentiment", "feedback_class"]), st.sampled_from(CLASSES)),
    st.tuples(st.just("erase"), st.integers(0, 3)),
)


def apply(con, step) -> None:
    kind, *args = step
    if kind == "upsert":
        n, day, deleted, council = args
        item = comment(f"k{n}", f"text {n} on day {day}", NOW - timedelta(days=day, hours=n), "/p/1",
                       author="council" if council else f"author{n % 4}")
        store_items(con, FORUM, [dataclasses.replace(item, deleted=deleted)])
    elif kind == "score":
        picked, feedback, area, hostile = args
        known = {r[0] for r in con.execute("SELECT key FROM items").fetchall()}
        keys = sorted({KEYS[n] for n in picked} & known)
        sentiment = "neutral" if feedback in ("neutral", "constructive") else feedback
        frame = pd.DataFrame({"item_key": keys, "model_version": "t", "compound": 0.0, "sentiment": sentiment,
                              "feedback_class": feedback, "service_area": area, "hostile": hostile})
        with transaction(con):
            save_scores(con, frame, NOW)
    elif kind == "correct":
        picked, field, value = args
        if field == "sentiment" and value == "constructive":
            value = "neutral"
        known = {r[0] for r in con.execute("SELECT key FROM items WHERE deleted_at IS NULL").fetchall()}
        keys = sorted({KEYS[n] for n in picked} & known)
        if keys:
            triage.correct_label(con, OFFICER, keys, field, value)
    else:
        from store.governance import erase_author

        with transaction(con):
            erase_author(con, f"author{args[0]}")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(write, min_size=1, max_size=12))
def test_any_sequence_of_writes_keeps_the_counts_exact(monkeypatch, steps):
    con = memory()
    try:
        for step in steps:
            apply(con, step)
            pd.testing.assert_frame_equal(daily.stored_counts(con), daily.raw_counts(con), check_dtype=False)
        assert_exact(con, monkeypatch)
    finally:
        con.close()


@pytest.mark.parametrize("bounds", [
    (datetime(2026, 11, 20, 12), datetime(2026, 11, 29)),  # a start within a day
    (datetime(2026, 11, 20), datetime(2026, 11, 28, 23, 59)),
])
def test_bounds_within_a_day_count_the_items_themselves(fresh_db, bounds):
    store_items(fresh_db, NEWS, [comment("x", "Fine", datetime(2026, 11, 20, 6), "root", kind="reddit"),
                                 comment("y", "Fine", datetime(2026, 11, 28, 23, 59, 30), "root", kind="reddit")])
    # one item is just outside the bounds, on a day they partly cover: the per-day counts would take it
    assert queries.period_summary(fresh_db, *bounds)["items"] == 1
    assert queries.daily_counts(fresh_db, *bounds)["items"].sum() == 1


def test_a_group_that_drifted_is_recounted_when_it_would_go_negative(db_path, monkeypatch):
    with connect(db_path) as con:
        store_items(con, NEWS, news_items(NOW - timedelta(days=3)))
        day, source_id = con.execute(
            f"SELECT {london_day('created_at')}, source_id FROM items WHERE key = 'reddit:r2'").fetchall()[0]
        con.execute("DELETE FROM daily_counts WHERE day = ? AND source_id = ?", [day, source_id])  # drift
    assert erase(db_path, "poster2", actor="officer:ig") == 1  # takes r2 off a group that no longer counts it
    check(db_path, monkeypatch)


@pytest.mark.parametrize("given", [list, iter, pa.array, pd.Series], ids=["list", "iterator", "arrow", "series"])
def test_the_changed_keys_may_be_any_iterable_or_an_arrow_array(db_path, monkeypatch, given):
    with connect(db_path) as con:
        store_items(con, NEWS, news_items(NOW - timedelta(days=3)))
    moved = ["reddit:r0", "reddit:r1"]
    with connect(db_path) as con, transaction(con), daily.refreshing(con, given(moved)):
        con.execute("UPDATE items SET created_at = created_at - INTERVAL 2 DAY WHERE key IN (SELECT unnest(?::VARCHAR[]))",
                    [moved])  # another day: counted there, no longer on the first
    check(db_path, monkeypatch)
