"""Building stored items for tests, through the real store functions."""

from __future__ import annotations

from datetime import datetime

from collectors.items import Item
from jobs.collect import item_row
from settings.sources import SourceConfig
from store.db import transaction
from store.items import items_frame, upsert_items
from store.sources import sync_source


def store_items(con, source: SourceConfig, items: list[Item], collected_at: datetime | None = None) -> int:
    """Save items as a collector run would (text cleaned, council authors marked); returns the source id."""
    with transaction(con):
        source_id = sync_source(con, source.name, source.kind, source.as_dict())
        rows = [item_row(i, source, source_id, collected_at or datetime(2026, 11, 28)) for i in items]
        upsert_items(con, items_frame(rows))
    return source_id


def comment(native_id: str, text: str, when: datetime, thread: str, parent: str | None = None,
            author: str = "resident", kind: str = "guardian") -> Item:
    return Item(
        kind=kind, native_id=native_id, item_type="comment", created_at=when, raw_text=text,
        thread_id=f"{kind}:{thread}", parent_id=f"{kind}:{parent or thread}",
        author_id=author, author_name=author,
    )


def post(native_id: str, title: str, when: datetime, kind: str = "guardian", author: str | None = None) -> Item:
    return Item(kind=kind, native_id=native_id, item_type="post", created_at=when, raw_text=title,
                title=title, author_id=author, author_name=author)
