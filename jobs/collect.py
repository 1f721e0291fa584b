"""A collection run: every source in turn, each page saved with its cursor, then scoring.

One source failing is recorded on that source and the run goes on. Pages are
stored in transactions together with the cursor that follows the last of them,
so a run that dies part-way resumes after the last saved page with no duplicates.

Pages that arrive quickly are saved together (up to SAVE_EVERY_ITEMS items, or
SAVE_EVERY_S seconds after the previous save): each save is a connection, a
commit and a checkpoint, which cost far more than the rows. Pages already
received when a source fails are saved before the failure is recorded.

Given a `scoring` (jobs.scoring.ScoringAsSaved, from jobs.run), each
save hands its new and changed items over to be scored once the file is closed
again, and writes the scores finished since in its transaction.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from analysis.clean import clean_text
from collectors.errors import CollectorError
from collectors.items import Batch, Item
from collectors.limits import source_deadline
from collectors.redact import redact
from collectors.registry import collector_for
from settings.sources import SourceConfig
from store import daily
from store.db import connect, transaction
from store.items import items_table, save_scores, storable, unscored_among, upsert_items
from store.sources import (
    add_to_run,
    finish_run,
    get_cursor,
    save_cursor,
    start_run,
    sync_source,
)

# progress(source_name, items_so_far) while a source is collected
CollectProgress = Callable[[str, int], None]

# Each save costs a connection, a commit and a checkpoint, so fewer, larger saves cost less; a
# larger save holds more in memory. 20k kept a 1M-item run under 1.5 GB (bench/README.md).
SAVE_EVERY_ITEMS = 20_000
SAVE_EVERY_S = 2.0


@dataclass
class SourceResult:
    name: str
    fetched: int = 0
    new: int = 0
    updated: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    too_old: int = 0  # fetched, but posted before the source's retention period: never saved
    retention_days: int | None = None

    @property
    def errors(self) -> int:
        return (1 if self.error else 0) + len(self.warnings)

    def summary(self) -> str:
        line = f"{self.name}: fetched {self.fetched}, new {self.new}, updated {self.updated}, errors {self.errors}"
        problems = ([self.error] if self.error else []) + self.warnings
        if problems:
            line += " (" + "; ".join(problems) + ")"
        if self.too_old:
            line += "; " + too_old_words(self.too_old, self.retention_days)
        return line


def too_old_words(count: int, retention_days: int | None) -> str:
    """Why fetched items were not kept, and the setting that would keep them."""
    items = f"{count:,} {'item' if count == 1 else 'items'}"
    if retention_days is None:
        return f"not kept: {items} older than the source's retention period (retention_days)"
    return (f"not kept: {items} posted more than {retention_days:,} days ago (retention_days = {retention_days}; "
            "raise it to keep them)")


def retention_cutoff(source: SourceConfig, now: datetime) -> datetime:
    """Items posted before this are past the source's retention period: never saved (the purge would delete them)."""
    return now - timedelta(days=source.retention_days)


def within_retention(items: list[Item], cutoff: datetime) -> list[Item]:
    """The items posted at or after `cutoff` (naive UTC)."""
    return [item for item in items if item.created_utc() >= cutoff]


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


STORE_INT = 2**31  # counts are INTEGER columns


def _count(value: int | None) -> int | None:
    """A like or reply count the store can hold; a number past it is no real count."""
    return value if value is not None and -STORE_INT <= value < STORE_INT else None


def item_columns(items: list[Item], source: SourceConfig, source_id: int, collected_at: datetime) -> dict[str, list]:
    """Items as columns of the items table (store.items.items_table), text cleaned once here.

    Column by column: a save holds thousands of items, and a list per column costs far
    less than a dict per item.
    """
    count = len(items)
    texts = [clean_text(item.raw_text) for item in items]
    return {
        "key": [item.key for item in items],
        "source_id": [source_id] * count,
        "kind": [item.kind for item in items],
        "native_id": [item.native_id for item in items],
        "item_type": [item.item_type for item in items],
        "thread_id": [item.thread_id for item in items],
        "parent_id": [item.parent_id for item in items],
        "author_id": [item.author_id for item in items],
        "author_name": [item.author_name for item in items],
        "created_at": [item.created_utc() for item in items],
        "collected_at": [collected_at] * count,
        "title": [clean_text(item.title) or None for item in items],
        "text": texts,
        # As received only where cleaning changed it: store.items.raw_text_sql reads it back.
        "raw_text": [item.raw_text if item.raw_text != text else None for item, text in zip(items, texts)],
        "url": [item.url for item in items],
        "lang": [item.lang for item in items],
        "like_count": [_count(item.like_count) for item in items],
        "reply_count": [_count(item.reply_count) for item in items],
        "is_council": [bool(item.is_council or source.is_council(item.author_id, item.author_name)) for item in items],
        "deleted_at": [collected_at if item.deleted else None for item in items],
    }


