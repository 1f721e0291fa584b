"""A collection run scores items as it saves them (jobs.scoring.ScoringAsSaved via
jobs.run.collect_and_score), and the store ends exactly as if it had
collected everything first and run score_pending after.

Real DuckDB files and the real runner; the collectors are lists of pages. Small
save, batch and in-flight sizes make a few dozen items cross many saves, batches
and worker round trips.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pandas as pd
import pytest

from analysis.scoring import score_items
from collectors.errors import FetchError
from collectors.items import Batch
from jobs import collect, scoring
from jobs.run import collect_and_score
from settings.sources import SourceConfig
from store import daily
from store.db import connect
from tests.factories import comment, post

FORUM = SourceConfig(name="Forum", kind="guardian", options={"discussions": ["/p/1"]})
NEWS = SourceConfig(name="News", kind="rss", options={"url": "http://127.0.0.1:9/feed"})
ANGRY = ["This is a disgrace, awful and useless", "Terrible, pathetic service from the council",
         "Shameful waste of our money, I hate it"]
CALM = ["Thanks, that is really helpful", "Could you put a bin by the bus stop on Mill Lane please?",
        "Lovely work on the park, well done"]
WHEN = datetime(2026, 11, 1, 9)


class Pages:
    """A collector that sends these pages, then stops (or fails, if told to)."""

    def __init__(self, pages: list[list], fail_after: bool = False):
        self.pages, self.fail_after = pages, fail_after

    def fetch(self, cursor: dict):
        for number, items in enumerate(self.pages, start=1):
            yield Batch(items=items, cursor={"page": number})
        if self.fail_after:
            raise FetchError("the platform answered 500")


def forum_pages() -> list[list]:
    """Four threads (two angry, two calm) of nine replies each, in pages of five items."""
    items = []
    for t in range(4):
        items.append(post(f"/p/{t}", f"Story {t}", WHEN + timedelta(hours=t)))
        texts = ANGRY if t % 2 == 0 else CALM
        items += [comment(f"{t}-{c}", texts[c % 3], WHEN + timedelta(hours=t, minutes=c + 1), f"/p/{t}",
                          author=f"a{c}") for c in range(9)]
    return [items[start : start + 5] for start in range(0, len(items), 5)]


def news_pages() -> list[list]:
    return [[post(f"https://news.example/{n}", f"Council news {n}: bins collected late", WHEN, kind="rss")
             for n in range(3)]]


def snapshot(db) -> tuple:
    with connect(db, read_only=True) as con:
        scores = con.execute(
            """SELECT item_key, model_version, compound, sentiment, constructive_prob, feedback_class,
                      service_area, hostile FROM scores ORDER BY item_key""").fetchall()
        threads = con.execute(
            """SELECT thread_key, flagged, flag_reasons, reply_count, negative_count, pileon_score
               FROM threads ORDER BY thread_key""").fetchall()
        assert daily.stored_counts(con).equals(daily.raw_counts(con))
    return scores, threads


def collect_first_then_score(db) -> None:
    for source, pages in ((FORUM, forum_pages()), (NEWS, news_pages())):
        assert collect.collect_source(source, db, None, collector=Pages(pages)).error is None
    scoring.score_pending(db)


@pytest.fixture
def small_steps(monkeypatch):
    monkeypatch.setattr(collect, "SAVE_EVERY_ITEMS", 7)  # a save every second page
    monkeypatch.setattr(scoring, "BATCH_SIZE", 3)
    monkeypatch.setattr(scoring.ScoringAsSaved, "MAX_IN_FLIGHT", 1)


@pytest.mark.parametrize("workers", [1, 2])
def test_scoring_as_saved_ends_as_scoring_after(tmp_path, small_steps, workers):
    after = tmp_path / "after.duckdb"
    collect_first_then_score(after)

    during = tmp_path / "during.duckdb"
    summary = collect_and_score([FORUM, NEWS], during, None, workers=workers,
                                collectors={"Forum": Pages(forum_pages()), "News": Pages(news_pages())})

    assert [r.error for r in summary.results] == [None, None]
    assert summary.scored == 43  # 4 posts, 36 replies, 3 news items: each scored once
    assert snapshot(during) == snapshot(after)
    scores, threads = snapshot(during)
    assert len(scores) == 43
    assert [t[1] for t in threads if t[0].startswith("guardian:")] == [True, False, True, False]


def test_items_are_scored_in_the_run_not_read_back_after_it(tmp_path, small_steps, monkeypatch):
    """Everything is scored before score_pending looks: it finds nothing left to score."""
    left = []
    real = scoring.unscored_keys

    def noting(con):
        keys = real(con)
        left.append(len(keys))
        return keys

    monkeypatch.setattr(scoring, "unscored_keys", noting)
    db = tmp_path / "p.duckdb"
    summary = collect_and_score([FORUM], db, None, collectors={"Forum": Pages(forum_pages())})
    assert summary.scored == 40 and left == [0]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_text_changed_before_its_score_was_written_keeps_only_the_new_score(tmp_path, monkeypatch, workers):
    monkeypatch.setattr(collect, "SAVE_EVERY_ITEMS", 1)  # every page its own save
    story = post("/p/9", "Story", WHEN)
    first = comment("9-1", "Thanks, lovely work, really helpful", WHEN, "/p/9")
    edited = comment("9-1", "This is a disgrace, awful and useless", WHEN + timedelta(minutes=5), "/p/9")
    db = tmp_path / "p.duckdb"
    collect_and_score([FORUM], db, None, workers=workers,
                      collectors={"Forum": Pages([[story, first], [edited], [post("/p/10", "Other", WHEN)]])})

    expected = score_items(pd.DataFrame({"key": ["guardian:9-1"], "text": [edited.raw_text], "title": [None],
                                         "item_type": ["comment"]}))
    with connect(db, read_only=True) as con:
        stored = con.execute("SELECT text FROM items WHERE key = 'guardian:9-1'").fetchall()
        score = con.execute("SELECT compound, sentiment FROM scores WHERE item_key = 'guardian:9-1'").fetchall()
        unscored = con.execute("SELECT count(*) FROM items ANTI JOIN scores ON item_key = key").fetchall()[0][0]
    assert stored == [(edited.raw_text,)]
    assert score == [(pytest.approx(expected["compound"][0]), expected["sentiment"][0])]
    assert score[0][1] == "negative" and unscored == 0


def test_a_failing_source_still_has_what_it_saved_scored(tmp_path, small_steps):
    db = tmp_path / "p.duckdb"
    summary = collect_and_score([FORUM, NEWS], db, None, collectors={
        "Forum": Pages(forum_pages()[:3], fail_after=True), "News": Pages(news_pages())})
    assert "500" in summary.results[0].error and summary.results[1].error is None
    with connect(db, read_only=True) as con:
        items, scored = con.execute(
            "SELECT count(*), count(s.item_key) FROM items LEFT JOIN scores s ON s.item_key = key").fetchall()[0]
    assert items == scored == 15 + 3 and summary.scored == 18


def test_scores_lost_with_a_failed_save_are_scored_by_score_pending(tmp_path, small_steps, monkeypatch):
    """A save that fails takes the finished scores it was writing with it; the run's end scores them."""
    db = tmp_path / "p.duckdb"
    real = collect._Pages._write
    calls = []

    def failing_once(self, con, frame):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(self, con, frame)

    monkeypatch.setattr(collect._Pages, "_write", failing_once)
    summary = collect_and_score([FORUM], db, None, collectors={"Forum": Pages(forum_pages())})
    assert "disk full" in summary.results[0].error
    with connect(db, read_only=True) as con:
        unscored = con.execute("SELECT count(*) FROM items ANTI JOIN scores ON item_key = key").fetchall()[0][0]
        stored = con.execute("SELECT count(*) FROM items").fetchall()[0][0]
    assert stored > 0 and unscored == 0
    snapshot(db)  # and the per-day counts are exact


