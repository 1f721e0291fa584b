"""A collector process killed with SIGKILL part-way leaves a consistent store, and the next run completes it.

A real `python -m collectors run` reads a seven-page Guardian discussion from a
slow local replay (each page answered after a delay). Kill points:

- once the database holds its first saved rows, or half the discussion
  (polled read-only from outside the process),
- when page 3 is asked for, half-way through sending page 3, or moments after
  page 5 was sent (the replay itself pulls the trigger),
- when the run prints its collection summary (scoring is starting).

After each kill the database must open and hold whole pages only: every stored
comment's page is complete and the cursor is exactly at the last stored page,
whether the runner saves every page or groups pages into fewer saves. The next
run must finish the job: every item once, none missing, all scored, and only
the pages not yet stored read again.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import pytest
from werkzeug import Request, Response

from analysis.scoring import MODEL_VERSION
from collectors.__main__ import main as collectors_main
from store.db import connect
from tests.conftest import ROOT
from tests.replay import discussion_path

KEY = "/p/cr4sh"
PAGES = 7
PAGE_DELAY = 0.4  # seconds before each page is answered: slow enough for saves to happen part-way
SOURCE = "Guardian: crash test"
POST = f"guardian:{KEY}"
START = datetime(2026, 11, 20, 9, 0)

PHRASES = [
    "The new bin timetable is confusing and nobody told us it was changing.",
    "Thanks to the crew on Elm Road, they were brilliant this week.",
    "Why does the council never answer emails? Absolutely useless.",
    "Could the council publish the collection calendar as a printable PDF?",
    "The library opening hours are fine by me.",
    "This is a disgrace, the potholes on Station Street have been there for months.",
    "Suggest adding a text reminder the night before collection day.",
]


def comment(comment_id: int, n: int, reply_to: int | None = None) -> dict:
    when = START + timedelta(minutes=n)
    data = {
        "id": comment_id,
        "body": f"<p>{PHRASES[n % len(PHRASES)]} (#{n})</p>",
        "date": when.strftime("%d %B %Y %I:%M%p").lstrip("0"),
        "isoDateTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "status": "visible",
        "webUrl": f"https://discussion.theguardian.com/comment-permalink/{comment_id}",
        "apiUrl": f"https://discussion.guardianapis.com/discussion-api/comment/{comment_id}",
        "numRecommends": n % 5,
        "isHighlighted": False,
        "userProfile": {"userId": str(9000 + n % 13), "displayName": f"reader{n % 13}"},
    }
    if reply_to is not None:
        data["responseTo"] = {"commentId": str(reply_to), "displayName": "someone"}
    return data


def build_pages() -> list[dict]:
    """Seven threaded pages: eight top-level comments each, with up to three replies, some replying to replies."""
    counter = 0
    pages = []
    top_level_total = PAGES * 8
    for page in range(1, PAGES + 1):
        comments = []
        for top in range(8):
            counter += 1
            top_id = 400_000_000 + page * 1000 + top * 10
            parent = comment(top_id, counter)
            responses = []
            for r in range(top % 4):
                counter += 1
                reply_to = top_id if r == 0 else top_id + r  # the third level answers the reply before it
                responses.append(comment(top_id + r + 1, counter, reply_to))
            parent["numResponses"] = len(responses)
            parent["responses"] = responses
            comments.append(parent)
        pages.append(comments)
    total = sum(1 + len(c["responses"]) for p in pages for c in p)
    return [
        {
            "status": "ok",
            "currentPage": number,
            "pages": PAGES,
            "pageSize": 8,
            "orderBy": "oldest",
            "discussion": {
                "key": KEY,
                "webUrl": "https://www.theguardian.com/uk-news/2026/nov/20/kingsmere-bins",
                "apiUrl": f"https://discussion.guardianapis.com/discussion-api/discussion/{KEY}",
                "commentCount": total,
                "topLevelCommentCount": top_level_total,
                "isClosedForComments": False,
                "isThreaded": True,
                "title": "Kingsmere council changes bin collections",
                "comments": comments,
            },
        }
        for number, comments in enumerate(pages, start=1)
    ]


PAYLOADS = build_pages()


def page_keys(number: int) -> set[str]:
    keys = set()
    for top in PAYLOADS[number - 1]["discussion"]["comments"]:
        keys.add(f"guardian:{top['id']}")
        keys.update(f"guardian:{r['id']}" for r in top["responses"])
    return keys


ALL_KEYS = {POST}.union(*(page_keys(n) for n in range(1, PAGES + 1)))


@dataclass(frozen=True)
class KillPoint:
    name: str
    how: str  # rows | asked | mid_body | after_sent | summary
    page: int | None = None  # the page the replay's trigger is tied to
    rows: int = 0  # for rows: kill once at least this many items are stored
    delay: float = 0.0  # for after_sent: seconds after the page went out


KILL_POINTS = [
    KillPoint("after the first save", "rows", rows=1),
    KillPoint("after half the discussion is saved", "rows", rows=len(ALL_KEYS) // 2),
    KillPoint("when page 3 is asked for", "asked", page=3),
    KillPoint("half-way through downloading page 3", "mid_body", page=3),
    KillPoint("moments after page 5 arrives", "after_sent", page=5, delay=0.01),
    KillPoint("when scoring starts", "summary"),
]


class SlowDiscussion:
    """Serves the generated discussion slowly; kills the collector process at the chosen point."""

    def __init__(self, point: KillPoint | None):
        self.point = point
        self.delay = PAGE_DELAY
        self.process: subprocess.Popen | None = None
        self.killed = threading.Event()
        self.pages_served: list[tuple[str, int]] = []  # (phase when asked, page)
        self.phase = "killed run"

    def kill(self) -> None:
        if self.process is not None and not self.killed.is_set():
            self.killed.set()
            os.kill(self.process.pid, signal.SIGKILL)

    def handle(self, request: Request) -> Response:
        number = int(request.args.get("page", "1"))
        phase = self.phase
        point = self.point
        armed = point is not None and self.process is not None and not self.killed.is_set()
        if armed and point.how == "asked" and number == point.page:
            self.kill()
            return Response("killed", status=503)
        if armed and point.how == "rows" and number == PAGES:
            self.killed.wait(60)  # hold the last page: the run cannot end before the rows are seen and it is killed
        time.sleep(self.delay)
        body = json.dumps(PAYLOADS[number - 1]).encode("utf-8")
        self.pages_served.append((phase, number))
        if armed and point.how == "mid_body" and number == point.page:
            def half_then_kill():
                yield body[: len(body) // 2]
                time.sleep(0.05)  # the client has the first half
                self.kill()
                yield body[len(body) // 2:]

            return Response(half_then_kill(), content_type="application/json")
        if armed and point.how == "after_sent" and number == point.page:
            threading.Timer(point.delay, self.kill).start()
        return Response(body, content_type="application/json; charset=utf-8")


def stored_rows(db) -> int | None:
    """Items stored so far, read-only and without waiting: None while the writer holds the file."""
    if not db.exists():
        return None
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return None  # locked by the collector, or not created yet
    try:
        return con.execute("SELECT count(*) FROM items").fetchall()[0][0]
    except duckdb.Error:
        return None  # the schema is not there yet
    finally:
        con.close()


def kill_when_rows_stored(db, server: SlowDiscussion, rows: int, process: subprocess.Popen) -> None:
    while process.poll() is None and not server.killed.is_set():
        count = stored_rows(db)
        if count is not None and count >= rows:
            server.kill()
            return
        time.sleep(0.05)


def write_config(path, base: str) -> None:
    path.write_text(
        f'[[sources]]\nname = "{SOURCE}"\nkind = "guardian"\ndiscussions = ["{KEY}"]\nbase_url = "{base}"\n',
        encoding="utf-8",
    )


def run_until_killed(config, db, server: SlowDiscussion) -> subprocess.CompletedProcess:
    """`python -m collectors run` in its own process, killed by the server (or on its summary line)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PULSE_DB": str(db)}
    process = subprocess.Popen(
        [sys.executable, "-m", "collectors", "run", "--config", str(config), "--db", str(db)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    server.process = process
    out: list[str] = []
    err: list[str] = []

    def read_out():
        for line in process.stdout:
            out.append(line)
            if server.point and server.point.how == "summary" and line.startswith(f"{SOURCE}: fetched"):
                server.kill()  # collection is over and saved; score_pending comes next

    readers = [threading.Thread(target=read_out), threading.Thread(target=lambda: err.extend(process.stderr))]
    if server.point and server.point.how == "rows":
        readers.append(threading.Thread(target=kill_when_rows_stored, args=(db, server, server.point.rows, process)))
    for reader in readers:
        reader.start()
    try:
        code = process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
        for reader in readers:
            reader.join(timeout=10)
    return subprocess.CompletedProcess(process.args, code, "".join(out), "".join(err))


def stored(db) -> dict:
    """What the killed run left, read as the dashboard would (a fresh read-only connection)."""
    with connect(db, read_only=True) as con:
        keys = [k for (k,) in con.execute("SELECT key FROM items").fetchall()]
        scored = [k for (k,) in con.execute("SELECT item_key FROM scores").fetchall()]
        cursor = con.execute("SELECT cursor FROM sources WHERE name = ?", [SOURCE]).fetchall()
    return {
        "keys": keys,
        "scored": scored,
        "cursor": json.loads(cursor[0][0] or "{}") if cursor else {},
    }


@pytest.mark.parametrize("point", KILL_POINTS, ids=lambda p: p.name.replace(" ", "_"))
def test_a_run_killed_part_way_leaves_whole_pages_and_the_next_run_completes(point, httpserver, tmp_path):
    server = SlowDiscussion(point)
    httpserver.expect_request(discussion_path(KEY)).respond_with_handler(server.handle)
    config = tmp_path / "sources.toml"
    write_config(config, httpserver.url_for("/").rstrip("/"))
    db = tmp_path / "crash.duckdb"

    done = run_until_killed(config, db, server)
    assert server.killed.is_set() and done.returncode == -signal.SIGKILL, (done.returncode, done.stderr[-2000:])

    # the store opens and holds whole pages only, with the cursor exactly at the last whole page
    if db.exists():
        left = stored(db)
    else:  # killed before the database was even created
        left = {"keys": [], "scored": [], "cursor": {}}
    keys = set(left["keys"])
    assert len(left["keys"]) == len(keys), "a key was stored twice"
    entry = left["cursor"].get("discussions", {}).get(KEY)
    saved_pages = entry["pages_done"] if entry else 0
    expected = {POST}.union(*(page_keys(n) for n in range(1, saved_pages + 1))) if saved_pages else set()
    assert keys == expected, f"stored items are not pages 1..{saved_pages} exactly"
    print(f"killed {point.name}: {saved_pages} of {PAGES} pages stored, {len(left['scored'])} items scored")
    if point.how == "rows":
        assert len(keys) >= point.rows
    if point.how in ("asked", "mid_body"):
        assert saved_pages < point.page  # the page asked for was never stored
    if point.how == "summary":
        assert saved_pages == PAGES and entry["complete"] is True
    assert set(left["scored"]) <= keys

    # the next run (the same command, in this process) finishes the job
    server.point, server.delay, server.phase = None, 0.0, "next run"
    assert collectors_main(["run", "--config", str(config), "--db", str(db)]) == 0
    final = stored(db)
    assert len(final["keys"]) == len(set(final["keys"])) == len(ALL_KEYS)
    assert set(final["keys"]) == ALL_KEYS
    assert sorted(final["scored"]) == sorted(ALL_KEYS)
    entry = final["cursor"]["discussions"][KEY]
    assert (entry["pages_done"], entry["complete"]) == (PAGES, True)
    with connect(db, read_only=True) as con:
        versions = {v for (v,) in con.execute("SELECT DISTINCT model_version FROM scores").fetchall()}
        orphans = con.execute(
            "SELECT count(*) FROM items WHERE parent_id IS NOT NULL AND parent_id NOT IN (SELECT key FROM items)"
        ).fetchall()[0][0]
    assert versions == {MODEL_VERSION}
    assert orphans == 0
    # resumed, not restarted: page 1 (to compare the count), then only the pages not yet saved
    read_again = [page for phase, page in server.pages_served if phase == "next run"]
    assert read_again == [1, *range(max(saved_pages, 1) + 1, PAGES + 1)]


def test_the_generated_discussion_is_what_the_checks_assume():
    assert len(PAYLOADS) == PAGES
    sizes = [len(page_keys(n)) for n in range(1, PAGES + 1)]
    assert all(size > 8 for size in sizes)
    assert len(ALL_KEYS) == 1 + sum(sizes) == PAYLOADS[0]["discussion"]["commentCount"] + 1
    depths = {r["responseTo"]["commentId"] == str(c["id"]) for p in PAYLOADS for c in p["discussion"]["comments"]
              for r in c["responses"]}
    assert depths == {True, False}  # replies to the comment and replies to replies: three levels
