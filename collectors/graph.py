"""Meta's Graph API, shared by the Facebook and Instagram collectors.

Both read `https://graph.facebook.com/v21.0` (or a source's `base_url`) with a
page access token from FACEBOOK_PAGE_TOKEN, sent as the `access_token` query
parameter. What they share lives here:

- the token, read through `require_secret`; a missing one is a CollectorError
  naming the variable and never its value;
- `GraphClient.pages(path, params)`: one list edge page by page. Graph answers
  `{"data": [...], "paging": {"cursors": {"before", "after"}, "next": URL}}`;
  `next` is absent on the last page. `next` carries the access token, so it is
  never stored or followed as given: the next request is rebuilt from
  `paging.cursors.after` (or, on edges paged by time, from the query of `next`
  less the token);
- errors, documented as `{"error": {"message", "type", "code", "error_subcode",
  "fbtrace_id"}}`: codes 4, 17, 32, 613 and the Business Use Case throttles
  80001 (pages) and 80002 (Instagram) are rate limits (sent as HTTP 400 or 403,
  sometimes 429), code 190 (and 102) a token that expired or is invalid;
- rate-limit headers: `X-Business-Use-Case-Usage` (page and Instagram tokens:
  `{"<object-id>": [{"type", "call_count", "total_cputime", "total_time",
  "estimated_time_to_regain_access"}]}`, percentages and minutes) and
  `X-App-Usage` (`{"call_count", "total_cputime", "total_time"}`). At 100% of
  any, or with time to regain access, the budget is spent: HttpClient waits when
  the wait is short and raises RateLimited when it is not.
- `thread_batches`: a thread's replies a page per Batch, the cursor moving past
  the thread only with its last page, so a run that stops part-way re-reads it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import httpx

from collectors.errors import CollectorError, FetchError, PayloadError, RateLimited
from collectors.http import SECRET_PARAMS, HttpStatusError, RateLimitInfo, where
from collectors.items import Batch, Item
from collectors.limits import page_cap_warning
from collectors.options import MissingSecret, require_secret
from collectors.payload import as_dict, as_int, as_list, split_url
from collectors.trust import require_credentials_allowed
from settings.sources import SourceConfig

DEFAULT_BASE_URL = "https://graph.facebook.com/v21.0"
TOKEN_VARIABLE = "FACEBOOK_PAGE_TOKEN"
# 4 app, 17 user, 32 page, 613 "calls exceeded"; 80001 / 80002 are the Business Use Case
# throttles that page and Instagram tokens meet ("There have been too many calls ...").
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001, 80002})
TOKEN_CODES = frozenset({102, 190})
USAGE_HEADERS = ("x-business-use-case-usage", "x-app-usage")
DAY = 86400
MAX_PAGES = 1000  # per edge and run: a server that never stops paging cannot loop us forever


class GraphError(FetchError):
    """Graph refused a request about one object (it does not exist, or may not be read).

    Not a rate limit and not the token: a collector skips that one thread,
    says so in the batch's warnings, and goes on with the others.
    """

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.code = code


def graph_token() -> str:
    """FACEBOOK_PAGE_TOKEN, or a CollectorError that names the variable (never a value)."""
    try:
        return require_secret(TOKEN_VARIABLE)
    except MissingSecret as missing:
        raise CollectorError(str(missing)) from None


def fallback_time(now: float) -> datetime:
    """The time for an item the platform sent undated: when it was first seen."""
    return datetime.fromtimestamp(now, UTC)


# -- rate limits -------------------------------------------------------------


def usage(headers: Mapping[str, str]) -> tuple[float | None, float]:
    """(highest percentage used, longest minutes to regain access) from Meta's usage headers.

    The percentage is None when no usage header was sent (absence is not headroom).
    Malformed headers are ignored.
    """
    highest: float | None = None
    minutes = 0.0

    def note(entry: Any) -> None:
        nonlocal highest, minutes
        if not isinstance(entry, dict):
            return
        for name in ("call_count", "total_cputime", "total_time"):
            value = entry.get(name)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                highest = max(highest if highest is not None else 0.0, float(value))
        wait = entry.get("estimated_time_to_regain_access")
        if isinstance(wait, (int, float)) and not isinstance(wait, bool) and wait > 0:
            minutes = max(minutes, float(wait))

    lowered = {str(k).lower(): v for k, v in headers.items()}
    for header in USAGE_HEADERS:
        raw = lowered.get(header)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        if header == "x-app-usage":
            note(data)
        elif isinstance(data, dict):
            for entries in data.values():
                for entry in as_list(entries):
                    note(entry)
    return highest, minutes


def read_usage(response: httpx.Response, now: float) -> RateLimitInfo | None:
    """HttpClient's rate-limit hook for Graph: spent at 100% or while access is withheld."""
    highest, minutes = usage(response.headers)
    if highest is None and not minutes:
        return None
    spent = minutes > 0 or (highest is not None and highest >= 100)
    reset_at = now + minutes * 60 if minutes > 0 else None
    return RateLimitInfo(
        remaining=0.0 if spent else max(0.0, 100.0 - (highest or 0.0)),
        reset_at=reset_at,
        limited=spent and response.status_code in (400, 403),
    )


