"""Trying a source before adding it: fetch its first page with the real collector, save nothing.

The Sources page's "Test it" shows what a new source would bring in (how many items, a few of
them, how old they are) or why it cannot be read (a wrong address, a missing key), before
sources.toml is written. It also tells, before anything is collected, how many of those items
are already older than the source's retention period and would never be kept (jobs.collect
skips them), and how long a retention would keep them all. Officers only, like collecting.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from collectors.errors import CollectorError
from collectors.http import HttpClient
from collectors.items import Item
from collectors.registry import collector_for
from jobs.collect import retention_cutoff
from jobs.collect_now import _require_officer
from settings.sources import SourceConfig
from store.triage import Actor


@dataclass
class Trial:
    """What one page of a source held, or why it could not be read. Nothing of it is stored."""

    source: SourceConfig
    checked_at: datetime  # naive UTC
    items: list[Item] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def too_old(self) -> list[Item]:
        """The items posted before the source's retention period: a collection would not keep them."""
        cutoff = retention_cutoff(self.source, self.checked_at)
        return [item for item in self.items if item.created_utc() < cutoff]

    @property
    def oldest(self) -> datetime | None:
        return min((item.created_utc() for item in self.items), default=None)

    @property
    def newest(self) -> datetime | None:
        return max((item.created_utc() for item in self.items), default=None)

    def days_to_keep_all(self) -> int:
        """The smallest retention_days that keeps every item found (from the oldest one's day)."""
        oldest = self.oldest
        return self.source.retention_days if oldest is None else max(
            self.source.retention_days, (self.checked_at.date() - oldest.date()).days + 1)


def try_source(source: SourceConfig, actor: Actor, http_factory: Callable[[], HttpClient] = HttpClient,
               now: datetime | None = None) -> Trial:
    """The first page `source`'s collector fetches from scratch (no cursor), as a Trial; writes nothing."""
    _require_officer(actor)
    trial = Trial(source, now or datetime.now(UTC).replace(tzinfo=None))
    try:
        with http_factory() as http:
            pages = collector_for(source, http).fetch({})
            try:
                first = next(iter(pages), None)
            finally:
                getattr(pages, "close", lambda: None)()  # a generator: stop it before it asks for more
    except CollectorError as error:
        trial.error = str(error)
        return trial
    except Exception as error:  # a collector's bug is said in words, as in a run, never a page that fails
        trial.error = f"unexpected {type(error).__name__}: {error}"
        traceback.print_exc(file=sys.stderr)
        return trial
    if first is not None:
        trial.items, trial.warnings = list(first.items), list(first.warnings)
    return trial
