"""The alert every page shows when the data is not up to date: which source, since when, and where to look.

A period always ends today (ui.filters), so a collector that stopped would look like a quiet
spell; this says so instead (analysis.freshness decides, from sources.toml's stale_after_hours
and quiet_after_days). The demo database is a recording, not late: its banner says which weeks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import streamlit as st

from analysis.freshness import LATE, NEVER, Expected, Lapse, lapses
from collectors.registry import load_sources_file
from settings.sources import ConfigError
from store import queries
from store.sources import source_freshness
from ui.data import read
from ui.labels import when
from ui.safe_text import escape_markdown

SHOWN = 6  # lines in the alert; the rest are counted


def expected_sources() -> list[Expected]:
    """The switched-on sources of sources.toml; none while it is the example or cannot be read (the Sources
    page says why)."""
    try:
        configured = load_sources_file()
    except ConfigError:
        return []
    if configured.example:
        return []
    return [Expected(s.name, s.stale_after_hours, s.quiet_after_days) for s in configured.sources if s.enabled]


def ago(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours} hours" if hours < 48 else f"{hours // 24} days"


def lapse_words(lapse: Lapse, now: datetime) -> str:
    """One finding in plain words (plain text: the caller escapes it)."""
    if lapse.what == NEVER:
        return f"{lapse.source}: not collected successfully yet."
    if lapse.what == LATE:
        return (f"{lapse.source}: no successful collection since {when(lapse.since)} ({ago(now - lapse.since)} ago; "
                f"expected at least every {lapse.limit} hours).")
    return f"{lapse.source}: nothing new since {lapse.since:%a %d %b %Y} (more than {lapse.limit} days)."


def freshness_alert() -> None:
    """A warning naming every late or quiet source, with a link to the Sources page; nothing when all is well."""
    if read(queries.is_demo):
        return
    expected = expected_sources()
    if not expected:
        return
    now = datetime.now(UTC).replace(tzinfo=None, second=0, microsecond=0)
    found = lapses(expected, read(source_freshness), now)
    if not found:
        return
    lines = [f"- {escape_markdown(lapse_words(lapse, now))}" for lapse in found[:SHOWN]]
    if len(found) > SHOWN:
        lines.append(f"- and {len(found) - SHOWN} more.")
    with st.container(border=False, key="freshness_alert"):
        st.warning("**The data may be out of date.** The period still ends today, so a quiet spell here may be a "
                   "collector that stopped:\n" + "\n".join(lines), icon=":material/schedule:")
        st.page_link("app_pages/sources.py", label="See each source's health on the Sources page",
                     icon=":material/rss_feed:",
                     help="How long is too long is each source's own setting in sources.toml: stale_after_hours for "
                          "collecting, quiet_after_days for new items.")
