"""Where a platform's credentials may go, and which addresses a collector may connect to.

The operator's one switch is the environment variable PULSE_TRUSTED_API_HOSTS
(comma-separated `host` or `host:port`; a host without a port matches every port). It is
read from the environment only, on every decision, so nothing in the dashboard can set it.

- Credentials go only to their platform's own hosts, over https on the default port
  (PLATFORM_HOSTS), or to a listed host (a proxy, a test server). Mastodon has no host of
  its own: the instance is whatever a source's base_url says, and anyone who may add a
  source chooses that, so MASTODON_TOKEN goes only to a listed instance.
- Collectors connect only to public addresses: loopback, private, link-local (cloud
  metadata), unique-local, multicast, unspecified, reserved and shared addresses are
  refused unless the host is listed. `connection_problem` judges what an address says
  (IP literals, localhost names) without the network; collectors.transport checks the
  addresses a name resolves to, and connects to the one it checked.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from collectors.errors import CollectorError
from settings import environment

TRUSTED_HOSTS_VARIABLE = environment.TRUSTED_API_HOSTS.name

# Each platform's own API hosts: where its credentials go over https (port 443).
PLATFORM_HOSTS: dict[str, frozenset[str]] = {
    "reddit": frozenset({"www.reddit.com", "oauth.reddit.com"}),
    "youtube": frozenset({"www.googleapis.com", "youtube.googleapis.com"}),
    "facebook": frozenset({"graph.facebook.com"}),
    "instagram": frozenset({"graph.facebook.com"}),
    "guardian": frozenset({"content.guardianapis.com"}),
    "mastodon": frozenset(),  # the instance is a source's choice: only a listed one
}
# Said by name in messages: addresses that hand out cloud credentials.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def trusted_hosts() -> frozenset[tuple[str, int | None]]:
    """PULSE_TRUSTED_API_HOSTS as (host, port or None); entries that cannot be read are left out."""
    found = set()
    for entry in environment.value(environment.TRUSTED_API_HOSTS):
        entry = entry.strip().lower()
        if not entry:
            continue
        try:
            parts = urlsplit(f"//{entry}" if entry.count(":") <= 1 or entry.startswith("[") else f"//[{entry}]")
            host, port = parts.hostname, parts.port
        except ValueError:
            continue
        if host:
            found.add((_plain_host(host), port))
    return frozenset(found)


def is_trusted(host: str | None, port: int | None) -> bool:
    """Whether the operator listed this host (on any port, or on this one)."""
    if not host:
        return False
    listed = trusted_hosts()
    host = _plain_host(host)
    return (host, None) in listed or (host, port) in listed


def _plain_host(host: str) -> str:
    return host.strip("[]").rstrip(".").lower()


def _place(host: str, port: int | None) -> str:
    """host:port as written in an address and in PULSE_TRUSTED_API_HOSTS ([::1]:6379 for IPv6)."""
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port else shown


def _where(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port with the scheme's default) of a URL; ("", "", None) when it cannot be read."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "", "", None
    scheme = parts.scheme.lower()
    return scheme, _plain_host(parts.hostname or ""), port or _DEFAULT_PORTS.get(scheme)


# -- credentials -------------------------------------------------------------------------------


def may_send_credentials(url: str, platform: str) -> bool:
    """Whether `platform`'s credentials may be sent to this address."""
    scheme, host, port = _where(url)
    if not host:
        return False
    if is_trusted(host, port):
        return True
    return scheme == "https" and port == 443 and host in PLATFORM_HOSTS.get(platform, frozenset())


def credentials_refused(url: str, platform: str, variable: str) -> str | None:
    """Why `variable` will not be sent to this address, in one line naming what to set; None when it may."""
    if may_send_credentials(url, platform):
        return None
    _, host, port = _where(url)
    place = _place(host, port) if host else repr(url)
    own = sorted(PLATFORM_HOSTS.get(platform, ()))
    if own:
        where = "only to " + " and ".join(f"https://{h}" for h in own)
    else:
        where = "only to an instance listed in " + TRUSTED_HOSTS_VARIABLE
    return (
        f"{variable} is sent {where}, and this source points at {place}: to send it there "
        f"(a proxy or a test server), the operator must add {place} to {TRUSTED_HOSTS_VARIABLE} "
        "in the collector's environment"
    )


# -- addresses ---------------------------------------------------------------------------------


def address_problem(address: str) -> str | None:
    """What kind of non-public address this IP is, in words ("a loopback address"); None when public."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if ip.version == 6:  # an IPv4 address inside an IPv6 one reaches the IPv4 address
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return address_problem(str(embedded))
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    for test, words in (
        ("is_loopback", "a loopback address"),
        ("is_unspecified", "an unspecified address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    ):
        if getattr(ip, test):
            return words
    if not ip.is_global:
        return "a shared or special-purpose address"
    return None


def _literal_address(host: str) -> str | None:
    """The IP a host name written as an address means ("127.1" and "2130706433" included), else None."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefx." for c in host) and any(c.isdigit() for c in host):
        try:  # the forms inet_aton (and so getaddrinfo) reads as IPv4
            return socket.inet_ntoa(socket.inet_aton(host))
        except OSError:
            return None
    return None


def connection_problem(url: str) -> str | None:
    """Why a collector must not connect to this address, judged without the network; None when it may.

    Only http and https, with a host; a host written as a non-public IP, or a localhost
    name, is refused unless listed in PULSE_TRUSTED_API_HOSTS. Names are checked again
    after DNS, on the address actually connected to (collectors.transport).
    """
    scheme, host, port = _where(url)
    if scheme not in ("http", "https"):
        return "only http:// and https:// addresses are collected from"
    if not host:
        return "the address has no host"
    if is_trusted(host, port):
        return None
    literal = _literal_address(host)
    kind = address_problem(literal) if literal else None
    if kind is None and (host == "localhost" or host.endswith(".localhost")):
        kind = "a loopback address"
    if kind is None:
        return None
    return blocked_words(host, port, kind)


def blocked_words(host: str, port: int | None, kind: str) -> str:
    """The refusal of a non-public address, in words naming the variable that allows it."""
    place = _place(host, port)
    return (
        f"{place} is {kind}: collectors do not connect to private, loopback or metadata addresses "
        f"unless the operator lists the host in {TRUSTED_HOSTS_VARIABLE}"
    )


def check_source_url(url: str) -> str | None:
    """A source address as the Sources form and sources.toml validation check it: a message, or None.

    Pure (no network): the scheme, the host, and whether it names a non-public address.
    """
    if not isinstance(url, str) or not url.strip():
        return "an address is needed"
    return connection_problem(url.strip())


def require_credentials_allowed(source_name: str, url: str, platform: str, variable: str) -> None:
    """A CollectorError for the source, naming the variable to set, when `variable` may not go to `url`."""
    refused = credentials_refused(url, platform, variable)
    if refused:
        raise CollectorError(f"source {source_name!r}: {refused}")
