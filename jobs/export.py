"""The weekly files and the corrections file, built from the store and recorded in the audit log.

analysis.export and analysis.report make the tables (pure); this module reads the
rows they need, writes the CSV bytes and logs who exported what. Every CSV is
Excel-safe (analysis.export.to_excel_csv).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from analysis.export import dictionary_table, items_table, new_pseudonym_key, parse_iso_week, to_excel_csv
from analysis.report import summary_table, training_table
from settings.secrets import read_secret
from store.db import connect, transaction
from store.export import items_between, source_accounts
from store.governance import record_action
from store.settings import set_setting_if_absent
from store.triage import corrections_for_training, flag_events_between


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def record_export(db, actor: str, what: str) -> None:
    """Write an export into the audit log under `actor`: never under a blank name."""
    if not isinstance(actor, str) or not actor.strip():
        raise ValueError("an export must be recorded under someone's name")
    with connect(db) as con, transaction(con):
        record_action(con, actor.strip(), "export", what, _utcnow())


def table_csv(db, frame, what: str, *, actor: str) -> bytes:
    """A table the dashboard shows, as Excel-safe CSV bytes (ui.downloads); the download is recorded in the
    audit log under `actor`."""
    data = to_excel_csv(frame)
    record_export(db, actor, f"{what}: {len(frame)} rows")
    return data


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename: never a half-written export."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_bytes(data)
    temporary.replace(path)


PSEUDONYM_SECRET = "PULSE_PSEUDONYM_KEY"


def pseudonym_key(db) -> bytes:
    """The key for author pseudonyms: PULSE_PSEUDONYM_KEY from the environment or secrets,
    else one generated on first export and kept in the database, so labels stay stable."""
    configured = read_secret(PSEUDONYM_SECRET)
    if configured:
        return configured.encode("utf-8")
    with connect(db) as con:
        return set_setting_if_absent(con, "pseudonym_key", new_pseudonym_key()).encode("utf-8")


def weekly_items_csv(db, week: str, *, actor: str, pseudonymise: bool = True) -> bytes:
    """The weekly item-level CSV for an ISO week, as bytes; the export is recorded in the audit log."""
    return build_weekly_items(db, week, pseudonymise=pseudonymise, actor=actor)[0]


def build_weekly_items(db, week: str, *, actor: str, pseudonymise: bool = True) -> tuple[bytes, int]:
    """(CSV bytes, row count) for an ISO week; the export is recorded in the audit log."""
    start, end = parse_iso_week(week)
    key = pseudonym_key(db) if pseudonymise else None
    with connect(db, read_only=True) as con:
        items = items_between(con, start, end)
        official = {name: a["official_accounts"] for name, a in source_accounts(con).items()}
    data = to_excel_csv(items_table(items, key, official))
    names = "residents pseudonymised" if pseudonymise else "real names"
    record_export(db, actor, f"weekly items {week}: {len(items)} rows, {names}")
    return data, len(items)


def data_dictionary_csv() -> bytes:
    """What each column of the items file means, as a CSV for analysts (README has the same table)."""
    return to_excel_csv(dictionary_table())


def build_weekly_summary(db, week: str, *, actor: str) -> tuple[bytes, int]:
    """(CSV bytes, row count) of the weekly summary; the export is recorded in the audit log."""
    start, end = parse_iso_week(week)
    with connect(db, read_only=True) as con:
        table = summary_table(items_between(con, start, end), flag_events_between(con, start, end))
    data = to_excel_csv(table)
    record_export(db, actor, f"weekly summary {week}: {len(table)} rows")
    return data, len(table)


def weekly_summary_csv(db, week: str, *, actor: str) -> bytes:
    """The summary CSV bytes (for a download button's callable)."""
    return build_weekly_summary(db, week, actor=actor)[0]


def build_weekly_report(db, week: str, *, actor: str, pseudonymise: bool = True) -> dict:
    """Both weekly files: {'items': (bytes, rows), 'summary': (bytes, rows)}."""
    if pseudonymise:
        pseudonym_key(db)  # make the key before the read-only reads below
    return {
        "items": build_weekly_items(db, week, pseudonymise=pseudonymise, actor=actor),
        "summary": build_weekly_summary(db, week, actor=actor),
    }


def build_corrections_csv(db, *, actor: str) -> tuple[bytes, int]:
    """(CSV bytes, rows) of every officer correction; recorded in the audit log."""
    with connect(db, read_only=True) as con:
        table = training_table(corrections_for_training(con))
    data = to_excel_csv(table)
    record_export(db, actor, f"label corrections: {len(table)} rows")
    return data, len(table)
