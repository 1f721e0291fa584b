"""Analysis over the store: score what is unscored, rescore, refresh thread flags.

The functions elsewhere in analysis/ are pure; these are the few that read and
write the database, always through store/, in batches, each batch one
transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from analysis.scoring import score_items
from analysis.threads import FlagRules, summarise_threads
from store.db import connect, transaction
from store.items import replies_for_threads, save_scores, thread_keys_of, unscored, all_items_for_rescore
from store.threads import save_thread_summaries

BATCH_SIZE = 2_000

# progress(done, total)
Progress = Callable[[int, int], None]


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _score_and_save(db, items: pd.DataFrame, progress: Progress | None, total: int, done: int) -> set[str]:
    touched: set[str] = set()
    for start in range(0, len(items), BATCH_SIZE):
        batch = items.iloc[start : start + BATCH_SIZE]
        scores = score_items(batch)
        with connect(db) as con, transaction(con):
            save_scores(con, scores, _now())
            touched.update(thread_keys_of(con, batch["key"].tolist()))
        done += len(batch)
        if progress:
            progress(done, total)
    return touched


def score_pending(db: Path | str | None, progress: Progress | None = None, rules: FlagRules | None = None) -> int:
    """Score every unscored item, then re-flag the threads they belong to."""
    with connect(db, read_only=True) as con:
        pending = unscored(con)
    if pending.empty:
        return 0
    touched = _score_and_save(db, pending, progress, len(pending), 0)
    refresh_threads(db, sorted(touched), rules)
    return len(pending)


def rescore_all(db: Path | str | None, progress: Progress | None = None, rules: FlagRules | None = None) -> int:
    """Score every stored item again with the shipped models; corrections are kept apart and still win."""
    with connect(db, read_only=True) as con:
        items = all_items_for_rescore(con)
    if items.empty:
        return 0
    touched = _score_and_save(db, items, progress, len(items), 0)
    refresh_threads(db, sorted(touched), rules)
    return len(items)


def refresh_threads(db: Path | str | None, thread_keys: list[str], rules: FlagRules | None = None) -> int:
    """Recompute the flag and counts of these threads."""
    if not thread_keys:
        return 0
    with connect(db, read_only=True) as con:
        replies = replies_for_threads(con, thread_keys)
    summaries = summarise_threads(replies, rules)
    with connect(db) as con, transaction(con):
        save_thread_summaries(con, summaries, _now())
    return len(summaries)
