"""store.queries: the dashboard's reads, on the seeded database and on small hand-made ones."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from analysis.trends import period_ending
from collectors.items import Item
from jobs.collect import item_row
from settings.sources import SourceConfig
from store import queries
from store.db import connect
from store.items import items_frame, save_scores, upsert_items
from store.sources import sync_source
from store.threads import save_thread_summaries
from tests.seed import PILE_ON_REASON, REDDIT_FLAGGED_REASON

T0 = datetime(2026, 11, 20, 12, 0)


@pytest.fixture
def seeded_con(seeded_db):
    with connect(seeded_db.path, read_only=True) as con:
        yield con


def window(seeded, days=30):
    return period_ending(seeded.now.date(), days).bounds()


def test_summary_counts_public_items_in_duckdb(seeded_db, seeded_con):
    start, end = window(seeded_db)
    summary = queries.period_summary(seeded_con, start, end)
    public = seeded_db.public_items(start, end)
    assert summary["items"] == summary["scored"] == len(public)
    assert summary["negative"] == sum(i.expected_class == "negative" for i in public)
    assert summary["open_flagged"] == 2


def test_summary_source_filter(seeded_db, seeded_con):
    start, end = window(seeded_db, 90)
    mastodon = seeded_db.source_ids["Mastodon @examplecouncil"]
    summary = queries.period_summary(seeded_con, start, end, [mastodon])
    assert summary["items"] == len(seeded_db.public_items(start, end, {"Mastodon @examplecouncil"}))
    assert summary["open_flagged"] == 1
    assert queries.period_summary(seeded_con, start, end, [])["items"] == 0  # nothing chosen, nothing counted


def test_daily_counts_add_up_to_the_summary(seeded_db, seeded_con):
    start, end = window(seeded_db)
    counts = queries.daily_counts(seeded_con, start, end)
    assert counts["items"].sum() == queries.period_summary(seeded_con, start, end)["items"]
    assert set(counts["feedback_class"]) <= {"negative", "neutral", "positive", "constructive"}
    assert counts.groupby(["day", "feedback_class"]).size().max() == 1  # already aggregated


def test_flagged_queue_order_and_filters(seeded_db, seeded_con):
    start, end = window(seeded_db)
    queue = queries.flagged_queue(seeded_con, start, end)
    assert queue["reason"].tolist() == [PILE_ON_REASON, REDDIT_FLAGGED_REASON]
    assert queue["thread_key"].tolist() == [seeded_db.pile_on_key, seeded_db.reddit_flagged_key]
    assert queries.flagged_queue(seeded_con, start, end, limit=1)["thread_key"].tolist() == [seeded_db.pile_on_key]
    assert queries.flagged_queue(seeded_con, start, end, text="40 MINUTES")["thread_key"].tolist() == [
        seeded_db.reddit_flagged_key
    ]
    # literal, not a LIKE pattern (reasons hold "70 %", never "%%")
    assert queries.flagged_queue(seeded_con, start, end, text="%%").empty
    assert queries.flagged_queue(seeded_con, start, end, statuses=["closed"]).empty
    long_start, long_end = window(seeded_db, 90)
    assert len(queries.flagged_queue(seeded_con, long_start, long_end)) == 3


def test_thread_detail_and_replies(seeded_db, seeded_con):
    detail = queries.thread_detail(seeded_con, seeded_db.pile_on_key)
    assert detail["flagged"] and detail["flag_reasons"] == PILE_ON_REASON
    assert detail["source"] == "Mastodon @examplecouncil" and detail["is_council"]
    replies = queries.thread_replies(seeded_con, seeded_db.pile_on_key)
    assert len(replies) == 21
    assert replies["created_at"].is_monotonic_increasing
    assert queries.thread_detail(seeded_con, "nope:1") is None


def test_thread_choices_put_flagged_first(seeded_db, seeded_con):
    start, end = window(seeded_db)
    choices = queries.thread_choices(seeded_con, start, end)
    assert choices["flagged"].tolist()[:2] == [True, True]
    assert not choices["flagged"].iloc[2:].any()
    assert seeded_db.quiet_thread_key in set(choices["thread_key"])


def test_store_shape(seeded_db, seeded_con):
    earliest, latest = queries.item_date_range(seeded_con)
    newest = seeded_con.execute("SELECT max(created_at) FROM items").fetchone()[0]
    assert latest == newest.date() and seeded_db.now - newest < timedelta(days=1)
    assert (latest - earliest).days >= 60
    assert queries.source_list(seeded_con)["name"].tolist() == [
        "Council news (RSS)", "Guardian: local comments", "Mastodon @examplecouncil", "Reddit r/examplecouncil",
    ]
    assert queries.is_demo(seeded_con) is False


# --- Hand-made cases ----------------------------------------------------------------

SOURCE = SourceConfig("Forum", "reddit", {"subreddit": "x"}, council_accounts=("council",))


def _store(con, items: list[Item], classes: dict[str, str]) -> int:
    source_id = sync_source(con, SOURCE.name, SOURCE.kind, SOURCE.as_dict())
    upsert_items(con, items_frame([item_row(i, SOURCE, source_id, T0) for i in items]))
    scores = pd.DataFrame({
        "item_key": list(classes),
        "model_version": "test",
        "compound": [-0.5 if c == "negative" else 0.5 for c in classes.values()],
        "sentiment": ["negative" if c == "negative" else "positive" for c in classes.values()],
        "feedback_class": list(classes.values()),
        "hostile": False,
    })
    save_scores(con, scores, T0)
    return source_id


def _item(native_id, minutes, author="someone", **kwargs) -> Item:
    return Item(kind="reddit", native_id=native_id, item_type=kwargs.pop("item_type", "comment"),
                created_at=T0 + timedelta(minutes=minutes), raw_text=f"text {native_id}", author_id=author,
                author_name=author, **kwargs)


def test_council_deleted_and_corrected_items(fresh_db):
    items = [
        _item("post", 0, author="council", item_type="post"),
        _item("a", 1, thread_id="reddit:post"),
        _item("b", 2, thread_id="reddit:post"),
        _item("c", 3, thread_id="reddit:post"),
        _item("gone", 4, thread_id="reddit:post", deleted=True),
        _item("unscored", 5, thread_id="reddit:post"),
    ]
    _store(fresh_db, items, {
        "reddit:post": "positive", "reddit:a": "negative", "reddit:b": "negative", "reddit:c": "constructive",
        "reddit:gone": "negative",
    })
    # An officer says b is positive, and c (constructive) has a negative tone: it stays constructive.
    fresh_db.execute(
        """INSERT INTO label_corrections VALUES
           ('reddit:b', 'sentiment', 'positive', 'officer', ?), ('reddit:c', 'sentiment', 'negative', 'officer', ?)""",
        [T0, T0],
    )
    start, end = T0 - timedelta(days=1), T0 + timedelta(days=1)
    summary = queries.period_summary(fresh_db, start, end)
    assert summary == {"items": 4, "scored": 3, "negative": 1, "open_flagged": 0}
    counts = queries.daily_counts(fresh_db, start, end)
    assert dict(zip(counts["feedback_class"].fillna("unscored"), counts["items"])) == {
        "negative": 1, "positive": 1, "constructive": 1, "unscored": 1,
    }


def test_queue_skips_silenced_and_handles_a_missing_root(fresh_db):
    source_id = _store(fresh_db, [_item("r1", 1, thread_id="reddit:lost")], {"reddit:r1": "negative"})
    summaries = pd.DataFrame([
        {"thread_key": key, "source_id": source_id, "flagged": True, "flag_reasons": f"reason {key}",
         "pileon_score": score, "reply_count": 9, "negative_count": 9, "author_count": 5,
         "first_reply_at": T0, "last_reply_at": T0 + timedelta(hours=1)}
        for key, score in (("reddit:lost", 70.0), ("reddit:quiet", 90.0))
    ])
    save_thread_summaries(fresh_db, summaries, T0)
    fresh_db.execute("UPDATE threads SET silenced = true WHERE thread_key = 'reddit:quiet'")
    queue = queries.flagged_queue(fresh_db, T0 - timedelta(days=1), T0 + timedelta(days=1))
    assert queue["thread_key"].tolist() == ["reddit:lost"]
    assert queue["post"].tolist() == ["(original post not collected)"]
    detail = queries.thread_detail(fresh_db, "reddit:lost")
    assert not detail["root_stored"]
    assert detail["flag_reasons"] == "reason reddit:lost"


def test_long_posts_are_cut_for_lists(fresh_db):
    long_text = "word " * 100
    post = Item(kind="reddit", native_id="long", item_type="post", created_at=T0, raw_text=long_text)
    source_id = _store(fresh_db, [post, _item("r", 1, thread_id="reddit:long")], {"reddit:r": "negative"})
    save_thread_summaries(fresh_db, pd.DataFrame([{
        "thread_key": "reddit:long", "source_id": source_id, "flagged": True, "flag_reasons": "x",
        "pileon_score": 1.0, "reply_count": 1, "negative_count": 1, "author_count": 1,
        "first_reply_at": T0, "last_reply_at": T0,
    }]), T0)
    post_line = queries.flagged_queue(fresh_db, T0 - timedelta(days=1), T0 + timedelta(days=1))["post"].iloc[0]
    assert len(post_line) == queries.EXCERPT_CHARS
    assert post_line.endswith("…") and "  " not in post_line


def test_is_demo_reads_the_setting(fresh_db):
    assert queries.is_demo(fresh_db) is False
    fresh_db.execute("INSERT INTO settings VALUES ('demo', 'true')")
    assert queries.is_demo(fresh_db) is True


def test_queue_by_service_area_finds_threads_through_any_of_their_items(seeded_db):
    with connect(seeded_db.path) as con:
        start, end = window(seeded_db, 90)
        everything = queries.flagged_queue(con, start, end)
        assert len(everything) >= 2
        first, second = everything["thread_key"].tolist()[:2]
        reply = con.execute(
            "SELECT key FROM items WHERE thread_id = ? AND key <> ? ORDER BY key LIMIT 1", [first, first]
        ).fetchall()[0][0]
        areas = pd.DataFrame({"item_key": [reply, second], "model_version": "test", "compound": 0.0,
                              "sentiment": "neutral", "feedback_class": "neutral",
                              "service_area": ["test: a reply's area", "test: a post's area"], "hostile": False})
        save_scores(con, areas, T0)

        def queue(*names):
            return queries.flagged_queue(con, start, end, service_areas=names)["thread_key"].tolist()

        assert queue("test: a reply's area") == [first]  # through a reply
        assert queue("test: a post's area") == [second]  # through the root post
        assert queue("test: a reply's area", "test: a post's area") == [first, second]
        assert queue("test: no such area") == []


def test_scored_versions_count_stored_items_not_deleted_ones(fresh_db):
    from store import trends

    items = [_item("a", 1), _item("b", 2), _item("gone", 3, deleted=True)]
    _store(fresh_db, items, {"reddit:a": "negative", "reddit:b": "positive", "reddit:gone": "negative"})
    versions = trends.scored_versions(fresh_db)
    assert versions[["model_version", "items"]].values.tolist() == [["test", 2]]
