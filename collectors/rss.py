"""RSS 2.0 and Atom feeds: council news, Google News searches, Google Alerts.

Each feed entry becomes a "mention" item. The feed is fetched by http.py with a
conditional GET (the cursor keeps the ETag / Last-Modified), so an unchanged
feed costs one 304 and yields nothing; feedparser only ever parses the bytes
that were fetched. A malformed feed keeps what parsed and says what was wrong
in the batch's warnings; a feed that yields nothing and is malformed is a
PayloadError.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qs, urljoin
from xml.sax import SAXParseException

import feedparser

from collectors.errors import CollectorError, PayloadError
from collectors.http import FetchResult, where
from collectors.items import Batch, Item
from collectors.payload import http_address, split_url
from settings.sources import SourceConfig, SourceKind
from settings.typed import Key

KIND = "rss"
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
# Native ids longer than this are hashed, so keys stay a sensible size.
MAX_ID_CHARS = 200
# A character reference to a lone surrogate (&#xD800;) is no character at all, and makes
# feedparser's loose parser fail while writing it out: read as U+FFFD instead.
SURROGATE_REFERENCE = re.compile(
    rb"&#(?:[xX]0*[dD][89a-fA-F][0-9a-fA-F]{2}|0*(?:5529[6-9]|55[3-9]\d\d|56\d{3}|57[0-2]\d\d|573[0-3]\d|5734[0-3]));"
)
# Entries without any date keep the time they were first seen; remembered (bounded) in the cursor.
MAX_UNDATED_REMEMBERED = 1000


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _digest(text: str) -> str:
    return "h:" + hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def unwrap_google_link(link: str | None) -> str | None:
    """The real article behind a Google redirect (`https://www.google.com/url?...&url=REAL`)."""
    if not link:
        return link
    parts = split_url(link)
    if parts is None:
        return link
    host = (parts.hostname or "").lower()
    is_google = host == "google.com" or (host.startswith(("www.google.", "google.")) and "." in host)
    if not (is_google and parts.path == "/url"):
        return link
    query = parse_qs(parts.query)
    for name in ("url", "q"):
        for candidate in query.get(name, []):
            if http_address(candidate):
                return candidate
    return link


def article_link(link: str | None, feed_url: str) -> str | None:
    """The entry's web address: relative ones resolved, Google redirects unwrapped, non-web ids dropped."""
    link = (link or "").strip()
    if not link:
        return None
    try:
        link = unwrap_google_link(urljoin(feed_url, link))
    except ValueError:  # an address that cannot be read ("http://[::1")
        return None
    return http_address(link)


