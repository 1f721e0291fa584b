"""Mastodon, and servers that speak its API (Pleroma, Akkoma, GoToSocial, ...).

    GET {base_url}/api/v1/accounts/lookup?acct=NAME          -> Account {id, acct, ...}
    GET {base_url}/api/v1/accounts/{id}/statuses
        ?limit=40&exclude_replies=true&exclude_reblogs=true&max_id=|min_id=
                                                             -> [Status], Link: <...>; rel="next", <...>; rel="prev"
    GET {base_url}/api/v1/statuses/{id}/context              -> {ancestors: [Status], descendants: [Status]}

(field names as docs.joinmastodon.org documents them: methods/accounts,
methods/statuses, entities/Status, entities/Context, api/rate-limits.)

What is collected
-----------------
* The account's own statuses that start a conversation become "post" items.
  Boosts (`reblog` set) are skipped: the text is someone else's, and replies
  to a boost go to the original author's thread, not the council's. Statuses
  that are themselves replies (`in_reply_to_id` set) are skipped in the list:
  the council continuing its own thread arrives with that thread's replies
  (as a council reply), and the council answering someone else's post is part
  of that person's conversation, not one the council started. Both filters are
  also asked of the server (`exclude_reblogs`, `exclude_replies`); compatible
  servers may ignore them, so they are applied here too.
* Every descendant in a post's context becomes a "comment" whose parent is
  its `in_reply_to_id`; a descendant whose parent is missing or not in the
  thread (a server that omits the field, a reply to a reply we were not sent)
  hangs off the post itself. `thread_id` is always the post's key.
* Text is the status `content` as the server sends it (HTML), with the content
  warning (`spoiler_text`) in front when there is one; analysis cleans it.

Incremental collection
----------------------
The cursor keeps the account id (looked up once), `newest_id` (every status up
to it has been seen) and `recent`: the posts still inside the look-back window
(`lookback_days`, default 14), whose contexts are re-read each run so late
replies still arrive. A first run pages back with `max_id` to the start of the
window (`backfill` in the cursor lets a run cut short resume where it
stopped); every run then pages forward from `newest_id` with `min_id`, so each
saved page moves the cursor on without gaps. Ids are strings compared as
numbers when they are numbers (Mastodon's are; some servers' are not).

Rate limits and sign-in
-----------------------
X-RateLimit-Remaining / X-RateLimit-Reset (an ISO 8601 time; Mastodon sends no
Retry-After) are honoured by http.py: a short wait is sat out, a long one stops
the source with RateLimited and the next run resumes from the cursor.
MASTODON_TOKEN (optional, an access token with read scope) is sent as a Bearer
token when set; instances in "limited federation / whitelist" mode need it, and
Mastodon only sends anonymous callers the first 60 replies of a thread (20
levels deep). The token is never stored, logged or shown.
"""

from __future__ import annotations

import copy
import html
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from collectors.errors import CollectorError, PayloadError
from collectors.http import HttpStatusError, decode_json, header_rate_limit, where
from collectors.items import Batch, Item, item_key
from collectors.limits import page_cap_warning
from collectors.options import option_name, web_address
from collectors.payload import (
    as_dict,
    as_int,
    as_list,
    as_text,
    parse_iso_time,
    split_url,
)
from collectors.trust import credentials_refused
from settings.secrets import read_secret
from settings.sources import SourceConfig, SourceKind
from settings.typed import Key

KIND = "mastodon"
TOKEN_VARIABLE = "MASTODON_TOKEN"
PAGE_LIMIT = 40  # the most statuses Mastodon serves per page
MAX_PAGES = 100  # per sweep and run: a guard against a server that pages forever
ANONYMOUS_DESCENDANTS_LIMIT = 60  # Mastodon's cap on a context for callers without a token
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
RATE_LIMIT = header_rate_limit("X-RateLimit-Remaining", "X-RateLimit-Reset", reset_style="iso")


# -- small readers that never raise on odd input ---------------------------


def _id(value: Any) -> str | None:
    """A status or account id as a string (servers send strings; some send numbers)."""
    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip()
    return text or None


def id_order(status_id: str) -> tuple[int, int, str]:
    """Sort key for ids: numerically when they are numbers ("99" before "100"), else as text."""
    if status_id.isdigit():
        return (0, int(status_id), "")
    return (1, 0, status_id)


def is_newer(candidate: str, than: str | None) -> bool:
    return than is None or id_order(candidate) > id_order(than)


