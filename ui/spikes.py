"""Spikes on screen: every spike in the filters' period, and the threads behind one."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from analysis.spikes import MAD_TO_SD, SpikeRules, baseline_words, detect_group_spikes, spike_alerts
from settings.clock import london_day_bounds, london_midnight_utc
from store import trends
from ui.data import read
from ui.filters import Filters
from ui.labels import WRAPPED_ROW_PX
from ui.safe_text import escape_markdown
from ui.threads import open_thread


def spike_thread_table(threads: pd.DataFrame, key: str) -> str | None:
    """The threads behind a spike (store.trends.spike_threads) as a table; returns the thread key of
    the row the user selected."""
    table = pd.DataFrame({
        "Post": [" ".join(str(p).split()) for p in threads["post"]],
        "Source": threads["source"],
        "Negative": threads["negative"],
        "Hostile": threads["hostile"],
        "Items": threads["items"],
        "Flagged": [str(r) if f and isinstance(r, str) else "Not flagged" for f, r in
                    zip(threads["flagged"], threads["reason"])],
    })
    event = st.dataframe(
        table, key=key, on_select="rerun", selection_mode="single-row", hide_index=True, width="stretch",
        row_height=WRAPPED_ROW_PX,
        column_config={
            "Post": st.column_config.TextColumn(width=210),
            "Source": st.column_config.TextColumn(width=110),
            "Negative": st.column_config.NumberColumn(format="%d", width=70, help="Negative items that day"),
            "Hostile": st.column_config.NumberColumn(format="%d", width=60, help="Hostile items that day"),
            "Items": st.column_config.NumberColumn(format="%d", width=55, help="All public items that day"),
            "Flagged": st.column_config.TextColumn(width=250, help="Why the thread is flagged, if it is"),
        },
    )
    rows = event.selection.rows if event is not None else []
    if rows:
        return str(threads["thread_key"].iloc[rows[0]])
    return None


def spike_method(rules: SpikeRules | None = None) -> None:
    """How a spike is worked out, with the technical terms, behind an expander (the numbers are the rules')."""
    rules = rules or SpikeRules()
    with st.expander("How this is worked out", icon=":material/calculate:"):
        st.markdown(
            "For every source and every service area, each day's negative items (and, separately, its hostile "
            f"items) are compared with {baseline_words(rules)}. How far is \"far above\" is measured in the "
            f"spread of those days: their median absolute deviation (MAD) times {MAD_TO_SD}, which reads like a "
            f"standard deviation, and at least {rules.min_spread:g}. A day is a spike when it is {rules.threshold:g} "
            f"spreads or more above the median and has at least {rules.min_negative} such items; a source or "
            f"service area needs {rules.min_history_days} days of history first. One earlier bad day does not hide "
            "the next, as it would with an average. Replies in silenced threads are left out. Days run midnight to "
            "midnight UK time."
        )


def period_spikes(filters: Filters) -> pd.DataFrame:
    """Spike alerts (analysis.spikes.spike_alerts) on every day of the filters' period, per source and
    per service area, each day against the days before it (so the read starts that many days early)."""
    rules = SpikeRules()
    _, end = filters.bounds()
    history_start = london_midnight_utc(filters.period.start - timedelta(days=rules.baseline_days))
    days = [d.date() for d in pd.date_range(filters.period.start, filters.period.end, freq="D")]
    found = [
        detect_group_spikes(read(trends.daily_spike_counts, history_start, end, filters.ids, by), days, by, rules)
        for by in ("source", "service_area")
    ]
    return spike_alerts(pd.concat([f for f in found if not f.empty] or found[:1], ignore_index=True))


def spike_with_threads(alert, filters: Filters, key: str) -> None:
    """One spike alert in words, and the threads behind it (most negative, or hostile, items in that
    source or service area that day); selecting a row opens the thread."""
    st.warning(escape_markdown(alert.text), icon=":material/trending_up:")
    threads = read(trends.spike_threads, *london_day_bounds(alert.day), filters.ids, alert.by, alert.group,
                   alert.measure, 3)
    if threads.empty:
        st.caption("No stored thread is behind this spike any more (deleted or purged)." )
        return
    chosen = spike_thread_table(threads, key=key)
    if chosen:
        open_thread(chosen)
