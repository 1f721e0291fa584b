"""The scale benchmark of issue 6: `python bench/run.py --items N`.

Measures, on the same synthetic items (bench/generate.py, same seed):

1. bare: analysis.scoring.score_items alone on the clean texts, in jobs' batches (the floor);
2. pipeline: raw items through the real run (jobs.run.collect_and_score, what
   `python -m collectors run` does before its purge: the runner cleans, hashes and saves
   each page, scoring new items as they are saved, then the threads are re-flagged) into
   a fresh DuckDB file, in one process;
3. the same run with workers=2 (scoring in two processes while this one collects);
4. the store.queries calls each dashboard page makes on one load (sidebar
   included), each on its own short read-only connection as ui.data.read opens them,
   with realistic filters (the last 30 days; all sources, and one source); median
   over repeats;
5. every page rendered by streamlit.testing.v1.AppTest on the bench database
   (PULSE_DB), with the st.cache_data cache cleared first (a cold load); median;
6. peak memory of the pipeline's process (2) (getrusage ru_maxrss), and of the
   two-worker run's processes together (their PSS, sampled in a thread: only in that
   run, since sampling slows the process it samples);
7. a second collection run over the unchanged sources (the same run):
   items rescored and its time against the first run's.

Each of 1, 2, 3 and 7 runs in a fresh child process of this one, so its memory
and imports are its own; items are made by the synthetic source while the clock
runs, and the time spent making them (which stands for the network) is taken off.
Wall-clock times are quoted, with CPU times and the load average beside them:
the machine may be shared. The last line printed is one line of JSON.

    python bench/run.py --items 100000 [--seed 7] [--repeats 7] [--rounds 3] [--skip workers,pages] [--rerun-all]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = Path(os.environ.get("PULSE_BENCH_OUT") or ROOT / "bench" / "out")
STEPS = ("bare", "pipeline", "workers", "queries", "pages", "rerun")


def snapshot() -> tuple[str, Path]:
    """The last commit's files in bench/out/tree-<sha>/: what every step measures.

    Several people edit this working tree at once; measuring the commit keeps
    the bare scoring and the pipeline on the same code for the whole run.
    """
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True, check=True).stdout.strip()
    tree = OUT / f"tree-{sha}"
    if not (tree / "bench" / "run.py").exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "HEAD"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return sha, tree


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def cpu_s() -> float:
    self_, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return self_.ru_utime + self_.ru_stime + kids.ru_utime + kids.ru_stime


def tree_pss_mb(pid: int) -> float:
    """Memory of a process and its children (worker processes) now, in MB: the sum of their PSS.

    PSS counts a page shared by n processes as 1/n in each, so forked workers sharing the
    models loaded before the fork are not counted twice (adding their RSS would).
    """
    total_kb = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(stat.parent.name) != pid and int(fields[1]) != pid:  # fields[1]: the parent's pid
                continue
            for line in (stat.parent / "smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
                    break
        except (OSError, ValueError, IndexError):
            continue
    return total_kb / 1024


class PeakSampler:
    """The largest memory of this process and its children together (PSS), sampled every 0.2 s in a
    thread: unlike adding each process's own peak, it counts only what was resident at the same moment."""

    def __init__(self, every_s: float = 0.2):
        import threading

        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every_s,), daemon=True)
        self._thread.start()

    def _run(self, every_s: float) -> None:
        while not self._stop.wait(every_s):
            self.peak = max(self.peak, tree_pss_mb(os.getpid()))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


# --- Child processes: one measured job each, printing one JSON line -------------------


def child_bare(items: int, seed: int) -> dict:
    """score_items on every clean text, BATCH_SIZE at a time; making the texts is not timed."""
    import pandas as pd

    from analysis.scoring import score_items
    from bench.generate import texts
    from jobs.scoring import BATCH_SIZE, _warm_up

    _warm_up()
    wall = cpu = 0.0
    scored = 0
    rows: list[tuple] = []

    def score(rows: list[tuple]) -> None:
        nonlocal wall, cpu, scored
        frame = pd.DataFrame(rows, columns=["key", "text", "title"])
        frame["item_type"] = "comment"
        began, began_cpu = time.perf_counter(), time.process_time()
        out = score_items(frame)
        wall += time.perf_counter() - began
        cpu += time.process_time() - began_cpu
        scored += len(out)

    for row in texts(items, seed):
        rows.append(row)
        if len(rows) == BATCH_SIZE:
            score(rows)
            rows = []
    if rows:
        score(rows)
    return {"seconds": wall, "cpu_s": cpu, "scored": scored}


