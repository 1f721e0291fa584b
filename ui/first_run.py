"""The empty dashboard: what every page says before anything is collected, leading to the Sources page."""

from __future__ import annotations

import streamlit as st

from ui.labels import NO_DATA


def no_data() -> None:
    """Nothing stored yet: say so, and link to where the first source is added (no terminal needed)."""
    st.info(NO_DATA, icon=":material/info:")
    st.page_link("app_pages/sources.py", label="Add your first source", icon=":material/add_circle:")
