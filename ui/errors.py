"""A page that fails shows a plain message with a reference; the traceback goes to the log under it.

.streamlit/config.toml sets `client.showErrorDetails = "none"`, so Streamlit itself shows no
exception text or traceback to viewers; the reference lets whoever runs the app find the
traceback in its log.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

LOG = logging.getLogger("council_pulse")


@contextmanager
def failures_logged_with_a_reference() -> Iterator[None]:
    try:
        yield
    except Exception as error:
        reference = secrets.token_hex(4)
        LOG.error("page failed (reference %s)", reference, exc_info=error)
        st.error(
            f"Something went wrong on this page (reference {reference}). Reload to try again; if it keeps "
            "happening, give the reference to whoever runs Council Pulse: the details are in its log.",
            icon=":material/error:",
        )
        raise
