"""The network under httpx: connections only to checked addresses, socket waits within the deadline.

httpx hands every TCP connection (to a server, or to a proxy) to its connection pool's
network backend. Ours resolves the host itself, refuses it when any address it resolves
to is not public (collectors.trust; a host listed in PULSE_TRUSTED_API_HOSTS is exempt),
and connects to the address it checked: no second lookup that a short-lived DNS answer
could change (DNS rebinding). TLS still names the host (SNI, certificate check) and so
does the Host header, since httpx sets both from the URL, not from the address.

Every name lookup, read, write, connect and TLS handshake waits at most until the current
deadline (collectors.limits): a server that drips bytes, or a name server that never answers,
cannot hold a request past it.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable
from typing import Any

import httpcore
import httpx

from collectors import limits, trust

Resolve = Callable[..., list]  # socket.getaddrinfo's signature


class AddressRefused(httpcore.ConnectError):
    """A connection refused by policy; the message says why, in words (httpx keeps it as the cause)."""


def _within_deadline(timeout: float | None, error: type[Exception]) -> float | None:
    timeout = limits.within_deadline(timeout)
    if timeout is not None and timeout <= 0:
        raise error("the deadline for this request has passed")
    return timeout


class DeadlineStream(httpcore.NetworkStream):
    """A connection whose every wait ends by the deadline of the request using it."""

    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within_deadline(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _within_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        wait = _within_deadline(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's own sync backend, connecting only to addresses that passed the check."""

    def __init__(self, resolve: Resolve = socket.getaddrinfo):
        self._resolve = resolve
        self._plain = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options=None) -> httpcore.NetworkStream:
        addresses = self._addresses(host, port)
        timeout = _within_deadline(timeout, httpcore.ConnectTimeout)  # what the lookup left of the deadline
        if not trust.is_trusted(host, port):
            for address in addresses:
                kind = trust.address_problem(address)
                if kind is not None:
                    words = trust.blocked_words(host, port, f"{kind} ({address})" if address != host else kind)
                    raise AddressRefused(words)
        failure: Exception | None = None
        for address in addresses:  # the checked address itself, never the name again
            try:
                stream = self._plain.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as error:
                failure = error
                continue
            return DeadlineStream(stream)
        raise failure or httpcore.ConnectError(f"no address to connect to for {host}")

    def _addresses(self, host: str, port: int) -> list[str]:
        try:
            found = self._lookup_within_deadline(host, port)
        except OSError as error:  # socket.gaierror: the name does not resolve
            raise httpcore.ConnectError(str(error)) from error
        return list(dict.fromkeys(info[4][0] for info in found))

    def _lookup_within_deadline(self, host: str, port: int) -> list:
        """The name's addresses, waiting for the lookup no longer than the deadline allows.

        getaddrinfo cannot be given a timeout, and a slow name server (or one an attacker runs for
        their own domain) would hold the request past its deadline; so the lookup runs in a daemon
        thread and is abandoned, not waited for, once the time is up (the resolver's own timeouts
        end the thread soon after).
        """
        wait = _within_deadline(None, httpcore.ConnectTimeout)
        if wait is None:
            return self._resolve(host, port, type=socket.SOCK_STREAM)
        outcome: dict[str, Any] = {}
        done = threading.Event()

        def lookup() -> None:
            try:
                outcome["found"] = self._resolve(host, port, type=socket.SOCK_STREAM)
            except Exception as error:  # handed to the caller's thread below
                outcome["error"] = error
            finally:
                done.set()

        threading.Thread(target=lookup, name=f"lookup {host}", daemon=True).start()
        if not done.wait(wait):
            raise httpcore.ConnectTimeout(f"looking up {host} took longer than the {wait:.1f}s left before the deadline")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["found"]

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options=None):
        raise httpcore.ConnectError("collectors do not connect to Unix sockets")

    def sleep(self, seconds: float) -> None:
        self._plain.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport (TLS, HTTP/1.1, pooling, proxies) over GuardedBackend."""

    def __init__(self, resolve: Resolve = socket.getaddrinfo, **options):
        super().__init__(**options)
        # httpx 0.28 takes no network backend, but the httpcore pool it builds does (as
        # `network_backend=`); every connection the pool opens goes through this one.
        self._pool._network_backend = GuardedBackend(resolve)


def guarded_client_transports(verify: bool = True, resolve: Resolve = socket.getaddrinfo):
    """(transport, mounts) for httpx.Client: direct connections and the environment's proxies
    (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY, read as httpx reads them), all guarded.

    A proxy is a host like any other: on a private address it must be listed in
    PULSE_TRUSTED_API_HOSTS. Behind a proxy only the address a URL names is checked here;
    the proxy resolves names itself.
    """
    from httpx._utils import get_environment_proxies  # what httpx.Client uses when given no transport

    mounts = {
        pattern: None if proxy is None else GuardedTransport(resolve, verify=verify, proxy=proxy)
        for pattern, proxy in get_environment_proxies().items()
    }
    return GuardedTransport(resolve, verify=verify), mounts
