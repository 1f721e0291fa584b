"""Running collectors from the dashboard, and changing sources.toml from it, with audit rows.

A collection started from the Sources page runs in a background thread of the
app process: the same run as `python -m collectors run`
(jobs.run.run_sources: the real collectors over one HttpClient, the
real scoring, then the retention purge). The page only
reads its progress, so the run goes on if the person who started it opens
another page, and every session sees the same run. One run at a time per
process: a second request while one runs is refused with CollectionBusy. The
runner and the scorer open short-lived connections per batch, so other sessions
keep reading the database while it runs.

Only officers may do these things (collect, add a source, switch one on or
off): each function here takes the acting store.triage.Actor and refuses a
viewer with NotAllowed, whatever the page showed. Each action goes into the
append-only `actions` log with who did it.

The demo database (store.settings.is_demo) is never collected into: its channels
are recordings replayed only while `python -m demo build` runs, so a collection
could only fail; start_collection refuses with DemoDatabase, saying so.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from collectors.http import HttpClient
from collectors.registry import KINDS
from jobs.collect import SourceResult
from jobs.run import DemoDatabase as DemoDatabase  # raised by start_collection; the Sources page catches it
from jobs.run import RunProgress, refuse_the_demo, run_sources
from settings.clock import clock_words
from settings.sources import SourceConfig
from settings.sources_file import SavedConfig, add_source, set_enabled
from store.db import connect, transaction
from store.governance import record_action
from store.triage import Actor, NotAllowed

ACTION_COLLECT = "collect"
ACTION_ADD_SOURCE = "source_add"
ACTION_SWITCH_SOURCE = "source_switch"


class CollectionBusy(RuntimeError):
    """A collection is already running in this process."""


DEMO_REASON = (
    "This is the demo: its channels are recordings, so there is nothing new to collect. "
    "Collect now works once the dashboard runs with your council's own channels."
)


def _require_officer(actor: Actor) -> str:
    if not isinstance(actor, Actor) or not actor.is_officer:
        who = getattr(actor, "name", "") or "an anonymous user"
        raise NotAllowed(f"{who} is a viewer: only officers can collect, add or switch sources")
    return actor.name


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class Collection:
    """One run over some sources; its fields are updated by the worker thread as it goes."""

    names: tuple[str, ...]
    requested_by: str
    started_at: datetime
    phase: str = "collecting"  # collecting | scoring | purging | finished
    current: str | None = None  # the source being collected
    current_items: int = 0  # items fetched so far from it
    scored: int = 0
    to_score: int = 0
    results: list[SourceResult] = field(default_factory=list)
    purged: dict[str, int] = field(default_factory=dict)  # source name -> items deleted past retention
    error: str | None = None  # a failure of the run itself (a source's own failure is in its result)
    finished_at: datetime | None = None
    _done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def running(self) -> bool:
        return not self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the run has finished; False if it is still running after `timeout` seconds."""
        return self._done.wait(timeout)

    def fraction(self) -> float:
        """Progress from 0 to 1: collecting is the first 90%, scoring the rest (purging at the very end)."""
        if not self.running:
            return 1.0
        total = max(len(self.names), 1)
        if self.phase == "collecting":
            return 0.9 * len(self.results) / total
        if self.phase == "purging":
            return 1.0
        return 0.9 + (0.1 * self.scored / self.to_score if self.to_score else 0.0)

    def progress_text(self) -> str:
        """Where the run is, in words (source names are the user's: render as plain text)."""
        if not self.running:
            return self.outcome()
        if self.phase == "collecting":
            step = f"Collecting source {len(self.results) + 1} of {len(self.names)}"
            if self.current:
                step += f": {self.current}"
                if self.current_items:
                    step += f" ({self.current_items:,} items so far)"
            return step
        if self.phase == "purging":
            return "Deleting items past their retention period"
        if self.to_score:
            return f"Scoring new items: {self.scored:,} of {self.to_score:,}"
        return "Scoring new items"

    def outcome(self) -> str:
        fetched = sum(r.fetched for r in self.results)
        new = sum(r.new for r in self.results)
        failed = [r.name for r in self.results if r.error]
        text = (
            f"Collected {len(self.results)} of {len(self.names)} source(s): "
            f"{fetched:,} items fetched, {new:,} new; scored {self.scored:,}"
        )
        too_old = sum(r.too_old for r in self.results)
        if too_old:
            text += f"; not kept: {too_old:,} posted before their source's retention period (see Too old)"
        if self.purged:
            text += f"; deleted {sum(self.purged.values()):,} past retention"
        if failed:
            text += f". Failed: {', '.join(failed)} (see Last error)"
        if self.error:
            text += f". The run stopped: {self.error}"
        return text

    @property
    def failed(self) -> bool:
        return bool(self.error) or any(r.error for r in self.results)


