"""A collection run: every source in turn, each page saved with its cursor, then scoring.

One source failing is recorded on that source and the run goes on. Each batch
(page) is stored in one transaction with the cursor that follows it, so a run
that dies part-way resumes after the last saved page with no duplicates.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from analysis.clean import clean_text
from collectors.config import SourceConfig
from collectors.errors import CollectorError
from collectors.items import Item
from collectors.registry import collector_for
from store.db import connect, transaction
from store.items import items_frame, upsert_items
from store.sources import add_to_run, finish_run, get_cursor, save_cursor, start_run, sync_source

# progress(source_name, items_so_far) while a source is collected
CollectProgress = Callable[[str, int], None]


@dataclass
class SourceResult:
    name: str
    fetched: int = 0
    new: int = 0
    updated: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return (1 if self.error else 0) + len(self.warnings)

    def summary(self) -> str:
        line = f"{self.name}: fetched {self.fetched}, new {self.new}, updated {self.updated}, errors {self.errors}"
        problems = ([self.error] if self.error else []) + self.warnings
        if problems:
            line += " (" + "; ".join(problems) + ")"
        return line


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def item_row(item: Item, source: SourceConfig, source_id: int, collected_at: datetime) -> dict:
    """An Item as a row of the items table, text cleaned once here."""
    return {
        "key": item.key,
        "source_id": source_id,
        "kind": item.kind,
        "native_id": item.native_id,
        "item_type": item.item_type,
        "thread_id": item.thread_id,
        "parent_id": item.parent_id,
        "author_id": item.author_id,
        "author_name": item.author_name,
        "created_at": item.created_utc(),
        "collected_at": collected_at,
        "title": clean_text(item.title) or None,
        "text": clean_text(item.raw_text),
        "raw_text": item.raw_text,
        "url": item.url,
        "lang": item.lang,
        "like_count": item.like_count,
        "reply_count": item.reply_count,
        "is_council": bool(item.is_council or source.is_council(item.author_id, item.author_name)),
        "deleted_at": collected_at if item.deleted else None,
    }


def collect_source(
    source: SourceConfig,
    db: Path | str | None,
    http,
    progress: CollectProgress | None = None,
    collector=None,
) -> SourceResult:
    """Collect one source into the store; never raises for a source's own failure.

    `collector` is one already made (an import of a file); by default the
    registry makes the one for the source's kind.
    """
    result = SourceResult(source.name)
    with connect(db) as con, transaction(con):
        source_id = sync_source(con, source.name, source.kind, source.as_dict())
        cursor = get_cursor(con, source_id)
        run_id = start_run(con, source_id, utcnow())
    try:
        collector = collector if collector is not None else collector_for(source, http)
        for batch in collector.fetch(cursor):
            now = utcnow()
            frame = items_frame([item_row(item, source, source_id, now) for item in batch.items])
            with connect(db) as con, transaction(con):
                new, updated = upsert_items(con, frame)
                save_cursor(con, source_id, batch.cursor)
                add_to_run(con, run_id, len(batch.items), new, updated)
            result.fetched += len(batch.items)
            result.new += new
            result.updated += updated
            result.warnings.extend(batch.warnings)
            if progress:
                progress(source.name, result.fetched)
    except CollectorError as error:
        result.error = str(error)
    except Exception as error:  # a bug in one collector must not stop the others
        result.error = f"unexpected {type(error).__name__}: {error}"
        traceback.print_exc(file=sys.stderr)
    with connect(db) as con:
        finish_run(con, run_id, source_id, utcnow(), result.error, result.warnings)
    return result


def collect_all(
    sources: list[SourceConfig],
    db: Path | str | None,
    http,
    progress: CollectProgress | None = None,
) -> list[SourceResult]:
    return [collect_source(s, db, http, progress) for s in sources if s.enabled]
