"""The sidebar's filters (period and sources), drawn once per run by app.py and read by every page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import streamlit as st

from analysis.trends import DEFAULT_DAYS, PRESETS, Period, period_ending
from store import queries
from ui.data import london_today, read
from ui.labels import UK_TIME


@dataclass(frozen=True)
class Filters:
    period: Period
    source_ids: tuple[int, ...] | None  # None: every source
    source_names: tuple[str, ...]

    def bounds(self) -> tuple[datetime, datetime]:
        return self.period.bounds()

    def previous_bounds(self) -> tuple[datetime, datetime]:
        return self.period.previous().bounds()

    @property
    def ids(self) -> list[int] | None:
        return None if self.source_ids is None else list(self.source_ids)

    def describe(self) -> str:
        sources = ", ".join(self.source_names) if self.source_names else "all sources"
        return f"{self.period.label()} · {sources}"


_FILTERS_KEY = "pulse_filters"
CUSTOM = "Custom dates"


def sidebar_filters() -> Filters:
    """Draw the period and source filters in the sidebar; remembered for the pages of this run."""
    _, latest = read(queries.item_date_range)
    sources = read(queries.source_list)
    today = dashboard_today()
    with st.sidebar:
        st.session_state.setdefault("filter_period", "Last 30 days")
        preset = st.selectbox("Period", [*PRESETS, CUSTOM], key="filter_period")
        days = PRESETS.get(preset, DEFAULT_DAYS)
        period = period_ending(today, days)
        if preset == CUSTOM:
            picked = st.date_input(
                "From – to", value=(period.start, period.end), format="DD/MM/YYYY", key="filter_dates"
            )
            if isinstance(picked, (tuple, list)) and len(picked) == 2:
                period = Period(picked[0], picked[1])
            elif isinstance(picked, (tuple, list)) and len(picked) == 1:
                period = Period(picked[0], picked[0])
        names = st.multiselect(
            "Sources", sources["name"].tolist(), key="filter_sources", placeholder="All sources"
        )
        if latest is None:
            st.caption("No items stored yet.")
        else:
            st.caption(f"Newest item: {latest:%d %b %Y} · times in {UK_TIME}")
    chosen = sources[sources["name"].isin(names)]
    filters = Filters(
        period=period,
        source_ids=tuple(int(i) for i in chosen["id"]) if names else None,
        source_names=tuple(names),
    )
    st.session_state[_FILTERS_KEY] = filters
    return filters


def current_filters() -> Filters:
    """The sidebar's filters (app.py draws them before any page runs)."""
    filters = st.session_state.get(_FILTERS_KEY)
    if filters is None:  # defensive: a page run without the router
        filters = sidebar_filters()
    return filters


def dashboard_today() -> date:
    """The day every period ends on: today in London (as the store counts days). The demo is a recording of some
    weeks, so there it is the recording's last day, and its banner says so."""
    if read(queries.is_demo):
        latest = read(queries.item_date_range)[1]
        if latest is not None:
            return latest
    return london_today()


def demo_banner() -> None:
    if read(queries.is_demo):
        first, last = read(queries.item_date_range)
        recorded = f" of {first:%d %b} – {last:%d %b %Y}" if first and last else ""
        st.info(
            f"You are looking at the demo database: a recording{recorded}, sample posts replayed through the "
            f"real collectors, not live data. Periods end on the last recorded day"
            f"{f' ({last:%d %b %Y})' if last else ''}, not today.",
            icon=":material/science:",
        )
