"""The Instagram collector against a real HTTP server replaying Graph API payloads.

Fixtures (tests/fixtures/instagram/) follow the Instagram Graph API reference:
IG Media (id, caption, timestamp, permalink, username, comments_count,
like_count, media_type), IG Comments with `from {id, username}`, nested
`replies` (one level, each with `parent_id`) paged on to `/{comment-id}/replies`,
and Graph's paging and error objects.
"""

from __future__ import annotations

import json

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

from collectors.instagram import InstagramCollector
from jobs.collect import collect_all
from settings.sources import SourceConfig
from store.db import connect

RUN1 = FIXTURES / "instagram" / "run1"
RUN2 = FIXTURES / "instagram" / "run2"
ACCOUNT = "17841401234567890"

M1, M2, M3, OLD = "17954321098765432", "17954321098700001", "17954321098600002", "17954321098500003"
JESS, JESS_REPLY, MARK, BOOKWORM, BOOKWORM_REPLY, BOOKWORM_REPLY_2, MARK_REPLY = (
    f"178900000000000{n}" for n in (11, 12, 13, 14, 15, 16, 17)
)
DAVE = "17890000000000021"


def key(native_id: str) -> str:
    return f"instagram:{native_id}"


@pytest.fixture
def fake_time() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def http(fake_time):
    with graph_http(fake_time) as client:
        yield client


@pytest.fixture
def graph(httpserver, monkeypatch) -> GraphReplay:
    return replay_graph(httpserver, monkeypatch, ACCOUNT, RUN1, buc_type="instagram")


@pytest.fixture
def source(httpserver) -> SourceConfig:
    return SourceConfig(
        name="Brackenford Council on Instagram",
        kind="instagram",
        options={"user_id": ACCOUNT},
        base_url=GraphReplay.base_url(httpserver),
    )


ALL_RUN1 = {M1, M2, M3, JESS, JESS_REPLY, MARK, BOOKWORM, BOOKWORM_REPLY, BOOKWORM_REPLY_2, DAVE}


def test_collects_media_comments_and_replies(graph, source, http, db_path):
    [result] = collect_all([source], db_path, http)

    assert result.error is None, result.error
    items = stored(db_path)
    assert set(items) == {key(i) for i in ALL_RUN1}  # OLD is outside the 14-day window
    assert (result.new, result.updated) == (10, 0)

    # one level of replies: media <- comment <- reply
    for comment in (JESS, MARK, BOOKWORM):
        assert items[key(comment)]["parent_id"] == key(M1)
    assert items[key(JESS_REPLY)]["parent_id"] == key(JESS)
    assert items[key(BOOKWORM_REPLY)]["parent_id"] == key(BOOKWORM)
    assert items[key(BOOKWORM_REPLY_2)]["parent_id"] == key(BOOKWORM)  # from the replies edge's second page
    assert {items[key(c)]["thread_id"] for c in (JESS, JESS_REPLY, MARK, BOOKWORM_REPLY_2)} == {key(M1)}
    assert items[key(DAVE)]["parent_id"] == key(M3)

    media = items[key(M1)]
    assert media["item_type"] == "post" and media["is_council"] and media["author_name"] == "brackenfordcouncil"
    assert media["url"] == "https://www.instagram.com/p/DCq1LbRrY7x/"
    assert (media["like_count"], media["reply_count"]) == (214, 6)
    assert items[key(JESS_REPLY)]["is_council"] and not items[key(JESS)]["is_council"]
    assert items[key(JESS)]["author_id"] == "6340000000000001"
    assert str(items[key(JESS)]["created_at"]) == "2026-11-18 18:05:00"

    # two pages of media, two of comments, the replies edge followed by its cursor
    assert [q.get("after") for q in graph.asked(f"{ACCOUNT}/media")] == [
        None, "QVFIUnZAFd09ldmVOcHo1ZAk5ZAaWZAhUlhDZA0l3Rm1Kd2ZAidUtIMWlR"]
    assert len(graph.asked(f"{M1}/comments")) == 2
    assert graph.asked(f"{BOOKWORM}/replies")[0]["after"] == "QVFIUlpyX2FmdGVyUmVwbGllcw"
    assert graph.asked(f"{M2}/comments") == []  # comments_count 0: nothing to read
    assert "replies{" in graph.asked(f"{M1}/comments")[0]["fields"]

    assert set(graph.tokens_seen) == {TOKEN}  # never the token inside `paging.next`
    text = everything_stored(db_path)
    assert TOKEN not in text and RECORDED_TOKEN not in text and "access_token" not in text

    # fields left out are defaults
    bare = items[key(M3)]  # no caption, likes hidden (no like_count)
    assert bare["raw_text"] == "" and bare["like_count"] is None and bare["reply_count"] == 1
    no_from = items[key(MARK)]  # no `from`: the username is all there is
    assert no_from["author_id"] is None and no_from["author_name"] == "mark_oakes"


def test_a_second_identical_run_writes_nothing_and_reads_no_comments(graph, source, http, db_path):
    collect_all([source], db_path, http)
    graph.requests.clear()
    [again] = collect_all([source], db_path, http)

    assert again.error is None and (again.new, again.updated) == (0, 0)
    with connect(db_path, read_only=True) as con:
        rows, keys = con.execute("SELECT count(*), count(DISTINCT key) FROM items").fetchall()[0]
    assert rows == keys == len(ALL_RUN1)
    assert {path for path, _ in graph.requests} == {f"{ACCOUNT}/media"}  # counts unchanged: no comment reads
    assert saved_cursor(db_path)["media"] == {
        M1: {"t": 1795021200, "n": 6}, M2: {"t": 1794735000, "n": 0}, M3: {"t": 1794312000, "n": 1}}


