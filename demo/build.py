"""Build the demo database: recorded payloads, replayed locally, through the real collectors and models.

The database is built under a temporary name beside the target and moved into
place only when every source was collected and scored, so a build that fails
part-way never leaves a half-filled database for `make run` to pick up.

The collectors that need credentials get the demo's made-up ones (demo.apis.DEMO_SECRETS),
and the replay server's address is listed in PULSE_TRUSTED_API_HOSTS, as an operator
would list a test server: both in this process's environment, only while the
collectors run, and put back as they were afterwards (a user's own keys are never
sent to the replay server, and never kept).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from collectors.http import HttpClient
from collectors.registry import load_sources
from demo.apis import DEMO_SECRETS
from demo.server import ReplayServer
from jobs.collect import SourceResult, collect_all
from jobs.progress import TerminalProgress
from jobs.scoring import score_pending
from settings.environment import TRUSTED_API_HOSTS
from store.db import connect, transaction
from store.settings import mark_demo
from store.summary import flagged_threads, holds_nothing, items_per_source
from store.threads import date_flags_as_recorded

TEMPLATE = Path(__file__).resolve().parent / "sources.toml"


class DemoBuildError(RuntimeError):
    """The demo could not be built; the message says which source and why."""


@dataclass
class BuildReport:
    db: Path
    built: bool  # False: a database with data in it was already there and was left as it was
    replaced_empty: bool = False  # True: a database was there but held nothing, and the demo took its place
    seconds: float = 0.0
    results: list[SourceResult] = field(default_factory=list)
    scored: int = 0
    items: list[tuple[str, int]] = field(default_factory=list)
    flagged: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    def lines(self) -> list[str]:
        if not self.built:
            return [f"{self.db} already holds data; left as it is (use --fresh to replace it with the demo)"]
        lines = [f"{self.db} held no items, so the demo was built there" if self.replaced_empty else
                 f"demo database built at {self.db}"]
        lines[0] += f" in {self.seconds:.1f}s"
        lines += [f"  {name}: {count} items" for name, count in self.items]
        lines.append(f"  scored {self.scored} items")
        lines.append(f"  flagged threads: {len(self.flagged)}")
        lines += [f"    {title or key}: {reason}" for key, title, reason in self.flagged]
        return lines


def demo_config(base_url: str, folder: Path) -> Path:
    """The demo's sources.toml with every address pointing at the replay server."""
    path = folder / "sources.toml"
    path.write_text(TEMPLATE.read_text(encoding="utf-8").replace("{base}", base_url), encoding="utf-8")
    return path


def _remove(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        candidate.unlink(missing_ok=True)


@contextmanager
def replay_environment(base_url: str) -> Iterator[None]:
    """The demo's credentials, and trust in the replay server, in this process's environment while the block runs."""
    trusted = os.environ.get(TRUSTED_API_HOSTS.name)
    changes = DEMO_SECRETS | {TRUSTED_API_HOSTS.name: ",".join(filter(None, [trusted, urlsplit(base_url).netloc]))}
    before = {name: os.environ.get(name) for name in changes}
    os.environ.update(changes)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _collect(db: Path, show_progress: bool) -> tuple[list[SourceResult], int]:
    collecting = TerminalProgress("collecting") if show_progress else None
    scoring = TerminalProgress("scoring") if show_progress else None
    with ReplayServer() as server, tempfile.TemporaryDirectory(prefix="pulse-demo-") as folder:
        progress: Callable[[str, int], None] | None = (lambda name, n: collecting(n)) if collecting else None
        with replay_environment(server.base_url), HttpClient(tries=2, backoff=0.1) as http:
            sources = load_sources(demo_config(server.base_url, Path(folder)))  # the replay server is trusted here
            results = collect_all(sources, db, http, progress=progress)
        if collecting:
            collecting.close()
    failed = [r for r in results if r.error or r.warnings]
    if failed:
        raise DemoBuildError("; ".join(r.summary() for r in failed))
    scored = score_pending(db, progress=scoring)
    if scoring:
        scoring.close()
    return results, scored


def _holds_nothing(db: Path) -> bool:
    with connect(db, read_only=True) as con:
        return holds_nothing(con)


def build(db: str | os.PathLike, fresh: bool = False, show_progress: bool = True) -> BuildReport:
    """Build the demo database at `db`. An existing file is kept unless `fresh`, or unless it holds
    nothing (no item, no officer action: a test or a first start made it empty).

    The old file is replaced only once the new one is complete, so a failed build keeps what was there.
    """
    target = Path(db)
    replaced_empty = target.exists() and not fresh and _holds_nothing(target)
    if target.exists() and not fresh and not replaced_empty:
        return BuildReport(db=target, built=False)
    started = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(f".{target.name}.building")
    _remove(building)
    try:
        results, scored = _collect(building, show_progress)
        with connect(building) as con:
            with transaction(con):
                mark_demo(con)
                date_flags_as_recorded(con)
            items, flagged = items_per_source(con), flagged_threads(con)
            con.execute("CHECKPOINT")
    except BaseException:
        _remove(building)
        raise
    _remove(target)  # with its write-ahead log, which must never be replayed onto the new file
    os.replace(building, target)
    wal = building.with_name(building.name + ".wal")
    if wal.exists():  # the checkpoint should have emptied it; keep it with its database if not
        os.replace(wal, target.with_name(target.name + ".wal"))
    return BuildReport(
        db=target,
        built=True,
        replaced_empty=replaced_empty,
        seconds=time.perf_counter() - started,
        results=results,
        scored=scored,
        items=items,
        flagged=flagged,
    )
