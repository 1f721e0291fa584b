"""The Bluesky collector against a real HTTP server replaying public AppView payloads.

Payloads (tests/fixtures/bluesky/) follow the app.bsky lexicons:
getAuthorFeed {feed: [feedViewPost], cursor}, getPostThread {thread:
threadViewPost | notFoundPost | blockedPost}, postView, app.bsky.feed.post
records with facets, XRPC error bodies {error, message} and the
RateLimit-* headers (Reset in epoch seconds). The clock is fixed at NOW.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from werkzeug import Request, Response

from collectors.bluesky import BlueskyCollector, node_kind, post_time, web_url
from collectors.http import HttpClient
from jobs.collect import collect_all
from settings.sources import SourceConfig
from store.db import connect
from tests.replay import PlatformReplay, recording_http
from tests.replay import items_by_key as rows
from tests.replay import saved_cursor as stored_cursor

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "bluesky"
NOW = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
ACTOR = "walsallcouncil.bsky.social"
COUNCIL_DID = "did:plc:wq3tbl5x2nchvgkmd7e4ouz6"
FEED = "/xrpc/app.bsky.feed.getAuthorFeed"
THREAD = "/xrpc/app.bsky.feed.getPostThread"
PAGE2_CURSOR = "2026-11-25T10:00:00.512Z"


def at(did: str, rkey: str) -> str:
    return f"at://{did}/app.bsky.feed.post/{rkey}"


# the posts and replies in the fixtures (see tests/fixtures/bluesky/README.md)
P4 = at(COUNCIL_DID, "3n3fijm6g222b")  # new on a later run
P3 = at(COUNCIL_DID, "3n3eeiay5c22b")  # bins: a thread three levels deep
P2 = at(COUNCIL_DID, "3n34vlxje222b")  # library: no replies
P1 = at(COUNCIL_DID, "3n2qlnlbsk22b")  # road closure: no langs, one reply
P0 = at(COUNCIL_DID, "3mzadpbys222b")  # older than the look-back window
REPOSTED = at("did:plc:wmp3olice6kdx2tnq5rzahyv", "3n3cmv2mq222b")
T1 = at("did:plc:j6ka2rfqc3m5ytdxw4lneh7b", "3n3efuxij222b")
T2 = at(COUNCIL_DID, "3n3eh4cdpk22b")
T3 = at("did:plc:s4mh2dq7tkxw5rbv3ncgoe6y", "3n3eioejak22b")
T4 = at("did:plc:p7rkyz2aqme3hlw5tfdxnc4v", "3n3ekdz4v222b")
T5 = at("did:plc:j6ka2rfqc3m5ytdxw4lneh7b", "3n2smzp7s222b")
T6 = at("did:plc:j6ka2rfqc3m5ytdxw4lneh7b", "3n3fmgrmak22b")
T7 = at("did:plc:p7rkyz2aqme3hlw5tfdxnc4v", "3n3fk7as2k22b")


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def key(uri: str) -> str:
    return f"bluesky:{uri}"


class AppViewReplay(PlatformReplay):
    """The public AppView as far as the collector sees it.

    Knobs: `first_page` (the newest feed page), `threads` (rkey -> fixture),
    `refuse` (query regex -> one-shot error response), `sign_in` (every
    request answered 401 AuthenticationRequired, like a host that needs a session).
    """

    def __init__(self, httpserver):
        super().__init__(httpserver)
        self.first_page = "feed_page1.json"
        self.threads = {
            "3n3eeiay5c22b": "thread_3n3eeiay5c22b.json",
            "3n34vlxje222b": "thread_3n34vlxje222b.json",
            "3n2qlnlbsk22b": "thread_3n2qlnlbsk22b.json",
            "3n3fijm6g222b": "thread_3n3fijm6g222b.json",
        }
        self.sign_in = False

    def rate_headers(self) -> dict:
        return {
            "RateLimit-Limit": "3000",
            "RateLimit-Remaining": "2999",
            "RateLimit-Reset": str(int((NOW + timedelta(minutes=5)).timestamp())),
            "RateLimit-Policy": "3000;w=300",
        }

    def refused(self, request: Request) -> Response | None:
        return self.json(load("error_401.json"), 401) if self.sign_in else None

    def answer(self, request: Request) -> Response:
        args = request.args
        if request.path == FEED:
            assert args.get("filter") == "posts_no_replies" and args.get("limit") == "100"
            if args.get("actor") not in (ACTOR, COUNCIL_DID):
                return self.json(load("error_profile_not_found.json"), 400)
            cursor = args.get("cursor")
            if cursor is None:
                return self.json(load(self.first_page))
            if cursor == PAGE2_CURSOR:
                return self.json(load("feed_page2.json"))
            return self.json({"feed": []})
        if request.path == THREAD:
            assert args.get("depth") == "1000" and args.get("parentHeight") == "0"
            rkey = args.get("uri", "").rsplit("/", 1)[-1]
            if rkey in self.threads:
                return self.json(load(self.threads[rkey]))
            return self.json(load("error_post_not_found.json"), 400)
        return self.json({"error": "MethodNotImplemented", "message": "Method Not Implemented"}, 501)


@pytest.fixture
def replay(httpserver):
    return AppViewReplay(httpserver)


@pytest.fixture
def http():
    with recording_http(NOW.timestamp) as client:
        yield client


def source(replay: AppViewReplay, actor: str = ACTOR) -> SourceConfig:
    return SourceConfig(name="Walsall Council on Bluesky", kind="bluesky", options={"actor": actor},
                        base_url=replay.base_url)


# -- a first run --------------------------------------------------------------


def test_first_run_reads_two_pages_and_every_thread(replay, http, db_path):
    [result] = collect_all([source(replay)], db_path, http)
    assert result.error is None, result.error
    items = rows(db_path)
    assert replay.asked(FEED, cursor=PAGE2_CURSOR) == 1  # the second page, by the opaque cursor

    posts = {k for k, r in items.items() if r["item_type"] == "post"}
    assert posts == {key(P3), key(P2), key(P1)}  # P0 is older than the window
    assert key(REPOSTED) not in items  # a repost is someone else's text
    assert all(items[p]["is_council"] for p in posts)

    # three levels: P3 <- T1 <- T2 (the council) <- T3
    assert items[key(T1)]["parent_id"] == key(P3)
    assert items[key(T2)]["parent_id"] == key(T1)
    assert items[key(T3)]["parent_id"] == key(T2)
    assert items[key(T4)]["parent_id"] == key(P3)
    assert items[key(T5)]["parent_id"] == key(P1)
    for reply in (T1, T2, T3, T4):
        assert (items[key(reply)]["thread_id"], items[key(reply)]["item_type"]) == (key(P3), "comment")
    assert items[key(T2)]["is_council"] is True
    assert items[key(T1)]["is_council"] is False
    # the deleted reply (#notFoundPost) and the hidden one (#blockedPost) leave nothing behind
    assert len(items) == 8
    assert replay.asked(THREAD) == 3


def test_fields_as_the_appview_sends_them(replay, http, db_path):
    collect_all([source(replay)], db_path, http)
    items = rows(db_path)
    post = items[key(P3)]
    record = load("feed_page1.json")["feed"][0]["post"]["record"]
    assert post["raw_text"] == record["text"]  # plain text kept as written; facets only annotate it
    assert "go.walsall.gov.uk" in post["text"]
    assert post["url"] == f"https://bsky.app/profile/{COUNCIL_DID}/post/3n3eeiay5c22b"
    assert (post["like_count"], post["reply_count"], post["lang"]) == (12, 3, "en")
    assert post["created_at"] == datetime(2026, 11, 28, 9, 15)
    assert (post["author_id"], post["author_name"]) == (ACTOR, "Walsall Council")
    reply = items[key(T1)]
    assert (reply["author_id"], reply["author_name"]) == ("jobennett.bsky.social", "Jo Bennett")
    assert "&" in items[key(T3)]["text"]


def test_omitted_optional_fields_become_defaults(replay, http, db_path):
    """P1's record has no langs; T4 has no displayName, langs, counts or viewer."""
    collect_all([source(replay)], db_path, http)
    items = rows(db_path)
    assert items[key(P1)]["lang"] is None
    reply = items[key(T4)]
    assert (reply["author_name"], reply["lang"]) == ("priya.example.org", None)
    assert (reply["like_count"], reply["reply_count"]) == (None, None)


