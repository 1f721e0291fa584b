"""Full analysis against a bare VADER loop, on the same texts, in the same run.

    python bench/analysis_speed.py [--texts 4000] [--repeats 5] [--workers N] [--data ../shared/data]

Bare: `SentimentIntensityAnalyzer().polarity_scores(t)` for every text, one core.
Full: clean_text on every raw text, then score_texts_parallel (VADER with the council
lexicon, hashed word and character n-grams, the sentiment, constructiveness and hostility
models, the suggestion and pile-on rules, service areas),
over N worker processes (default: one per core). The pool is started and warmed
before timing (its start-up is printed apart). Texts: C3's news comments (about 70
words) when the evaluation data is present, else synthetic comments of that length.
Prints both rates (medians over repeats) and their ratio; the target is >= 0.8.
Also, on one core and in CPU seconds (what a loaded, shared machine cannot distort
much): the bare loop, the project's VADER (analysis.sentiment.WindowedAnalyzer: the
same scores without VADER's quadratic negation checks) and the full single-process
path, medians over repeats, with the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    "the", "council", "bins", "missed", "again", "three", "weeks", "running", "nobody", "answers", "phone",
    "pothole", "road", "outside", "school", "thank", "you", "staff", "were", "lovely", "helpful", "quick",
    "parking", "fines", "unfair", "why", "does", "it", "take", "so", "long", "planning", "application", "ignored",
    "residents", "library", "closing", "hours", "cut", "please", "reopen", "great", "job", "team", "well", "done",
    "terrible", "service", "waste", "money", "council", "tax", "rising", "every", "year", "but", "nothing",
    "improves", "street", "lights", "broken", "could", "you", "add", "more", "buses", "route", "51", "late",
    "again", "kids", "park", "playground", "needs", "fixing",
]


def synthetic(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = [rng.choice(WORDS) for _ in range(max(5, int(rng.gauss(70, 25))))]
        text = " ".join(words).capitalize() + rng.choice([".", "!", "?", "..."])
        out.append(text)
    return out


def load_texts(n: int, data: Path) -> tuple[list[str], str]:
    path = data / "c3" / "c3_train.csv"
    if path.is_file():
        import pandas as pd

        texts = pd.read_csv(path, usecols=["comment_text"])["comment_text"].fillna("").astype(str).tolist()
        texts = (texts * (n // len(texts) + 1))[:n]
        return texts, f"C3 comments ({path})"
    return synthetic(n), "synthetic comments"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()

    import pandas as pd
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from analysis.clean import clean_text
    from analysis.scoring import default_workers, score_texts_parallel, shutdown_pools

    texts, origin = load_texts(args.texts, args.data)
    words = statistics.mean(len(t.split()) for t in texts)
    workers = args.workers or default_workers()
    print(f"{len(texts):,} texts, mean {words:.0f} words: {origin}; {workers} worker process(es)")

    def full() -> None:
        cleaned = pd.Series([clean_text(t) for t in texts])
        scores = score_texts_parallel(cleaned, workers=workers)
        assert len(scores) == len(texts)

    began = time.perf_counter()
    score_texts_parallel(pd.Series(texts[: 2 * 500 * workers]), workers=workers)  # start and warm the pool
    print(f"pool start-up and warm-up: {time.perf_counter() - began:.1f} s (once per process)")

    analyzer = SentimentIntensityAnalyzer()
    load_before = os.getloadavg()[0]
    bare_rates, full_rates = [], []
    for _ in range(args.repeats):
        began = time.perf_counter()
        for text in texts:
            analyzer.polarity_scores(text)
        bare_rates.append(len(texts) / (time.perf_counter() - began))
        began = time.perf_counter()
        full()
        full_rates.append(len(texts) / (time.perf_counter() - began))
    shutdown_pools()

    # CPU seconds in this process, one core, whatever else the machine is doing.
    from analysis.scoring import score_texts
    from analysis.sentiment import analyzer as project_analyzer

    windowed = project_analyzer()

    def cpu(work) -> float:
        began = time.process_time()
        work()
        return time.process_time() - began

    bare_cpu, vader_cpu, full_cpu = [], [], []
    for _ in range(args.repeats):
        bare_cpu.append(cpu(lambda: [analyzer.polarity_scores(t) for t in texts]))
        vader_cpu.append(cpu(lambda: [windowed.polarity_scores(t) for t in texts]))
        full_cpu.append(cpu(lambda: score_texts(pd.Series([clean_text(t) for t in texts]))))
    bare_c, vader_c, full_c = (statistics.median(v) for v in (bare_cpu, vader_cpu, full_cpu))

    bare, fast = statistics.median(bare_rates), statistics.median(full_rates)
    print(f"bare VADER loop:  {bare:8,.0f} texts/s (median of {args.repeats}; "
          f"{', '.join(f'{r:,.0f}' for r in bare_rates)})")
    print(f"full analysis:    {fast:8,.0f} texts/s (median of {args.repeats}; "
          f"{', '.join(f'{r:,.0f}' for r in full_rates)}; {workers} worker process(es))")
    rounds = [f / b for f, b in zip(full_rates, bare_rates)]
    print(f"ratio full/bare:  {fast / bare:.2f} of the medians; per round {', '.join(f'{r:.2f}' for r in rounds)}, "
          f"median of rounds {statistics.median(rounds):.2f} (target >= 0.80)")
    print(f"one core, CPU seconds per {len(texts):,} texts (medians of {args.repeats}): bare VADER loop {bare_c:.2f} s, "
          f"the project's VADER (same scores) {vader_c:.2f} s, full analysis {full_c:.2f} s "
          f"(of which models, cleaning and service areas {full_c - vader_c:.2f} s)")
    print(f"single-process CPU ratio full/bare: {bare_c / full_c:.2f} (target >= 0.80)")
    print(f"machine load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores "
          "(wall-clock rates and the worker pool suffer from load; CPU seconds much less)")


if __name__ == "__main__":
    main()
