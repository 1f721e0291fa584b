"""Importing what a comms team already has: platform exports and spreadsheets, as items.

`python -m collectors import FILE --format FORMAT [--db PATH] [--source NAME]`

Every imported item has kind `import` and a native id namespaced by format
(`x:<tweet id>`, `hootsuite:<Message ID>`, `meta:<Post ID>`, `csv:<namespace>:<id>`),
or a content hash (`...:h<hash>`) when the file has no id, so importing the same
file again writes nothing. Items go under one source of kind `import`, named
"Import: <file name>" unless `--source` says otherwise.

Formats, and how far their layout was checked (the column names sit in
`HOOTSUITE_COLUMNS` / `META_COLUMNS` below, several spellings each, matched
without regard to case; `--map field=Column` overrides any of them for one import):

- `x`: the archive from X's "Download an archive of your data": the zip itself,
  the unzipped folder, or `data/tweets.js` on its own. `tweets.js` (older archives:
  `tweet.js`) and `tweets-part1.js`... are JavaScript, `window.YTD.tweets.part0 = [
  {"tweet": {...}}, ...]`; tweet fields `id_str`, `full_text`, `created_at`
  ("Wed Oct 10 20:19:24 +0000 2018"), `in_reply_to_status_id_str`, `favorite_count`
  (a string in archives), `lang`; `data/account.js` names the owner (`username`,
  `accountId`). Checked against archive parsers' fixtures in public code. Every
  tweet in the archive is the council's own; retweets are skipped. A reply's parent
  is the tweet it answers; its thread is the first tweet of the chain that the
  archive reaches (a resident's tweet when the council replied to one).
- `hootsuite`: the Hootsuite Inbox 2.0 *Messages* export (Analytics > Exports).
  Columns `Message ID`, `Conversation ID`, `Created at`, `Content`, `Direction`
  (inbound/outbound), `Message Type`, `Post URL`, `Contact Primary Identifier`,
  `Contact Profile ID`. `Conversation ID`, `Created at` and `Contact ...` are named
  in Hootsuite's help article "Create Inbox 2.0 data exports"; the other names come
  from two public projects that parse real Messages exports, NOT from Hootsuite's
  own reference, which we could not read in full: check them against a real file.
  Comments hang off the post they were left on (`Post URL`), else their
  conversation; outbound messages are the council's; private messages are skipped.
  The export has no reply-to column, so replies within a conversation are not nested.
- `meta`: the Meta Business Suite per-post export (Insights > Content > Export),
  Facebook Page (`Post ID`, `Page ID`, `Page name`, `Title`, `Description`,
  `Publish time` "09/28/2026 18:12", month first, `Permalink`, `Reactions`,
  `Comments`) or Instagram (`Account username`, `Likes` instead). Checked against
  public importers of these files, not Meta's documentation. These files hold the
  council's own posts only: we found no Meta Business Suite export of comments, so
  comments come from the facebook/instagram collectors, or from `--format csv`.
- `csv`: any CSV, with `--map field=Column` for text and created_at (required) and
  optionally id, author, author_id, parent, thread, url, likes, title, lang.
  Ids are namespaced by `--source` (default: the file's own source), so files from
  one system should share a `--source` for repeated rows to be recognised.

Dates: ISO 8601, X's format, worded dates ("10 Oct 2025 14:05") and numeric ones.
A numeric date that reads both ways (03/04/2025) needs `--dayfirst` (UK) or
`--monthfirst` (US) unless the format fixes it (Meta: month first); a time without
an offset is read in `--tz` (default Europe/London, so BST is handled).

CSV files may be UTF-8 (with or without a BOM), Windows-1252 (Excel's plain "CSV",
with its £ signs) or UTF-16 (Excel's "Unicode Text"), separated by commas,
semicolons, tabs or pipes: the header line decides. An id that a spreadsheet has
turned into "1.22158E+17" is not used (the row falls back to a content hash).

Rows that cannot be read (no date, a date that cannot be parsed or reads both
ways) are skipped and counted with their row numbers (spreadsheet rows: the
header is row 1); the good rows are kept. Rows older than the source's retention
period are not imported at all (the next run's purge would delete them).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as dateparser

from collectors.config import SourceConfig
from collectors.errors import CollectorError, PayloadError
from collectors.items import Batch, Item, ItemType, item_key
from collectors.payload import as_dict, as_optional_text, as_text
from jobs.collect import collect_source
from store.db import connect
from store.sources import source_kind

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


# ---------------------------------------------------------------------------
# Formats: default column names (any can be overridden with --map field=Column)


@dataclass(frozen=True)
class Format:
    name: str
    unit: str  # what the user would call one record: "row" or "tweet"
    columns: dict[str, tuple[str, ...]]  # field -> header names tried in order (case-insensitive)
    required: tuple[str, ...]
    date_order: DateOrder = None


HOOTSUITE_COLUMNS = {
    "id": ("Message ID",),
    "text": ("Content", "Message", "Message Content"),
    "created_at": ("Created at", "Created Date", "Date"),
    "author": ("Contact Primary Identifier", "Contact Secondary Identifier", "Author"),
    "author_id": ("Contact Profile ID",),
    "conversation": ("Conversation ID",),
    "post_url": ("Post URL",),
    "direction": ("Direction",),
    "message_type": ("Message Type",),
}
META_COLUMNS = {
    "id": ("Post ID",),
    "title": ("Title",),
    "text": ("Description",),
    "created_at": ("Publish time",),
    "author": ("Page name", "Account username", "Account name"),
    "author_id": ("Page ID", "Account ID"),
    "url": ("Permalink",),
    "likes": ("Reactions", "Likes"),
    "replies": ("Comments",),
}
CSV_FIELDS = ("text", "created_at", "id", "author", "author_id", "parent", "thread", "url", "likes",
              "title", "lang")

FORMATS: dict[str, Format] = {
    "x": Format("x", "tweet", {}, ()),
    "hootsuite": Format("hootsuite", "row", HOOTSUITE_COLUMNS, ("text", "created_at")),
    "meta": Format("meta", "row", META_COLUMNS, ("id", "created_at"), date_order="monthfirst"),
    "csv": Format("csv", "row", {f: () for f in CSV_FIELDS}, ("text", "created_at")),
}
ALIASES = {"twitter": "x", "x-archive": "x", "meta-business-suite": "meta", "facebook": "meta",
           "generic": "csv", "hootsuite-inbox": "hootsuite"}


def format_named(name: str) -> Format:
    fmt = FORMATS.get(ALIASES.get(name.lower(), name.lower()))
    if fmt is None:
        raise ImportInputError(f"unknown format {name!r} (expected one of: {', '.join(FORMATS)})")
    return fmt


# ---------------------------------------------------------------------------
# Dates

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
                return stamp.astimezone(timezone.utc)
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
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


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
        return timezone.utc
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


# ---------------------------------------------------------------------------
# Small shared helpers


def content_id(*parts: str | None) -> str:
    """A stable id for a record that has none: a hash of what it says, when and by whom."""
    digest = hashlib.blake2b(digest_size=10)
    for part in parts:
        digest.update((part or "").encode("utf-8", "surrogatepass") + b"\x1f")
    return "h" + digest.hexdigest()


_EXCEL_NUMBER = re.compile(r"^\d+(\.\d+)?E\+\d+$", re.IGNORECASE)


def usable_id(value: str | None) -> str | None:
    """An id cell, or None when empty or turned into '1.22158E+17' by a spreadsheet (digits lost)."""
    value = (value or "").strip()
    if not value or _EXCEL_NUMBER.match(value):
        return None
    return value


def count(value) -> int | None:
    """A like/reply count as exported ('1,250', '12', 12); None when absent or not a number."""
    if value is None:
        return None
    text = str(value).strip().replace(",", "")
    try:
        return int(float(text)) if text else None
    except (ValueError, OverflowError):  # not a number, or "inf" / "1e400"
        return None


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "import"


class ThreadIndex:
    """Reply chains within one file: id -> the id it replies to; finds the top of a chain."""

    def __init__(self, pairs: Iterable[tuple[str, str | None]] = ()):
        self.parents: dict[str, str] = {child: parent for child, parent in pairs if child and parent}
        self._roots: dict[str, str] = {}

    def root(self, start: str) -> str:
        """The first record of the chain that `start` belongs to (itself if it replies to nothing known)."""
        path, current, seen = [], start, set()
        while current in self.parents and current not in seen:
            if current in self._roots:
                current = self._roots[current]
                break
            seen.add(current)
            path.append(current)
            current = self.parents[current]
        for node in path:
            self._roots[node] = current
        return current


def placement(native: Callable[[str], str], own: str | None, parent: str | None, thread: str | None,
              index: ThreadIndex | None, structured: bool) -> tuple[ItemType, str | None, str | None]:
    """(item_type, thread key, parent key) from the ids a record carries.

    `native` turns a file id into a native id; `structured` says the file can express
    replies at all (a record without a parent is then a post, else a mention).
    """
    if thread and thread == own:
        thread = None
    if parent:
        top = thread or (index.root(parent) if index else parent)
        return "comment", item_key(KIND, native(top)), item_key(KIND, native(parent))
    if thread:
        key = item_key(KIND, native(thread))
        return "comment", key, key
    return ("post" if structured else "mention"), None, None


# ---------------------------------------------------------------------------
# Reading files


def sniff_encoding(path: Path) -> str:
    """How a CSV is encoded: UTF-16 (Excel's 'Unicode Text') by its BOM, UTF-8 (BOM or not) if it
    decodes as such, else cp1252, what Excel saves as 'CSV (Comma delimited)' on a UK PC."""
    with path.open("rb") as handle:
        if handle.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


@dataclass(frozen=True)
class CsvFile:
    """A CSV export: its header, read once; rows streamed (as often as needed) with their spreadsheet row number."""

    path: Path
    encoding: str
    delimiter: str
    header: tuple[str, ...]

    @classmethod
    def open(cls, path: Path) -> CsvFile:
        with path.open("rb") as handle:
            if handle.read(4) == b"PK\x03\x04":
                raise ImportInputError(
                    f"{path.name} is a zip or Excel workbook, not a CSV: save it as CSV (UTF-8) first"
                )
        encoding = sniff_encoding(path)
        with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
            first_line = handle.readline()
            # The header decides the delimiter: the candidate it holds most of (comma when none).
            delimiter = max(",;\t|", key=lambda d: (first_line.count(d), d == ","))
            handle.seek(0)
            try:
                header = next(csv.reader(handle, delimiter=delimiter), [])
            except csv.Error as error:
                raise ImportInputError(f"{path.name} is not a readable CSV: {error}") from None
        if not any(h.strip() for h in header):
            raise ImportInputError(f"{path.name} is empty")
        return cls(path, encoding, delimiter, tuple(h.strip() for h in header))

    def _reader_rows(self) -> Iterator[tuple[int, list[str]]]:
        with self.path.open("r", encoding=self.encoding, errors="replace", newline="") as handle:
            yield from enumerate(csv.reader(handle, delimiter=self.delimiter), start=1)

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number, {column: value}) for each row that is not blank; the header is row 1."""
        number = 1
        try:
            for number, values in self._reader_rows():
                if number > 1 and any(v.strip() for v in values):
                    yield number, dict(zip(self.header, values))
        except csv.Error as error:
            raise PayloadError(f"{self.path.name} row {number + 1} is not readable CSV: {error}") from None


def resolve_columns(fmt: Format, header: list[str], overrides: dict[str, str], file_name: str) -> dict[str, str]:
    """field -> the header's own spelling of its column; ImportInputError names what is missing."""
    by_folded = {h.casefold(): h for h in header}
    resolved: dict[str, str] = {}
    for name, column in overrides.items():
        actual = by_folded.get(column.strip().casefold())
        if actual is None:
            raise ImportInputError(
                f"no column {column!r} (for {name}) in {file_name}; its columns are: {', '.join(header)}"
            )
        resolved[name] = actual
    for name, candidates in fmt.columns.items():
        if name not in resolved:
            found = next((by_folded[c.casefold()] for c in candidates if c.casefold() in by_folded), None)
            if found:
                resolved[name] = found
    missing = [name for name in fmt.required if name not in resolved]
    if missing:
        if fmt.name == "csv":
            needed = " ".join(f"--map {m}=COLUMN" for m in missing)
            raise ImportInputError(f"--format csv needs {needed} (columns in {file_name}: {', '.join(header)})")
        wanted = " or ".join(repr(c) for c in fmt.columns[missing[0]])
        raise ImportInputError(
            f"{file_name} does not look like a {fmt.name} export: no {wanted} column "
            f"(use --map {missing[0]}=COLUMN if it is named differently)"
        )
    return resolved


_X_TWEET_FILE = re.compile(r"(?:^|/)data/tweets?(?:-part(\d+))?\.js$")


def _js_array(text: str, where: str) -> list:
    """The array assigned in an archive file (`window.YTD.tweets.part0 = [...]`), without running it."""
    start = text.find("=")
    body = text[start + 1:] if start >= 0 and not text.lstrip().startswith("[") else text
    try:
        data = json.loads(body.strip().rstrip(";"))
    except json.JSONDecodeError as error:
        data = error
    except RecursionError:
        data = None
    if not isinstance(data, list):
        detail = f" (at line {data.lineno})" if isinstance(data, json.JSONDecodeError) and data.pos > 0 else ""
        raise ImportInputError(
            f"{PurePosixPath(where).name} is not an X archive file{detail}: expected window.YTD.tweets.part0 = [...]"
        )
    return data


@dataclass
class XArchive:
    tweets: list[dict]
    username: str | None = None
    account_id: str | None = None


def _archive_files(path: Path) -> tuple[list[tuple[str, bytes]], bytes | None]:
    """(tweet files in part order, account.js) from an archive zip, its unzipped folder or one tweets file.

    Only these files are read: an archive also holds direct messages, which are not ours to import.
    """
    def part(name: str) -> int:
        match = _X_TWEET_FILE.search(name)
        return int(match.group(1) or 0) if match else -1

    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            tweets = sorted((n for n in names if part(n) >= 0), key=part)
            account = next((n for n in names if n.endswith("data/account.js")), None)
            return [(PurePosixPath(n).name, archive.read(n)) for n in tweets], account and archive.read(account)
    if path.is_dir():
        folder = path / "data" if (path / "data").is_dir() else path
        tweets = sorted((f for f in folder.iterdir() if part(f"data/{f.name}") >= 0), key=lambda f: part(f"data/{f.name}"))
        account = folder / "account.js"
        return [(f.name, f.read_bytes()) for f in tweets], account.read_bytes() if account.is_file() else None
    sibling = path.parent / "account.js"
    return [(path.name, path.read_bytes())], sibling.read_bytes() if sibling.is_file() and sibling != path else None


def read_x_archive(path: Path) -> XArchive:
    """Tweets (every part, in order) and the owner from an archive zip, folder or a tweets.js file."""
    files, account = _archive_files(path)
    if not files:
        raise ImportInputError(
            f"no data/tweets.js in {path.name}: is it the archive from X's 'Download an archive of your data'?"
        )
    tweets: list[dict] = []
    for name, data in files:
        for entry in _js_array(data.decode("utf-8-sig", errors="replace"), name):
            tweet = entry.get("tweet", entry) if isinstance(entry, dict) else None
            tweets.append(tweet if isinstance(tweet, dict) else {})
    archive = XArchive(tweets)
    if account:
        entries = _js_array(account.decode("utf-8-sig", errors="replace"), "account.js")
        details = as_dict(as_dict(entries[0]).get("account")) if entries else {}
        archive.username = as_text(details.get("username")).strip() or None
        archive.account_id = as_optional_text(details.get("accountId"))
    return archive


def tweet_ids(tweet: dict) -> tuple[str | None, str | None]:
    """(the tweet's id, the id of the tweet it replies to), as strings."""
    def ident(*values) -> str | None:
        for value in values:  # ids are strings in archives, numbers in older ones; anything else is none
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
                return str(value).strip()
        return None

    return ident(tweet.get("id_str"), tweet.get("id")), ident(
        tweet.get("in_reply_to_status_id_str"), tweet.get("in_reply_to_status_id")
    )


# ---------------------------------------------------------------------------
# One parser per format: a record in, an Item out (or SkipRow)


@dataclass
class Context:
    """What a parser needs beyond the record itself."""

    fmt: Format
    columns: dict[str, str] = field(default_factory=dict)
    order: DateOrder = None
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TZ))
    namespace: str = "import"
    index: ThreadIndex | None = None
    owner: XArchive | None = None

    def cell(self, row: dict[str, str], name: str) -> str:
        column = self.columns.get(name)
        return (row.get(column) or "").strip() if column else ""

    def when(self, value: str) -> datetime:
        return parse_when(value, self.order, self.tz)


