"""A platform's credentials go only to its own https hosts, or to a host the operator listed (issue 16, finding 1).

Anyone who may add a source chooses its base_url (and Reddit's auth_url, Guardian's
content_base_url). Here every credentialed kind points at a host of someone else's choosing,
reached through a forward proxy on 127.0.0.1 that records every request it gets
(tests.replay.RecordingProxy): the proxy stands for the internet, and is the only host
listed in PULSE_TRUSTED_API_HOSTS (as an operator lists a corporate proxy). No request
carrying a secret may arrive, whether the run is the command line's or the Sources page's
Collect now; each source says in one line which variable would allow it. Mastodon, which
needs no token for public posts, collects without it and says why.
"""

from __future__ import annotations

import base64
import subprocess

import pytest
from werkzeug import Response

from collectors.errors import FetchError
from collectors.http import HttpClient
from jobs import collect_now
from jobs.collect import collect_all
from settings.sources import SourceConfig
from store.triage import OFFICER, Actor
from tests.conftest import ROOT
from tests.protection_off import cli_command
from tests.replay import RecordingProxy

SECRETS = {
    "REDDIT_CLIENT_ID": "reddit-client-id-4f1a",
    "REDDIT_CLIENT_SECRET": "reddit-client-secret-9b2c7d",
    "YOUTUBE_API_KEY": "AIzaSyYouTubeKey-0e5d8c",
    "FACEBOOK_PAGE_TOKEN": "EAAGpageToken5c3e1f0a",
    "GUARDIAN_API_KEY": "guardian-key-6d4b2a",
    "MASTODON_TOKEN": "mastodon-token-1a9f3e",
}
BASIC = base64.b64encode(f"{SECRETS['REDDIT_CLIENT_ID']}:{SECRETS['REDDIT_CLIENT_SECRET']}".encode()).decode()
# Hosts of the sources' choosing. YouTube names Google's own host, over plain http: not its https host.
SOURCES = [
    SourceConfig(name="Reddit elsewhere", kind="reddit", base_url="http://reddit.attacker.example",
                 options={"subreddit": "walsall", "auth_url": "http://reddit.attacker.example"}),
    SourceConfig(name="YouTube over http", kind="youtube", base_url="http://www.googleapis.com/youtube/v3",
                 options={"channel_id": "UCcouncil"}),
    SourceConfig(name="Facebook elsewhere", kind="facebook", base_url="http://graph.attacker.example/v21.0",
                 options={"page_id": "104958162837"}),
    SourceConfig(name="Instagram elsewhere", kind="instagram", base_url="http://graph.attacker.example/v21.0",
                 options={"user_id": "17841400000000000"}),
    SourceConfig(name="Guardian search elsewhere", kind="guardian", base_url="http://discussion.attacker.example",
                 options={"search": "walsall council", "content_base_url": "http://content.attacker.example"}),
    SourceConfig(name="Mastodon elsewhere", kind="mastodon", base_url="http://mastodon.attacker.example",
                 options={"account": "walsallcouncil"}),
]
WORDS = {  # what each source's error (or Mastodon's warning) must name
    "Reddit elsewhere": "REDDIT_CLIENT_SECRET", "YouTube over http": "YOUTUBE_API_KEY",
    "Facebook elsewhere": "FACEBOOK_PAGE_TOKEN", "Instagram elsewhere": "FACEBOOK_PAGE_TOKEN",
    "Guardian search elsewhere": "GUARDIAN_API_KEY", "Mastodon elsewhere": "MASTODON_TOKEN",
}


@pytest.fixture
def proxy(monkeypatch, tmp_path):
    """The recording proxy as the environment's HTTP proxy, the only trusted host; every secret set."""
    server = RecordingProxy()
    for variable in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://{server.address}")
    monkeypatch.setenv("PULSE_TRUSTED_API_HOSTS", server.address)
    for variable, value in SECRETS.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml with real secrets
    yield server
    server.close()


