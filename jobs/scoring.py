"""Analysis over the store: score what is unscored, rescore, refresh thread flags.

The functions elsewhere in analysis/ are pure; these are the few that read and
write the database, always through store/, in batches, each batch one
transaction.

Scoring streams: the keys to score are read once, then each batch's texts are
read, scored and saved on short-lived connections, so memory stays flat however
many items wait and a dashboard can open the file between batches. With
`workers` > 1 the scoring (the costly part) runs in that many processes while
this one keeps reading and writing: there is still exactly one writer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from itertools import count
from pathlib import Path

import pandas as pd

from analysis.lifeline import die_with_parent
from analysis.scoring import score_items
from analysis.service_areas import council_replies_to_update
from analysis.threads import FlagRules, needs_text, summarise_threads
from store.db import connect, transaction
from store.items import (
    all_item_keys,
    council_replies_and_parent_areas,
    items_by_keys,
    replies_for_threads,
    save_scores,
    thread_keys_of,
    unscored_keys,
)
from store.threads import clear_threads_without_replies, council_roots, save_thread_summaries

TO_SCORE = ["key", "text", "title", "item_type", "is_council"]  # what score_items reads of an item
BATCH_SIZE = 2_000  # texts per call of score_items (and per job for a worker)
ROUND_SIZE = 20_000  # items read, and scores written, per connection
# Threads re-flagged per read, so memory stays flat on big stores; each read scans the items, so
# fewer, larger reads cost less (figures at 2,000 and 5,000: bench/README.md).
THREAD_BATCH = 5_000

# progress(done, total)
Progress = Callable[[int, int], None]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _chunks(keys: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def _read(db, keys: list[str]) -> pd.DataFrame:
    with connect(db, read_only=True) as con:
        return items_by_keys(con, keys)


def _save(db, scores: pd.DataFrame, touched: set[str]) -> None:
    with connect(db) as con, transaction(con):
        save_scores(con, scores, _now())
        touched.update(thread_keys_of(con, scores["item_key"].tolist()))


def _warm_up() -> None:
    """Load the models once per worker process, before its first batch; the worker ends with this process."""
    die_with_parent()
    score_items(pd.DataFrame({"key": ["warm-up"], "text": ["warm up"], "title": [None], "item_type": ["comment"],
                              "is_council": [False]}))


def _score_keys(db, keys: list[str], progress: Progress | None, workers: int) -> set[str]:
    """Score the items with these keys; returns the threads they touch.

    Texts are read and scores written ROUND_SIZE items at a time (each round is
    one connection to read and one transaction to write: opening, committing and
    checkpointing cost far more than the rows), and scored BATCH_SIZE at a time.
    """
    touched: set[str] = set()
    total, done = len(keys), 0

    def batches(items: pd.DataFrame) -> Iterator[pd.DataFrame]:
        for start in range(0, len(items), BATCH_SIZE):
            yield items.iloc[start : start + BATCH_SIZE]

    def save(parts: list[pd.DataFrame], size: int) -> None:
        nonlocal done
        if parts:
            _save(db, pd.concat(parts, ignore_index=True), touched)
        done += size
        if progress:
            progress(done, total)

    if workers <= 1:
        for chunk in _chunks(keys, ROUND_SIZE):
            save([score_items(batch) for batch in batches(_read(db, chunk))], len(chunk))
        return touched

    # The workers score one round while this process reads the next and writes the last.
    with ProcessPoolExecutor(max_workers=workers, initializer=_warm_up) as pool:
        previous: tuple[list[Future], int] | None = None
        for chunk in _chunks(keys, ROUND_SIZE):
            futures = [pool.submit(score_items, batch) for batch in batches(_read(db, chunk))]
            if previous:
                save([f.result() for f in previous[0]], previous[1])
            previous = (futures, len(chunk))
        if previous:
            save([f.result() for f in previous[0]], previous[1])
    return touched


def score_pending(
    db: Path | str | None,
    progress: Progress | None = None,
    rules: FlagRules | None = None,
    workers: int = 1,
    also_refresh: Iterable[str] = (),
) -> int:
    """Score every unscored item, then re-flag the threads they belong to.

    `workers` > 1 scores batches in that many processes (one per core is right);
    the database is still written by this process alone. `also_refresh`: threads
    to re-flag as well (those a ScoringAsSaved scored while collecting).
    """
    with connect(db, read_only=True) as con:
        keys = unscored_keys(con)
    touched = _score_keys(db, keys, progress, workers) if keys else set()
    touched.update(also_refresh)
    if touched:
        refresh_threads(db, sorted(touched), rules)
    return len(keys)


def rescore_all(
    db: Path | str | None,
    progress: Progress | None = None,
    rules: FlagRules | None = None,
    workers: int = 1,
) -> int:
    """Score every stored item again with the shipped models; corrections are kept apart and still win."""
    with connect(db, read_only=True) as con:
        keys = all_item_keys(con)
    if not keys:
        return 0
    touched = _score_keys(db, keys, progress, workers)
    refresh_threads(db, sorted(touched), rules)
    return len(keys)


def refresh_threads(db: Path | str | None, thread_keys: list[str], rules: FlagRules | None = None) -> int:
    """Recompute the flag and counts of these threads, THREAD_BATCH threads at a time.

    Replies are read without their texts, then only the texts the copy check compares
    (needs_text): most threads are not negative enough for it to look at any.
    """
    count = 0
    for chunk in _chunks(thread_keys, THREAD_BATCH):
        with connect(db, read_only=True) as con:  # a council reply takes the area of what it answers
            inherited = council_replies_to_update(council_replies_and_parent_areas(con, chunk))
        if not inherited.empty:
            with connect(db) as con, transaction(con):
                save_scores(con, inherited, _now())
        with connect(db, read_only=True) as con:
            replies = replies_for_threads(con, chunk, texts=False)
            wanted = replies.loc[needs_text(replies, rules), "key"].tolist()
            replies["text"] = replies["key"].map(items_by_keys(con, wanted).set_index("key")["text"]) if wanted else None
            council = council_roots(con, chunk)
        summaries = summarise_threads(replies, rules, council)
        emptied = sorted(set(chunk) - set(summaries["thread_key"]))  # every reply erased or purged
        with connect(db) as con, transaction(con):
            save_thread_summaries(con, summaries, _now())
            clear_threads_without_replies(con, emptied, _now())
        count += len(summaries)
    return count


class ScoringAsSaved:
    """Scores items while a collection run is still saving them (jobs.collect calls it).

    The run hands over each save's new and changed items (`submit`) and writes the
    scores that are finished in its next save's transaction (`take_ready`), so a
    run writes items and scores together: the texts are never read back and no
    transaction or checkpoint is spent on scores alone. With `workers` > 1 the
    scoring runs in that many processes while this one fetches, cleans and saves
    the next pages; at most MAX_IN_FLIGHT batches per worker wait, so memory stays
    flat. `finish` writes what is left; the run then re-flags `touched` threads
    (score_pending(also_refresh=...)). If the run dies first, the items saved
    without scores are scored by the next run's score_pending.
    """

    MAX_IN_FLIGHT = 3

    def __init__(self, workers: int = 1):
        self.workers = workers
        self.scored = 0
        self.touched: set[str] = set()
        self._pool = ProcessPoolExecutor(max_workers=workers, initializer=_warm_up) if workers > 1 else None
        self._batches = count(1)
        self._waiting: deque[tuple[int, Future]] = deque()  # (batch number, its scores), in submission order
        self._done: list[tuple[int, pd.DataFrame]] = []
        # The last batch each unwritten item was submitted in: an item resent with a new text
        # before its first score was written keeps only the later score.
        self._latest: dict[str, int] = {}

    def __enter__(self) -> ScoringAsSaved:
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def submit(self, items: pd.DataFrame) -> None:
        """Score these items (key, text, title, item_type, is_council, thread_id): now, or in a worker."""
        self.touched.update(_threads_of(items))
        for start in range(0, len(items), BATCH_SIZE):
            batch = items.iloc[start : start + BATCH_SIZE][[c for c in TO_SCORE if c in items]]
            number = next(self._batches)
            self._latest.update(dict.fromkeys(batch["key"].tolist(), number))
            if self._pool is None:
                self._done.append((number, score_items(batch)))
                continue
            while len(self._waiting) >= self.MAX_IN_FLIGHT * self.workers:
                self._collect()
            self._waiting.append((number, self._pool.submit(score_items, batch)))

    def take_ready(self) -> pd.DataFrame | None:
        """The scores finished so far, for the caller to save (store.items.save_scores) in its transaction."""
        while self._waiting and self._waiting[0][1].done():
            self._collect()
        return self._take()

    def saved(self, scores: pd.DataFrame) -> None:
        """Scores from take_ready are committed: count them."""
        self.scored += len(scores)

    def finish(self, db: Path | str | None) -> None:
        """Wait for every batch and save the scores left, in one transaction."""
        while self._waiting:
            self._collect()
        scores = self._take()
        if scores is not None:
            with connect(db) as con, transaction(con):
                save_scores(con, scores, _now())
            self.saved(scores)

    def _collect(self) -> None:
        number, future = self._waiting.popleft()
        self._done.append((number, future.result()))

    def _take(self) -> pd.DataFrame | None:
        """Finished scores of each item's latest submission; the items are then no longer waiting.

        If the caller's transaction fails, their items stay unscored in the store and
        score_pending (or a later save of the same items) scores them.
        """
        parts = []
        for number, scores in self._done:
            keys = scores["item_key"].tolist()
            latest = [self._latest.get(key) == number for key in keys]
            parts.append(scores[latest])
            for key, is_latest in zip(keys, latest):
                if is_latest:
                    del self._latest[key]
        self._done = []
        return pd.concat(parts, ignore_index=True) if parts else None


def _threads_of(items: pd.DataFrame) -> set[str]:
    """The threads items belong to (a post is its own thread), as store.items.thread_keys_of finds them."""
    threads = items["thread_id"].where(items["thread_id"].notna(), items["key"].where(items["item_type"] == "post"))
    return set(threads.dropna().unique().tolist())
