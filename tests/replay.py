"""Replaying recorded platform payloads over real HTTP, for collector tests.

The server is pytest-httpserver's (a real HTTP server on 127.0.0.1); the payloads
are files under tests/fixtures/<source>/ in each platform's own format. The
handlers here behave like the platforms do where it matters to a collector:
conditional GET with ETag / Last-Modified, pages picked by query parameters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import UTC
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from werkzeug import Request, Response

from collectors.http import HttpClient

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GUARDIAN = FIXTURES / "guardian"
RSS = FIXTURES / "rss"

Handler = Callable[[Request], Response]


class SleepRecorder:
    """Stands in for time.sleep: remembers each wait, sleeps not at all."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def quick_http(**options) -> HttpClient:
    """An HttpClient that never really sleeps (waits land in `client.sleep.waits`)."""
    options.setdefault("sleep", SleepRecorder())
    options.setdefault("connect_timeout", 2.0)
    options.setdefault("read_timeout", 2.0)
    return HttpClient(**options)


def recording_http(clock: Callable[[], float]) -> HttpClient:
    """An HttpClient on a fixed clock whose waits are kept in `client.waits`, never slept."""
    waits: list[float] = []
    client = HttpClient(clock=clock, sleep=waits.append, jitter=lambda: 0.5, backoff=0.01,
                        connect_timeout=2.0, read_timeout=2.0)
    client.waits = waits
    return client


def run_once(source, db, now: float, clock: FakeClock | None = None):
    """One collection of one source on a fake clock (waits recorded on it); its SourceResult."""
    from jobs.collect import collect_all

    clock = clock or FakeClock(now)
    with quick_http(clock=clock, sleep=clock.sleep) as http:
        [result] = collect_all([source], db, http)
    return result


def items_by_key(db) -> dict[str, dict]:
    """Every stored item as {key: {column: value}}."""
    from store.db import connect
    from store.items import raw_text_sql

    with connect(db, read_only=True) as con:
        cursor = con.execute(f"SELECT * REPLACE ({raw_text_sql()} AS raw_text) FROM items ORDER BY key")
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row)) for row in cursor.fetchall()}


def everything_stored(db) -> str:
    """Every row of the tables a secret could leak into, as text."""
    from store.db import connect

    with connect(db, read_only=True) as con:
        return json.dumps(
            [con.execute(f"SELECT * FROM {table}").fetchall() for table in ("sources", "items", "runs")],
            default=str,
        )


def saved_cursor(db) -> dict:
    """The cursor stored for the (only) source."""
    from store.db import connect

    with connect(db, read_only=True) as con:
        return json.loads(con.execute("SELECT cursor FROM sources").fetchall()[0][0])


def load_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def json_response(data, status: int = 200, headers: dict | None = None) -> Response:
    return Response(
        json.dumps(data), status=status, headers=headers or {}, content_type="application/json; charset=utf-8"
    )


def conditional(body: bytes, content_type: str, etag: str | None = None, last_modified: str | None = None) -> Handler:
    """A handler that serves `body` like a well-behaved web server: 304 when the client's copy is current."""

    def handle(request: Request) -> Response:
        validators = {}
        if etag:
            validators["ETag"] = etag
        if last_modified:
            validators["Last-Modified"] = last_modified
        match = request.headers.get("If-None-Match")
        since = request.headers.get("If-Modified-Since")
        if etag and match is not None:
            if etag in [m.strip() for m in match.split(",")]:
                return Response(status=304, headers=validators)
        elif last_modified and since:
            try:
                if parsedate_to_datetime(since) >= parsedate_to_datetime(last_modified):
                    return Response(status=304, headers=validators)
            except (TypeError, ValueError):
                pass
        return Response(body, status=200, headers=validators, content_type=content_type)

    return handle


def sequence(*handlers: Handler) -> Handler:
    """Answer with each handler in turn; the last one answers every request after that."""
    state = {"n": 0}

    def handle(request: Request) -> Response:
        index = min(state["n"], len(handlers) - 1)
        state["n"] += 1
        return handlers[index](request)

    return handle


