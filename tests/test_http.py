"""collectors/http.py against a real HTTP server on 127.0.0.1 (and real sockets for network failures)."""

from __future__ import annotations

import re
import socket
import threading
from contextlib import nullcontext
from datetime import UTC, datetime

import pytest
from werkzeug import Response

from collectors import limits
from collectors.errors import FetchError, PayloadError, RateLimited
from collectors.http import (
    USER_AGENT,
    HttpStatusError,
    RateLimitInfo,
    header_rate_limit,
    redact_url,
    retry_after_seconds,
)
from tests.replay import conditional, http_date, quick_http, sequence, status

# pytest-httpserver listens on 127.0.0.1 and names itself "localhost"
HOST = r"(?:localhost|127\.0\.0\.1)"
NOW = 1_795_000_000.0  # a fixed "now" (epoch seconds) for Retry-After dates and reset times


def fixed_clock():
    return NOW


@pytest.fixture
def http():
    with quick_http(jitter=lambda: 0.5, clock=fixed_clock) as client:
        yield client


def waits(client) -> list[float]:
    return client.sleep.waits


# -- plain requests ----------------------------------------------------------


def test_get_returns_body_and_sends_a_clear_user_agent(httpserver, http):
    httpserver.expect_request("/feed").respond_with_data("<rss/>", content_type="application/rss+xml")
    result = http.get(httpserver.url_for("/feed"))
    assert result.status == 200
    assert result.content == b"<rss/>"
    assert result.content_type == "application/rss+xml"
    assert not result.not_modified
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("CouncilPulse/")


def test_a_redirect_is_followed(httpserver, http):
    httpserver.expect_request("/old").respond_with_response(
        Response(status=301, headers={"Location": httpserver.url_for("/new")})
    )
    httpserver.expect_request("/new").respond_with_data("here")
    result = http.get(httpserver.url_for("/old"))
    assert result.content == b"here"
    assert result.url.endswith("/new")


def test_a_redirect_loop_is_named(httpserver, http):
    httpserver.expect_request("/a").respond_with_response(Response(status=302, headers={"Location": "/b"}))
    httpserver.expect_request("/b").respond_with_response(Response(status=302, headers={"Location": "/a"}))
    with pytest.raises(FetchError, match=rf"redirect loop: {HOST}:\d+/a -> {HOST}:\d+/b -> {HOST}:\d+/a"):
        http.get(httpserver.url_for("/a"))


def test_too_many_redirects(httpserver):
    for n in range(1, 8):
        httpserver.expect_request(f"/hop/{n}").respond_with_response(
            Response(status=302, headers={"Location": f"/hop/{n + 1}"})
        )
    with quick_http(max_redirects=3) as client:
        with pytest.raises(FetchError, match=r"too many redirects \(more than 3\)"):
            client.get(httpserver.url_for("/hop/1"))
    assert len(httpserver.log) == 4  # the first request and three redirects, then it stops


def test_an_oversized_answer_is_refused(httpserver):
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    with quick_http(max_bytes=1000) as client:
        with pytest.raises(FetchError, match="larger than"):
            client.get(httpserver.url_for("/big"))


def test_not_a_url(http):
    with pytest.raises(FetchError, match="not a usable URL"):
        http.get("ftp//nowhere")


# -- conditional GET ---------------------------------------------------------


