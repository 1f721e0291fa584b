"""Spikes: a day whose negative (or hostile) volume on a source or service area is far above its recent normal.

The normal is the median of the days before (a rolling window), and "far above" is
measured in MADs (median absolute deviations, scaled to a standard deviation), so
one earlier bad day does not hide the next one the way a mean and standard
deviation would. Pure: counts in, spikes out.

`detect_spikes` checks negative items per source (the alerts that `python -m
analysis alerts` sends); `detect_group_spikes` checks negative and hostile items
per source or per service area (the Overview's alerts) with the same rules, and
`spike_sentence` says one in words. `min_negative` is the floor for either measure.
"""

from __future__ import annotations

import statistics
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
    median = float(statistics.median(history))  # plain Python: a few dozen values, hundreds of times a page
    mad = float(statistics.median(abs(v - median) for v in history))
    spread = max(MAD_TO_SD * mad, rules.min_spread)
    return median, spread, (value - median) / spread


def _scan(frame: pd.DataFrame, keys: list[str], measure: str, days: list[date], rules: SpikeRules):
    """Yield (key values, day, value, baseline, spread, score, history days) for every spike."""
    for key, group in frame.groupby(keys, sort=True):
        counts = group.groupby("day")[measure].sum().to_dict()  # a dict: one look-up per day below
        first = min(counts)
        for day in days:
            window = [day - timedelta(days=n) for n in range(rules.baseline_days, 0, -1)]
            history = [float(counts.get(d, 0)) for d in window if d >= first]
            if len(history) < rules.min_history_days:
                continue
            value = float(counts.get(day, 0))
            baseline, spread, score = robust_score(value, history, rules)
            if value >= rules.min_negative and score >= rules.threshold:
                yield key, day, int(value), baseline, round(spread, 2), round(score, 1), len(history)


def _by_day(daily: pd.DataFrame) -> pd.DataFrame:
    frame = daily.copy()
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    return frame


def detect_spikes(daily: pd.DataFrame, days: list[date], rules: SpikeRules | None = None) -> pd.DataFrame:
    """Spikes on `days`, per source.

    `daily` has one row per day and source with anything collected: day (date),
    source_id, source, items, negative. A day missing for a source counts as
    zero negatives, from the source's first day with items on; days before it are
    not history. Returns SPIKE_COLUMNS, biggest score first.
    """
    rules = rules or SpikeRules()
    if daily.empty:
        return pd.DataFrame(columns=SPIKE_COLUMNS)
    rows = [
        [day, int(source_id), source, value, baseline, spread, score]
        for (source_id, source), day, value, baseline, spread, score, _ in _scan(
            _by_day(daily), ["source_id", "source"], "negative", days, rules
        )
    ]
    out = pd.DataFrame(rows, columns=SPIKE_COLUMNS)
    return out.sort_values(["score", "day"], ascending=[False, True], kind="stable").reset_index(drop=True)


# --- Spikes per source or service area, in negative and in hostile items (the dashboard) ---

MEASURES = ("negative", "hostile")
GROUP_SPIKE_COLUMNS = ["day", "by", "group", "measure", "count", "baseline", "spread", "score", "history_days"]
SPLIT_WORDS = {"source": "source", "service_area": "service area"}


def detect_group_spikes(
    daily: pd.DataFrame, days: list[date], by: str, rules: SpikeRules | None = None,
    measures: tuple[str, ...] = MEASURES,
) -> pd.DataFrame:
    """Spikes on `days` per group, in each of `measures` (columns of `daily`).

    `daily` has one row per day and group with anything in it: day, group, and a
    count per measure (store.trends.daily_spike_counts); `by` says what the groups
    are ("source" or "service_area") and is carried into the result. The same rules
    as `detect_spikes`: each group against its own rolling median, in MADs.
    Returns GROUP_SPIKE_COLUMNS, newest day first, then biggest score.
    """
    rules = rules or SpikeRules()
    rows = []
    if not daily.empty:
        frame = _by_day(daily)
        for measure in measures:
            for (group,), day, value, baseline, spread, score, history in _scan(frame, ["group"], measure, days, rules):
                rows.append([day, by, group, measure, value, baseline, spread, score, history])
    out = pd.DataFrame(rows, columns=GROUP_SPIKE_COLUMNS)
    return out.sort_values(["day", "score", "group"], ascending=[False, False, True], kind="stable").reset_index(
        drop=True
    )


def _usual(baseline: float) -> str:
    return f"{baseline:.1f}".rstrip("0").rstrip(".")


def baseline_words(rules: SpikeRules | None = None) -> str:
    """What "usual" means for a spike, in the words every view uses: 'the median of the previous 28 days'."""
    return f"the median of the previous {(rules or SpikeRules()).baseline_days} days"


def spike_sentence(day: date, group: str, found: list[tuple[str, int, float]], history_days: int,
                   rules: SpikeRules | None = None) -> str:
    """A spike in words, from (measure, count, baseline) of each measure that spiked that day:
    'Facebook: 46 negative items on Tue 24 Nov, usually 8 a day (median of the previous 28 days)';
    with two, '..., usually 8 a day, and 12 hostile items, usually 1 a day (medians of ...)'.
    A group with less history than the rules' window says how many days its normal rests on.
    Plain text: a caller showing it as Markdown escapes it."""
    window = (rules or SpikeRules()).baseline_days
    when = f"{day:%a} {day.day} {day:%b}"
    parts = [
        f"{count:,} {measure} {'item' if count == 1 else 'items'}" + (f" on {when}" if n == 0 else "")
        + f", usually {_usual(baseline)} a day"
        for n, (measure, count, baseline) in enumerate(found)
    ]
    medians = "median" if len(found) == 1 else "medians"
    if history_days >= window:
        return f"{group}: {', and '.join(parts)} ({medians} of the previous {window} days)"
    return f"{group}: {', and '.join(parts)} ({medians} of the previous {window} days; only {history_days} have data)"


def spike_alerts(spikes: pd.DataFrame) -> pd.DataFrame:
    """One alert per day and group from detect_group_spikes' rows: a negative and a hostile spike on
    the same day and group are said together. Columns: day, by, group, measure (the one to list
    threads by: negative when it spiked), score (the larger), text. Newest first, then score."""
    rows = []
    for (day, by, group), found in spikes.groupby(["day", "by", "group"], sort=False):
        found = found.set_index("measure").reindex([m for m in MEASURES if m in set(found["measure"])])
        text = spike_sentence(
            day, group, [(m, int(r["count"]), float(r["baseline"])) for m, r in found.iterrows()],
            int(found["history_days"].max()),
        )
        rows.append([day, by, group, found.index[0], float(found["score"].max()), text])
    out = pd.DataFrame(rows, columns=["day", "by", "group", "measure", "score", "text"])
    return out.sort_values(["day", "score", "group"], ascending=[False, False, True], kind="stable").reset_index(
        drop=True
    )
