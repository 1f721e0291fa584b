"""Property-based tests: damaged and arbitrary payloads through the real collectors, over HTTP.

Where parsing is tangled with requests (paging, threads completed by further
calls, Link headers, Graph cursors), each collector runs for real against a
local server (pytest-httpserver) that answers every request with the payload
its route names, as this example has it: the recorded fixtures with random
fields dropped, replaced or retyped, or arbitrary JSON in their place. Two runs
per example, the second from the cursor the first saved. The only exception
allowed out is the project's own, with a message in words; every item is valid
and the store takes it (tests/fuzzing.py). Fewer examples than the pure parsers
get (tests/test_parsers_fuzz.py): each costs a few local requests.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug import Request

from collectors import guardian
from collectors.bluesky import BlueskyCollector
from collectors.facebook import FacebookCollector
from collectors.guardian import GuardianCollector
from collectors.instagram import InstagramCollector
from collectors.mastodon import MastodonCollector
from collectors.reddit import RedditCollector
from collectors.youtube import YouTubeCollector
from settings.sources import SourceConfig
from tests.fuzzing import (
    Fixed,
    MutatingServer,
    fuzz_settings,
    load_folder,
    payload_variants,
    run_collector,
)
from tests.replay import FIXTURES, FakeClock, quick_http

EXAMPLES = 16  # per kind: three in four damaged recordings, one in four arbitrary JSON
MODES = st.sampled_from(["mutated", "mutated", "mutated", "arbitrary"])


@pytest.fixture
def serving(httpserver):
    """The local server for one test (all its examples): made on first use with the kind's route."""
    made: list[MutatingServer] = []

    def server(route) -> MutatingServer:
        if not made:
            made.append(MutatingServer(httpserver, route))
        return made[0]

    return server


def collect_twice(server: MutatingServer, make_collector, kind: str, clock: float) -> None:
    """Run the collector, then again from the cursor it left, as two scheduled runs would."""
    fake = FakeClock(clock)
    with quick_http(clock=fake, sleep=fake.sleep, tries=1) as http:
        cursor, _, _ = run_collector(make_collector(http), {}, kind)
        run_collector(make_collector(http), cursor, kind)
    assert server.requests <= server.MAX_REQUESTS, f"{kind}: more than {server.MAX_REQUESTS} requests in one example"


def once(state: dict, name: str) -> bool:
    """True the first time `name` is asked for in an example (a next page that ends)."""
    first = name not in state
    state[name] = True
    return first


# -- Guardian: discussions and Content API search -------------------------------------------

GUARDIAN_DISCUSSION = {
    **{f"bins-{k}": v for k, v in load_folder(FIXTURES / "guardian" / "bins_three_weekly").items()},
    **{f"trunc-{k}": v for k, v in load_folder(FIXTURES / "guardian" / "truncated_thread").items()},
    **{f"search-{k}": v for k, v in load_folder(FIXTURES / "guardian_search" / "walsall").items()},
}


def guardian_route(request: Request, state: dict):
    if request.path == "/search":
        return "search-page-1.json" if request.args.get("page", "1") == "1" else "search-page-2.json"
    if request.path.startswith("/discussion-api/comment/"):
        return "trunc-comment-175500001.json"
    if request.path.startswith("/discussion-api/discussion/"):
        prefix = "bins" if request.path.endswith("kx7q2") else "trunc"
        return f"{prefix}-page-{request.args.get('page', '1')}.json"
    return None


@pytest.fixture
def guardian_env(monkeypatch):
    monkeypatch.setenv("GUARDIAN_API_KEY", "test-key-0123")
    monkeypatch.setattr(guardian, "utcnow", lambda: datetime(2026, 11, 28, 12))
    monkeypatch.setattr(guardian, "SEARCH_PAGE_SIZE", 3)


@fuzz_settings(EXAMPLES)
@given(payloads=MODES.flatmap(lambda mode: payload_variants(GUARDIAN_DISCUSSION, mode)))
def test_guardian_discussions_and_search(serving, guardian_env, payloads):
    server = serving(guardian_route)
    server.serve(payloads)
    source = SourceConfig("G", "guardian", {"discussions": ["/p/kx7q2", "/p/w2hcx"], "search": "walsall council",
                                            "content_base_url": server.base_url},
                          base_url=server.base_url, lookback_days=3650)
    collect_twice(server, lambda http: GuardianCollector(source, http), "guardian", 1795176000.0)


# -- Mastodon: lookup, statuses with Link headers, contexts --------------------------------

MASTODON = load_folder(FIXTURES / "mastodon")
LINK_HEADERS = [
    None, "", "garbage", "<>; rel=next", '<http://127.0.0.1:1/elsewhere>; rel="next"', "<", '<x>; rel="next prev"',
]


