"""Bounded work whatever a server does (issue 16, findings 2, 3, 4 and 11).

- a response is decoded once at most and never past the cap, counted while decoding (a
  gzip bomb costs the cap, not gigabytes);
- a request has a deadline as a whole, not per read (a server dripping a byte at a time is
  cut off), and a source's run has one (the sources after it still run);
- a paginated listing stops at the page cap with a warning (Guardian, YouTube: PULSE_MAX_PAGES;
  Mastodon, Bluesky and Graph: their own caps);
- one broken Guardian discussion does not stop the discussions listed after it.

Every hostile server here stops by itself: a drip ends after a few seconds, endless pages end
after a few dozen requests, so a test with its protection switched off fails rather than hangs.
"""

from __future__ import annotations

import re
import socket
import threading
import time
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug import Response

from collectors.decoding import TooLarge, decoder
from collectors.errors import FetchError
from jobs.collect import collect_all
from settings.sources import SourceConfig
from tests.hostile import MIB, gzipped
from tests.replay import GUARDIAN, RSS, GuardianReplay, Routes, conditional, items_by_key, json_response, quick_http

# -- decoding --------------------------------------------------------------------------------


def test_a_stacked_gzip_bomb_is_refused_unread(httpserver):
    body = gzipped(64, 2)  # 64 MiB behind a few hundred bytes
    httpserver.expect_request("/bomb").respond_with_data(body, headers={"Content-Encoding": "gzip, gzip"})
    with quick_http(tries=1) as http, pytest.raises(FetchError) as refused:
        http.get(httpserver.url_for("/bomb"))
    assert "encoded more than once (gzip, gzip)" in str(refused.value)
    assert len(body) < 100_000 and len(httpserver.log) == 1


def test_a_gzip_bomb_stops_at_the_cap_while_decoding(httpserver):
    body = gzipped(64, 1)
    httpserver.expect_request("/bomb").respond_with_data(body, headers={"Content-Encoding": "gzip"})
    with quick_http(tries=1, max_bytes=MIB) as http, pytest.raises(FetchError, match="larger than 1 MB"):
        http.get(httpserver.url_for("/bomb"))
    # what is decoded before it stops: never more than one byte past the cap
    bounded = decoder("gzip", MIB)
    with pytest.raises(TooLarge):
        for start in range(0, len(body), 65536):
            bounded.feed(body[start:start + 65536])
    assert bounded.size == MIB + 1


@pytest.mark.parametrize("encoding, encode", [
    ("gzip", lambda b: zlib.compress(b, wbits=31)),
    ("x-gzip", lambda b: zlib.compress(b, wbits=31)),
    ("deflate", zlib.compress),
    ("deflate", lambda b: zlib.compress(b, wbits=-15)),  # raw deflate, as some servers send it
    ("identity", lambda b: b),
    ("gzip, identity", lambda b: zlib.compress(b, wbits=31)),
])
def test_ordinary_encodings_still_decode(httpserver, encoding, encode):
    text = b'{"status": "ok", "items": [' + b'"a comment", ' * 5000 + b'"end"]}'
    httpserver.expect_request("/api").respond_with_data(encode(text), headers={"Content-Encoding": encoding},
                                                        content_type="application/json")
    with quick_http(tries=1) as http:
        assert http.get(httpserver.url_for("/api")).content == text
    request, _ = httpserver.log[0]
    assert request.headers["Accept-Encoding"] == "gzip, deflate"


@pytest.mark.parametrize("encoding, body, words", [
    ("br", b"\x1b\x00", "'br' is not one we asked for"),
    ("gzip", b"\x1f\x8b\x08\x00 certainly not gzip", "gzip encoding is corrupt"),
])
def test_other_encodings_are_refused_in_words(httpserver, encoding, body, words):
    httpserver.expect_request("/api").respond_with_data(body, headers={"Content-Encoding": encoding})
    with quick_http(tries=1) as http, pytest.raises(FetchError, match=words):
        http.get(httpserver.url_for("/api"))