# -- later runs ---------------------------------------------------------------


def test_a_later_run_stops_at_a_seen_post_and_picks_up_late_replies(replay, http, db_path):
    [first] = collect_all([source(replay)], db_path, http)
    assert first.new == 8
    replay.first_page = "feed_page1_later.json"
    replay.threads["3n3eeiay5c22b"] = "thread_3n3eeiay5c22b_later.json"

    [second] = collect_all([source(replay)], db_path, http)
    assert second.error is None, second.error
    assert (second.new, second.updated) == (3, 0)  # P4, its reply T7, and T6 four levels down in P3
    items = rows(db_path)
    assert (items[key(T6)]["parent_id"], items[key(T6)]["thread_id"]) == (key(T3), key(P3))
    assert items[key(T7)]["parent_id"] == key(P4)
    assert replay.asked(FEED, cursor=PAGE2_CURSOR) == 1  # stopped at P3, already seen: no second page
    assert set(stored_cursor(db_path)["recent"]) == {P4, P3, P2, P1}


def test_a_second_identical_run_writes_nothing(replay, http, db_path):
    [first] = collect_all([source(replay)], db_path, http)
    [second] = collect_all([source(replay)], db_path, http)
    assert first.new == 8
    assert (second.error, second.new, second.updated) == (None, 0, 0)
    assert second.fetched == 8  # three threads (with their posts) read again, nothing had changed
    with connect(db_path, read_only=True) as con:
        count, distinct = con.execute("SELECT count(*), count(DISTINCT key) FROM items").fetchall()[0]
    assert count == distinct == 8


