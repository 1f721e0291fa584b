"""Weekly export: the item-level CSV (with its data dictionary), the summary CSV and the weekly briefing
(HTML or PDF) of one ISO week, each built only when its button is pressed and recorded under who made it."""

from functools import partial

import streamlit as st

from analysis.export import parse_iso_week
from analysis.trends import default_export_week, week_options
from jobs.briefing import briefing_file
from jobs.export import data_dictionary_csv, weekly_items_csv, weekly_summary_csv
from store import queries
from ui.data import database, read
from ui.filters import dashboard_today
from ui.first_run import no_data
from ui.identity import exporter
from ui.labels import week_label
from ui.safe_text import escape_markdown

st.title("Weekly export")
st.caption(
    "One row per post, comment and mention created in the week (Monday to Sunday, UK time), "
    "with its scores, and a summary: per day, source and service area, the volume of each class and "
    "flagged threads opened and closed. Residents are pseudonymised; the council, news outlets and official "
    "accounts keep their names. Every download is recorded in the audit log. "
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
actor, recorded_as = exporter()
if actor is None:
    st.warning(recorded_as, icon=":material/lock:")
else:
    st.caption(escape_markdown(recorded_as))
items_button, summary_button, dictionary_button = st.columns([1, 1.3, 2.7])
items_button.download_button(
    "Download CSV",
    data=partial(weekly_items_csv, database(), week, actor=actor or ""),
    file_name=f"council-pulse-{week}.csv",
    mime="text/csv",
    icon=":material/download:",
    type="primary",
    on_click="ignore",
    disabled=actor is None,
)
summary_button.download_button(
    "Download summary CSV",
    data=partial(weekly_summary_csv, database(), week, actor=actor or ""),
    file_name=f"council-pulse-{week}-summary.csv",
    mime="text/csv",
    icon=":material/table_chart:",
    on_click="ignore",
    disabled=actor is None,
)
dictionary_button.download_button(
    "Data dictionary",
    data=data_dictionary_csv,
    file_name="council-pulse-items-dictionary.csv",
    mime="text/csv",
    icon=":material/menu_book:",
    on_click="ignore",
    help="What each column of the items CSV means (also in the README)",
)

st.subheader("Weekly briefing")
st.caption(
    "One or two pages for the comms lead: the week in numbers against last week and the four before, per channel "
    "and service area, the threads that mattered, spikes, what people are talking about, suggestions worth acting "
    "on and how fast flagged threads were answered. The same file as `python -m analysis briefing`."
)
BRIEFING_FILES = {"html": ("text/html", ":material/article:"), "pdf": ("application/pdf", ":material/picture_as_pdf:")}
for column, (fmt, (mime, icon)) in zip(st.columns([1, 4]), BRIEFING_FILES.items()):
    column.download_button(
        f"Briefing ({fmt.upper()})",
        data=partial(briefing_file, database(), week, fmt, actor=actor or ""),
        file_name=f"council-pulse-briefing-{week}.{fmt}",
        mime=mime,
        icon=icon,
        on_click="ignore",
        disabled=actor is None,
    )
