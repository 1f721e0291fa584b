"""How values are shown: one word and one colour per feedback class and triage status, and dates."""

from __future__ import annotations

from datetime import date

import pandas as pd

# One colour and one word per feedback class, everywhere: charts, badges, tables, and the weekly briefing.
from analysis.palette import CLASS_COLOURS, CLASS_LABELS  # noqa: F401 (ui's name for them)
from settings.clock import ZONE

# Streamlit's Markdown colour names closest to CLASS_COLOURS, for captions.
CLASS_TEXT_COLOURS = {
    "negative": "red", "neutral": "gray", "positive": "green", "constructive": "blue", "unscored": "gray",
}
# Table rows this tall wrap their text (the grid wraps only in rows taller than 4rem, 64 px): three lines.
WRAPPED_ROW_PX = 76
STATUS_LABELS = {
    "new": "New",
    "acknowledged": "Acknowledged",
    "in_progress": "In progress",
    "responded": "Responded",
    "closed": "Closed",
}

NO_DATA = (
    "Nothing has been collected yet. Start on the Sources page: choose a channel (a news feed, a Facebook "
    "Page, a subreddit...), paste its address, test it and collect it."
)


UK_TIME = "UK time"  # how every time on screen is labelled: London's clock, GMT or BST as the date has it


def when(stamp: object) -> str:
    """A stored naive-UTC timestamp for people, on London's clock: '27 Nov 2026 14:05 UK time'."""
    if stamp is None or pd.isna(stamp):
        return "–"
    return f"{uk_time(stamp):%d %b %Y %H:%M} {UK_TIME}"


def uk_time(stamp: object) -> pd.Timestamp:
    """A naive-UTC timestamp as the naive time in London."""
    return pd.Timestamp(stamp).tz_localize("UTC").tz_convert(ZONE).tz_localize(None)


def uk_times(stamps: pd.Series) -> pd.Series:
    """A column of naive-UTC timestamps as naive London times (for tables headed "(UK time)")."""
    return pd.to_datetime(stamps).dt.tz_localize("UTC").dt.tz_convert(ZONE).dt.tz_localize(None)


def week_label(week: str) -> str:
    """'2026-W47 · 16 Nov – 22 Nov 2026' for an ISO week string."""
    year, number = week.split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    sunday = date.fromisocalendar(int(year), int(number), 7)
    return f"{week} · {monday:%d %b} – {sunday:%d %b %Y}"


def share_words(value: object) -> str:
    """A share as a whole percentage, '–' when there is none."""
    return "–" if value is None or pd.isna(value) else f"{round(100 * float(value))} %"


def signed(value: object) -> str:
    """A score with its sign, '–' when there is none."""
    return "–" if value is None or pd.isna(value) else f"{float(value):+.2f}"