def test_posts_leave_the_window_and_stop_being_rechecked(replay, http, db_path):
    collect_all([source(replay)], db_path, http)
    later = HttpClient(clock=(NOW + timedelta(days=6)).timestamp, sleep=lambda s: None)
    try:
        collect_all([source(replay)], db_path, later)
    finally:
        later.close()
    assert replay.asked(THREAD, uri=P1) == 1  # 20 Nov is outside the window on 5 Dec
    assert replay.asked(THREAD, uri=P3) == 2
    assert set(stored_cursor(db_path)["recent"]) == {P3, P2}


# -- rate limits --------------------------------------------------------------


def limited(replay: AppViewReplay, reset: datetime) -> Response:
    return replay.json(load("error_429.json"), 429,
                       {"RateLimit-Remaining": "0", "RateLimit-Reset": str(int(reset.timestamp()))})


def test_429_with_a_far_reset_stops_the_source_and_the_next_run_resumes(replay, http, db_path):
    replay.refuse.append((r"cursor=", limited(replay, NOW + timedelta(minutes=15))))
    [first] = collect_all([source(replay)], db_path, http)
    assert first.error and "rate limited" in first.error and "06:15 UK time" in first.error
    assert http.waits == []
    assert set(rows(db_path)) == {key(P3), key(P2)}  # page 1 was saved
    assert stored_cursor(db_path)["sweep"] == {"cursor": PAGE2_CURSOR}

    after_reset = HttpClient(clock=(NOW + timedelta(minutes=16)).timestamp, sleep=http.waits.append)
    try:
        [second] = collect_all([source(replay)], db_path, after_reset)
    finally:
        after_reset.close()
    assert second.error is None, second.error
    assert replay.asked(FEED, cursor=PAGE2_CURSOR) == 2  # the unfinished sweep was finished
    assert len(rows(db_path)) == 8
    assert "sweep" not in stored_cursor(db_path)


