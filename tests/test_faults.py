"""Every collector kind against every network fault, next to a healthy source, then a healthy run again.

For each fault (a server that never answers, a refused connection, an unknown
host, a 429 storm, a 5xx storm, a body cut short, a body that does not parse, a
redirect loop, an HTML page where JSON or a feed was expected) one run collects
a source of every kind in collectors/registry.py pointed at the fault, with a
healthy feed among them: each fault must be recorded on its own source in words
(no traceback, no secret), and the healthy feed must still be stored.

Then, per kind, faults strike the kind's recorded replay (the one its own tests
use) part-way through runs: on the first request, on the second (the first
after a list or a token) and deeper in. Each is an error or a warning in words;
what was saved before it stays, with no duplicates; and a clean run afterwards
clears the error and ends with exactly the items a clean run stores.

Faults come from a raw socket server, so a body can be cut short and a request
left hanging; the HttpClient has short timeouts and a fake clock and sleep, so
no case waits for more than a fraction of a second.
"""

from __future__ import annotations

import inspect
import json
import shutil
import socket
import socketserver
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from collectors.http import HttpClient
from collectors.registry import COLLECTORS
from jobs.collect import collect_all
from settings.sources import SourceConfig
from store.db import connect
from tests import (
    test_bluesky,
    test_facebook,
    test_instagram,
    test_mastodon,
    test_reddit,
    test_youtube,
)
from tests.conftest import TEST_HOSTS
from tests.graph_replay import GraphReplay
from tests.replay import GUARDIAN, RSS, FakeClock, GuardianReplay, conditional

HEALTHY_FEED = "Healthy: council news"
READ_TIMEOUT = 0.25  # the "never answers" server is given up on after this long, per try


# -- the faults ----------------------------------------------------------------


JSON_CUT = b'{"data": [{"id": "1", "message": "Bins were not collec'
XML_CUT = b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Council news</titl'
HTML_PAGE = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"


def _answer(status: str, headers: dict[str, str], body: bytes, length: int | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers.items())]
    lines.append(f"Content-Length: {len(body) if length is None else length}")
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body


def fault_answer(fault: str, path: str) -> bytes | None:
    """The bytes a faulty server sends for `fault` (None: it never answers)."""
    feed = path.split("?")[0].endswith(".xml")  # the RSS source asks for a feed, everyone else for JSON
    kind = "application/rss+xml" if feed else "application/json; charset=utf-8"
    if fault == "timeout":
        return None
    if fault == "429_storm":
        return _answer("429 Too Many Requests", {"Retry-After": "3600", "Content-Type": "application/json"},
                       b'{"error": "Too Many Requests"}')
    if fault == "5xx_storm":
        return _answer("503 Service Unavailable", {"Content-Type": "text/plain"}, b"upstream unavailable")
    if fault == "truncated_body":  # says 4 KB, sends less, hangs up
        return _answer("200 OK", {"Content-Type": kind}, XML_CUT if feed else JSON_CUT, length=4096)
    if fault == "invalid_body":  # complete as sent, but cut mid-document
        return _answer("200 OK", {"Content-Type": kind}, XML_CUT if feed else JSON_CUT)
    if fault == "redirect_loop":
        return _answer("302 Found", {"Location": "/loop"}, b"")
    if fault == "html_page":
        return _answer("200 OK", {"Content-Type": "text/html; charset=utf-8"}, HTML_PAGE)
    raise ValueError(fault)


