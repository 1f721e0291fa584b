"""What can go wrong while collecting, as exceptions that carry a clear message."""

from __future__ import annotations


class CollectorError(RuntimeError):
    """A source could not be collected; the message is shown to the user as it is."""


class FetchError(CollectorError):
    """A request failed for good (after retries): network, HTTP status, or body."""


class RateLimited(FetchError):
    """The platform's budget is spent and the wait is too long to sit out."""

    def __init__(self, message: str, retry_at: float | None = None):
        super().__init__(message)
        self.retry_at = retry_at  # epoch seconds, when known


class PayloadError(CollectorError):
    """The platform answered, but not in the shape its documentation describes."""


class OutOfTime(FetchError):
    """The source's time for this run is spent (collectors.limits): it stops, and resumes next run."""
