"""Did our reply help? The public's replies before and after the council's first reply in a thread.

For every thread where the council replied (a reply by the council's own account; the
council's root post does not count), the public's replies are split at the council's
first reply: those posted up to that moment are "before", those after it "after". Each
side gets its count, its share of negative replies (feedback_class 'negative':
constructive criticism is not negative), its share of hostile replies and its mean
VADER compound score. The verdict is one line in words, and says when there is too
little to tell rather than guessing.

All threads are handled at once with grouped operations; `reply_effect` is the same
for one thread's replies (as the Thread page reads them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.threads import is_negative


@dataclass(frozen=True)
class EffectRules:
    """When a before/after difference is worth a verdict."""

    min_before: int = 3  # public replies before the council's reply
    min_after: int = 3  # public replies after it
    share_change: float = 0.15  # a change in the negative (or hostile) share this big is a change
    compound_change: float = 0.2  # a change in mean compound this big is a change in tone


@dataclass(frozen=True)
class Side:
    replies: int
    negative_share: float | None  # None when there are no replies
    hostile_share: float | None
    mean_compound: float | None


@dataclass(frozen=True)
class ReplyEffect:
    council_replied_at: pd.Timestamp
    before: Side
    after: Side
    outcome: str  # better | worse | no_change | too_few
    verdict: str  # one line in words


EFFECT_COLUMNS = [
    "thread_key", "council_replied_at",
    "before_replies", "before_negative_share", "before_hostile_share", "before_mean_compound",
    "after_replies", "after_negative_share", "after_hostile_share", "after_mean_compound",
    "outcome", "verdict",
]
OUTCOME_LABELS = {
    "better": "Calmer after",
    "worse": "Angrier after",
    "no_change": "No clear change",
    "too_few": "Too early to tell",
}


def _percent(share: float) -> str:
    return f"{round(100 * share)} %"


def _verdict(before: Side, after: Side, rules: EffectRules) -> tuple[str, str]:
    """(outcome, one line in words) for one thread's two sides."""
    if after.replies < rules.min_after:
        so_far = "none" if after.replies == 0 else f"{after.replies} so far"
        return "too_few", f"Too few replies after our reply to tell ({so_far})."
    if before.replies < rules.min_before:
        return "too_few", (
            f"Too few replies before our reply to compare ({before.replies}); "
            f"{_percent(after.negative_share)} of the {after.replies} replies after it were negative."
        )
    shares = f"{_percent(before.negative_share)} of replies negative before, {_percent(after.negative_share)} after"
    negative = after.negative_share - before.negative_share
    hostile = after.hostile_share - before.hostile_share
    tone = (after.mean_compound - before.mean_compound
            if before.mean_compound is not None and after.mean_compound is not None else 0.0)
    if negative <= -rules.share_change or (abs(negative) < rules.share_change and hostile <= -rules.share_change):
        return "better", f"Calmer after our reply: {shares}."
    if negative >= rules.share_change or (abs(negative) < rules.share_change and hostile >= rules.share_change):
        return "worse", f"Angrier after our reply: {shares}."
    scores = f"mean score {before.mean_compound or 0:+.2f} to {after.mean_compound or 0:+.2f}"
    if tone >= rules.compound_change:
        return "better", f"Warmer in tone after our reply ({scores}); {shares}."
    if tone <= -rules.compound_change:
        return "worse", f"Colder in tone after our reply ({scores}); {shares}."
    return "no_change", f"No clear change after our reply: {shares}."


def reply_effects(replies: pd.DataFrame, rules: EffectRules | None = None) -> pd.DataFrame:
    """One row (EFFECT_COLUMNS) per thread_id in `replies` in which the council replied.

    `replies`: thread_id, created_at, is_council, feedback_class (or sentiment),
    hostile, compound: every reply of the threads, the root posts left out.
    """
    rules = rules or EffectRules()
    if replies.empty:
        return pd.DataFrame([], columns=EFFECT_COLUMNS)
    council = replies["is_council"].fillna(False).astype(bool)
    first = replies[council].groupby("thread_id")["created_at"].min()
    if first.empty:
        return pd.DataFrame([], columns=EFFECT_COLUMNS)
    public = replies[~council & replies["thread_id"].isin(first.index)]
    frame = pd.DataFrame({
        "thread_id": public["thread_id"].to_numpy(),
        "after": (public["created_at"].to_numpy() > first.reindex(public["thread_id"]).to_numpy()),
        "negative": is_negative(public).to_numpy(),
        "hostile": public["hostile"].fillna(False).astype(bool).to_numpy() if "hostile" in public else False,
        "compound": pd.to_numeric(public["compound"], errors="coerce").to_numpy()
        if "compound" in public else np.nan,
    })
    sides = frame.groupby(["thread_id", "after"]).agg(
        replies=("negative", "size"), negative_share=("negative", "mean"), hostile_share=("hostile", "mean"),
        mean_compound=("compound", "mean"),
    ).unstack("after")
    out = pd.DataFrame({"thread_key": first.index, "council_replied_at": first.to_numpy()})
    for after, prefix in ((False, "before"), (True, "after")):
        for name in ("replies", "negative_share", "hostile_share", "mean_compound"):
            column = (name, after)
            values = sides[column].reindex(first.index) if column in sides else pd.Series(np.nan, index=first.index)
            out[f"{prefix}_{name}"] = values.to_numpy()
        out[f"{prefix}_replies"] = out[f"{prefix}_replies"].fillna(0).astype(int)
    verdicts = [
        _verdict(_side(row, "before"), _side(row, "after"), rules) for row in out.itertuples(index=False)
    ]
    out["outcome"] = [outcome for outcome, _ in verdicts]
    out["verdict"] = [words for _, words in verdicts]
    return out[EFFECT_COLUMNS]


def _side(row, prefix: str) -> Side:
    def value(name: str) -> float | None:
        got = getattr(row, f"{prefix}_{name}")
        return None if got is None or pd.isna(got) else float(got)

    return Side(int(getattr(row, f"{prefix}_replies")), value("negative_share"), value("hostile_share"),
                value("mean_compound"))


def reply_effect(replies: pd.DataFrame, rules: EffectRules | None = None) -> ReplyEffect | None:
    """Before and after the council's first reply, for one thread's replies; None if the council never replied."""
    if replies.empty:
        return None
    frame = replies if "thread_id" in replies else replies.assign(thread_id="thread")
    rows = reply_effects(frame, rules)
    if rows.empty:
        return None
    row = next(rows.itertuples(index=False))
    return ReplyEffect(pd.Timestamp(row.council_replied_at), _side(row, "before"), _side(row, "after"),
                       row.outcome, row.verdict)