# -- deadlines -------------------------------------------------------------------------------


class DripServer:
    """Answers with Content-Length: 40 and then one byte every 0.25 s (the whole body takes 10 s)."""

    LENGTH, EVERY = 40, 0.25

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sent = 0
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/drip"

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn):
        with conn:
            conn.recv(65536)
            conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {self.LENGTH}\r\n"
                         "\r\n".encode())
            try:
                for _ in range(self.LENGTH):
                    time.sleep(self.EVERY)
                    conn.sendall(b" ")
                    self.sent += 1
            except OSError:  # the client hung up
                return

    def close(self):
        self.sock.close()


@pytest.fixture
def drip():
    server = DripServer()
    yield server
    server.close()


def test_a_dripping_server_is_cut_off_at_the_request_deadline(drip, monkeypatch):
    monkeypatch.setenv("PULSE_REQUEST_DEADLINE_S", "1")
    with quick_http(read_timeout=2.0) as http, pytest.raises(FetchError) as stopped:  # each byte well within 2 s
        http.get(drip.url)
    assert "took longer than 1s, the most one request may take" in str(stopped.value)
    assert drip.connections == 1  # a spent deadline is not retried
    assert drip.sent < DripServer.LENGTH / 2


def test_a_name_server_that_never_answers_is_cut_off_at_the_request_deadline(monkeypatch):
    """getaddrinfo takes no timeout: the lookup is abandoned at the deadline, not waited for."""
    monkeypatch.setenv("PULSE_REQUEST_DEADLINE_S", "1")
    release, finished = threading.Event(), threading.Event()

    def silent_name_server(host, port, *args, **kwargs):
        release.wait(10)  # as a resolver would, waiting on a name server that never answers
        finished.set()
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    try:
        with quick_http(tries=3, resolve=silent_name_server) as http, pytest.raises(FetchError) as stopped:
            http.get("http://news.brackenford.example/feed.xml")
        assert "took longer than 1s, the most one request may take" in str(stopped.value)
        assert not finished.is_set()  # the request ended while the lookup was still waiting
    finally:
        release.set()


def slow_discussions(httpserver, delay: float) -> list[str]:
    """Guardian discussions /p/slow..., each answered after `delay` seconds; returns the keys asked for, as asked."""
    asked: list[str] = []

    def answer(request):
        key = "/" + request.path.split("/discussion/", 1)[1]
        asked.append(key)
        time.sleep(delay)
        return json_response({"status": "ok", "currentPage": 1, "pages": 1, "discussion": {
            "key": key, "title": key, "commentCount": 1, "comments": [{
                "id": 1000 + len(asked), "body": "<p>Slow but fine</p>", "isoDateTime": "2026-11-24T09:00:00Z",
                "userProfile": {"userId": "7", "displayName": "Reader"}}]}})

    httpserver.expect_request(re.compile("/discussion-api/discussion/p/slow.*")).respond_with_handler(answer)
    return asked


def test_a_source_stops_at_its_deadline_and_the_next_source_runs(httpserver, monkeypatch, db_path):
    monkeypatch.setenv("PULSE_SOURCE_DEADLINE_S", "1.5")
    keys = [f"/p/slow{n}" for n in range(8)]
    asked = slow_discussions(httpserver, delay=0.4)  # 3.2 s for all of them
    httpserver.expect_request("/news.xml").respond_with_handler(
        conditional((RSS / "council_news.xml").read_bytes(), "application/rss+xml"))
    slow = SourceConfig(name="Slow", kind="guardian", options={"discussions": keys}, base_url=httpserver.url_for(""))
    after = SourceConfig(name="After it", kind="rss", options={"url": httpserver.url_for("/news.xml")})
    with quick_http(tries=1) as http:
        first, second = collect_all([slow, after], db_path, http)
    assert "the most one source may take in a run (PULSE_SOURCE_DEADLINE_S)" in first.error
    assert 1 <= len(asked) < len(keys) and first.new >= 2  # what was read before it is kept
    assert second.error is None and second.new == 4


