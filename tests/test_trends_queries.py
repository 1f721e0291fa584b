"""store/trends.py: whole-day periods read the per-day table, other bounds the items themselves;
both must give the same answer, after corrections and silencing too. And the spike counts leave
silenced threads out, as the alerts do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pandas.testing import assert_frame_equal

from analysis.trends import period_ending
from store import alerts, trends, triage
from store.db import connect

OFFICER = triage.Actor("Jo Bloggs", "officer")
CALLS = [
    ("class_volume", (None,)), ("class_volume", ("source",)), ("class_volume", ("service_area",)),
    ("group_summary", (None,)), ("group_summary", ("source",)), ("group_summary", ("service_area",)),
    ("daily_spike_counts", ("source",)), ("daily_spike_counts", ("service_area",)),
]


@pytest.fixture
def changed_db(seeded_db):
    """The seeded database after an officer corrected a label and silenced the pile-on."""
    with connect(seeded_db.path) as con:
        reply = next(i for i in seeded_db.items if i.thread_key == seeded_db.reddit_flagged_key
                     and i.key != seeded_db.reddit_flagged_key)
        triage.correct_label(con, OFFICER, reply.key, "feedback_class", "constructive")
        triage.set_silenced(con, OFFICER, seeded_db.pile_on_key, True)
    return seeded_db


@pytest.mark.parametrize("name,args", CALLS)
def test_per_day_table_and_items_agree(changed_db, monkeypatch, name, args):
    bounds = period_ending(changed_db.now.date(), 90).bounds()
    with connect(changed_db.path, read_only=True) as con:
        fast = getattr(trends, name)(con, *bounds, None, *args)
        monkeypatch.setattr(trends, "whole_days", lambda start, end: False)
        slow = getattr(trends, name)(con, *bounds, None, *args)
    assert not fast.empty
    assert_frame_equal(fast.reset_index(drop=True), slow.reset_index(drop=True), check_dtype=False)


def test_spike_counts_equal_the_alerts_counts_and_leave_silenced_threads_out(changed_db):
    start, end = period_ending(changed_db.now.date(), 60).bounds()
    with connect(changed_db.path, read_only=True) as con:
        ours = trends.daily_spike_counts(con, start, end, None, "source")
        theirs = alerts.daily_negative(con, start, end)
    assert ours.set_index(["day", "group"])[["items", "negative"]].to_dict() == \
        theirs.rename(columns={"source": "group"}).set_index(["day", "group"])[["items", "negative"]].to_dict()
    pile_on_day = next(i.created_at.date() for i in changed_db.items if i.thread_key == changed_db.pile_on_key
                       and i.key != changed_db.pile_on_key)
    mastodon = ours[(ours["group"] == "Mastodon @examplecouncil")]
    assert int(mastodon[mastodon["day"].dt.date == pile_on_day]["negative"].sum()) < 5  # the silenced pile-on


def test_spike_threads_leave_silenced_threads_out(changed_db):
    day = next(i.created_at for i in changed_db.items if i.thread_key == changed_db.pile_on_key
               and i.key != changed_db.pile_on_key).replace(hour=0)
    with connect(changed_db.path, read_only=True) as con:
        threads = trends.spike_threads(con, day, day + timedelta(days=1), None, "source",
                                       "Mastodon @examplecouncil", "negative", 10)
    assert changed_db.pile_on_key not in threads["thread_key"].tolist()


def test_an_unknown_split_is_refused(fresh_db):
    with pytest.raises(ValueError, match="cannot split by"):
        trends.class_volume(fresh_db, *period_ending(fresh_db.execute("SELECT current_date").fetchall()[0][0], 7)
                            .bounds(), None, "author")
