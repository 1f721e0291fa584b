"""What the importer says when a file or a row cannot be used, and its few constants."""

from __future__ import annotations

from collectors.errors import CollectorError

KIND = "import"
BATCH_SIZE = 1_000
DEFAULT_TZ = "Europe/London"
DateOrder = str | None  # "dayfirst", "monthfirst" or None (only unambiguous dates)


class ImportInputError(CollectorError):
    """The file cannot be imported at all (missing, wrong format, missing column); nothing was written."""


class SkipRow(Exception):
    """One row or tweet is left out. `bad` rows are problems in the file; others are left out on purpose."""

    def __init__(self, reason: str, bad: bool = True, example: str | None = None, hint: str | None = None):
        super().__init__(reason)
        self.reason, self.bad, self.example, self.hint = reason, bad, example, hint
