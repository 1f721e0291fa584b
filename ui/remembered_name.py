"""The officer's typed name, remembered by their browser when no login is configured.

Without a login the name typed in the sidebar only labels the audit log; it never authorises
anything (with a login, ui.identity ignores it and this module is not used). Streamlit forgets a
session's state on every full page load, so the browser keeps the name in a cookie:
st.context.cookies reads it when a session starts (a reload, a link from an alert, a deep link
in a new tab), and a few lines of script (st.html with JavaScript, run in the page itself, so the
cookie belongs to the dashboard's own address) write it whenever the name changes.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

import streamlit as st

COOKIE = "pulse_officer_name"
MAX_AGE_S = 180 * 24 * 3600


def remembered_name() -> str:
    """The name this browser remembered ('' when none), as typed: the caller cleans it like any typed name."""
    try:
        raw = st.context.cookies.get(COOKIE)
    except Exception:  # no browser behind this session (a script run outside the server)
        return ""
    return unquote(raw) if isinstance(raw, str) else ""  # AppTest's context is a mock: anything but text is none


def cookie_script(name: str) -> str:
    """The script that makes this browser remember `name` (forget, when empty). The name is percent-encoded,
    so only letters, digits, '%' and '-._~' reach the script: nothing in it can end the string or the tag."""
    value = quote(name, safe="")
    lifetime = f"max-age={MAX_AGE_S}" if name else "max-age=0"
    return f"<script>document.cookie = '{COOKIE}={value}; path=/; {lifetime}; SameSite=Strict';</script>"


def remember_name(name: str) -> None:
    """Have this browser remember `name` (drawn once, when the name changes)."""
    st.html(cookie_script(name), unsafe_allow_javascript=True)
