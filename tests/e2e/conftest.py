"""The browser tests' shared fixtures (defined in test_browser.py): the seeded app, the browser, a page."""

from tests.e2e.test_browser import app_url, browser, page, seeded  # noqa: F401
