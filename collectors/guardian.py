"""Guardian comments, from the public discussion API (no key needed).

    GET {base_url}/discussion-api/discussion/{key}
        ?orderBy=oldest&pageSize=100&displayThreaded=true&maxResponses=100&page=N

The answer (field names as the Guardian's own readers of this API use them,
see guardian/dotcom-rendering src/types/discussion.ts):

    {status, currentPage, pages, pageSize, orderBy,
     discussion: {key, webUrl, apiUrl, commentCount, topLevelCommentCount,
                  isClosedForComments, isThreaded, title,
                  comments: [{id, body (HTML), date, isoDateTime, status, webUrl, apiUrl,
                              numResponses?, numRecommends, isHighlighted,
                              userProfile: {userId, displayName, ...},
                              responseTo?: {commentId, displayName, ...},
                              responses?: [same shape]}]}}

Each discussion becomes one "post" (the article, keyed by its discussion key,
e.g. `guardian:/p/2n9xk`) and one "comment" per comment and reply. Threaded
pages carry two levels: a top-level comment and, flat under it, every reply in
its thread with `responseTo` naming the comment replied to. A top-level comment
cut short (`numResponses` above the replies sent) is completed from
`/discussion-api/comment/{id}?displayThreaded=true&displayResponses=true`.
A discussion only available unthreaded (errorCode
DISCUSSION_ONLY_AVAILABLE_IN_LINEAR_FORMAT) is read with displayThreaded=false.

Each page is a Batch. The cursor remembers, per discussion, the comment count,
how many pages were stored and whether the last pass finished: an unchanged
discussion costs one request; a pass that stopped part-way resumes after the
last stored page while the count is unchanged.

`search = "walsall council"` finds more discussions through the Content API
(key GUARDIAN_API_KEY, sent as the `api-key` parameter and never shown):

    GET {content_base_url}/search?q=...&show-fields=shortUrl,commentable
        &page-size=50&page=N&order-by=newest&from-date=YYYY-MM-DD

    {response: {status, total, startIndex, pageSize, currentPage, pages, orderBy,
                results: [{id, type, sectionId, webPublicationDate, webTitle, webUrl, apiUrl,
                           fields: {shortUrl, commentable}}]}}

(every `fields` value is a string: commentable is "true" or "false"). A
commentable article's discussion key is the path of its shortUrl
(https://www.theguardian.com/p/abc12 -> /p/abc12); its discussion is then
collected exactly as a listed one. The cursor's `search` entry remembers the
newest webPublicationDate seen (the next search starts on that day, never
further back than lookback_days) and every key found with its publication
time, so articles within lookback_days are re-checked for new comments without
being searched for again. At most `max_articles` results are read per run,
newest first.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from collectors import limits
from collectors.errors import CollectorError, OutOfTime, PayloadError, RateLimited
from collectors.http import HttpStatusError
from collectors.items import Batch, Item, item_key
from collectors.options import MissingSecret, option_list, require_secret
from collectors.payload import (
    as_dict,
    as_int,
    as_list,
    as_text,
    parse_iso_time,
    split_url,
)
from collectors.trust import require_credentials_allowed
from settings.sources import SourceConfig, SourceKind
from settings.typed import Key

KIND = "guardian"
DEFAULT_BASE_URL = "https://discussion.theguardian.com"
PAGE_SIZE = 100  # the largest page the API serves
MAX_RESPONSES = 100
LINEAR_ONLY = "DISCUSSION_ONLY_AVAILABLE_IN_LINEAR_FORMAT"
DEFAULT_CONTENT_BASE_URL = "https://content.guardianapis.com"
SEARCH_SECRET = "GUARDIAN_API_KEY"
SEARCH_PAGE_SIZE = 50  # results per Content API page
DEFAULT_MAX_ARTICLES = 100  # search results read per run, newest first
# Comment statuses that mean the text was taken down (the body is then the moderator's notice).
REMOVED_STATUSES = {"blocked", "deleted", "removed"}

try:  # the site's own `date` field is London time ("04 July 2014 1:57pm")
    from zoneinfo import ZoneInfo

    LONDON = ZoneInfo("Europe/London")
except Exception:  # no tz database: fall back to UTC, an hour out at worst
    LONDON = UTC


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def normalise_key(key: str) -> str:
    """`/p/2n9xk` whether written `p/2n9xk`, `/p/2n9xk` or with spaces."""
    key = str(key).strip()
    return "/" + key.lstrip("/")


def parse_time(comment: dict) -> datetime | None:
    """isoDateTime (UTC, e.g. 2014-07-04T12:57:48Z), else the London-time `date`."""
    stamp = parse_iso_time(comment.get("isoDateTime"))
    if stamp is not None:
        return stamp
    text = comment.get("date")
    if isinstance(text, str) and text.strip():
        try:
            local = datetime.strptime(text.strip(), "%d %B %Y %I:%M%p")
            return local.replace(tzinfo=LONDON).astimezone(UTC)
        except (ValueError, OverflowError):
            pass
    return None


def discussion_key_of(short_url: Any) -> str | None:
    """The discussion key in an article's shortUrl: https://www.theguardian.com/p/abc12 -> /p/abc12."""
    if not isinstance(short_url, str) or not short_url.strip():
        return None
    split = split_url(short_url.strip())
    parts = [p for p in split.path.split("/") if p] if split is not None else []
    if len(parts) >= 2 and parts[0] == "p":
        return f"/p/{parts[1]}"
    return None