def item_row(item: Item, source: SourceConfig, source_id: int, collected_at: datetime) -> dict:
    """One Item as a row of the items table (as item_columns makes it), its text made storable."""
    row = {name: values[0] for name, values in item_columns([item], source, source_id, collected_at).items()}
    return {name: storable(value) if isinstance(value, str) else value for name, value in row.items()}


def collect_source(
    source: SourceConfig,
    db: Path | str | None,
    http,
    progress: CollectProgress | None = None,
    collector=None,
    scoring=None,
    defer_merges: bool = False,
) -> SourceResult:
    """Collect one source into the store; never raises for a source's own failure.

    `collector` is one already made (an import of a file); by default the
    registry makes the one for the source's kind. `scoring` (see the module's
    note) scores items as they are saved; without it they wait for score_pending.
    `defer_merges`: the source's writes leave DuckDB's row-group merging to the caller,
    which then runs store.db.merge_row_groups (as jobs.run does).
    """
    result = SourceResult(source.name, retention_days=source.retention_days)
    with connect(db, defer_merges=defer_merges) as con, transaction(con):
        source_id = sync_source(con, source.name, source.kind, source.as_dict())
        cursor = get_cursor(con, source_id)
        run_id = start_run(con, source_id, utcnow())
    pages = _Pages(db, source_id, run_id, result, progress, scoring, defer_merges)
    cutoff = retention_cutoff(source, utcnow())
    try:
        collector = collector if collector is not None else collector_for(source, http)
        with source_deadline():  # its requests stop when its time is up (collectors.limits)
            for batch in collector.fetch(cursor):
                kept = within_retention(batch.items, cutoff)
                pages.add(item_columns(kept, source, source_id, utcnow()), batch, too_old=len(batch.items) - len(kept))
                if pages.due():
                    pages.save()
    except CollectorError as error:
        result.error = str(error)
    except Exception as error:  # a bug in one collector must not stop the others
        result.error = f"unexpected {type(error).__name__}: {error}"
        sys.stderr.write(redact(traceback.format_exc()))
    # What arrived before a failure is kept; the run is closed on the same connection
    # (one open, commit and checkpoint fewer per source), or on its own if saving failed.
    had_pages, saving, finished = pages.pending(), True, False
    try:
        with connect(db, defer_merges=defer_merges) as con:
            pages.save(con)
            saving = False
            finish_run(con, run_id, source_id, utcnow(), *_redacted(result))
            finished = True
        pages.hand_over()  # scored once the file is closed: a dashboard can read meanwhile
    except Exception as error:
        if not (saving and had_pages):
            raise  # closing the run failed, not saving: as when it had a connection of its own
        result.error = "; ".join(filter(None, [result.error, f"saving failed: {type(error).__name__}: {error}"]))
        sys.stderr.write(redact(traceback.format_exc()))
    if not finished:
        with connect(db, defer_merges=defer_merges) as con:
            finish_run(con, run_id, source_id, utcnow(), *_redacted(result))
    return result


def _redacted(result: SourceResult) -> tuple[str | None, list[str]]:
    """The result's error and warnings with every secret value scrubbed (in place: they are shown too)."""
    result.error = redact(result.error)
    result.warnings = [redact(w) for w in result.warnings]
    return result.error, result.warnings


# What scoring needs of a saved item (jobs.scoring.ScoringAsSaved.submit).
SCORED_COLUMNS = ["key", "text", "title", "item_type", "is_council", "thread_id"]


