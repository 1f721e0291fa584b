"""Reddit: new posts in a subreddit and every comment on them, through the OAuth API.

Application-only OAuth (an approved app's client id and secret, from
`REDDIT_CLIENT_ID` / `REDDIT_CLIENT_SECRET`):

    POST {auth_url}/api/v1/access_token   (HTTP basic auth id:secret, grant_type=client_credentials)
        -> {access_token, token_type: "bearer", expires_in, scope}

The token lives only in memory for the run; it is sent as `Authorization:
bearer ...` (a header http.py redacts) and never written anywhere. Then, on
{base_url} (default https://oauth.reddit.com), always with raw_json=1 so text
comes unescaped:

    GET /r/SUB/new.json?limit=100[&after=t3_x]   Listing{after, children[{kind: t3, data{...}}]}
    GET /api/info?id=t3_a,t3_b                    Listing of the posts, for fresh num_comments
    GET /comments/ID.json                          [post Listing, comment Listing]
        comment {kind: t1, data{id, name, parent_id, body, author, author_fullname,
                 created_utc, score, permalink, replies: Listing | ""}}
        stub    {kind: more, data{count, parent_id, children: [id36...]}}
    GET /api/morechildren?api_type=json&link_id=t3_ID&children=a,b   (100 ids a call)
        -> {json: {errors, data: {things: [t1 | more, flat, each with parent_id]}}}
    GET /comments/ID.json?comment=C   for a "continue this thread" stub (id "_", no children)

Every post is a "post" keyed by its fullname (`reddit:t3_abc`) and every
comment a "comment" (`reddit:t1_xyz`) whose parent_id is the fullname Reddit
gives (`t3_` for a top-level comment, the post's key). A comment whose body is
"[deleted]" or "[removed]" is kept (its replies hang from it) with empty text
and marked deleted.

Incremental: /new is paged newest first and paging stops at the newest post
of the last completed scan (cursor `seen_utc`) or at the look-back window
(`lookback_days`). The cursor keeps the posts inside the window with the
`num_comments` seen when their tree was last read; each run asks /api/info
for fresh counts (one request per 100 posts) and reads again only the trees
whose count changed, so replies to older posts still arrive.

A post that can no longer be read (HTTP 403/404) is dropped with a warning;
a stub Reddit refuses leaves the rest of the tree stored and the tree is read
again next run. Paging never loops: an `after` seen twice ends it.

Rate limits: `X-Ratelimit-Remaining` / `X-Ratelimit-Reset` (seconds) are read
on every answer; http.py waits when the budget is spent and the wait is short,
and otherwise stops the source with RateLimited, the cursor saved so far.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from collectors.errors import CollectorError, PayloadError
from collectors.http import HttpStatusError, header_rate_limit
from collectors.items import Batch, Item, item_key
from collectors.options import MissingSecret, require_secret
from collectors.payload import as_dict, as_int, as_list, as_text, parse_epoch
from collectors.trust import require_credentials_allowed
from settings.sources import SourceConfig, SourceKind
from settings.typed import Key

KIND = "reddit"
DEFAULT_BASE_URL = "https://oauth.reddit.com"
DEFAULT_AUTH_URL = "https://www.reddit.com"
SITE = "https://www.reddit.com"  # where permalinks point, whatever base_url is
CLIENT_ID = "REDDIT_CLIENT_ID"
CLIENT_SECRET = "REDDIT_CLIENT_SECRET"
PAGE = 100  # the largest Listing page
MORE_BATCH = 100  # ids per /api/morechildren call
MAX_EXTRA_CALLS = 50  # morechildren / continue-thread calls per post, at most
MAX_LISTING_PAGES = 10  # /new goes back 1000 posts at most
DELETED = {"[deleted]", "[removed]"}
SUBREDDIT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{1,20}$")

RATE_LIMIT = header_rate_limit("X-Ratelimit-Remaining", "X-Ratelimit-Reset", reset_style="seconds")


def _epoch(value: Any) -> float | None:
    """Seconds since 1970 as Reddit sends them; None for anything that is not a time (inf, NaN, too far)."""
    return float(value) if parse_epoch(value) is not None else None


def _when(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def subreddit_name(value: Any) -> str:
    """`walsall` from `walsall`, `r/walsall` or `/r/walsall/`."""
    name = as_text(value).strip().strip("/")
    if name.lower().startswith("r/"):
        name = name[2:]
    return name


def children(listing: Any) -> list[dict]:
    """The things in a Listing (`replies` is "" when a comment has none)."""
    return [as_dict(c) for c in as_list(as_dict(as_dict(listing).get("data")).get("children"))]


SOURCE = SourceKind(
    KIND, "A subreddit's new posts and their whole comment trees. Needs an app approved for Reddit's Data API.",
    keys=(
        Key("subreddit", "text", "the name after r/: for reddit.com/r/walsall, \"walsall\"", label="Subreddit",
            example="walsall"),
        Key("auth_url", "text", "where Reddit's sign-in is (default https://www.reddit.com)", advanced=True,
            address=True),
    ),
    one_of=("subreddit",), secrets=(CLIENT_ID, CLIENT_SECRET), name="Reddit",
)


class RedditCollector:
    """`subreddit = "walsall"` -> its new posts and their comment trees."""

    kind = KIND

    def __init__(self, source: SourceConfig, http):
        self.source = source
        self.http = http
        self.subreddit = subreddit_name(source.options.get("subreddit"))
        if not SUBREDDIT.match(self.subreddit):
            raise CollectorError(
                f"source {source.name!r}: subreddit {source.options.get('subreddit')!r} is not a subreddit name"
            )
        self.base_url = (source.base_url or DEFAULT_BASE_URL).rstrip("/")
        self.auth_url = (as_text(source.options.get("auth_url")) or DEFAULT_AUTH_URL).rstrip("/")
        try:
            self._client = (require_secret(CLIENT_ID), require_secret(CLIENT_SECRET))
        except MissingSecret as error:
            raise CollectorError(str(error)) from None
        for url in (self.auth_url, self.base_url):  # where the app's credentials go, and the token they buy
            require_credentials_allowed(source.name, url, KIND, f"{CLIENT_ID} / {CLIENT_SECRET}")
        self._token: str | None = None
        self.clock = getattr(http, "clock", time.time)
        self.warnings: list[str] = []

    # -- requests ---------------------------------------------------------

    def _authorise(self) -> str:
        """A fresh application-only token (kept in memory only)."""
        try:
            answer = self.http.post_json(
                f"{self.auth_url}/api/v1/access_token",
                data={"grant_type": "client_credentials"},
                basic_auth=self._client,
                rate_limit=RATE_LIMIT,
                credentials=KIND,
            )
        except HttpStatusError as error:
            if error.status_code in (400, 401, 403):
                raise CollectorError(
                    f"Reddit refused the app's credentials (HTTP {error.status_code}): "
                    f"check {CLIENT_ID} and {CLIENT_SECRET}, and that the app is approved for the API"
                ) from None
            raise
        token = as_text(as_dict(answer).get("access_token"))
        if not token:
            reason = as_text(as_dict(answer).get("error")) or "no access_token in the answer"
            raise CollectorError(f"Reddit did not grant a token ({reason}): check {CLIENT_ID} and {CLIENT_SECRET}")
        return token

    def _get(self, path: str, params: dict | None = None) -> Any:
        """GET on the OAuth API with the bearer token; one new token if it expired mid-run."""
        if self._token is None:
            self._token = self._authorise()
        query = {**(params or {}), "raw_json": 1}
        for attempt in (1, 2):
            try:
                return self.http.get_json(
                    f"{self.base_url}{path}",
                    params=query,
                    headers={"Authorization": f"bearer {self._token}"},
                    rate_limit=RATE_LIMIT,
                    credentials=KIND,
                )
            except HttpStatusError as error:
                if error.status_code == 401 and attempt == 1:
                    self._token = self._authorise()
                    continue
                if error.status_code in (403, 404) and path.startswith("/r/"):
                    raise CollectorError(
                        f"Reddit will not list r/{self.subreddit} (HTTP {error.status_code}): "
                        "private, banned or misspelt?"
                    ) from None
                raise
        raise CollectorError("Reddit kept refusing the token (HTTP 401)")  # not reached

    # -- collecting -------------------------------------------------------

    def fetch(self, cursor: dict) -> Iterator[Batch]:
        now = _when(self.clock())
        cutoff = (now - timedelta(days=self.source.lookback_days)).timestamp()
        state = {
            "seen_utc": _epoch(cursor.get("seen_utc")),
            "posts": {k: dict(v) for k, v in as_dict(cursor.get("posts")).items() if isinstance(v, dict)},
        }

        def snapshot() -> dict:
            data = {"posts": {k: dict(v) for k, v in state["posts"].items()}}
            if state["seen_utc"] is not None:
                data["seen_utc"] = state["seen_utc"]
            return data

        fresh: dict[str, dict] = {}
        yield from self._new_posts(state, cutoff, fresh, snapshot)
        yield from self._refresh_counts(state, cutoff, fresh, snapshot)
        for name in list(state["posts"]):
            entry = state["posts"][name]
            data = fresh.get(name)
            if data is None:
                continue  # gone from Reddit (or not returned): nothing to read
            count = as_int(data.get("num_comments"))
            if entry.get("comments") is not None and count is not None and count == entry.get("comments"):
                continue
            try:
                yield from self._tree(name, data, entry, snapshot)
            except HttpStatusError as error:
                if error.status_code not in (403, 404):
                    raise
                del state["posts"][name]  # removed, or its subreddit went private: nothing more to read
                warning = f"Reddit post {name} can no longer be read ({error}); skipped"
                yield Batch(items=[], cursor=snapshot(), warnings=[warning])
        for name, entry in list(state["posts"].items()):
            created = _epoch(entry.get("created"))
            old = created is not None and created < cutoff
            if old and (entry.get("comments") is not None or name not in fresh):
                del state["posts"][name]
        yield Batch(items=[], cursor=snapshot(), warnings=self.warnings)

    def _new_posts(self, state: dict, cutoff: float, fresh: dict, snapshot) -> Iterator[Batch]:
        """/new, newest first, down to the last completed scan or the look-back window."""
        seen = state["seen_utc"]
        newest = seen
        after: str | None = None
        afters: set[str] = set()
        while True:
            params = {"limit": PAGE, **({"after": after} if after else {})}
            listing = self._get(f"/r/{self.subreddit}/new.json", params)
            if as_dict(listing).get("kind") != "Listing":
                raise PayloadError(f"Reddit r/{self.subreddit}/new: expected a Listing")
            posts: list[Item] = []
            reached_end = False
            for thing in children(listing):
                data = as_dict(thing.get("data"))
                if thing.get("kind") != "t3" or not self._name(data, "t3"):
                    continue
                created = _epoch(data.get("created_utc"))
                if created is not None and ((seen is not None and created <= seen) or created < cutoff):
                    reached_end = True
                    name = self._name(data, "t3")
                    if name in state["posts"]:
                        fresh[name] = data  # its num_comments, without asking /api/info
                    continue
                post = self._post(data)
                posts.append(post)
                fresh[post.native_id] = data
                state["posts"].setdefault(post.native_id, {"comments": None})
                state["posts"][post.native_id]["created"] = post.created_at.timestamp()
                newest = max(newest or 0.0, post.created_at.timestamp())
            after = as_text(as_dict(listing.get("data")).get("after")) or None
            # Reddit lists at most 1000 posts (10 pages); an `after` seen before would loop
            done = reached_end or not after or after in afters or len(afters) + 1 >= MAX_LISTING_PAGES
            if after:
                afters.add(after)
            if done and newest is not None:
                state["seen_utc"] = newest
            yield Batch(items=posts, cursor=snapshot())
            if done:
                return

    def _refresh_counts(self, state: dict, cutoff: float, fresh: dict, snapshot) -> Iterator[Batch]:
        """Current num_comments (and score) of the remembered posts not just listed."""
        names = [
            name
            for name, entry in state["posts"].items()
            if name not in fresh
            and (entry.get("comments") is None or (_epoch(entry.get("created")) or cutoff) >= cutoff)
        ]
        for start in range(0, len(names), PAGE):
            chunk = names[start : start + PAGE]
            listing = self._get("/api/info", {"id": ",".join(chunk)})
            posts = []
            for thing in children(listing):
                data = as_dict(thing.get("data"))
                name = self._name(data, "t3")
                if thing.get("kind") == "t3" and name in chunk:
                    fresh[name] = data
                    posts.append(self._post(data, state["posts"][name].get("created")))
            yield Batch(items=posts, cursor=snapshot())

    def _tree(self, name: str, data: dict, entry: dict, snapshot) -> Iterator[Batch]:
        """One post's whole comment tree: nested Listings, then `more` stubs, as one Batch."""
        post_id = name[3:]
        answer = as_list(self._get(f"/comments/{post_id}.json", {"limit": 500}))
        post_things = children(answer[0]) if answer else []
        post_data = as_dict(post_things[0].get("data")) if post_things else {}
        if self._name(post_data, "t3") != name:
            post_data = {}  # not this post (or unreadable): the listing's copy stands in
        post = self._post(post_data or data, entry.get("created"))
        found: dict[str, Item] = {}
        more: list[str] = []
        threads: list[str] = []
        self._walk(children(answer[1]) if len(answer) > 1 else [], post, found, more, threads)

        complete = self._expand(name, post, found, more, threads)
        # an incomplete read (a refused stub) is read again next run; a complete one when the count moves
        entry["comments"] = as_int((post_data or data).get("num_comments")) if complete else None
        if complete and entry["comments"] is None:
            entry["comments"] = len(found)
        yield Batch(items=[post, *found.values()], cursor=snapshot())

    def _expand(self, name: str, post: Item, found: dict, more: list, threads: list) -> bool:
        """Fetch what `more` stubs hold back; False if Reddit refused a stub (the others are still read)."""
        post_id = name[3:]
        asked: set[str] = set()
        calls = 0
        complete = True
        while (more or threads) and calls < MAX_EXTRA_CALLS:
            calls += 1
            try:
                if more:
                    batch = [i for i in dict.fromkeys(more) if i not in asked][:MORE_BATCH]
                    more[:] = [i for i in more if i not in batch and i not in asked]
                    if not batch:
                        continue
                    asked.update(batch)
                    params = {"api_type": "json", "link_id": name, "children": ",".join(batch)}
                    body = as_dict(as_dict(self._get("/api/morechildren", params)).get("json"))
                    if as_list(body.get("errors")):
                        self.warnings.append(f"Reddit morechildren for {name} answered errors: {body.get('errors')}")
                    things = [as_dict(t) for t in as_list(as_dict(body.get("data")).get("things"))]
                else:
                    parent = threads.pop(0)
                    if parent in asked:
                        continue
                    asked.add(parent)
                    sub = as_list(self._get(f"/comments/{post_id}.json", {"comment": parent[3:], "limit": 500}))
                    things = children(sub[1]) if len(sub) > 1 else []
            except HttpStatusError as error:
                self.warnings.append(
                    f"Reddit post {name}: some replies could not be read ({error}); tried again next run"
                )
                complete = False
                continue
            self._walk(things, post, found, more, threads)
        if more or threads:
            self.warnings.append(
                f"Reddit post {name}: stopped after {MAX_EXTRA_CALLS} extra requests; some comments were not read"
            )
        return complete

    def _walk(self, things: list[dict], post: Item, found: dict, more: list, threads: list) -> None:
        """Comments in `things` (and their nested replies) into `found`; stubs into more / threads."""
        stack = list(reversed(things))
        while stack:
            thing = stack.pop()
            data = as_dict(thing.get("data"))
            if thing.get("kind") == "more":
                ids = [i for i in as_list(data.get("children")) if isinstance(i, str) and i]
                if ids:
                    more.extend(ids)
                elif as_text(data.get("parent_id")).startswith("t1_"):
                    threads.append(data["parent_id"])  # "continue this thread"
                continue
            if thing.get("kind") != "t1":
                continue
            comment = self._comment(data, post, found)
            if comment is None:
                continue
            found[comment.key] = comment
            stack.extend(reversed(children(data.get("replies"))))

    # -- mapping ----------------------------------------------------------

    @staticmethod
    def _name(data: dict, prefix: str) -> str:
        name = as_text(data.get("name"))
        if not name and as_text(data.get("id")):
            name = f"{prefix}_{data['id']}"
        return name if name.startswith(prefix + "_") else ""

    def _item(self, data: dict, name: str, item_type: str, created_at: datetime, text: str,
              other_url: str | None = None, **fields) -> Item:
        """What posts and comments share: author, score, permalink (else `other_url`), and
        "[deleted]" / "[removed]" text kept as empty text on an item marked deleted."""
        deleted = text.strip() in DELETED
        author = as_text(data.get("author"))
        permalink = as_text(data.get("permalink"))
        return Item(
            kind=KIND,
            native_id=name,
            item_type=item_type,
            created_at=created_at,
            raw_text="" if deleted else text,
            author_id=as_text(data.get("author_fullname")) or None,
            author_name=author if author and author not in DELETED else None,
            url=f"{SITE}{permalink}" if permalink.startswith("/") else other_url,
            like_count=as_int(data.get("score")),
            is_council=self.source.is_council(author),
            deleted=deleted,
            **fields,
        )

    def _post(self, data: dict, known_created: float | None = None) -> Item:
        created = _epoch(data.get("created_utc")) or _epoch(known_created) or self.clock()
        selftext = as_text(data.get("selftext"))
        title = as_text(data.get("title")).strip()
        text = selftext if selftext.strip() in DELETED else (selftext or title)
        return self._item(
            data, self._name(data, "t3"), "post", _when(created), text,
            other_url=as_text(data.get("url")) or None,
            title=title or None,
            reply_count=as_int(data.get("num_comments")),
        )

    def _comment(self, data: dict, post: Item, found: dict) -> Item | None:
        name = self._name(data, "t1")
        if not name:
            return None
        parent = as_text(data.get("parent_id"))
        parent_key = item_key(KIND, parent) if parent.startswith(("t1_", "t3_")) else post.key
        created = _epoch(data.get("created_utc"))
        created_at = _when(created) if created is not None else (found.get(parent_key) or post).created_at
        return self._item(
            data, name, "comment", created_at, as_text(data.get("body")), thread_id=post.key, parent_id=parent_key
        )
