"""What every payload renderer shares: times, written threads as nodes, and made-up ids that stay put.

The demo's conversations are written as nested tuples, (author, "YYYY-MM-DD HH:MM"
UTC, text, [replies]) (see demo/social/); `thread` turns them into nodes that
know their parent. Ids, counts and tokens are derived from the text and time by
hashing, so composing again writes the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

BASE32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"  # atproto TIDs and Bluesky's DIDs
URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def utc(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    """2026-11-24T07:52:00Z"""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(moment: datetime) -> str:
    """2026-11-24T07:52:00.000Z (Mastodon, Bluesky)"""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def graph_time(moment: datetime) -> str:
    """2026-11-24T07:52:00+0000 (Meta's Graph API)"""
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


@dataclass
class Node:
    """One written comment or reply, with its place in the thread."""

    author: str
    at: datetime
    text: str
    parent: Node | None
    number: int  # its place in the thread, in the order written
    replies: list[Node] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth + 1

    def root(self) -> Node:
        return self if self.parent is None else self.parent.root()


def thread(comments, parent: Node | None = None, out: list[Node] | None = None) -> list[Node]:
    """Every comment of a written thread as a Node, depth first in the order written."""
    out = [] if out is None else out
    for author, stamp, text, replies in comments:
        node = Node(author, utc(stamp), text, parent, len(out))
        if parent is not None:
            parent.replies.append(node)
        out.append(node)
        thread(replies, node, out)
    return out


def digest(*parts: object) -> int:
    return int(hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest(), 16)


def digits(count: int, *seed: object) -> str:
    """`count` decimal digits from the seed (the first never 0)."""
    number = digest(*seed) % (9 * 10 ** (count - 1))
    return str(10 ** (count - 1) + number)


def letters(count: int, alphabet: str, *seed: object) -> str:
    number, out = digest(*seed), []
    for _ in range(count):
        number, index = divmod(number, len(alphabet))
        out.append(alphabet[index])
    return "".join(out)


def base36(number: int) -> str:
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, index = divmod(number, 36)
        out = alphabet[index] + out
    return out or "0"


def cursor(*seed: object) -> str:
    """An opaque paging cursor as Graph and YouTube send them (base64 text)."""
    return base64.urlsafe_b64encode(hashlib.sha256(repr(seed).encode()).digest()[:24]).decode().rstrip("=")


def count(spread: int, *seed: object) -> int:
    """A like or reaction count between 0 and spread - 1."""
    return digest("count", *seed) % spread
