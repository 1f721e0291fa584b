"""An Instagram professional account: its media and the comments and replies on them.

    GET {base_url}/{user_id}/media?fields=id,caption,timestamp,permalink,username,
        comments_count,like_count,media_type&since=<unix time>&limit=25
    GET {base_url}/{media_id}/comments?fields=id,text,timestamp,username,from,
        like_count,replies{id,text,timestamp,username,from,like_count,parent_id}&limit=50
    GET {base_url}/{comment_id}/replies?fields=...&after=<cursor>   (replies past the first page)

with access_token=FACEBOOK_PAGE_TOKEN, the token of the Facebook Page the
account is linked to (see collectors/graph.py for paging, errors and rate
limits). Instagram threads are one level deep: a reply to a reply is filed
under the top-level comment, so a comment's parent is the media and a reply's
parent is its comment (`parent_id` in the payload says the same).

Items: each media is a "post" (`instagram:<media id>`, the council's own, since
the edge lists only the account's media); each comment and reply a "comment"
with thread_id = the media's key. `from` ({id, username}) and `username` may
be missing: the author is then unknown. Comments by the account itself are
marked as the council's.

Instagram has no order or `since` for comments, so new replies under old
comments can only be found by reading a media's comments again. The media
list tells when that is needed: the cursor keeps, per media younger than
`lookback_days` (default 14), its time and the `comments_count` last read,
{"media": {media_id: {"t": unix time, "n": count}}}. Each run lists the media
of the look-back window (one or two requests) and reads the comments only of
media that are new or whose count changed; an unchanged media costs nothing
more. A media's count is stored only after all its comments were read, so a
run stopped by a rate limit reads that media again next time; a media whose
comments Graph refuses is a warning on the source and is read again next run.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

from collectors.graph import (
    TOKEN_VARIABLE,
    GraphCollector,
    GraphError,
    fallback_time,
    next_query,
    recent_entries,
    thread_batches,
)
from collectors.items import Batch, Item, item_key
from collectors.payload import (
    as_dict,
    as_int,
    as_list,
    as_optional_text,
    as_text,
    parse_iso_time,
)
from settings.sources import SourceKind
from settings.typed import Key

KIND = "instagram"
MEDIA_PAGE_SIZE = 25
COMMENT_PAGE_SIZE = 50
MEDIA_FIELDS = "id,caption,timestamp,permalink,username,comments_count,like_count,media_type"
REPLY_FIELDS = "id,text,timestamp,username,from,like_count,parent_id"
COMMENT_FIELDS = f"id,text,timestamp,username,from,like_count,replies{{{REPLY_FIELDS}}}"


SOURCE = SourceKind(
    KIND, "An Instagram professional account's posts and their comments. Needs the linked Facebook Page's "
    "access token.",
    keys=(Key("user_id", "text", "the professional account's numeric id (whoever manages the council's Facebook "
              "Page can find it)", label="Account id", example="17841401234567890"),),
    one_of=("user_id",), secrets=(TOKEN_VARIABLE,), name="Instagram",
)


class InstagramCollector(GraphCollector):
    """`user_id = "..."` (the Instagram professional account's id) -> its media and their comments."""

    kind = KIND
    id_option = "user_id"
    id_wanted = 'the Instagram account\'s numeric id, e.g. "17841400000000000"'

    @staticmethod
    def id_valid(value: str) -> bool:
        return value.isascii() and value.isdigit()

    # -- collecting -------------------------------------------------------

    def fetch(self, cursor: dict) -> Iterator[Batch]:
        graph, now, window_start = self.start()
        media_state = recent_entries(cursor.get("media"), window_start, "n")
        state = {"media": media_state}
        dropped = len(media_state) != len(as_dict(cursor.get("media")))

        def snapshot() -> dict:
            return copy.deepcopy(state)

        seen: set[str] = set()
        params = {"fields": MEDIA_FIELDS, "since": window_start, "limit": MEDIA_PAGE_SIZE}
        for page in graph.pages(f"{self.object_id}/media", params):
            unchanged: list[Item] = []
            reached_old = False
            for raw in page:
                media = self._media(raw, now)
                if media is None or media.native_id in seen:
                    continue
                stamp = int(media.created_at.timestamp())
                if stamp < window_start:
                    reached_old = True  # older than the look-back window (a server that ignores `since`)
                    break
                seen.add(media.native_id)
                before = media_state.get(media.native_id)
                if before and media.reply_count is not None and before.get("n") == media.reply_count:
                    unchanged.append(media)  # no new comments: refresh the media (likes) only
                    continue
                yield from self._thread(graph, media, stamp, state, snapshot, now)
            if unchanged or dropped:
                yield Batch(items=unchanged, cursor=snapshot())
                dropped = False
            if reached_old:
                break
        if dropped:
            yield Batch(items=[], cursor=snapshot())
        if graph.warnings:
            yield Batch(items=[], cursor=snapshot(), warnings=graph.warnings)

    def _thread(self, graph, media: Item, stamp: int, state, snapshot, now) -> Iterator[Batch]:
        media_id = media.native_id
        owner = (media.author_name or "").lower()
        problems: list[str] = []

        def pages() -> Iterator[list[Item]]:
            if media.reply_count == 0:
                return  # nothing to read
            params = {"fields": COMMENT_FIELDS, "limit": COMMENT_PAGE_SIZE}
            try:
                for page in graph.pages(f"{media_id}/comments", params):
                    items: list[Item] = []
                    for raw in page:
                        comment = self._comment(raw, media_id, None, owner, now)
                        if comment is None:
                            continue
                        items.append(comment)
                        items.extend(self._replies(graph, as_dict(raw), comment.native_id, media_id, owner, now))
                    yield items
            except GraphError as error:  # this media only: the others are still read
                problems.append(f"comments on Instagram media {media_id} were not read: {error}")

        def finish() -> bool:
            # after a failure the count is not stored, so the next run reads this media again
            entry = {"t": stamp, "n": None if problems else media.reply_count}
            changed = state["media"].get(media_id) != entry
            state["media"][media_id] = entry
            return changed

        yield from thread_batches([media], pages(), snapshot, finish, problems)

    def _replies(self, graph, raw: dict, comment_id: str, media_id: str, owner: str, now) -> list[Item]:
        """The replies nested in a comment, and those on further pages of its replies edge."""
        nested = as_dict(raw.get("replies"))
        replies = [self._comment(r, media_id, comment_id, owner, now) for r in as_list(nested.get("data"))]
        more = next_query({"fields": REPLY_FIELDS, "limit": COMMENT_PAGE_SIZE}, as_dict(nested.get("paging")))
        if more is not None:
            for page in graph.pages(f"{comment_id}/replies", more):
                replies.extend(self._comment(r, media_id, comment_id, owner, now) for r in page)
        return [r for r in replies if r is not None]

    # -- payload -> items -------------------------------------------------

    def _item(self, raw: dict, item_type: str, text_field: str, now: float, **fields) -> Item | None:
        """What media and comments share: id, time, text, likes; None without an id."""
        native_id = as_optional_text(raw.get("id"))
        if native_id is None:
            return None
        return Item(
            kind=KIND,
            native_id=native_id,
            item_type=item_type,
            created_at=parse_iso_time(raw.get("timestamp")) or fallback_time(now),
            raw_text=as_text(raw.get(text_field)),
            like_count=as_int(raw.get("like_count")),
            **fields,
        )

    def _media(self, raw, now: float) -> Item | None:
        raw = as_dict(raw)
        return self._item(
            raw, "post", "caption", now,
            author_id=self.object_id,
            author_name=as_optional_text(raw.get("username")),
            url=as_optional_text(raw.get("permalink")),
            reply_count=as_int(raw.get("comments_count")),
            is_council=True,
        )

    def _comment(self, raw, media_id: str, parent_id: str | None, owner: str, now: float) -> Item | None:
        raw = as_dict(raw)
        media_key = item_key(KIND, media_id)
        author = as_dict(raw.get("from"))
        author_id = as_optional_text(author.get("id"))
        author_name = as_optional_text(raw.get("username")) or as_optional_text(author.get("username"))
        parent = parent_id or as_optional_text(raw.get("parent_id"))
        own = as_optional_text(raw.get("id"))
        return self._item(
            raw, "comment", "text", now,
            thread_id=media_key,
            parent_id=item_key(KIND, parent) if parent and parent != own else media_key,
            author_id=author_id,
            author_name=author_name,
            is_council=author_id == self.object_id or bool(owner and author_name and author_name.lower() == owner),
        )
