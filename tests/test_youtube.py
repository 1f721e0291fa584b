"""The YouTube collector against a real local HTTP server replaying Data API v3 payloads.

Fixtures (tests/fixtures/youtube) follow the API reference field for field:
channels.list (contentDetails.relatedPlaylists.uploads), playlistItems.list
(snippet + contentDetails.videoPublishedAt), videos.list, commentThreads.list
(snippet.topLevelComment, totalReplyCount, replies.comments) and comments.list,
and the Google error body (error.errors[].reason).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collectors.youtube import YouTubeCollector, link_replies, next_quota_reset
from settings.sources import SourceConfig
from store.db import connect
from tests.replay import (
    FIXTURES,
    Routes,
    everything_stored,
    garble,
    json_response,
    load_json,
    run_once,
)
from tests.replay import items_by_key as items

YT = FIXTURES / "youtube"
KEY = "AIzaSyTEST-brackenford-0123456789abcdef"
CHANNEL = "UC4Bk9rQmT2vLxN8pW3yZ1aA"
UPLOADS = "UU4Bk9rQmT2vLxN8pW3yZ1aA"
VIDEO_A, VIDEO_B, VIDEO_C, VIDEO_D = "Qx7mB2cLp0A", "Kd93HsT1wYe", "Zp0Lm4Nq8Rt", "Hy5Tg2Wv9Kc"
T1, T2, T3 = "UgzK3v9bQ2xYfL0pN4J4AaABAg", "UgwR7nM2pX5kL9vQ1bH3AaABAg", "UgxT4pB8nQ1mW6vK2cJ7AaABAg"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC).timestamp()
API = "/youtube/v3"


def reply(thread: str, n: int) -> str:
    return f"youtube:{thread}.A{n}kR9xQ2mB7vL{n}p"


@pytest.fixture
def youtube_key(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml from the working tree
    monkeypatch.setenv("YOUTUBE_API_KEY", KEY)
    return KEY


@pytest.fixture
def routes(httpserver):
    """The channel as the API serves it: 2 pages of uploads, 2 of threads on video A, ..."""
    r = Routes()
    r.add(f"{API}/channels", YT / "channels.json", id=CHANNEL, part="contentDetails")
    r.add(f"{API}/playlistItems", YT / "playlist_page1.json", playlistId=UPLOADS)
    r.add(f"{API}/playlistItems", YT / "playlist_page2.json", playlistId=UPLOADS, pageToken="EAAaBlBUOkNBSQ")
    r.add(f"{API}/commentThreads", YT / "threads_A_page1.json", videoId=VIDEO_A)
    r.add(
        f"{API}/commentThreads",
        YT / "threads_A_page2.json",
        videoId=VIDEO_A,
        pageToken="QURTSl9pMWhQOEpTV2ZUbHFhR0hnYkRPR0NDUXg3V1Vr",
    )
    r.add(f"{API}/commentThreads", YT / "threads_B.json", videoId=VIDEO_B)
    r.add(
        f"{API}/commentThreads",
        lambda request: json_response(json.loads((YT / "comments_disabled.json").read_text()), 403),
        videoId=VIDEO_C,
    )
    r.add(f"{API}/comments", YT / "replies_T1_page1.json", parentId=T1)
    r.add(
        f"{API}/comments",
        YT / "replies_T1_page2.json",
        parentId=T1,
        pageToken="Z2V0X25ld2VzdF9maXJzdC0tQ2dnSWdBUVZGN2ZST1JJQUVQQ0NE",
    )
    r.add(f"{API}/videos", YT / "videos.json", id=VIDEO_B)
    return r.install(httpserver)


def channel_source(httpserver, **options) -> SourceConfig:
    return SourceConfig(
        name="YouTube: Brackenford Council",
        kind="youtube",
        options=options or {"channel_id": CHANNEL},
        base_url=httpserver.url_for(API),
    )


def run(source, db_path, clock=None):
    return run_once(source, db_path, NOW, clock)


def test_collects_uploads_and_every_comment_with_its_tree(httpserver, routes, youtube_key, db_path):
    result = run(channel_source(httpserver), db_path)

    assert result.error is None
    assert result.warnings == [f"YouTube cannot show the comments of video {VIDEO_C} (commentsDisabled); skipped"]
    stored = items(db_path)
    posts = {k for k, v in stored.items() if v["item_type"] == "post"}
    # two pages of uploads; the fourth video is older than the 14-day look-back, so paging stopped there
    assert posts == {f"youtube:{VIDEO_A}", f"youtube:{VIDEO_B}", f"youtube:{VIDEO_C}"}
    assert routes.count(f"{API}/playlistItems", pageToken="EAAaBlBUOkNBSQ") == 1
    # two pages of threads on video A, and thread T1 completed from two pages of comments.list
    assert routes.count(f"{API}/commentThreads", videoId=VIDEO_A) == 2
    assert routes.count(f"{API}/comments", parentId=T1) == 2
    comments_a = {k for k, v in stored.items() if v["thread_id"] == f"youtube:{VIDEO_A}"}
    assert len(comments_a) == 3 + 7 + 2  # three top-level comments, T1's seven replies, T3's two
    assert len(stored) == 3 + 12 + 1  # and one comment on video B

    # @mentions rebuild the depth YouTube flattens: video -> T1 -> Sam -> council -> Sam
    def parent(key):
        return stored[key]["parent_id"]

    assert parent(reply(T1, 3)) == reply(T1, 2)
    assert parent(reply(T1, 2)) == reply(T1, 1)
    assert parent(reply(T1, 1)) == f"youtube:{T1}"
    assert parent(f"youtube:{T1}") == f"youtube:{VIDEO_A}"
    assert parent(reply(T1, 7)) == f"youtube:{T1}"  # no mention: stays under the top-level comment
    assert all(v["thread_id"] == f"youtube:{VIDEO_A}" for k, v in stored.items() if k in comments_a)

    council = stored[reply(T1, 2)]
    assert council["is_council"] and council["author_id"] == CHANNEL
    assert stored[f"youtube:{VIDEO_A}"]["is_council"]
    assert not stored[reply(T1, 1)]["is_council"]
    top = stored[f"youtube:{T1}"]
    assert top["reply_count"] == 7 and top["like_count"] == 12
    assert top["author_name"] == "@BrackenfordResident"
    assert top["url"] == f"https://www.youtube.com/watch?v={VIDEO_A}&lc={T1}"
    assert stored[reply(T1, 4)]["text"] == "Fortnightly in winter is fine, it's the summer I worry about."
    assert KEY not in everything_stored(db_path)

    # a comment without likeCount, authorChannelId, textOriginal or updatedAt: defaults, no crash
    bare = stored[f"youtube:{T2}"]
    assert bare["text"] == "Good to know, thanks."
    assert bare["like_count"] is None and bare["author_id"] is None
    assert bare["author_name"] == "Old Account"
    assert bare["created_at"] == datetime(2026, 11, 27, 16, 20)


def test_second_identical_run_writes_nothing_and_a_new_reply_arrives_on_the_next(
    httpserver, routes, youtube_key, db_path
):
    first = run(channel_source(httpserver), db_path)
    comments_calls = routes.count(f"{API}/comments")
    second = run(channel_source(httpserver), db_path)

    assert first.new == 16
    assert (second.new, second.updated, second.error) == (0, 0, None)
    # uploads stop at the newest video already seen: one page, no second
    assert routes.count(f"{API}/playlistItems") == 3
    # T1's reply count did not change, so its replies are not asked for again
    assert routes.count(f"{API}/comments") == comments_calls
    with connect(db_path, read_only=True) as con:
        rows, keys = con.execute("SELECT count(*), count(DISTINCT key) FROM items").fetchall()[0]
    assert rows == keys == 16

    # the platform now has one more reply, to the council's answer in thread T3
    routes.add(
        f"{API}/commentThreads",
        YT / "threads_A_page2_new_reply.json",
        videoId=VIDEO_A,
        pageToken="QURTSl9pMWhQOEpTV2ZUbHFhR0hnYkRPR0NDUXg3V1Vr",
    )
    # and video B has been deleted
    gone = {"error": {"code": 404, "message": "The video identified by the videoId parameter could not be found.",
                      "errors": [{"message": "Video not found.", "domain": "youtube.commentThread",
                                  "reason": "videoNotFound", "location": "videoId", "locationType": "parameter"}]}}
    routes.add(f"{API}/commentThreads", lambda request: json_response(gone, 404), videoId=VIDEO_B)
    third = run(channel_source(httpserver), db_path)
    assert (third.new, third.error) == (1, None)
    assert f"YouTube cannot show the comments of video {VIDEO_B} (videoNotFound); skipped" in third.warnings
    with connect(db_path, read_only=True) as con:
        cursor = json.loads(con.execute("SELECT cursor FROM sources").fetchall()[0][0])
    assert VIDEO_B not in cursor["videos"] and VIDEO_C in cursor["videos"]  # gone is forgotten, disabled is not
    stored = items(db_path)
    new = stored[reply(T3, 3)]
    assert new["text"] == "@BrackenfordCouncil Thank you, that's really helpful."
    assert new["parent_id"] == reply(T3, 2)  # answers the council's reply
    assert new["thread_id"] == f"youtube:{VIDEO_A}"
    assert stored[f"youtube:{T3}"]["reply_count"] == 3


def test_quota_exceeded_stops_with_a_clear_message_and_resumes_from_the_page_token(
    httpserver, routes, youtube_key, db_path
):
    page2 = "QURTSl9pMWhQOEpTV2ZUbHFhR0hnYkRPR0NDUXg3V1Vr"
    quota = json.loads((YT / "quota_exceeded.json").read_text())
    routes.add(
        f"{API}/commentThreads",
        lambda request: json_response(quota, 403),
        times=1,
        videoId=VIDEO_A,
        pageToken=page2,
    )
    first = run(channel_source(httpserver), db_path)

    assert "quota" in first.error and "quotaExceeded" in first.error
    assert "resumes where it stopped" in first.error and "08:00 UK time" in first.error
    assert KEY not in first.error
    stored = items(db_path)
    assert f"youtube:{T1}" in stored and f"youtube:{T3}" not in stored  # page 1 kept, page 2 not reached
    with connect(db_path, read_only=True) as con:
        cursor = json.loads(con.execute("SELECT cursor FROM sources").fetchall()[0][0])
        last_error = con.execute("SELECT last_error FROM sources").fetchall()[0][0]
    assert cursor["videos"][VIDEO_A]["page_token"] == page2
    assert "quotaExceeded" in last_error

    before = len(routes.requests)
    second = run(channel_source(httpserver), db_path)
    threads_asked = [q for _, p, q in routes.requests[before:] if p == f"{API}/commentThreads"]
    assert threads_asked[0]["videoId"] == VIDEO_A and threads_asked[0]["pageToken"] == page2
    assert second.error is None
    with connect(db_path, read_only=True) as con:
        rows, keys = con.execute("SELECT count(*), count(DISTINCT key) FROM items").fetchall()[0]
    assert rows == keys == 16


def test_rate_limit_exceeded_is_a_clear_stop(httpserver, youtube_key, db_path):
    body = {
        "error": {
            "code": 403,
            "message": "The request cannot be completed because you have exceeded your quota.",
            "errors": [{"message": "Rate limit exceeded.", "domain": "youtube.quota", "reason": "rateLimitExceeded"}],
        }
    }
    Routes().add(f"{API}/channels", lambda request: json_response(body, 403)).install(httpserver)
    result = run(channel_source(httpserver), db_path)
    assert "rateLimitExceeded" in result.error and "try again in a few minutes" in result.error


def test_a_page_token_sent_twice_stops_instead_of_looping(httpserver, routes, youtube_key, db_path):
    looping = json.loads((YT / "threads_B.json").read_text()) | {"nextPageToken": "CAoQAA"}
    routes.add(f"{API}/commentThreads", lambda request: json_response(looping), videoId=VIDEO_B)
    result = run(channel_source(httpserver, video_ids=[VIDEO_B]), db_path)
    assert "sent the same nextPageToken twice" in result.error
    assert routes.count(f"{API}/commentThreads", videoId=VIDEO_B) == 2


def test_a_missing_key_is_one_clear_line_and_no_request(httpserver, routes, monkeypatch, tmp_path, db_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("YOUTUBE_API_KEY", raising=False)
    result = run(channel_source(httpserver), db_path)
    assert result.error.startswith("missing secret YOUTUBE_API_KEY")
    assert "\n" not in result.error
    assert routes.requests == []


def test_a_rejected_key_names_the_variable_and_never_shows_the_key(httpserver, youtube_key, db_path):
    said = "API key not valid. Please pass a valid API key."
    errors = [{"message": said, "domain": "global", "reason": "badRequest"}]
    body = {"error": {"code": 400, "message": said, "errors": errors}}
    Routes().add(f"{API}/channels", lambda request: json_response(body, 400)).install(httpserver)
    result = run(channel_source(httpserver), db_path)
    assert "YOUTUBE_API_KEY" in result.error and KEY not in result.error
    assert KEY not in everything_stored(db_path)


def test_listed_video_ids_are_collected_without_a_channel(httpserver, routes, youtube_key, db_path):
    result = run(channel_source(httpserver, video_ids=[VIDEO_B]), db_path)
    assert result.error is None
    stored = items(db_path)
    assert set(stored) == {f"youtube:{VIDEO_B}", "youtube:Ugy9Qm3Lb7Vn2Xk5Wp8TAaABAg"}
    video = stored[f"youtube:{VIDEO_B}"]
    assert video["title"] == "Full council meeting, 25 November 2026" and video["reply_count"] == 1
    assert routes.count(f"{API}/channels") == 0


# -- reply linking, on its own ------------------------------------------------


def _reply(rid: str, author: str, text: str, when: str) -> dict:
    return {"id": rid, "snippet": {"authorDisplayName": author, "textOriginal": text, "publishedAt": when}}


def test_link_replies_follows_mentions_of_earlier_repliers_only():
    replies = [
        _reply("r3", "@Ann", "@Bob Jones no, you are wrong", "2026-11-27T10:03:00Z"),
        _reply("r1", "@Bob Jones", "first", "2026-11-27T10:01:00Z"),
        _reply("r2", "@Bob", "@Top thanks", "2026-11-27T10:02:00Z"),
        _reply("r4", "@Cy", "@Nobody who is this", "2026-11-27T10:04:00Z"),
        _reply("r5", "@Cy", "@bob agreed", "2026-11-27T10:05:00Z"),
    ]
    parents = link_replies("top", "@Top", replies)
    assert parents == {"r1": "top", "r2": "top", "r3": "r1", "r4": "top", "r5": "r2"}


def test_link_replies_uses_the_display_text_when_the_original_is_withheld():
    replies = [
        _reply("r1", "@Sam", "hello", "2026-11-27T10:01:00Z"),
        {"id": "r2", "snippet": {"authorDisplayName": "@Kim", "publishedAt": "2026-11-27T10:02:00Z",
                                 "textDisplay": '<a href="https://www.youtube.com/channel/UCx">@Sam</a> hi'}},
    ]
    assert link_replies("top", "@Top", replies) == {"r1": "top", "r2": "r1"}


def test_quota_resets_at_midnight_pacific():
    # 28 Nov 2026 12:00 UTC is 04:00 in Los Angeles (PST, UTC-8): the reset is 08:00 UTC on the 29th
    assert next_quota_reset(NOW) == datetime(2026, 11, 29, 8, 0, tzinfo=UTC).timestamp()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rnd=st.randoms(use_true_random=False), damage=st.integers(min_value=1, max_value=4))
def test_messy_comments_and_uploads_are_read_without_crashing(youtube_key, rnd, damage):
    """Missing keys and wrong types in comments, replies and uploads: defaults, never an exception."""
    collector = YouTubeCollector(SourceConfig(name="y", kind="youtube", options={"channel_id": CHANNEL}), None)
    replies = load_json(YT / "replies_T1_page1.json")
    uploads = load_json(YT / "playlist_page1.json")
    for _ in range(damage):
        garble(replies, rnd, keep_above=1)
        garble(uploads, rnd, keep_above=1)
    comments = [c for c in replies.get("items") or [] if isinstance(c, dict)] if isinstance(replies, dict) else []
    parents = link_replies(T1, "@BrackenfordResident", comments)
    assert set(parents.values()) <= {T1} | set(parents)
    when = datetime(2026, 11, 27, tzinfo=UTC)
    for comment in comments:
        item = collector._comment(comment, VIDEO_A, f"youtube:{VIDEO_A}", f"youtube:{T1}", when)
        assert isinstance(item.raw_text, str) and item.created_at is not None
    entries = uploads.get("items") if isinstance(uploads, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        post = collector._upload_post(entry if isinstance(entry, dict) else {})
        assert post is None or (post.native_id and post.created_at is not None)