class FaultServer(socketserver.ThreadingTCPServer):
    """A raw HTTP/1.1 server on 127.0.0.1 that answers every request with one fault."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fault: str):
        self.fault = fault
        self.stop = threading.Event()
        self.paths: list[str] = []
        super().__init__(("127.0.0.1", 0), FaultHandler)
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def close(self) -> None:
        self.stop.set()
        self.shutdown()
        self.server_close()


class FaultHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: FaultServer = self.server  # type: ignore[assignment]
        self.request.settimeout(5)
        head = b""
        try:
            while b"\r\n\r\n" not in head:
                chunk = self.request.recv(65536)
                if not chunk:
                    return
                head += chunk
        except OSError:
            return
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        path = request_line.split(" ")[1] if " " in request_line else "/"
        server.paths.append(path)
        answer = fault_answer(server.fault, path)
        if answer is None:
            server.stop.wait(5)  # never answer; the client times out long before this
            return
        try:
            self.request.sendall(answer)
        except OSError:
            pass


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# fault -> what the recorded error must say (lower case; any one of the phrases)
FAULTS: dict[str, tuple[str, ...]] = {
    "timeout": ("timed out",),
    "refused": ("could not connect (connection refused)",),
    "dns_failure": ("could not connect (no such host",),
    "429_storm": ("rate limited",),
    "5xx_storm": ("http 503",),
    "truncated_body": ("closed the connection unexpectedly", "the connection broke"),
    "invalid_body": ("invalid json", "not a readable rss or atom feed"),
    "redirect_loop": ("redirect loop",),
    "html_page": ("but got text/html", "returned a web page"),
}


# -- the kinds -----------------------------------------------------------------


@dataclass
class Kind:
    name: str
    make: Callable[[str, str], SourceConfig]  # (source name, server root without a trailing slash) -> the source
    healthy: Callable[[HTTPServer], object]  # installs the kind's recorded replay on a server
    now: float  # the replay's "now" (epoch seconds), for look-back windows
    secrets: dict[str, str] = field(default_factory=dict)

    def source(self, root: str) -> SourceConfig:
        return self.make(f"Faulty {self.name}", root)


def _rss_replay(server: HTTPServer):
    server.expect_request("/kind/news.xml").respond_with_handler(
        conditional((RSS / "council_news.xml").read_bytes(), "application/rss+xml", etag='"v1"')
    )


def _graph(module, owner: str, buc_type: str = "pages"):
    return lambda server: GraphReplay(module.TOKEN, owner, buc_type=buc_type).install(server).use(module.RUN1)


KINDS = {
    "rss": Kind(
        "rss",
        lambda name, root: SourceConfig(name=name, kind="rss", options={"url": f"{root}/kind/news.xml"}),
        _rss_replay,
        now=test_youtube.NOW,
    ),
    "guardian": Kind(
        "guardian",
        lambda name, root: SourceConfig(name=name, kind="guardian", options={"discussions": ["/p/kx7q2", "/p/w2hcx"]},
                                        base_url=root),
        lambda server: [GuardianReplay(GUARDIAN / case).install(server) for case in ("bins_three_weekly", "truncated_thread")],
        now=test_youtube.NOW,
    ),
    "mastodon": Kind(
        "mastodon",
        lambda name, root: SourceConfig(name=name, kind="mastodon", options={"account": "walsallcouncil"}, base_url=root),
        test_mastodon.MastodonReplay,
        now=test_mastodon.NOW.timestamp(),
        secrets={"MASTODON_TOKEN": test_mastodon.TOKEN},
    ),
    "bluesky": Kind(
        "bluesky",
        lambda name, root: SourceConfig(name=name, kind="bluesky", options={"actor": test_bluesky.ACTOR}, base_url=root),
        test_bluesky.AppViewReplay,
        now=test_bluesky.NOW.timestamp(),
    ),
    "reddit": Kind(
        "reddit",
        lambda name, root: SourceConfig(
            name=name, kind="reddit", options={"subreddit": "r/brackenford", "auth_url": root}, base_url=root
        ),
        inspect.unwrap(test_reddit.routes),  # the Reddit tests' own routes
        now=test_reddit.NOW,
        secrets={"REDDIT_CLIENT_ID": test_reddit.CLIENT_ID, "REDDIT_CLIENT_SECRET": test_reddit.CLIENT_SECRET},
    ),
    "youtube": Kind(
        "youtube",
        lambda name, root: SourceConfig(
            name=name, kind="youtube", options={"channel_id": test_youtube.CHANNEL}, base_url=f"{root}{test_youtube.API}"
        ),
        inspect.unwrap(test_youtube.routes),
        now=test_youtube.NOW,
        secrets={"YOUTUBE_API_KEY": test_youtube.KEY},
    ),
    "facebook": Kind(
        "facebook",
        lambda name, root: SourceConfig(name=name, kind="facebook", options={"page_id": test_facebook.PAGE},
                                  base_url=f"{root}/v21.0"),
        _graph(test_facebook, test_facebook.PAGE),
        now=test_facebook.NOW,
        secrets={"FACEBOOK_PAGE_TOKEN": test_facebook.TOKEN},
    ),
    "instagram": Kind(
        "instagram",
        lambda name, root: SourceConfig(name=name, kind="instagram", options={"user_id": test_instagram.ACCOUNT},
                                  base_url=f"{root}/v21.0"),
        _graph(test_instagram, test_instagram.ACCOUNT, "instagram"),
        now=test_instagram.NOW,
        secrets={"FACEBOOK_PAGE_TOKEN": test_instagram.TOKEN},
    ),
}


SEARCH_KEY = "gu-fault-matrix-key-31337"
SEARCH = "Faulty guardian search"


def search_source(root: str) -> SourceConfig:
    """A Guardian source that only searches (the Content API is the first request, with the key in the query)."""
    return SourceConfig(name=SEARCH, kind="guardian", options={"search": "kingsmere council", "content_base_url": root},
                        base_url=root)


def test_the_matrix_covers_every_registered_kind():
    assert set(KINDS) == set(COLLECTORS)


# -- fixtures and helpers ------------------------------------------------------

SECRET_VARIABLES = ("MASTODON_TOKEN", "REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "YOUTUBE_API_KEY",
                    "FACEBOOK_PAGE_TOKEN", "GUARDIAN_API_KEY")


@pytest.fixture(scope="module")
def feed_server():
    """The healthy source's own server, apart from the faulty ones and the kinds' replays."""
    server = HTTPServer(host="127.0.0.1")
    server.start()
    server.expect_request("/news.xml").respond_with_handler(
        conditional((RSS / "council_news.xml").read_bytes(), "application/rss+xml", etag='"kbc-1127"')
    )
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory):
    """A migrated, empty database file, copied for each test (migrating one per test is slow)."""
    path = tmp_path_factory.mktemp("template") / "empty.duckdb"
    with connect(path):
        pass
    return path


@pytest.fixture
def db(db_path, empty_db):
    shutil.copyfile(empty_db, db_path)
    return db_path


@pytest.fixture
def secrets(monkeypatch, tmp_path):
    """Every kind's fake secret in the environment, and no secrets.toml to find real ones in."""
    monkeypatch.chdir(tmp_path)
    for variable in SECRET_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    values = {}
    for kind in KINDS.values():
        for variable, value in kind.secrets.items():
            monkeypatch.setenv(variable, value)
            values[variable] = value
    assert len(set(values.values())) == len(values)  # no two kinds disagree (Facebook and Instagram share one)
    monkeypatch.setenv("GUARDIAN_API_KEY", SEARCH_KEY)
    # the fault servers are the operator's test servers: trusted, so each fault (not the trust check) is met
    monkeypatch.setenv("PULSE_TRUSTED_API_HOSTS", f"{TEST_HOSTS},nonexistent.invalid")
    return {*values.values(), SEARCH_KEY}


