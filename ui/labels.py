"""How values are shown: one word and one colour per feedback class and triage status, and dates."""

from __future__ import annotations

from datetime import date

import pandas as pd

# One colour and one word per feedback class, everywhere: charts, badges, tables, and the weekly briefing.
from analysis.palette import CLASS_COLOURS, CLASS_LABELS  # noqa: F401 (ui's name for them)

# Streamlit's Markdown colour names closest to CLASS_COLOURS, for captions.
CLASS_TEXT_COLOURS = {
    "negative": "red", "neutral": "gray", "positive": "green", "constructive": "blue", "unscored": "gray",
}
STATUS_LABELS = {
    "new": "New",
    "acknowledged": "Acknowledged",
    "in_progress": "In progress",
    "responded": "Responded",
    "closed": "Closed",
}

NO_DATA = (
    "No items are stored yet. Collect some with `python -m collectors run`, "
    "or build the demo database with `make demo`."
)


def when(stamp: object) -> str:
    """A stored naive-UTC timestamp for people: '27 Nov 2026 14:05 UTC'."""
    if stamp is None or pd.isna(stamp):
        return "–"
    return f"{pd.Timestamp(stamp):%d %b %Y %H:%M} UTC"


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
