"""The weekly CSV: one row per item created in an ISO week (Monday to Sunday, Europe/London).

Made for people who open it in Excel: UTF-8 with a byte-order mark, and any cell
that Excel would read as a formula is neutralised with a leading apostrophe.
Authors are pseudonymised with a keyed hash unless asked otherwise.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import secrets
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

LONDON = ZoneInfo("Europe/London")
_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

ITEM_COLUMNS = [
    "item_key", "source", "kind", "item_type", "created_at_london", "thread_key", "parent_id",
    "author", "is_council", "title", "text", "url", "sentiment", "compound",
    "constructive_prob", "feedback_class", "service_area", "hostile", "thread_flagged",
    "model_version",
]


class WeekError(ValueError):
    """A week that is not of the form 2026-W47."""


def parse_iso_week(text: str) -> tuple[datetime, datetime]:
    """[start, end) of an ISO week in naive UTC: Monday 00:00 to the next Monday 00:00, London time."""
    match = _WEEK.match(text.strip())
    if not match:
        raise WeekError(f"{text!r} is not an ISO week: write it like 2026-W47")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise WeekError(f"{year} has no week {week}") from None
    return _london_midnight_utc(monday), _london_midnight_utc(monday + timedelta(days=7))


def _london_midnight_utc(day: date) -> datetime:
    local = datetime.combine(day, time(0, 0), tzinfo=LONDON)
    return local.astimezone(UTC).replace(tzinfo=None)


def last_complete_week(today: date | None = None) -> str:
    """The ISO week before the current one, e.g. run on Monday for the week just ended."""
    today = today or datetime.now(LONDON).date()
    year, week, _ = (today - timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


def neutralise_formula(value):
    """Excel must show a cell as text, never run it: prefix formula-like cells with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def pseudonym(author: str | None, key: bytes) -> str | None:
    """A stable, keyed stand-in for an author: the same person gets the same label each week."""
    if not isinstance(author, str) or not author:  # None, or NaN from a frame (RSS mentions have no author)
        return None
    digest = hmac.new(key, author.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
    return f"author-{digest[:12]}"


def new_pseudonym_key() -> str:
    return secrets.token_hex(32)


def items_table(items: pd.DataFrame, pseudonym_key: bytes | None) -> pd.DataFrame:
    """Stored items (store.export.items_between) as the export's columns."""
    out = items.copy()
    created = pd.to_datetime(out["created_at"]).dt.tz_localize("UTC").dt.tz_convert(LONDON)
    out["created_at_london"] = created.dt.strftime("%Y-%m-%d %H:%M:%S")
    identity = out["author_id"].where(out["author_id"].notna(), out["author_name"])
    if pseudonym_key is None:
        out["author"] = out["author_name"].where(out["author_name"].notna(), out["author_id"])
    else:
        # The council's own accounts are not personal data: they keep their names.
        out["author"] = [
            name if is_council else pseudonym(who, pseudonym_key)
            for who, name, is_council in zip(identity, out["author_name"], out["is_council"])
        ]
    out["compound"] = out["compound"].round(4)
    out["constructive_prob"] = out["constructive_prob"].astype("Float64").round(4)
    return out[ITEM_COLUMNS]


def to_excel_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes that Excel opens correctly and safely."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(frame.columns)
    for row in frame.itertuples(index=False, name=None):
        writer.writerow(["" if _missing(v) else neutralise_formula(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig", "surrogatepass")


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)