def client(now: float) -> HttpClient:
    clock = FakeClock(now)
    # plain http to 127.0.0.1 only: no certificate checks spares loading the CA bundle each time
    return HttpClient(clock=clock, sleep=clock.sleep, jitter=lambda: 0.5, backoff=0.01, tries=2, verify=False,
                      connect_timeout=READ_TIMEOUT, read_timeout=READ_TIMEOUT)


def sources_state(db_path) -> dict[str, dict]:
    with connect(db_path, read_only=True) as con:
        rows = con.execute("SELECT name, last_error, last_ok_at FROM sources").fetchall()
    return {name: {"last_error": error, "last_ok_at": ok} for name, error, ok in rows}


def stored_count(db_path, name: str) -> int:
    with connect(db_path, read_only=True) as con:
        return con.execute(
            "SELECT count(*) FROM items i JOIN sources s ON s.id = i.source_id WHERE s.name = ?", [name]
        ).fetchall()[0][0]


class Faults:
    """Where each fault lives: a fault server, a closed port or a name that does not resolve."""

    def __init__(self) -> None:
        self.servers: list[FaultServer] = []

    def root(self, fault: str) -> str:
        if fault == "refused":
            return f"http://127.0.0.1:{closed_port()}"
        if fault == "dns_failure":
            return "http://nonexistent.invalid"
        server = FaultServer(fault)
        self.servers.append(server)
        return server.root

    def close(self) -> None:
        for server in self.servers:
            server.close()


@pytest.fixture
def faults():
    where = Faults()
    yield where
    where.close()


def problems_in_words(message: str | None, fault: str, secrets: set[str]) -> list[str]:
    """What is wrong with a recorded error (empty when it says the fault plainly)."""
    if not message:
        return ["no error was recorded"]
    wrong = []
    if "\n" in message or "Traceback" in message or message.startswith("unexpected "):
        wrong.append("not one plain line (a traceback or an unexpected error)")
    if len(message) >= 600:
        wrong.append("too long")
    if not any(phrase in message.lower() for phrase in FAULTS[fault]):
        wrong.append(f"does not say {' or '.join(FAULTS[fault])!r}")
    if any(secret in message for secret in secrets):
        wrong.append("shows a secret")
    return [f"{w}: {message!r}" for w in wrong]


