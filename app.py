"""Council Pulse: the router. Page setup, the shared sidebar filters, then the chosen page."""

import streamlit as st

from ui.errors import failures_logged_with_a_reference
from ui.filters import demo_banner, sidebar_filters
from ui.freshness import freshness_alert
from ui.identity import login_gate, sidebar_identity

st.set_page_config(page_title="Council Pulse", layout="wide")

PAGES = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/monitoring:", default=True),
    st.Page("app_pages/trends.py", title="Trends", icon=":material/trending_up:", url_path="trends"),
    st.Page("app_pages/flagged.py", title="Flagged threads", icon=":material/flag:", url_path="flagged"),
    st.Page("app_pages/thread.py", title="Thread", icon=":material/forum:", url_path="thread"),
    st.Page("app_pages/export.py", title="Weekly export", icon=":material/download:", url_path="export"),
    st.Page("app_pages/sources.py", title="Sources", icon=":material/rss_feed:", url_path="sources"),
    st.Page("app_pages/audit.py", title="Audit log", icon=":material/history:", url_path="audit"),
    st.Page("app_pages/quality.py", title="Model quality", icon=":material/fact_check:", url_path="quality"),
]

page = st.navigation(PAGES)
login_gate()  # first: with a login configured, nothing about the data is drawn before sign-in
demo_banner()
sidebar_filters()
sidebar_identity()
freshness_alert()  # after the login gate: it names sources
with failures_logged_with_a_reference():
    page.run()
