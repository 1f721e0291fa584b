"""Ids and threads of imported items: namespaced native ids, content hashes, reply chains."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable

from collectors.imports.errors import KIND
from collectors.items import ItemType, item_key


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