def status(code: int, headers: dict | None = None, body: str = "") -> Handler:
    return lambda request: Response(body, status=code, headers=headers or {})


def http_date(epoch: float) -> str:
    from datetime import datetime

    return format_datetime(datetime.fromtimestamp(epoch, UTC), usegmt=True)


# -- the Guardian discussion API ----------------------------------------------


def discussion_path(key: str) -> str:
    return f"/discussion-api/discussion/{key.lstrip('/')}"


class GuardianReplay:
    """Serves one recorded discussion (a folder under fixtures/guardian) as the API does.

    page-N.json answers `?page=N`; comment-ID.json answers
    /discussion-api/comment/ID; a folder whose expected.json says
    "linear_only" refuses threaded requests with error-threaded.json (HTTP 400).
    `broken_pages` answer HTTP 500 every time (a page that is down).
    """

    def __init__(self, folder: Path, broken_pages: Iterable[int] = ()):
        self.folder = folder
        self.expected = load_json(folder / "expected.json")
        self.key = self.expected["key"]
        self.broken_pages = set(broken_pages)
        self.pages_served: list[int] = []

    def install(self, httpserver) -> GuardianReplay:
        httpserver.expect_request(discussion_path(self.key)).respond_with_handler(self.page)
        for path in sorted(self.folder.glob("comment-*.json")):
            comment_id = path.stem.removeprefix("comment-")
            httpserver.expect_request(f"/discussion-api/comment/{comment_id}").respond_with_handler(
                lambda request, path=path: self.comment(request, path)
            )
        return self

    def page(self, request: Request) -> Response:
        try:
            number = int(request.args.get("page", "1"))
        except ValueError:
            return json_response({"status": "error", "statusCode": 400, "message": "bad page"}, 400)
        threaded = request.args.get("displayThreaded", "true") == "true"
        if threaded and self.expected.get("linear_only"):
            return json_response(load_json(self.folder / "error-threaded.json"), 400)
        if number in self.broken_pages:
            return Response("upstream error", status=500)
        path = self.folder / f"page-{number}.json"
        if not path.exists():
            return json_response({"status": "error", "statusCode": 404, "message": "Page not found"}, 404)
        self.pages_served.append(number)
        return json_response(load_json(path))

    def comment(self, request: Request, path: Path) -> Response:
        if request.args.get("displayResponses") != "true":
            return json_response({"status": "error", "statusCode": 400, "message": "responses not asked for"}, 400)
        return json_response(load_json(path))


def guardian_cases() -> list[Path]:
    return sorted(p for p in GUARDIAN.iterdir() if (p / "expected.json").exists())


def rss_cases() -> list[Path]:
    return sorted(p for p in RSS.iterdir() if p.suffix in (".xml", ".html"))


# -- routing by path and query parameters (any JSON API) ----------------------