def graph_error(body: Any) -> dict | None:
    """The documented error object of a Graph answer, if it is one."""
    error = as_dict(body).get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else None


# -- the client ----------------------------------------------------------------


class GraphClient:
    """GETs against one Graph API root with one token, errors in words without the token."""

    def __init__(self, http, base_url: str, token: str, budget: str | None = None, platform: str = "facebook"):
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.budget = budget
        self.platform = platform  # whose credentials the token is (collectors.trust)
        self.warnings: list[str] = []  # page caps reached

    def get(self, path: str, params: Mapping[str, Any]) -> dict:
        url = f"{self.base_url}/{path.lstrip('/')}"
        query = {**params, "access_token": self.token}
        try:
            body = self.http.get_json(url, params=query, rate_limit=read_usage, budget=self.budget,
                                      credentials=self.platform)
        except HttpStatusError as error:
            raise self._explain(graph_error(error.json()), error.status_code, url, error) from None
        except FetchError as error:
            raise self._scrub(error) from None
        failure = graph_error(body)
        if failure is not None:  # an error object sent with HTTP 200
            raise self._explain(failure, 200, url, None)
        if not isinstance(body, dict):
            raise PayloadError(f"expected a JSON object from {where(url)} but got {type(body).__name__}")
        return body

    def pages(self, path: str, params: Mapping[str, Any], max_pages: int | None = None) -> Iterator[list]:
        """The `data` of each page of a list edge, newest request first; stops when `next` is absent,
        or after max_pages (MAX_PAGES) with a warning in self.warnings."""
        max_pages = max_pages or MAX_PAGES
        query = dict(params)
        asked: set[tuple] = set()
        for _ in range(max_pages):
            asked.add(tuple(sorted((k, str(v)) for k, v in query.items())))
            body = self.get(path, query)
            if "data" in body and not isinstance(body["data"], list):
                raise PayloadError(f"the Graph API sent `data` that is not a list from {path.split('/')[-1]}")
            yield as_list(body.get("data"))
            following = next_query(query, as_dict(body.get("paging")))
            if following is None:
                return
            if tuple(sorted((k, str(v)) for k, v in following.items())) in asked:
                return  # the server pointed back at a page already read
            query = following
        self.warnings.append(page_cap_warning(f"Graph API {path}", max_pages, "the rest were not read"))

    # -- errors ----------------------------------------------------------

    def _scrub(self, error: FetchError) -> FetchError:
        message = str(error)
        if self.token and self.token in message:
            error.args = (message.replace(self.token, "[redacted]"),)
        return error

    def _explain(self, failure: dict | None, status: int, url: str, original: HttpStatusError | None) -> CollectorError:
        place = where(url)
        if failure is None:
            return self._scrub(original) if original is not None else PayloadError(f"unexpected answer from {place}")
        code = as_int(failure.get("code"))
        subcode = as_int(failure.get("error_subcode"))
        message = str(failure.get("message") or "no message")
        if self.token:
            message = message.replace(self.token, "[redacted]")
        trace = failure.get("fbtrace_id")
        label = f"error {code}" + (f"/{subcode}" if subcode else "")
        detail = f"{label}: {message}" + (f"; fbtrace_id {trace}" if trace else "")
        if code in TOKEN_CODES:
            return CollectorError(
                f"{TOKEN_VARIABLE} was refused by the Graph API ({detail}): the page access token has "
                f"expired or is not valid; create a new one and set {TOKEN_VARIABLE}"
            )
        if code in RATE_LIMIT_CODES:
            return RateLimited(
                f"Graph API rate limit reached at {place} ({detail}); stopped here, "
                "the next run resumes from the saved cursor"
            )
        return GraphError(f"Graph API {label} from {place} (HTTP {status}): {message}", code)