# -- the matrix ----------------------------------------------------------------


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_fault_is_recorded_on_each_kinds_source_and_the_healthy_source_completes(
    fault: str, faults, secrets, feed_server, db
):
    healthy = SourceConfig(name=HEALTHY_FEED, kind="rss", options={"url": feed_server.url_for("/news.xml")})
    faulty = [kind.source(faults.root(fault)) for kind in KINDS.values()] + [search_source(faults.root(fault))]
    half = len(faulty) // 2
    with client(test_youtube.NOW) as http:  # the healthy feed runs between faulty sources
        results = collect_all([*faulty[:half], healthy, *faulty[half:]], db, http)
    by_name = {r.name: r for r in results}

    fine = by_name.pop(HEALTHY_FEED)
    assert (fine.error, fine.warnings, fine.new) == (None, [], 4)
    state = sources_state(db)
    assert state[HEALTHY_FEED]["last_error"] is None and state[HEALTHY_FEED]["last_ok_at"] is not None
    assert stored_count(db, HEALTHY_FEED) == 4

    wrong = {}
    for name in [kind.source("").name for kind in KINDS.values()] + [SEARCH]:
        said = problems_in_words(by_name[name].error, fault, secrets)
        if state[name]["last_error"] != by_name[name].error or state[name]["last_ok_at"] is not None:
            said.append("not recorded on the source as the run's error")
        if stored_count(db, name):
            said.append("stored items")
        if said:
            wrong[name] = said
    assert not wrong, json.dumps(wrong, indent=1)
    everything = db.read_bytes()
    assert not [s for s in secrets if s.encode() in everything]


# -- faults part-way through a run ---------------------------------------------


class FaultyReplay(HTTPServer):
    """A kind's recorded replay that answers request number `at` (and, for a storm, every one after) with a fault."""

    STORMS = frozenset({"429_storm", "5xx_storm"})

    def __init__(self, fault: str, at: int):
        super().__init__(host="127.0.0.1")
        self.fault, self.at = fault, at
        self.count = 0
        self.fired = False  # a run can end before it makes request number `at`
        self.lock = threading.Lock()

    def dispatch(self, request):
        with self.lock:
            self.count += 1
            n = self.count
        if n == self.at or (self.fault in self.STORMS and n > self.at):
            self.fired = True
            return fault_response(self.fault)
        return super().dispatch(request)


def fault_response(fault: str) -> Response:
    if fault == "429_storm":
        return Response('{"error": "Too Many Requests"}', status=429, headers={"Retry-After": "3600"},
                        content_type="application/json")
    if fault == "5xx_storm":
        return Response("upstream unavailable", status=503, content_type="text/plain")
    if fault == "invalid_body":
        return Response(JSON_CUT, content_type="application/json; charset=utf-8")
    if fault == "html_page":
        return Response(HTML_PAGE, content_type="text/html; charset=utf-8")
    raise ValueError(fault)


# (fault, request number), in this order on one database: the very first request, the first one after a list or
# a token, and deeper in
MID_RUN = [("5xx_storm", 1), ("html_page", 2), ("invalid_body", 4), ("429_storm", 3)]


def replay_server(kind: Kind, fault: str | None = None, at: int = 0) -> HTTPServer:
    server = FaultyReplay(fault, at) if fault else HTTPServer(host="127.0.0.1")
    server.start()
    kind.healthy(server)
    return server


def collect_from(kind: Kind, server: HTTPServer, db) -> object:
    try:
        with client(kind.now) as http:
            (result,) = collect_all([kind.source(server.url_for("/").rstrip("/"))], db, http)
    finally:
        server.clear()
        server.stop()
    return result


@pytest.mark.parametrize("kind", list(KINDS))
def test_faults_part_way_through_a_run_are_words_and_the_next_run_completes_without_duplicates(
    kind: str, secrets, db, tmp_path, empty_db
):
    kind = KINDS[kind]
    reference = tmp_path / "reference.duckdb"  # what a clean run stores
    shutil.copyfile(empty_db, reference)
    clean = collect_from(kind, replay_server(kind), reference)
    assert clean.error is None and clean.new > 0

    said, fired = {}, 0
    for fault, at in MID_RUN:
        server = replay_server(kind, fault, at)
        result = collect_from(kind, server, db)
        if not server.fired:  # this run needed fewer requests (what it had was unchanged)
            assert result.error is None
            continue
        fired += 1
        message = result.error or "; ".join(result.warnings)  # a tolerated fault is a warning, still in words
        problems = problems_in_words(message, fault, secrets)
        if problems:
            said[f"{fault} at request {at}"] = problems
        with connect(db, read_only=True) as con:
            rows, keys = con.execute("SELECT count(*), count(DISTINCT key) FROM items").fetchall()[0]
        assert rows == keys
    assert not said, json.dumps(said, indent=1)
    assert fired >= (1 if kind.name == "rss" else 2)  # a feed is one request: only the first fault can strike

    recovered = collect_from(kind, replay_server(kind), db)
    assert recovered.error is None
    with connect(db, read_only=True) as con:
        got = {k for (k,) in con.execute("SELECT key FROM items").fetchall()}
        rows = con.execute("SELECT count(*) FROM items").fetchall()[0][0]
    with connect(reference, read_only=True) as con:
        want = {k for (k,) in con.execute("SELECT key FROM items").fetchall()}
    assert rows == len(got) and got == want  # nothing missing, nothing twice
    assert sources_state(db)[recovered.name]["last_error"] == ("; ".join(recovered.warnings) or None)
