"""What hostile servers on 127.0.0.1 cost a collector: memory, seconds, requests (issue 16's findings).

Each scenario runs the real collectors in a child process against a local server that
misbehaves in one way, bounded in time (`--cap` seconds, then the child is killed), and
prints one line of figures. Run from the root of the tree to measure (the code is imported
from the working directory), so the same script measures an older checkout too:

    .venv/bin/python bench/hostile.py                      # every scenario
    .venv/bin/python bench/hostile.py bomb drip --cap 90   # some of them
    cd /tmp/old-checkout && /work/wt16/.venv/bin/python /work/wt16/bench/hostile.py

Scenarios: bomb (a response `Content-Encoding: gzip, gzip`: the child's peak memory before and after the
fetch), gzip-bomb (the same gzipped once),
drip (one byte every 2 s: seconds until the request gives up), silent-dns (a name server that never
answers: seconds until the request gives up), guardian-pages (a discussion
that says `pages: 1000000000`: requests sent), youtube-pages (a fresh nextPageToken on every
page: requests sent), broken-discussion (the first of three Guardian discussions answers
nonsense: are the other two collected?), ssrf (an RSS source at 127.0.0.1 and one redirected
there, nothing trusted: requests the internal server got), secrets (a Reddit source whose
auth_url is another server: did it get the client secret?), merged (two feeds numbering their
guids 1, 2, 3: items per source), echo (a YouTube error that repeats the key: is the key in
the stored error?), workers (`collectors run --workers 2` killed with SIGKILL: scoring
workers alive 10 s later), zip-bomb (an X archive zip whose data/tweets.js inflates to --zip-mib MiB:
the child's peak memory around the import), csv-field (a CSV with a 200,000-character field between
good rows: how many rows are stored, and what the import says).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, os.getcwd())  # the tree being measured
sys.path.append(str(Path(__file__).resolve().parents[1]))  # this one, last: for tests.hostile only

from tests.hostile import alive, descendants, gzipped  # noqa: E402 (after the path is set)

SECRET = "bench-secret-value-8c1f2e"
KEY = "AIzaBenchKeyEchoed1234567"
SCENARIOS = ("bomb", "gzip-bomb", "drip", "silent-dns", "guardian-pages", "youtube-pages", "broken-discussion", "ssrf", "secrets", "merged",
             "echo", "workers", "zip-bomb", "csv-field")


# -- a small server whose every answer a scenario decides ---------------------------------------


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, answer):
        self.answer = answer  # (handler) -> None: writes the whole response
        self.hits: list[tuple[str, str, dict]] = []
        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        self.server.hits.append((self.command, self.path, dict(self.headers)))
        self.server.answer(self)

    do_POST = do_GET


def send(handler, body: bytes, status: int = 200, kind: str = "application/json", headers: dict | None = None):
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def send_json(handler, data, status: int = 200):
    send(handler, json.dumps(data).encode(), status)


def feed(guids) -> bytes:
    entries = "".join(
        f"<item><guid isPermaLink='false'>{g}</guid><title>Item {g}</title><description>Text {g}</description>"
        f"<pubDate>Fri, 27 Nov 2026 10:0{i}:00 GMT</pubDate></item>" for i, g in enumerate(guids)
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{entries}</channel></rss>".encode()


# -- the children: each prints one JSON line -----------------------------------------------------


def collect(sources, db):
    from collectors.http import HttpClient
    from jobs.collect import collect_all

    with HttpClient(tries=1) as http:
        return collect_all(sources, db, http)


WITHIN = 60.0  # seconds a child waits for its run (set from --cap): then it reports what happened so far


def bounded(work):
    """work() in a thread, waited for WITHIN seconds: (its result or None if still running, seconds)."""
    done: list = []
    started = time.perf_counter()
    thread = threading.Thread(target=lambda: done.append(work()), daemon=True)
    thread.start()
    thread.join(WITHIN)
    return (done[0] if done else None), round(time.perf_counter() - started, 1)


def child_bomb(mib: int, layers: int) -> dict:
    from collectors.errors import CollectorError
    from collectors.http import HttpClient

    body = gzipped(mib, layers)
    encoding = ", ".join(["gzip"] * layers)
    server = Server(lambda h: send(h, body, headers={"Content-Encoding": encoding}))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    started = time.perf_counter()
    try:
        with HttpClient(tries=1) as http:
            size = len(http.get(server.root + "/bomb").content)
            outcome = f"decoded {size} bytes"
    except (CollectorError, MemoryError) as error:
        outcome = f"{type(error).__name__}: {error}"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return {"content_encoding": encoding, "sent_bytes": len(body), "decoded_mib": mib, "outcome": outcome,
            "seconds": round(time.perf_counter() - started, 2), "peak_rss_mb_before_fetch": before,
            "peak_rss_mb_after_fetch": peak}


def child_drip() -> dict:
    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        for _ in range(100000):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(2)

    server = Server(drip)
    outcome, seconds = bounded(lambda: fetch_once(server.root + "/drip"))
    return {"seconds": seconds, "outcome": outcome or "still reading"}


def child_silent_dns() -> dict:
    def silent_name_server(host, port, *args, **kwargs):
        threading.Event().wait()  # never answers, as a name server that drops every query

    outcome, seconds = bounded(lambda: fetch_once("http://news.brackenford.example/feed.xml",
                                                  resolve=silent_name_server))
    return {"seconds": seconds, "outcome": outcome or "still looking the name up"}


def fetch_once(url: str, **client_options) -> str:
    """One GET with the collectors' client: 'finished', or the error it ended with, in words."""
    from collectors.errors import CollectorError
    from collectors.http import HttpClient

    try:
        with HttpClient(**client_options) as http:
            http.get(url)
        return "finished"
    except CollectorError as error:
        return str(error)