def child_pipeline(db: str, items: int, seed: int, workers: int, rerun: str = "lookback") -> dict:
    """Every synthetic source through the real run (jobs.run.collect_and_score) into `db`."""
    from bench.generate import SyntheticCollector, sources_for
    from jobs.run import RunProgress, collect_and_score
    from store.db import connect

    class Clock(RunProgress):
        """Notes when collecting ends and scoring what is left begins."""
        collected_at = 0.0

        def scoring(self, done: int, total: int) -> None:
            self.collected_at = self.collected_at or time.perf_counter()

    made = sources_for(items, seed)
    collectors = {source.name: SyntheticCollector(maker, rerun=rerun) for source, maker in made}
    before = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    # Only with workers: reading /proc/<pid>/smaps_rollup walks the process's page tables under
    # its memory-map lock, and every 0.2 s that slowed a one-process 100k run by ~6 s (65 -> 71 s),
    # which the bare step never pays. One process's peak is its ru_maxrss.
    sampler = PeakSampler() if workers > 1 else None
    clock = Clock()
    began, began_cpu = time.perf_counter(), cpu_s()
    summary = collect_and_score([source for source, _ in made], db, None, clock, workers, collectors)
    total = time.perf_counter() - began
    together = sampler.stop() if sampler else None
    failed = [r for r in summary.results if r.error]
    if failed:
        raise RuntimeError(f"{failed[0].name}: {failed[0].error}")
    making = sum(c.making_s for c in collectors.values())
    with connect(db, read_only=True) as con:
        stored, scores, threads, flagged = con.execute(
            """SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM scores),
                      (SELECT count(*) FROM threads), (SELECT count(*) FILTER (WHERE flagged) FROM threads)"""
        ).fetchall()[0]
        rescored = con.execute("SELECT count(*) FROM scores WHERE scored_at >= ?::TIMESTAMP", [before]).fetchall()[0][0]
    return {
        "seconds": total - making,
        # collecting (scoring as pages are saved) until the last source is done; then the
        # last scores, anything left unscored, and the threads re-flagged
        "collect_s": clock.collected_at - began - making,
        "finish_s": began + total - clock.collected_at,
        "cpu_s": cpu_s() - began_cpu,
        "making_s": making,
        "sent": int(sum(c.sent for c in collectors.values())),
        "new": sum(r.new for r in summary.results),
        "updated": sum(r.updated for r in summary.results),
        "scored": summary.scored,
        "rows_scored_now": int(rescored),
        "items": int(stored), "scores": int(scores), "threads": int(threads), "flagged": int(flagged),
        "peak_rss_mb": peak_mb(),
        "worker_peak_rss_mb": peak_mb(resource.RUSAGE_CHILDREN),
        "together_peak_rss_mb": together,
    }


