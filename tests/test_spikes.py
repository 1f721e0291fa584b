from datetime import date, timedelta

import pandas as pd

from analysis.spikes import SpikeRules, detect_spikes, robust_score

DAY = date(2026, 11, 20)


def daily(counts: dict[date, int], source_id: int = 1, source: str = "Reddit") -> pd.DataFrame:
    return pd.DataFrame(
        [{"day": d, "source_id": source_id, "source": source, "items": n + 3, "negative": n} for d, n in counts.items()]
    )


def history(values: list[int], end: date = DAY) -> dict[date, int]:
    """values for the days before `end`, oldest first."""
    return {end - timedelta(days=len(values) - n): v for n, v in enumerate(values)}


def test_a_jump_over_a_quiet_fortnight_is_a_spike():
    counts = history([1, 0, 2, 1, 1, 0, 1, 2, 1, 0, 1, 1, 2, 1]) | {DAY: 12}
    spikes = detect_spikes(daily(counts), [DAY])
    assert spikes[["day", "source", "negative", "baseline"]].values.tolist() == [[DAY, "Reddit", 12, 1.0]]
    assert spikes["score"].iloc[0] >= 3.5


def test_a_busy_source_needs_a_bigger_jump():
    busy = [20, 35, 18, 40, 22, 30, 25, 38, 19, 27, 33, 24, 29, 36]
    assert detect_spikes(daily(history(busy) | {DAY: 45}), [DAY]).empty
    assert len(detect_spikes(daily(history(busy) | {DAY: 90}), [DAY])) == 1


def test_one_earlier_bad_day_does_not_hide_the_next():
    counts = history([1, 0, 1, 1, 30, 1, 0, 1, 1, 2, 1, 0, 1, 1]) | {DAY: 15}
    assert len(detect_spikes(daily(counts), [DAY])) == 1


def test_too_little_history_or_too_few_negatives_is_never_a_spike():
    assert detect_spikes(daily(history([0, 0, 0]) | {DAY: 40}), [DAY]).empty  # three days of history
    assert detect_spikes(daily(history([0] * 14) | {DAY: 4}), [DAY]).empty  # below min_negative
    assert len(detect_spikes(daily(history([0] * 14) | {DAY: 4}), [DAY], SpikeRules(min_negative=3))) == 1


def test_days_without_rows_count_as_zero_but_only_after_the_source_began():
    # The source began 10 days ago with one negative; the quiet days in between have no rows.
    counts = {DAY - timedelta(days=10): 1, DAY: 8}
    assert len(detect_spikes(daily(counts), [DAY])) == 1
    began_yesterday = {DAY - timedelta(days=1): 0, DAY: 8}
    assert detect_spikes(daily(began_yesterday), [DAY]).empty


def test_each_source_against_its_own_normal():
    quiet = daily(history([0] * 14) | {DAY: 9}, 1, "Quiet")
    busy = daily(history([8, 10, 9, 11, 7, 9, 10, 8, 9, 12, 10, 9, 8, 11]) | {DAY: 9}, 2, "Busy")
    spikes = detect_spikes(pd.concat([quiet, busy]), [DAY, DAY - timedelta(days=1)])
    assert spikes["source"].tolist() == ["Quiet"]


def test_robust_score_floor_on_a_flat_history():
    assert robust_score(6, [0.0] * 10, SpikeRules()) == (0.0, 1.0, 6.0)


def test_empty_input():
    assert detect_spikes(daily({}), [DAY]).empty