def test_conditional_get_round_trip_with_etag_and_last_modified(httpserver, http):
    modified = "Fri, 27 Nov 2026 16:05:00 GMT"
    httpserver.expect_request("/feed").respond_with_handler(
        conditional(b"<rss>v1</rss>", "application/rss+xml", etag='"v1"', last_modified=modified)
    )
    first = http.get(httpserver.url_for("/feed"))
    assert (first.etag, first.last_modified) == ('"v1"', modified)

    second = http.get(httpserver.url_for("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.status == 304
    assert second.content == b""
    assert (second.etag, second.last_modified) == ('"v1"', modified)
    request, _ = httpserver.log[1]
    assert request.headers["If-None-Match"] == '"v1"'
    assert request.headers["If-Modified-Since"] == modified


def test_conditional_get_with_last_modified_only_and_a_changed_resource(httpserver, http):
    httpserver.expect_request("/feed").respond_with_handler(
        sequence(
            conditional(b"old", "application/xml", last_modified="Mon, 23 Nov 2026 10:00:00 GMT"),
            conditional(b"new", "application/xml", last_modified="Sat, 28 Nov 2026 10:00:00 GMT"),
            conditional(b"new", "application/xml", last_modified="Sat, 28 Nov 2026 10:00:00 GMT"),
        )
    )
    first = http.get(httpserver.url_for("/feed"))
    changed = http.get(httpserver.url_for("/feed"), last_modified=first.last_modified)
    assert not changed.not_modified and changed.content == b"new"
    assert changed.last_modified == "Sat, 28 Nov 2026 10:00:00 GMT"
    same = http.get(httpserver.url_for("/feed"), last_modified=changed.last_modified)
    assert same.not_modified
    assert same.etag is None and same.last_modified == "Sat, 28 Nov 2026 10:00:00 GMT"


# -- retries and rate limits -------------------------------------------------


def test_500_then_success_retries_after_a_backoff(httpserver, http):
    httpserver.expect_request("/api").respond_with_handler(
        sequence(status(500), status(503), lambda r: Response('{"ok": true}', content_type="application/json"))
    )
    assert http.get_json(httpserver.url_for("/api")) == {"ok": True}
    assert waits(http) == [1.0, 2.0]  # backoff 1s doubling; jitter pinned to the middle
    assert len(httpserver.log) == 3


def test_500_forever_is_a_clear_error_after_the_tries(httpserver, http):
    httpserver.expect_request("/api").respond_with_handler(status(500))
    with pytest.raises(FetchError) as caught:
        http.get(httpserver.url_for("/api"))
    message = str(caught.value)
    assert re.match(rf"HTTP 500 from {HOST} after 3 tries: GET {HOST}:\d+/api$", message)
    assert len(httpserver.log) == 3
    assert waits(http) == [1.0, 2.0]


def test_backoff_has_jitter_and_a_cap(httpserver):
    httpserver.expect_request("/api").respond_with_handler(status(502))
    draws = iter([0.0, 0.99, 0.3, 0.7, 0.1])
    with quick_http(tries=6, backoff=4.0, max_backoff=10.0, jitter=lambda: next(draws)) as client:
        with pytest.raises(FetchError, match="after 6 tries"):
            client.get(httpserver.url_for("/api"))
    # base delays 4, 8, 10 (capped), 10, 10, each scaled by 0.5 + jitter
    assert waits(client) == pytest.approx([2.0, 11.92, 8.0, 12.0, 6.0])


def test_429_with_retry_after_seconds_then_success(httpserver, http):
    httpserver.expect_request("/api").respond_with_handler(
        sequence(status(429, {"Retry-After": "7"}), lambda r: Response("[]", content_type="application/json"))
    )
    assert http.get_json(httpserver.url_for("/api")) == []
    assert waits(http) == [7.0]


def test_429_with_retry_after_as_an_http_date(httpserver, http):
    httpserver.expect_request("/api").respond_with_handler(
        sequence(status(429, {"Retry-After": http_date(NOW + 42)}), status(200, body="done"))
    )
    assert http.get(httpserver.url_for("/api")).content == b"done"
    assert waits(http) == [42.0]


@pytest.mark.parametrize("retry_after,source_seconds,why", [
    (3600, None, "more than the 60s we wait"),
    # within the 60 s we wait, but past the source's deadline: said at once, not slept and then stopped
    (30, 5.0, "s left of this source's time in this run (PULSE_SOURCE_DEADLINE_S)"),
], ids=["longer than we wait", "longer than the source has left"])
def test_429_with_a_long_wait_raises_rate_limited_without_sleeping(httpserver, http, retry_after, source_seconds, why):
    httpserver.expect_request("/api").respond_with_handler(status(429, {"Retry-After": str(retry_after)}))
    with limits.source_deadline(source_seconds) if source_seconds else nullcontext(), \
            pytest.raises(RateLimited) as caught:
        http.get(httpserver.url_for("/api"))
    assert f"asked to wait {retry_after}s" in str(caught.value)
    assert why in str(caught.value)
    assert caught.value.retry_at == NOW + retry_after
    assert waits(http) == []
    assert len(httpserver.log) == 1


def test_429_forever_with_short_waits_gives_up_after_the_tries(httpserver, http):
    httpserver.expect_request("/api").respond_with_handler(status(429, {"Retry-After": "1"}))
    with pytest.raises(RateLimited, match="still HTTP 429 after 3 tries"):
        http.get(httpserver.url_for("/api"))
    assert waits(http) == [1.0, 1.0]


def test_backoff_between_tries_never_runs_past_the_source_deadline(httpserver):
    httpserver.expect_request("/api").respond_with_handler(status(503))
    with quick_http(tries=3, backoff=20.0, jitter=lambda: 0.5) as client:
        with limits.source_deadline(3.0), pytest.raises(FetchError, match="HTTP 503"):
            client.get(httpserver.url_for("/api"))
        assert len(waits(client)) == 2
        assert all(0 < wait <= 3.0 for wait in waits(client))  # 20 s and 30 s without the deadline
    with quick_http(tries=3, backoff=20.0, jitter=lambda: 0.5) as client:
        with pytest.raises(FetchError, match="HTTP 503"):
            client.get(httpserver.url_for("/api"))
        assert waits(client) == [20.0, 30.0]


def test_retry_after_parsing():
    assert retry_after_seconds("120", NOW) == 120
    assert retry_after_seconds(http_date(NOW + 30), NOW) == 30
    assert retry_after_seconds(http_date(NOW - 30), NOW) == 0  # a date in the past: go now
    assert retry_after_seconds("soon", NOW) is None
    assert retry_after_seconds(None, NOW) is None


# -- platform rate-limit headers ---------------------------------------------


def test_spent_budget_waits_for_a_near_reset_before_the_next_request(httpserver, http):
    reader = header_rate_limit("X-RateLimit-Remaining", "X-RateLimit-Reset", "epoch")
    httpserver.expect_request("/statuses").respond_with_data(
        "[]", content_type="application/json",
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(NOW + 5))},
    )
    http.get_json(httpserver.url_for("/statuses"), rate_limit=reader)
    assert waits(http) == []
    http.get_json(httpserver.url_for("/statuses"), rate_limit=reader)
    assert waits(http) == [5.0]