def feed_namespace(source_name: str) -> str:
    """Where an entry's id is unique: its feed. Two feeds may both number their guids 1, 2, 3, so an
    entry's key carries a digest of its source's name (store/schema.py's migration 6 computes the same)."""
    return hashlib.md5(source_name.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


def native_id_for(entry) -> str | None:
    """The entry's id, else its link, else a hash of what it says; long ones hashed."""
    ident = (entry.get("id") or "").strip() or (entry.get("link") or "").strip()
    if not ident:
        title = (entry.get("title") or "").strip()
        text = (entry.get("summary") or "").strip()
        if not (title or text):
            return None
        ident = _digest(f"{title}\x1f{text}\x1f{entry.get('published') or entry.get('updated') or ''}")
    if len(ident) > MAX_ID_CHARS:
        ident = _digest(ident)
    return ident


def entry_time(entry) -> datetime | None:
    """published, else updated, as an aware UTC datetime (feedparser gives UTC struct_time)."""
    for field in ("published_parsed", "updated_parsed", "created_parsed"):
        stamp = entry.get(field)
        if stamp:
            try:
                return datetime(*stamp[:6], tzinfo=UTC)
            except (TypeError, ValueError):
                continue
    return None


def entry_text(entry) -> str:
    """The richest text the entry carries: content, else summary."""
    for block in entry.get("content") or []:
        value = (block.get("value") or "").strip()
        if value:
            return value
    return (entry.get("summary") or "").strip()


def publisher(entry) -> tuple[str | None, str | None]:
    """(name, site) from a Google News `<source url="...">Name</source>`, if any."""
    source = entry.get("source") or {}
    name = (source.get("title") or "").strip() or None
    href = (source.get("href") or source.get("url") or "").strip() or None
    return name, href


def author_of(entry) -> str | None:
    detail = entry.get("author_detail") or {}
    name = (detail.get("name") or entry.get("author") or "").strip()
    return name or None


def strip_publisher_suffix(title: str, name: str | None) -> str:
    """Google News titles end with " - Publisher"; the publisher is already the author."""
    if name and title.endswith(f" - {name}"):
        return title[: -len(name) - 3].rstrip()
    return title


def _language(feed) -> str | None:
    lang = (feed.get("language") or "").strip().lower()
    primary = lang.split("-")[0].split("_")[0]
    return primary or None


def bozo_words(exception: BaseException | None) -> str:
    """What feedparser's bozo exception means, in words."""
    if exception is None:
        return "the feed is malformed"
    name = type(exception).__name__
    if isinstance(exception, SAXParseException):
        return (
            f"the feed is not well-formed XML ({exception.getMessage()} "
            f"at line {exception.getLineNumber()}, column {exception.getColumnNumber()})"
        )
    if name == "CharacterEncodingOverride":
        return "the feed declares one character encoding but uses another; it was read anyway"
    if name == "CharacterEncodingUnknown":
        return "the feed's character encoding could not be worked out"
    if name == "NonXMLContentType":
        return "the server did not label the feed as XML"
    if name == "UndeclaredNamespace":
        return f"the feed uses an undeclared XML namespace ({exception})"
    return f"the feed could not be read cleanly ({name}: {exception})"


SOURCE = SourceKind(
    KIND, "Articles from a news feed: the council's own news page, a Google News search or a Google Alert. "
    "Each article is one item; no account or key is needed.",
    keys=(Key("url", "text", "the feed's address: the RSS link of the council's news page, a Google News search "
              "as RSS (https://news.google.com/rss/search?q=...), or a Google Alert delivered to an RSS feed",
              label="Feed address", example="https://www.example.gov.uk/news/rss", address=True),),
    one_of=("url",), name="News feed (RSS or Atom)",
)


class RssCollector:
    """One feed (`url` in sources.toml) -> mention items, one batch per fetch."""

    kind = KIND

    def __init__(self, source: SourceConfig, http):
        url = source.options.get("url")
        if not http_address(url):
            raise CollectorError(f"source {source.name!r}: url must be an http(s) address of a feed, got {url!r}")
        self.source = source
        self.url = url
        self.http = http
        self.namespace = feed_namespace(source.name)

    def fetch(self, cursor: dict) -> Iterator[Batch]:
        result = self.http.get(
            self.url,
            headers={"Accept": ACCEPT},
            etag=cursor.get("etag"),
            last_modified=cursor.get("last_modified"),
        )
        if result.not_modified:
            return
        yield self.parse(result, cursor)

    def parse(self, result: FetchResult, cursor: dict, now: datetime | None = None) -> Batch:
        """Turn fetched feed bytes into a batch (pure apart from the clock)."""
        now = now or utcnow()
        try:
            parsed = feedparser.parse(
                # a stream, so feedparser never treats it as a URL or path
                io.BytesIO(SURROGATE_REFERENCE.sub(b"&#xFFFD;", result.content)),
                # no content-location: feedparser would then rewrite plain guids into URLs
                response_headers={"content-type": result.headers.get("content-type", "application/xml")},
                sanitize_html=True,
                resolve_relative_uris=False,
            )
        except Exception as error:  # noqa: BLE001 (feedparser failing inside is a feed it cannot read)
            raise PayloadError(
                f"{where(result.url)} could not be read as a feed ({type(error).__name__} in the feed parser)"
            ) from None
        warnings: list[str] = []
        problem = bozo_words(parsed.get("bozo_exception")) if parsed.get("bozo") else None
        entries = parsed.get("entries") or []
        if not entries and (problem or not parsed.get("version")):
            if "html" in result.content_type:
                reason = f"the address returned a web page ({result.content_type}), not a feed"
            else:
                reason = problem or "no RSS or Atom elements found"
            raise PayloadError(f"{where(result.url)} is not a readable RSS or Atom feed: {reason}")

        lang = _language(parsed.get("feed") or {})
        undated = dict(cursor.get("undated") or {})
        items: list[Item] = []
        skipped = 0
        for entry in entries:
            item = self._item(entry, lang, undated, now, result.url)
            if item is None:
                skipped += 1
            else:
                items.append(item)
        if problem:
            warnings.append(f"{where(result.url)}: {problem}; kept the {len(items)} entries that could be read")
        if skipped:
            warnings.append(
                f"{where(result.url)}: skipped {skipped} {'entry' if skipped == 1 else 'entries'} "
                "with no id, link, title or text"
            )
        new_cursor = {k: v for k, v in cursor.items() if k not in ("etag", "last_modified", "undated")}
        if result.etag:
            new_cursor["etag"] = result.etag
        if result.last_modified:
            new_cursor["last_modified"] = result.last_modified
        if undated:
            # keep the most recently first-seen ids only, so the cursor stays small
            newest = sorted(undated.items(), key=lambda kv: kv[1], reverse=True)[:MAX_UNDATED_REMEMBERED]
            new_cursor["undated"] = dict(newest)
        return Batch(items=items, cursor=new_cursor, warnings=warnings)

    def _item(self, entry, lang: str | None, undated: dict, now: datetime, feed_url: str) -> Item | None:
        native_id = native_id_for(entry)
        if native_id is None:
            return None
        created = entry_time(entry)
        if created is None:
            # no date in the feed: the time first seen, kept so re-runs do not change the item
            first_seen = undated.setdefault(native_id, now.replace(microsecond=0).isoformat())
            created = datetime.fromisoformat(first_seen)
        name, site = publisher(entry)
        title = (entry.get("title") or "").strip()
        title = strip_publisher_suffix(title, name)
        text = entry_text(entry) or title
        link = article_link(entry.get("link"), feed_url)
        return Item(
            kind=KIND,
            native_id=native_id,
            item_type="mention",
            created_at=created,
            raw_text=text,
            title=title or None,
            url=link,
            author_name=name or author_of(entry),
            author_id=(split_url(site) or split_url("")).hostname,
            lang=lang,
            namespace=self.namespace,
        )