def child_guardian_pages(db) -> dict:
    from settings.sources import SourceConfig

    def answer(handler):
        send_json(handler, {"status": "ok", "currentPage": 1, "pages": 1_000_000_000,
                            "discussion": {"key": "/p/endless", "commentCount": 5, "title": "t", "comments": []}})

    server = Server(answer)
    source = SourceConfig(name="endless", kind="guardian", options={"discussions": ["/p/endless"]},
                          base_url=server.root)
    return paged(server, source, db)


def paged(server, source, db) -> dict:
    results, seconds = bounded(lambda: collect([source], db))
    if results is None:
        return {"requests": len(server.hits), "seconds": seconds, "outcome": "still paging"}
    return {"requests": len(server.hits), "seconds": seconds, "error": results[0].error,
            "warnings": results[0].warnings}


def child_youtube_pages(db) -> dict:
    from settings.sources import SourceConfig

    os.environ["YOUTUBE_API_KEY"] = KEY
    count = iter(range(10**9))

    def answer(handler):
        if "/channels" in handler.path:
            send_json(handler, {"items": [{"contentDetails": {"relatedPlaylists": {"uploads": "UUx"}}}]})
        else:
            send_json(handler, {"items": [], "nextPageToken": f"token-{next(count)}"})

    server = Server(answer)
    source = SourceConfig(name="endless", kind="youtube", options={"channel_id": "UCbench"}, base_url=server.root)
    return paged(server, source, db)


def child_broken_discussion(db) -> dict:
    from settings.sources import SourceConfig

    def answer(handler):
        key = handler.path.split("?")[0].rsplit("/", 1)[-1]
        if key == "broken":
            send(handler, b'{"status": "ok", "discuss')  # cut short
            return
        comment = {"id": hash(key) % 10**6, "body": f"<p>Comment on {key}</p>", "isoDateTime": "2026-11-27T10:00:00Z",
                   "userProfile": {"userId": "1", "displayName": "A"}}
        send_json(handler, {"status": "ok", "currentPage": 1, "pages": 1,
                            "discussion": {"key": f"/p/{key}", "commentCount": 1, "title": key, "comments": [comment]}})

    server = Server(answer)
    source = SourceConfig(name="three", kind="guardian", options={"discussions": ["/p/broken", "/p/two", "/p/three"]},
                          base_url=server.root)
    [result] = collect([source], db)
    return {"items_stored": result.new, "error": result.error, "warnings": result.warnings}