# -- page caps -------------------------------------------------------------------------------


ENDLESS_UNTIL = 30  # the hostile servers below stop by themselves after this many pages


def warnings_of_a_run(source: SourceConfig, db_path) -> list[str]:
    """Collect one source, which must not fail: the warnings it recorded."""
    with quick_http(tries=1) as http:
        [result] = collect_all([source], db_path, http)
    assert result.error is None
    return result.warnings


def test_a_guardian_discussion_that_never_ends_stops_at_the_page_cap(httpserver, monkeypatch, db_path):
    monkeypatch.setenv("PULSE_MAX_PAGES", "5")
    served = []

    def answer(request):
        served.append(request.args.get("page"))
        if len(served) > ENDLESS_UNTIL:
            return json_response({"status": "error", "message": "enough"}, 404)
        return json_response({"status": "ok", "currentPage": 1, "pages": 1_000_000_000,
                              "discussion": {"key": "/p/endless", "title": "t", "commentCount": 3, "comments": []}})

    httpserver.expect_request("/discussion-api/discussion/p/endless").respond_with_handler(answer)
    source = SourceConfig(name="Endless", kind="guardian", options={"discussions": ["/p/endless"]},
                          base_url=httpserver.url_for(""))
    warnings = warnings_of_a_run(source, db_path)
    assert served == ["1", "2", "3", "4", "5"]
    assert warnings == ["Guardian discussion /p/endless (it says 1000000000 pages): stopped after 5 pages, "
                        "the most read per run; the next run goes on from there"]


@pytest.fixture
def routes(httpserver, monkeypatch) -> Routes:
    """An API on the test server, read for three pages at most."""
    monkeypatch.setenv("PULSE_MAX_PAGES", "3")
    return Routes().install(httpserver)


def test_a_guardian_search_that_never_ends_stops_at_the_page_cap(routes, httpserver, monkeypatch, db_path):
    monkeypatch.setenv("GUARDIAN_API_KEY", "guardian-endless-search-key")
    article = {"webPublicationDate": datetime.now(UTC).isoformat(), "fields": {"commentable": "false"}}
    routes.add("/search", lambda r: json_response({"response": {"status": "ok", "pages": 1_000_000_000, "results": (
        [] if routes.count("/search") > ENDLESS_UNTIL else [article] * 50)}}))
    source = SourceConfig(name="Endless search", kind="guardian", base_url=httpserver.url_for(""),
                          options={"search": "kingsmere", "content_base_url": httpserver.url_for(""),
                                   "max_articles": 100_000})
    warnings = warnings_of_a_run(source, db_path)
    assert routes.count("/search") == 3
    assert warnings == ["Guardian search for 'kingsmere': stopped after 3 pages, the most read per run; "
                        "older results were not read"]


def test_youtube_tokens_that_never_end_stop_at_the_page_cap(routes, httpserver, monkeypatch, db_path):
    monkeypatch.setenv("YOUTUBE_API_KEY", "AIzaEndlessTokensKey123")
    routes.add("/v3/channels", lambda r: json_response(
        {"items": [{"contentDetails": {"relatedPlaylists": {"uploads": "UUendless"}}}]}))
    pages = iter(range(10**6))
    routes.add("/v3/playlistItems", lambda r: json_response(
        {"items": []} if routes.count("/v3/playlistItems") > ENDLESS_UNTIL else
        {"items": [], "nextPageToken": f"fresh-{next(pages)}"}))
    source = SourceConfig(name="Endless videos", kind="youtube", options={"channel_id": "UCendless"},
                          base_url=httpserver.url_for("/v3"))
    warnings = warnings_of_a_run(source, db_path)
    assert routes.count("/v3/playlistItems") == 3
    assert warnings == ["YouTube playlistItems for the uploads of channel UCendless: stopped after 3 pages, "
                        "the most read per run; the rest were not read"]