def parse_link_header(value: str | None) -> dict[str, str]:
    """RFC 8288 `Link` header -> {rel: url}, e.g. {"next": ..., "prev": ...}."""
    links: dict[str, str] = {}
    for part in (value or "").split(","):
        if "<" not in part or ">" not in part:
            continue
        url = part[part.index("<") + 1 : part.index(">")].strip()
        for param in part[part.index(">") + 1 :].split(";"):
            name, _, rel = param.strip().partition("=")
            if name.strip().lower() == "rel":
                for word in rel.strip().strip('"').split():
                    links.setdefault(word.lower(), url)
    return links


def status_text(status: dict) -> str:
    """The status as the server wrote it (HTML), content warning first."""
    content = as_text(status.get("content"))
    spoiler = as_text(status.get("spoiler_text")).strip()
    if spoiler:
        return f"<p>{html.escape(spoiler)}</p>{content}"
    return content


SOURCE = SourceKind(
    KIND, "A Mastodon account's posts and every reply to them. Public accounts need no key.",
    keys=(Key("account", "text", 'the user name: for @walsallcouncil@mastodon.social, "walsallcouncil" '
              "(the server goes in its own box)", label="Account name", example="walsallcouncil"),),
    one_of=("account",), base_url_required=True, secrets=(TOKEN_VARIABLE,), name="Mastodon",
    secrets_needed_for="a server that refuses anonymous reading",
)