class FakeClock:
    """A clock that only moves when something sleeps on it: waits are recorded, never slept."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += max(0.0, seconds)


class Routes:
    """Answers requests by path and query parameters, like an API that picks pages by its arguments.

    `add(path, answer, **params)`: a request to `path` whose query has every
    given parameter with that value gets `answer` (a fixture Path, served as
    JSON, or a handler). The route added last wins, so a test can change what
    the "platform" says between two runs; `times=n` answers n times only.
    Every request is remembered in `requests` as (method, path, query dict).
    """

    def __init__(self) -> None:
        self.routes: list[dict] = []
        self.requests: list[tuple[str, str, dict]] = []

    def add(self, path: str, answer, *, times: int | None = None, method: str | None = None, **params) -> Routes:
        handler = (lambda request, p=answer: json_response(load_json(p))) if isinstance(answer, Path) else answer
        self.routes.append({"path": path, "params": params, "handler": handler, "times": times, "method": method})
        return self

    def install(self, httpserver) -> Routes:
        httpserver.expect_request(re.compile(r"^/.*")).respond_with_handler(self.handle)
        return self

    def handle(self, request: Request) -> Response:
        query = request.args.to_dict()
        self.requests.append((request.method, request.path, query))
        for route in reversed(self.routes):
            if route["path"] != request.path or (route["method"] and route["method"] != request.method):
                continue
            if any(query.get(k) != str(v) for k, v in route["params"].items()):
                continue
            if route["times"] is not None:
                if route["times"] <= 0:
                    continue
                route["times"] -= 1
            return route["handler"](request)
        return json_response({"error": "no such route in this test", "path": request.path}, 404)

    def count(self, path: str, **params) -> int:
        return sum(
            1 for _, p, q in self.requests if p == path and all(q.get(k) == str(v) for k, v in params.items())
        )


class PlatformReplay:
    """A platform's API as far as a collector sees it, on the test server.

    Every request is kept in `requests`; `refused(request)` may answer first (a
    host that wants sign-in, a missing token), then `refuse` (query regex ->
    a one-shot response, for faults), then `answer(request)`: the subclass's
    replay of the platform. `rate_headers()` go on every JSON answer.
    """

    def __init__(self, httpserver):
        self.server = httpserver
        self.requests: list[Request] = []
        self.refuse: list[tuple[str, Response]] = []
        httpserver.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    @property
    def base_url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def rate_headers(self) -> dict:
        return {}

    def json(self, data, status: int = 200, headers: dict | None = None) -> Response:
        return json_response(data, status, {**self.rate_headers(), **(headers or {})})

    def refused(self, request: Request) -> Response | None:
        return None

    def answer(self, request: Request) -> Response:
        raise NotImplementedError

    def handle(self, request: Request) -> Response:
        self.requests.append(request)
        early = self.refused(request)
        if early is not None:
            return early
        for pattern, response in list(self.refuse):
            if re.search(pattern, request.full_path):
                self.refuse.remove((pattern, response))
                return response
        return self.answer(request)

    def asked(self, path: str, **params: str) -> int:
        """How many requests went to `path` with these query parameters."""
        return sum(
            1 for r in self.requests
            if r.path == path and all(r.args.get(k) == v for k, v in params.items())
        )


def garble(node, rng, depth: int = 0, keep_above: int = 2) -> None:
    """Damage one spot of a JSON payload in place: drop a key or swap a value for a wrong type.

    Nodes less than `keep_above` levels deep are walked through, not damaged,
    so the payload keeps its outer shape and the damage lands in the detail.
    """
    wrong = [None, "", 0, -1, 1.5, True, [], {}, "x", [None], {"kind": "t1"}]
    if isinstance(node, dict) and node:
        key = rng.choice(sorted(node))
        choice = rng.random() if depth >= keep_above else 1.0
        if choice < 0.35:
            del node[key]
        elif choice < 0.7:
            node[key] = rng.choice(wrong)
        else:
            garble(node[key], rng, depth + 1, keep_above)
    elif isinstance(node, list) and node:
        index = rng.randrange(len(node))
        if depth >= keep_above and rng.random() < 0.3:
            node[index] = rng.choice(wrong)
        else:
            garble(node[index], rng, depth + 1, keep_above)


# -- an HTTP proxy, standing in for hosts on the internet -----------------------------------------


class RecordingProxy:
    """A forward HTTP proxy on 127.0.0.1 that records every request and answers each `{}`.

    With HTTP_PROXY pointing at it, a collector's request to any http:// host (say
    http://reddit.attacker.example) arrives here in full, headers and body: it stands for a
    public host that someone other than the operator controls. Nothing goes further.
    """

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        proxy = self
        self.requests: list[str] = []  # request line, headers and body, as text

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.requests.append(f"{self.requestline}\n{self.headers}\n{body.decode('latin-1')}")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            do_POST = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def received(self, secret: str) -> list[str]:
        """The requests that carried `secret`, as sent or URL-encoded."""
        from urllib.parse import quote

        return [r for r in self.requests if secret in r or quote(secret, safe="") in r]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