def mastodon_route(request: Request, state: dict):
    path, args = request.path, request.args
    if path == "/api/v1/accounts/lookup":
        return "lookup_walsallcouncil.json"
    if path.endswith("/statuses"):
        if "min_id" in args:
            return "statuses_new.json" if once(state, "new") else Fixed([])
        if "max_id" in args:
            return "statuses_page2.json" if once(state, "page2") else Fixed([])
        return "statuses_page1.json"
    match = re.fullmatch(r"/api/v1/statuses/(.+)/context", path)
    if match:
        name = f"context_{match.group(1)}.json"
        return name if name in MASTODON else "context_113560000000000500.json"
    return None


@fuzz_settings(EXAMPLES)
@given(payloads=MODES.flatmap(lambda mode: payload_variants(MASTODON, mode)), link=st.sampled_from(LINK_HEADERS))
def test_mastodon_collector(serving, monkeypatch, payloads, link):
    monkeypatch.delenv("MASTODON_TOKEN", raising=False)
    server = serving(mastodon_route)
    server.headers = lambda name: {"Link": link} if link is not None and "statuses" in name else {}
    server.serve(payloads)
    source = SourceConfig("M", "mastodon", {"account": "walsallcouncil"}, base_url=server.base_url)
    collect_twice(server, lambda http: MastodonCollector(source, http), "mastodon",
                  datetime(2026, 11, 29, 6, tzinfo=UTC).timestamp())


# -- Bluesky: author feed and threads of any depth ------------------------------------------

BLUESKY = load_folder(FIXTURES / "bluesky", "[ft]*.json")


def bluesky_route(request: Request, state: dict):
    if request.path == "/xrpc/app.bsky.feed.getAuthorFeed":
        if not request.args.get("cursor"):
            return "feed_page1.json"
        return "feed_page2.json" if once(state, "page2") else None
    if request.path == "/xrpc/app.bsky.feed.getPostThread":
        name = f"thread_{request.args.get('uri', '').rsplit('/', 1)[-1]}.json"
        return name if name in BLUESKY else "thread_3n3eeiay5c22b.json"
    return None


@fuzz_settings(EXAMPLES)
@given(payloads=MODES.flatmap(lambda mode: payload_variants(BLUESKY, mode)))
def test_bluesky_collector(serving, payloads):
    server = serving(bluesky_route)
    server.serve(payloads)
    source = SourceConfig("B", "bluesky", {"actor": "walsallcouncil.bsky.social"}, base_url=server.base_url)
    collect_twice(server, lambda http: BlueskyCollector(source, http), "bluesky",
                  datetime(2026, 11, 29, 6, tzinfo=UTC).timestamp())


# -- Reddit: token, listings, comment trees, morechildren -----------------------------------

REDDIT = load_folder(FIXTURES / "reddit")


def reddit_route(request: Request, state: dict):
    path = request.path
    if path == "/api/v1/access_token":
        return "token.json"
    if path.endswith("/new.json"):
        if not request.args.get("after"):
            return "new_page1.json"
        return "new_page2.json" if once(state, "page2") else None
    if path == "/api/info":
        return "info.json"
    if path == "/api/morechildren":
        return "morechildren_1h2a01.json"
    match = re.fullmatch(r"/comments/(\w+)\.json", path)
    if match:
        if request.args.get("comment"):
            return "comments_1h2a01_continue_lq1a003.json"
        name = f"comments_{match.group(1)}.json"
        return name if name in REDDIT else "comments_1h2a03.json"
    return None


@fuzz_settings(EXAMPLES)
@given(payloads=MODES.flatmap(lambda mode: payload_variants(REDDIT, mode)))
def test_reddit_collector(serving, monkeypatch, payloads):
    monkeypatch.setenv("REDDIT_CLIENT_ID", "id")
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "secret")
    server = serving(reddit_route)
    server.serve(payloads)
    source = SourceConfig("R", "reddit", {"subreddit": "brackenford", "auth_url": server.base_url},
                          base_url=server.base_url)
    collect_twice(server, lambda http: RedditCollector(source, http), "reddit",
                  datetime(2026, 11, 28, 12, tzinfo=UTC).timestamp())


# -- YouTube: uploads, listed videos, comment threads and replies ---------------------------

YOUTUBE = load_folder(FIXTURES / "youtube")


def youtube_route(request: Request, state: dict):
    resource, args = request.path.rsplit("/", 1)[-1], request.args
    token = args.get("pageToken")
    if resource == "channels":
        return "channels.json"
    if resource == "videos":
        return "videos.json"
    if resource == "playlistItems":
        return "playlist_page2.json" if token else "playlist_page1.json"
    if resource == "commentThreads":
        if args.get("videoId") == "Kd93HsT1wYe":
            return "threads_B.json"
        return ("threads_A_page2.json" if once(state, "threads2") else None) if token else "threads_A_page1.json"
    if resource == "comments":
        return ("replies_T1_page2.json" if once(state, "replies2") else None) if token else "replies_T1_page1.json"
    return None