def test_mastodon_bluesky_and_graph_say_when_they_reach_their_caps(httpserver, monkeypatch, db_path):
    """Their caps were there before; reaching one is now a warning, not silence."""
    from collectors import bluesky, graph, mastodon

    monkeypatch.setattr(mastodon, "MAX_PAGES", 4)
    monkeypatch.setattr(bluesky, "MAX_PAGES", 4)
    monkeypatch.setattr(graph, "MAX_PAGES", 4)
    monkeypatch.setenv("FACEBOOK_PAGE_TOKEN", "EAAGendlessPagesToken")
    now = datetime.now(UTC).replace(microsecond=0)
    stamp = (now - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    count = iter(range(10**6))
    routes = Routes().install(httpserver)
    routes.add("/api/v1/accounts/lookup", lambda r: json_response({"id": "42", "acct": "council"}))
    routes.add("/api/v1/accounts/42/statuses", lambda r: json_response([{
        "id": str(10**9 - next(count)), "created_at": stamp, "content": "<p>again</p>",
        "account": {"id": "42", "acct": "council"}}]))
    routes.add("/api/v1/statuses/%s/context", lambda r: json_response({"descendants": []}))
    routes.add("/xrpc/app.bsky.feed.getAuthorFeed", lambda r: json_response({"cursor": f"c{next(count)}", "feed": [{
        "post": {"uri": f"at://did:plc:council/app.bsky.feed.post/{next(count)}", "indexedAt": stamp,
                 "author": {"did": "did:plc:council", "handle": "council.bsky.social"},
                 "record": {"text": "again", "createdAt": stamp}}}]}))
    routes.add("/v21.0/104958162837/feed", lambda r: json_response(
        {"data": [], "paging": {"next": "http://x/next", "cursors": {"after": f"a{next(count)}"}}}))
    root = httpserver.url_for("").rstrip("/")
    sources = [
        SourceConfig(name="Mastodon", kind="mastodon", options={"account": "council"}, base_url=root),
        SourceConfig(name="Bluesky", kind="bluesky", options={"actor": "council.bsky.social"}, base_url=root),
        SourceConfig(name="Facebook", kind="facebook", options={"page_id": "104958162837"}, base_url=f"{root}/v21.0"),
    ]
    with quick_http(tries=1) as http:
        results = {r.name: r for r in collect_all(sources, db_path, http)}
    assert "statuses of council: stopped after 4 pages" in " ".join(results["Mastodon"].warnings)
    assert "Bluesky feed of council.bsky.social: stopped after 4 pages" in " ".join(results["Bluesky"].warnings)
    assert "Graph API 104958162837/feed: stopped after 4 pages" in " ".join(results["Facebook"].warnings)
    assert routes.count("/v21.0/104958162837/feed") == 4


# -- one bad discussion ----------------------------------------------------------------------


def test_one_broken_discussion_does_not_stop_the_others(httpserver, db_path):
    good = [GuardianReplay(GUARDIAN / case).install(httpserver) for case in ("bins_three_weekly", "truncated_thread")]
    httpserver.expect_request("/discussion-api/discussion/p/broken").respond_with_response(
        Response(b'{"status": "ok", "discuss', content_type="application/json"))
    source = SourceConfig(name="Guardian", kind="guardian", base_url=httpserver.url_for(""),
                          options={"discussions": ["/p/broken", *(g.key for g in good)]})
    [warning] = warnings_of_a_run(source, db_path)
    assert warning.startswith("Guardian discussion /p/broken was not read to the end (invalid JSON")
    stored = items_by_key(db_path)
    for replay in good:
        assert {i["key"] for i in replay.expected["items"]} <= set(stored)


def test_when_every_discussion_fails_the_source_fails(httpserver, db_path):
    httpserver.expect_request("/discussion-api/discussion/p/broken").respond_with_response(
        Response(b"<html>down</html>", content_type="text/html"))
    source = SourceConfig(name="Guardian", kind="guardian", base_url=httpserver.url_for(""),
                          options={"discussions": ["/p/broken"]})
    with quick_http(tries=1) as http:
        [result] = collect_all([source], db_path, http)
    assert "but got text/html" in result.error and result.warnings == []
