"""The Trends page (AppTest) on the seeded database: charts by day or week in the class colours, the
table per service area or source against the previous period, every spike with its threads.

Expected numbers come from tests/seed.py's record of what it stored (classes read back per item,
service areas and hostile flags likewise), summed here in Python, not from the page's own queries.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from streamlit.testing.v1 import AppTest

from analysis.trends import period_ending
from analysis.volumes import NO_AREA, bucket_for, compare_groups
from store.db import connect
from tests.conftest import ROOT
from tests.seed import PILE_ON_POST
from ui.labels import CLASS_COLOURS, NO_DATA
from ui.safe_text import WORD_JOINER

TIMEOUT_S = 60
PAGE = "app_pages/trends.py"
MASTODON = "Mastodon @examplecouncil"


def open_trends(period: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    if period:
        at.session_state["filter_period"] = period
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).replace(WORD_JOINER, "")


def table(at: AppTest):
    """The table of groups against the previous period."""
    return next(d.value for d in at.dataframe if "Negative vs before" in d.value.columns)


def read_back(seeded) -> tuple[dict, dict]:
    """Each item's own service area and hostile flag, as the models stored them."""
    with connect(seeded.path, read_only=True) as con:
        rows = con.execute("SELECT item_key, service_area, hostile FROM scores").fetchall()
    return {k: a for k, a, _ in rows}, {k: bool(h) for k, _, h in rows}


def expected(seeded, bounds, group_of) -> dict[str, Counter]:
    """Per group: items, each class and hostile, over the seed's public items in bounds."""
    _, hostile = read_back(seeded)
    out: dict[str, Counter] = {}
    for item in seeded.public_items(*bounds):
        counts = out.setdefault(group_of(item), Counter())
        counts["items"] += 1
        counts[item.expected_class] += 1
        counts["hostile"] += hostile.get(item.key, False)
    return out


def area_of(seeded):
    areas, _ = read_back(seeded)
    return lambda item: areas.get(item.key) or NO_AREA  # the item's own, as the weekly export has it


def test_empty_database_says_how_to_get_data(db_path):
    at = open_trends()
    assert [unescaped(i.value) for i in at.info] == [NO_DATA]
    assert not at.dataframe


def test_service_area_table_equals_the_seeded_counts(seeded_db):
    period = period_ending(seeded_db.now.date(), 30)
    now = expected(seeded_db, period.bounds(), area_of(seeded_db))
    before = expected(seeded_db, period.previous().bounds(), area_of(seeded_db))
    at = open_trends()
    shown = table(at).set_index("Service area")
    assert set(shown.index) == set(now) | set(before)
    for area, counts in now.items():
        row = shown.loc[area]
        assert (row["Items"], row["Negative"], row["Constructive"], row["Hostile"], row["Positive"],
                row["Neutral"]) == (counts["items"], counts["negative"], counts["constructive"], counts["hostile"],
                                    counts["positive"], counts["neutral"]), area
        assert row["Negative vs before"] == counts["negative"] - before.get(area, Counter())["negative"], area
    # Needs attention first: most negative items (areas named before the items with none).
    named = shown.drop(index=NO_AREA, errors="ignore")
    assert named["Negative"].is_monotonic_decreasing
    if NO_AREA in shown.index:
        assert shown.index[-1] == NO_AREA


def test_source_table_equals_the_seeded_counts(seeded_db):
    period = period_ending(seeded_db.now.date(), 30)
    now = expected(seeded_db, period.bounds(), lambda item: item.source)
    before = expected(seeded_db, period.previous().bounds(), lambda item: item.source)
    at = open_trends()
    at.segmented_control(key="trends_split").set_value("Source").run()
    assert not at.exception
    shown = table(at).set_index("Source")
    assert {name: int(row["Items"]) for name, row in shown.iterrows() if row["Items"]} == {
        name: c["items"] for name, c in now.items()
    }
    for name, counts in now.items():
        assert shown.loc[name, "Negative"] == counts["negative"]
        assert shown.loc[name, "Negative vs before"] == counts["negative"] - before.get(name, Counter())["negative"]
    assert any(s.value == "By source" for s in at.subheader)


def test_charts_by_day_then_by_week_in_the_class_colours(seeded_db):
    at = open_trends()
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    overall, groups = specs[0], specs[1:]  # everything, then one small chart per group
    assert len(groups) >= 2
    # The small charts share one scale, so groups compare at a glance, and count whole items only.
    assert len({json.dumps(g["encoding"]["y"]["scale"]) for g in groups}) == 1
    assert all(spec["encoding"]["y"]["axis"]["tickMinStep"] == 1 for spec in specs)
    assert overall["encoding"]["y"]["title"] == "Items per day"
    scale = overall["encoding"]["color"]["scale"]
    assert scale["domain"][:4] == ["Negative", "Neutral", "Positive", "Constructive"]
    assert scale["range"][:4] == [CLASS_COLOURS[c] for c in ("negative", "neutral", "positive", "constructive")]

    at = open_trends("Last 90 days")
    assert bucket_for(period_ending(seeded_db.now.date(), 90)) == "week"
    assert json.loads(at.get("vega_lite_chart")[0].proto.spec)["encoding"]["y"]["title"] == "Items per week"


def test_every_spike_is_listed_and_opens_its_threads(seeded_db):
    at = open_trends()
    spikes = at.dataframe(key="trends_spikes").value
    mastodon = [n for n, text in enumerate(spikes["What happened"]) if text.startswith(f"{MASTODON}: ")]
    assert mastodon, spikes["What happened"].tolist()  # the pile-on two days ago
    at.session_state["trends_spikes"] = {"selection": {"rows": [mastodon[0]], "columns": [], "cells": []}}
    at.run()
    assert any(unescaped(w.value) == spikes["What happened"].iloc[mastodon[0]] for w in at.warning)
    threads = at.dataframe(key="trends_spike_threads").value
    assert threads["Post"].iloc[0] == PILE_ON_POST
    at.session_state["trends_spike_threads"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert at.query_params == {"thread": seeded_db.pile_on_key}


def test_the_source_filter_narrows_everything(seeded_db):
    at = open_trends()
    at.sidebar.multiselect(key="filter_sources").select("Reddit r/examplecouncil").run()
    at.segmented_control(key="trends_split").set_value("Source").run()
    assert table(at)["Source"].tolist() == ["Reddit r/examplecouncil"]
    spikes = at.dataframe(key="trends_spikes").value if any(
        d.key == "trends_spikes" for d in at.dataframe) else None
    assert spikes is None or not any(t.startswith(f"{MASTODON}:") for t in spikes["What happened"])


@pytest.mark.parametrize("now_negative,before_negative", [(3, 0), (0, 2)])
def test_compare_groups_keeps_groups_of_either_period(now_negative, before_negative):
    import pandas as pd

    def summary(group, negative):
        return pd.DataFrame([{"group": group, "items": negative + 1, "negative": negative, "neutral": 0,
                              "positive": 1, "constructive": 0, "unscored": 0, "hostile": 0}])

    out = compare_groups(summary("Parking", now_negative), summary("Parking", before_negative))
    assert out[["group", "negative", "negative_before", "negative_change"]].values.tolist() == [
        ["Parking", now_negative, before_negative, now_negative - before_negative]
    ]
