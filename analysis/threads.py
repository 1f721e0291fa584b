"""Thread flagging: which conversations have turned hostile, and why, in words."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class FlagRules:
    """When a thread is flagged. Every threshold is named so it can be tuned."""

    min_replies: int = 8  # public replies, the council's own not counted
    min_negative_share: float = 0.6  # of those replies: a clear majority, not a split debate
    min_authors: int = 4  # distinct people: one angry person is not a pile-on
    max_span_hours: float = 72.0  # the negative replies came within this time


def is_negative(replies: pd.DataFrame) -> pd.Series:
    """Replies that count towards a pile-on: negative and not constructive.

    Constructive criticism is feedback worth answering, not hostility, so it
    never makes a thread a pile-on (feedback_class, DESIGN.md). Frames without
    that column fall back to plain sentiment.
    """
    column = "feedback_class" if "feedback_class" in replies else "sentiment"
    return replies[column] == "negative"


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
    negative = public[is_negative(public)]
    return _summary(
        n_replies=len(public),
        n_negative=len(negative),
        authors=public["author_id"].fillna(public["author_name"]).nunique(),
        negative_authors=negative["author_id"].fillna(negative["author_name"]).nunique(),
        negative_first=negative["created_at"].min() if len(negative) else None,
        negative_last=negative["created_at"].max() if len(negative) else None,
        first=public["created_at"].min() if len(public) else pd.NaT,
        last=public["created_at"].max() if len(public) else pd.NaT,
        rules=rules,
    )


def _summary(n_replies, n_negative, authors, negative_authors, negative_first, negative_last, first, last,
             rules: FlagRules) -> dict:
    """One thread's flag, reason and counts from its aggregates."""
    span_hours = (negative_last - negative_first).total_seconds() / 3600 if n_negative else 0.0
    share = n_negative / n_replies if n_replies else 0.0
    flagged = (
        n_replies >= rules.min_replies
        and share >= rules.min_negative_share
        and authors >= rules.min_authors
        and span_hours <= rules.max_span_hours
    )
    reasons = None
    if flagged:
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
        "first_reply_at": first if n_replies else pd.NaT,
        "last_reply_at": last if n_replies else pd.NaT,
    }


def summarise_threads(replies: pd.DataFrame, rules: FlagRules | None = None) -> pd.DataFrame:
    """One summary row per thread_id in `replies` (columns as store.threads.SUMMARY_COLUMNS).

    The same as summarise_thread on each thread, with the counts taken by one
    grouped pass over all the threads (a pass per thread costs milliseconds each,
    which at tens of thousands of threads is minutes).
    """
    rules = rules or FlagRules()
    columns = [
        "thread_key", "source_id", "flagged", "flag_reasons", "pileon_score", "reply_count",
        "negative_count", "author_count", "first_reply_at", "last_reply_at",
    ]
    if replies.empty:
        return pd.DataFrame([], columns=columns)
    sources = replies.groupby("thread_id", sort=True)["source_id"].first()
    public = replies[~replies["is_council"].fillna(False).astype(bool)]
    public = public.assign(_author=public["author_id"].fillna(public["author_name"]))
    by_thread = public.groupby("thread_id").agg(
        n=("created_at", "size"), authors=("_author", "nunique"), first=("created_at", "min"), last=("created_at", "max"),
    )
    negative = public[is_negative(public)].groupby("thread_id").agg(
        n=("created_at", "size"), authors=("_author", "nunique"), first=("created_at", "min"), last=("created_at", "max"),
    )
    rows = []
    for thread_key, source_id in sources.items():
        mine = by_thread.loc[thread_key] if thread_key in by_thread.index else None
        bad = negative.loc[thread_key] if thread_key in negative.index else None
        row = _summary(
            n_replies=int(mine["n"]) if mine is not None else 0,
            n_negative=int(bad["n"]) if bad is not None else 0,
            authors=int(mine["authors"]) if mine is not None else 0,
            negative_authors=int(bad["authors"]) if bad is not None else 0,
            negative_first=bad["first"] if bad is not None else None,
            negative_last=bad["last"] if bad is not None else None,
            first=mine["first"] if mine is not None else pd.NaT,
            last=mine["last"] if mine is not None else pd.NaT,
            rules=rules,
        )
        row["thread_key"] = thread_key
        row["source_id"] = int(source_id)
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)