def child_ssrf(db) -> dict:
    from settings.sources import SourceConfig

    internal = Server(lambda h: send(h, feed(["internal-secret-page"]), kind="application/rss+xml"))
    redirector = Server(lambda h: send(h, b"", status=302, headers={"Location": internal.root + "/admin"}))
    os.environ["PULSE_TRUSTED_API_HOSTS"] = f"localhost:{redirector.server_address[1]}"  # the redirector only
    sources = [
        SourceConfig(name="direct", kind="rss", options={"url": internal.root + "/admin"}),
        SourceConfig(name="redirected", kind="rss", options={"url": redirector.root.replace("127.0.0.1", "localhost")
                                                             + "/feed"}),
    ]
    results = collect(sources, db)
    return {"internal_requests": len(internal.hits), "stored": {r.name: r.new for r in results},
            "errors": {r.name: r.error for r in results}}


def child_secrets(db) -> dict:
    from settings.sources import SourceConfig

    os.environ["REDDIT_CLIENT_ID"] = "bench-client-id"
    os.environ["REDDIT_CLIENT_SECRET"] = SECRET
    thief = Server(lambda h: send_json(h, {"access_token": "stolen", "token_type": "bearer"}))
    source = SourceConfig(name="r", kind="reddit", options={"subreddit": "walsall", "auth_url": thief.root},
                          base_url=thief.root)
    [result] = collect([source], db)
    pair = base64.b64encode(f"bench-client-id:{SECRET}".encode()).decode()
    received = any(pair in str(headers) for _, _, headers in thief.hits)
    return {"thief_requests": len(thief.hits), "secret_received": received, "error": result.error}


def child_merged(db) -> dict:
    from settings.sources import SourceConfig
    from store.db import connect
    from store.sources import source_health

    one = Server(lambda h: send(h, feed(["1", "2", "3"]), kind="application/rss+xml"))
    two = Server(lambda h: send(h, feed(["1", "2", "3"]), kind="application/rss+xml"))
    collect([SourceConfig(name="Feed one", kind="rss", options={"url": one.root + "/rss"}),
             SourceConfig(name="Feed two", kind="rss", options={"url": two.root + "/rss"})], db)
    with connect(db, read_only=True) as con:
        health = source_health(con)
    return {"items_per_source": dict(zip(health["name"], health["items"].astype(int)))}


def child_echo(db) -> dict:
    from settings.sources import SourceConfig
    from store.db import connect

    os.environ["YOUTUBE_API_KEY"] = KEY
    error = {"error": {"code": 400, "message": f"API key {KEY} not valid",
                       "errors": [{"reason": f"keyInvalid:{KEY}", "message": f"Bad key {KEY}"}]}}
    server = Server(lambda h: send_json(h, error, 400))
    source = SourceConfig(name="yt", kind="youtube", options={"channel_id": "UCbench"}, base_url=server.root)
    collect([source], db)
    with connect(db, read_only=True) as con:
        stored = json.dumps(con.execute("SELECT last_error FROM sources").fetchall()
                            + con.execute("SELECT error_text FROM runs").fetchall())
    return {"key_in_stored_error": KEY in stored}