def _basics(row: dict[str, str], ctx: Context) -> tuple[str, str, datetime, str | None]:
    """What every CSV format has: (text, the date as written, the date read, author)."""
    written = ctx.cell(row, "created_at")
    return ctx.cell(row, "text"), written, ctx.when(written), ctx.cell(row, "author") or None


def _text_or_skip(text: str) -> str:
    if not text.strip():
        raise SkipRow("without text", bad=False)
    return text


def x_item(tweet: dict, ctx: Context) -> Item:
    """A tweet from the council's own archive."""
    text = as_text(tweet.get("full_text")) or as_text(tweet.get("text"))
    if text.startswith("RT @") or "retweeted_status" in tweet:
        raise SkipRow("retweet{s}", bad=False)
    own, parent = tweet_ids(tweet)
    if own is None:
        raise SkipRow("without an id")
    created = ctx.when(tweet.get("created_at"))
    item_type, thread, parent_key = placement(lambda i: f"x:{i}", own, parent, None, ctx.index, True)
    owner = ctx.owner or XArchive([])
    lang = as_text(tweet.get("lang")).strip()
    return Item(
        kind=KIND, native_id=f"x:{own}", item_type=item_type, created_at=created,
        raw_text=_text_or_skip(text), thread_id=thread, parent_id=parent_key,
        author_id=owner.account_id, author_name=owner.username,
        url=f"https://x.com/{owner.username or 'i/web'}/status/{own}",
        lang=lang if lang and lang != "und" else None,
        like_count=count(tweet.get("favorite_count")), is_council=True,
    )