def next_query(query: Mapping[str, Any], paging: dict) -> dict | None:
    """The parameters for the page after this one, without the token; None on the last page.

    Graph's `next` URL holds the access token, so it is never kept: its cursor
    (`paging.cursors.after`) is added to our own parameters, or, on an edge
    paged by time, its query is taken less the secret parameters.
    """
    following = paging.get("next")
    if not isinstance(following, str) or not following:
        return None
    after = as_dict(paging.get("cursors")).get("after")
    if isinstance(after, str) and after:
        return {**query, "after": after}
    parts = split_url(following)
    pairs = parse_qsl(parts.query, keep_blank_values=True) if parts is not None else []
    rebuilt = {k: v for k, v in pairs if k.lower() not in SECRET_PARAMS}
    return rebuilt or None


# -- the collectors' shared set-up ----------------------------------------------


class GraphCollector:
    """What the Facebook and Instagram collectors share: the object they read (an id in
    sources.toml, checked here), the API root, the clock, and a Graph client per run.

    A subclass names its `kind`, the option holding the id (`id_option`), what a valid
    id looks like (`id_valid`) and, for the error, what is wanted (`id_wanted`).
    """

    kind: str
    id_option: str
    id_wanted: str

    def __init__(self, source: SourceConfig, http):
        value = source.options.get(self.id_option)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not self.id_valid(value.strip()):
            raise CollectorError(f"source {source.name!r}: {self.id_option} must be {self.id_wanted}")
        self.source = source
        self.http = http
        self.object_id = value.strip()
        self.base_url = (source.base_url or DEFAULT_BASE_URL).rstrip("/")
        self.clock = getattr(http, "clock", time.time)

    @staticmethod
    def id_valid(value: str) -> bool:
        raise NotImplementedError

    def start(self) -> tuple[GraphClient, float, int]:
        """(a client for this run, now, the start of the look-back window in unix seconds)."""
        token = graph_token()
        require_credentials_allowed(self.source.name, self.base_url, self.kind, TOKEN_VARIABLE)
        graph = GraphClient(self.http, self.base_url, token, budget=f"graph:{self.object_id}", platform=self.kind)
        now = self.clock()
        return graph, now, int(now - self.source.lookback_days * DAY)


def recent_entries(entries, window_start: int, count_field: str) -> dict[str, dict]:
    """The cursor's per-post entries {id: {"t": time, count_field: n}} still inside the window
    (unreadable ones dropped), read through the payload readers."""
    kept: dict[str, dict] = {}
    for object_id, entry in as_dict(entries).items():
        entry = as_dict(entry)
        if (as_int(entry.get("t")) or 0) >= window_start:
            kept[str(object_id)] = {"t": as_int(entry.get("t")), count_field: as_int(entry.get(count_field))}
    return kept


# -- batches -----------------------------------------------------------------


def thread_batches(
    head: list[Item],
    reply_pages: Iterable[list[Item]],
    snapshot: Callable[[], dict],
    finish: Callable[[], bool],
    warnings: list[str] | None = None,
) -> Iterator[Batch]:
    """One Batch per page of a thread's replies, `head` (the post) riding with the first.

    Every batch but the last carries the cursor as it was before this thread;
    `finish()` then moves the cursor past the thread (returning whether it
    changed anything) and the last batch carries that, with `warnings` (filled
    while the pages were read). A batch with nothing to say is not yielded.
    """
    buffer = list(head)
    first = True
    for items in reply_pages:
        if first:
            buffer.extend(items)
            first = False
            continue
        yield Batch(items=buffer, cursor=snapshot())
        buffer = list(items)
    changed = finish()
    if buffer or changed or warnings:
        yield Batch(items=buffer, cursor=snapshot(), warnings=list(warnings or []))
