"""Retention and erasure: what the council may keep, and forgetting one person on request."""

from __future__ import annotations

from datetime import UTC, datetime

from analysis.export import pseudonym
from jobs.export import pseudonym_key
from jobs.scoring import refresh_threads
from store.db import connect, transaction
from store.governance import (
    erase_author,
    purge_expired,
    record_action,
    thread_keys_by_author,
)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def purge(db, now: datetime | None = None, actor: str = "retention") -> dict[str, int]:
    """Delete items past their source's retention period; logged in the audit trail when anything went.
    The threads that lost items are summarised again (reply counts, flags), as after an erasure."""
    now = now or _now()
    with connect(db) as con, transaction(con):
        deleted, threads = purge_expired(con, now)
        if deleted:
            summary = ", ".join(f"{name}: {count}" for name, count in deleted.items())
            record_action(con, actor, "purge", f"deleted items past retention ({summary})", now)
    refresh_threads(db, threads)
    return deleted


def purge_lines(deleted: dict[str, int]) -> list[str]:
    """What a purge deleted, a line per source."""
    return [f"{name}: deleted {count} items past retention" for name, count in deleted.items()]


def erase(db, author: str, actor: str) -> int:
    """Erase every item by one author. The audit log records that it happened and how many
    items went, naming the person only by their export pseudonym, never by name or content."""
    reference = pseudonym(author, pseudonym_key(db))
    with connect(db) as con, transaction(con):
        threads = thread_keys_by_author(con, author)
        count = erase_author(con, author)
        record_action(con, actor, "erase", f"erased {count} items of {reference}", _now())
    refresh_threads(db, threads)
    return count
