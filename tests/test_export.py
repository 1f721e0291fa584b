import csv
import io
import subprocess
import sys
from datetime import date, datetime

import pytest

from analysis.export import WeekError, last_complete_week, neutralise_formula, parse_iso_week
from jobs.export import weekly_items_csv
from jobs.scoring import score_pending
from settings.sources import SourceConfig
from store.db import connect
from tests.conftest import ROOT
from tests.factories import comment, post, store_items

SOURCE = SourceConfig(name="Guardian test", kind="guardian", options={"discussions": ["/p/1"]},
                      council_accounts=("brackenfordcouncil",))


def read_csv(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, for Excel"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_week_boundaries_follow_london_time_across_the_clock_change():
    # 2026-W43: Monday 19 October (BST, UTC+1) to Monday 26 October (GMT, clocks went back on the 25th)
    assert parse_iso_week("2026-W43") == (datetime(2026, 10, 18, 23, 0), datetime(2026, 10, 26, 0, 0))
    assert parse_iso_week("2026w47") == (datetime(2026, 11, 16, 0, 0), datetime(2026, 11, 23, 0, 0))


@pytest.mark.parametrize("bad", ["2026-47", "W47", "2026-W54", "2025-W53", "last week", ""])
def test_bad_weeks_are_refused_in_words(bad):
    with pytest.raises(WeekError):
        parse_iso_week(bad)


def test_last_complete_week():
    assert last_complete_week(date(2026, 11, 30)) == "2026-W48"  # a Monday
    assert last_complete_week(date(2026, 11, 29)) == "2026-W47"  # a Sunday
    assert last_complete_week(date(2027, 1, 4)) == "2026-W53"


@pytest.mark.parametrize(
    "value, expected",
    [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+44 1234", "'+44 1234"),
     ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
     ("fine", "fine"), (3, 3), (None, None)],
)
def test_formula_cells_are_neutralised(value, expected):
    assert neutralise_formula(value) == expected


@pytest.fixture
def week_db(db_path):
    items = [
        post("/p/1", "Council budget story", datetime(2026, 10, 18, 22, 59)),  # Sunday 23:59 BST: week 42
        comment("c1", "First of the week, really good idea", datetime(2026, 10, 18, 23, 0), "/p/1", author="alice"),
        comment("c2", "=HYPERLINK(\"http://evil.invalid\",\"click\")", datetime(2026, 10, 21, 12), "/p/1", author="bob"),
        comment("c3", "Thank you, we will look at it", datetime(2026, 10, 22, 9), "/p/1", author="brackenfordcouncil"),
        comment("c4", "Last minute of Sunday, terrible service", datetime(2026, 10, 25, 23, 59), "/p/1", author="alice"),
        comment("c5", "Monday already", datetime(2026, 10, 26, 0, 0), "/p/1", author="carol"),  # week 44
    ]
    with connect(db_path) as con:
        store_items(con, SOURCE, items)
    score_pending(db_path)
    return db_path


def test_weekly_export_rows_columns_and_pseudonyms(week_db):
    rows = read_csv(weekly_items_csv(week_db, "2026-W43", actor="Jo"))
    assert [r["item_key"] for r in rows] == ["guardian:c1", "guardian:c2", "guardian:c3", "guardian:c4"]
    assert rows[0]["created_at_london"] == "2026-10-19 00:00:00"
    assert rows[3]["created_at_london"] == "2026-10-25 23:59:00"
    assert rows[1]["text"].startswith("'=HYPERLINK")
    assert rows[0]["author"].startswith("author-") and rows[0]["author"] == rows[3]["author"]
    assert rows[0]["author"] != rows[1]["author"]
    assert rows[2]["author"] == "brackenfordcouncil"  # the council's own account is not pseudonymised
    assert {r["sentiment"] for r in rows} <= {"positive", "neutral", "negative"}
    assert "alice" not in weekly_items_csv(week_db, "2026-W43", actor="Jo").decode("utf-8-sig")


def test_pseudonyms_are_stable_across_exports(week_db):
    first = read_csv(weekly_items_csv(week_db, "2026-W43", actor="Jo"))
    second = read_csv(weekly_items_csv(week_db, "2026-W43", actor="Jo"))
    assert [r["author"] for r in first] == [r["author"] for r in second]


def test_export_is_recorded_in_the_audit_log(week_db):
    weekly_items_csv(week_db, "2026-W43", actor="officer:jo")
    with connect(week_db, read_only=True) as con:
        assert con.execute("SELECT actor, action, value FROM actions").fetchall() == [
            ("officer:jo", "export", "weekly items 2026-W43: 4 rows, residents pseudonymised")
        ]


def run_cli(*args, env_db=None):
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=ROOT, capture_output=True, text=True)


def test_export_cli_writes_the_file(week_db, tmp_path):
    out = tmp_path / "week.csv"
    result = run_cli("export", "--week", "2026-W43", "-o", str(out), "--db", str(week_db))
    assert result.returncode == 0, result.stderr
    assert "wrote 4 items for 2026-W43" in result.stdout
    assert len(read_csv(out.read_bytes())) == 4


