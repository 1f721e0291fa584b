"""One collection run, the same from the command line and from the Sources page.

`run_sources` collects each source in turn (jobs.collect.collect_source:
one source failing is recorded on it and the others still run), scoring what
is new as it is saved (jobs.scoring.ScoringAsSaved, in `workers` processes;
the saves defer DuckDB's merging of row groups, done once when collecting ends:
store.db.merge_row_groups) and then anything still unscored (jobs.scoring.score_pending, which re-flags
every thread touched), then deletes what is past its source's retention period
(jobs.retention.purge, logged in the audit trail). `python -m collectors run` and the Sources page's
"Collect now" (jobs.collect_now) both call it, so retention is enforced at the
end of every run whoever started it.

Callers follow the run through a `RunProgress`: a terminal draws bars, the
Sources page updates what its progress display reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jobs.collect import SourceResult, collect_source
from jobs.retention import purge, purge_lines
from jobs.scoring import ScoringAsSaved, score_pending
from settings.sources import SourceConfig
from store.db import connect, merge_row_groups
from store.settings import is_demo


class RunProgress:
    """Hooks called as a run goes; each does nothing here, a caller overrides what it shows."""

    def source_started(self, name: str, index: int, total: int) -> None:
        """Source `index` (from 0) of `total` is being collected."""

    def items(self, name: str, fetched: int) -> None:
        """`fetched` items of the current source are saved so far."""

    def source_finished(self, result: SourceResult) -> None:
        """One source is done (its own failure, if any, is in result.error)."""

    def scoring(self, done: int, total: int) -> None:
        """Scoring new items: `done` of `total`; (0, 0) as scoring starts."""

    def purging(self) -> None:
        """Deleting what is past retention."""


@dataclass
class RunSummary:
    results: list[SourceResult] = field(default_factory=list)
    scored: int = 0
    purged: dict[str, int] = field(default_factory=dict)  # source name -> items deleted past retention

    @property
    def all_failed(self) -> bool:
        return bool(self.results) and all(r.error for r in self.results)

    def lines(self) -> list[str]:
        """What the run did, a line per source, then scoring and retention, in words."""
        return [r.summary() for r in self.results] + self.closing_lines()

    def closing_lines(self) -> list[str]:
        """What happened after collecting: scoring and retention."""
        return [f"scored {self.scored} new or changed items", *purge_lines(self.purged)]


class DemoDatabase(RuntimeError):
    """The database holds the demo's recordings: nothing is collected or imported into it."""


NOT_INTO_THE_DEMO = (
    "{db} is the demo database: its channels are recordings, and your council's items would be mixed "
    "into them. Collect into a database of your own (--db, or PULSE_DB)."
)


def refuse_the_demo(db: Path | str, reason: str = NOT_INTO_THE_DEMO) -> None:
    """Raise DemoDatabase (the reason, with {db} filled in) when `db` is the demo's database."""
    if Path(db).exists():
        with connect(db, read_only=True) as con:
            if is_demo(con):
                raise DemoDatabase(reason.format(db=db))


def run_sources(
    sources: list[SourceConfig],
    db: Path | str,
    http,
    progress: RunProgress | None = None,
    purge_actor: str = "retention",
    workers: int = 1,
) -> RunSummary:
    """Collect the enabled sources, score what is new, then purge past retention; a summary of it all.

    Only a failure of the run itself (the database unusable, or the demo's: DemoDatabase) raises;
    a source's own failure is in its SourceResult.
    """
    refuse_the_demo(db)
    progress = progress or RunProgress()
    summary = collect_and_score(sources, db, http, progress, workers)
    progress.purging()
    summary.purged = purge(db, actor=purge_actor)
    return summary


def collect_and_score(
    sources: list[SourceConfig],
    db: Path | str,
    http,
    progress: RunProgress | None = None,
    workers: int = 1,
    collectors: dict | None = None,
) -> RunSummary:
    """run_sources without the purge: collect the enabled sources, scoring as they are saved.

    `collectors` maps a source name to a collector already made (the benchmark's
    synthetic sources); by default the registry makes each.
    """
    progress = progress or RunProgress()
    chosen = [s for s in sources if s.enabled]
    summary = RunSummary()
    with ScoringAsSaved(workers) as scoring:
        for index, source in enumerate(chosen):
            progress.source_started(source.name, index, len(chosen))
            result = collect_source(source, db, http, progress=progress.items, scoring=scoring,
                                    collector=(collectors or {}).get(source.name), defer_merges=True)
            summary.results.append(result)
            progress.source_finished(result)
        progress.scoring(0, 0)
        scoring.finish(db)
    if any(r.new or r.updated for r in summary.results):
        merge_row_groups(db)  # the saves above deferred it (store.db); a run with nothing new writes nothing
    left = score_pending(db, progress=progress.scoring, workers=workers, also_refresh=scoring.touched)
    summary.scored = scoring.scored + left
    return summary
