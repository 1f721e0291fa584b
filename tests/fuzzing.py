"""Shared pieces of the property-based tests of payload parsers (tests/test_parsers_fuzz*.py).

- `json_values`: arbitrary JSON (dict / list / str / int / float / bool / None, nested);
- `mutated(doc, rng, values, times)`: a recorded payload with random fields at random
  depths dropped, replaced by another value, or given another type;
- `MutatingServer`: a local HTTP server (pytest-httpserver) that answers each request
  with the payload a kind-specific `route` names, as this example has it (mutated or
  arbitrary); it counts requests so a collector that pages forever is caught;
- `check_items`: what every Item a parser yields must be, and that the store takes it;
- `FUZZ`: settings for these tests: no deadline, deterministic in CI (CI set: derandomized,
  no example database), the example counts given per test keep the whole set under a minute.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from werkzeug import Request, Response

from collectors.errors import CollectorError
from collectors.items import Item
from jobs.collect import item_row
from settings.sources import SourceConfig
from store.db import memory, transaction
from store.items import items_frame, upsert_items

CI = bool(os.environ.get("CI"))


SCALE = float(os.environ.get("PULSE_FUZZ_SCALE", "1"))  # e.g. 10 for a longer search before a release


def fuzz_settings(examples: int) -> settings:
    """`examples` examples (times PULSE_FUZZ_SCALE), no deadline; in CI derandomized, no example database."""
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,
        derandomize=CI,
        database=None if CI else settings.default.database,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                               HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


# -- values -----------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)

# Values that platforms have been seen to send where something else belongs, and edges of types.
AWKWARD = [
    None, "", " ", 0, -1, 1.5, True, False, [], {}, "x", [None], {"kind": "t1"}, 10**20, -(10**20), 1e308,
    "9" * 30, "2026-13-45T99:99:99Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00",
    "\x00", "\ud800", "\u202e\u200b", "😡" * 3, "<b>x</b>", "1e400", "-5", "NaN", "http://[::1", "//[",
]


def _spots(node, spots: list) -> list:
    if isinstance(node, dict):
        for key, child in node.items():
            spots.append((node, key))
            _spots(child, spots)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            spots.append((node, index))
            _spots(child, spots)
    return spots


def retyped(value, rng):
    """The same information, or near it, in another JSON type."""
    if isinstance(value, bool):
        return rng.choice(["true", 1, None])
    if isinstance(value, int | float):
        return rng.choice([str(value), float(value) if abs(value) < 1e300 else 1e300, -value, [value], 10**30])
    if isinstance(value, str):
        return rng.choice([int(value) if value.strip().isdigit() else 0, [value], {"value": value}, value * 50, ""])
    if isinstance(value, list):
        return rng.choice([{str(i): v for i, v in enumerate(value)}, value[0] if value else None, "", value * 2])
    if isinstance(value, dict):
        return rng.choice([list(value.values()), json.dumps(value)[:50], "", []])
    return rng.choice(["", 0, {}, []])


def mutated(doc, rng, values: list, times: int):
    """A copy of `doc` with `times` random spots dropped, replaced (by one of `values`) or retyped."""
    doc = copy.deepcopy(doc)
    for _ in range(times):
        spots = _spots(doc, [])
        if not spots:
            break
        parent, key = rng.choice(spots)
        action = rng.random()
        if action < 0.3:
            del parent[key]
        elif action < 0.65:
            parent[key] = copy.deepcopy(rng.choice(values))
        else:
            parent[key] = retyped(parent[key], rng)
    return doc


@st.composite
def payload_variants(draw, names: dict[str, object], mode: str) -> dict[str, object]:
    """Every payload a server serves for one example: each recorded one mutated, or arbitrary JSON."""
    if mode == "arbitrary":
        return {name: draw(json_values) for name in names}
    rng = draw(st.randoms(use_true_random=False))
    values = AWKWARD + draw(st.lists(json_values, min_size=1, max_size=4))
    times = draw(st.integers(min_value=1, max_value=6))
    return {name: mutated(doc, rng, values, times) for name, doc in names.items()}


# -- serving ----------------------------------------------------------------------------

class Fixed:
    """A route's answer that is served as it is, never damaged (the empty page that ends paging)."""

    def __init__(self, value):
        self.value = value


Route = Callable[[Request, dict], "str | Fixed | None | Response"]


