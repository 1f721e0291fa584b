"""Dates as exports write them: ISO 8601, X's format, worded and numeric ones (ambiguous ones refused)."""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as dateparser

from collectors.imports.errors import DateOrder, ImportInputError, SkipRow
from collectors.payload import as_text

_TWITTER_FORMAT = "%a %b %d %H:%M:%S %z %Y"
_YEAR_FIRST = re.compile(r"^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?!\d)")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?!\d)")
_TIME = re.compile(
    r"^[\sT,]*(?:at\s+)?(?:(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,]\d+)?)?\s*([ap]\.?m\.?)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?\s*$",
    re.IGNORECASE,
)
_MONTH_WORD = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b", re.IGNORECASE)
_FOUR_DIGIT_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_EPOCH = re.compile(r"^\d{10}(\d{3})?(\.\d+)?$")

AMBIGUOUS_HINT = "pass --dayfirst (UK, 3 April) or --monthfirst (US, 4 March)"


def parse_when(text: str | None, order: DateOrder, tz: ZoneInfo) -> datetime:
    """A timestamp from an export as an aware UTC datetime; SkipRow when it cannot be read for sure.

    Parsers are tried in order (ISO 8601, X's format, epoch seconds, numeric, worded),
    each returning None when the text is not its kind.
    """
    text = as_text(text).strip()
    if not text:
        raise SkipRow("without a date")
    for attempt in (_iso, _twitter, _epoch, lambda t: _numeric(t, order), lambda t: _worded(t, order)):
        stamp = attempt(text)
        if stamp is not None:
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=tz)
            try:
                return stamp.astimezone(UTC)
            except (OverflowError, ValueError):  # year 1 or 9999 moved past the calendar, or an offset of a day
                raise SkipRow("with an unparseable date", example=text) from None
    raise SkipRow("with an unparseable date", example=text)


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _twitter(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, _TWITTER_FORMAT)
    except ValueError:
        return None


def _epoch(text: str) -> datetime | None:
    if not _EPOCH.match(text):
        return None
    seconds = float(text) / (1000 if len(text.split(".")[0]) == 13 else 1)
    return datetime.fromtimestamp(seconds, tz=UTC)


def _numeric(text: str, order: DateOrder) -> datetime | None:
    match = _YEAR_FIRST.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _NUMERIC.match(text)
        if not match:
            return None
        first, second, year = (int(g) for g in match.groups())
        if year < 100:
            year += 2000
        if order is None:
            if first > 12 >= second:
                order = "dayfirst"
            elif second > 12 >= first:
                order = "monthfirst"
            elif first == second:
                order = "dayfirst"
            elif first <= 12 and second <= 12:
                raise SkipRow("with an ambiguous date", example=text, hint=AMBIGUOUS_HINT)
        day, month = (first, second) if order == "dayfirst" else (second, first)
    clock = _TIME.match(text[match.end():])
    if not clock:
        raise SkipRow("with an unparseable date", example=text)
    hour, minute, second_, meridiem, offset = clock.groups()
    hour, minute, second_ = int(hour or 0), int(minute or 0), int(second_ or 0)
    if meridiem:
        if not 1 <= hour <= 12:
            raise SkipRow("with an unparseable date", example=text)
        hour = hour % 12 + (12 if meridiem.lower().startswith("p") else 0)
    try:
        stamp = datetime(year, month, day, hour, minute, second_)
    except ValueError:
        raise SkipRow("with an unparseable date", example=text) from None
    return stamp.replace(tzinfo=_offset(offset)) if offset else stamp


def _offset(text: str) -> timezone:
    if text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:  # no place is a day or more away from UTC
        raise SkipRow("with an unparseable date", example=text)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _worded(text: str, order: DateOrder) -> datetime | None:
    """'10 October 2025 14:05', 'Oct 10, 2025 2:05 PM': a month name and a four-digit year, or nothing."""
    if not (_MONTH_WORD.search(text) and _FOUR_DIGIT_YEAR.search(text)):
        return None
    try:
        with warnings.catch_warnings():  # an unknown zone name ("BST") is read as local time, quietly
            warnings.simplefilter("ignore")
            return dateparser.parse(text, dayfirst=order != "monthfirst")
    except (ValueError, OverflowError):
        return None


def timezone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImportInputError(f"unknown time zone {name!r} (e.g. Europe/London, UTC)") from None