def test_only_the_latest_submission_of_an_item_is_handed_back():
    """Resent with a new text before its first score was taken: only the new text's score comes back,
    so a run that stops between two saves can never leave the old text's score on the new text."""
    def items(text: str) -> pd.DataFrame:
        return pd.DataFrame({"key": ["guardian:1", "guardian:2"], "text": [text, "Thanks, well done"],
                             "title": [None, None], "item_type": ["comment", "comment"],
                             "thread_id": ["guardian:/p/1"] * 2})

    with scoring.ScoringAsSaved() as saving:
        saving.submit(items("Thanks, lovely work, really helpful"))
        saving.submit(items("This is a disgrace, awful and useless").iloc[:1])
        scores = saving.take_ready()
        assert sorted(scores["item_key"]) == ["guardian:1", "guardian:2"]
        assert scores.set_index("item_key").loc["guardian:1", "sentiment"] == "negative"
        assert saving.take_ready() is None or saving.take_ready().empty
        assert saving.touched == {"guardian:/p/1"}


def test_deleted_items_are_never_scored_whether_a_save_is_all_new_or_not(tmp_path, monkeypatch):
    """A save of only new items skips the look-up of what is unscored; deleted items still are not scored."""
    monkeypatch.setattr(collect, "SAVE_EVERY_ITEMS", 1)  # every page its own save
    story, kept = post("/p/1", "Story", WHEN), comment("1-1", "Thanks, well done", WHEN, "/p/1")
    gone = [replace(comment(f"1-{n}", "[deleted]", WHEN, "/p/1"), deleted=True) for n in (2, 4)]
    pages = [[story, kept, gone[0]],  # every item new
             [kept, comment("1-3", "Bins missed again on Mill Lane", WHEN, "/p/1"), gone[1]]]  # one stored already
    db = tmp_path / "p.duckdb"
    summary = collect_and_score([FORUM], db, None, collectors={"Forum": Pages(pages)})
    with connect(db, read_only=True) as con:
        scored = [k for (k,) in con.execute("SELECT item_key FROM scores ORDER BY item_key").fetchall()]
    assert scored == ["guardian:/p/1", "guardian:1-1", "guardian:1-3"]
    assert summary.scored == 3  # the resent comment was not scored again
    assert scoring.score_pending(db) == 0
