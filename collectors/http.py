"""The only network code: one `httpx.Client` that every collector shares.

`HttpClient` adds what every platform needs on top of httpx: timeouts, retries
with exponential backoff and jitter (5xx, timeouts, dropped connections), waits
on HTTP 429 honouring `Retry-After`, a hook for each platform's own rate-limit
headers, conditional GET (ETag / Last-Modified), a clear User-Agent, a cap on
response size, and error messages in words that never contain a secret.

And what keeps a hostile server from doing harm (issue 16): connections only to
public addresses unless listed (collectors.trust, collectors.transport), checked
on every redirect; a request carrying a platform's credentials (`credentials=`)
sent only where collectors.trust allows, redirects included; bodies decoded with
a limit counted while decoding (collectors.decoding); a deadline for each request
and each source's run (collectors.limits), which also bounds every wait between
tries: a rate-limit wait that would outlast the source's time is not sat out.

Platform rate limits plug in without changing this module: a collector passes
`rate_limit=` a function that reads a response's headers (or body) and returns
a `RateLimitInfo`; `header_rate_limit(...)` builds one for the common
"remaining / reset" header pairs.
"""

from __future__ import annotations

import base64
import json
import random
import re
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import httpx

from collectors import limits, redact, trust
from collectors.decoding import ACCEPT_ENCODING, EncodingRefused, TooLarge, decoder
from collectors.errors import FetchError, OutOfTime, PayloadError, RateLimited
from collectors.transport import AddressRefused, Resolve, guarded_client_transports
from settings.clock import clock_words

VERSION = "0.1"
USER_AGENT = f"CouncilPulse/{VERSION} (+council sentiment monitor; read-only collector of public comments)"

# Query parameters whose values are secrets wherever they appear.
SECRET_PARAMS = frozenset(
    {
        "key", "api_key", "apikey", "api-key", "access_token", "token", "client_secret",
        "client_id", "password", "secret", "signature", "sig", "appsecret_proof", "refresh_token",
        "code", "auth", "session",
    }
)
# Request headers whose values are secrets.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key", "api-key"})
REDACTED = "[redacted]"

Sleep = Callable[[float], None]
Clock = Callable[[], float]


@dataclass(frozen=True)
class RateLimitInfo:
    """What a platform's own headers say about the request budget.

    remaining: requests left in the window (None when not said).
    reset_at: epoch seconds when the budget refills (None when not said).
    limited: True when this response itself is a refusal for rate reasons
      (for platforms that refuse with 403/400 and a body code instead of 429).
    """

    remaining: float | None = None
    reset_at: float | None = None
    limited: bool = False


# A platform hook: (response, now_epoch_seconds) -> RateLimitInfo or None.
RateLimitReader = Callable[[httpx.Response, float], "RateLimitInfo | None"]


def _parse_reset(value: str, style: str, now: float) -> float | None:
    value = value.strip()
    try:
        if style == "epoch":
            return float(value)
        if style == "seconds":
            return now + float(value)
        if style == "iso":
            stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=UTC)
            return stamp.timestamp()
    except ValueError:
        return None
    raise ValueError(f"unknown reset style {style!r} (expected epoch, seconds or iso)")


def header_rate_limit(
    remaining: str = "X-RateLimit-Remaining",
    reset: str = "X-RateLimit-Reset",
    reset_style: str = "epoch",
) -> RateLimitReader:
    """A reader for the usual pair of headers.

    reset_style says how the reset header is written: "epoch" (seconds since
    1970, e.g. Bluesky), "seconds" (seconds from now, e.g. Reddit) or "iso"
    (an ISO 8601 time, e.g. Mastodon).
    """
    if reset_style not in ("epoch", "seconds", "iso"):
        raise ValueError(f"unknown reset style {reset_style!r} (expected epoch, seconds or iso)")

    def read(response: httpx.Response, now: float) -> RateLimitInfo | None:
        left = response.headers.get(remaining)
        when = response.headers.get(reset)
        if left is None and when is None:
            return None
        try:
            left_value = float(left) if left is not None else None
        except ValueError:
            left_value = None
        reset_at = _parse_reset(when, reset_style, now) if when is not None else None
        return RateLimitInfo(remaining=left_value, reset_at=reset_at)

    return read


