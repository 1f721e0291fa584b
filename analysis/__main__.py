"""`python -m analysis`: score any CSV, rescore the store, write the weekly report, the weekly briefing
and the officers' corrections, send alerts and the briefing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from analysis.briefing import canonical_week
from analysis.export import WeekError, last_complete_week, parse_iso_week, to_excel_csv
from analysis.scoring import SCORE_COLUMNS, items_from_table, score_items
from jobs.alerts import run_alerts
from jobs.briefing import FORMATS, briefing_file, send_briefing
from jobs.delivery import DeliveryError
from jobs.export import build_corrections_csv, build_weekly_report, write_bytes_atomically
from jobs.progress import TerminalProgress
from jobs.scoring import rescore_all
from settings.alerts import load_alert_settings
from settings.typed import SettingsError
from store.db import DatabaseBusy, db_path
from store.governance import cli_actor


class UsageError(Exception):
    """A user mistake: shown as one line, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    score = commands.add_parser(
        "score", help="score any CSV exactly as the pipeline scores stored items: adds " + ", ".join(SCORE_COLUMNS)
    )
    score.add_argument("input", metavar="IN.csv")
    score.add_argument("--text-column", required=True, metavar="COL")
    score.add_argument("--title-column", metavar="COL", help="headlines (news mentions are read with them)")
    score.add_argument("-o", "--output", required=True, metavar="OUT.csv")

    rescore = commands.add_parser("rescore", help="rescore stored items with the shipped models")
    rescore.add_argument("--db", help="database file (default: $PULSE_DB or data/pulse.duckdb)")

    export = commands.add_parser("export", help="the weekly items CSV and summary CSV for an ISO week")
    when = export.add_mutually_exclusive_group(required=True)
    when.add_argument("--week", help="ISO week, e.g. 2026-W47 (Monday to Sunday, Europe/London)")
    when.add_argument("--last-week", action="store_true", help="the last complete week (for a scheduler)")
    export.add_argument("-o", "--output", metavar="FILE", help="items CSV (default: pulse-items-WEEK.csv)")
    export.add_argument(
        "--summary-output", metavar="FILE",
        help="summary CSV (default: the items file's name with -summary added, e.g. pulse-items-WEEK-summary.csv)",
    )
    export.add_argument("--db", help="database file (default: $PULSE_DB or data/pulse.duckdb)")
    export.add_argument(
        "--real-authors", action="store_true", help="show author names instead of pseudonyms"
    )

    corrections = commands.add_parser(
        "export-corrections", help="officers' label corrections as training data (text and label columns)"
    )
    corrections.add_argument("-o", "--output", metavar="FILE", help="default: pulse-corrections.csv")
    corrections.add_argument("--db", help="database file (default: $PULSE_DB or data/pulse.duckdb)")

    briefing = commands.add_parser(
        "briefing", help="the weekly briefing for an ISO week, as a self-contained HTML file or a PDF"
    )
    when = briefing.add_mutually_exclusive_group(required=True)
    when.add_argument("--week", help="ISO week, e.g. 2026-W48 (Monday to Sunday, Europe/London)")
    when.add_argument("--last-week", action="store_true", help="the last complete week (for a scheduler)")
    briefing.add_argument("-o", "--output", required=True, metavar="FILE.html|FILE.pdf",
                          help="the file to write; its extension (.html or .pdf) chooses the format")
    briefing.add_argument("--db", help="database file (default: $PULSE_DB or data/pulse.duckdb)")

    alerts = commands.add_parser(
        "alerts", help="send due alerts (spikes, new pile-ons, the daily digest) by email and/or webhook"
    )
    alerts.add_argument("--db", help="database file (default: $PULSE_DB or data/pulse.duckdb)")
    alerts.add_argument(
        "--briefing", action="store_true",
        help="instead, mail the weekly briefing of the last complete week (HTML body, PDF attached), once",
    )
    alerts.add_argument("--week", help="with --briefing: this ISO week instead of the last complete one")

    train = commands.add_parser(
        "train", help="cross-validate and retrain the shipped models from the evaluation corpora (minutes)"
    )
    train.add_argument("--data", required=True, metavar="DIR", help="folder holding nhs/, vader/ and c3/")
    train.add_argument("-o", "--output", metavar="DIR", help="where to write the models (default: analysis/models)")
    train.add_argument("--skip-cv", action="store_true", help="fit only; keep no cross-validated figures")
    return parser


def command_score(args: argparse.Namespace) -> int:
    source = Path(args.input)
    if not source.is_file():
        raise UsageError(f"no such file: {source}")
    try:
        frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        raise UsageError(f"{source} is not a readable CSV: {error}") from None
    for column in (args.text_column, args.title_column):
        if column is not None and column not in frame.columns:
            raise UsageError(f"{source} has no column {column!r} (columns: {', '.join(frame.columns)})")
    output = Path(args.output)
    _check_folder(output)
    bar = TerminalProgress("scoring")
    scores = score_items(items_from_table(frame, args.text_column, args.title_column), progress=bar)
    bar.close()
    for column in SCORE_COLUMNS:
        frame[column] = scores[column].to_numpy() if len(frame) else []
    write_bytes_atomically(output, to_excel_csv(frame))  # Excel-safe, as the weekly export
    print(f"scored {len(frame)} rows -> {output}")
    return 0


