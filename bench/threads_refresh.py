"""How long re-flagging every thread of a store takes (jobs.scoring.refresh_threads).

Works on a copy of a database that bench/run.py built (bench/out/bench-100000.duckdb,
or bench/replicate.py's 1M store), so the original is never written. Prints the wall and
CPU time, threads and items, how many threads are flagged, and the score's spread.

    .venv/bin/python bench/threads_refresh.py --db bench/out/bench-100000.duckdb
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jobs.scoring import refresh_threads
from store.db import connect


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("bench/out/bench-100000.duckdb"))
    args = parser.parse_args()
    if not args.db.exists():
        print(f"error: no database at {args.db}; build one with bench/run.py", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as work:
        db = Path(work) / "copy.duckdb"
        shutil.copyfile(args.db, db)
        with connect(db, read_only=True) as con:
            keys = [row[0] for row in con.execute("SELECT thread_key FROM threads ORDER BY thread_key").fetchall()]
            items = con.execute("SELECT count(*) FROM items").fetchall()[0][0]
        wall, cpu = time.perf_counter(), time.process_time()
        refreshed = refresh_threads(db, keys)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        with connect(db, read_only=True) as con:
            flagged, p50, p90, p99 = con.execute(
                """SELECT count(*) FILTER (WHERE flagged), quantile_cont(pileon_score, 0.5),
                          quantile_cont(pileon_score, 0.9), quantile_cont(pileon_score, 0.99) FROM threads"""
            ).fetchall()[0]
    print(f"{items:,} items, {refreshed:,} threads re-flagged in {wall:.1f} s wall, {cpu:.1f} s CPU "
          f"({refreshed / wall:,.0f} threads/s)")
    print(f"flagged: {flagged:,}; pile-on score median {p50:.1f}, 90th percentile {p90:.1f}, 99th {p99:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