_PRIVATE = re.compile(r"private|direct|\bdm\b", re.IGNORECASE)


def _post_id(url: str) -> str:
    """A short stable id for the post a Hootsuite comment was left on, from its URL."""
    parts = urlsplit(url.strip())
    normal = f"{parts.netloc.lower().removeprefix('www.')}{parts.path.rstrip('/')}"
    return hashlib.blake2b(normal.encode(), digest_size=8).hexdigest()


def hootsuite_item(row: dict[str, str], ctx: Context) -> Item:
    """A message from Hootsuite Inbox: a comment on a post, a reply in a conversation, or a mention."""
    if _PRIVATE.search(ctx.cell(row, "message_type")):
        raise SkipRow("private message{s}", bad=False)
    text, created_raw, created, author = _basics(row, ctx)
    own = usable_id(ctx.cell(row, "id")) or content_id(text, created_raw, author)
    post_url, conversation = ctx.cell(row, "post_url"), ctx.cell(row, "conversation")
    thread = f"post:{_post_id(post_url)}" if post_url else f"conversation:{conversation}" if conversation else None
    item_type, thread_key, parent_key = placement(lambda i: f"hootsuite:{i}", own, None, thread, None, False)
    return Item(
        kind=KIND, native_id=f"hootsuite:{own}", item_type=item_type, created_at=created,
        raw_text=_text_or_skip(text), thread_id=thread_key, parent_id=parent_key,
        author_id=ctx.cell(row, "author_id") or None, author_name=author, url=post_url or None,
        is_council=ctx.cell(row, "direction").lower() == "outbound",
    )


