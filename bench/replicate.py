"""A bigger store for the query and page benchmarks, made from a scored one in minutes.

Scoring a million items takes VADER about a CPU-hour on a busy machine. To measure
the dashboard's queries and pages at 1M, this copies a database the real pipeline
built (bench/run.py's bench-N.duckdb: items, scores, threads) and adds TIMES - 1
copies of every item, score and thread under new keys (`key~rK`), keeping their
sources, times, texts, classes and flags. Per-day volumes grow TIMES-fold; thread
sizes and everything else keep the shape the pipeline gave them.

    python bench/replicate.py bench/out/bench-100000.duckdb --times 10 -o bench/out/bench-1000000.duckdb
    python bench/run.py --items 1000000 --skip bare,pipeline,workers,rerun   # then queries and pages on it
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store import daily
from store.db import connect, transaction
from store.items import ITEM_COLUMNS

SUFFIXED = {"key", "native_id", "thread_id", "parent_id"}


def replicate(source: Path, target: Path, times: int) -> int:
    """Copy `source` to `target` with TIMES copies of its items, scores and threads; returns the item count."""
    if target.exists():
        target.unlink()
    shutil.copyfile(source, target)
    items = ", ".join(f"{c} || '~r' || r.n" if c in SUFFIXED else c for c in ITEM_COLUMNS)
    with connect(target) as con:
        score_columns = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'scores' ORDER BY ordinal_position"
        ).fetchall()]
        thread_columns = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'threads' ORDER BY ordinal_position"
        ).fetchall()]
        scores = ", ".join(f"{c} || '~r' || r.n" if c == "item_key" else c for c in score_columns)
        threads = ", ".join(f"{c} || '~r' || r.n" if c == "thread_key" else c for c in thread_columns)
        with transaction(con):
            con.execute(f"CREATE TEMP TABLE copies AS SELECT range AS n FROM range(1, {int(times)})")
            con.execute(f"INSERT INTO items ({', '.join(ITEM_COLUMNS)}) SELECT {items} FROM items, copies r")
            con.execute(f"INSERT INTO scores ({', '.join(score_columns)}) SELECT {scores} FROM scores, copies r")
            con.execute(f"INSERT INTO threads ({', '.join(thread_columns)}) SELECT {threads} FROM threads, copies r")
            daily.rebuild(con)  # the copies went in around store/items.py, so the per-day counts are redone
        con.execute("CHECKPOINT")
        return con.execute("SELECT count(*) FROM items").fetchall()[0][0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, help="a database bench/run.py built")
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    count = replicate(args.source, args.output, args.times)
    print(f"{args.output}: {count:,} items in {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
