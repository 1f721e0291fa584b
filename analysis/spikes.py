"""Spikes: a day whose negative volume on a source is far above that source's recent normal.

The normal is the median of the days before (a rolling window), and "far above" is
measured in MADs (median absolute deviations, scaled to a standard deviation), so
one earlier bad day does not hide the next one the way a mean and standard
deviation would. Pure: counts in, spikes out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

MAD_TO_SD = 1.4826  # MAD x this estimates the standard deviation of normal data

SPIKE_COLUMNS = ["day", "source_id", "source", "negative", "baseline", "spread", "score"]


@dataclass(frozen=True)
class SpikeRules:
    baseline_days: int = 28  # days before the checked day that make the normal
    min_history_days: int = 7  # a source seen for fewer days has no normal yet
    min_negative: int = 5  # never call fewer negative items than this a spike
    threshold: float = 3.5  # robust z-score at or above which a day is a spike
    min_spread: float = 1.0  # floor for the spread, so a flat history of zeros is not infinitely sensitive


def robust_score(value: float, history: list[float], rules: SpikeRules) -> tuple[float, float, float]:
    """(baseline median, spread, score) of `value` against `history`."""
    series = pd.Series(history, dtype="float64")
    median = float(series.median())
    mad = float((series - median).abs().median())
    spread = max(MAD_TO_SD * mad, rules.min_spread)
    return median, spread, (value - median) / spread


def detect_spikes(daily: pd.DataFrame, days: list[date], rules: SpikeRules | None = None) -> pd.DataFrame:
    """Spikes on `days`, per source.

    `daily` has one row per day and source with anything collected: day (date),
    source_id, source, items, negative. A day missing for a source counts as
    zero negatives, from the source's first day with items on; days before it are
    not history. Returns SPIKE_COLUMNS, biggest score first.
    """
    rules = rules or SpikeRules()
    rows = []
    if daily.empty:
        return pd.DataFrame(columns=SPIKE_COLUMNS)
    frame = daily.copy()
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    for (source_id, source), group in frame.groupby(["source_id", "source"], sort=True):
        counts = group.groupby("day")["negative"].sum()
        first = min(counts.index)
        for day in days:
            window = [day - timedelta(days=n) for n in range(rules.baseline_days, 0, -1)]
            history = [float(counts.get(d, 0)) for d in window if d >= first]
            if len(history) < rules.min_history_days:
                continue
            value = float(counts.get(day, 0))
            baseline, spread, score = robust_score(value, history, rules)
            if value >= rules.min_negative and score >= rules.threshold:
                rows.append([day, int(source_id), source, int(value), baseline, round(spread, 2), round(score, 1)])
    out = pd.DataFrame(rows, columns=SPIKE_COLUMNS)
    return out.sort_values(["score", "day"], ascending=[False, True], kind="stable").reset_index(drop=True)