def _iso_time(value: Any) -> datetime | None:
    """An ISO 8601 time (webPublicationDate, or one the cursor stored) as naive UTC."""
    stamp = parse_iso_time(value)
    return stamp.replace(tzinfo=None) if stamp is not None else None


def _is_true(value: Any) -> bool:
    """The Content API sends every field as a string ("true"); accept a real boolean too."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _replied_to(comment: dict) -> str | None:
    """The key of the comment this one answers, from `responseTo.commentId`."""
    parent_id = as_dict(comment.get("responseTo")).get("commentId")
    return item_key(KIND, str(parent_id)) if parent_id not in (None, "") else None


def read_isolated(batches: Iterator[Batch], key: str, failed: list) -> Iterator[Batch]:
    """One discussion's batches; its failure goes into `failed` as (key, error), so the discussions
    after it are still read. A spent rate limit or time budget stops the source."""
    try:
        yield from batches
    except (RateLimited, OutOfTime):
        raise
    except CollectorError as error:
        failed.append((key, error))


def _fill_missing_times(items: list[Item], fallback: datetime) -> None:
    """A comment without a date takes the discussion's (stable across runs, unlike now)."""
    for item in items:
        if item.created_at is None:
            item.created_at = fallback


SOURCE = SourceKind(
    KIND, "Readers' comments under Guardian articles, with who replied to whom. Reading a listed article's "
    "comments needs no key.",
    keys=(
        Key("discussions", "texts", 'the end of each article\'s short link: the Share button gives '
            'https://www.theguardian.com/p/2n9xk, so write "/p/2n9xk"', label="Articles (one per line)",
            example="/p/2n9xk"),
        Key("search", "text", "a Guardian search: articles that match it are found and followed by themselves "
            "(needs GUARDIAN_API_KEY)", label="Or a search that finds articles", example='"Brackenford council"'),
        Key("content_base_url", "text", "the Content API's address (default https://content.guardianapis.com)",
            advanced=True, address=True),
        Key("max_articles", "int", "search results read per run, newest first", minimum=1, advanced=True),
    ),
    one_of=("discussions", "search"), secrets=(SEARCH_SECRET,), name="Guardian comments",
    secrets_needed_for="a search",
)


