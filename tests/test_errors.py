"""A failing page: viewers see a plain message with a reference, never the traceback; the log has both."""

from __future__ import annotations

import logging
import re
import tomllib

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def failing_page():
    from ui.errors import failures_logged_with_a_reference

    with failures_logged_with_a_reference():
        raise ValueError("SELECT secret FROM internals")


def test_a_failing_page_shows_a_reference_and_logs_the_traceback(caplog):
    caplog.set_level(logging.ERROR, logger="council_pulse")
    at = AppTest.from_function(failing_page).run()
    shown = at.error[0].value
    reference = re.search(r"reference ([0-9a-f]{8})", shown).group(1)
    assert "SELECT secret" not in shown
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and "SELECT secret FROM internals" in str(logged[0].exc_info[1])
    assert at.exception  # Streamlit still records the failure (the tests' `not at.exception` checks rely on it)


def test_viewers_are_shown_no_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