@fuzz_settings(EXAMPLES)
@given(payloads=MODES.flatmap(lambda mode: payload_variants(YOUTUBE, mode)), listed=st.booleans())
def test_youtube_collector(serving, monkeypatch, payloads, listed):
    monkeypatch.setenv("YOUTUBE_API_KEY", "AIza-test-key")
    server = serving(youtube_route)
    server.serve(payloads)
    options = {"video_ids": ["Kd93HsT1wYe"]} if listed else {"channel_id": "UC4Bk9rQmT2vLxN8pW3yZ1aA"}
    source = SourceConfig("Y", "youtube", options, base_url=server.base_url + "/youtube/v3")
    collect_twice(server, lambda http: YouTubeCollector(source, http), "youtube",
                  datetime(2026, 11, 28, 12, tzinfo=UTC).timestamp())


# -- Facebook and Instagram: Graph edges with paging ----------------------------------------


def graph_route(folder: dict):
    def route(request: Request, state: dict):
        target = request.path.removeprefix("/v21.0/").strip("/")
        object_id, _, edge = target.partition("/")
        name = f"{object_id}--{edge}"
        after = request.args.get("after")
        if after:
            paged = f"{name}--after-{after}.json"
            if paged in folder:
                return paged if once(state, paged) else None
            return next((n for n in folder if n.startswith(name + "--after-")), None) if once(state, name) else None
        return f"{name}.json" if f"{name}.json" in folder else None

    return route


FACEBOOK = load_folder(FIXTURES / "facebook" / "run1")
INSTAGRAM = load_folder(FIXTURES / "instagram" / "run1")


GRAPH = {
    "facebook": (FACEBOOK, FacebookCollector, {"page_id": "104958162837"}),
    "instagram": (INSTAGRAM, InstagramCollector, {"user_id": "17841401234567890"}),
}


@pytest.mark.parametrize("kind", sorted(GRAPH))
@fuzz_settings(EXAMPLES)
@given(data=st.data())
def test_graph_collectors(serving, monkeypatch, kind, data):
    folder, collector, options = GRAPH[kind]
    monkeypatch.setenv("FACEBOOK_PAGE_TOKEN", "EAAT3stToken")
    server = serving(graph_route(folder))
    server.serve(data.draw(MODES.flatmap(lambda mode: payload_variants(folder, mode))))
    source = SourceConfig(kind, kind, options, base_url=server.base_url + "/v21.0")
    collect_twice(server, lambda http: collector(source, http), kind, 1795176000.0)


# -- the harness itself: the recorded payloads, undamaged, are collected in full -------------

CASES = {
    "guardian": (GUARDIAN_DISCUSSION, guardian_route),
    "mastodon": (MASTODON, mastodon_route),
    "bluesky": (BLUESKY, bluesky_route),
    "reddit": (REDDIT, reddit_route),
    "youtube": (YOUTUBE, youtube_route),
    "facebook": (FACEBOOK, graph_route(FACEBOOK)),
    "instagram": (INSTAGRAM, graph_route(INSTAGRAM)),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_undamaged_payloads_are_collected_without_error(serving, monkeypatch, guardian_env, kind):
    """So that the damage above lands in a run that would otherwise read everything."""
    for name, value in {"REDDIT_CLIENT_ID": "id", "REDDIT_CLIENT_SECRET": "secret", "YOUTUBE_API_KEY": "k",
                        "FACEBOOK_PAGE_TOKEN": "t"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("MASTODON_TOKEN", raising=False)
    payloads, route = CASES[kind]
    server = serving(route)
    server.serve(payloads)
    url = server.base_url
    sources = {
        "guardian": (GuardianCollector, {"discussions": ["/p/kx7q2", "/p/w2hcx"], "search": "walsall council",
                                          "content_base_url": url}, url, 1795176000.0),
        "mastodon": (MastodonCollector, {"account": "walsallcouncil"}, url, datetime(2026, 11, 29, 6, tzinfo=UTC).timestamp()),
        "bluesky": (BlueskyCollector, {"actor": "walsallcouncil.bsky.social"}, url, datetime(2026, 11, 29, 6, tzinfo=UTC).timestamp()),
        "reddit": (RedditCollector, {"subreddit": "brackenford", "auth_url": url}, url, datetime(2026, 11, 28, 12, tzinfo=UTC).timestamp()),
        "youtube": (YouTubeCollector, {"channel_id": "UC4Bk9rQmT2vLxN8pW3yZ1aA"}, url + "/youtube/v3",
                    datetime(2026, 11, 28, 12, tzinfo=UTC).timestamp()),
        "facebook": (FacebookCollector, {"page_id": "104958162837"}, url + "/v21.0", 1795176000.0),
        "instagram": (InstagramCollector, {"user_id": "17841401234567890"}, url + "/v21.0", 1795176000.0),
    }
    make, options, base, clock = sources[kind]
    source = SourceConfig(kind, kind, options, base_url=base, lookback_days=3650 if kind == "guardian" else 14)
    fake = FakeClock(clock)
    with quick_http(clock=fake, sleep=fake.sleep, tries=1) as http:
        _, items, error = run_collector(make(source, http), {}, kind)
    assert error is None and len(items) >= 5, (error, len(items))
