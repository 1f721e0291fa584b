"""Weekly export: the item-level CSV of one ISO week, built only when the button is pressed."""

from functools import partial

import streamlit as st

import views
from analysis.export import parse_iso_week, weekly_items_csv
from analysis.trends import default_export_week, week_options

st.title("Weekly export")
st.caption(
    "One row per post, comment and mention created in the week (Monday to Sunday, UK time), "
    "with its scores. Authors are pseudonymised. Every download is recorded in the audit log. "
    "The export covers every source, whatever the sidebar filters say."
)

earliest, latest = views.read("item_date_range")
if latest is None:
    st.info(views.NO_DATA)
    st.stop()

today = views.utc_today()
weeks = week_options(today, earliest)
default = default_export_week(today, latest)
if default not in weeks:
    weeks.append(default)
week = st.selectbox(
    "ISO week", weeks, index=weeks.index(default), format_func=views.week_label, key="export_week", width=420
)

start, end = parse_iso_week(week)
count = views.read("count_items_between", start, end)
if count == 0:
    st.info("Nothing was collected in this week: the CSV will hold only the header row.")
else:
    st.text(f"{count:,} items in {week}.")
st.download_button(
    "Download CSV",
    data=partial(weekly_items_csv, views.database(), week),
    file_name=f"council-pulse-{week}.csv",
    mime="text/csv",
    icon=":material/download:",
    type="primary",
    on_click="ignore",
)
