"""Where the database lives and how to open it.

DuckDB lets one process write a file at a time, and within one process every
connection to a file must share one configuration. So connections here are
short-lived (a `with` block), and opening one retries with backoff while another
process or connection holds the file.

Opening a file costs DuckDB ~25 ms of CPU (the instance starts and reads the
catalogue); a cursor on an instance already open costs microseconds. `reading`
(the dashboard's reads) therefore keeps one read-only instance per file open while
reads keep coming and closes it READ_IDLE_S after the last one (and at the latest
READ_MAX_HOLD_S after opening, once idle), so a page's ten reads open the file once
and a collector in another process waits at most that long for its write lock.
A write connection in this process closes an idle reader of the file first.

DuckDB merges small row groups in the checkpoint that ends each write, and a merge
rewrites (and re-indexes) the rows it moves. A collection run saving tens of
thousands of items, a save at a time, would rewrite its newest rows at every save:
at 100k items that was about a fifth of the run's time outside scoring, and at 1M a
quarter. So a run's saves open their connections with `defer_merges=True`, and the
run ends with merge_row_groups: the rows are merged once, by the run, and no later
write (an officer's click) inherits the work. Write connections also cap DuckDB's
memory (WRITE_MEMORY_LIMIT): past it DuckDB evicts what it has already written, or
spills to a temporary file, rather than growing with the store.
"""

from __future__ import annotations

import atexit
import os
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from settings import environment
from store.schema import SCHEMA_VERSION, current_version, migrate

# DuckDB's memory for one write connection (its default is 80% of the machine's): past it DuckDB
# evicts or spills rather than growing with the store. Measured at 1M items: bench/README.md.
WRITE_MEMORY_LIMIT = "1GB"

# How a run's saves write (connect(defer_merges=True)), since the run's one merge rewrites their rows
# anyway: no merging in each save's checkpoint, text compressed with zstd (cheaper than DuckDB's own
# choice, which the merge makes later), and a checkpoint at each commit instead of a write-ahead log.
# Figures: bench/README.md, sixth pass.
DEFERRED_WRITE_SETTINGS = {"max_vacuum_tasks": "0", "force_compression": "zstd", "checkpoint_threshold": "1MB"}

# Writes (a run's saves, an officer's clicks) are statements of milliseconds: a second DuckDB
# thread costs more than it saves (bench/README.md, sixth pass).
WRITE_THREADS = 1

# Errors that mean "someone else has the file right now": worth waiting for.
_BUSY_MARKERS = ("lock", "different configuration", "conflict")


class DatabaseBusy(RuntimeError):
    """The database stayed locked by another writer for longer than we wait."""


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """`--db` if given, else PULSE_DB, else data/pulse.duckdb."""
    return Path(explicit) if explicit else environment.db_path()


def _is_busy(error: Exception) -> bool:
    text = str(error).lower()
    return any(marker in text for marker in _BUSY_MARKERS)


def _waiting_marker(path: Path) -> Path:
    """The file a writer kept waiting touches, so that readers (`reading`) let it in first."""
    return path.with_name(path.name + ".writer-waiting")


def _touch(marker: Path) -> bool:
    try:
        marker.touch()
        return True
    except OSError:  # a read-only folder: readers are not asked to wait, writers still retry
        return False