def meta_item(row: dict[str, str], ctx: Context) -> Item:
    """One of the council's own posts from a Meta Business Suite export, with its counts."""
    description, created_raw, created, author = _basics(row, ctx)
    own, title = usable_id(ctx.cell(row, "id")), ctx.cell(row, "title")
    text = description or title
    return Item(
        kind=KIND, native_id=f"meta:{own or content_id(text, created_raw, author)}", item_type="post",
        created_at=created, raw_text=_text_or_skip(text),
        title=title if description and title and title != description else None,
        author_id=ctx.cell(row, "author_id") or None, author_name=author, url=ctx.cell(row, "url") or None,
        like_count=count(ctx.cell(row, "likes")), reply_count=count(ctx.cell(row, "replies")),
        is_council=True,
    )


def csv_item(row: dict[str, str], ctx: Context) -> Item:
    """A row of any CSV, read through the --map column mapping."""
    text, created_raw, created, author = _basics(row, ctx)
    own = usable_id(ctx.cell(row, "id"))
    native_own = own or content_id(text, created_raw, author)
    structured = "parent" in ctx.columns or "thread" in ctx.columns
    item_type, thread, parent = placement(
        lambda i: f"csv:{ctx.namespace}:{i}", own,
        usable_id(ctx.cell(row, "parent")), usable_id(ctx.cell(row, "thread")), ctx.index, structured,
    )
    return Item(
        kind=KIND, native_id=f"csv:{ctx.namespace}:{native_own}", item_type=item_type, created_at=created,
        raw_text=_text_or_skip(text), thread_id=thread, parent_id=parent,
        author_id=ctx.cell(row, "author_id") or author, author_name=author,
        title=ctx.cell(row, "title") or None, url=ctx.cell(row, "url") or None,
        lang=ctx.cell(row, "lang") or None, like_count=count(ctx.cell(row, "likes")),
    )


