"""The dashboard's own table downloads: Excel-safe CSV, recorded in the audit log under who made them.

Streamlit's table toolbar has no download of its own here (`client.disableDataExport` in
.streamlit/config.toml): it wrote cells as they were, so a post titled `=HYPERLINK(...)` became a live
formula in Excel. Where people need a table as a file, the page offers this one instead: every cell
through analysis.export.to_excel_csv (a formula-like cell is written with a leading apostrophe), built
only when the button is pressed, recorded like the weekly export (ui.identity.exporter).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import pandas as pd
import streamlit as st

from jobs.export import table_csv
from ui.data import database
from ui.identity import exporter
from ui.labels import uk_times


def table_download(frame: pd.DataFrame, columns: Mapping[str, str], file_name: str, what: str, key: str) -> None:
    """A "Download as CSV" button for `frame`'s `columns` (its column -> the file's heading); stored times (naive
    UTC) are written in UK time, as on screen and in the weekly CSV, so a heading of one says "(UK time)"."""
    actor, recorded_as = exporter()
    table = frame[list(columns)].copy()
    for column in table.columns:
        if pd.api.types.is_datetime64_any_dtype(table[column]):
            table[column] = uk_times(table[column])
    table = table.rename(columns=dict(columns))
    st.download_button(
        "Download as CSV",
        data=partial(table_csv, database(), table, what, actor=actor or ""),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        disabled=actor is None,
        key=key,
        help=f"Opens safely in Excel: a cell that would run as a formula is written as text. {recorded_as}",
    )
