"""The Reddit collector against a real local HTTP server replaying OAuth API payloads.

Fixtures (tests/fixtures/reddit) are in Reddit's own shapes: the token answer
of /api/v1/access_token, Listings of t3 things (/r/SUB/new, /api/info), the
[post Listing, comment Listing] pair of /comments/ID with nested `replies`
(a Listing, or "" when none), `more` stubs of both kinds ("load more comments"
with children ids, "continue this thread" with id "_"), and the flat
{json: {errors, data: {things}}} answer of /api/morechildren.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug import Response

from collectors.reddit import RedditCollector, children
from settings.sources import SourceConfig
from store.db import connect
from tests.replay import (
    FIXTURES,
    FakeClock,
    Routes,
    everything_stored,
    garble,
    load_json,
    run_once,
)
from tests.replay import items_by_key as items

RD = FIXTURES / "reddit"
CLIENT_ID = "brackenford-pulse-app"
CLIENT_SECRET = "s3cr3t-brackenford-XYZ-987"
TOKEN = load_json(RD / "token.json")["access_token"]
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC).timestamp()
P1, P2, P3 = "reddit:t3_1h2a01", "reddit:t3_1h2a02", "reddit:t3_1h2a03"


def c(n: str) -> str:
    return f"reddit:t1_lq{n}"


def reddit(fixture, status: int = 200, remaining: float = 596.0, reset: int = 412, used: int = 4):
    """A handler answering like Reddit: JSON plus its X-Ratelimit-* headers; bearer token required."""

    def handle(request):
        if request.path != "/api/v1/access_token" and request.headers.get("Authorization") != f"bearer {TOKEN}":
            return Response(json.dumps({"message": "Unauthorized", "error": 401}), status=401)
        headers = {
            "X-Ratelimit-Remaining": str(remaining),
            "X-Ratelimit-Reset": str(reset),
            "X-Ratelimit-Used": str(used),
        }
        refusal = {"message": "Too Many Requests" if status == 429 else "Error", "error": status}
        body = json.dumps(load_json(fixture) if fixture else refusal)
        return Response(body, status=status, headers=headers, content_type="application/json; charset=UTF-8")

    return handle


def token_endpoint(request):
    expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    if request.headers.get("Authorization") != expected or request.form.get("grant_type") != "client_credentials":
        return Response(json.dumps({"message": "Unauthorized", "error": 401}), status=401)
    return reddit(RD / "token.json")(request)


@pytest.fixture
def credentials(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml from the working tree
    monkeypatch.setenv("REDDIT_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", CLIENT_SECRET)


@pytest.fixture
def routes(httpserver):
    r = Routes()
    r.add("/api/v1/access_token", token_endpoint, method="POST")
    r.add("/r/brackenford/new.json", reddit(RD / "new_page1.json"))
    r.add("/r/brackenford/new.json", reddit(RD / "new_page2.json"), after="t3_1h2a02")
    r.add("/comments/1h2a01.json", reddit(RD / "comments_1h2a01.json"))
    r.add("/comments/1h2a01.json", reddit(RD / "comments_1h2a01_continue_lq1a003.json"), comment="lq1a003")
    r.add(
        "/api/morechildren",
        reddit(RD / "morechildren_1h2a01.json"),
        api_type="json",
        link_id="t3_1h2a01",
        children="lq1a005,lq1a006",
    )
    r.add("/comments/1h2a02.json", reddit(RD / "comments_1h2a02.json"))
    r.add("/comments/1h2a03.json", reddit(RD / "comments_1h2a03.json"))
    r.add("/api/info", reddit(RD / "info.json"), id="t3_1h2a03")
    return r.install(httpserver)


def source(httpserver) -> SourceConfig:
    root = httpserver.url_for("/").rstrip("/")
    return SourceConfig(
        name="Reddit: r/brackenford",
        kind="reddit",
        options={"subreddit": "r/brackenford", "auth_url": root},
        base_url=root,
        council_accounts=("BrackenfordCouncil",),
    )


def run(source, db_path, clock=None):
    return run_once(source, db_path, NOW, clock)


def rows_and_keys(db_path) -> tuple[int, int]:
    with connect(db_path, read_only=True) as con:
        return tuple(con.execute("SELECT count(*), count(DISTINCT key) FROM items").fetchall()[0])


def test_collects_new_posts_and_whole_comment_trees(httpserver, routes, credentials, db_path):
    result = run(source(httpserver), db_path)

    assert result.error is None and result.warnings == []
    stored = items(db_path)
    posts = {k for k, v in stored.items() if v["item_type"] == "post"}
    assert posts == {P1, P2, P3}  # two pages of /new; the fourth post is older than the look-back
    assert routes.count("/r/brackenford/new.json", after="t3_1h2a02") == 1
    assert len(stored) == 3 + 10 + 1

    parent = {k: v["parent_id"] for k, v in stored.items()}
    # nested Listings: post -> c1 -> c2 -> c3, and "continue this thread" under c3
    assert [parent[c("1a008")], parent[c("1a003")], parent[c("1a002")], parent[c("1a001")]] == [
        c("1a003"), c("1a002"), c("1a001"), P1,
    ]
    # the "load more comments" stub, fetched through /api/morechildren and rebuilt from parent_id
    assert parent[c("1a010")] == c("1a005") and parent[c("1a005")] == c("1a002") and parent[c("1a006")] == c("1a002")
    assert all(stored[k]["thread_id"] == P1 for k in parent if k.startswith("reddit:t1_lq1a"))

    deleted = stored[c("1a004")]
    assert deleted["deleted_at"] is not None and deleted["text"] == "" and deleted["author_name"] is None
    assert parent[c("1a007")] == c("1a004")  # its reply still hangs from it

    # a comment without score, created_utc, permalink, author_fullname or replies
    bare = stored[c("1a009")]
    assert bare["text"] == "Has anyone asked what happens at Christmas?"
    assert bare["like_count"] is None and bare["url"] is None and bare["author_id"] is None
    assert bare["created_at"] == stored[P1]["created_at"] == datetime(2026, 11, 27, 15, 0)

    council = stored[c("1a002")]
    assert council["is_council"] and not stored[c("1a001")]["is_council"]
    assert stored[P2]["is_council"] and stored[P2]["text"] == stored[P2]["title"]  # a link post: its title
    assert stored[P1]["url"] == (
        "https://www.reddit.com/r/brackenford/comments/1h2a01/council_confirms_fortnightly_bin_collections_from/"
    )
    assert stored[P1]["reply_count"] == 10 and stored[c("1a001")]["like_count"] == 14

    text = everything_stored(db_path)
    assert TOKEN not in text and CLIENT_SECRET not in text
    assert routes.count("/api/v1/access_token") == 1


def test_second_identical_run_writes_nothing_and_a_later_reply_arrives(httpserver, routes, credentials, db_path):
    first = run(source(httpserver), db_path)
    trees_read = routes.count("/comments/1h2a01.json")
    second = run(source(httpserver), db_path)

    assert first.new == 14
    assert (second.new, second.updated, second.error) == (0, 0, None)
    assert rows_and_keys(db_path) == (14, 14)
    # one page of /new (its posts already seen), one /api/info for the older post, no tree read again
    assert routes.count("/r/brackenford/new.json") == 3
    assert routes.count("/comments/1h2a01.json") == trees_read
    assert routes.count("/api/info") == 1

    routes.add("/api/info", reddit(RD / "info_new_reply.json"), id="t3_1h2a03")
    routes.add("/comments/1h2a03.json", reddit(RD / "comments_1h2a03_new_reply.json"))
    third = run(source(httpserver), db_path)

    assert (third.new, third.error) == (1, None)
    stored = items(db_path)
    reply = stored[c("3b002")]
    assert reply["parent_id"] == c("3b001") and reply["thread_id"] == P3 and reply["is_council"]
    assert stored[P3]["reply_count"] == 2
    assert rows_and_keys(db_path) == (15, 15)


def test_a_429_with_reddits_headers_is_waited_out_when_the_reset_is_near(httpserver, routes, credentials, db_path):
    routes.add(
        "/r/brackenford/new.json",
        reddit(None, status=429, remaining=0.0, reset=7, used=600),
        times=1,
    )
    # and the token expires mid-run: one 401, then a new token is asked for
    routes.add(
        "/comments/1h2a02.json",
        lambda request: Response(json.dumps({"message": "Unauthorized", "error": 401}), status=401),
        times=1,
    )
    clock = FakeClock(NOW)
    result = run(source(httpserver), db_path, clock)

    assert result.error is None
    assert 7.0 in clock.waits
    assert routes.count("/r/brackenford/new.json") == 3  # the refused one, then both pages
    assert routes.count("/api/v1/access_token") == 2
    assert rows_and_keys(db_path) == (14, 14)


def test_a_429_with_a_distant_reset_stops_and_the_next_run_resumes(httpserver, routes, credentials, db_path):
    routes.add(
        "/r/brackenford/new.json",
        reddit(None, status=429, remaining=0.0, reset=540, used=600),
        times=1,
        after="t3_1h2a02",
    )
    first = run(source(httpserver), db_path)

    assert "rate limited" in first.error and "540s" in first.error
    stored = items(db_path)
    assert {P1, P2} <= set(stored) and P3 not in stored  # page 1 kept
    with connect(db_path, read_only=True) as con:
        cursor = json.loads(con.execute("SELECT cursor FROM sources").fetchall()[0][0])
    assert "seen_utc" not in cursor  # the scan of /new did not finish, so it is not marked seen
    assert set(cursor["posts"]) == {"t3_1h2a01", "t3_1h2a02"}

    second = run(source(httpserver), db_path)
    assert second.error is None
    assert P3 in items(db_path)
    assert rows_and_keys(db_path) == (14, 14)


def test_a_refused_stub_keeps_the_rest_and_a_vanished_post_is_skipped(httpserver, routes, credentials, db_path):
    routes.add("/api/morechildren", reddit(None, status=403), times=1)
    routes.add("/comments/1h2a02.json", reddit(None, status=404))
    first = run(source(httpserver), db_path)

    assert first.error is None
    assert any("some replies could not be read" in w for w in first.warnings)
    assert any(w.startswith("Reddit post t3_1h2a02 can no longer be read") for w in first.warnings)
    stored = items(db_path)
    assert c("1a003") in stored and c("1a008") in stored and c("1a005") not in stored

    second = run(source(httpserver), db_path)  # the stub answers now; the vanished post is not asked for
    assert (second.new, second.error) == (3, None)
    assert {c("1a005"), c("1a006"), c("1a010")} <= set(items(db_path))
    assert routes.count("/comments/1h2a02.json") == 1


def test_a_missing_secret_is_one_clear_line_and_no_request(httpserver, routes, credentials, monkeypatch, db_path):
    monkeypatch.delenv("REDDIT_CLIENT_SECRET")
    result = run(source(httpserver), db_path)
    assert result.error.startswith("missing secret REDDIT_CLIENT_SECRET")
    assert "\n" not in result.error
    assert routes.requests == []


def test_refused_credentials_name_the_variables_never_the_secret(httpserver, credentials, monkeypatch, db_path):
    Routes().add("/api/v1/access_token", reddit(None, status=401)).install(httpserver)
    result = run(source(httpserver), db_path)
    assert "REDDIT_CLIENT_ID" in result.error and "REDDIT_CLIENT_SECRET" in result.error
    assert CLIENT_SECRET not in everything_stored(db_path)


def test_a_misspelt_subreddit_is_a_clear_configuration_error(httpserver, credentials, db_path):
    bad = SourceConfig(
        name="Reddit: bad", kind="reddit", options={"subreddit": "not a name!"}, base_url="http://127.0.0.1:9"
    )
    result = run(bad, db_path)
    assert "is not a subreddit name" in result.error


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rnd=st.randoms(use_true_random=False), damage=st.integers(min_value=1, max_value=4))
def test_messy_comment_trees_are_read_without_crashing(credentials, rnd, damage):
    """Missing keys and wrong types anywhere in a comment tree: defaults, never an exception."""
    collector = RedditCollector(SourceConfig(name="r", kind="reddit", options={"subreddit": "brackenford"}), None)
    post = collector._post(load_json(RD / "new_page1.json")["data"]["children"][0]["data"])
    answer = load_json(RD / "comments_1h2a01.json")
    for _ in range(damage):
        garble(answer, rnd)
    found, more, threads = {}, [], []
    collector._walk(children(answer[1]), post, found, more, threads)
    for item in found.values():
        assert isinstance(item.raw_text, str) and item.created_at is not None
        assert item.thread_id == P1 and item.parent_id.startswith("reddit:t")
    assert all(isinstance(i, str) and i for i in more + threads)