def test_spent_budget_with_a_far_reset_stops_before_sending(httpserver, http):
    reader = header_rate_limit("X-RateLimit-Remaining", "X-RateLimit-Reset", "iso")  # Mastodon's style
    httpserver.expect_request("/statuses").respond_with_data(
        "[]", content_type="application/json",
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2026-11-18T08:00:00.000Z"},
    )
    three_hours_before = datetime(2026, 11, 18, 5, 0, tzinfo=UTC).timestamp()
    with quick_http(clock=lambda: three_hours_before) as client:
        client.get(httpserver.url_for("/statuses"), rate_limit=reader)
        with pytest.raises(RateLimited, match=rf"rate limit for {HOST} is used up until 08:00 UK time on 18 Nov"):
            client.get(httpserver.url_for("/statuses"), rate_limit=reader)
    assert len(httpserver.log) == 1


def test_reset_styles_of_the_header_reader():
    import httpx

    seconds = header_rate_limit("X-Ratelimit-Remaining", "X-Ratelimit-Reset", "seconds")  # Reddit's style
    response = httpx.Response(200, headers={"X-Ratelimit-Remaining": "598.0", "X-Ratelimit-Reset": "45"})
    assert seconds(response, NOW) == RateLimitInfo(remaining=598.0, reset_at=NOW + 45)
    epoch = header_rate_limit("RateLimit-Remaining", "RateLimit-Reset", "epoch")  # Bluesky's style
    response = httpx.Response(200, headers={"RateLimit-Remaining": "2999", "RateLimit-Reset": "1795000300"})
    assert epoch(response, NOW) == RateLimitInfo(remaining=2999, reset_at=1_795_000_300)
    assert epoch(httpx.Response(200), NOW) is None
    with pytest.raises(ValueError):
        header_rate_limit(reset_style="fortnights")


