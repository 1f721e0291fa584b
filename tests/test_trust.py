"""collectors/trust.py: who may receive a platform's credentials, and which addresses collectors may reach.

Pure decisions, read from PULSE_TRUSTED_API_HOSTS on every call. What they protect end to end
(no secret reaching another host, no request reaching an internal one) is proved against real
servers in tests/test_credentials_stay_home.py and tests/test_private_addresses.py.
"""

from __future__ import annotations

import pytest

from collectors.trust import (
    TRUSTED_HOSTS_VARIABLE,
    address_problem,
    check_source_url,
    connection_problem,
    credentials_refused,
    is_trusted,
    may_send_credentials,
    trusted_hosts,
)


@pytest.fixture
def trusting(monkeypatch):
    def set_to(value: str | None) -> None:
        if value is None:
            monkeypatch.delenv(TRUSTED_HOSTS_VARIABLE, raising=False)
        else:
            monkeypatch.setenv(TRUSTED_HOSTS_VARIABLE, value)

    set_to(None)
    return set_to


def test_the_variable_lists_hosts_with_or_without_a_port(trusting):
    trusting(" Proxy.Corp:3128, 127.0.0.1 ,[::1]:8080, fd00::5, bad:port:x:, , api.test.")
    assert trusted_hosts() == {("proxy.corp", 3128), ("127.0.0.1", None), ("::1", 8080), ("fd00::5", None),
                               ("api.test", None)}
    assert is_trusted("proxy.corp", 3128) and not is_trusted("proxy.corp", 8080)
    assert is_trusted("127.0.0.1", 1) and is_trusted("127.0.0.1", 65535)  # no port: every port
    assert is_trusted("[::1]", 8080) and not is_trusted("::1", 80)
    assert is_trusted("API.test.", 443)
    trusting(None)
    assert trusted_hosts() == frozenset() and not is_trusted("127.0.0.1", 80)


@pytest.mark.parametrize("url, platform", [
    ("https://www.reddit.com/api/v1/access_token", "reddit"),
    ("https://oauth.reddit.com/r/walsall/new.json", "reddit"),
    ("https://www.googleapis.com/youtube/v3/channels", "youtube"),
    ("https://graph.facebook.com/v21.0/me", "facebook"),
    ("https://graph.facebook.com:443/v21.0/me", "instagram"),
    ("https://content.guardianapis.com/search", "guardian"),
])
def test_credentials_go_to_the_platforms_own_https_hosts(trusting, url, platform):
    assert may_send_credentials(url, platform)
    assert credentials_refused(url, platform, "SECRET") is None


@pytest.mark.parametrize("url, platform", [
    ("http://www.googleapis.com/youtube/v3", "youtube"),  # plain http: anyone on the way reads the key
    ("https://www.googleapis.com:8443/youtube/v3", "youtube"),  # another port: another service
    ("https://www.googleapis.com.attacker.example/", "youtube"),
    ("https://evil.example/api/v1/access_token", "reddit"),
    ("https://oauth.reddit.com/", "youtube"),  # one platform's key never goes to another's host
    ("https://graph.facebook.com/v21.0", "guardian"),
    ("https://mastodon.social/api/v1/accounts/lookup", "mastodon"),  # an instance is anyone's choice
    ("http://127.0.0.1:8080/", "reddit"),
    ("https://graph.facebook.com/", "unknown-platform"),
    ("not a url", "youtube"),
])
def test_credentials_go_nowhere_else_unless_listed(trusting, url, platform):
    assert not may_send_credentials(url, platform)
    said = credentials_refused(url, platform, "YOUTUBE_API_KEY")
    assert "YOUTUBE_API_KEY" in said and TRUSTED_HOSTS_VARIABLE in said and "\n" not in said


def test_a_listed_host_gets_credentials_on_its_port_or_on_all(trusting):
    trusting("127.0.0.1:8080,mastodon.example")
    assert may_send_credentials("http://127.0.0.1:8080/v3", "youtube")
    assert not may_send_credentials("http://127.0.0.1:9090/v3", "youtube")
    assert may_send_credentials("https://mastodon.example/api", "mastodon")
    assert may_send_credentials("http://mastodon.example:3000/api", "mastodon")
    assert not may_send_credentials("https://other.example/api", "mastodon")


@pytest.mark.parametrize("address, words", [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"), ("fd12:3456::1", "private"),
    ("169.254.169.254", "metadata"), ("fd00:ec2::254", "metadata"), ("100.100.100.200", "metadata"),
    ("169.254.1.1", "link-local"), ("fe80::1", "link-local"), ("fe80::1%eth0", "link-local"),
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("100.64.0.1", "shared or special-purpose"), ("240.0.0.1", "private"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:169.254.169.254", "metadata"),  # IPv4 inside IPv6
    ("64:ff9b::a00:1", "private"), ("2002:7f00:1::", "loopback"),
])
def test_non_public_addresses_are_named(address, words):
    assert words in address_problem(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "151.101.1.140", "2a04:4e42::396", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert address_problem(address) is None


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:2375/containers/json", "http://localhost:2375/", "http://api.localhost/",
    "http://[::1]:6379/", "http://169.254.169.254/latest/meta-data/", "http://[::ffff:169.254.169.254]/",
    "http://2130706433/", "http://0x7f.1/", "http://127.1:8080/", "http://0/", "https://10.0.0.5/feed",
])
def test_source_addresses_that_name_internal_hosts_are_refused_in_words(trusting, url):
    said = check_source_url(url)
    assert said and TRUSTED_HOSTS_VARIABLE in said and "\n" not in said
    assert connection_problem(url) == said


@pytest.mark.parametrize("url, words", [
    ("file:///etc/passwd", "only http"), ("gopher://example.org/", "only http"), ("ftp://example.org/x", "only http"),
    ("http:///nohost", "no host"), ("", "needed"), ("   ", "needed"),
])
def test_source_addresses_need_http_and_a_host(trusting, url, words):
    assert words in check_source_url(url)


def test_public_names_and_listed_hosts_pass_the_source_check(trusting):
    assert check_source_url("https://www.brackenford.gov.uk/news/rss") is None
    assert check_source_url("http://news.example:8080/feed.xml") is None  # a name: checked again after DNS
    trusting("127.0.0.1:8080,localhost")
    assert check_source_url("http://127.0.0.1:8080/feed") is None
    assert check_source_url("http://localhost:1234/feed") is None
    assert check_source_url("http://127.0.0.1:9999/feed") is not None