@pytest.mark.parametrize(
    "args, message",
    [(["export", "--week", "2026-99"], "is not an ISO week"),
     (["export", "--week", "2026-W47", "--db", "/nonexistent/x.duckdb"], "no database at"),
     (["score", "/nonexistent.csv", "--text-column", "t", "-o", "x.csv"], "no such file"),
     (["export", "--week", "2026-W43", "-o", "/nonexistent-folder/w.csv"], "there is no folder /nonexistent-folder")],
)
def test_cli_mistakes_are_one_line_errors(args, message, week_db):
    if "--db" not in args and args[0] == "export":
        args = [*args, "--db", str(week_db)]
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_score_cli_adds_columns(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,comment\n1,The new bin schedule is great\n2,\"Potholes everywhere, awful\"\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run_cli("score", str(source), "--text-column", "comment", "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["sentiment"] for r in rows] == ["positive", "negative"]
    assert {"compound", "constructive_prob", "feedback_class", "service_area", "hostile"} <= set(rows[0])


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_cells(data: bytes) -> list[str]:
    """Cells Excel would run: text starting with a formula character (numbers such as -0.49 are numbers)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    found = []
    for cell in (c for row in rows[1:] for c in row):
        try:
            float(cell)
        except ValueError:
            if cell.startswith(FORMULA_START):
                found.append(cell)
    return found


def test_every_export_path_neutralises_formula_cells(db_path):
    """Items CSV (dashboard button, `analysis export`, with or without pseudonyms), summary CSV and the
    corrections file: text from the public, a source's name and authors never start a formula."""
    from jobs.export import build_corrections_csv, weekly_summary_csv
    from store import triage

    source = SourceConfig(name="=cmd|' /C calc'!A0", kind="guardian", options={"discussions": ["/p/1"]})
    attacks = ['=HYPERLINK("http://evil.invalid","click")', "+SUM(1,1) awful", "-2+3 terrible", "@SUM(A1) useless"]
    items = [post("/p/1", "+44 budget story", datetime(2026, 10, 20))] + [
        comment(f"c{n}", text, datetime(2026, 10, 21, n), "/p/1", author=f"=author{n}")
        for n, text in enumerate(attacks)
    ]
    with connect(db_path) as con:
        store_items(con, source, items)
    score_pending(db_path)
    with connect(db_path) as con:
        triage.correct_label(con, triage.Actor("Jo", triage.OFFICER), "guardian:c0", "sentiment", "negative")
    exports = {
        "items": weekly_items_csv(db_path, "2026-W43", actor="Jo"),
        "items with names": weekly_items_csv(db_path, "2026-W43", actor="Jo", pseudonymise=False),
        "summary": weekly_summary_csv(db_path, "2026-W43", actor="Jo"),
        "corrections": build_corrections_csv(db_path, actor="Jo")[0],
    }
    for path, data in exports.items():
        assert formula_cells(data) == [], path
    text = exports["items with names"].decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+44 budget story" in text and "'=author1" in text  # kept, as text
    assert "'=cmd|" in exports["summary"].decode("utf-8-sig")
    assert "'=HYPERLINK" in exports["corrections"].decode("utf-8-sig")


def test_organisations_keep_their_names_and_residents_are_pseudonymised(db_path):
    from collectors.items import Item

    news = SourceConfig(name="Google News test", kind="rss", options={"url": "http://127.0.0.1/rss"})
    forum = SourceConfig(name="Guardian forum", kind="guardian", options={"discussions": ["/p/9"]},
                         council_accounts=("brackenfordcouncil",), official_accounts=("@WestShiresPolice",))
    mention = Item(kind="rss", native_id="m1", item_type="mention", created_at=datetime(2026, 10, 20, 9),
                   raw_text="Council to cut library hours", title="Council to cut library hours",
                   author_name="The Guardian", author_id="www.theguardian.com")
    with connect(db_path) as con:
        store_items(con, news, [mention])
        store_items(con, forum, [
            post("/p/9", "Library hours consultation", datetime(2026, 10, 20, 10)),
            comment("k1", "Officers will attend the meeting", datetime(2026, 10, 20, 11), "/p/9",
                    author="westshirespolice"),
            comment("k2", "We will publish the answers", datetime(2026, 10, 20, 12), "/p/9", author="brackenfordcouncil"),
            comment("k3", "Keep the library open", datetime(2026, 10, 20, 13), "/p/9", author="dave"),
        ])
    rows = {r["item_key"]: r for r in read_csv(weekly_items_csv(db_path, "2026-W43", actor="Jo"))}
    assert rows["rss:m1"]["author"] == "The Guardian" and rows["rss:m1"]["author_type"] == "news outlet"
    assert rows["guardian:/p/9"]["author"] == "The Guardian" and rows["guardian:/p/9"]["author_type"] == "news outlet"
    assert (rows["guardian:k1"]["author"], rows["guardian:k1"]["author_type"]) == ("westshirespolice", "official account")
    assert (rows["guardian:k2"]["author"], rows["guardian:k2"]["author_type"]) == ("brackenfordcouncil", "council")
    assert rows["guardian:k3"]["author"].startswith("author-") and rows["guardian:k3"]["author_type"] == "resident"


def test_every_column_has_a_meaning_in_the_dictionary_and_the_readme():
    from analysis.export import COLUMNS, ITEM_COLUMNS
    from jobs.export import data_dictionary_csv

    dictionary = read_csv(data_dictionary_csv())
    assert [r["column"] for r in dictionary] == ITEM_COLUMNS and all(r["meaning"] for r in dictionary)
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("## The weekly CSV", 1)[1].split("\n## ", 1)[0]
    for column, meaning in COLUMNS.items():
        assert f"| {column} | {meaning} |" in readme, column
