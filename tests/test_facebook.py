"""The Facebook collector against a real HTTP server replaying Graph API payloads.

Fixtures (tests/fixtures/facebook/) are written in the Graph API's documented
shapes: the page feed with `paging.cursors` and a `next` URL that carries a
(recorded) token, comments read with filter=stream newest first, each reply
naming its `parent`, and Graph's error objects.
"""

from __future__ import annotations

import pytest
from graph_replay import (
    NOW,
    RECORDED_TOKEN,
    TOKEN,
    FakeClock,
    GraphReplay,
    everything_stored,
    graph_error,
    graph_http,
    replay_graph,
    saved_cursor,
    stored,
    usage_headers,
)
from replay import FIXTURES

from collectors.facebook import FacebookCollector
from collectors.graph import next_query, usage
from jobs.collect import collect_all
from settings.sources import SourceConfig
from store.db import connect

RUN1 = FIXTURES / "facebook" / "run1"
RUN2 = FIXTURES / "facebook" / "run2"
OLDEST_FIRST = FIXTURES / "facebook" / "chronological"  # the same comments, as if `order` were not honoured
PAGE = "104958162837"
WINDOW_START = int(NOW - 14 * 86400)

P1, P2, P3 = (f"{PAGE}_1029384756", f"{PAGE}_1029384001", f"{PAGE}_1029383117")
C1, C2, C3, C4, C5, C6 = (f"1029384756_8823000{n}" for n in range(1, 7))
D1 = "1029383117_77120001"


def key(native_id: str) -> str:
    return f"facebook:{native_id}"


@pytest.fixture
def fake_time() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def http(fake_time):
    with graph_http(fake_time) as client:
        yield client


@pytest.fixture
def graph(httpserver, monkeypatch) -> GraphReplay:
    return replay_graph(httpserver, monkeypatch, PAGE, RUN1)


@pytest.fixture
def source(httpserver) -> SourceConfig:
    return SourceConfig(
        name="Brackenford Council on Facebook",
        kind="facebook",
        options={"page_id": PAGE},
        base_url=GraphReplay.base_url(httpserver),
    )


def test_collects_posts_and_every_comment_as_a_tree(graph, source, http, db_path):
    [result] = collect_all([source], db_path, http)

    assert result.error is None, result.error
    items = stored(db_path)
    assert set(items) == {key(i) for i in (P1, P2, P3, C1, C2, C3, C4, C5, D1)}
    assert (result.fetched, result.new, result.updated) == (9, 9, 0)

    # the tree: post <- C1 <- C2 <- C3 (three levels of replies), C4 and C5 on the post itself
    for comment in (C1, C4, C5):
        assert items[key(comment)]["parent_id"] == key(P1)
    assert items[key(C2)]["parent_id"] == key(C1)
    assert items[key(C3)]["parent_id"] == key(C2)
    assert items[key(D1)]["parent_id"] == key(P3)
    assert {items[key(c)]["thread_id"] for c in (C1, C2, C3, C4, C5)} == {key(P1)}
    assert items[key(P1)]["thread_id"] is None and items[key(P1)]["item_type"] == "post"

    # the page's own posts and replies are the council's; a visitor's post is not
    assert [items[key(i)]["is_council"] for i in (P1, P2, P3, C1, C2, D1)] == [True, True, False, False, True, True]
    assert items[key(P1)]["reply_count"] == 5 and items[key(P1)]["like_count"] == 42
    assert items[key(C1)]["author_name"] == "Tom Ellery" and items[key(C1)]["reply_count"] == 2
    assert items[key(C3)]["url"].endswith("reply_comment_id=88230003")
    assert str(items[key(C3)]["created_at"]) == "2026-11-19 11:30:02"

    # two pages of posts and two of comments, each next page asked for by its cursor
    feed = graph.asked(f"{PAGE}/feed")
    assert [q.get("after") for q in feed] == [None, "QVFIUnRfZ2FlZAXp1QkdIV3NfaWZAmVWR5N2VCVUF5d1pKaDRfNVJ3NGxR"]
    assert feed[0]["since"] == str(WINDOW_START)  # first run: the look-back window
    comments = graph.asked(f"{P1}/comments")
    assert len(comments) == 2 and comments[1]["after"].startswith("WTI5dGJXVnVkRjlqZAFhKemIzSTZANamt5T0RBek9q")
    assert comments[0]["filter"] == "stream" and comments[0]["order"] == "reverse_chronological"
    assert "parent{id}" in comments[0]["fields"]

    # the token went only where it belongs: never the one inside `paging.next`, never into the store
    assert set(graph.tokens_seen) == {TOKEN}
    text = everything_stored(db_path)
    assert TOKEN not in text and RECORDED_TOKEN not in text and "access_token" not in text

    # fields left out are defaults: C4 came without `from` (no permission) and without like_count
    anonymous = items[key(C4)]
    assert anonymous["author_id"] is None and anonymous["author_name"] is None
    assert anonymous["like_count"] is None and not anonymous["is_council"]
    assert anonymous["raw_text"].startswith("Could the green bin round")