def test_a_platform_that_refuses_with_its_own_code_can_signal_rate_limits(httpserver, http):
    """E.g. a quota error sent as HTTP 403 with a body code: the hook says `limited`."""

    def quota(response, now):
        if response.status_code == 403 and b"quotaExceeded" in response.read():
            return RateLimitInfo(remaining=0, reset_at=now + 8 * 3600, limited=True)
        return None

    httpserver.expect_request("/videos").respond_with_data(
        '{"error": {"errors": [{"reason": "quotaExceeded"}]}}', status=403, content_type="application/json"
    )
    with pytest.raises(RateLimited, match="asked to wait 28800s"):
        http.get(httpserver.url_for("/videos"), rate_limit=quota)


def test_a_broken_rate_limit_hook_does_not_break_the_request(httpserver, http):
    httpserver.expect_request("/x").respond_with_data("fine")

    def broken(response, now):
        raise KeyError("oops")

    assert http.get(httpserver.url_for("/x"), rate_limit=broken).content == b"fine"


# -- errors in words, never with secrets -------------------------------------


def test_a_4xx_is_not_retried_and_keeps_the_platform_error_body(httpserver, http):
    httpserver.expect_request("/discussion").respond_with_data(
        '{"status": "error", "errorCode": "DISCUSSION_NOT_FOUND"}', status=404, content_type="application/json"
    )
    with pytest.raises(HttpStatusError) as caught:
        http.get(httpserver.url_for("/discussion"))
    assert caught.value.status_code == 404
    assert caught.value.json()["errorCode"] == "DISCUSSION_NOT_FOUND"
    assert re.match(rf"HTTP 404 \(Not Found\) from {HOST}: GET {HOST}:\d+/discussion$", str(caught.value))
    assert len(httpserver.log) == 1


def test_secrets_never_appear_in_messages(httpserver, http):
    token = "EAAGm0PX4ZCpsBAKZAsecretpagetoken123"
    httpserver.expect_request(f"/bot{token}/feed").respond_with_handler(status(500))
    with pytest.raises(FetchError) as caught:
        http.get(
            httpserver.url_for(f"/bot{token}/feed"),
            params={"access_token": token, "fields": "message"},
            headers={"Authorization": f"Bearer {token}"},
            secrets=[token],
        )
    message = str(caught.value)
    assert token not in message
    assert "[redacted]" in message
    assert "HTTP 500" in message


def test_redact_url_hides_secret_query_values():
    url = "https://graph.facebook.com/v21.0/123/feed?access_token=abc123secret&fields=message&key=AIzaXYZ"
    clean = redact_url(url)
    assert "abc123secret" not in clean and "AIzaXYZ" not in clean
    assert "fields=message" in clean
    assert redact_url("https://x.org/a?mine=1", secret_params=["mine"]) == "https://x.org/a?mine=[redacted]"


def test_get_json_rejects_invalid_json_in_words(httpserver, http):
    httpserver.expect_request("/api").respond_with_data('{"status": "ok", ', content_type="application/json")
    with pytest.raises(PayloadError, match=rf"invalid JSON from {HOST}:\d+/api: Expecting .* line 1"):
        http.get_json(httpserver.url_for("/api"))


def test_get_json_rejects_an_html_page(httpserver, http):
    httpserver.expect_request("/api").respond_with_data("<html>Sign in</html>", content_type="text/html")
    with pytest.raises(PayloadError, match="expected JSON from .* but got text/html"):
        http.get_json(httpserver.url_for("/api"))


# -- the network itself failing -----------------------------------------------


def test_connection_refused_is_retried_then_named():
    with socket.socket() as probe:  # a port with nothing listening on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with quick_http(jitter=lambda: 0.5) as client:
        with pytest.raises(FetchError, match=rf"could not connect \(connection refused\) after 3 tries: GET {HOST}:\d+/feed"):
            client.get(f"http://127.0.0.1:{port}/feed")
    assert waits(client) == [1.0, 2.0]


def test_a_server_that_never_answers_times_out_after_the_tries():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)  # accepts connections (the kernel does), never answers
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def hold():
        server.settimeout(0.02)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    try:
        with quick_http(read_timeout=0.03, connect_timeout=0.5) as client:
            with pytest.raises(FetchError, match=rf"timed out after 3 tries: GET {HOST}:\d+/slow"):
                client.get(f"http://127.0.0.1:{server.getsockname()[1]}/slow")
        assert len(client.sleep.waits) == 2
    finally:
        stop.set()
        holder.join()
        for conn in accepted:
            conn.close()
        server.close()