def _open(path: Path, read_only: bool, wait_s: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_s
    delay = 0.02
    marked = False
    try:
        while True:
            if not read_only:
                _release_reader(path)
            try:
                con = duckdb.connect(str(path), read_only=read_only)
                if not read_only:
                    con.execute(f"SET memory_limit = '{WRITE_MEMORY_LIMIT}'")
                    con.execute(f"SET threads = {WRITE_THREADS}")
                return con
            except (duckdb.IOException, duckdb.ConnectionException) as error:
                if not _is_busy(error) or time.monotonic() >= deadline:
                    if _is_busy(error):
                        raise DatabaseBusy(
                            f"the database {path} is busy (another process is writing); try again shortly"
                        ) from error
                    raise
            if not read_only:
                marked = _touch(_waiting_marker(path)) or marked
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 0.1 if marked else 0.5)
    finally:
        if marked:
            _waiting_marker(path).unlink(missing_ok=True)


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
    defer_merges: bool = False,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection to a migrated database; closed when the block ends.

    `defer_merges`: this connection's checkpoints write its rows without merging row groups,
    text compressed by zstd (DEFERRED_WRITE_SETTINGS; the module's note); the caller runs
    merge_row_groups later, which stores them DuckDB's way.
    """
    resolved = db_path(path)
    ensure_schema(resolved, wait_s=wait_s)
    con = _open(resolved, read_only=read_only, wait_s=wait_s)
    try:
        if defer_merges:
            # Settings of the DuckDB instance: other connections of this process to the file share
            # them until the instance closes (merge_row_groups resets them on its own connection).
            for name, value in DEFERRED_WRITE_SETTINGS.items():
                con.execute(f"SET {name} = '{value}'")
        yield con
    finally:
        con.close()


def merge_row_groups(path: str | os.PathLike | None = None) -> None:
    """Merge the row groups that writes with `defer_merges` left small (in one checkpoint).

    DuckDB merges row groups only in a checkpoint that follows a change, so this makes
    one: it records when it ran, in `upkeep`.
    """
    with connect(path) as con:
        # The instance may be shared with a connection of this process that deferred merges.
        for name in DEFERRED_WRITE_SETTINGS:
            con.execute(f"RESET {name}")
        done_at = datetime.now(UTC).replace(tzinfo=None)  # the store's times are naive UTC
        con.execute("INSERT OR REPLACE INTO upkeep VALUES ('merge_row_groups', ?)", [done_at])


READ_IDLE_S = 0.5
READ_MAX_HOLD_S = 3.0
WRITER_FRESH_S = 2.0  # a waiting writer's mark older than this is left over from a crash: ignored


class _Reader:
    """One read-only instance of a file, shared by the reads of this process while they keep coming."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.opened = self.used = time.monotonic()
        self.in_use = 0
        self.closed = False
        self.timer: threading.Timer | None = None


_readers: dict[Path, _Reader] = {}
_readers_lock = threading.Lock()


def _close_reader(key: Path, reader: _Reader) -> None:
    """Stop handing out `reader`; close it now if nobody is using it, else when its last read ends.
    Hold _readers_lock."""
    if _readers.get(key) is reader:
        del _readers[key]
    if reader.in_use == 0 and not reader.closed:
        reader.closed = True
        if reader.timer is not None:
            reader.timer.cancel()
        reader.con.close()


def _writer_waiting(path: Path) -> bool:
    try:
        return time.time() - _waiting_marker(path).stat().st_mtime < WRITER_FRESH_S
    except OSError:
        return False


def _close_if_idle(key: Path, reader: _Reader) -> None:
    with _readers_lock:
        if time.monotonic() - reader.used >= READ_IDLE_S * 0.9:
            _close_reader(key, reader)


def _release_reader(path: Path) -> None:
    """Before writing: close this process's reader of the file if no read is running on it."""
    key = path.resolve()
    with _readers_lock:
        reader = _readers.get(key)
        if reader is not None:
            _close_reader(key, reader)


@atexit.register
def _close_readers() -> None:
    """At exit, close the idle readers here, not in a timer thread while the interpreter shuts down."""
    with _readers_lock:
        for key, reader in list(_readers.items()):
            _close_reader(key, reader)


@contextmanager
def reading(path: str | os.PathLike | None = None, wait_s: float = 30.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only cursor on the file's shared reader (opened if none is), for one read.

    The reader stays open READ_IDLE_S after the last read ends, never longer than
    READ_MAX_HOLD_S from its opening once idle: see the module's docstring.
    """
    resolved = db_path(path)
    ensure_schema(resolved, wait_s=wait_s)
    key = resolved.resolve()
    deadline = time.monotonic() + wait_s
    while _writer_waiting(resolved) and time.monotonic() < deadline:  # a writer goes first
        with _readers_lock:
            if key in _readers:
                _close_reader(key, _readers[key])
        time.sleep(0.02)
    with _readers_lock:
        reader = _readers.get(key)
        if reader is not None:
            reader.in_use += 1
    if reader is None:
        con = _open(resolved, read_only=True, wait_s=wait_s)  # outside the lock: it may wait for a writer
        with _readers_lock:
            reader = _readers.get(key)
            if reader is None:
                reader = _readers[key] = _Reader(con)
                con = None
            reader.in_use += 1
        if con is not None:  # another thread opened one meanwhile: use that
            con.close()
    cursor = reader.con.cursor()
    try:
        yield cursor
    finally:
        cursor.close()
        with _readers_lock:
            reader.in_use -= 1
            reader.used = time.monotonic()
            if reader.in_use == 0:
                if _readers.get(key) is not reader or reader.used - reader.opened >= READ_MAX_HOLD_S:
                    _close_reader(key, reader)
                else:
                    if reader.timer is not None:
                        reader.timer.cancel()
                    reader.timer = threading.Timer(READ_IDLE_S, _close_if_idle, (key, reader))
                    reader.timer.daemon = True
                    reader.timer.start()


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
