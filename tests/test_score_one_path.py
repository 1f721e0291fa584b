"""One scorer, one path: `python -m analysis score` gives exactly the labels the pipeline stores.

The pipeline side is real: the demo's recorded feeds and Guardian discussions are replayed on
127.0.0.1 through the real collectors into a DuckDB file and scored as a collection run scores
them (demo.build). The CLI side reads the same items (text and headline, as a CSV) and must
give the same six columns, news mentions read with their headline, council replies taking the
area of what they answer.
"""

from __future__ import annotations

import csv
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from analysis.scoring import SCORE_COLUMNS
from tests.conftest import ROOT

pytest.importorskip("collectors.rss", reason="the demo runs the real collectors")
from demo.build import build  # noqa: E402


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=ROOT, capture_output=True, text=True)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("one-path") / "demo.duckdb"
    build(path, fresh=True, show_progress=False)
    return path


def stored(db) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            """SELECT i.key AS item_key, i.title, i.text, i.item_type, i.parent_id, i.is_council,
                      s.compound, s.sentiment, s.constructive_prob, s.feedback_class, s.service_area, s.hostile
               FROM items i JOIN scores s ON s.item_key = i.key ORDER BY i.key"""
        ).df()


def test_the_cli_gives_the_labels_the_pipeline_stored(demo_db, tmp_path):
    items = stored(demo_db)
    assert (items["item_type"] == "mention").sum() >= 20 and items["is_council"].sum() >= 3
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    items[["item_key", "title", "text", "item_type", "parent_id", "is_council"]].to_csv(source, index=False)
    result = run_cli("score", str(source), "--text-column", "text", "--title-column", "title", "-o", str(out))
    assert result.returncode == 0, result.stderr
    scored = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert scored["item_key"].tolist() == items["item_key"].tolist()
    for column in ("sentiment", "feedback_class"):
        assert scored[column].tolist() == items[column].tolist(), column
    assert scored["service_area"].tolist() == items["service_area"].fillna("").tolist()
    assert scored["hostile"].tolist() == [str(v) for v in items["hostile"]]
    pd.testing.assert_series_equal(scored["compound"].astype(float), items["compound"], check_names=False)
    pd.testing.assert_series_equal(scored["constructive_prob"].astype(float), items["constructive_prob"],
                                   check_names=False)


def test_without_their_headline_news_mentions_would_score_differently(demo_db, tmp_path):
    """The equality above depends on the headline: the CLI reads it, as the pipeline does."""
    items = stored(demo_db)
    mentions = items[items["item_type"] == "mention"]
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    mentions[["item_key", "text"]].to_csv(source, index=False)
    assert run_cli("score", str(source), "--text-column", "text", "-o", str(out)).returncode == 0
    scored = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert scored["sentiment"].tolist() != mentions["sentiment"].tolist()


def test_cli_output_is_safe_to_open_in_excel(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text('title,comment\n=HYPERLINK("http://x"),"-2 degrees and the bins were not collected"\n'
                      '+cmd,@SUM(A1)\n', encoding="utf-8")
    result = run_cli("score", str(source), "--text-column", "comment", "--title-column", "title", "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and not _number(cell))]
    assert rows[0][: 2] == ["title", "comment"] and set(SCORE_COLUMNS) <= set(rows[0])


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_a_missing_title_column_is_one_clear_error(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("comment\nhello\n", encoding="utf-8")
    result = run_cli("score", str(source), "--text-column", "comment", "--title-column", "headline", "-o",
                     str(tmp_path / "out.csv"))
    assert result.returncode == 2 and "no column 'headline'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_rescore_brings_a_store_to_the_new_models_and_keeps_corrections(demo_db, tmp_path):
    from analysis.scoring import MODEL_VERSION
    from store import triage
    from store.db import connect

    db = tmp_path / "old.duckdb"
    db.write_bytes(demo_db.read_bytes())
    before = stored(db).set_index("item_key")
    with connect(db) as con:
        con.execute("UPDATE scores SET model_version = 'vader-3.3.2+old', sentiment = 'negative', "
                    "service_area = NULL, feedback_class = 'negative'")
        key = before.index[before["sentiment"] == "positive"][0]
        triage.correct_label(con, triage.Actor("Jo Bloggs", "officer"), [key], "sentiment", "neutral")
    result = run_cli("rescore", "--db", str(db))
    assert result.returncode == 0, result.stderr
    after = stored(db).set_index("item_key")
    for column in ("sentiment", "feedback_class", "service_area", "hostile"):
        assert after[column].tolist() == before[column].tolist(), column
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT DISTINCT model_version FROM scores").fetchall() == [(MODEL_VERSION,)]
        assert con.execute("SELECT value FROM label_corrections WHERE item_key = ?", [key]).fetchall() == [("neutral",)]
