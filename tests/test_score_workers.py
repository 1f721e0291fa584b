"""jobs.scoring.score_pending at scale: rounds, batches and worker processes give the same store.

Small ROUND_SIZE and BATCH_SIZE make a few dozen items cross several rounds and
batches; scores and thread flags must not depend on how the work was split.
"""

from datetime import datetime, timedelta

import pytest

from jobs import scoring
from settings.sources import SourceConfig
from store.db import connect
from tests.factories import comment, post, store_items

SOURCE = SourceConfig(name="Guardian test", kind="guardian", options={"discussions": ["/p/1"]})
ANGRY = ["This is a disgrace, awful and useless", "Terrible, pathetic service", "Shameful waste, I hate it"]
CALM = ["Thanks, that is really helpful", "Does anyone know when it opens?", "Lovely work, well done"]


def build(path) -> None:
    when = datetime(2026, 11, 1, 9)
    items = []
    for t in range(4):
        items.append(post(f"/p/{t}", f"Story {t}", when))
        texts = ANGRY if t % 2 == 0 else CALM
        for c in range(9):
            items.append(comment(f"{t}-{c}", texts[c % 3], when + timedelta(minutes=c), f"/p/{t}", author=f"a{c}"))
    with connect(path) as con:
        store_items(con, SOURCE, items)


def snapshot(path) -> tuple[list, list]:
    with connect(path, read_only=True) as con:
        scores = con.execute(
            "SELECT item_key, compound, sentiment, feedback_class FROM scores ORDER BY item_key").fetchall()
        threads = con.execute(
            "SELECT thread_key, flagged, flag_reasons, reply_count, negative_count FROM threads ORDER BY thread_key"
        ).fetchall()
    return scores, threads


@pytest.mark.parametrize("workers", [1, 2])
def test_split_work_gives_the_same_scores_and_flags(tmp_path, monkeypatch, workers):
    whole = tmp_path / "whole.duckdb"
    build(whole)
    assert scoring.score_pending(whole) == 40

    monkeypatch.setattr(scoring, "ROUND_SIZE", 7)
    monkeypatch.setattr(scoring, "BATCH_SIZE", 3)
    monkeypatch.setattr(scoring, "THREAD_BATCH", 3)
    split = tmp_path / "split.duckdb"
    build(split)
    seen = []
    assert scoring.score_pending(split, progress=lambda done, total: seen.append((done, total)), workers=workers) == 40

    assert snapshot(split) == snapshot(whole)
    scores, threads = snapshot(split)
    assert len(scores) == 40
    assert [t[1] for t in threads] == [True, False, True, False]  # the angry threads, and only them
    assert seen[-1] == (40, 40) and len(seen) == 6  # one report per round of 7
    assert scoring.score_pending(split, workers=workers) == 0  # nothing left: nothing scored again