def leaked(proxy: RecordingProxy) -> dict[str, list[str]]:
    return {name: found for name, value in {**SECRETS, "basic auth": BASIC}.items() if (found := proxy.received(value))}


def problems(result) -> str:
    return "; ".join(filter(None, [result.error, *result.warnings]))


def said(message: str, variable: str) -> bool:
    return variable in message and "PULSE_TRUSTED_API_HOSTS" in message and "\n" not in message


def test_no_secret_reaches_a_host_of_the_sources_choosing(proxy, db_path):
    with HttpClient(tries=1) as http:
        results = {r.name: r for r in collect_all(SOURCES, db_path, http)}
    assert leaked(proxy) == {}
    for name, variable in WORDS.items():
        assert said(problems(results[name]), variable), f"{name}: {problems(results[name])!r}"
    # The proxy is really on the way: Mastodon's public requests (without the token) went through it.
    assert any("mastodon.attacker.example" in r for r in proxy.requests)


def test_no_secret_reaches_such_a_host_from_the_command_line(proxy, tmp_path):
    config = tmp_path / "sources.toml"
    config.write_text("".join(_toml(source) for source in SOURCES), encoding="utf-8")
    run = subprocess.run(cli_command("run", "--config", str(config), "--db", str(tmp_path / "cli.duckdb")),
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert leaked(proxy) == {}
    for name, variable in WORDS.items():
        line = next(line for line in run.stdout.splitlines() if line.startswith(f"{name}:"))
        assert said(line, variable), line
    assert not any(value in run.stdout + run.stderr for value in SECRETS.values())


def test_no_secret_reaches_such_a_host_through_collect_now(proxy, db_path):
    job = collect_now.start_collection(SOURCES, db_path, Actor("Jo Officer", OFFICER))
    assert job.wait(300), "the collection did not finish"
    assert job.error is None
    assert leaked(proxy) == {}
    results = {r.name: r for r in job.results}
    for name, variable in WORDS.items():
        assert said(problems(results[name]), variable), f"{name}: {problems(results[name])!r}"


def test_a_listed_host_gets_the_credentials(proxy, monkeypatch, db_path):
    """The operator's choice: a host in PULSE_TRUSTED_API_HOSTS receives them (a proxy, a test server)."""
    monkeypatch.setenv("PULSE_TRUSTED_API_HOSTS", f"{proxy.address},reddit.attacker.example")
    with HttpClient(tries=1) as http:
        collect_all([SOURCES[0]], db_path, http)
    assert [r.split("\n")[0] for r in proxy.received(BASIC)] == [
        "POST http://reddit.attacker.example/api/v1/access_token HTTP/1.1"]


def test_a_redirect_never_carries_credentials_to_another_host(proxy, monkeypatch, httpserver):
    """http.py checks every hop of a request that carries credentials: the collector's check is not the last."""
    monkeypatch.setenv("PULSE_TRUSTED_API_HOSTS", f"{proxy.address},localhost")
    monkeypatch.setenv("NO_PROXY", "localhost")  # the test server directly; anywhere else through the proxy
    key = SECRETS["YOUTUBE_API_KEY"]
    httpserver.expect_request("/youtube/v3/channels").respond_with_response(
        Response(status=302, headers={"Location": f"http://collector.attacker.example/steal?key={key}"}))
    with HttpClient(tries=1) as http, pytest.raises(FetchError) as refused:
        http.get(httpserver.url_for("/youtube/v3/channels"), params={"key": key}, credentials="youtube")
    assert "not sent" in str(refused.value) and key not in str(refused.value)
    assert len(httpserver.log) == 1  # the listed server was asked
    assert proxy.requests == []  # and the redirect went nowhere


def _toml(source: SourceConfig) -> str:
    lines = ["[[sources]]", f'name = "{source.name}"', f'kind = "{source.kind}"', f'base_url = "{source.base_url}"']
    lines += [f'{key} = "{value}"' for key, value in source.options.items()]
    return "\n".join(lines) + "\n\n"
