"""Collectors reach only public addresses unless the operator lists a host (issue 16, finding 6: SSRF).

Anyone who may add a source chooses its address. Loopback, private, link-local (cloud
metadata) and the like are refused unless listed in PULSE_TRUSTED_API_HOSTS: an address
written into the URL, a name that resolves to one (checked after DNS, on the address then
connected to), and the target of every redirect. The internal servers here are real
servers on 127.0.0.1 that must receive nothing.
"""

from __future__ import annotations

import socket

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from collectors.errors import FetchError
from jobs.collect import collect_all
from settings.sources import SourceConfig
from tests.replay import RSS, items_by_key, quick_http

FEED = (RSS / "council_news.xml").read_bytes()


@pytest.fixture
def nothing_trusted(monkeypatch):
    monkeypatch.delenv("PULSE_TRUSTED_API_HOSTS", raising=False)


@pytest.fixture
def internal():
    """An internal service that answers with a feed (so anything that reached it would be stored)."""
    server = HTTPServer(host="127.0.0.1")
    server.start()
    server.expect_request("/admin").respond_with_data(FEED, content_type="application/rss+xml")
    yield server
    server.clear()
    server.stop()


def resolving(names: dict[str, list[str]]):
    """socket.getaddrinfo, but these names resolve to these addresses (a DNS answer someone controls)."""

    def resolve(host, port, *args, **kwargs):
        if host in names:
            return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                    for a in names[host]]
        return socket.getaddrinfo(host, port, *args, **kwargs)

    return resolve


def feed_source(name: str, url: str) -> SourceConfig:
    return SourceConfig(name=name, kind="rss", options={"url": url})


def test_a_source_at_an_internal_address_is_never_asked(nothing_trusted, internal, db_path):
    port = internal.port
    sources = [feed_source("By address", f"http://127.0.0.1:{port}/admin"),
               feed_source("By name", f"http://localhost:{port}/admin"),
               feed_source("Mapped", f"http://[::ffff:127.0.0.1]:{port}/admin")]
    with quick_http(tries=1) as http:
        results = collect_all(sources, db_path, http)
    for result in results:
        assert "loopback" in result.error and "PULSE_TRUSTED_API_HOSTS" in result.error, result.error
    assert internal.log == [] and items_by_key(db_path) == {}


def test_a_name_that_resolves_to_an_internal_address_is_refused(nothing_trusted, internal, db_path):
    dns = resolving({"news.brackenford.example": ["127.0.0.1"], "mixed.brackenford.example": ["8.8.8.8", "127.0.0.1"]})
    sources = [feed_source("Rebound", f"http://news.brackenford.example:{internal.port}/admin"),
               feed_source("Mixed", f"http://mixed.brackenford.example:{internal.port}/admin")]
    with quick_http(tries=1, resolve=dns) as http:
        results = collect_all(sources, db_path, http)
    for result in results:
        assert "is a loopback address (127.0.0.1)" in result.error, result.error
    assert internal.log == [] and items_by_key(db_path) == {}


def test_a_redirect_to_an_internal_address_is_not_followed(nothing_trusted, monkeypatch, internal, httpserver, db_path):
    monkeypatch.setenv("PULSE_TRUSTED_API_HOSTS", f"localhost:{httpserver.port}")  # the listed host, not its target
    httpserver.expect_request("/feed").respond_with_response(
        Response(status=302, headers={"Location": f"http://127.0.0.1:{internal.port}/admin"}))
    with quick_http(tries=1) as http:
        [result] = collect_all([feed_source("Redirected", httpserver.url_for("/feed"))], db_path, http)
    assert "not connected" in result.error and "loopback" in result.error, result.error
    assert len(httpserver.log) == 1 and internal.log == [] and items_by_key(db_path) == {}


def test_a_listed_host_is_reached_at_the_address_checked_under_its_own_name(nothing_trusted, monkeypatch, internal):
    monkeypatch.setenv("PULSE_TRUSTED_API_HOSTS", "feeds.brackenford.example")
    calls = []
    dns = resolving({"feeds.brackenford.example": ["127.0.0.1"]})

    def counting(host, port, *args, **kwargs):
        calls.append(host)
        return dns(host, port, *args, **kwargs)

    with quick_http(tries=1, resolve=counting) as http:
        result = http.get(f"http://feeds.brackenford.example:{internal.port}/admin")
    assert result.content == FEED
    assert calls == ["feeds.brackenford.example"]  # resolved once: the address checked is the one used
    request, _ = internal.log[0]
    assert request.headers["Host"] == f"feeds.brackenford.example:{internal.port}"


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/iam/", "http://[fd00:ec2::254]/latest",
                                 "gopher://127.0.0.1:6379/_INFO", "file:///etc/passwd"])
def test_metadata_and_other_schemes_are_refused_before_any_connection(nothing_trusted, url):
    def no_dns(*args, **kwargs):
        raise AssertionError("nothing should be resolved")

    with quick_http(tries=1, resolve=no_dns) as http, pytest.raises(FetchError) as refused:
        http.get(url)
    assert "metadata" in str(refused.value) or "http" in str(refused.value)