PARSERS: dict[str, Callable[[dict, Context], Item]] = {
    "x": x_item, "hootsuite": hootsuite_item, "meta": meta_item, "csv": csv_item,
}


# ---------------------------------------------------------------------------
# What was left out, for one line of report


@dataclass
class SkipGroup:
    count: int = 0
    where: list[int] = field(default_factory=list)
    example: str | None = None
    hint: str | None = None
    bad: bool = True


@dataclass
class Skips:
    unit: str = "row"
    seen: int = 0
    groups: dict[str, SkipGroup] = field(default_factory=dict)
    SHOWN = 5

    def add(self, reason: str, where: int, bad: bool, example: str | None = None, hint: str | None = None) -> None:
        group = self.groups.setdefault(reason, SkipGroup(bad=bad, hint=hint))
        group.count += 1
        if len(group.where) < self.SHOWN:
            group.where.append(where)
        if group.example is None and example:
            group.example = example[:60]

    @property
    def bad(self) -> int:
        return sum(g.count for g in self.groups.values() if g.bad)

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups.values())

    def summary(self) -> str | None:
        """e.g. 'skipped 3 of 40 rows: 2 with an ambiguous date (rows 7, 9: '03/04/2025'; pass ...)'."""
        if not self.groups:
            return None
        parts = []
        for reason, group in self.groups.items():
            places = ", ".join(str(n) for n in group.where) + (", ..." if group.count > len(group.where) else "")
            label = self.unit + ("s" if len(group.where) > 1 else "")
            detail = f"{label} {places}" + (f": {group.example!r}" if group.example else "")
            if group.hint:
                detail += f"; {group.hint}"
            parts.append(f"{group.count} {reason.format(s='' if group.count == 1 else 's')} ({detail})")
        return f"skipped {self.total} of {self.seen} {self.unit}s: " + ", ".join(parts)


