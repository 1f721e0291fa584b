"""Reading platform payloads without trusting them: each reader returns a default, never raises.

Platforms omit fields, send numbers as strings, or send null where a list belongs;
collectors read every field through these so odd input is a default, not a crash.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import SplitResult, urlsplit

MAX_INT = 2**63  # bigger numbers are no count or time a platform means


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def as_text(value: Any) -> str:
    return value if isinstance(value, str) else ""


_TAG = re.compile(r"<[^>]*>")


def html_as_text(value: Any) -> str:
    """HTML as rough plain text, tags dropped and entities decoded: enough to read who a reply
    names; the text that is stored is cleaned properly when it is saved (analysis.clean)."""
    return html.unescape(_TAG.sub("", as_text(value)))


def as_id(value: Any) -> str:
    """An id as text without surrounding space ("" when it is missing, blank or not text)."""
    return value.strip() if isinstance(value, str) else ""


def as_optional_text(value: Any) -> str | None:
    """A value as text (ids may come as numbers), or None when it is missing or blank."""
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def as_int(value: Any) -> int | None:
    """Whole numbers as platforms send them: 3, 3.0 or "3"; anything else is None, and so is
    a number too large for any count or time (64 bits) or digits that are not 0-9 ("²")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and -MAX_INT < value < MAX_INT:
        return value
    return None


def split_url(value: Any) -> SplitResult | None:
    """A URL's parts; None for what is not text or cannot be split ("http://[::1", an unclosed IPv6 host)."""
    if not isinstance(value, str):
        return None
    try:
        return urlsplit(value)
    except ValueError:
        return None


def http_address(value: Any) -> str | None:
    """The value when it is an http(s) address, else None."""
    parts = split_url(value)
    return value if parts is not None and parts.scheme in ("http", "https") else None


def parse_iso_time(value: Any) -> datetime | None:
    """An ISO 8601 / RFC 3339 time ("2026-11-20T09:15:02Z", "+0000" offsets, fractions)
    as an aware UTC datetime; a time without an offset is taken as UTC; else None
    (also for a time that is only inside the calendar in its own zone, like year 1 at +01:00)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            stamp = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z")
        except ValueError:
            return None
    if stamp.tzinfo is None:
        return stamp.replace(tzinfo=UTC)
    try:
        return stamp.astimezone(UTC)
    except OverflowError:
        return None


def parse_epoch(value: Any) -> datetime | None:
    """Seconds since 1970 (a number, as Reddit's created_utc) as an aware UTC datetime;
    None for anything else, infinities and NaN, or a number beyond the calendar."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None
