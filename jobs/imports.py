"""Importing one export file into the store: collectors.imports reads it, jobs.collect saves it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from collectors.imports import KIND, ImportCollector, ImportInputError, ImportOptions, import_source
from collectors.imports.errors import BATCH_SIZE
from collectors.imports.skips import Skips
from jobs.collect import collect_source
from jobs.run import refuse_the_demo
from settings.sources import SourceConfig
from store.db import connect
from store.sources import source_kind


@dataclass
class ImportResult:
    source: str
    read: int
    new: int
    updated: int
    skips: Skips
    error: str | None = None

    @property
    def unchanged(self) -> int:
        return self.read - self.new - self.updated

    def summary(self) -> str:
        return f"{self.source}: read {self.read}, new {self.new}, updated {self.updated}, unchanged {self.unchanged}"


def import_file(path: str | Path, options: ImportOptions, db, source: SourceConfig | None = None,
                progress=None, batch_size: int = BATCH_SIZE) -> ImportResult:
    """Import one file into the store, each batch in its own transaction (jobs.collect)."""
    refuse_the_demo(db)
    path = Path(path)
    source = source or import_source(path, options)
    collector = ImportCollector(source, path, options, batch_size=batch_size)
    with connect(db) as con:
        kind = source_kind(con, source.name)
    if kind not in (None, KIND):
        raise ImportInputError(
            f"{source.name!r} is already a {kind} source: choose another name with --source"
        )
    result = collect_source(source, db, None, progress, collector=collector)
    return ImportResult(source.name, result.fetched, result.new, result.updated, collector.skips, result.error)