def command_rescore(args: argparse.Namespace) -> int:
    bar = TerminalProgress("rescoring")
    count = rescore_all(db_path(args.db), progress=bar)
    bar.close()
    print(f"rescored {count} items")
    return 0


def _existing_db(path: str | None) -> Path:
    db = db_path(path)
    if not db.exists():
        raise UsageError(f"no database at {db}: run `python -m collectors run` first")
    return db


def summary_path(items_path: Path) -> Path:
    """pulse-items-2026-W47.csv -> pulse-items-2026-W47-summary.csv, beside it."""
    return items_path.with_name(f"{items_path.stem}-summary{items_path.suffix or '.csv'}")


def _check_folder(*outputs: Path) -> None:
    """A missing folder is a user mistake, said before any work is done."""
    for output in outputs:
        if not output.parent.is_dir():
            raise UsageError(f"cannot write {output}: there is no folder {output.parent}")


def command_export(args: argparse.Namespace) -> int:
    week = (last_complete_week() if args.last_week else args.week).strip().upper()
    parse_iso_week(week)  # a bad week is one line before anything is read
    db = _existing_db(args.db)
    output = Path(args.output or f"pulse-items-{week}.csv")
    summary_output = Path(args.summary_output) if args.summary_output else summary_path(output)
    if summary_output.resolve() == output.resolve():
        raise UsageError("the items and summary files must be different files")
    _check_folder(output, summary_output)
    report = build_weekly_report(db, week, pseudonymise=not args.real_authors, actor=cli_actor())
    (items, item_rows), (summary, summary_rows) = report["items"], report["summary"]
    write_bytes_atomically(output, items)
    write_bytes_atomically(summary_output, summary)
    print(f"wrote {item_rows} items for {week} -> {output}")
    print(f"wrote {summary_rows} summary rows for {week} -> {summary_output}")
    return 0


def command_export_corrections(args: argparse.Namespace) -> int:
    db = _existing_db(args.db)
    data, rows = build_corrections_csv(db, actor=cli_actor())
    output = Path(args.output or "pulse-corrections.csv")
    _check_folder(output)
    write_bytes_atomically(output, data)
    print(f"wrote {rows} corrected items -> {output}")
    return 0


def command_briefing(args: argparse.Namespace) -> int:
    week = canonical_week(last_complete_week() if args.last_week else args.week)
    output = Path(args.output)
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UsageError(f"cannot tell the format of {output}: name it .html or .pdf")
    db = _existing_db(args.db)
    _check_folder(output)
    data = briefing_file(db, week, fmt, actor=cli_actor())
    write_bytes_atomically(output, data)
    print(f"wrote the briefing for {week} ({fmt.upper()}, {len(data) / 1024:,.0f} KB) -> {output}")
    return 0


def command_alerts(args: argparse.Namespace) -> int:
    settings = load_alert_settings()
    db = _existing_db(args.db)
    if args.week and not args.briefing:
        raise UsageError("--week goes with --briefing")
    if args.briefing:
        week = canonical_week(args.week or last_complete_week())
        try:
            sent = send_briefing(db, settings, week, actor=cli_actor())
        except DeliveryError as failure:
            print(f"the briefing for {week} was not sent: {failure} (tried again next run)", file=sys.stderr)
            return 1
        print(f"sent the briefing for {week}" if sent else f"the briefing for {week} was already sent")
        return 0
    outcomes = run_alerts(db, settings)
    for outcome in outcomes:
        if outcome.ok:
            print(f"sent by {outcome.channel}: {outcome.alert.subject}")
        else:
            print(f"failed by {outcome.channel}: {outcome.alert.subject}: {outcome.error} (tried again next run)",
                  file=sys.stderr)
    failed = sum(1 for o in outcomes if not o.ok)
    print(f"{len(outcomes) - failed} alerts sent, {failed} failed" if outcomes else "nothing new to send")
    return 1 if failed else 0


def command_train(args: argparse.Namespace) -> int:
    from analysis.shipped import MODELS_DIR
    from analysis.train import TrainingDataError, train

    data = Path(args.data)
    if not data.is_dir():
        raise UsageError(f"no such folder: {data}")
    try:
        train(data, Path(args.output) if args.output else MODELS_DIR,
              progress=lambda line: print(line, file=sys.stderr, flush=True), skip_cv=args.skip_cv)
    except TrainingDataError as error:
        raise UsageError(str(error)) from None
    return 0


COMMANDS = {
    "score": command_score,
    "rescore": command_rescore,
    "export": command_export,
    "export-corrections": command_export_corrections,
    "briefing": command_briefing,
    "alerts": command_alerts,
    "train": command_train,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (UsageError, WeekError, SettingsError, DatabaseBusy, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
