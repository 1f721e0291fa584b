"""What every collector yields: normalised items, a page at a time.

A collector turns one platform's payloads into `Item`s and hands them over in
`Batch`es. A batch is stored in one transaction together with the cursor it
carries, so a run that stops half-way resumes after the last stored batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

ItemType = Literal["post", "comment", "mention"]


def item_key(kind: str, native_id: str, namespace: str | None = None) -> str:
    """The store's primary key for an item: `kind:native_id`, or `kind:namespace:native_id` for a kind
    whose ids are unique only within a feed or a server (RSS guids per feed, Mastodon ids per instance)."""
    return f"{kind}:{namespace}:{native_id}" if namespace else f"{kind}:{native_id}"


@dataclass(slots=True)
class Item:
    kind: str
    native_id: str
    item_type: ItemType
    created_at: datetime
    raw_text: str
    thread_id: str | None = None  # key of the root post; None for a root or a mention
    parent_id: str | None = None  # key of the item replied to
    author_id: str | None = None
    author_name: str | None = None
    title: str | None = None
    url: str | None = None
    lang: str | None = None
    like_count: int | None = None
    reply_count: int | None = None
    is_council: bool = False
    deleted: bool = False
    namespace: str | None = None  # where native_id is unique, when not everywhere (see item_key)

    @property
    def key(self) -> str:
        return item_key(self.kind, self.native_id, self.namespace)

    def created_utc(self) -> datetime:
        """created_at as a naive UTC datetime, the store's convention."""
        stamp = self.created_at
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(UTC).replace(tzinfo=None)
        return stamp


@dataclass(slots=True)
class Batch:
    """One page of items and the cursor to save with it.

    `cursor` replaces the source's stored cursor when the batch is saved; a
    collector that has nothing new to say about its position passes the cursor
    it was given. `warnings` are problems that did not stop the page (a
    malformed feed that still parsed, say); they end up on the source.
    """

    items: list[Item]
    cursor: dict
    warnings: list[str] = field(default_factory=list)
