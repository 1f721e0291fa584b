"""One word and one colour per feedback class, shared by the dashboard (ui.labels) and the weekly
briefing (jobs.briefing), so a chart reads the same on screen, in the HTML file and in the PDF."""

from __future__ import annotations

CLASS_LABELS = {
    "negative": "Negative",
    "neutral": "Neutral",
    "positive": "Positive",
    "constructive": "Constructive",
    "unscored": "Not scored yet",
}
CLASS_COLOURS = {
    "negative": "#d4351c",
    "neutral": "#9a9ea3",
    "positive": "#00703c",
    "constructive": "#1d70b8",
    "unscored": "#dddddd",
}