class _Pages:
    """Pages received and not yet saved; saved together with the cursor of the last one."""

    def __init__(self, db, source_id: int, run_id: int, result: SourceResult, progress: CollectProgress | None,
                 scoring=None, defer_merges: bool = False):
        self.db, self.source_id, self.run_id, self.defer_merges = db, source_id, run_id, defer_merges
        self.result, self.progress, self.scoring = result, progress, scoring
        self.to_score: pa.Table | None = None  # saved, unscored, not yet handed to scoring
        self.columns: dict[str, list] = {}  # item_columns of the pages received
        self.fetched = 0
        self.too_old = 0
        self.cursor: dict | None = None
        self.warnings: list[str] = []
        self.saved_at = time.monotonic()

    def add(self, columns: dict[str, list], batch: Batch, too_old: int = 0) -> None:
        for name, values in columns.items():
            self.columns.setdefault(name, []).extend(values)
        self.fetched += len(batch.items)
        self.too_old += too_old
        self.cursor = batch.cursor
        self.warnings.extend(batch.warnings)

    def due(self) -> bool:
        return len(self.columns.get("key", ())) >= SAVE_EVERY_ITEMS or time.monotonic() - self.saved_at >= SAVE_EVERY_S

    def pending(self) -> bool:
        """Whether pages have been received and not saved."""
        return self.cursor is not None

    def save(self, con: duckdb.DuckDBPyConnection | None = None) -> None:
        """Save the pending pages with their cursor in one transaction, on `con` or a connection of its own."""
        if self.cursor is None:
            return
        frame = items_table(self.columns)  # add() has run: every column is there
        self.columns = {}  # the frame holds them now: memory for one copy, not two, while it is scored
        if con is None:
            with connect(self.db, defer_merges=self.defer_merges) as own:
                new, updated = self._write(own, frame)
        else:
            new, updated = self._write(con, frame)
        del frame
        self.result.fetched += self.fetched
        self.result.new += new
        self.result.updated += updated
        self.result.too_old += self.too_old
        self.result.warnings.extend(self.warnings)
        self.fetched, self.too_old, self.cursor, self.warnings = 0, 0, None, []
        self.saved_at = time.monotonic()
        if self.progress:
            self.progress(self.result.name, self.result.fetched)
        if con is None:
            self.hand_over()

    def _write(self, con: duckdb.DuckDBPyConnection, frame: pa.Table) -> tuple[int, int]:
        scores = self.scoring.take_ready() if self.scoring is not None else None
        keys = frame["key"] if scores is None else pa.chunked_array(
            frame["key"].chunks + [pa.array(scores["item_key"], pa.string())])
        # One refresh of the per-day counts for the items and the scores together.
        with transaction(con), daily.refreshing(con, keys):
            if scores is not None:  # before the items: a text changed since drops its stale score
                save_scores(con, scores, utcnow(), count_days=False)
            new, updated = upsert_items(con, frame, count_days=False)
            if self.scoring is not None:
                self.to_score = frame.select(SCORED_COLUMNS).filter(self._unscored(con, frame, new == frame.num_rows))
            save_cursor(con, self.source_id, self.cursor)
            add_to_run(con, self.run_id, self.fetched, new, updated, self.too_old)
        if scores is not None:
            self.scoring.saved(scores)
        return new, updated

    @staticmethod
    def _unscored(con: duckdb.DuckDBPyConnection, frame: pa.Table, all_new: bool) -> pa.ChunkedArray:
        """Which rows of the saved frame have no score (deleted items are never scored)."""
        if all_new:  # a score is deleted with its item, so an item just inserted has none: no join needed
            return pc.is_null(frame["deleted_at"])
        return pc.is_in(frame["key"], value_set=pa.array(unscored_among(con, frame), pa.string()))

    def hand_over(self) -> None:
        """Give the last save's unscored items to scoring (with no connection open: scoring takes a while)."""
        if self.to_score is not None and self.to_score.num_rows:
            self.scoring.submit(self.to_score.to_pandas())
        self.to_score = None


def collect_all(
    sources: list[SourceConfig],
    db: Path | str | None,
    http,
    progress: CollectProgress | None = None,
) -> list[SourceResult]:
    return [collect_source(s, db, http, progress) for s in sources if s.enabled]
