"""How much time and how many pages a collector may spend: bounded work whatever a server does.

- A request (with its redirects, and its body read to the last byte) has REQUEST_DEADLINE_S
  in all, not per read: a server that drips a byte every few seconds is cut off.
- A source's run has SOURCE_DEADLINE_S: then its requests stop (errors.OutOfTime), what was
  read is saved, and the next run resumes from the cursor.
- A paginated listing reads at most MAX_PAGES pages per run, with a warning when it stops there.

Each is the operator's setting, not a source's: PULSE_REQUEST_DEADLINE_S, PULSE_SOURCE_DEADLINE_S
and PULSE_MAX_PAGES in the environment (settings.environment, read strictly when used).

The deadlines are kept per thread (a collection runs in one thread: the CLI's, or the
dashboard's background run): http.HttpClient starts a request's deadline, the runner a
source's, and collectors.transport keeps every socket wait within what is left.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from settings import environment

now = time.monotonic  # the clock deadlines are kept on
_local = threading.local()


def request_seconds() -> float:
    """The most one request may take, first byte sent to last byte read."""
    return environment.value(environment.REQUEST_DEADLINE_S)


def source_seconds() -> float:
    """The most one source's collection may take in a run."""
    return environment.value(environment.SOURCE_DEADLINE_S)


def max_pages() -> int:
    """The most pages one paginated listing is read for in a run."""
    return environment.value(environment.MAX_PAGES)


def page_cap_warning(what: str, cap: int, rest: str = "the rest is read on a later run") -> str:
    """The warning a collector records when a listing reaches its page cap."""
    return f"{what}: stopped after {cap} pages, the most read per run; {rest}"


# -- deadlines of this thread ------------------------------------------------------------------


@contextmanager
def source_deadline(seconds: float | None = None) -> Iterator[float]:
    """Requests made by this thread inside the block end when the source's time is up."""
    previous = getattr(_local, "source", None)
    _local.source = now() + (seconds if seconds is not None else source_seconds())
    try:
        yield _local.source
    finally:
        _local.source = previous


@contextmanager
def request_deadline(seconds: float | None = None) -> Iterator[float]:
    """One request's deadline (never later than the source's), for the block."""
    previous = getattr(_local, "request", None)
    ends = now() + (seconds if seconds is not None else request_seconds())
    source = getattr(_local, "source", None)
    _local.request = min(ends, source) if source is not None else ends
    try:
        yield _local.request
    finally:
        _local.request = previous


def source_time_left() -> float | None:
    """Seconds left for this thread's source (None outside a source's run)."""
    source = getattr(_local, "source", None)
    return None if source is None else source - now()


def time_left() -> float | None:
    """Seconds left before the current request's (or source's) deadline; None when there is none."""
    ends = [d for d in (getattr(_local, "request", None), getattr(_local, "source", None)) if d is not None]
    return min(ends) - now() if ends else None


def within_deadline(timeout: float | None) -> float | None:
    """A socket timeout shortened to what is left before the deadline (0 when it has passed)."""
    left = time_left()
    if left is None:
        return timeout
    left = max(0.0, left)
    return left if timeout is None else min(timeout, left)
