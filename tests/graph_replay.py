"""Replaying recorded Graph API payloads (Facebook and Instagram) over real HTTP.

Fixture files live in tests/fixtures/<kind>/<run>/ and are named after the
request they answer:

    <object-id>--<edge>.json                  GET /v21.0/<object-id>/<edge>
    <object-id>--<edge>--after-<cursor>.json  the same with ?after=<cursor>

Later folders given to `use()` overlay earlier ones (run2 holds only what
changed since run1). Like Graph, the replay refuses a request without the right
access_token (error 190) and answers an unknown object with error 100. Every
answer carries low-usage X-App-Usage / X-Business-Use-Case-Usage headers, as
Graph sends them. `fail()` queues answers (rate limits, errors) served before
the fixture for one object and edge.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from replay import (  # noqa: F401 (everything_stored and saved_cursor re-exported)
    FIXTURES,
    FakeClock,
    everything_stored,
    json_response,
    load_json,
    quick_http,
    saved_cursor,
)
from werkzeug import Request, Response

from store.db import connect
from store.items import raw_text_sql

VERSION = "v21.0"
TOKEN = "EAAT3stPageT0kenFAKE0123456789abcdef"  # what FACEBOOK_PAGE_TOKEN is set to
RECORDED_TOKEN = "EAAGm0PX4ZCpsBARecordedPageTokenNeverStore"  # the token inside recorded `next` URLs
NOW = 1795176000.0  # 2026-11-20 12:00 UTC, when the recordings were made
ERRORS = {
    "facebook": FIXTURES / "facebook" / "errors",
    "instagram": FIXTURES / "instagram" / "errors",
}


def usage_headers(object_id: str, kind: str = "pages", call_count: int = 3, minutes: int = 0) -> dict:
    """Meta's usage headers: percentages of the budget used, minutes until access returns."""
    entry = {
        "type": kind,
        "call_count": call_count,
        "total_cputime": 1,
        "total_time": 2,
        "estimated_time_to_regain_access": minutes,
    }
    return {
        "X-App-Usage": json.dumps({"call_count": 1, "total_cputime": 1, "total_time": 1}),
        "X-Business-Use-Case-Usage": json.dumps({object_id: [entry]}),
    }


class GraphReplay:
    def __init__(self, token: str, owner_id: str, buc_type: str = "pages"):
        self.token = token
        self.owner_id = owner_id  # the page or Instagram account whose budget the headers report
        self.buc_type = buc_type
        self.folders: list[Path] = []
        self.requests: list[tuple[str, dict]] = []  # (object/edge, query less the token)
        self.tokens_seen: list[str | None] = []
        self._faults: dict[str, list] = defaultdict(list)

    def install(self, httpserver) -> GraphReplay:
        httpserver.expect_request(re.compile(rf"^/{VERSION}/.+")).respond_with_handler(self.handle)
        return self

    @staticmethod
    def base_url(httpserver) -> str:
        return httpserver.url_for(f"/{VERSION}")

    def use(self, *folders: Path) -> GraphReplay:
        self.folders = list(folders)
        return self

    def fail(self, target: str, *answers: Response) -> None:
        """Serve `answers` (in turn) to the next requests for `target` ("<object-id>/<edge>")."""
        self._faults[target].extend(answers)

    def asked(self, target: str) -> list[dict]:
        return [query for path, query in self.requests if path == target]

    def handle(self, request: Request) -> Response:
        target = request.path.removeprefix(f"/{VERSION}/").strip("/")
        token = request.args.get("access_token")
        self.tokens_seen.append(token)
        query = {k: v for k, v in request.args.items() if k != "access_token"}
        self.requests.append((target, query))
        headers = usage_headers(self.owner_id, self.buc_type)
        if token != self.token:
            return json_response(
                {"error": {"message": "Invalid OAuth access token - Cannot parse access token",
                           "type": "OAuthException", "code": 190, "fbtrace_id": "AReplayTokenCheck"}},
                400,
                headers,
            )
        if self._faults.get(target):
            return self._faults[target].pop(0)
        object_id, _, edge = target.partition("/")
        name = f"{object_id}--{edge}"
        if request.args.get("after"):
            name += f"--after-{request.args['after']}"
        for folder in reversed(self.folders):
            path = folder / f"{name}.json"
            if path.exists():
                return json_response(load_json(path), 200, headers)
        error = load_json(ERRORS["facebook"] / "unknown-object-100.json")
        error["error"]["message"] = error["error"]["message"].replace("999999999999", object_id)
        return json_response(error, 400, headers)


# -- what the Facebook and Instagram tests share ---------------------------------------


def graph_http(clock: FakeClock):
    """An HttpClient on the fake clock (for the tests' `http` fixture)."""
    return quick_http(clock=clock, sleep=clock.sleep)


def replay_graph(httpserver, monkeypatch, owner_id: str, folder: Path, buc_type: str = "pages") -> GraphReplay:
    """A Graph replay for `owner_id` on the test server, FACEBOOK_PAGE_TOKEN set to TOKEN."""
    monkeypatch.setenv("FACEBOOK_PAGE_TOKEN", TOKEN)
    return GraphReplay(TOKEN, owner_id, buc_type).install(httpserver).use(folder)


def graph_error(kind: str, name: str, status: int, headers: dict | None = None) -> Response:
    """A recorded Graph error body (fixtures/<kind>/errors/<name>.json) with a status and headers."""
    return json_response(load_json(ERRORS[kind] / f"{name}.json"), status, headers or {})


# -- reading back what a run stored ------------------------------------------------


def stored(db) -> dict[str, dict]:
    with connect(db, read_only=True) as con:
        cursor = con.execute(
            f"""SELECT key, item_type, thread_id, parent_id, author_id, author_name, is_council,
                      like_count, reply_count, {raw_text_sql()} AS raw_text, url, created_at FROM items"""
        )
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row)) for row in cursor.fetchall()}