def child_workers(db) -> dict:
    hang = threading.Event()
    items = Server(lambda h: send(h, feed([f"g{n}" for n in range(1500)]), kind="application/rss+xml"))
    slow = Server(lambda h: hang.wait(120))
    folder = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    config = folder / "sources.toml"
    config.write_text(f'[[sources]]\nname = "items"\nkind = "rss"\nurl = "{items.root}/rss"\n\n'
                      f'[[sources]]\nname = "slow"\nkind = "rss"\nurl = "{slow.root}/rss"\n', encoding="utf-8")
    run = subprocess.Popen([sys.executable, "-m", "collectors", "run", "--config", str(config), "--db", str(db),
                            "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2:
        time.sleep(0.5)
        workers = descendants(run.pid)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    time.sleep(10)
    alive_after = [pid for pid in workers if alive(pid)]
    for pid in alive_after:  # the bench cleans up after itself
        os.kill(pid, signal.SIGKILL)
    hang.set()
    return {"workers_seen": len(workers), "alive_10s_after_sigkill": len(alive_after)}


def x_archive_bomb(path: Path, mib: int) -> int:
    """An X archive zip whose data/tweets.js is `window.YTD.tweets.part0 = [` + mib MiB of spaces + `]`."""
    import zipfile

    chunk = b" " * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("data/tweets.js", "w", force_zip64=True) as member:
            member.write(b"window.YTD.tweets.part0 = [")
            for _ in range(mib):
                member.write(chunk)
            member.write(b"]")
    return path.stat().st_size


def child_zip_bomb(db, mib: int) -> dict:
    from collectors.errors import CollectorError
    from collectors.imports import ImportOptions
    from jobs.imports import import_file

    path = Path(db).with_name("twitter-archive.zip")
    size = x_archive_bomb(path, mib)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    started = time.perf_counter()
    try:
        result = import_file(path, ImportOptions.build("x"), db)
        outcome = result.error or result.summary()
    except (CollectorError, MemoryError) as error:
        outcome = f"{type(error).__name__}: {error}"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return {"zip_bytes": size, "tweets_js_mib": mib, "outcome": outcome, "seconds": round(time.perf_counter() - started, 2),
            "peak_rss_mb_before_import": before, "peak_rss_mb_after_import": peak}


def child_csv_field(db) -> dict:
    from store.db import connect

    path = Path(db).with_name("engagement.csv")
    rows = ["ID,Date,Name,Comment"]
    rows += [f"a{n},2026-11-2{n} 10:00,Resident {n},Good row {n} before" for n in range(1, 4)]
    rows.append(f'huge,2026-11-25 10:00,Someone,"{"x" * 200_000}"')
    rows += [f"b{n},2026-11-2{n} 11:00,Resident {n},Good row {n} after" for n in range(1, 4)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "collectors", "import", str(path), "--format", "csv", "--db", str(db),
               "--retention-days", "36500", "--map", "id=ID", "--map", "created_at=Date", "--map", "author=Name",
               "--map", "text=Comment"]
    run = subprocess.run(command, capture_output=True, text=True)
    with connect(db, read_only=True) as con:
        stored = con.execute("SELECT count(*) FROM items").fetchone()[0]
    return {"good_rows": 6, "stored": stored, "exit": run.returncode,
            "said": [line for line in run.stderr.splitlines() if "%" not in line and line.strip()]}


def child(name: str, args) -> dict:
    # The bench's servers are the operator's test servers, except where trust itself is measured.
    if name not in ("ssrf", "secrets"):
        os.environ["PULSE_TRUSTED_API_HOSTS"] = "127.0.0.1"
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.duckdb"
        if name in ("bomb", "gzip-bomb"):
            return child_bomb(args.bomb_mib, 2 if name == "bomb" else 1)
        if name == "drip":
            return child_drip()
        if name == "silent-dns":
            return child_silent_dns()
        if name == "zip-bomb":
            return child_zip_bomb(db, args.zip_mib)
        return globals()[f"child_{name.replace('-', '_')}"](db)


# -- the parent: one child per scenario, killed at the cap ------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help=f"any of {', '.join(SCENARIOS)} (default: all)")
    parser.add_argument("--cap", type=float, default=75.0, help="seconds before a scenario's child is killed")
    parser.add_argument("--bomb-mib", type=int, default=1024, help="decoded size of the gzip bomb (MiB)")
    parser.add_argument("--zip-mib", type=int, default=3072, help="inflated size of the X archive bomb's tweets.js (MiB)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global WITHIN
    WITHIN = max(1.0, args.cap - 10)
    if args.child:
        print(json.dumps(child(args.child, args), default=str), flush=True)
        os._exit(0)  # threads still paging or dripping are left behind
    unknown = [name for name in args.scenarios if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {unknown[0]!r} (known: {', '.join(SCENARIOS)})")
    for name in args.scenarios or SCENARIOS:
        command = [sys.executable, __file__, "--child", name, "--bomb-mib", str(args.bomb_mib),
                   "--zip-mib", str(args.zip_mib), "--cap", str(args.cap)]
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                   start_new_session=True)
        try:
            out, _ = process.communicate(timeout=args.cap)
            line = out.strip().splitlines()[-1] if out.strip() else "(no output)"
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            line = f"still running after the {args.cap:.0f}s cap: killed"
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
        print(f"{name}: {line} (wall {time.perf_counter() - started:.1f}s, largest child so far {peak} MB)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