def test_a_second_identical_run_writes_nothing(graph, source, http, db_path):
    collect_all([source], db_path, http)
    graph.requests.clear()
    [again] = collect_all([source], db_path, http)

    assert again.error is None
    assert (again.new, again.updated) == (0, 0)
    with connect(db_path, read_only=True) as con:
        rows, keys = con.execute("SELECT count(*), count(DISTINCT key) FROM items").fetchall()[0]
    assert rows == keys == 9
    # incremental: posts since the newest one seen, so page 2 of the feed is not read again,
    # and each post's comments only down to the newest comment already stored
    assert [q.get("since") for q in graph.asked(f"{PAGE}/feed")] == ["1795077000"]
    assert len(graph.asked(f"{P1}/comments")) == 1
    # P2 and P3 are older than `since` but within 14 days: their comments are checked again
    assert len(graph.asked(f"{P2}/comments")) == 1 and len(graph.asked(f"{P3}/comments")) == 1
    cursor = saved_cursor(db_path)
    assert cursor["since"] == 1795077000
    assert set(cursor["posts"]) == {P1, P2, P3}


def test_a_reply_arriving_later_is_collected_on_the_next_run(graph, source, http, db_path):
    collect_all([source], db_path, http)
    graph.use(RUN1, RUN2)  # a council reply to C4 arrived; the post now counts 6 comments
    [second] = collect_all([source], db_path, http)

    assert second.error is None
    assert (second.new, second.updated) == (1, 1)
    items = stored(db_path)
    reply = items[key(C6)]
    assert reply["parent_id"] == key(C4) and reply["thread_id"] == key(P1) and reply["is_council"]
    assert items[key(P1)]["reply_count"] == 6


def test_comments_sent_oldest_first_are_all_read_rather_than_cut_short(graph, source, http, db_path):
    collect_all([source], db_path, http)
    graph.use(RUN1, RUN2, OLDEST_FIRST)
    graph.requests.clear()
    [second] = collect_all([source], db_path, http)

    assert (second.new, second.error) == (1, None)
    assert stored(db_path)[key(C6)]["parent_id"] == key(C4)
    assert len(graph.asked(f"{P1}/comments")) == 2  # an oldest-first page does not end the reading


def test_posts_older_than_the_look_back_window_are_no_longer_checked(graph, source, http, db_path, fake_time):
    collect_all([source], db_path, http)
    fake_time.now += 8 * 86400  # P3 (12 Nov) is now more than 14 days old
    graph.requests.clear()
    collect_all([source], db_path, http)

    assert graph.asked(f"{P3}/comments") == []
    assert set(saved_cursor(db_path)["posts"]) == {P1, P2}


def test_a_long_rate_limit_stops_the_source_and_the_next_run_resumes(graph, source, http, db_path, fake_time):
    # HTTP 429 with Meta's own headers: the page's budget is spent for 30 minutes
    graph.fail(f"{P3}/comments", graph_error("facebook", "page-request-limit-32", 429,
                                             usage_headers(PAGE, call_count=100, minutes=30)))
    [first] = collect_all([source], db_path, http)

    assert first.error and "rate limited" in first.error and "1800s" in first.error
    assert fake_time.waits == []  # 30 minutes is not sat out
    assert key(D1) not in stored(db_path) and key(C3) in stored(db_path)  # batches before it were kept
    assert saved_cursor(db_path)["since"] == WINDOW_START  # not moved past unread posts

    fake_time.now += 1800
    [second] = collect_all([source], db_path, http)
    assert second.error is None
    assert key(D1) in stored(db_path) and key(P3) in stored(db_path)
    with connect(db_path, read_only=True) as con:
        rows, keys = con.execute("SELECT count(*), count(DISTINCT key) FROM items").fetchall()[0]
    assert rows == keys == 9