def median_run(runs: list[dict]) -> dict:
    """The run with the median time (the lower middle one of an even number)."""
    return sorted(runs, key=lambda run: run["seconds"])[(len(runs) - 1) // 2]


def run_child(*args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    load_before = loadavg()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench child {args} failed:\n{done.stderr[-4000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["load"] = [load_before, loadavg()]
    return figures


# --- Pages and their queries, as the dashboard runs them --------------------------------


def app_pages() -> dict[str, str]:
    """name (file stem) -> path of every page app.py routes to, as tests/test_pages.py finds them."""
    import re

    paths = re.findall(r'st\.Page\(\s*"([^"]+)"', (ROOT / "app.py").read_text())
    return {Path(path).stem: path for path in paths}


def page_variants(db: str) -> tuple[list[tuple[str, str, str, dict, dict]], str]:
    """(page, variant, path, query params, session state) for every routed page, and the thread used.

    Each page with the default filters (the last 30 days, every source) and with one
    source chosen in the sidebar; the Flagged page also with a search; the Thread page
    on the largest flagged thread active in the period, and without one (its picker).
    """
    from analysis.trends import period_ending
    from store import queries
    from store.db import connect

    with connect(db, read_only=True) as con:
        _, latest = queries.item_date_range(con)
        period = period_ending(latest, 30)  # the synthetic data's last 30 days, whatever the date today
        start = period.bounds()[0]
        sources = queries.source_list(con)
        one = str(sources[sources["kind"] == "facebook"]["name"].iloc[0])
        biggest = con.execute(
            """SELECT thread_key FROM threads WHERE flagged AND last_reply_at >= ?
               ORDER BY reply_count DESC, thread_key LIMIT 1""", [start]).fetchall() or con.execute(
            "SELECT thread_key FROM threads ORDER BY reply_count DESC, thread_key LIMIT 1").fetchall()
    thread = biggest[0][0]
    variants = []
    dates = {"filter_period": "Custom dates", "filter_dates": (period.start, period.end)}
    for name, path in app_pages().items():
        if name == "thread":
            variants.append(("thread", "largest flagged thread", path, {"thread": thread}, dates))
            name = "thread_picker"
        for label, state in (("all sources", dates), ("one source", {**dates, "filter_sources": [one]})):
            variants.append((name, label, path, {}, state))
            if name == "flagged":
                variants.append((name, label + ", search 'bins'", path, {}, {**state, "queue_search": "bins"}))
    return variants, thread


def bench_pages(db: str, repeats: int) -> tuple[dict, dict, dict, str, dict]:
    """Every routed page by AppTest, cold: st.cache_data cleared and the file closed first.

    Returns the median wall seconds and CPU seconds (all threads of this process) per page
    (worst variant), per page variant the ui.data.read calls its load made (replayed by
    bench_queries), the thread shown, and the pages that raised (left out of the figures).
    """
    os.environ["PULSE_DB"] = db
    import logging

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    import ui.data
    from store import db as store_db

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    variants, thread = page_variants(db)
    default = next(iter(app_pages().values()))
    calls: list = []
    run_query = ui.data.run_query

    def recording(db, query, args, kwargs):  # notes each read a page makes on a cache miss, then makes it
        calls.append((query, args, kwargs))
        return run_query(db, query, args, kwargs)

    ui.data.run_query = recording
    close_readers = getattr(store_db, "_close_readers", lambda: None)
    figures: dict[str, float] = {}
    cpu_figures: dict[str, float] = {}
    errors: dict[str, list[str]] = {}
    recorded: dict[tuple[str, str], list] = {}
    for page, label, path, query, state in variants:
        times, cpu = [], []
        for _ in range(repeats):
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
            for key, value in state.items():
                at.session_state[key] = value
            # Not measured: AppTest's first run scans every installed package for components
            # (~1.6 s of CPU here), which a served app does once at start-up.
            at.run()
            if path != default or query:
                at.switch_page(path)
                at.query_params.update(query)
            st.cache_data.clear()
            close_readers()
            calls.clear()
            began, began_cpu = time.perf_counter(), time.process_time()
            at.run()
            times.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
            if at.exception:
                break
        if at.exception:
            errors[f"{page} ({label})"] = [e.message for e in at.exception]
            print(f"  page    {page:14s} {label:32s} RAISED: {errors[f'{page} ({label})']}", flush=True)
            continue
        recorded[(page, label)] = list(calls)
        median, median_cpu = round(statistics.median(times), 2), round(statistics.median(cpu), 2)
        figures[page] = max(figures.get(page, 0.0), median)
        cpu_figures[page] = max(cpu_figures.get(page, 0.0), median_cpu)
        print(f"  page    {page:14s} {label:32s} median {median:6.2f} s (min {min(times):.2f}; "
              f"CPU {median_cpu:.2f} s; {len(calls)} reads)", flush=True)
    return figures, cpu_figures, recorded, thread, errors


def bench_queries(db: str, recorded: dict, repeats: int) -> tuple[dict, dict, dict]:
    """Median ms of each page load's reads (worst variant per page), replayed as the pages made them.

    `sql`: every read on one open read-only connection (what the queries cost);
    `views`: each read as ui.data.read makes it on a cache miss (store.db.reading, the
    file closed before each page load, as after a pause).
    """
    from store import db as store_db
    from store.db import connect

    reading = getattr(store_db, "reading", None)
    close_readers = getattr(store_db, "_close_readers", lambda: None)

    per_query: dict[str, list[float]] = {}
    per_query_cpu: dict[str, list[float]] = {}
    cpu_total = [0.0]

    def load(calls, con) -> float:
        total = 0.0
        cpu_total[0] = 0.0
        close_readers()
        for query, args, kwargs in calls:
            name = f"{query.__module__.removeprefix('store.')}.{query.__qualname__}"
            began, began_cpu = time.perf_counter(), time.process_time()
            if con is not None:
                query(con, *args, **kwargs)
            elif reading is not None:
                with reading(db) as own:
                    query(own, *args, **kwargs)
            else:
                with connect(db, read_only=True) as own:
                    query(own, *args, **kwargs)
            took, took_cpu = (time.perf_counter() - began) * 1000, (time.process_time() - began_cpu) * 1000
            total += took
            cpu_total[0] += took_cpu
            if con is not None:
                per_query.setdefault(name, []).append(took)
                per_query_cpu.setdefault(name, []).append(took_cpu)
        return total

    sql: dict[str, float] = {}
    sql_cpu: dict[str, float] = {}
    own: dict[str, float] = {}
    own_cpu: dict[str, float] = {}
    for (page, label), calls in recorded.items():
        shared, shared_cpu, separate, separate_cpu = [], [], [], []
        with connect(db, read_only=True) as con:
            load(calls, con)  # once to warm the file cache, not counted
            for _ in range(repeats):
                shared.append(load(calls, con))
                shared_cpu.append(cpu_total[0])
        for _ in range(repeats):
            separate.append(load(calls, None))
            separate_cpu.append(cpu_total[0])
        a, b = statistics.median(shared), statistics.median(separate)
        a_cpu, b_cpu = statistics.median(shared_cpu), statistics.median(separate_cpu)
        print(f"  queries {page:14s} {label:32s} {len(calls):2d} reads, median {a:7.1f} ms (CPU {a_cpu:6.1f}) "
              f"on one connection, {b:7.1f} ms (CPU {b_cpu:6.1f}) as ui.data.read makes them", flush=True)
        for figures, value in ((sql, a), (sql_cpu, a_cpu), (own, b), (own_cpu, b_cpu)):
            figures[page] = round(max(figures.get(page, 0.0), value), 1)
    medians = {name: round(statistics.median(t), 1) for name, t in sorted(per_query.items())}
    medians_cpu = {name: round(statistics.median(t), 1) for name, t in sorted(per_query_cpu.items())}
    return sql, own, medians, sql_cpu, own_cpu, medians_cpu


# --- The run ---------------------------------------------------------------------------


def print_targets(result: dict) -> None:
    """Issue 6's targets beside what this run measured (those it measured)."""
    def line(name: str, value, met: bool) -> None:
        print(f"  target {name}: {value} -> {'met' if met else 'NOT MET'}")

    print("targets (issue 6):")
    if "pipeline_vs_bare" in result:
        line("pipeline >= 85% of bare scoring throughput", f"{result['pipeline_vs_bare']:.1%}",
             result["pipeline_vs_bare"] >= 0.85)
    if "two_workers_speedup" in result:
        line("2 workers >= 1.7x one process", f"{result['two_workers_speedup']:.2f}x", result["two_workers_speedup"] >= 1.7)
    for page, ms in result.get("query_ms_p50", {}).items():
        line(f"{page} reads < 250 ms (median)", f"{ms:.0f} ms", ms < 250)
    for page, seconds in result.get("page_render_s", {}).items():
        line(f"{page} rendered < 2 s (AppTest)", f"{seconds:.2f} s", seconds < 2)
    if "peak_rss_mb" in result:
        line("ingest and score peak memory < 1.5 GB", f"{result['peak_rss_mb']} MB", result["peak_rss_mb"] < 1500)
    if "rescored_on_rerun" in result:
        line("second run rescores nothing", result["rescored_on_rerun"], result["rescored_on_rerun"] == 0)
    if "rerun_vs_first" in result:
        line("second run < 2% of the first", f"{result['rerun_vs_first']:.2%}", result["rerun_vs_first"] < 0.02)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=7, help="repeats of each query load (pages: a third)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run steps 1-3 this many times, alternating, and report each one's median round")
    parser.add_argument("--skip", default="", help=f"comma-separated steps to leave out: {','.join(STEPS)}")
    parser.add_argument("--rerun-all", action="store_true",
                        help="also time a rerun where every source sends every item again (no cursor)")
    parser.add_argument("--keep", action="store_true", help="keep the two-worker database in bench/out/ too")
    parser.add_argument("--pipeline-workers", type=int, default=1,
                        help="workers of the pipeline run that builds the database (2: faster at 1M; "
                             "pipeline_vs_bare is then left out)")
    parser.add_argument("--working-tree", action="store_true",
                        help="measure the files as they are now, not the last commit (the default)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--rerun", default="lookback", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if not args.child and not args.working_tree and not os.environ.get("PULSE_BENCH_TREE"):
        OUT.mkdir(parents=True, exist_ok=True)
        sha, tree = snapshot()
        shown = tree.relative_to(OUT.parent.parent) if tree.is_relative_to(OUT.parent.parent) else tree
        print(f"bench: measuring commit {sha} (a copy in {shown})", flush=True)
        env = {**os.environ, "PULSE_BENCH_TREE": sha, "PULSE_BENCH_OUT": str(OUT), "PYTHONPATH": str(tree)}
        return subprocess.call([sys.executable, "-u", str(tree / "bench" / "run.py"), *(argv or sys.argv[1:])],
                               cwd=tree, env=env)

    if args.child == "bare":
        print(json.dumps(child_bare(args.items, args.seed)))
        return 0
    if args.child == "pipeline":
        print(json.dumps(child_pipeline(args.db, args.items, args.seed, args.workers, args.rerun)))
        return 0

    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = skip - set(STEPS)
    if unknown:
        parser.error(f"unknown step(s) to skip: {', '.join(sorted(unknown))}")
    n = args.items
    OUT.mkdir(parents=True, exist_ok=True)
    db = str(OUT / f"bench-{n}.duckdb")
    print(f"bench: {n:,} items, seed {args.seed}, {os.cpu_count()} CPUs, load average {loadavg():.1f}")
    result: dict = {"items": n}
    began_all = time.perf_counter()

    def kept(step: str, figures: dict | None = None) -> dict | None:
        """A step's figures saved for later runs that skip it (e.g. queries again on the same database)."""
        path = OUT / f"{step}-{n}-seed{args.seed}-{os.environ.get('PULSE_BENCH_TREE', 'worktree')}.json"
        if figures is not None:
            path.write_text(json.dumps(figures))
            return figures
        if path.exists():
            print(f"  ({step} figures from an earlier run: {path.name})")
            return json.loads(path.read_text())
        return None

    # Steps 1-3 alternate for --rounds rounds, so a change in the machine's load falls on all three;
    # each step's median round is the one reported.
    bares, ones, twos = [], [], []
    db2 = str(OUT / f"bench-{n}-w2.duckdb")
    for round_ in range(args.rounds):
        if "bare" not in skip:
            bares.append(run_child("--child", "bare", "--items", str(n), "--seed", str(args.seed)))
        if "pipeline" not in skip or not Path(db).exists():
            for path in (db, db + ".wal"):
                Path(path).unlink(missing_ok=True)
            ones.append(run_child("--child", "pipeline", "--db", db, "--items", str(n), "--seed", str(args.seed),
                                  "--workers", str(args.pipeline_workers)))
        if "workers" not in skip:
            for path in (db2, db2 + ".wal"):
                Path(path).unlink(missing_ok=True)
            twos.append(run_child("--child", "pipeline", "--db", db2, "--items", str(n), "--seed", str(args.seed),
                                  "--workers", "2"))
        if args.rounds > 1:
            paired = f" ({bares[-1]['seconds'] / ones[-1]['seconds']:.1%})" if bares and ones else ""
            print(f"  round {round_ + 1}: " + ", ".join(
                f"{name} {runs[-1]['seconds']:.1f} s" for name, runs in (("bare", bares), ("pipeline", ones),
                                                                         ("2 workers", twos)) if runs) + paired,
                  flush=True)
    if not args.keep:
        for path in (db2, db2 + ".wal"):
            Path(path).unlink(missing_ok=True)

    bare = kept("bare", median_run(bares)) if bares else kept("bare")
    if bare:
        print(f"1 bare scoring: {bare['scored']:,} texts in {bare['seconds']:.1f} s "
              f"({bare['scored'] / bare['seconds']:,.0f}/s; CPU {bare['cpu_s']:.1f} s; load {bare['load']})")

    one = kept(f"pipeline-w{args.pipeline_workers}", median_run(ones)) if ones else (
        kept(f"pipeline-w{args.pipeline_workers}") if Path(db).exists() else None)
    if one:
        own_cpu = one["cpu_s"] - one["making_s"]  # the synthetic source's CPU (it stands for the network) taken off
        print(f"2 pipeline, {args.pipeline_workers} worker(s): {one['items']:,} items, {one['scored']:,} scored, "
              f"{one['threads']:,} threads "
              f"({one['flagged']:,} flagged) in {one['seconds']:.1f} s = collecting and scoring {one['collect_s']:.1f} s + "
              f"last scores and threads {one['finish_s']:.1f} s ({one['items'] / one['seconds']:,.0f}/s; CPU {own_cpu:.1f} s; "
              f"making the items took {one['making_s']:.1f} s more; load {one['load']})")
        if args.pipeline_workers > 1:
            both = one["peak_rss_mb"] + args.pipeline_workers * one["worker_peak_rss_mb"]
            together = one.get("together_peak_rss_mb") or both
            print(f"6 peak memory of ingesting and scoring {n:,} items: {together:.0f} MB of the processes together "
                  f"(PSS, sampled every 0.2 s); parent's own peak RSS {one['peak_rss_mb']:.0f} MB, largest worker's "
                  f"{one['worker_peak_rss_mb']:.0f} MB (their sum {both:.0f} MB adds peaks at different times)")
            result["peak_rss_mb"] = round(max(together, one["peak_rss_mb"]))
        else:
            print(f"6 peak RSS of ingesting and scoring {n:,} items: {one['peak_rss_mb']:.0f} MB")
            result["peak_rss_mb"] = round(one["peak_rss_mb"])
        if bare and args.pipeline_workers == 1:
            result["pipeline_vs_bare"] = round(bare["seconds"] / one["seconds"], 3)
            result["pipeline_vs_bare_cpu"] = round(bare["cpu_s"] / own_cpu, 3)
            print(f"  pipeline throughput / bare: {result['pipeline_vs_bare']:.1%} wall, "
                  f"{result['pipeline_vs_bare_cpu']:.1%} CPU")
            if len(bares) == len(ones) > 1:
                # Each round's own ratio (its bare and pipeline steps minutes apart), beside the ratio of the
                # medians above: on a machine whose speed drifts, the two differ, and both are worth seeing.
                rounds = [b["seconds"] / o["seconds"] for b, o in zip(bares, ones)]
                result["pipeline_vs_bare_by_round"] = [round(r, 3) for r in rounds]
                print(f"  each round's own ratio: {', '.join(f'{r:.1%}' for r in rounds)} "
                      f"(median {statistics.median(rounds):.1%})")

    if twos:
        two = median_run(twos)
        print(f"3 pipeline, 2 workers: {two['seconds']:.1f} s = collecting and scoring {two['collect_s']:.1f} s + "
              f"last scores and threads {two['finish_s']:.1f} s; CPU {two['cpu_s'] - two['making_s']:.1f} s; "
              f"peak RSS parent {two['peak_rss_mb']:.0f} MB, largest worker {two['worker_peak_rss_mb']:.0f} MB, "
              f"together {two['together_peak_rss_mb']:.0f} MB (PSS); load {two['load']}")
        if one and args.pipeline_workers == 1:
            result["two_workers_speedup"] = round(one["seconds"] / two["seconds"], 3)
            print(f"  speed-up over 1 process: {result['two_workers_speedup']:.2f}x")

    if "pages" not in skip or "queries" not in skip:
        load = loadavg()
        pages, pages_cpu, recorded, _thread, errors = bench_pages(
            db, max(3, args.repeats // 3) if "pages" not in skip else 1)
        if errors:
            result["page_errors"] = errors
        if "pages" not in skip:
            result["page_render_s"] = pages
            result["page_render_cpu_s"] = pages_cpu
            print(f"5 pages by AppTest, median s (cold: cache cleared, file closed): {pages}; load {load:.1f}")
            print(f"  CPU seconds of the same renders: {pages_cpu}")
        if "queries" not in skip:
            load = loadavg()
            per_page, with_views, per_query, per_page_cpu, with_views_cpu, per_query_cpu = bench_queries(
                db, recorded, args.repeats)
            print(f"4 reads per page load, median ms (worst variant): {per_page}; load {load:.1f}")
            print(f"  CPU ms of the same: {per_page_cpu}")
            print(f"  each read as ui.data.read makes it, ms: {with_views}; CPU ms: {with_views_cpu}")
            print(f"  per query on an open connection, median ms: {per_query}")
            print(f"  per query, median CPU ms: {per_query_cpu}")
            result["query_ms_p50"] = per_page
            result["query_cpu_ms_p50"] = per_page_cpu
            result["query_ms_p50_views_read"] = with_views
            result["query_cpu_ms_p50_views_read"] = with_views_cpu

    if "rerun" not in skip:
        # --repeats runs over the same unchanged sources (each finds nothing new): the median is quoted,
        # since a run of about a second moves by a fifth with the machine's load.
        agains = [run_child("--child", "pipeline", "--db", db, "--items", str(n), "--seed", str(args.seed),
                            "--rerun", "lookback") for _ in range(args.repeats)]
        again = median_run(agains)
        first = one["seconds"] if one else None
        print(f"7 second run over unchanged sources: {again['sent']:,} items re-read, {again['new']} new, "
              f"{again['updated']} updated, {again['scored']} scored, in {again['seconds']:.2f} s "
              f"(collecting {again['collect_s']:.2f} s, threads {again['finish_s']:.2f} s; load {again['load']}); "
              f"median of {len(agains)}: " + ", ".join(f"{run['seconds']:.2f}" for run in agains) + " s")
        result["rescored_on_rerun"] = max(max(run["scored"], run["rows_scored_now"]) for run in agains)
        if first:
            result["rerun_vs_first"] = round(again["seconds"] / first, 4)
            print(f"  vs the first run: {result['rerun_vs_first']:.2%}")
        if args.rerun_all:
            full = run_child("--child", "pipeline", "--db", db, "--items", str(n), "--seed", str(args.seed),
                             "--rerun", "all")
            print(f"  every item sent again (a source with no cursor): {full['sent']:,} re-read, {full['new']} new, "
                  f"{full['scored']} scored, in {full['seconds']:.1f} s"
                  + (f" = {full['seconds'] / first:.1%} of the first run" if first else ""))
            result["rerun_all_vs_first"] = round(full["seconds"] / first, 4) if first else None
            result["rescored_on_rerun"] += max(full["scored"], full["rows_scored_now"])

    print_targets(result)
    print(f"bench took {time.perf_counter() - began_all:.0f} s; load average now {loadavg():.1f}")
    order = ["items", "pipeline_vs_bare", "two_workers_speedup", "query_ms_p50", "page_render_s",
             "peak_rss_mb", "rerun_vs_first", "rescored_on_rerun"]
    print(json.dumps({k: result[k] for k in order if k in result} | {k: v for k, v in result.items() if k not in order}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
