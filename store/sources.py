"""The `sources` and `runs` tables: configured channels, their cursors, their health."""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pandas as pd

from store.db import fetch_one


def sync_source(con: duckdb.DuckDBPyConnection, name: str, kind: str, config: dict) -> int:
    """Make sure a configured source has a row; returns its id. Config is kept current."""
    row = fetch_one(con, "SELECT id FROM sources WHERE name = ?", [name])
    if row:
        con.execute(
            "UPDATE sources SET kind = ?, config = ? WHERE id = ?", [kind, json.dumps(config), row[0]]
        )
        return row[0]
    return con.execute(
        "INSERT INTO sources (kind, name, config, cursor) VALUES (?, ?, ?, '{}') RETURNING id",
        [kind, name, json.dumps(config)],
    ).fetchall()[0][0]


def source_kind(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """The kind of the stored source with this name; None when there is none."""
    row = fetch_one(con, "SELECT kind FROM sources WHERE name = ?", [name])
    return row[0] if row else None


def get_cursor(con: duckdb.DuckDBPyConnection, source_id: int) -> dict:
    row = fetch_one(con, "SELECT cursor FROM sources WHERE id = ?", [source_id])
    return json.loads(row[0]) if row and row[0] else {}


def save_cursor(con: duckdb.DuckDBPyConnection, source_id: int, cursor: dict) -> None:
    con.execute("UPDATE sources SET cursor = ? WHERE id = ?", [json.dumps(cursor), source_id])


def start_run(con: duckdb.DuckDBPyConnection, source_id: int, at: datetime) -> int:
    con.execute("UPDATE sources SET last_run_at = ? WHERE id = ?", [at, source_id])
    return con.execute(
        "INSERT INTO runs (source_id, started_at) VALUES (?, ?) RETURNING id", [source_id, at]
    ).fetchall()[0][0]


def add_to_run(
    con: duckdb.DuckDBPyConnection, run_id: int, fetched: int, new: int, updated: int, too_old: int = 0
) -> None:
    """Count a saved batch; called in the batch's own transaction so counts match the data.
    `too_old`: fetched items not saved because they were posted before the source's retention period."""
    con.execute(
        """UPDATE runs SET fetched = fetched + ?, new = new + ?, updated = updated + ?,
                           too_old = coalesce(too_old, 0) + ? WHERE id = ?""",
        [fetched, new, updated, too_old, run_id],
    )


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    source_id: int,
    at: datetime,
    error: str | None,
    warnings: list[str],
) -> None:
    """Close the run; a clean run clears the source's last error, a failed one records it."""
    problems = ([error] if error else []) + warnings
    text = "; ".join(problems) or None
    con.execute(
        "UPDATE runs SET finished_at = ?, errors = ?, error_text = ? WHERE id = ?",
        [at, len(problems), text, run_id],
    )
    if error:
        con.execute("UPDATE sources SET last_error = ? WHERE id = ?", [text, source_id])
    else:
        con.execute(
            "UPDATE sources SET last_ok_at = ?, last_error = ? WHERE id = ?", [at, text, source_id]
        )


def source_health(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every stored source with its health, for the Sources page.

    Columns: id, name, kind, last_run_at, last_ok_at, last_error, items (stored,
    not deleted), newest_day (the London day of its newest stored item), and the latest run's
    run_started_at, run_finished_at (None while running, or when the run was stopped), fetched,
    new, updated, errors and too_old (fetched, not kept: older than the source's retention).
    """
    return con.execute(
        """
        WITH latest AS (
            SELECT source_id, started_at, finished_at, fetched, new, updated, errors, too_old
            FROM runs
            QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY started_at DESC, id DESC) = 1
        ), counts AS (
            SELECT source_id, count(*) AS items FROM items WHERE deleted_at IS NULL GROUP BY source_id
        ), newest AS (  -- the per-day table: a few rows per day, not every item
            SELECT source_id, max(day) AS newest_day FROM daily_counts WHERE items > 0 GROUP BY source_id
        )
        SELECT s.id, s.name, s.kind, s.last_run_at, s.last_ok_at, s.last_error,
               coalesce(c.items, 0) AS items, n.newest_day,
               r.started_at AS run_started_at, r.finished_at AS run_finished_at,
               r.fetched, r.new, r.updated, r.errors, coalesce(r.too_old, 0) AS too_old
        FROM sources s
        LEFT JOIN counts c ON c.source_id = s.id
        LEFT JOIN newest n ON n.source_id = s.id
        LEFT JOIN latest r ON r.source_id = s.id
        ORDER BY lower(s.name), s.id
        """
    ).df()


def source_freshness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """name, last_run_at, last_ok_at and newest_day (the London day of its newest stored item) of every stored
    source: what analysis.freshness needs, read from the per-day table so every page can afford it."""
    return con.execute(
        """SELECT s.name, s.last_run_at, s.last_ok_at, n.newest_day
           FROM sources s
           LEFT JOIN (SELECT source_id, max(day) AS newest_day FROM daily_counts WHERE items > 0
                      GROUP BY source_id) n ON n.source_id = s.id
           ORDER BY lower(s.name), s.id"""
    ).df()