# ---------------------------------------------------------------------------
# The import: a collector over one file, saved by jobs.collect


@dataclass
class ImportOptions:
    fmt: Format
    mapping: dict[str, str] = field(default_factory=dict)
    order: DateOrder = None
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TZ))

    @classmethod
    def build(cls, fmt: str, maps: list[str] | None = None, dayfirst: bool = False,
              monthfirst: bool = False, tz: str = DEFAULT_TZ) -> ImportOptions:
        """From command-line words; ImportInputError for a mistake in them."""
        format_ = format_named(fmt)
        mapping: dict[str, str] = {}
        for entry in maps or []:
            name, sep, column = entry.partition("=")
            name = name.strip().lower()
            if not sep or not name or not column.strip():
                raise ImportInputError(f"--map {entry!r} should look like field=Column, e.g. text=Comment")
            known = set(format_.columns) if format_.columns else set()
            if name not in known:
                where = f"for --format {format_.name}" if known else f"--format {format_.name} takes no --map"
                raise ImportInputError(
                    f"unknown field {name!r} in --map ({where}"
                    + (f": {', '.join(format_.columns)})" if known else ")")
                )
            mapping[name] = column.strip()
        order = "dayfirst" if dayfirst else "monthfirst" if monthfirst else format_.date_order
        return cls(format_, mapping, order, timezone_named(tz))


def default_source_name(path: Path) -> str:
    return f"Import: {path.name}"