def test_a_reply_arriving_later_is_collected_on_the_next_run(graph, source, http, db_path):
    collect_all([source], db_path, http)
    graph.use(RUN1, RUN2)  # the council answered mark_oakes; the media now counts 7 comments
    graph.requests.clear()
    [second] = collect_all([source], db_path, http)

    assert second.error is None and (second.new, second.updated) == (1, 1)
    reply = stored(db_path)[key(MARK_REPLY)]
    assert reply["parent_id"] == key(MARK) and reply["thread_id"] == key(M1) and reply["is_council"]
    assert graph.asked(f"{M3}/comments") == []  # only the media whose count changed is read again


def test_media_older_than_the_look_back_window_are_not_read(graph, source, http, db_path, fake_time):
    collect_all([source], db_path, http)
    fake_time.now += 6 * 86400  # M3 (10 Nov) leaves the 14-day window
    graph.requests.clear()
    collect_all([source], db_path, http)

    assert set(saved_cursor(db_path)["media"]) == {M1, M2}
    assert len(graph.asked(f"{ACCOUNT}/media")) == 2  # page 2 read, stopped at M3 without asking for page 3


def test_a_long_rate_limit_stops_the_source_and_the_next_run_resumes(graph, source, http, db_path, fake_time):
    graph.fail(f"{M3}/comments", graph_error("instagram", "too-many-calls-80002", 429,
                                             usage_headers(ACCOUNT, "instagram", call_count=100, minutes=45)))
    [first] = collect_all([source], db_path, http)

    assert first.error and "rate limited" in first.error and "2700s" in first.error
    assert fake_time.waits == []
    assert key(DAVE) not in stored(db_path) and key(BOOKWORM_REPLY_2) in stored(db_path)
    assert M3 not in saved_cursor(db_path)["media"]

    fake_time.now += 2700
    [second] = collect_all([source], db_path, http)
    assert second.error is None
    assert set(stored(db_path)) == {key(i) for i in ALL_RUN1}


def test_the_instagram_throttle_code_without_headers_is_a_rate_limit(graph, source, http, db_path):
    graph.fail(f"{ACCOUNT}/media", graph_error("instagram", "too-many-calls-80002", 403))
    [result] = collect_all([source], db_path, http)

    assert result.error.startswith("Graph API rate limit reached") and "(#80002)" in result.error


def test_a_short_rate_limit_is_waited_out(graph, source, http, db_path, fake_time):
    graph.fail(f"{M1}/comments", graph_error("instagram", "too-many-calls-80002", 400,
                                             usage_headers(ACCOUNT, "instagram", call_count=100, minutes=1)))
    [result] = collect_all([source], db_path, http)

    assert result.error is None and fake_time.waits == [60.0]
    assert len(stored(db_path)) == len(ALL_RUN1)


def test_a_missing_token_is_one_clear_line_for_that_source(graph, source, http, db_path, monkeypatch, tmp_path):
    monkeypatch.delenv("FACEBOOK_PAGE_TOKEN")
    monkeypatch.chdir(tmp_path)
    [result] = collect_all([source], db_path, http)

    assert result.error == (
        "missing secret FACEBOOK_PAGE_TOKEN: set the environment variable or add it to .streamlit/secrets.toml"
    )
    assert graph.requests == []


def test_a_media_whose_comments_cannot_be_read_is_skipped_with_a_warning(graph, source, http, db_path):
    graph.fail(f"{M1}/comments", graph_error("facebook", "unknown-object-100", 400))
    [first] = collect_all([source], db_path, http)

    assert first.error is None
    assert len(first.warnings) == 1 and first.warnings[0].startswith(f"comments on Instagram media {M1} were not read")
    assert key(DAVE) in stored(db_path) and key(JESS) not in stored(db_path)
    assert saved_cursor(db_path)["media"][M1]["n"] is None

    [second] = collect_all([source], db_path, http)
    assert second.error is None and not second.warnings and second.new == 6
    assert key(BOOKWORM_REPLY_2) in stored(db_path)


def test_a_comment_with_only_an_id_is_still_an_item(source, http):
    minimal = InstagramCollector(source, http)._comment({"id": "1"}, M1, None, "brackenfordcouncil", NOW)
    assert minimal.raw_text == "" and minimal.author_name is None and minimal.parent_id == key(M1)
    assert minimal.created_at.timestamp() == NOW


def test_user_id_must_be_numeric(http):
    bad = SourceConfig(name="Bad", kind="instagram", options={"user_id": "@brackenfordcouncil"})
    with pytest.raises(Exception, match="numeric id"):
        InstagramCollector(bad, http)


def test_fixture_shapes_follow_the_reference():
    """Every comment fixture uses the IG Comment field names, every media the IG Media ones."""
    comment_fields = {"id", "text", "timestamp", "username", "from", "like_count", "replies", "parent_id"}
    media_fields = {"id", "caption", "timestamp", "permalink", "username", "comments_count", "like_count", "media_type"}
    for path in sorted(FIXTURES.glob("instagram/run*/*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        allowed = media_fields if "--media" in path.name else comment_fields
        for entry in payload["data"]:
            assert set(entry) <= allowed, path.name
            for reply in entry.get("replies", {}).get("data", []):
                assert set(reply) <= comment_fields - {"replies"}, path.name
