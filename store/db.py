"""Where the database lives and how to open it.

DuckDB lets one process write a file at a time, and within one process every
connection to a file must share one configuration. So connections here are
short-lived (a `with` block), and opening one retries with backoff while another
process or connection holds the file.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from store.schema import SCHEMA_VERSION, current_version, migrate

DEFAULT_PATH = Path("data") / "pulse.duckdb"

# Errors that mean "someone else has the file right now": worth waiting for.
_BUSY_MARKERS = ("lock", "different configuration", "conflict")


class DatabaseBusy(RuntimeError):
    """The database stayed locked by another writer for longer than we wait."""


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """`--db` if given, else PULSE_DB, else data/pulse.duckdb."""
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("PULSE_DB") or DEFAULT_PATH)


def _is_busy(error: Exception) -> bool:
    text = str(error).lower()
    return any(marker in text for marker in _BUSY_MARKERS)


def _open(path: Path, read_only: bool, wait_s: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_s
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except (duckdb.IOException, duckdb.ConnectionException) as error:
            if not _is_busy(error) or time.monotonic() >= deadline:
                if _is_busy(error):
                    raise DatabaseBusy(
                        f"the database {path} is busy (another process is writing); try again shortly"
                    ) from error
                raise
        time.sleep(delay * (1 + random.random()))
        delay = min(delay * 2, 0.5)


# Files this process has already brought up to date: skip the check next time.
_migrated: set[Path] = set()


def ensure_schema(path: Path, wait_s: float = 30.0) -> None:
    """Create the file and apply pending migrations if needed."""
    key = path.resolve()
    if key in _migrated and path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        con = _open(path, read_only=True, wait_s=wait_s)
        try:
            if current_version(con) >= SCHEMA_VERSION:
                _migrated.add(key)
                return
        finally:
            con.close()
    con = _open(path, read_only=False, wait_s=wait_s)
    try:
        migrate(con)
    finally:
        con.close()
    _migrated.add(key)


@contextmanager
def connect(
    path: str | os.PathLike | None = None,
    *,
    read_only: bool = False,
    wait_s: float = 30.0,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection to a migrated database; closed when the block ends."""
    resolved = db_path(path)
    ensure_schema(resolved, wait_s=wait_s)
    con = _open(resolved, read_only=read_only, wait_s=wait_s)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: commit when the block ends, roll back if it raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def memory() -> duckdb.DuckDBPyConnection:
    """A migrated in-memory database, for tests and one-off scoring."""
    con = duckdb.connect(":memory:")
    migrate(con)
    return con


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str, params: list | tuple = ()) -> tuple | None:
    """First row of a query, with the result fully consumed.

    DuckDB 2 keeps a half-read result open on the connection, which blocks
    register/unregister; fetchall() finishes it.
    """
    rows = con.execute(sql, list(params)).fetchall()
    return rows[0] if rows else None
