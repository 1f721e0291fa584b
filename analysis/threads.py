"""Thread flagging: which conversations have turned hostile, and why, in words."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class FlagRules:
    """When a thread is flagged. Every threshold is named so it can be tuned."""

    min_replies: int = 8  # public replies, the council's own not counted
    min_negative_share: float = 0.5  # of those replies
    min_authors: int = 4  # distinct people: one angry person is not a pile-on
    max_span_hours: float = 72.0  # the negative replies came within this time


def describe_span(hours: float) -> str:
    if hours < 1:
        minutes = max(1, round(hours * 60))
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    if hours < 48:
        rounded = max(1, round(hours))
        return f"{rounded} hour{'s' if rounded != 1 else ''}"
    days = round(hours / 24)
    return f"{days} days"


def pileon_score(negative: int, replies: int, authors: int, span_hours: float, rules: FlagRules) -> float:
    """A 0-100 ordering for the queue: more, angrier, faster, from more people ranks higher."""
    if replies == 0 or negative == 0:
        return 0.0
    share = negative / replies
    breadth = min(1.0, authors / max(rules.min_authors, 1))
    volume = min(1.0, math.log1p(negative) / math.log1p(4 * rules.min_replies))
    speed = 1.0 / (1.0 + max(span_hours, 0.0) / max(rules.max_span_hours, 1.0))
    return round(100 * share * breadth * (0.6 * volume + 0.4 * speed), 1)


def summarise_thread(replies: pd.DataFrame, rules: FlagRules) -> dict:
    """Counts, flag and explanation for one thread's replies (one row per reply)."""
    public = replies[~replies["is_council"].fillna(False).astype(bool)]
    negative = public[public["sentiment"] == "negative"]
    authors = public["author_id"].fillna(public["author_name"]).nunique()
    n_replies, n_negative = len(public), len(negative)
    if n_negative:
        span_hours = (negative["created_at"].max() - negative["created_at"].min()).total_seconds() / 3600
    else:
        span_hours = 0.0
    share = n_negative / n_replies if n_replies else 0.0
    flagged = (
        n_replies >= rules.min_replies
        and share >= rules.min_negative_share
        and authors >= rules.min_authors
        and span_hours <= rules.max_span_hours
    )
    reasons = None
    if flagged:
        negative_authors = negative["author_id"].fillna(negative["author_name"]).nunique()
        reasons = (
            f"{n_negative} of {n_replies} replies negative, {negative_authors} authors, "
            f"within {describe_span(span_hours)}"
        )
    return {
        "flagged": flagged,
        "flag_reasons": reasons,
        "pileon_score": pileon_score(n_negative, n_replies, authors, span_hours, rules),
        "reply_count": n_replies,
        "negative_count": n_negative,
        "author_count": authors,
        "first_reply_at": public["created_at"].min() if n_replies else pd.NaT,
        "last_reply_at": public["created_at"].max() if n_replies else pd.NaT,
    }


def summarise_threads(replies: pd.DataFrame, rules: FlagRules | None = None) -> pd.DataFrame:
    """One summary row per thread_id in `replies` (columns as store.threads.SUMMARY_COLUMNS)."""
    rules = rules or FlagRules()
    rows = []
    for thread_key, group in replies.groupby("thread_id", sort=True):
        row = summarise_thread(group, rules)
        row["thread_key"] = thread_key
        row["source_id"] = int(group["source_id"].iloc[0])
        rows.append(row)
    columns = [
        "thread_key", "source_id", "flagged", "flag_reasons", "pileon_score", "reply_count",
        "negative_count", "author_count", "first_reply_at", "last_reply_at",
    ]
    return pd.DataFrame(rows, columns=columns)
