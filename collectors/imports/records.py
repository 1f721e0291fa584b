"""One parser per format: a record in, an Item out (or SkipRow)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from collectors.imports.dates import parse_when
from collectors.imports.errors import DEFAULT_TZ, KIND, DateOrder, SkipRow
from collectors.imports.formats import Format
from collectors.imports.ids import ThreadIndex, content_id, count, placement, usable_id
from collectors.imports.x_archive import XArchive, tweet_ids
from collectors.items import Item
from collectors.payload import as_text


@dataclass
class Context:
    """What a parser needs beyond the record itself."""

    fmt: Format
    columns: dict[str, str] = field(default_factory=dict)
    order: DateOrder = None
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TZ))
    namespace: str = "import"
    index: ThreadIndex | None = None
    owner: XArchive | None = None

    def cell(self, row: dict[str, str], name: str) -> str:
        column = self.columns.get(name)
        return (row.get(column) or "").strip() if column else ""

    def when(self, value: str) -> datetime:
        return parse_when(value, self.order, self.tz)


def _basics(row: dict[str, str], ctx: Context) -> tuple[str, str, datetime, str | None]:
    """What every CSV format has: (text, the date as written, the date read, author)."""
    written = ctx.cell(row, "created_at")
    return ctx.cell(row, "text"), written, ctx.when(written), ctx.cell(row, "author") or None


def _text_or_skip(text: str) -> str:
    if not text.strip():
        raise SkipRow("without text", bad=False)
    return text


def x_item(tweet: dict, ctx: Context) -> Item:
    """A tweet from the council's own archive."""
    text = as_text(tweet.get("full_text")) or as_text(tweet.get("text"))
    if text.startswith("RT @") or "retweeted_status" in tweet:
        raise SkipRow("retweet{s}", bad=False)
    own, parent = tweet_ids(tweet)
    if own is None:
        raise SkipRow("without an id")
    created = ctx.when(tweet.get("created_at"))
    item_type, thread, parent_key = placement(lambda i: f"x:{i}", own, parent, None, ctx.index, True)
    owner = ctx.owner or XArchive([])
    lang = as_text(tweet.get("lang")).strip()
    return Item(
        kind=KIND, native_id=f"x:{own}", item_type=item_type, created_at=created,
        raw_text=_text_or_skip(text), thread_id=thread, parent_id=parent_key,
        author_id=owner.account_id, author_name=owner.username,
        url=f"https://x.com/{owner.username or 'i/web'}/status/{own}",
        lang=lang if lang and lang != "und" else None,
        like_count=count(tweet.get("favorite_count")), is_council=True,
    )


_PRIVATE = re.compile(r"private|direct|\bdm\b", re.IGNORECASE)


def _post_id(url: str) -> str:
    """A short stable id for the post a Hootsuite comment was left on, from its URL."""
    parts = urlsplit(url.strip())
    normal = f"{parts.netloc.lower().removeprefix('www.')}{parts.path.rstrip('/')}"
    return hashlib.blake2b(normal.encode(), digest_size=8).hexdigest()


def hootsuite_item(row: dict[str, str], ctx: Context) -> Item:
    """A message from Hootsuite Inbox: a comment on a post, a reply in a conversation, or a mention."""
    if _PRIVATE.search(ctx.cell(row, "message_type")):
        raise SkipRow("private message{s}", bad=False)
    text, created_raw, created, author = _basics(row, ctx)
    own = usable_id(ctx.cell(row, "id")) or content_id(text, created_raw, author)
    post_url, conversation = ctx.cell(row, "post_url"), ctx.cell(row, "conversation")
    thread = f"post:{_post_id(post_url)}" if post_url else f"conversation:{conversation}" if conversation else None
    item_type, thread_key, parent_key = placement(lambda i: f"hootsuite:{i}", own, None, thread, None, False)
    return Item(
        kind=KIND, native_id=f"hootsuite:{own}", item_type=item_type, created_at=created,
        raw_text=_text_or_skip(text), thread_id=thread_key, parent_id=parent_key,
        author_id=ctx.cell(row, "author_id") or None, author_name=author, url=post_url or None,
        is_council=ctx.cell(row, "direction").lower() == "outbound",
    )


def meta_item(row: dict[str, str], ctx: Context) -> Item:
    """One of the council's own posts from a Meta Business Suite export, with its counts."""
    description, created_raw, created, author = _basics(row, ctx)
    own, title = usable_id(ctx.cell(row, "id")), ctx.cell(row, "title")
    text = description or title
    return Item(
        kind=KIND, native_id=f"meta:{own or content_id(text, created_raw, author)}", item_type="post",
        created_at=created, raw_text=_text_or_skip(text),
        title=title if description and title and title != description else None,
        author_id=ctx.cell(row, "author_id") or None, author_name=author, url=ctx.cell(row, "url") or None,
        like_count=count(ctx.cell(row, "likes")), reply_count=count(ctx.cell(row, "replies")),
        is_council=True,
    )


def csv_item(row: dict[str, str], ctx: Context) -> Item:
    """A row of any CSV, read through the --map column mapping."""
    text, created_raw, created, author = _basics(row, ctx)
    own = usable_id(ctx.cell(row, "id"))
    native_own = own or content_id(text, created_raw, author)
    structured = "parent" in ctx.columns or "thread" in ctx.columns
    item_type, thread, parent = placement(
        lambda i: f"csv:{ctx.namespace}:{i}", own,
        usable_id(ctx.cell(row, "parent")), usable_id(ctx.cell(row, "thread")), ctx.index, structured,
    )
    return Item(
        kind=KIND, native_id=f"csv:{ctx.namespace}:{native_own}", item_type=item_type, created_at=created,
        raw_text=_text_or_skip(text), thread_id=thread, parent_id=parent,
        author_id=ctx.cell(row, "author_id") or author, author_name=author,
        title=ctx.cell(row, "title") or None, url=ctx.cell(row, "url") or None,
        lang=ctx.cell(row, "lang") or None, like_count=count(ctx.cell(row, "likes")),
    )


PARSERS: dict[str, Callable[[dict, Context], Item]] = {
    "x": x_item, "hootsuite": hootsuite_item, "meta": meta_item, "csv": csv_item,
}
