"""The formats the importer reads and the column names each uses (any can be overridden with --map)."""

from __future__ import annotations

from dataclasses import dataclass

from collectors.imports.errors import DateOrder, ImportInputError


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