class ImportCollector:
    """Reads one export file and yields its items in batches, like any collector.

    Everything that would stop the import (missing file, wrong format, a mapped
    column that is not there) is checked here, before anything is written.
    `skips` says afterwards which records were left out and why.
    """

    def __init__(self, source: SourceConfig, path: Path, options: ImportOptions,
                 batch_size: int = BATCH_SIZE, now: datetime | None = None):
        self.source, self.path, self.options, self.batch_size = source, path, options, batch_size
        if not path.exists():
            raise ImportInputError(f"no file at {path}")
        self.skips = Skips(unit=options.fmt.unit)
        self.cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=source.retention_days)
        self.ctx = Context(options.fmt, order=options.order, tz=options.tz, namespace=slug(source.name))
        self._records = self._open()

    def _open(self) -> Iterator[tuple[int, dict]]:
        try:
            if self.options.fmt.name == "x":
                archive = read_x_archive(self.path)
                self.ctx.owner = archive
                self.ctx.index = ThreadIndex(tweet_ids(t) for t in archive.tweets)
                return iter(enumerate(archive.tweets, start=1))
            if self.path.is_dir():
                raise ImportInputError(
                    f"{self.path} is a folder; --format {self.options.fmt.name} reads one CSV file"
                )
            file = CsvFile.open(self.path)
            self.ctx.columns = resolve_columns(self.options.fmt, list(file.header), self.options.mapping, self.path.name)
            if self.options.fmt.name == "csv" and "parent" in self.ctx.columns and "thread" not in self.ctx.columns:
                # A first pass over the id and parent columns, so each reply finds the top of its chain.
                self.ctx.index = ThreadIndex((self.ctx.cell(r, "id"), self.ctx.cell(r, "parent")) for _, r in file.rows())
            return file.rows()
        except (OSError, zipfile.BadZipFile, zlib.error) as error:
            raise ImportInputError(f"cannot read {self.path}: {getattr(error, 'strerror', None) or error}") from None

    def fetch(self, cursor: dict) -> Iterator[Batch]:
        parse = PARSERS[self.options.fmt.name]
        batch: list[Item] = []
        for where, record in self._records:
            self.skips.seen += 1
            try:
                item = parse(record, self.ctx)
            except SkipRow as skip:
                self.skips.add(skip.reason, where, skip.bad, skip.example, skip.hint)
                continue
            if item.created_at < self.cutoff:
                self.skips.add(f"older than the retention period ({self.source.retention_days} days)",
                               where, bad=False, hint="see --retention-days")
                continue
            batch.append(item)
            if len(batch) >= self.batch_size:
                yield Batch(batch, cursor)
                batch = []
        # Rows left out on purpose (retweets, private messages) are not a problem to record on the source.
        summary = self.skips.summary() if self.skips.bad else None
        yield Batch(batch, cursor, warnings=[summary] if summary else [])


@dataclass
class ImportResult:
    source: str
    read: int
    new: int
    updated: int
    skips: Skips
    error: str | None = None

    @property
    def unchanged(self) -> int:
        return self.read - self.new - self.updated

    def summary(self) -> str:
        return f"{self.source}: read {self.read}, new {self.new}, updated {self.updated}, unchanged {self.unchanged}"


def import_source(path: Path, options: ImportOptions, name: str | None = None,
                  council_accounts: Iterable[str] = (), retention_days: int = 365) -> SourceConfig:
    """The `import` source that a file's items are kept under."""
    if retention_days < 1:
        raise ImportInputError("--retention-days must be a whole number of days, at least 1")
    options_dict = {"format": options.fmt.name, "file": path.name}
    if options.mapping:
        options_dict["map"] = dict(options.mapping)
    return SourceConfig(
        name=(name or default_source_name(path)).strip(), kind=KIND, options=options_dict,
        council_accounts=tuple(council_accounts), retention_days=retention_days,
    )


def import_file(path: str | Path, options: ImportOptions, db, source: SourceConfig | None = None,
                progress=None, batch_size: int = BATCH_SIZE) -> ImportResult:
    """Import one file into the store, each batch in its own transaction (jobs.collect)."""
    path = Path(path)
    source = source or import_source(path, options)
    collector = ImportCollector(source, path, options, batch_size=batch_size)
    with connect(db) as con:
        kind = source_kind(con, source.name)
    if kind not in (None, KIND):
        raise ImportInputError(
            f"{source.name!r} is already a {kind} source: choose another name with --source"
        )
    result = collect_source(source, db, None, progress, collector=collector)
    return ImportResult(source.name, result.fetched, result.new, result.updated, collector.skips, result.error)
