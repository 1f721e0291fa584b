"""A local HTTP server that replays demo/payloads as the real services would serve them.

It listens on 127.0.0.1 on a free port, in a background thread. Feeds are served
at their real host and path under the server's root (so
`https://www.brackenford.gov.uk/news/rss` becomes
`http://127.0.0.1:PORT/www.brackenford.gov.uk/news/rss`), with ETag and
Last-Modified so conditional GETs get a 304. The Guardian discussion API is
served at its real paths, `/discussion-api/discussion/p/KEY?page=N`, one
recorded page per `page`. The social platforms' APIs are served under their
hosts too (`/graph.facebook.com/v21.0/...`, `/oauth.reddit.com/...`; see
demo/apis.py), with Reddit's token endpoint taking a POST. Anything else is a
404, as a real server would say.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from demo.apis import Call, platform_for
from demo.compose import PAYLOADS, RECORDED_AT, guardian_dir

RSS = "application/rss+xml; charset=UTF-8"
ATOM = "application/atom+xml; charset=UTF-8"
JSON = "application/json; charset=UTF-8"
LAST_MODIFIED = format_datetime(RECORDED_AT, usegmt=True)


@dataclass(frozen=True)
class Feed:
    file: str
    content_type: str
    required_params: tuple[str, ...] = ()


# Path under the server root -> the recorded feed served there.
FEEDS: dict[str, Feed] = {
    "/www.brackenford.gov.uk/news/rss": Feed("council-news.xml", RSS),
    "/news.google.com/rss/search": Feed("google-news.xml", RSS, required_params=("q",)),
    "/www.google.com/alerts/feeds/02844178532690417305/14211460957302386641": Feed("google-alerts.xml", ATOM),
}
DISCUSSION = re.compile(r"^/discussion-api/discussion/(p/[0-9a-z]+)$")


def discussion_page(payloads: Path, key: str, page: int) -> Path:
    return guardian_dir(key, payloads) / f"page-{page}.json"


class _Handler(BaseHTTPRequestHandler):
    server: ReplayServer._Server  # type: ignore[name-defined]

    def log_message(self, format, *args) -> None:  # keep the terminal for progress
        pass

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self.server.requests.append(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if not self._api("POST", self.rfile.read(length) if length else b""):
            self._json(405, {"status": "error", "statusCode": 405, "message": "Method not allowed"})

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        self.server.requests.append(self.path)
        if self._api("GET", b""):
            return
        feed = FEEDS.get(parts.path)
        if feed is not None:
            missing = [p for p in feed.required_params if not query.get(p)]
            if missing:
                return self._send(400, b"missing query parameter: " + missing[0].encode(), "text/plain")
            return self._send_file(self.server.payloads / feed.file, feed.content_type)
        match = DISCUSSION.match(parts.path)
        if match:
            return self._discussion(match.group(1), query)
        self._json(404, {"status": "error", "statusCode": 404, "message": f"Not found: {parts.path}"})

    def _api(self, method: str, body: bytes) -> bool:
        """Answer a request to one of the social platforms' APIs; False if the path is none of theirs."""
        parts = urlsplit(self.path)
        found = platform_for(parts.path)
        if found is None:
            return False
        root, handler = found
        host, port = self.server.server_address[:2]
        call = Call(method, parts.path[len(root):] or "/", parse_qs(parts.query), self.headers, body,
                    f"http://{host}:{port}{root}", self.server.payloads)
        answer = handler(call)
        self._send(answer.status, json.dumps(answer.data).encode(), JSON, answer.headers)
        return True

    def _discussion(self, key: str, query: dict) -> None:
        try:
            page = int((query.get("page") or ["1"])[0])
        except ValueError:
            return self._json(400, {"status": "error", "statusCode": 400, "message": "page must be a number"})
        path = discussion_page(self.server.payloads, key, page)
        if not path.exists():
            first = discussion_page(self.server.payloads, key, 1)
            message = f"Discussion /{key} not found" if not first.exists() else f"Page {page} out of range"
            return self._json(404, {"status": "error", "statusCode": 404, "message": message})
        self._send_file(path, JSON)

    def _send_file(self, path: Path, content_type: str) -> None:
        body = path.read_bytes()
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        if self.headers.get("If-None-Match") == etag or (
            self.headers.get("If-None-Match") is None and self.headers.get("If-Modified-Since") == LAST_MODIFIED
        ):
            return self._send(304, b"", None, headers)
        self._send(200, body, content_type, headers)

    def _json(self, status: int, data: dict) -> None:
        self._send(status, json.dumps(data).encode(), JSON)

    def _send(self, status: int, body: bytes, content_type: str | None, headers: dict | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)


class ReplayServer:
    """`with ReplayServer() as server:` serves the payloads at `server.base_url` until the block ends."""

    class _Server(ThreadingHTTPServer):
        daemon_threads = True

        def __init__(self, payloads: Path):
            super().__init__(("127.0.0.1", 0), _Handler)
            self.payloads = payloads
            self.requests: list[str] = []

    def __init__(self, payloads: Path = PAYLOADS):
        self.payloads = payloads
        self._server: ReplayServer._Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the replay server is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[str]:
        """Every path (with query) asked for so far, in order."""
        return list(self._server.requests) if self._server else []

    def start(self) -> ReplayServer:
        self._server = self._Server(self.payloads)
        self._thread = threading.Thread(target=self._server.serve_forever, name="demo-replay", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