_lock = threading.Lock()
_latest: Collection | None = None

HttpFactory = Callable[[], HttpClient]


def latest() -> Collection | None:
    """The run in progress, else the last one this process ran (None before any)."""
    return _latest


def start_collection(
    sources: list[SourceConfig],
    db: Path | str,
    actor: Actor,
    http_factory: HttpFactory | None = None,
) -> Collection:
    """Collect the switched-on ones of these sources, score what is new and purge past retention
    (jobs.run.run_sources), in a background thread; returns at once."""
    global _latest
    requested_by = _require_officer(actor)
    refuse_the_demo(db, DEMO_REASON)
    with _lock:
        if _latest is not None and _latest.running:
            raise CollectionBusy(
                f"a collection started by {_latest.requested_by} at {clock_words(_latest.started_at)} is still running"
            )
        job = Collection(names=tuple(s.name for s in sources if s.enabled), requested_by=requested_by, started_at=_now())
        _latest = job
    thread = threading.Thread(
        target=_run, args=(job, list(sources), db, http_factory or HttpClient), name="pulse-collect", daemon=True
    )
    thread.start()
    return job


class _JobProgress(RunProgress):
    """Keeps a Collection's fields up to date for the page to read."""

    def __init__(self, job: Collection):
        self.job = job

    def source_started(self, name: str, index: int, total: int) -> None:
        self.job.current, self.job.current_items = name, 0

    def items(self, name: str, fetched: int) -> None:
        self.job.current_items = fetched

    def source_finished(self, result: SourceResult) -> None:
        self.job.results.append(result)

    def scoring(self, done: int, total: int) -> None:
        self.job.phase, self.job.current = "scoring", None
        self.job.scored, self.job.to_score = done, total

    def purging(self) -> None:
        self.job.phase, self.job.current = "purging", None


def _run(job: Collection, sources: list[SourceConfig], db: Path | str, http_factory: HttpFactory) -> None:
    try:
        _audit(db, job.requested_by, ACTION_COLLECT, ", ".join(job.names) or "(none)")
        with http_factory() as http:
            summary = run_sources(sources, db, http, progress=_JobProgress(job))
        job.scored, job.purged = summary.scored, summary.purged
    except Exception as error:  # noqa: BLE001 (a run that cannot go on (database busy, disk full) says why)
        job.error = str(error) or type(error).__name__
    finally:
        job.phase, job.finished_at = "finished", _now()
        job._done.set()


def _audit(db: Path | str, actor: str, action: str, value: str, note: str | None = None) -> None:
    with connect(db) as con, transaction(con):
        record_action(con, actor, action, value, _now(), note=note)


def add_configured_source(entry: dict, db: Path | str, actor: Actor, path: Path | None = None,
                          replace_example: bool = False) -> SavedConfig:
    """Validate and append a source to sources.toml (settings.sources_file.add_source; with `replace_example`, in
    place of the example's channels), then log who did it."""
    name = _require_officer(actor)
    saved = add_source(entry, KINDS, path, replace_example=replace_example)
    _audit(db, name, ACTION_ADD_SOURCE, entry.get("name", ""), note=str(saved.path))
    return saved


def switch_configured_source(
    name: str, enabled: bool, db: Path | str, actor: Actor, path: Path | None = None
) -> SavedConfig:
    """Switch a source on or off in sources.toml (settings.sources_file.set_enabled), then log who did it."""
    who = _require_officer(actor)
    saved = set_enabled(name, enabled, KINDS, path)
    _audit(db, who, ACTION_SWITCH_SOURCE, name, note="on" if enabled else "off")
    return saved