def test_429_with_a_near_reset_is_waited_out(replay, http, db_path):
    replay.refuse.append((r"getPostThread", limited(replay, NOW + timedelta(seconds=20))))
    [result] = collect_all([source(replay)], db_path, http)
    assert result.error is None, result.error
    assert 20.0 in http.waits
    assert len(rows(db_path)) == 8


# -- sign-in ------------------------------------------------------------------


def test_no_token_is_needed_or_sent(replay, http, db_path, monkeypatch):
    for name in ("BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD", "BLUESKY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    [result] = collect_all([source(replay)], db_path, http)
    assert result.error is None
    assert replay.requests and all("Authorization" not in r.headers for r in replay.requests)


def test_a_host_that_wants_sign_in_gets_one_clear_line(replay, http, db_path):
    replay.sign_in = True
    [result] = collect_all([source(replay)], db_path, http)
    assert "asked for sign-in (HTTP 401, AuthenticationRequired" in result.error
    assert "https://public.api.bsky.app" in result.error
    assert rows(db_path) == {}


# -- odd answers --------------------------------------------------------------


def test_an_unknown_actor_is_one_clear_line(replay, http, db_path):
    [result] = collect_all([source(replay, actor="@nobody.bsky.social")], db_path, http)
    assert result.error.startswith("Bluesky would not list the posts of 'nobody.bsky.social'")
    assert "Profile not found" in result.error


def test_a_deleted_post_is_dropped_from_the_recheck_list(replay, http, db_path):
    collect_all([source(replay)], db_path, http)
    del replay.threads["3n34vlxje222b"]  # now 400 NotFound
    [second] = collect_all([source(replay)], db_path, http)
    assert second.error is None, second.error
    assert P2 not in stored_cursor(db_path)["recent"]


def test_a_saved_feed_cursor_that_is_refused_falls_back_to_reading_the_window(replay, http, db_path):
    replay.refuse.append((r"cursor=", limited(replay, NOW + timedelta(minutes=15))))
    collect_all([source(replay)], db_path, http)  # stops after page 1, the page 2 cursor saved
    replay.refuse.append((r"cursor=", replay.json({"error": "InvalidRequest", "message": "Malformed cursor"}, 400)))
    after_reset = HttpClient(clock=(NOW + timedelta(minutes=16)).timestamp, sleep=lambda s: None)
    try:
        [second] = collect_all([source(replay)], db_path, after_reset)
    finally:
        after_reset.close()
    assert second.error is None, second.error
    assert len(rows(db_path)) == 8  # P1 and its reply were still found, from the top of the feed
    assert "sweep" not in stored_cursor(db_path)


def test_thread_members_are_told_apart():
    assert node_kind({"$type": "app.bsky.feed.defs#threadViewPost", "post": {}}) == "post"
    assert node_kind({"post": {}}) == "post"  # no $type: judged by shape
    assert node_kind({"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://x", "notFound": True}) == "notFound"
    assert node_kind({"uri": "at://x", "blocked": True, "author": {"did": "did:plc:x"}}) == "blocked"
    assert node_kind({"$type": "app.bsky.feed.defs#somethingNew"}) == "unknown"
    assert node_kind({}) == "unknown"


def test_item_time_is_the_earlier_of_created_and_indexed():
    future = {"record": {"createdAt": "2030-01-01T00:00:00Z"}, "indexedAt": "2026-11-28T10:00:00.000Z"}
    assert post_time(future) == datetime(2026, 11, 28, 10, tzinfo=UTC)
    assert post_time({"record": {}, "indexedAt": "not a time"}) is None
    assert web_url("at://did:plc:abc/app.bsky.feed.post/3k", {}) == "https://bsky.app/profile/did:plc:abc/post/3k"
    assert web_url("at://did:plc:abc/app.bsky.feed.like/3k", {}) is None


def test_actor_must_be_given(replay, http):
    with pytest.raises(Exception, match="actor must be a Bluesky handle"):
        BlueskyCollector(SourceConfig(name="x", kind="bluesky", options={"actor": " @ "}), http)