class MutatingServer:
    """Answers every request with the payload `route(request, state)` names from `payloads`.

    `route` returns a payload name (served as JSON), a Fixed value, None (404) or a Response;
    `state` is a dict kept for one example (pages already served, say).
    `headers(name)` adds headers to an answer (a Link header, rate limits).
    """

    MAX_REQUESTS = 400  # per example: more means a collector is paging forever

    def __init__(self, httpserver, route: Route, headers: Callable[[str], dict] | None = None):
        self.server = httpserver
        self.route = route
        self.headers = headers or (lambda name: {})
        self.payloads: dict[str, object] = {}
        self.state: dict = {}
        self.requests = 0
        httpserver.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    @property
    def base_url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def serve(self, payloads: dict[str, object]) -> None:
        self.payloads, self.state, self.requests = payloads, {}, 0

    def handle(self, request: Request) -> Response:
        self.requests += 1
        if self.requests > self.MAX_REQUESTS:
            return Response("too many requests in one example", status=418)
        answer = self.route(request, self.state)
        if isinstance(answer, Response):
            return answer
        if isinstance(answer, Fixed):
            return Response(json.dumps(answer.value), status=200, content_type="application/json")
        if answer is None or answer not in self.payloads:
            return Response(json.dumps({"error": "not found"}), status=404, content_type="application/json")
        return Response(json.dumps(self.payloads[answer]), status=200, headers=self.headers(answer),
                        content_type="application/json; charset=utf-8")


def load_folder(folder: Path, pattern: str = "*.json") -> dict[str, object]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob(pattern))}


# -- checking ---------------------------------------------------------------------------

_store = None


def _store_con():
    global _store
    if _store is None:
        _store = memory()
    return _store


STORE_SOURCE = SourceConfig(name="Fuzz", kind="rss", options={"url": "http://127.0.0.1/feed"})
OPTIONAL_TEXT = ("thread_id", "parent_id", "author_id", "author_name", "title", "url", "lang")


def check_items(items: Iterable[Item], kind: str, store: bool = False) -> list[Item]:
    """Every item valid (required fields non-empty text, created_at a time that converts to naive
    UTC, keys prefixed by kind, counts whole numbers the store can hold); with `store`, written
    to a real (in-memory) DuckDB store as the runner would."""
    items = list(items)
    for item in items:
        assert isinstance(item, Item), item
        assert item.kind == kind
        assert isinstance(item.native_id, str) and item.native_id.strip(), item
        assert item.key.startswith(f"{kind}:")
        assert item.item_type in ("post", "comment", "mention"), item
        assert isinstance(item.raw_text, str), item
        assert isinstance(item.created_at, datetime), item
        stamp = item.created_utc()
        assert isinstance(stamp, datetime) and stamp.tzinfo is None
        for name in OPTIONAL_TEXT:
            value = getattr(item, name)
            assert value is None or isinstance(value, str), (name, value)
        for name in ("thread_id", "parent_id"):
            value = getattr(item, name)
            assert value is None or value.startswith(f"{kind}:"), (name, value)
        for name in ("like_count", "reply_count"):
            value = getattr(item, name)
            assert value is None or (isinstance(value, int) and not isinstance(value, bool)), (name, value)
    rows = [item_row(i, STORE_SOURCE, 1, datetime(2026, 11, 29)) for i in items]
    for row in rows:  # what the store needs: UTF-8 text, counts in its INTEGER columns
        for name, value in row.items():
            if isinstance(value, str):
                value.encode("utf-8")
            elif name in ("like_count", "reply_count") and value is not None:
                assert -(2**31) <= value < 2**31, (name, value)
    if store and rows:
        con = _store_con()
        with transaction(con):
            upsert_items(con, items_frame(rows))
    return items


def message_in_words(error: BaseException) -> None:
    """A project error that says something: a message of words, not a bare type or a repr."""
    assert isinstance(error, CollectorError), f"{type(error).__name__}: {error}"
    text = str(error)
    assert re.search(r"[A-Za-z]{3,}.*\s.*[A-Za-z]{3,}", text), repr(text)


def cursor_is_storable(cursor) -> None:
    """What a batch hands the store as its cursor must be a dict that JSON keeps as it is."""
    assert isinstance(cursor, dict)
    text = json.dumps(cursor)
    assert json.loads(text) == cursor or _has_nan(cursor)


def _has_nan(value) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, dict):
        return any(_has_nan(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nan(v) for v in value)
    return False


def run_collector(collector, cursor: dict, kind: str) -> tuple[dict, list[Item], CollectorError | None]:
    """Every batch of one fetch, each checked; (the last cursor, items, the project error it stopped with)."""
    items: list[Item] = []
    try:
        for batch in collector.fetch(cursor):
            cursor_is_storable(batch.cursor)
            assert all(isinstance(w, str) and w for w in batch.warnings)
            items.extend(check_items(batch.items, kind, store=True))
            cursor = batch.cursor
    except CollectorError as error:
        message_in_words(error)
        return cursor, items, error
    return cursor, items, None
