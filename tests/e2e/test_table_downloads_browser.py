"""No table offers a download of its own, and the dashboard's downloads write formula cells as text
(issue 16, finding 9), in a real browser.

The seeded database's pile-on post is titled `=HYPERLINK("http://127.0.0.1:9/x","y")` and an audit
row carries formulas. `streamlit run app.py` serves it; Chromium opens every page of the router,
hovers every table until its toolbar shows, and reads the toolbar's buttons: there is no
"Download as CSV" among them (Streamlit's own, which wrote the title as a live formula). The
Flagged threads and Audit log pages' own "Download as CSV" buttons are pressed: every cell that
Excel would run starts with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path

import pytest

from store.db import connect, transaction
from store.governance import record_action
from tests.conftest import ROOT
from tests.e2e.test_browser import _require_chromium, _settle, open_expanders, running_app
from tests.seed import seed_database

TITLE = '=HYPERLINK("http://127.0.0.1:9/x","y")'
NOTE = "=1+2"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Every page of the router, by its address (app.py: url_path, the default page at /).
ROUTES = [(name, re.search(r'url_path="(\w+)"', rest).group(1) if "url_path" in rest else "")
          for name, rest in re.findall(r'st\.Page\("app_pages/(\w+)\.py"([^)]*)\)',
                                       (ROOT / "app.py").read_text(encoding="utf-8"))]


@pytest.fixture(scope="module")
def formula_app(tmp_path_factory):
    _require_chromium()
    work = tmp_path_factory.mktemp("formulas")
    seeded = seed_database(work / "pulse.duckdb")
    with connect(seeded.path) as con, transaction(con):
        con.execute("UPDATE items SET title = ?, text = ? WHERE key = ?", [TITLE, TITLE, seeded.pile_on_key])
        record_action(con, "Jo Bloggs", "note", NOTE, datetime(2026, 11, 28, 9, 0), thread_key=seeded.pile_on_key,
                      note=TITLE)
    with running_app(seeded.path, work) as base:
        yield base, seeded


def toolbar_labels(page, grid) -> list[str]:
    """The labels of a table's toolbar buttons, shown while the pointer is over the table."""
    grid.scroll_into_view_if_needed()
    grid.hover()
    toolbar = grid.locator("xpath=ancestor::*[@data-testid='stElementContainer'][1]").locator(
        '[data-testid="stElementToolbar"]')
    toolbar.wait_for(state="visible")
    buttons = toolbar.locator('[data-testid="stElementToolbarButton"] button')
    return [buttons.nth(i).get_attribute("aria-label") or "" for i in range(buttons.count())]


def test_no_table_on_any_page_offers_its_own_download(page, formula_app):
    base, seeded = formula_app
    assert len({path for _, path in ROUTES}) == len(ROUTES) >= 8
    tables = 0
    for name, path in ROUTES:
        address = f"{base}/{path}" + (f"?thread={seeded.pile_on_key}" if name == "thread" else "")
        page.goto(address)
        page.locator('[data-testid="stHeading"]').first.wait_for()
        open_expanders(page)  # the Model quality page keeps its tables behind expanders
        for grid in page.locator('[data-testid="stDataFrame"]').all():
            labels = toolbar_labels(page, grid)
            assert labels, f"{name}: a table without its toolbar"
            assert not [label for label in labels if "Download" in label], f"{name}: {labels}"
            tables += 1
    assert tables >= 8  # the queue, the thread's tables, sources, the audit log, quality...


def downloaded_rows(page, button_name: str) -> list[list[str]]:
    button = page.get_by_role("button", name=button_name)
    button.wait_for()
    with page.expect_download() as download:
        button.click()
    return list(csv.reader(io.StringIO(Path(download.value.path()).read_bytes().decode("utf-8-sig"))))


@pytest.mark.parametrize("route, expected", [("flagged", ["'" + TITLE]), ("audit", ["'" + NOTE, "'" + TITLE])])
def test_the_dashboards_own_downloads_write_formulas_as_text(page, formula_app, route, expected):
    base, _ = formula_app
    page.goto(f"{base}/{route}")
    _settle(page)
    rows = downloaded_rows(page, "Download as CSV")
    cells = [cell for row in rows[1:] for cell in row]
    for text in expected:
        assert text in cells, f"{text!r} not in the {route} download"
    live = [cell for cell in cells if cell.startswith(FORMULA_START)]
    assert live == [], f"cells Excel would run: {live}"
