"""`python -m collectors`: collect configured sources into the store, score what is new, keep retention."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Self

from collectors.http import HttpClient
from collectors.imports import ImportInputError, ImportOptions, import_source
from collectors.registry import load_sources
from jobs.collect import SourceResult
from jobs.imports import import_file
from jobs.progress import TerminalProgress
from jobs.retention import erase, purge, purge_lines
from jobs.run import DemoDatabase, RunProgress, run_sources
from jobs.scoring import score_pending
from settings.environment import config_path
from settings.sources import ConfigError
from settings.typed import SettingsError
from store.db import DatabaseBusy, db_path
from store.governance import cli_actor


def positive(value: str) -> int:
    """An argparse type: a whole number of at least 1."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m collectors", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="collect every configured source, then score what is new")
    run.add_argument("--config", help="sources file (default: $PULSE_CONFIG or sources.toml)")
    run.add_argument("--source", action="append", metavar="NAME", help="only this source (repeatable)")
    run.add_argument("--db", help="database file (default: $PULSE_DB or data/pulse.duckdb)")
    run.add_argument("--workers", type=positive, default=1, metavar="N",
                     help="score in N processes while collecting (one per core is right; default 1)")

    imports = commands.add_parser("import", help="import a platform export or a CSV, then score what is new")
    imports.add_argument("file", help="the export: X archive (zip or data/tweets.js), or a CSV")
    imports.add_argument("--format", required=True, help="x | hootsuite | meta | csv")
    imports.add_argument("--db", help="database file (default: $PULSE_DB or data/pulse.duckdb)")
    imports.add_argument("--source", metavar="NAME", help="the source to keep the items under (default: 'Import: FILE')")
    imports.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                         help="which column holds a field (csv: text, created_at, id, author, parent, thread, ...)")
    dates = imports.add_mutually_exclusive_group()
    dates.add_argument("--dayfirst", action="store_true", help="numeric dates are day first (UK: 03/04 is 3 April)")
    dates.add_argument("--monthfirst", action="store_true", help="numeric dates are month first (US: 03/04 is 4 March)")
    imports.add_argument("--tz", default="Europe/London", help="time zone of times without an offset (default Europe/London)")
    imports.add_argument("--council-account", action="append", default=[], metavar="NAME",
                         help="an author that is the council itself (repeatable)")
    imports.add_argument("--retention-days", type=int, default=365, help="keep these items this long (default 365)")

    purge = commands.add_parser("purge", help="delete items older than their source's retention_days")
    purge.add_argument("--db", help="database file (default: $PULSE_DB or data/pulse.duckdb)")

    erase = commands.add_parser("erase", help="erase every item by one author (a data subject's request)")
    erase.add_argument("--author", required=True, help="the author's id or display name, exactly as stored")
    erase.add_argument("--db", help="database file (default: $PULSE_DB or data/pulse.duckdb)")
    return parser


def command_run(args: argparse.Namespace) -> int:
    args.config = args.config or config_path()
    sources = load_sources(args.config)
    if args.source:
        known = {s.name for s in sources}
        unknown = [n for n in args.source if n not in known]
        if unknown:
            raise ConfigError(
                f"no source named {unknown[0]!r} in {args.config} (known: {', '.join(sorted(known)) or 'none'})"
            )
        sources = [s for s in sources if s.name in args.source]
    db = db_path(args.db)
    with HttpClient() as http, _TerminalRun() as progress:
        summary = run_sources(sources, db, http, progress=progress, workers=args.workers)
    for line in summary.closing_lines():
        print(line)
    return 1 if summary.all_failed else 0


class _TerminalRun(RunProgress):
    """Progress bars on stderr for `collectors run`; each source's line on stdout as it finishes."""

    def __init__(self):
        self.bar: TerminalProgress | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self._close()

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def source_started(self, name: str, index: int, total: int) -> None:
        self._close()
        self.bar = TerminalProgress(f"collecting {name}")

    def items(self, name: str, fetched: int) -> None:
        if self.bar is not None:
            self.bar(fetched)

    def source_finished(self, result: SourceResult) -> None:
        self._close()
        print(result.summary(), flush=True)

    def scoring(self, done: int, total: int) -> None:
        if self.bar is None or self.bar.label != "scoring":
            self._close()
            self.bar = TerminalProgress("scoring")
        if total:
            self.bar(done, total)

    def purging(self) -> None:
        self._close()


def command_import(args: argparse.Namespace) -> int:
    options = ImportOptions.build(args.format, args.map, args.dayfirst, args.monthfirst, args.tz)
    source = import_source(Path(args.file), options, args.source, args.council_account, args.retention_days)
    db = db_path(args.db)
    bar = TerminalProgress("importing")
    result = import_file(args.file, options, db, source, progress=lambda name, n: bar(n))
    bar.close()
    print(result.summary())
    if result.skips.summary():
        print(result.skips.summary(), file=sys.stderr)
    if result.error:
        print(f"error: {result.error}: the import stopped there; the {result.read:,} items read before it were "
              "saved, the rest of the file was not read (importing it again adds nothing twice)", file=sys.stderr)
    scoring_bar = TerminalProgress("scoring")
    scored = score_pending(db, progress=scoring_bar)
    scoring_bar.close()
    print(f"scored {scored} new or changed items")
    return 2 if result.error else 1 if result.skips.bad else 0


def command_purge(args: argparse.Namespace) -> int:
    deleted = purge(existing_db(args.db), actor=cli_actor())
    for line in purge_lines(deleted):
        print(line)
    if not deleted:
        print("nothing is past its retention period")
    return 0


def command_erase(args: argparse.Namespace) -> int:
    count = erase(existing_db(args.db), args.author, actor=cli_actor())
    print(f"erased {count} items by that author" if count else "no items by that author")
    return 0


def existing_db(path: str | None):
    db = db_path(path)
    if not db.exists():
        raise ConfigError(f"no database at {db}")
    return db


COMMANDS = {"run": command_run, "import": command_import, "purge": command_purge, "erase": command_erase}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (SettingsError, DatabaseBusy, ImportInputError, DemoDatabase) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: what was saved is kept; the next run resumes from there", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
