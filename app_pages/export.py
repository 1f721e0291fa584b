"""Weekly export: the item-level CSV and the summary CSV of one ISO week, each built only when its button is pressed."""

from functools import partial

import streamlit as st

from analysis.export import parse_iso_week
from analysis.trends import default_export_week, week_options
from jobs.export import weekly_items_csv, weekly_summary_csv
from store import queries
from ui.data import database, read
from ui.filters import dashboard_today
from ui.first_run import no_data
from ui.identity import current_actor
from ui.labels import week_label

st.title("Weekly export")
st.caption(
    "One row per post, comment and mention created in the week (Monday to Sunday, UK time), "
    "with its scores, and a summary: per day, source and service area, the volume of each class and "
    "flagged threads opened and closed. Authors are pseudonymised. Every download is recorded in the audit log. "
    "The export covers every source, whatever the sidebar filters say."
)

earliest, latest = read(queries.item_date_range)
if latest is None:
    no_data()
    st.stop()

today = dashboard_today()
weeks = week_options(today, earliest)
default = default_export_week(today, latest)
if default not in weeks:
    weeks.append(default)
week = st.selectbox(
    "ISO week", weeks, index=weeks.index(default), format_func=week_label, key="export_week", width=420
)

start, end = parse_iso_week(week)
count = read(queries.count_items_between, start, end)
if count == 0:
    st.info("Nothing was collected in this week: the CSV will hold only the header row.")
else:
    st.text(f"{count:,} items in {week}.")
actor = current_actor().name or "dashboard"
items_button, summary_button = st.columns([1, 4])
items_button.download_button(
    "Download CSV",
    data=partial(weekly_items_csv, database(), week, actor=actor),
    file_name=f"council-pulse-{week}.csv",
    mime="text/csv",
    icon=":material/download:",
    type="primary",
    on_click="ignore",
)
summary_button.download_button(
    "Download summary CSV",
    data=partial(weekly_summary_csv, database(), week, actor=actor),
    file_name=f"council-pulse-{week}-summary.csv",
    mime="text/csv",
    icon=":material/table_chart:",
    on_click="ignore",
)