def test_a_short_rate_limit_is_waited_out(graph, source, http, db_path, fake_time):
    # HTTP 403 with error code 4 and a minute to regain access: sat out, then carried on
    graph.fail(f"{P1}/comments", graph_error("facebook", "application-request-limit-4", 403,
                                             usage_headers(PAGE, call_count=100, minutes=1)))
    [result] = collect_all([source], db_path, http)

    assert result.error is None
    assert fake_time.waits == [60.0]
    assert len(stored(db_path)) == 9


@pytest.mark.parametrize("name, code", [("page-request-limit-32", 32), ("application-request-limit-4", 4)])
def test_rate_limit_error_codes_without_usage_headers(graph, source, http, db_path, name, code):
    graph.fail(f"{PAGE}/feed", graph_error("facebook", name, 400))
    [result] = collect_all([source], db_path, http)

    assert result.error.startswith("Graph API rate limit reached")
    assert f"(#{code})" in result.error and "next run resumes" in result.error


def test_an_expired_token_is_named_but_never_shown(graph, source, http, db_path):
    graph.fail(f"{PAGE}/feed", graph_error("facebook", "token-expired-190", 400))
    [result] = collect_all([source], db_path, http)

    assert "FACEBOOK_PAGE_TOKEN" in result.error and "expired" in result.error
    assert TOKEN not in result.error
    assert TOKEN not in everything_stored(db_path)


def test_a_missing_token_is_one_clear_line_for_that_source(graph, source, http, db_path, monkeypatch, tmp_path):
    monkeypatch.delenv("FACEBOOK_PAGE_TOKEN")
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here either
    [result] = collect_all([source], db_path, http)

    assert result.error == (
        "missing secret FACEBOOK_PAGE_TOKEN: set the environment variable or add it to .streamlit/secrets.toml"
    )
    assert graph.requests == []


def test_an_unknown_page_says_what_graph_said(graph, httpserver, http, db_path):
    wrong = SourceConfig(name="Typo", kind="facebook", options={"page_id": "999999999999"},
                         base_url=GraphReplay.base_url(httpserver))
    [result] = collect_all([wrong], db_path, http)

    assert result.error.startswith("Graph API error 100/33 from")
    assert "Object with ID '999999999999' does not exist" in result.error


def test_a_post_whose_comments_cannot_be_read_is_skipped_with_a_warning(graph, source, http, db_path):
    graph.fail(f"{P1}/comments", graph_error("facebook", "unknown-object-100", 400))
    [first] = collect_all([source], db_path, http)

    assert first.error is None
    assert len(first.warnings) == 1 and first.warnings[0].startswith(f"comments on Facebook post {P1} were not read")
    assert key(D1) in stored(db_path) and key(C1) not in stored(db_path)  # the other posts were read
    assert saved_cursor(db_path)["posts"][P1]["c"] is None

    [second] = collect_all([source], db_path, http)  # read again next time
    assert second.error is None and not second.warnings and second.new == 5
    assert key(C3) in stored(db_path)


def test_a_post_with_only_an_id_is_still_an_item(source, http):
    bare = FacebookCollector(source, http)._post({"id": f"{PAGE}_1"}, NOW)
    assert bare.raw_text == "" and bare.author_id is None and bare.url is None
    assert bare.created_at.timestamp() == NOW  # undated: the time it was first seen


def test_page_id_must_be_given_sensibly(http):
    bad = SourceConfig(name="Bad", kind="facebook", options={"page_id": "../me"})
    with pytest.raises(Exception, match="page_id must be"):
        FacebookCollector(bad, http)


def test_next_page_is_rebuilt_without_the_token():
    by_cursor = {"cursors": {"after": "QUZA"}, "next": "https://graph.facebook.com/v21.0/1/feed?access_token=SECRET&after=QUZA"}
    by_time = {"next": "https://graph.facebook.com/v21.0/1/posts?access_token=SECRET&limit=25&until=1624385168&__paging_token=abc"}

    assert next_query({"fields": "id", "limit": 25}, by_cursor) == {"fields": "id", "limit": 25, "after": "QUZA"}
    assert next_query({"fields": "id"}, by_time) == {"limit": "25", "until": "1624385168", "__paging_token": "abc"}
    assert next_query({"fields": "id"}, {"cursors": {"after": "QUZA"}}) is None  # no `next`: the last page


def test_usage_headers_are_read_as_percentages_and_minutes():
    assert usage(usage_headers(PAGE, call_count=87, minutes=0)) == (87.0, 0.0)
    assert usage(usage_headers(PAGE, call_count=100, minutes=12)) == (100.0, 12.0)
    assert usage({"x-business-use-case-usage": "not json", "x-app-usage": '{"call_count": 5}'}) == (5.0, 0.0)
    assert usage({}) == (None, 0.0)