class GuardianCollector:
    """Discussions listed in `discussions = ["/p/..."]` -> a post and its comments each."""

    kind = KIND

    def __init__(self, source: SourceConfig, http):
        self.source = source
        self.http = http
        self.base_url = (source.base_url or DEFAULT_BASE_URL).rstrip("/")
        keys = option_list(source, "discussions", 'a list of keys like "/p/2n9xk"', valid=lambda k: bool(k.strip("/ ")))
        self.discussions = list(dict.fromkeys(normalise_key(k) for k in keys))
        search = source.options.get("search")
        if search is not None and (not isinstance(search, str) or not search.strip()):
            raise CollectorError(f"source {source.name!r}: search must be a Content API query, like \"walsall council\"")
        self.search = search.strip() if search else None
        self.content_base_url = str(source.options.get("content_base_url") or DEFAULT_CONTENT_BASE_URL).rstrip("/")
        limit = source.options.get("max_articles", DEFAULT_MAX_ARTICLES)
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise CollectorError(f"source {source.name!r}: max_articles must be a whole number, at least 1")
        self.max_articles = limit
        self.published: dict[str, datetime] = {}  # key -> the article's publication time (UTC), from search

    # -- which discussions ------------------------------------------------

    def discussion_keys(self, cursor: dict | None = None) -> tuple[list[str], list[str], dict | None]:
        """(keys to collect, warnings, the cursor's new `search` entry or None without search).

        The listed discussions, then those the Content API search found: new
        ones, and those found before that are still within lookback_days. A
        failing search is a warning while there are other discussions to
        re-check, else the source's error; a missing key always fails the source.
        """
        if not self.search:
            return list(self.discussions), [], None
        previous = as_dict(as_dict(cursor).get("search"))
        if previous.get("query") != self.search:
            previous = {}  # another query: what it found is not what this one would
        horizon = utcnow() - timedelta(days=self.source.lookback_days)
        known = self._recent(as_dict(previous.get("found")), horizon)
        warnings: list[str] = []
        try:
            state, found_warnings = self._search(previous, known, horizon)
            warnings.extend(found_warnings)
        except (MissingSecret, OutOfTime):
            raise
        except CollectorError as error:
            if not (self.discussions or known):
                raise
            warnings.append(
                f"Guardian search for {self.search!r} failed, so only the discussions already known were read: {error}"
            )
            state = {**previous, "query": self.search, "found": known}
        found = as_dict(state.get("found"))
        for key, when in found.items():
            stamp = _iso_time(when)
            if stamp is not None:
                self.published[key] = stamp
        keys = list(dict.fromkeys([*self.discussions, *sorted(found, key=lambda k: found[k], reverse=True)]))
        return keys, warnings, state

    @staticmethod
    def _recent(found: dict, horizon: datetime) -> dict[str, str]:
        """The found keys whose article is within the look-back window."""
        return {
            k: v for k, v in found.items()
            if isinstance(k, str) and (stamp := _iso_time(v)) is not None and stamp >= horizon
        }

    def _search(self, previous: dict, known: dict[str, str], horizon: datetime) -> tuple[dict, list[str]]:
        """Walk the search results newest first, down to what the last run saw (or the horizon)."""
        api_key = require_secret(SEARCH_SECRET)
        require_credentials_allowed(self.source.name, f"{self.content_base_url}/search", KIND, SEARCH_SECRET)
        newest = _iso_time(previous.get("newest"))
        start = max(newest, horizon) if newest else horizon
        found = dict(known)
        latest = newest
        read = without_link = 0
        page, pages, capped, page_cap = 1, 1, False, limits.max_pages()
        while page <= pages:
            if page > page_cap:
                break
            response = self._search_page(api_key, start, page)
            pages = max(1, as_int(response.get("pages")) or 1)
            results = as_list(response.get("results"))
            if not results:
                break
            reached_seen = False
            for result in results:
                if read >= self.max_articles:
                    capped = True
                    break
                read += 1
                result = as_dict(result)
                published = _iso_time(result.get("webPublicationDate"))
                if published is not None:
                    latest = max(latest, published) if latest else published
                    if newest is not None and published < newest:
                        reached_seen = True  # newest first: the rest was seen by an earlier run
                        break
                fields = as_dict(result.get("fields"))
                if not _is_true(fields.get("commentable")):
                    continue
                key = discussion_key_of(fields.get("shortUrl"))
                if key is None:
                    without_link += 1
                    continue
                if published is not None and published < horizon:
                    continue
                stamp = published or _iso_time(found.get(key)) or utcnow().replace(microsecond=0)
                found[key] = stamp.isoformat()
            if reached_seen or capped:
                break
            page += 1
        warnings = []
        if page > page_cap:
            warnings.append(limits.page_cap_warning(f"Guardian search for {self.search!r}", page_cap,
                                                    "older results were not read"))
        if capped:
            warnings.append(
                f"Guardian search for {self.search!r} matched more than {self.max_articles} articles since "
                f"{start.date().isoformat()}; only the newest {self.max_articles} were read (raise max_articles to read more)"
            )
        if without_link:
            warnings.append(
                f"Guardian search for {self.search!r}: {without_link} commentable article(s) had no shortUrl and were skipped"
            )
        state = {"query": self.search, "newest": latest.isoformat() if latest else None, "found": found}
        return state, warnings

    def _search_page(self, api_key: str, start: datetime, page: int) -> dict:
        """One page of Content API search results: the `response` object."""
        params = {
            "q": self.search,
            "api-key": api_key,
            "show-fields": "shortUrl,commentable",
            "page-size": SEARCH_PAGE_SIZE,
            "page": page,
            "order-by": "newest",
            "from-date": start.date().isoformat(),
        }
        what = f"Guardian search for {self.search!r}, page {page}"
        try:
            payload = self.http.get_json(
                f"{self.content_base_url}/search", params=params, secrets=[api_key], credentials=KIND
            )
        except HttpStatusError as error:
            if error.status_code in (401, 403):
                raise CollectorError(
                    f"{what}: the Content API refused the key in {SEARCH_SECRET} (HTTP {error.status_code}); "
                    "check that it is a current key from open-platform.theguardian.com"
                ) from None
            message = as_text(as_dict(as_dict(error.json()).get("response")).get("message"))
            if message:
                raise CollectorError(f"{what}: {error} ({message.replace(api_key, '[redacted]')})") from None
            raise
        response = as_dict(as_dict(payload).get("response"))
        if not response:
            raise PayloadError(f"{what}: the answer has no 'response' object")
        if response.get("status") == "error":
            message = as_text(response.get("message")).replace(api_key, "[redacted]") or "no reason given"
            raise PayloadError(f"{what}: the API answered with an error: {message}")
        return response

    # -- collecting -------------------------------------------------------

    def fetch(self, cursor: dict) -> Iterator[Batch]:
        keys, warnings, search_state = self.discussion_keys(cursor)
        state = {k: dict(v) for k, v in as_dict(cursor.get("discussions")).items() if isinstance(v, dict)}
        if search_state is not None:  # forget discussions that searching found but are now too old
            state = {k: v for k, v in state.items() if k in keys}

        def snapshot() -> dict:
            saved = {**cursor, "discussions": {k: dict(v) for k, v in state.items()}}
            if search_state is not None:
                saved["search"] = search_state
            return saved

        if search_state is not None:  # what the search found is kept even if a discussion fails next
            yield Batch(items=[], cursor=snapshot(), warnings=warnings)
            warnings = []
        failed: list[tuple[str, CollectorError]] = []
        for key in keys:
            for batch in read_isolated(self._discussion(key, state, snapshot), key, failed):
                if warnings:
                    batch.warnings[:0] = warnings
                    warnings = []
                yield batch
        if failed and len(failed) == len(keys):
            raise failed[0][1]  # not one discussion could be read: the source failed, not a discussion
        warnings += [f"Guardian discussion {key} was not read to the end ({error}); the discussions after "
                     "it were, and it is read again next run" for key, error in failed]
        if warnings:
            yield Batch(items=[], cursor=snapshot(), warnings=warnings)

    def _discussion(self, key: str, state: dict, snapshot) -> Iterator[Batch]:
        previous = state.get(key, {})
        threaded = previous.get("threaded", True)
        try:
            payload, threaded = self._page(key, 1, threaded)
        except HttpStatusError as error:
            if error.status_code == 404:
                yield Batch(
                    items=[],
                    cursor=snapshot(),
                    warnings=[f"Guardian discussion {key} was not found (HTTP 404); check the key in sources.toml"],
                )
                return
            raise
        discussion = as_dict(payload.get("discussion"))
        pages = max(1, as_int(payload.get("pages")) or 1)
        count = as_int(discussion.get("commentCount"))
        same = count is not None and previous.get("comment_count") == count
        if same and previous.get("complete"):
            done = pages  # nothing new: page 1 (cheap, refreshes the post) is enough
        elif same and as_int(previous.get("pages_done")):
            done = min(as_int(previous.get("pages_done")), pages)  # resume after the last stored page
        else:
            done = 1

        comments = self._comments(payload, key)
        post_created = self._post_created(
            previous, [c.created_at for c in comments if c.created_at], self.published.get(key)
        )
        _fill_missing_times(comments, post_created)
        post = self._post(key, discussion, post_created)
        state[key] = self._entry(count, pages, done, threaded, post_created)
        yield Batch(items=[post, *comments], cursor=snapshot())

        page, cap = done + 1, limits.max_pages()
        while page <= pages:
            if page - done >= cap:  # page 1 was the first of this run's requests
                warning = limits.page_cap_warning(f"Guardian discussion {key} (it says {pages} pages)", cap,
                                                  "the next run goes on from there")
                yield Batch(items=[], cursor=snapshot(), warnings=[warning])
                return
            payload, threaded = self._page(key, page, threaded)
            pages = max(1, as_int(payload.get("pages")) or pages)
            comments = self._comments(payload, key)
            _fill_missing_times(comments, post_created)
            state[key] = self._entry(count, pages, page, threaded, post_created)
            yield Batch(items=comments, cursor=snapshot())
            page += 1

    @staticmethod
    def _entry(count, pages, done, threaded, created: datetime) -> dict:
        return {
            "comment_count": count,
            "pages": pages,
            "pages_done": done,
            "complete": done >= pages,
            "threaded": threaded,
            "created_at": created.replace(microsecond=0).isoformat(),
        }

    @staticmethod
    def _post_created(previous: dict, comment_times: list[datetime], published: datetime | None = None) -> datetime:
        """The article's publication time when search found it; else the earliest comment, kept once known."""
        if published is not None:
            return published.replace(tzinfo=UTC)
        stored = previous.get("created_at")
        if isinstance(stored, str):
            try:
                stamp = datetime.fromisoformat(stored)
                return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
            except ValueError:
                pass
        if comment_times:
            return min(comment_times)
        return datetime.now(UTC).replace(microsecond=0)

    def _page(self, key: str, page: int, threaded: bool) -> tuple[dict, bool]:
        """One page of a discussion, as (payload, threaded); switches to unthreaded if told to."""
        url = f"{self.base_url}/discussion-api/discussion/{key.lstrip('/')}"
        params = {
            "orderBy": "oldest",
            "pageSize": PAGE_SIZE,
            "displayThreaded": "true" if threaded else "false",
            "maxResponses": MAX_RESPONSES,
            "page": page,
        }
        try:
            payload = self.http.get_json(url, params=params)
        except HttpStatusError as error:
            body = error.json()
            if threaded and isinstance(body, dict) and body.get("errorCode") == LINEAR_ONLY:
                return self._page(key, page, threaded=False)
            raise
        if not isinstance(payload, dict):
            raise PayloadError(f"Guardian discussion {key}, page {page}: expected a JSON object")
        if payload.get("status") == "error":
            if threaded and payload.get("errorCode") == LINEAR_ONLY:
                return self._page(key, page, threaded=False)
            message = as_text(payload.get("message")) or as_text(payload.get("errorCode")) or "no reason given"
            raise PayloadError(f"Guardian discussion {key}, page {page}: the API answered with an error: {message}")
        if not isinstance(payload.get("discussion"), dict):
            raise PayloadError(f"Guardian discussion {key}, page {page}: the answer has no 'discussion' object")
        return payload, threaded

    def _more_responses(self, comment_id: int) -> list:
        """Every reply in one comment's thread, when the page sent only some."""
        payload = self.http.get_json(
            f"{self.base_url}/discussion-api/comment/{comment_id}",
            params={"displayThreaded": "true", "displayResponses": "true"},
        )
        comment = as_dict(as_dict(payload).get("comment"))
        if as_dict(payload).get("status") != "ok" or not comment:
            raise PayloadError(f"Guardian comment {comment_id}: the answer has no 'comment' object")
        return as_list(comment.get("responses"))

    # -- mapping ----------------------------------------------------------

    def _post(self, key: str, discussion: dict, created: datetime) -> Item:
        title = as_text(discussion.get("title")).strip()
        return Item(
            kind=KIND,
            native_id=key,
            item_type="post",
            created_at=created,
            raw_text=title,
            title=title or None,
            url=as_text(discussion.get("webUrl")) or None,
            reply_count=as_int(discussion.get("commentCount")),
        )

    def _comments(self, payload: dict, key: str) -> list[Item]:
        """Every comment and reply on a page (created_at None where the API gave no date)."""
        post_key = item_key(KIND, key)
        items: list[Item] = []
        for comment in as_list(as_dict(payload.get("discussion")).get("comments")):
            comment = as_dict(comment)
            # unthreaded pages list replies at the top level, naming their parent in responseTo
            top = self._comment(comment, post_key, parent_key=_replied_to(comment) or post_key)
            if top is None:
                continue
            responses = as_list(comment.get("responses"))
            expected = as_int(comment.get("numResponses"))
            if expected is not None and expected > len(responses):
                responses = self._more_responses(as_int(comment.get("id")))
            if top.reply_count is None:
                top.reply_count = len(responses)
            items.append(top)
            for response in responses:
                response = as_dict(response)
                reply = self._comment(response, post_key, parent_key=_replied_to(response) or top.key)
                if reply is not None:
                    items.append(reply)
        return items

    def _comment(self, comment: dict, post_key: str, parent_key: str) -> Item | None:
        comment_id = as_int(comment.get("id"))
        if comment_id is None:
            return None
        profile = as_dict(comment.get("userProfile"))
        status = as_text(comment.get("status")).lower()
        user_id = profile.get("userId")
        return Item(
            kind=KIND,
            native_id=str(comment_id),
            item_type="comment",
            created_at=parse_time(comment),  # None is filled in by _fill_missing_times
            raw_text=as_text(comment.get("body")),
            thread_id=post_key,
            parent_id=parent_key,
            author_id=str(user_id) if user_id not in (None, "") else None,
            author_name=as_text(profile.get("displayName")) or None,
            url=as_text(comment.get("webUrl")) or None,
            like_count=as_int(comment.get("numRecommends")),
            reply_count=as_int(comment.get("numResponses")),
            deleted=status in REMOVED_STATUSES,
        )
