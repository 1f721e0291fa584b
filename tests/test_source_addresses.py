"""A source can never name an address collectors may not reach (issue 16, finding 6: SSRF at configuration).

Every address a source declares (`url`, `base_url`, Reddit's `auth_url`, Guardian's
`content_base_url`) is checked when sources.toml is read (the command line, the dashboard) and
when the Sources page's form adds a source: a loopback, private, link-local (cloud metadata) or
other non-public address, or a scheme other than http(s), is a ConfigError naming the source, the
key and PULSE_TRUSTED_API_HOSTS, before anything runs or is written. A host the operator lists
there is accepted. Collectors check again when they connect (tests/test_private_addresses.py).
"""

from __future__ import annotations

import os
import subprocess

import pytest
from pytest_httpserver import HTTPServer

from collectors.registry import load_sources
from settings.sources import ConfigError, SourceConfig
from settings.sources_file import dumps_sources
from store.db import connect
from tests.conftest import ROOT
from tests.protection_off import cli_command
from tests.test_sources_page import click_add, config, fill_form, messages, open_page, write_config  # noqa: F401

VARIABLE = "PULSE_TRUSTED_API_HOSTS"
# (kind, the key holding the address, the entry's other keys, the address, words the refusal holds)
REFUSED = [
    ("rss", "url", {}, "http://169.254.169.254/latest/meta-data/iam/", "cloud metadata"),
    ("reddit", "auth_url", {"subreddit": "walsall"}, "http://localhost:2375/containers/json", "loopback"),
    ("bluesky", "base_url", {"actor": "council.bsky.social"}, "http://[::1]:6379/", "[::1]:6379 is a loopback"),
    ("guardian", "content_base_url", {"search": "council"}, "https://10.0.0.5/", "private"),
    ("mastodon", "base_url", {"account": "council"}, "http://[fd00:ec2::254]/", "metadata"),
    ("rss", "url", {}, "http://2130706433/feed", "loopback"),
]
NEWS = SourceConfig("Council news", "rss", {"url": "https://www.brackenford.gov.uk/news/rss"})
BAD_SCHEMES = ["file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "ftp://feeds.example/x"]


@pytest.fixture
def nothing_trusted(monkeypatch):
    monkeypatch.delenv(VARIABLE, raising=False)


def entry(name: str, kind: str, key: str, address: str, others: dict) -> dict:
    return {"name": name, "kind": kind, **others, key: address}


@pytest.mark.parametrize("kind, key, others, address, words", REFUSED, ids=[r[3] for r in REFUSED])
def test_sources_toml_refuses_an_internal_address_naming_the_source_the_key_and_the_variable(
        nothing_trusted, tmp_path, kind, key, others, address, words):
    path = tmp_path / "sources.toml"
    path.write_text(dumps_sources([entry("Inside job", kind, key, address, others)]), encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_sources(path)
    said = str(refused.value)
    assert said.startswith(f"source 'Inside job' in {path}: {key} is refused: "), said
    assert words in said and VARIABLE in said and "\n" not in said


@pytest.mark.parametrize("address", BAD_SCHEMES)
def test_sources_toml_refuses_every_scheme_but_http_and_https(nothing_trusted, tmp_path, address):
    path = tmp_path / "sources.toml"
    path.write_text(dumps_sources([entry("Not the web", "rss", "url", address, {})]), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^source 'Not the web' .*: url is refused: only http:// and https://"):
        load_sources(path)


def test_a_host_the_operator_lists_is_accepted(monkeypatch, tmp_path):
    monkeypatch.setenv(VARIABLE, "localhost:2375,[::1]:6379,10.0.0.5,169.254.169.254")
    path = tmp_path / "sources.toml"
    path.write_text(dumps_sources([entry(f"Listed {n}", kind, key, address, others)
                                   for n, (kind, key, others, address, _) in enumerate(REFUSED[:4])]),
                    encoding="utf-8")
    loaded = load_sources(path)
    assert [s.name for s in loaded] == [f"Listed {n}" for n in range(4)]
    assert loaded[1].options["auth_url"] == "http://localhost:2375/containers/json"


def test_public_addresses_need_no_listing(nothing_trusted, tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(dumps_sources([entry("Council news", "rss", "url", "https://www.brackenford.gov.uk/news/rss", {}),
                                   entry("Proxy", "bluesky", "base_url", "https://bsky.proxy.example",
                                         {"actor": "council.bsky.social"})]), encoding="utf-8")
    assert [s.name for s in load_sources(path)] == ["Council news", "Proxy"]


@pytest.fixture
def internal():
    """An internal service on 127.0.0.1 that must receive nothing."""
    server = HTTPServer(host="127.0.0.1")
    server.start()
    server.expect_request("/admin").respond_with_data("secret internal page")
    yield server
    server.clear()
    server.stop()


def test_the_command_line_refuses_before_anything_runs(internal, tmp_path):
    config_file = tmp_path / "sources.toml"
    config_file.write_text(dumps_sources([
        entry("Council news", "rss", "url", "https://www.brackenford.gov.uk/news/rss", {"enabled": False}),
        entry("Inside job", "rss", "url", f"http://127.0.0.1:{internal.port}/admin", {}),
    ]), encoding="utf-8")
    db = tmp_path / "cli.duckdb"
    environment = {**os.environ, VARIABLE: ""}  # the operator trusts nothing
    run = subprocess.run(cli_command("run", "--config", str(config_file), "--db", str(db)), cwd=ROOT,
                         env=environment, capture_output=True, text=True, timeout=300)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.startswith(f"error: source 'Inside job' in {config_file}: url is refused: 127.0.0.1:"), run.stderr
    assert VARIABLE in run.stderr and run.stderr.count("\n") == 1
    assert internal.log == []
    if db.exists():  # nothing was run, so nothing was recorded
        with connect(db, read_only=True) as con:
            assert con.execute("SELECT count(*) FROM runs").fetchone() == (0,)


def test_the_sources_form_refuses_and_writes_nothing(nothing_trusted, db_path, config):  # noqa: F811
    write_config(config, NEWS)
    before = config.read_bytes()
    at = open_page()
    fill_form(at, "rss", "Metadata", url="http://169.254.169.254/latest/meta-data/iam/")
    click_add(at)
    assert config.read_bytes() == before
    shown = messages(at, "error")
    assert len(shown) == 1, shown
    assert "Not added, nothing was written" in shown[0] and "url is refused" in shown[0]
    assert "cloud metadata" in shown[0] and VARIABLE in shown[0]
    with connect(db_path, read_only=True) as con:  # no audit row: nothing was added
        assert con.execute("SELECT count(*) FROM actions").fetchone() == (0,)


def test_testing_such_a_source_from_the_form_asks_nothing(nothing_trusted, internal, db_path, config):  # noqa: F811
    """The Sources page's "Test it" reads the form as the file would be read: refused, nothing fetched."""
    write_config(config, NEWS)
    at = open_page()
    fill_form(at, "rss", "Internal", url=f"http://127.0.0.1:{internal.port}/admin")
    next(b for b in at.button if b.label == "Test it").click().run()
    shown = messages(at, "error")
    assert len(shown) == 1 and shown[0].startswith("Not tested: ") and "url is refused" in shown[0], shown
    assert VARIABLE in shown[0] and internal.log == []


def test_the_sources_form_accepts_a_listed_host(monkeypatch, db_path, config):  # noqa: F811
    monkeypatch.setenv(VARIABLE, "10.0.0.5")
    write_config(config, NEWS)
    at = open_page()
    fill_form(at, "rss", "Intranet news", url="http://10.0.0.5/news/rss")
    click_add(at)
    assert [s.name for s in load_sources(config)] == [NEWS.name, "Intranet news"]
