"""Every download is formula-safe, the tables' own toolbar included (issue 16, finding 9).

Streamlit's table toolbar wrote "Download as CSV" cells as they were: a post titled
`=HYPERLINK("http://x","y")` became a live formula in Excel. The dashboard turns the tables' own
export off (`client.disableDataExport` in .streamlit/config.toml, which Streamlit reads from the
project's folder) and offers its own download where people need a table as a file (the flagged
queue, the audit log: ui.downloads), Excel-safe and recorded in the audit log. In a real browser,
tests/e2e/test_table_downloads_browser.py checks that no table offers a download of its own and that
the project's downloads write formula cells as text.
"""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path

import pandas as pd
from streamlit import file_util

from jobs.export import table_csv
from store.db import connect
from store.triage import audit_log
from tests.test_export_page import buttons
from tests.test_triage_pages import open_app

FORMULAS = ['=HYPERLINK("http://x","y")', "=1+2", "@SUM(A1:A2)", "+44 20 7946 0000", "-2+3", "\tTabbed"]


def test_the_tables_offer_no_export_of_their_own():
    """Streamlit's own lookup of the project's config.toml (as `streamlit run app.py` from the root reads it)."""
    config = tomllib.loads(Path(file_util.get_project_streamlit_file_path("config.toml")).read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


def test_a_table_download_writes_formula_cells_as_text_and_is_recorded(db_path):
    frame = pd.DataFrame({"Post": FORMULAS, "Replies": range(len(FORMULAS))})
    data = table_csv(db_path, frame, "flagged threads", actor="Jo Bloggs")
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark: Excel reads it as such
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Post", "Replies"]
    assert [row[0] for row in rows[1:]] == ["'" + text for text in FORMULAS]
    with connect(db_path, read_only=True) as con:
        log = audit_log(con)
    assert log[["actor", "action", "value"]].values.tolist() == [["Jo Bloggs", "export", "flagged threads: 6 rows"]]


def test_the_queue_and_the_audit_log_offer_the_safe_download(seeded_db):
    queue = open_app("app_pages/flagged.py", name="Jo Bloggs")
    assert not buttons(queue)["Download as CSV"].proto.disabled
    assert "Opens safely in Excel" in buttons(queue)["Download as CSV"].proto.help
    with connect(seeded_db.path) as con:
        con.execute("INSERT INTO actions (acted_at, actor, action, value) VALUES (now(), 'Jo', 'note', '=1+2')")
    audit = open_app("app_pages/audit.py", name="Jo Bloggs")
    assert "Download as CSV" in buttons(audit)
