"""The Overview's spikes and constructive share (AppTest) on databases built through the real store
and scored by the real models.

The spike database: a council Facebook page that posts about bins every day for four weeks,
each post drawing one angry reply; then yesterday one post draws a crowd. What the page must say
is worked out from the classes the models gave each item (read back per item), not by asking the
database the page's own question.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from analysis.trends import format_share, period_ending, points_delta, share
from collectors.items import Item
from jobs.scoring import score_pending
from settings.sources import SourceConfig
from store.db import connect
from tests.conftest import ROOT
from tests.factories import store_items
from ui.data import london_today
from ui.safe_text import WORD_JOINER

TIMEOUT_S = 60
FACEBOOK = SourceConfig("Facebook: Example Council", "facebook", {"page_id": "1"}, council_accounts=("council",))
BINS_POST = "Bin collections this week: general waste on Tuesday, recycling on Thursday."
CROWD_POST = "From next month the bin collection for general waste will be fortnightly."
ANGRY = [  # every one about bins (tagged waste and recycling), and plainly negative
    "This is a disgrace. Fortnightly bins will mean rats everywhere.",
    "Terrible decision, my bin is already overflowing and it stinks.",
    "Awful idea, fly tipping will get worse and you know it.",
    "Useless. My bin has not been collected for three weeks.",
    "Absolutely furious, the recycling was missed again and nobody answers.",
    "Pathetic service, the bin men left rubbish all over the street.",
]


def unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).replace(WORD_JOINER, "")


def open_app(state: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@dataclass
class SpikeDb:
    spike_day: object
    crowd_key: str
    classes: dict[str, str]  # item key -> feedback class the models gave
    areas: dict[str, str | None]
    replies: dict[object, list[str]]  # day -> public reply keys


@pytest.fixture
def spike_db(db_path) -> SpikeDb:
    today = london_today()
    spike_day = today - timedelta(days=1)
    items: list[Item] = []
    replies: dict[object, list[str]] = {}

    def at(day, hour, minute=0):
        return datetime.combine(day, time(hour, minute), tzinfo=UTC)

    for back in range(28, 0, -1):  # the 28 days before the spike: one post, one angry reply
        day = spike_day - timedelta(days=back)
        post = Item("facebook", f"p{back}", "post", at(day, 9), BINS_POST, author_id="council", author_name="council")
        reply = Item("facebook", f"r{back}", "comment", at(day, 11), ANGRY[back % len(ANGRY)],
                     thread_id=post.key, parent_id=post.key, author_id=f"resident{back}", author_name=f"resident{back}")
        items += [post, reply]
        replies[day] = [reply.key]
    crowd = Item("facebook", "crowd", "post", at(spike_day, 9), CROWD_POST, author_id="council", author_name="council")
    items.append(crowd)
    replies[spike_day] = []
    for n in range(16):
        reply = Item("facebook", f"c{n}", "comment", at(spike_day, 10, 3 * n), ANGRY[n % len(ANGRY)],
                     thread_id=crowd.key, parent_id=crowd.key, author_id=f"angry{n}", author_name=f"angry{n}")
        items.append(reply)
        replies[spike_day].append(reply.key)
    with connect(db_path) as con:
        store_items(con, FACEBOOK, items)
    score_pending(db_path)
    with connect(db_path, read_only=True) as con:
        scored = con.execute("SELECT item_key, feedback_class, service_area FROM scores").fetchall()
    return SpikeDb(spike_day, crowd.key, {k: c for k, c, _ in scored}, {k: a for k, _, a in scored}, replies)


def negatives(db: SpikeDb, day) -> int:
    return sum(db.classes[k] == "negative" for k in db.replies[day])


def expected_sentence_start(db: SpikeDb, name: str) -> str:
    day = db.spike_day
    usual = statistics.median(negatives(db, day - timedelta(days=n)) for n in range(1, 29))
    return f"{name}: {negatives(db, day)} negative items on {day:%a} {day.day} {day:%b}, usually {usual:g} a day"


def spike_alerts(at: AppTest) -> list[str]:
    return [unescaped(w.value) for w in at.warning]


def test_a_spike_is_an_alert_in_words_with_its_thread(spike_db):
    assert negatives(spike_db, spike_db.spike_day) >= 10, "the seed's angry replies must read as negative"
    at = open_app()
    alerts = spike_alerts(at)
    source_alert = [a for a in alerts if a.startswith(f"{FACEBOOK.name}:")]
    assert len(source_alert) == 1
    assert source_alert[0].startswith(expected_sentence_start(spike_db, FACEBOOK.name))
    assert "of the previous 28 days)" in source_alert[0]
    # The thread behind it: the post that drew the crowd, with its negative replies that day.
    threads = at.dataframe[alerts.index(source_alert[0])].value
    assert threads["Post"].tolist()[0] == CROWD_POST
    assert threads["Negative"].tolist()[0] == negatives(spike_db, spike_db.spike_day)
    assert threads["Source"].tolist()[0] == FACEBOOK.name


def test_the_same_spike_per_service_area(spike_db):
    area = spike_db.areas[spike_db.crowd_key]
    assert area, "the bins post must be tagged with a service area"
    assert all(spike_db.areas[k] == area for day in spike_db.replies for k in spike_db.replies[day])
    at = open_app()
    assert any(a.startswith(expected_sentence_start(spike_db, area)) for a in spike_alerts(at))


def test_selecting_a_thread_behind_a_spike_opens_it(spike_db):
    at = open_app()
    index = next(n for n, a in enumerate(spike_alerts(at)) if a.startswith(f"{FACEBOOK.name}:"))
    at.session_state[f"overview_spike_{index}"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert at.query_params == {"thread": spike_db.crowd_key}


def test_a_quiet_period_says_so(spike_db):
    at = open_app()
    at.sidebar.selectbox(key="filter_period").select("Custom dates").run()
    quiet = spike_db.spike_day - timedelta(days=20)
    at.sidebar.date_input(key="filter_dates").set_value((quiet, quiet + timedelta(days=6))).run()
    assert not at.warning
    assert any(s.value.startswith("No spikes in this period") for s in at.success)


# --- Constructive vs negative on the seeded database ----------------------------------------------


def test_constructive_share_beside_share_negative(seeded_db):
    at = open_app()
    period = period_ending(seeded_db.now.date(), 30)

    def counts(bounds):
        items = seeded_db.public_items(*bounds)
        scored = [i for i in items if i.expected_class != "unscored"]
        return sum(i.expected_class == "constructive" for i in scored), len(scored)

    now, before = counts(period.bounds()), counts(period.previous().bounds())
    metrics = {m.label: m for m in at.metric}
    assert list(metrics)[:4] == ["Items", "Share negative", "Share constructive", "Open flagged threads"]
    assert metrics["Share constructive"].value == format_share(share(*now))
    assert metrics["Share constructive"].delta == points_delta(share(*now), share(*before))
    summary = next(unescaped(c.value) for c in at.caption if "scored items:" in unescaped(c.value))
    assert f"{now[0]:,} constructive (before: {before[0]:,})" in summary
