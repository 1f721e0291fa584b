"""The weekly CSV: one row per item created in an ISO week (Monday to Sunday, Europe/London).

Made for people who open it in Excel: UTF-8 with a byte-order mark, and any cell
that Excel would read as a formula is neutralised with a leading apostrophe.
Residents are pseudonymised with a keyed hash unless asked otherwise; organisations
(the council's own accounts, news outlets, official accounts a source declares) are
not personal data and keep their names. COLUMNS says what each column means (the
data dictionary written beside the items file).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import secrets
from collections.abc import Collection, Mapping
from datetime import date, datetime, timedelta

import pandas as pd

from settings.clock import LONDON, london_midnight_utc, london_today

_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# The items file's columns and what each means: the data dictionary (README, and a file beside the export).
COLUMNS = {
    "item_key": "The item's unique key: the platform and its own id (kind:native_id; news feeds and Mastodon add "
                "the feed or the instance, as their ids are unique only there)",
    "source": "The channel it was collected from, as named in sources.toml",
    "kind": "The platform: rss, guardian, mastodon, bluesky, reddit, youtube, facebook, instagram or import",
    "item_type": "post (starts a thread), comment (a reply in a thread) or mention (a news item or alert)",
    "created_at_london": "When it was posted, UK time (Europe/London, so BST in summer), YYYY-MM-DD HH:MM:SS",
    "thread_key": "The item_key of the post that starts its thread (empty for news mentions)",
    "parent_id": "The item_key of the item it replies to (empty for posts and mentions)",
    "author": "Who wrote it: an organisation by name (see author_type); a resident as a pseudonym "
              "(author-...), the same for the same person every week",
    "author_type": "council (the council's own account), news outlet (a news item's publisher), official "
                   "account (an organisation a source lists in official_accounts) or resident (everyone else)",
    "is_council": "True when the council's own account posted it (not counted as public feedback)",
    "title": "The headline (news mentions, articles, posts with a title)",
    "text": "The text as collected, cleaned of HTML",
    "url": "A link to the item on its platform",
    "sentiment": "positive, neutral or negative; an officer's correction wins over the model",
    "compound": "The VADER tone score, from -1 (most negative) to 1 (most positive)",
    "constructive_prob": "The model's probability (0 to 1) that the item is constructive feedback",
    "feedback_class": "constructive (whatever its tone), else negative, positive or neutral: the dashboard's classes",
    "service_area": "The council service the text names (empty when it names none)",
    "hostile": "True when the language is abusive or hostile",
    "thread_flagged": "True when its thread is flagged as a pile-on needing an officer",
    "model_version": "The versions of the models that scored it (changes when the models are retrained)",
}
ITEM_COLUMNS = list(COLUMNS)
AUTHOR_TYPES = ("council", "news outlet", "official account", "resident")


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
    return london_midnight_utc(monday), london_midnight_utc(monday + timedelta(days=7))


def last_complete_week(today: date | None = None) -> str:
    """The ISO week before the current one, e.g. run on Monday for the week just ended."""
    today = today or london_today()
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


def author_types(items: pd.DataFrame, official: Mapping[str, Collection[str]] | None = None) -> pd.Series:
    """Who wrote each item (AUTHOR_TYPES): the council, a news outlet (a mention's publisher, or the
    Guardian's own article heading a discussion), an account its source lists in official_accounts
    (`official`: {source name: accounts}), else a resident."""
    listed = {source: {a.lower().lstrip("@") for a in accounts} for source, accounts in (official or {}).items()}
    kinds = []
    for source, kind, item_type, author_id, author_name, is_council in zip(
        items["source"], items["kind"], items["item_type"], items["author_id"], items["author_name"],
        items["is_council"],
    ):
        names = {str(n).lower().lstrip("@") for n in (author_id, author_name) if isinstance(n, str) and n}
        if is_council:
            kinds.append("council")
        elif item_type == "mention" or (kind == "guardian" and item_type == "post"):
            kinds.append("news outlet")
        elif names & listed.get(source, set()):
            kinds.append("official account")
        else:
            kinds.append("resident")
    return pd.Series(kinds, index=items.index, dtype=object)


def items_table(items: pd.DataFrame, pseudonym_key: bytes | None,
                official: Mapping[str, Collection[str]] | None = None) -> pd.DataFrame:
    """Stored items (store.export.items_between) as the export's columns.

    Residents get a pseudonym when `pseudonym_key` is given; organisations keep their names
    (a Guardian article with no byline is the Guardian's)."""
    out = items.copy()
    created = pd.to_datetime(out["created_at"]).dt.tz_localize("UTC").dt.tz_convert(LONDON)
    out["created_at_london"] = created.dt.strftime("%Y-%m-%d %H:%M:%S")
    out["author_type"] = author_types(out, official)
    identity = out["author_id"].where(out["author_id"].notna(), out["author_name"])
    named = out["author_name"].where(out["author_name"].notna(), out["author_id"])
    guardian_article = (out["kind"] == "guardian") & (out["item_type"] == "post")
    named = named.where(named.notna() | ~guardian_article, "The Guardian")
    if pseudonym_key is None:
        out["author"] = named
    else:
        out["author"] = [
            name if kind != "resident" else pseudonym(who, pseudonym_key)
            for who, name, kind in zip(identity, named, out["author_type"])
        ]
    out["compound"] = out["compound"].round(4)
    out["constructive_prob"] = out["constructive_prob"].astype("Float64").round(4)
    return out[ITEM_COLUMNS]


def dictionary_table() -> pd.DataFrame:
    """The data dictionary: one row per column of the items file, in its order."""
    return pd.DataFrame({"column": list(COLUMNS), "meaning": list(COLUMNS.values())})


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
