"""Bluesky, from the public AppView (no account needed).

    GET {base_url}/xrpc/app.bsky.feed.getAuthorFeed?actor=A&limit=100&filter=posts_no_replies&cursor=C
        -> {feed: [feedViewPost {post: postView, reply?, reason?}], cursor?}
    GET {base_url}/xrpc/app.bsky.feed.getPostThread?uri=U&depth=1000&parentHeight=0
        -> {thread: threadViewPost {post, replies: [threadViewPost | notFoundPost | blockedPost]}}

(field names as the app.bsky lexicons define them: feed/getAuthorFeed.json,
feed/getPostThread.json, feed/defs.json, feed/post.json, richtext/facet.json,
in bluesky-social/atproto.) A postView is {uri, cid, author {did, handle,
displayName?}, record {text, createdAt, langs?, facets?, reply?}, replyCount?,
likeCount?, indexedAt}.

What is collected
-----------------
* The actor's own posts that start a conversation become "post" items, keyed
  by their at:// uri. Reposts (`reason` set: the text is someone else's) and
  pins (`reason` #reasonPin, a copy of a post listed anyway) are skipped, and
  so are the actor's replies (asked away with filter=posts_no_replies, and
  checked here): a reply continuing the council's own thread arrives with that
  thread, a reply in someone else's conversation is not the council's post.
* Every reply in a post's thread becomes a "comment" under the post it
  answers, however deep; `thread_id` is the post's key. A #notFoundPost (a
  deleted reply) or #blockedPost (hidden by a block) has no text to keep and
  is skipped; the AppView sends no replies beneath either.
* Text is the record's plain `text`, as written; facets (links, mentions,
  tags) only annotate byte ranges of that text, so nothing is lost without
  them, and analysis cleans the text once.
* The time of an item is the earlier of the author's `createdAt` and the
  AppView's `indexedAt` (Bluesky's own "sortAt"): a client clock set in the
  future cannot put a post ahead of its time.

Incremental collection
----------------------
The feed's `cursor` is opaque, so each run reads the feed newest first and
stops at the first post it has already seen (or at the start of the
look-back window). `recent` in the cursor keeps the posts still inside the
window (`lookback_days`, default 14); their threads are re-read every run so
late replies still arrive. A sweep cut short keeps the feed cursor of the next
page in `sweep`; the next run finishes that sweep first, so no gap is left.

Rate limits and sign-in
-----------------------
RateLimit-Remaining / RateLimit-Reset (epoch seconds) are honoured by
http.py: a short wait is sat out, a long one stops the source with
RateLimited and the next run resumes. Neither call needs an account on the
public AppView, so there is no secret to set; a host that asks for sign-in
(a PDS or a private AppView as base_url) gets one clear line saying so.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from collectors.errors import CollectorError, PayloadError
from collectors.http import HttpStatusError, header_rate_limit, where
from collectors.items import Batch, Item
from collectors.limits import page_cap_warning
from collectors.options import option_name, web_address
from collectors.payload import as_dict, as_id, as_int, as_list, as_text, parse_iso_time
from settings.sources import SourceConfig, SourceKind
from settings.typed import Key

KIND = "bluesky"
DEFAULT_BASE_URL = "https://public.api.bsky.app"
AUTHOR_FEED = "/xrpc/app.bsky.feed.getAuthorFeed"
POST_THREAD = "/xrpc/app.bsky.feed.getPostThread"
PAGE_LIMIT = 100  # the most the lexicon allows per page
THREAD_DEPTH = 1000  # the lexicon's maximum: every level of replies
MAX_PAGES = 100  # per sweep and run: a guard against a feed that pages forever
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
RATE_LIMIT = header_rate_limit("RateLimit-Remaining", "RateLimit-Reset", reset_style="epoch")
THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"
NOT_FOUND = "app.bsky.feed.defs#notFoundPost"
BLOCKED = "app.bsky.feed.defs#blockedPost"


class FeedRefused(CollectorError):
    """The AppView would not list the actor's posts (HTTP 400: unknown actor, blocked, bad cursor)."""


def post_time(post: dict) -> datetime | None:
    """The earlier of the record's createdAt and the AppView's indexedAt (Bluesky's sortAt)."""
    stamps = [
        t for t in (parse_iso_time(as_dict(post.get("record")).get("createdAt")), parse_iso_time(post.get("indexedAt"))) if t
    ]
    return min(stamps) if stamps else None


