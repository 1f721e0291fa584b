"""A Facebook Page: the page's feed and every comment and reply on it, from the Graph API.

    GET {base_url}/{page_id}/feed?fields=id,message,created_time,updated_time,from,
        permalink_url,comments.limit(0).summary(true),reactions.limit(0).summary(true)
        &since=<unix time>&limit=25
    GET {base_url}/{post_id}/comments?filter=stream&order=reverse_chronological
        &fields=id,message,created_time,from{id,name},parent{id},like_count,
        comment_count,permalink_url&limit=100

with access_token=FACEBOOK_PAGE_TOKEN (see collectors/graph.py for paging,
errors and rate limits). The feed comes newest first. `filter=stream` gives
every comment on a post, replies at any depth included, flat, each reply with
`parent {id}` naming the comment it answers, so the tree is rebuilt from it: a
comment without a parent answers the post. `order=reverse_chronological` puts
the newest first, so reading stops at the first comment older than the newest
one already stored (should a page come oldest first, the order was not
honoured, and every page is read instead).

Items: each post is a "post" (`facebook:<post id>`); each comment a "comment"
with thread_id = the post's key and parent_id = its parent comment's key, or
the post's key for a top-level comment. `from` is left out when the token may
not see the author: the author is then unknown, nothing else changes. The
page's own posts and replies (from.id == page_id) are marked as the council's.

Cursor: {"since": unix time of the newest post seen, "posts": {post_id:
{"t": post time, "c": newest comment time stored}}}. Posts stay in "posts"
while younger than `lookback_days` (default 14), and each run re-checks them
for new comments and replies. The first run reads posts from the last
`lookback_days`. "since" moves only when a run has read every new post, so a
run stopped by a rate limit resumes without losing any. A post whose comments
Graph refuses (deleted meanwhile, no permission) is a warning on the source;
the others are read, and that post is tried again next run.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

from collectors.graph import (
    TOKEN_VARIABLE,
    GraphCollector,
    GraphError,
    fallback_time,
    recent_entries,
    thread_batches,
)
from collectors.items import Batch, Item, item_key
from collectors.payload import (
    as_dict,
    as_int,
    as_optional_text,
    as_text,
    parse_iso_time,
)
from settings.sources import SourceKind
from settings.typed import Key

KIND = "facebook"
FEED_PAGE_SIZE = 25
COMMENT_PAGE_SIZE = 100
POST_FIELDS = (
    "id,message,created_time,updated_time,from,permalink_url,"
    "comments.limit(0).summary(true),reactions.limit(0).summary(true)"
)
COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id},like_count,comment_count,permalink_url"


SOURCE = SourceKind(
    KIND, "A Facebook Page's posts and every comment and reply on them. Needs the Page's access token.",
    keys=(Key("page_id", "text", "the Page's numeric id: on the Page, About, Page transparency",
              label="Page id", example="104958162837"),),
    one_of=("page_id",), secrets=(TOKEN_VARIABLE,), name="Facebook Page",
)


class FacebookCollector(GraphCollector):
    """`page_id = "..."` -> the page's posts and all comments on them."""

    kind = KIND
    id_option = "page_id"
    id_wanted = 'the page\'s id or username, e.g. "104958162837"'

    @staticmethod
    def id_valid(value: str) -> bool:
        return bool(value) and "/" not in value

    # -- collecting -------------------------------------------------------

    def fetch(self, cursor: dict) -> Iterator[Batch]:
        graph, now, window_start = self.start()
        since = as_int(cursor.get("since"))
        if since is None:
            since = window_start
        posts = recent_entries(cursor.get("posts"), window_start, "c")
        state = {"since": since, "posts": posts}

        def snapshot() -> dict:
            return copy.deepcopy(state)

        newest = since
        seen: set[str] = set()
        params = {"fields": POST_FIELDS, "since": since, "limit": FEED_PAGE_SIZE}
        for page in graph.pages(f"{self.object_id}/feed", params):
            reached_old = False
            for raw in page:
                post = self._post(raw, now)
                if post is None or post.native_id in seen:
                    continue
                stamp = int(post.created_at.timestamp())
                if stamp < since:
                    reached_old = True  # already seen (a server that ignores `since`)
                    break
                seen.add(post.native_id)
                newest = max(newest, stamp)
                yield from self._thread(graph, post.native_id, [post], stamp, state, snapshot, window_start, now)
            if reached_old:
                break

        for post_id, entry in list(posts.items()):
            if post_id not in seen:
                yield from self._thread(graph, post_id, [], entry["t"], state, snapshot, window_start, now)

        if newest != state["since"]:
            state["since"] = newest
            yield Batch(items=[], cursor=snapshot())
        if graph.warnings:
            yield Batch(items=[], cursor=snapshot(), warnings=graph.warnings)

    def _thread(self, graph, post_id: str, head, posted: int | None, state, snapshot, window_start, now) -> Iterator[Batch]:
        entry = state["posts"].get(post_id, {})
        stored = entry.get("c")
        newest = [stored]
        problems: list[str] = []

        def pages() -> Iterator[list[Item]]:
            params = {
                "filter": "stream",
                "order": "reverse_chronological",
                "fields": COMMENT_FIELDS,
                "limit": COMMENT_PAGE_SIZE,
            }
            try:
                for page in graph.pages(f"{post_id}/comments", params):
                    comments = [c for c in (self._comment(raw, post_id, now) for raw in page) if c is not None]
                    stamps = [int(c.created_at.timestamp()) for c in comments]
                    fresh = [(c, t) for c, t in zip(comments, stamps) if stored is None or t >= stored]
                    if fresh:
                        newest[0] = max(newest[0] or 0, *(t for _, t in fresh))
                    yield [c for c, _ in fresh]
                    newest_first = all(a >= b for a, b in zip(stamps, stamps[1:]))
                    if len(fresh) < len(comments) and newest_first:
                        return  # reached comments older than the newest stored: the rest are older still
            except GraphError as error:  # this post only: the others are still read
                problems.append(f"comments on Facebook post {post_id} were not read: {error}")

        def finish() -> bool:
            before = state["posts"].get(post_id)
            if posted is not None and posted >= window_start:
                # after a failure the stored time stays, so the next run reads this post again
                state["posts"][post_id] = {"t": posted, "c": stored if problems else newest[0]}
            else:
                state["posts"].pop(post_id, None)
            return state["posts"].get(post_id) != before

        yield from thread_batches(head, pages(), snapshot, finish, problems)

    # -- payload -> items -------------------------------------------------

    def _item(self, raw: dict, item_type: str, now: float, **fields) -> Item | None:
        """What posts and comments share: id, time, message, author (`from`), link; None without an id."""
        native_id = as_optional_text(raw.get("id"))
        if native_id is None:
            return None
        author = as_dict(raw.get("from"))
        author_id = as_optional_text(author.get("id"))
        return Item(
            kind=KIND,
            native_id=native_id,
            item_type=item_type,
            created_at=parse_iso_time(raw.get("created_time")) or fallback_time(now),
            raw_text=as_text(raw.get("message")),
            author_id=author_id,
            author_name=as_optional_text(author.get("name")),
            url=as_optional_text(raw.get("permalink_url")),
            is_council=author_id == self.object_id,
            **fields,
        )

    def _post(self, raw, now: float) -> Item | None:
        raw = as_dict(raw)
        return self._item(
            raw, "post", now,
            like_count=as_int(as_dict(as_dict(raw.get("reactions")).get("summary")).get("total_count")),
            reply_count=as_int(as_dict(as_dict(raw.get("comments")).get("summary")).get("total_count")),
        )

    def _comment(self, raw, post_id: str, now: float) -> Item | None:
        raw = as_dict(raw)
        post_key = item_key(KIND, post_id)
        parent = as_optional_text(as_dict(raw.get("parent")).get("id"))
        own = as_optional_text(raw.get("id"))
        return self._item(
            raw, "comment", now,
            thread_id=post_key,
            parent_id=item_key(KIND, parent) if parent and parent not in (post_id, own) else post_key,
            like_count=as_int(raw.get("like_count")),
            reply_count=as_int(raw.get("comment_count")),
        )
