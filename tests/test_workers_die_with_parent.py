"""Scoring workers end with the run that started them, kill -9 included (issue 16, finding 11).

A real `python -m collectors run --workers 2` collects a feed (its items go to the scoring
workers) and then waits on a source that never answers; it is killed with SIGKILL while it
waits. Its workers must be gone soon after (polled, with a generous bound), where before they
lived on, holding their memory, for good.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.hostile import alive, descendants
from tests.protection_off import cli_command

WAIT_S = 120  # generous bounds on a busy machine: for the workers to start, and to be gone


def feed(entries: int) -> bytes:
    items = "".join(f"<item><guid isPermaLink='false'>e{n}</guid><title>Comment {n} on the bins</title>"
                    f"<description>The new timetable is confusing, number {n}</description></item>"
                    for n in range(entries))
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()


@pytest.fixture
def hanging(httpserver):
    """The feed, and a source that does not answer until the test ends (`waiting` is set once it is asked)."""
    release, httpserver.waiting = threading.Event(), threading.Event()

    def hang(request):
        httpserver.waiting.set()
        release.wait(WAIT_S)

    httpserver.expect_request("/feed.xml").respond_with_data(feed(1500), content_type="application/rss+xml")
    httpserver.expect_request("/hangs.xml").respond_with_handler(hang)
    yield httpserver
    release.set()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_scoring_workers_end_when_the_run_is_killed(hanging, tmp_path):
    config = tmp_path / "sources.toml"
    config.write_text(f'[[sources]]\nname = "Feed"\nkind = "rss"\nurl = "{hanging.url_for("/feed.xml")}"\n\n'
                      f'[[sources]]\nname = "Hangs"\nkind = "rss"\nurl = "{hanging.url_for("/hangs.xml")}"\n',
                      encoding="utf-8")
    run = subprocess.Popen(cli_command("run", "--config", str(config), "--db", str(tmp_path / "run.duckdb"),
                                       "--workers", "2"),
                           cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + WAIT_S
        while len(workers) < 2 and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.2)
            workers = descendants(run.pid)
        assert len(workers) >= 2, "the run never started its two scoring workers"
        assert hanging.waiting.wait(WAIT_S), "the run never reached the second source"
        workers = descendants(run.pid)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(WAIT_S)
        deadline = time.monotonic() + WAIT_S / 4
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [pid for pid in workers if alive(pid)] == []
    finally:
        for pid in [run.pid, *workers]:  # only the processes this test started
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
