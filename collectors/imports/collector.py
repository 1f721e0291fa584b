"""The import as a collector: one file read in batches of Items, like any source."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from collectors.imports.csv_file import CsvFile, resolve_columns
from collectors.imports.dates import timezone_named
from collectors.imports.errors import BATCH_SIZE, DEFAULT_TZ, KIND, DateOrder, ImportInputError, SkipRow
from collectors.imports.formats import Format, format_named
from collectors.imports.ids import ThreadIndex, slug
from collectors.imports.records import PARSERS, Context
from collectors.imports.skips import Skips
from collectors.imports.x_archive import read_x_archive, tweet_ids
from collectors.items import Batch, Item
from settings.sources import SourceConfig


@dataclass
class ImportOptions:
    fmt: Format
    mapping: dict[str, str] = field(default_factory=dict)
    order: DateOrder = None
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TZ))

    @classmethod
    def build(cls, fmt: str, maps: list[str] | None = None, dayfirst: bool = False,
              monthfirst: bool = False, tz: str = DEFAULT_TZ) -> ImportOptions:
        """From command-line words; ImportInputError for a mistake in them."""
        format_ = format_named(fmt)
        mapping: dict[str, str] = {}
        for entry in maps or []:
            name, sep, column = entry.partition("=")
            name = name.strip().lower()
            if not sep or not name or not column.strip():
                raise ImportInputError(f"--map {entry!r} should look like field=Column, e.g. text=Comment")
            known = set(format_.columns) if format_.columns else set()
            if name not in known:
                where = f"for --format {format_.name}" if known else f"--format {format_.name} takes no --map"
                raise ImportInputError(
                    f"unknown field {name!r} in --map ({where}"
                    + (f": {', '.join(format_.columns)})" if known else ")")
                )
            mapping[name] = column.strip()
        order = "dayfirst" if dayfirst else "monthfirst" if monthfirst else format_.date_order
        return cls(format_, mapping, order, timezone_named(tz))


def default_source_name(path: Path) -> str:
    return f"Import: {path.name}"


class ImportCollector:
    """Reads one export file and yields its items in batches, like any collector.

    Everything that would stop the import (missing file, wrong format, a mapped
    column that is not there) is checked here, before anything is written.
    `skips` says afterwards which records were left out and why.
    """

    def __init__(self, source: SourceConfig, path: Path, options: ImportOptions,
                 batch_size: int = BATCH_SIZE, now: datetime | None = None):
        self.source, self.path, self.options, self.batch_size = source, path, options, batch_size
        if not path.exists():
            raise ImportInputError(f"no file at {path}")
        self.skips = Skips(unit=options.fmt.unit)
        self.cutoff = (now or datetime.now(UTC)) - timedelta(days=source.retention_days)
        self.ctx = Context(options.fmt, order=options.order, tz=options.tz, namespace=slug(source.name))
        self._records = self._open()

    def _open(self) -> Iterator[tuple[int, dict]]:
        try:
            if self.options.fmt.name == "x":
                archive = read_x_archive(self.path)
                self.ctx.owner = archive
                self.ctx.index = ThreadIndex(tweet_ids(t) for t in archive.tweets)
                return iter(enumerate(archive.tweets, start=1))
            if self.path.is_dir():
                raise ImportInputError(
                    f"{self.path} is a folder; --format {self.options.fmt.name} reads one CSV file"
                )
            file = CsvFile.open(self.path)
            self.ctx.columns = resolve_columns(self.options.fmt, list(file.header), self.options.mapping, self.path.name)
            if self.options.fmt.name == "csv" and "parent" in self.ctx.columns and "thread" not in self.ctx.columns:
                # A first pass over the id and parent columns, so each reply finds the top of its chain.
                self.ctx.index = ThreadIndex((self.ctx.cell(r, "id"), self.ctx.cell(r, "parent"))
                                             for _, r in file.rows() if not isinstance(r, SkipRow))
            return file.rows()
        except (OSError, zipfile.BadZipFile, zlib.error) as error:
            raise ImportInputError(f"cannot read {self.path}: {getattr(error, 'strerror', None) or error}") from None

    def fetch(self, cursor: dict) -> Iterator[Batch]:
        parse = PARSERS[self.options.fmt.name]
        batch: list[Item] = []
        for where, record in self._records:
            self.skips.seen += 1
            try:
                if isinstance(record, SkipRow):  # a row the CSV reader could not read (CsvFile.rows)
                    raise record
                item = parse(record, self.ctx)
            except SkipRow as skip:
                self.skips.add(skip.reason, where, skip.bad, skip.example, skip.hint)
                continue
            if item.created_at < self.cutoff:
                self.skips.add(f"older than the retention period ({self.source.retention_days} days)",
                               where, bad=False, hint="see --retention-days")
                continue
            batch.append(item)
            if len(batch) >= self.batch_size:
                yield Batch(batch, cursor)
                batch = []
        # Rows left out on purpose (retweets, private messages) are not a problem to record on the source.
        summary = self.skips.summary() if self.skips.bad else None
        yield Batch(batch, cursor, warnings=[summary] if summary else [])


def import_source(path: Path, options: ImportOptions, name: str | None = None,
                  council_accounts: Iterable[str] = (), retention_days: int = 365) -> SourceConfig:
    """The `import` source that a file's items are kept under."""
    if retention_days < 1:
        raise ImportInputError("--retention-days must be a whole number of days, at least 1")
    options_dict = {"format": options.fmt.name, "file": path.name}
    if options.mapping:
        options_dict["map"] = dict(options.mapping)
    return SourceConfig(
        name=(name or default_source_name(path)).strip(), kind=KIND, options=options_dict,
        council_accounts=tuple(council_accounts), retention_days=retention_days,
    )
