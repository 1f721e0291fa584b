"""store.queries' thread lists read the same rows whether they narrow to a few threads or join everything.

Lists of up to INDEX_LOOKUP_MAX threads read their root posts by key (the fast path
at a million items); longer ones join the whole items table. Forcing each path on
the seeded database must give identical frames, filters and searches included.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from analysis.trends import period_ending
from store import queries
from store.db import connect


@pytest.fixture
def seeded_con(seeded_db):
    with connect(seeded_db.path, read_only=True) as con:
        yield con


def both_ways(monkeypatch, call):
    monkeypatch.setattr(queries, "INDEX_LOOKUP_MAX", 10_000)
    narrowed = call()
    monkeypatch.setattr(queries, "INDEX_LOOKUP_MAX", 0)
    joined = call()
    pd.testing.assert_frame_equal(narrowed, joined)
    return narrowed


@pytest.mark.parametrize("days", [7, 90])
def test_flagged_queue_is_the_same_either_way(seeded_db, seeded_con, monkeypatch, days):
    start, end = period_ending(seeded_db.now.date(), days).bounds()
    everything = both_ways(monkeypatch, lambda: queries.flagged_queue(seeded_con, start, end))
    assert not everything.empty
    assert len(both_ways(monkeypatch, lambda: queries.flagged_queue(seeded_con, start, end, limit=1))) == 1
    open_only = both_ways(monkeypatch, lambda: queries.flagged_queue(
        seeded_con, start, end, statuses=queries.OPEN_STATUSES, limit=5))
    assert set(open_only["status"]) <= set(queries.OPEN_STATUSES)
    word = everything["post"].iloc[0].split()[0]
    found = both_ways(monkeypatch, lambda: queries.flagged_queue(seeded_con, start, end, text=word.upper(), limit=5))
    assert everything["thread_key"].iloc[0] in set(found["thread_key"])
    none = both_ways(monkeypatch, lambda: queries.flagged_queue(seeded_con, end, end + timedelta(days=1)))
    assert none.empty and list(none.columns) == list(everything.columns)


def test_thread_choices_are_the_same_either_way(seeded_db, seeded_con, monkeypatch):
    start, end = period_ending(seeded_db.now.date(), 90).bounds()
    choices = both_ways(monkeypatch, lambda: queries.thread_choices(seeded_con, start, end))
    assert len(choices) >= 2
    assert len(both_ways(monkeypatch, lambda: queries.thread_choices(seeded_con, start, end, limit=1))) == 1


def test_a_service_area_filter_is_the_same_either_way(seeded_db, monkeypatch):
    from store.db import connect as open_db
    from store.items import save_scores

    start, end = period_ending(seeded_db.now.date(), 90).bounds()
    with open_db(seeded_db.path) as con:
        first = queries.flagged_queue(con, start, end)["thread_key"].iloc[0]
        reply = con.execute("SELECT key FROM items WHERE thread_id = ? AND key <> ? ORDER BY key LIMIT 1",
                            [first, first]).fetchall()[0][0]
        save_scores(con, pd.DataFrame({"item_key": [reply], "model_version": "test", "compound": 0.0,
                                       "sentiment": "neutral", "feedback_class": "neutral",
                                       "service_area": "test: one reply's area", "hostile": False}), start)
        found = both_ways(monkeypatch, lambda: queries.flagged_queue(
            con, start, end, service_areas=("test: one reply's area",)))
        assert found["thread_key"].tolist() == [first]
        assert both_ways(monkeypatch, lambda: queries.flagged_queue(
            con, start, end, service_areas=("test: no such area",))).empty


def test_search_finds_a_word_said_only_in_a_reply_either_way(seeded_db, seeded_con, monkeypatch):
    start, end = period_ending(seeded_db.now.date(), 90).bounds()
    queue = queries.flagged_queue(seeded_con, start, end)
    replies = seeded_con.execute(
        "SELECT thread_id, lower(text) FROM items WHERE thread_id IS NOT NULL AND key <> thread_id").fetchall()
    word = "rats"  # in a seeded negative reply; in no post, title or reason
    assert not any(word in " ".join(map(str, row)).lower() for row in queue[["post", "reason"]].itertuples())
    expected = {thread for thread, text in replies if word in text} & set(queue["thread_key"])
    assert expected  # the word is in some flagged thread's replies
    found = both_ways(monkeypatch, lambda: queries.flagged_queue(seeded_con, start, end, text="RATS"))
    assert set(found["thread_key"]) == expected