def node_kind(node: dict) -> str:
    """"post", "notFound", "blocked" or "unknown" for a thread union member."""
    kind = as_text(node.get("$type"))
    if kind == NOT_FOUND or node.get("notFound") is True:
        return "notFound"
    if kind == BLOCKED or node.get("blocked") is True:
        return "blocked"
    if kind in ("", THREAD_VIEW) and isinstance(node.get("post"), dict):
        return "post"
    return "unknown"


def web_url(uri: str, author: dict) -> str | None:
    """https://bsky.app/profile/{did}/post/{rkey} for an at://{did}/app.bsky.feed.post/{rkey} uri."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != "app.bsky.feed.post":
        return None
    return f"https://bsky.app/profile/{as_text(author.get('did')) or parts[0]}/post/{parts[2]}"


SOURCE = SourceKind(
    KIND, "A Bluesky account's posts and every reply to them; no account or key is needed.",
    keys=(Key("actor", "text", "the handle shown on the profile, without the @, or its DID",
              label="Account handle", example="walsallcouncil.bsky.social"),),
    one_of=("actor",), name="Bluesky",
)


class BlueskyCollector:
    """One account (`actor` in sources.toml: a handle or a DID) on the public AppView."""

    kind = KIND

    def __init__(self, source: SourceConfig, http):
        self.actor = option_name(source, "actor", 'a Bluesky handle like "walsallcouncil.bsky.social" or a DID')
        self.base_url = web_address(source, DEFAULT_BASE_URL, f"an address like {DEFAULT_BASE_URL}")
        self.source = source
        self.http = http
        self.host = urlsplit(self.base_url).netloc
        self.clock = getattr(http, "clock", time.time)

    # -- requests ----------------------------------------------------------

    def _get(self, path: str, params: dict) -> dict:
        try:
            data = self.http.get_json(self.base_url + path, params=params, rate_limit=RATE_LIMIT)
        except HttpStatusError as error:
            raise self._explain(error, path) from None
        if not isinstance(data, dict):
            raise PayloadError(f"{where(self.base_url + path)}: expected a JSON object, got {type(data).__name__}")
        return data

    def _explain(self, error: HttpStatusError, path: str) -> CollectorError:
        body = as_dict(error.json())
        name = as_text(body.get("error")).strip()[:80]
        said = as_text(body.get("message")).strip()[:200]
        words = ": ".join(w for w in (name, said) if w)
        if error.status_code in (401, 403):
            return CollectorError(
                f"{self.host} asked for sign-in (HTTP {error.status_code}{', ' + words if words else ''}); "
                f"the author feed and threads need no account on the public AppView: "
                f"set base_url to {DEFAULT_BASE_URL} or leave it out"
            )
        if path == AUTHOR_FEED and error.status_code == 400:
            return FeedRefused(
                f"Bluesky would not list the posts of {self.actor!r} (HTTP 400{', ' + words if words else ''}); "
                "check actor in sources.toml"
            )
        return error

    # -- the run -----------------------------------------------------------

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def fetch(self, cursor: dict) -> Iterator[Batch]:
        state = copy.deepcopy(cursor) if isinstance(cursor, dict) else {}
        if state.get("actor") != self.actor:
            state = {"actor": self.actor}
        cutoff = self.now() - timedelta(days=self.source.lookback_days)
        state["recent"] = {
            uri: stamp
            for uri, stamp in as_dict(state.get("recent")).items()
            if (parse_iso_time(stamp) or EPOCH) >= cutoff  # unreadable stamps are dropped
        }
        pending = as_text(as_dict(state.get("sweep")).get("cursor"))
        stop_at_seen = True
        if pending:
            try:
                yield from self._sweep(state, cutoff, pending)
            except FeedRefused:
                # the saved feed cursor is no longer accepted: read the whole window again instead
                state.pop("sweep", None)
                stop_at_seen = False
        yield from self._sweep(state, cutoff, None, stop_at_seen)
        yield from self._threads(state)

    def _sweep(self, state: dict, cutoff: datetime, start: str | None, stop_at_seen: bool = True) -> Iterator[Batch]:
        """The author feed newest first, to the first post already seen or the window's start."""
        seen = set(state["recent"]) if stop_at_seen else set()
        page_cursor = start
        for _ in range(MAX_PAGES):
            params = {"actor": self.actor, "limit": PAGE_LIMIT, "filter": "posts_no_replies"}
            if page_cursor:
                params["cursor"] = page_cursor
            data = self._get(AUTHOR_FEED, params)
            feed = as_list(data.get("feed"))
            items: list[Item] = []
            done = False
            for entry in feed:
                entry = as_dict(entry)
                post = as_dict(entry.get("post"))
                uri = as_id(post.get("uri"))
                if not uri or entry.get("reason") or as_dict(post.get("record")).get("reply"):
                    continue  # a repost or pin (someone else's text, or a copy), or a reply
                created = post_time(post)
                if uri in seen or (created is not None and created < cutoff):
                    done = True  # everything below this is stored already, or too old
                    break
                item = self.post_item(post)
                if item is not None:
                    items.append(item)
                    state["recent"][uri] = item.created_at.isoformat()
            page_cursor = as_text(data.get("cursor")) or None
            if done or not feed or not page_cursor:
                state.pop("sweep", None)
                yield Batch(items=items, cursor=copy.deepcopy(state))
                return
            state["sweep"] = {"cursor": page_cursor}
            yield Batch(items=items, cursor=copy.deepcopy(state))
        state.pop("sweep", None)
        warning = page_cap_warning(f"Bluesky feed of {self.actor}", MAX_PAGES, "older posts were not read")
        yield Batch(items=[], cursor=copy.deepcopy(state), warnings=[warning])

    def _threads(self, state: dict) -> Iterator[Batch]:
        """Re-read the thread of every post still in the look-back window, newest first
        (the likeliest to have new replies, should the rate limit stop the run)."""
        for uri in sorted(state["recent"], key=lambda u: parse_iso_time(state["recent"][u]) or self.now(), reverse=True):
            try:
                data = self._get(POST_THREAD, {"uri": uri, "depth": THREAD_DEPTH, "parentHeight": 0})
            except HttpStatusError as error:
                if as_dict(error.json()).get("error") != "NotFound":
                    raise
                data = {}  # the post was deleted: the AppView answers 400 NotFound
            thread = as_dict(data.get("thread"))
            if node_kind(thread) != "post":  # deleted, or hidden: no replies will come any more
                state["recent"].pop(uri, None)
                yield Batch(items=[], cursor=copy.deepcopy(state))
                continue
            yield Batch(items=self.thread_items(thread), cursor=copy.deepcopy(state))

    # -- mapping -----------------------------------------------------------

    def _item(self, post: dict, item_type: str, fallback_time: datetime | None = None) -> Item | None:
        uri = as_id(post.get("uri"))
        created = post_time(post) or fallback_time
        if not uri or created is None:
            return None
        record = as_dict(post.get("record"))
        author = as_dict(post.get("author"))
        did = as_text(author.get("did")) or None
        handle = as_text(author.get("handle")).strip()
        handle = handle if handle and handle != "handle.invalid" else None
        langs = [lang for lang in as_list(record.get("langs")) if isinstance(lang, str) and lang.strip()]
        return Item(
            kind=KIND,
            native_id=uri,
            item_type=item_type,
            created_at=created,
            raw_text=as_text(record.get("text")),
            author_id=handle or did,
            author_name=as_text(author.get("displayName")).strip() or handle or did,
            url=web_url(uri, author),
            lang=langs[0].strip().lower() if langs else None,
            like_count=as_int(post.get("likeCount")),
            reply_count=as_int(post.get("replyCount")),
        )

    def post_item(self, post: dict) -> Item | None:
        item = self._item(post, "post")
        if item is not None:
            item.is_council = True  # the actor's own feed, reposts and replies left out
        return item

    def thread_items(self, thread: dict) -> list[Item]:
        """The root post (its counts refreshed) and every reply beneath it."""
        root = as_dict(thread.get("post"))
        root_item = self.post_item(root)
        if root_item is None:
            return []
        council_did = as_text(as_dict(root.get("author")).get("did"))
        items = [root_item]
        stack = [(child, root_item) for child in reversed(as_list(thread.get("replies")))]
        while stack:
            node, parent = stack.pop()
            node = as_dict(node)
            if node_kind(node) != "post":
                continue  # notFoundPost / blockedPost: no text to keep, nothing sent beneath
            post = as_dict(node.get("post"))
            reply = self._item(post, "comment", fallback_time=parent.created_at)
            if reply is None or reply.key in (root_item.key, parent.key):
                continue
            reply.thread_id = root_item.key
            reply.parent_id = parent.key
            reply.is_council = bool(council_did) and as_text(as_dict(post.get("author")).get("did")) == council_did
            items.append(reply)
            stack.extend((child, reply) for child in reversed(as_list(node.get("replies"))))
        return items