@dataclass
class FetchResult:
    """One completed GET.

    not_modified is True for a 304 answer to a conditional GET; then `content`
    is empty and etag / last_modified are the validators to keep (the server's
    new ones if it sent any, else the ones the caller passed).
    """

    url: str
    status: int
    content: bytes
    headers: httpx.Headers
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


class HttpStatusError(FetchError):
    """The server answered with an error status that retrying will not fix (most 4xx).

    The body is kept (not in the message) so a collector can read a platform's
    own error code from it.
    """

    def __init__(self, message: str, status_code: int, body: bytes = b"", headers: httpx.Headers | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.body = body
        self.headers = headers or httpx.Headers()

    def json(self) -> Any:
        """The error body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None


def redact_url(url: str, secret_params: Iterable[str] = ()) -> str:
    """The URL with the values of secret query parameters replaced."""
    names = SECRET_PARAMS | {p.lower() for p in secret_params}
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [(k, REDACTED if k.lower() in names else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(query, safe="[]")))


def where(url: str | httpx.URL) -> str:
    """host/path of a URL, for messages: no scheme noise, no query (where tokens live)."""
    parts = urlsplit(str(url))
    host = parts.hostname or "?"
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{host}{parts.path or '/'}"


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        stamp = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if stamp is None:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return max(0.0, stamp.timestamp() - now)


class HttpClient:
    """Every request a collector makes goes through one of these (a context manager).

    tries: attempts per request, counting the first (retries on 5xx,
      timeouts, connection errors, and short 429 waits).
    backoff: first retry delay in seconds; doubles each try, with jitter,
      capped at max_backoff.
    max_wait: the longest rate-limit wait (Retry-After or a platform's reset
      time) sat out; a longer one, or one longer than this thread's source has
      left, raises RateLimited.
    sleep / clock / jitter: injectable so tests neither sleep nor depend on now.
    verify: check TLS certificates (False only for plain-http test servers: spares loading the CA bundle).
    resolve: socket.getaddrinfo, or a stand-in so tests can make a name resolve anywhere.
    """

    def __init__(
        self,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        tries: int = 3,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        max_wait: float = 60.0,
        max_redirects: int = 5,
        max_bytes: int = 20 * 1024 * 1024,
        user_agent: str = USER_AGENT,
        sleep: Sleep = time.sleep,
        clock: Clock = time.time,
        jitter: Callable[[], float] = random.random,
        verify: bool = True,
        resolve: Resolve = socket.getaddrinfo,
    ):
        if tries < 1:
            raise ValueError("tries must be at least 1")
        self.tries = tries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_wait = max_wait
        self.max_redirects = max_redirects
        self.max_bytes = max_bytes
        self.sleep = sleep
        self.clock = clock
        self.jitter = jitter
        self.requests_sent = 0
        # budget name (host by default) -> epoch seconds before which it is spent
        self._spent_until: dict[str, float] = {}
        timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
        transport, mounts = guarded_client_transports(verify, resolve)
        self._client = httpx.Client(
            timeout=timeout,
            # only the encodings collectors.decoding undoes, one layer at most
            headers={"User-Agent": user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            follow_redirects=False,
            transport=transport,
            mounts=mounts,
        )

    # -- lifecycle -------------------------------------------------------

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # -- public API ------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        rate_limit: RateLimitReader | None = None,
        budget: str | None = None,
        secret_params: Iterable[str] = (),
        secrets: Iterable[str] = (),
        credentials: str | None = None,
    ) -> FetchResult:
        """GET a URL, following redirects, retrying what is worth retrying.

        etag / last_modified: the validators stored from the last fetch; when
        given, the request is conditional and a 304 comes back as
        `FetchResult(not_modified=True)`.
        rate_limit: the platform's header reader (see `header_rate_limit`).
        budget: which rate-limit budget this request spends (default: the host).
        secret_params: extra query parameter names to redact from messages.
        secrets: secret values to scrub from any message (e.g. a token in a path).
        credentials: the platform (collectors.trust.PLATFORM_HOSTS) whose credentials this
          request carries: no hop of it, redirects included, goes where they may not.
        Raises FetchError (RateLimited, HttpStatusError, OutOfTime) with a message in words.
        """
        request_headers = dict(headers or {})
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        request = self._build(url, params, request_headers)
        secrets = _secret_values(request, headers, secret_params) | {s for s in secrets if s}
        redact.remember(secrets)
        budget = budget or (request.url.host or "")
        try:
            return self._get_with_retries(request, budget, rate_limit, etag, last_modified, credentials, secrets)
        except FetchError as error:
            raise _redacted(error, secrets) from None

    def get_json(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        rate_limit: RateLimitReader | None = None,
        budget: str | None = None,
        secret_params: Iterable[str] = (),
        secrets: Iterable[str] = (),
        credentials: str | None = None,
    ) -> Any:
        """GET and decode JSON; PayloadError when the answer is not JSON."""
        merged = {"Accept": "application/json", **(headers or {})}
        result = self.get(
            url,
            params=params,
            headers=merged,
            rate_limit=rate_limit,
            budget=budget,
            secret_params=secret_params,
            secrets=secrets,
            credentials=credentials,
        )
        return decode_json(result)

    def post_json(
        self,
        url: str,
        *,
        data: Mapping[str, Any] | None = None,
        basic_auth: tuple[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        rate_limit: RateLimitReader | None = None,
        budget: str | None = None,
        secrets: Iterable[str] = (),
        credentials: str | None = None,
    ) -> Any:
        """POST a form (e.g. an OAuth token request) and decode the JSON answer.

        basic_auth: (user, password) sent as HTTP basic auth; both values and
        the header are scrubbed from every message. Retries, rate-limit waits
        and error messages are those of `get`.
        """
        merged = {"Accept": "application/json", **(headers or {})}
        scrub = {s for s in secrets if s}
        if basic_auth is not None:
            user, password = basic_auth
            pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            merged["Authorization"] = f"Basic {pair}"
            scrub |= {user, password}
            redact.remember_basic_auth(user, password)
        request = self._build(url, None, merged, method="POST", data=data)
        scrub = _secret_values(request, merged, ()) | {s for s in scrub if len(s) >= 4}
        redact.remember(scrub)
        budget = budget or (request.url.host or "")
        try:
            return decode_json(self._get_with_retries(request, budget, rate_limit, None, None, credentials, scrub))
        except FetchError as error:
            raise _redacted(error, scrub) from None

    # -- internals -------------------------------------------------------

    def _build(self, url: str, params, headers, method: str = "GET", data=None) -> httpx.Request:
        try:
            request = self._client.build_request(method, url, params=params, headers=headers, data=data)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError, TypeError) as error:
            raise FetchError(f"not a usable URL: {redact_url(str(url))} ({type(error).__name__})") from None
        if request.url.scheme not in ("http", "https") or not request.url.host:
            raise FetchError(f"not a usable URL: {redact_url(str(url))} (it needs http:// or https:// and a host)")
        return request

    def _backoff(self, attempt: int) -> float:
        base = min(self.max_backoff, self.backoff * (2 ** (attempt - 1)))
        return base * (0.5 + self.jitter())  # jitter: between half and one and a half times

    def _wait_for_budget(self, budget: str) -> None:
        until = self._spent_until.get(budget)
        if until is None:
            return
        wait = until - self.clock()
        if wait <= 0:
            del self._spent_until[budget]
            return
        if wait > self._longest_wait():
            raise RateLimited(
                f"rate limit for {budget} is used up until {clock_words(until)} "
                f"({wait:.0f}s away, more than the {self._longest_wait_words()}); try again after that",
                retry_at=until,
            )
        self.sleep(wait)
        del self._spent_until[budget]

    def _longest_wait(self) -> float:
        """The longest rate-limit wait worth sitting out: max_wait, or less when this thread's source
        has less time left (waiting past it would only end in OutOfTime, with the wait wasted)."""
        left = limits.source_time_left()
        return self.max_wait if left is None else max(0.0, min(self.max_wait, left))

    def _longest_wait_words(self) -> str:
        left = limits.source_time_left()
        if left is not None and left < self.max_wait:
            return (f"{max(0.0, left):.0f}s left of this source's time in this run "
                    "(PULSE_SOURCE_DEADLINE_S)")
        return f"{self.max_wait:.0f}s we wait"

    def _pause(self, seconds: float) -> None:
        """A back-off between tries, never past this thread's source deadline: the next try then
        stops with OutOfTime at once instead of after the whole wait."""
        left = limits.source_time_left()
        self.sleep(seconds if left is None else max(0.0, min(seconds, left)))

    def _note_budget(self, budget: str, response: httpx.Response, reader: RateLimitReader | None) -> RateLimitInfo | None:
        if reader is None:
            return None
        try:
            info = reader(response, self.clock())
        except Exception:  # a platform hook must not turn a good response into a crash
            return None
        if info and info.remaining is not None and info.remaining <= 0 and info.reset_at:
            self._spent_until[budget] = info.reset_at
        return info

    def _get_with_retries(self, request, budget, reader, etag, last_modified, credentials=None,
                          secrets=frozenset()) -> FetchResult:
        place = where(request.url)
        last_problem = ""
        for attempt in range(1, self.tries + 1):
            self._wait_for_budget(budget)
            _check_source_time(request)
            more = attempt < self.tries
            try:
                with limits.request_deadline() as ends:
                    response, body = self._send_following(request, credentials, secrets)
            except (httpx.UnsupportedProtocol, httpx.InvalidURL):
                raise FetchError(f"not a usable URL: {request.method} {place}") from None
            except httpx.TimeoutException:
                if limits.now() >= ends:  # the request's whole deadline, not one slow read: no retry
                    _check_source_time(request)
                    raise FetchError(
                        f"took longer than {limits.request_seconds():g}s, the most one request may take "
                        f"(PULSE_REQUEST_DEADLINE_S): {request.method} {place}"
                    ) from None
                last_problem = "timed out"
                if more:
                    self._pause(self._backoff(attempt))
                    continue
                raise FetchError(f"timed out after {attempt} {_tries(attempt)}: {request.method} {place}") from None
            except httpx.TransportError as error:
                refused = _refusal(error)
                if refused:  # by policy: trying again cannot change it
                    raise FetchError(f"not connected: {refused}: {request.method} {place}") from None
                last_problem = _transport_words(error)
                if more:
                    self._pause(self._backoff(attempt))
                    continue
                raise FetchError(
                    f"{last_problem} after {attempt} {_tries(attempt)}: {request.method} {place}"
                ) from None

            status = response.status_code
            info = self._note_budget(budget, response, reader)
            limited = status == 429 or bool(info and info.limited)
            if limited:
                now = self.clock()
                wait = retry_after_seconds(response.headers.get("retry-after"), now)
                if wait is None and info and info.reset_at:
                    wait = max(0.0, info.reset_at - now)
                if wait is None:
                    wait = self._backoff(attempt)
                host = request.url.host
                if wait > self._longest_wait():
                    raise RateLimited(
                        f"rate limited by {host} (HTTP {status}): asked to wait {wait:.0f}s, until "
                        f"{clock_words(now + wait)}, more than the {self._longest_wait_words()}; try again later",
                        retry_at=now + wait,
                    )
                if more:
                    self.sleep(wait)
                    continue
                raise RateLimited(
                    f"rate limited by {host}: still HTTP {status} after {attempt} {_tries(attempt)}: {request.method} {place}",
                    retry_at=now + wait,
                )
            if status == 304:
                return FetchResult(
                    url=str(response.url),
                    status=status,
                    content=b"",
                    headers=response.headers,
                    etag=response.headers.get("etag") or etag,
                    last_modified=response.headers.get("last-modified") or last_modified,
                    not_modified=True,
                )
            if status >= 500:
                last_problem = f"HTTP {status}"
                if more:
                    self._pause(self._backoff(attempt))
                    continue
                raise FetchError(
                    f"HTTP {status} from {request.url.host} after {attempt} {_tries(attempt)}: {request.method} {place}"
                )
            if status >= 400:
                raise HttpStatusError(
                    f"HTTP {status} ({response.reason_phrase or 'error'}) from {request.url.host}: {request.method} {place}",
                    status,
                    body,
                    response.headers,
                )
            if 300 <= status < 400:  # a redirect without a usable Location
                raise FetchError(f"HTTP {status} from {request.url.host} with no usable redirect: {request.method} {place}")
            return FetchResult(
                url=str(response.url),
                status=status,
                content=body,
                headers=response.headers,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            )
        raise FetchError(f"{last_problem or 'failed'} after {self.tries} {_tries(self.tries)}: {request.method} {place}")

    def _send_following(self, request: httpx.Request, credentials: str | None = None,
                        secrets=frozenset()) -> tuple[httpx.Response, bytes]:
        """Send, following redirects ourselves so loops are caught and named, and every hop checked."""
        seen = [str(request.url)]
        current = request
        for _ in range(self.max_redirects + 1):
            _check_destination(current, credentials, secrets)
            self.requests_sent += 1
            response = self._client.send(current, stream=True)
            following = response.next_request  # set only for a redirect with a Location
            if following is None:
                body = self._read_body(response)
                return _with_body(response, body), body
            response.close()
            target = str(following.url)
            if target in seen:
                chain = " -> ".join(where(u) for u in seen + [target])
                raise FetchError(f"redirect loop: {chain}")
            seen.append(target)
            current = following
        raise FetchError(
            f"too many redirects (more than {self.max_redirects}) starting at {where(seen[0])}, last {where(seen[-1])}"
        )

    def _read_body(self, response: httpx.Response) -> bytes:
        """The body, its Content-Encoding undone within max_bytes (counted while decoding)."""
        request = response.request
        try:
            body = decoder(response.headers.get("content-encoding"), self.max_bytes)
            for chunk in response.iter_raw():
                body.feed(chunk)
            return body.body()
        except TooLarge:
            raise FetchError(
                f"response from {request.url.host} is larger than "
                f"{self.max_bytes // (1024 * 1024)} MB: {request.method} {where(request.url)}"
            ) from None
        except EncodingRefused as error:
            raise FetchError(
                f"response from {request.url.host} not read: {error}: {request.method} {where(request.url)}"
            ) from None
        finally:
            response.close()


def _with_body(response: httpx.Response, body: bytes) -> httpx.Response:
    """A read copy of a streamed response, so rate-limit hooks can look at the body too."""
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in ("content-encoding", "content-length")]
    copy = httpx.Response(response.status_code, headers=headers, content=body, request=response.request)
    copy.read()
    return copy


def decode_json(result: FetchResult) -> Any:
    """The body of a fetch as JSON; PayloadError in words when it is not."""
    place = where(result.url)
    kind = result.content_type
    if kind and not (kind.endswith("/json") or kind.endswith("+json") or kind in ("text/javascript", "text/plain")):
        raise PayloadError(f"expected JSON from {place} but got {kind} ({len(result.content)} bytes)")
    if not result.content.strip():
        raise PayloadError(f"expected JSON from {place} but the response was empty")
    try:
        return json.loads(result.content)
    except UnicodeDecodeError:
        raise PayloadError(f"expected JSON from {place} but the body is not UTF-8 text") from None
    except RecursionError:
        raise PayloadError(f"invalid JSON from {place}: nested too deeply to read") from None
    except json.JSONDecodeError as error:
        raise PayloadError(
            f"invalid JSON from {place}: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None


def _check_source_time(request: httpx.Request) -> None:
    """OutOfTime once this thread's source has used its time (collectors.limits)."""
    left = limits.source_time_left()
    if left is not None and left <= 0:
        raise OutOfTime(
            f"stopped after {limits.source_seconds():g}s, the most one source may take in a run "
            f"(PULSE_SOURCE_DEADLINE_S), at {request.method} {where(request.url)}; what was read is saved "
            "and the next run goes on from there"
        )


def _check_destination(request: httpx.Request, credentials: str | None, secrets) -> None:
    """Refuse a hop to an address collectors may not reach, or that must not get these credentials."""
    url = str(request.url)
    problem = trust.connection_problem(url)
    if problem:
        raise FetchError(f"not connected: {problem}: {request.method} {where(url)}")
    if credentials and _carries(request, secrets) and not trust.may_send_credentials(url, credentials):
        raise FetchError(
            f"not sent: the request carries the {credentials} credentials, which go only to {credentials}'s "
            f"own https hosts or a host listed in {trust.TRUSTED_HOSTS_VARIABLE}: {request.method} {where(url)}"
        )


def _carries(request: httpx.Request, secrets) -> bool:
    """Whether any of these secrets is in the request (address, headers, body); True when none is known."""
    if not secrets:
        return True
    text = " ".join([str(request.url), unquote(str(request.url)), *(v for _, v in request.headers.multi_items())])
    try:
        text += request.content.decode("latin-1")
    except httpx.RequestNotRead:
        pass
    return any(secret in text for secret in secrets)


def _refusal(error: httpx.TransportError) -> str | None:
    """The words of a connection refused by policy (collectors.transport), if that is what happened."""
    return next((str(c) for c in _causes(error) if isinstance(c, AddressRefused)), None)


def _tries(n: int) -> str:
    return "try" if n == 1 else "tries"


def _transport_words(error: httpx.TransportError) -> str:
    if isinstance(error, httpx.ConnectError):
        causes = _causes(error)
        if any(isinstance(c, socket.gaierror) for c in causes):
            return "could not connect (no such host: the name does not resolve)"
        if any(isinstance(c, ConnectionRefusedError) for c in causes):
            return "could not connect (connection refused)"
        return "could not connect"
    if isinstance(error, httpx.RemoteProtocolError):
        return "the server closed the connection unexpectedly"
    if isinstance(error, (httpx.ReadError, httpx.WriteError)):
        return "the connection broke"
    if isinstance(error, httpx.ProxyError):
        return "the proxy refused the request"
    return f"network error ({type(error).__name__})"


def _causes(error: BaseException) -> list[BaseException]:
    """The exceptions an error was raised from (httpx wraps the socket's own error)."""
    found: list[BaseException] = []
    current = error.__cause__ or error.__context__
    while current is not None and len(found) < 10:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def _secret_values(request: httpx.Request, headers, secret_params) -> set[str]:
    """Every secret value in this request, so no message can leak it."""
    names = SECRET_PARAMS | {p.lower() for p in secret_params}
    values: set[str] = set()
    for key, value in request.url.params.multi_items():
        if key.lower() in names and value:
            values.add(value)
    for key, value in (headers or {}).items():
        if key.lower() in SECRET_HEADERS and value:
            values.add(str(value))
            values.update(part for part in str(value).split() if len(part) >= 6)
    return {v for v in values if len(v) >= 4}


def _redacted(error: FetchError, secrets: set[str]) -> FetchError:
    message = str(error)
    clean = message
    for secret in sorted(secrets, key=len, reverse=True):
        clean = clean.replace(secret, REDACTED)
    if clean == message:
        return error
    error.args = (clean,)
    return error
