"""What people are talking about, on the Trends page: the phrases that rose most in the period against
the four periods of the same length before it, for negative and for constructive items
(analysis.phrases, the same as the weekly briefing's)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from analysis.phrases import name_words, rising_phrases
from store.briefing import class_texts, council_account_names
from store.db import DatabaseBusy
from ui.data import CACHE_TTL_S, database, run_query
from ui.filters import Filters
from ui.labels import WRAPPED_ROW_PX

PERIODS_BEFORE = 4
TEXT_LIMIT = 20_000  # items of each class read at most, newest first: a long period on a big store stays quick
CLASSES = {"negative": "Rising in negative items", "constructive": "Rising in constructive items"}


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def period_phrases(db: str, start: datetime, end: datetime, ids: tuple[int, ...] | None) -> dict:
    """{class: rising phrases} for [start, end) against the PERIODS_BEFORE periods before it, and whether
    the read was cut at TEXT_LIMIT."""
    length = end - start
    first = start - PERIODS_BEFORE * length
    texts = run_query(db, class_texts, (first, end, tuple(CLASSES), list(ids) if ids else None, TEXT_LIMIT), {})
    exclude = name_words(run_query(db, council_account_names, (), {}))
    now = texts["created_at"] >= pd.Timestamp(start)
    found = {
        cls: rising_phrases(texts.loc[now & (texts["feedback_class"] == cls), "text"],
                            texts.loc[~now & (texts["feedback_class"] == cls), "text"], PERIODS_BEFORE,
                            exclude=exclude, limit=8)
        for cls in CLASSES
    }
    cut = bool((texts["feedback_class"].value_counts() >= TEXT_LIMIT).any())
    return {"phrases": found, "cut": cut}


def phrases_section(filters: Filters, key: str = "trends_phrases") -> None:
    """The section: a table per class, the public's words shown as plain text in a dataframe."""
    start, end = filters.bounds()
    days = filters.period.days  # not (end - start): a London period with a clock change is an hour more or less
    try:
        result = period_phrases(database(), start, end, tuple(filters.ids) if filters.ids else None)
    except DatabaseBusy:
        st.warning("The database is busy: a collection run is writing to it. Reload in a few seconds.")
        return
    st.caption(
        f"Words and phrases used in more items in these {days} days than in an average {days}-day period of the "
        f"{PERIODS_BEFORE} before; the council's own name and common words are left out. Each with how many items "
        "used it, how many an earlier period did on average, and an example."
        + (f" Only the newest {TEXT_LIMIT:,} items of each class were read." if result["cut"] else "")
    )
    with st.expander("How this is worked out", icon=":material/calculate:"):
        st.markdown("Phrases of one to three words are weighed by class-based TF-IDF: how often a phrase is used in "
                    "this class of items against how common it is everywhere, now against the periods before.")
    for column, (cls, title) in zip(st.columns(2), CLASSES.items()):
        frame = result["phrases"][cls]
        column.markdown(f"**{title}**")
        if frame.empty:
            column.info("Nothing rose above the periods before.")
            continue
        column.dataframe(
            frame[["phrase", "items", "before", "example"]].rename(columns={
                "phrase": "Phrase", "items": "Items", "before": "Before", "example": "Example"}),
            hide_index=True, width="stretch", key=f"{key}_{cls}", row_height=WRAPPED_ROW_PX,
            # Half the main column from a 1280-pixel screen: the example wraps in what is left.
            column_config={"Phrase": st.column_config.TextColumn(width=110),
                           "Items": st.column_config.NumberColumn(width=50),
                           "Before": st.column_config.NumberColumn(format="%.1f", width=55,
                                                                   help="Items a period, on average"),
                           "Example": st.column_config.TextColumn(width=165)},
        )