class MastodonCollector:
    """One account (`account` in sources.toml) on one instance (`base_url`)."""

    kind = KIND

    def __init__(self, source: SourceConfig, http):
        self.account = option_name(source, "account", 'a Mastodon user name like "walsallcouncil"')
        self.base_url = web_address(source, "", "the instance's address, e.g. https://mastodon.social")
        self.source = source
        self.http = http
        self.host = urlsplit(self.base_url).netloc
        # Status ids are numbered by each instance: keys name the instance (its host name), so two
        # instances' statuses never collide (store/schema.py's migration 6 computes the same).
        self.namespace = urlsplit(self.base_url).hostname
        self.token = read_secret(TOKEN_VARIABLE)
        # The instance is the source's choice: the token goes only to one the operator trusts.
        self.withheld = credentials_refused(self.base_url, KIND, TOKEN_VARIABLE) if self.token else None
        if self.withheld:
            self.token = None
        self.clock = getattr(http, "clock", time.time)
        self.account_id: str | None = None

    # -- requests ----------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def _get(self, url: str, params: dict | None = None) -> tuple[Any, Any]:
        """(decoded JSON, response headers); sign-in refusals explained in words."""
        if not url.startswith(("http://", "https://")):
            url = self.base_url + url
        try:
            result = self.http.get(url, params=params, headers=self._headers(), rate_limit=RATE_LIMIT,
                                   credentials=KIND if self.token else None)
        except HttpStatusError as error:
            if error.status_code in (401, 403):
                raise self._refused(error) from None
            raise
        return decode_json(result), result.headers

    def _refused(self, error: HttpStatusError) -> CollectorError:
        said = as_text(as_dict(error.json()).get("error")).strip()[:200]
        if self.token:
            said = said.replace(self.token, "[redacted]")
        said = f" (the server said: {said})" if said else ""
        if not self.token:
            return CollectorError(
                f"{self.host} only answers signed-in requests (HTTP {error.status_code}){said}: "
                f"set {TOKEN_VARIABLE} (an access token with read scope) in the environment "
                f"or .streamlit/secrets.toml"
            )
        return CollectorError(
            f"{self.host} refused {TOKEN_VARIABLE} (HTTP {error.status_code}){said}: "
            "check the token is current and has read scope"
        )

    def _same_server(self, url: str | None) -> bool:
        """Only follow Link URLs on our own instance: the token must not go anywhere else."""
        if not url:
            return False
        parts, ours = split_url(url), urlsplit(self.base_url)
        return parts is not None and (parts.scheme, parts.netloc) == (ours.scheme, ours.netloc)

    # -- the run -----------------------------------------------------------

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def fetch(self, cursor: dict) -> Iterator[Batch]:
        if self.withheld:
            yield Batch(items=[], cursor=cursor, warnings=[f"{self.withheld}; collected what {self.host} "
                                                           "shows without signing in"])
        state = copy.deepcopy(cursor) if isinstance(cursor, dict) else {}
        if state.get("account") != self.account or not _id(state.get("account_id")):
            state = {"account": self.account, "account_id": self._lookup()}
        self.account_id = str(state["account_id"])
        cutoff = self.now() - timedelta(days=self.source.lookback_days)
        state["recent"] = {
            sid: stamp
            for sid, stamp in as_dict(state.get("recent")).items()
            if (parse_iso_time(stamp) or EPOCH) >= cutoff  # unreadable stamps are dropped
        }

        if "newest_id" not in state:
            yield from self._backfill(state, cutoff)
        yield from self._forward(state, cutoff)
        yield from self._replies(state)

    def _lookup(self) -> str:
        try:
            account, _ = self._get("/api/v1/accounts/lookup", {"acct": self.account})
        except HttpStatusError as error:
            if error.status_code in (404, 410):
                raise CollectorError(
                    f"there is no account {self.account!r} on {self.host} "
                    f"(HTTP {error.status_code}); check account and base_url in sources.toml"
                ) from None
            raise
        account_id = _id(as_dict(account).get("id"))
        if account_id is None:
            raise PayloadError(f"{where(self.base_url + '/api/v1/accounts/lookup')}: the answer has no account id")
        return account_id

    def _statuses_url(self) -> str:
        return f"{self.base_url}/api/v1/accounts/{self.account_id}/statuses"

    def _page(self, url: str, params: dict | None) -> tuple[list[dict], dict[str, str]]:
        data, headers = self._get(url, params)
        if not isinstance(data, list):
            raise PayloadError(f"{where(url)}: expected a list of statuses, got {type(data).__name__}")
        return [s for s in data if isinstance(s, dict) and _id(s.get("id"))], parse_link_header(headers.get("link"))

    def _backfill(self, state: dict, cutoff: datetime) -> Iterator[Batch]:
        """Newest first, back to the start of the look-back window (a first run only).

        Each page is saved with `backfill` = {top, max_id} in the cursor, so a
        run cut short resumes below the last saved page; newest_id is only set
        once the window is covered, so the forward pass never skips a gap.
        """
        progress = as_dict(state.get("backfill"))
        top = _id(progress.get("top"))
        below = _id(progress.get("max_id"))
        base = {"limit": PAGE_LIMIT, "exclude_replies": "true", "exclude_reblogs": "true"}
        url, params = self._statuses_url(), ({**base, "max_id": below} if below else dict(base))
        last: list[Item] = []
        warnings: list[str] = []
        for _ in range(MAX_PAGES):
            statuses, links = self._page(url, params)
            if not statuses:
                break
            items, reached_window_start = [], False
            for status in statuses:
                sid = _id(status.get("id"))
                if is_newer(sid, top):
                    top = sid
                created = parse_iso_time(status.get("created_at"))
                if created is not None and created < cutoff:
                    reached_window_start = True
                    continue
                item = self._post(status, state)
                if item is not None:
                    items.append(item)
            below = min((_id(s.get("id")) for s in statuses), key=id_order)
            if reached_window_start:
                last = items  # saved below, with the finished cursor
                break
            state["backfill"] = {"top": top, "max_id": below}
            yield Batch(items=items, cursor=copy.deepcopy(state))
            following = links.get("next")
            if self._same_server(following):
                url, params = following, None
            else:
                url, params = self._statuses_url(), {**base, "max_id": below}
        else:
            warnings.append(page_cap_warning(f"{self.host} statuses of {self.account}", MAX_PAGES,
                                             "older posts in the look-back window were not read"))
        state.pop("backfill", None)
        # "0" when the account has never posted: the forward pass then starts at its beginning.
        state["newest_id"] = top or "0"
        yield Batch(items=last, cursor=copy.deepcopy(state), warnings=warnings)

    def _forward(self, state: dict, cutoff: datetime) -> Iterator[Batch]:
        """Everything newer than newest_id, oldest page first, one saved page at a time."""
        base = {"limit": PAGE_LIMIT, "exclude_replies": "true", "exclude_reblogs": "true"}
        url, params = self._statuses_url(), {**base, "min_id": state["newest_id"]}
        for _ in range(MAX_PAGES):
            statuses, links = self._page(url, params)
            newest = state["newest_id"]
            fresh = [s for s in statuses if is_newer(_id(s.get("id")), state["newest_id"])]
            if not fresh:  # nothing new (or a server that ignored min_id and sent what we have)
                return
            items = []
            for status in fresh:
                sid = _id(status.get("id"))
                if is_newer(sid, newest):
                    newest = sid
                item = self._post(status, state, track=(parse_iso_time(status.get("created_at")) or cutoff) >= cutoff)
                if item is not None:
                    items.append(item)
            state["newest_id"] = newest
            yield Batch(items=items, cursor=copy.deepcopy(state))
            following = links.get("prev")
            if self._same_server(following):
                url, params = following, None
            else:
                url, params = self._statuses_url(), {**base, "min_id": newest}
        yield Batch(items=[], cursor=copy.deepcopy(state), warnings=[
            page_cap_warning(f"{self.host} statuses of {self.account}", MAX_PAGES, "the next run goes on from there")])

    def _replies(self, state: dict) -> Iterator[Batch]:
        """Re-read the context of every post still in the look-back window, newest first
        (the likeliest to have new replies, should the rate limit stop the run)."""
        for sid in sorted(state["recent"], key=id_order, reverse=True):
            try:
                context, _ = self._get(f"/api/v1/statuses/{sid}/context")
            except HttpStatusError as error:
                if error.status_code not in (404, 410):
                    raise
                state["recent"].pop(sid, None)  # deleted: no replies will come any more
                yield Batch(items=[], cursor=copy.deepcopy(state))
                continue
            descendants = as_list(as_dict(context).get("descendants"))
            warnings = []
            if not self.token and len(descendants) >= ANONYMOUS_DESCENDANTS_LIMIT:
                warnings.append(
                    f"post {sid} has more replies than {self.host} shows without signing in "
                    f"(it sent {len(descendants)}); set {TOKEN_VARIABLE} to collect them all"
                )
            root_time = parse_iso_time(state["recent"].get(sid)) or self.now()
            items = self.thread_items(sid, descendants, root_time)
            yield Batch(items=items, cursor=copy.deepcopy(state), warnings=warnings)

    # -- mapping -----------------------------------------------------------

    def _author(self, status: dict) -> tuple[str | None, str | None, bool]:
        account = as_dict(status.get("account"))
        acct = as_text(account.get("acct")).strip() or as_text(account.get("username")).strip() or None
        name = as_text(account.get("display_name")).strip() or as_text(account.get("username")).strip() or acct
        return acct, name, _id(account.get("id")) == self.account_id

    def _post(self, status: dict, state: dict, track: bool = True) -> Item | None:
        """A status from the account's list as a post, or None for boosts and replies."""
        if status.get("reblog") or _id(status.get("in_reply_to_id")):
            return None
        acct, name, own = self._author(status)
        if as_dict(status.get("account")) and not own:
            return None  # someone else's status in our list: not the council's post
        created = parse_iso_time(status.get("created_at"))
        if created is None:
            return None  # no time, no place on any chart; Mastodon always sends one
        sid = _id(status.get("id"))
        if track:
            state["recent"][sid] = created.isoformat()
        return Item(
            kind=KIND,
            native_id=sid,
            item_type="post",
            created_at=created,
            raw_text=status_text(status),
            author_id=acct or self.account,
            author_name=name or self.account,
            url=as_text(status.get("url")) or as_text(status.get("uri")) or None,
            lang=as_text(status.get("language")) or None,
            like_count=as_int(status.get("favourites_count")),
            reply_count=as_int(status.get("replies_count")),
            is_council=True,
            namespace=self.namespace,
        )

    def thread_items(self, root_id: str, descendants: list, root_time: datetime) -> list[Item]:
        """A context's descendants as comments, each under its parent (else the post)."""
        root_key = item_key(KIND, root_id, self.namespace)
        by_id: dict[str, dict] = {}
        for status in descendants:
            status = as_dict(status)
            sid = _id(status.get("id"))
            if sid and sid != root_id and not status.get("reblog"):
                by_id[sid] = status
        items = []
        for sid, status in by_id.items():
            parent = _id(status.get("in_reply_to_id"))
            parent_key = item_key(KIND, parent, self.namespace) if parent in by_id and parent != sid else root_key
            acct, name, own = self._author(status)
            items.append(
                Item(
                    kind=KIND,
                    native_id=sid,
                    item_type="comment",
                    created_at=parse_iso_time(status.get("created_at")) or root_time,
                    raw_text=status_text(status),
                    thread_id=root_key,
                    parent_id=parent_key,
                    author_id=acct,
                    author_name=name,
                    url=as_text(status.get("url")) or as_text(status.get("uri")) or None,
                    lang=as_text(status.get("language")) or None,
                    like_count=as_int(status.get("favourites_count")),
                    reply_count=as_int(status.get("replies_count")),
                    is_council=own,
                    namespace=self.namespace,
                )
            )
        return items
