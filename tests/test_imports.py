"""`python -m collectors import`: each export format from its sample file into a real DuckDB file.

The samples in tests/fixtures/imports/ are written in each export's own layout
(see docs/imports.md for where each layout was checked). They are dated
November 2026, so every import here keeps items for a century (--retention-days)
and the tests mean the same whenever they run.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from collectors.__main__ import main
from collectors.imports import (
    ImportCollector,
    ImportInputError,
    ImportOptions,
    SkipRow,
    import_source,
    parse_when,
    usable_id,
)
from jobs.imports import import_file
from settings.sources import SourceConfig
from store.db import connect
from store.items import raw_text_sql
from tests.conftest import ROOT
from tests.factories import post, store_items

FIXTURES = ROOT / "tests" / "fixtures" / "imports"
KEEP = ["--retention-days", "36500"]
GENERIC_MAP = ["--map", "id=ID", "--map", "thread=PostID", "--map", "parent=ReplyTo", "--map", "author=Name",
               "--map", "created_at=Date", "--map", "text=Comment", "--map", "likes=Likes"]


def command(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "collectors", "import", *args, "--db", str(db), *KEEP]


def run_together(calls: dict[str, list[str]]) -> dict[str, subprocess.CompletedProcess]:
    """Run independent command lines at once (each on its own database file) and wait for all."""
    started = {name: subprocess.Popen(call, cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for name, call in calls.items()}
    done = {}
    for name, process in started.items():
        out, err = process.communicate()
        done[name] = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    return done


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with connect(db, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def items(db: Path) -> dict[str, dict]:
    with connect(db, read_only=True) as con:
        result = con.execute(f"SELECT * REPLACE ({raw_text_sql()} AS raw_text) FROM items ORDER BY key")
        names = [d[0] for d in result.description]
        rows = [dict(zip(names, values)) for values in result.fetchall()]
    return {row["key"]: row for row in rows}


def assert_idempotent(db: Path, second: subprocess.CompletedProcess, read: int, stored: int | None = None) -> None:
    """A second import of the same file writes nothing and scores nothing."""
    assert second.returncode in (0, 1), second.stderr
    assert f"read {read}, new 0, updated 0, unchanged {read}" in second.stdout
    assert "scored 0 new or changed items" in second.stdout
    stored = stored or read
    assert query(db, "SELECT count(*), count(DISTINCT key) FROM items") == [(stored, stored)]


def x_archive_zip(tmp_path: Path) -> Path:
    """The archive as X hands it over: a zip with data/ and the archive viewer beside it."""
    path = tmp_path / "twitter-2026-11-28-3f9c1e.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Your archive.html", "<html><body>Your archive</body></html>")
        for file in sorted((FIXTURES / "x-archive" / "data").iterdir()):
            archive.write(file, f"data/{file.name}")
    return path


# The formats, end to end through the command line. Each format imports into its own
# database file; the command lines of one step run at once, the steps one after another.

GENERIC = [str(FIXTURES / "generic-engagement-log.csv"), "--format", "csv", *GENERIC_MAP,
           "--source", "Comms log", "--council-account", "Brackenford Council"]
META = ["--format", "meta", "--source", "Meta exports"]
# Two mistakes go through a real process (exit status, one line on stderr, nothing written);
# the rest through the same main() in this process, which would raise if a mistake escaped.
MISTAKES = {
    "missing file": (["nope.csv", "--format", "csv"], "error: no file at nope.csv"),
    "missing column": ([str(FIXTURES / "generic-engagement-log.csv"), "--format", "csv", "--map", "text=Comments",
                        "--map", "created_at=Date"],
                       "error: no column 'Comments' (for text) in generic-engagement-log.csv; its columns are: ID, PostID"),
}
MORE_MISTAKES = {
    "unknown format": ([str(FIXTURES / "meta-facebook-posts.csv"), "--format", "tiktok"],
                       "error: unknown format 'tiktok' (expected one of: x, hootsuite, meta, csv)"),
    "csv without map": ([str(FIXTURES / "generic-engagement-log.csv"), "--format", "csv"],
                        "error: --format csv needs --map text=COLUMN --map created_at=COLUMN"),
    "wrong export": ([str(FIXTURES / "meta-facebook-posts.csv"), "--format", "hootsuite"],
                     "error: meta-facebook-posts.csv does not look like a hootsuite export: no 'Content'"),
    "not an archive": ([str(FIXTURES / "meta-facebook-posts.csv"), "--format", "x"],
                       "error: meta-facebook-posts.csv is not an X archive file: expected window.YTD.tweets.part0"),
    "bad map": ([str(FIXTURES / "generic-engagement-log.csv"), "--format", "csv", "--map", "colour=Red"],
                "error: unknown field 'colour' in --map"),
    "map for x": ([str(FIXTURES / "x-archive"), "--format", "x", "--map", "text=full_text"],
                  "error: unknown field 'text' in --map (--format x takes no --map)"),
    "bad zone": ([str(FIXTURES / "meta-facebook-posts.csv"), "--format", "meta", "--tz", "Mars/Olympus"],
                 "error: unknown time zone 'Mars/Olympus'"),
    "a folder": ([str(FIXTURES / "x-archive"), "--format", "hootsuite"],
                 f"error: {FIXTURES / 'x-archive'} is a folder; --format hootsuite reads one CSV file"),
}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Every command line of this file's end-to-end tests, run: (database files, results by name)."""
    tmp = tmp_path_factory.mktemp("imports")
    dbs = {name: tmp / f"{name}.duckdb" for name in ("x", "hootsuite", "meta", "csv")}
    archive = x_archive_zip(tmp)
    hootsuite = [str(FIXTURES / "hootsuite-inbox-messages.csv"), "--format", "hootsuite"]
    results = run_together({
        "x": command(dbs["x"], str(archive), "--format", "x"),
        "hootsuite": command(dbs["hootsuite"], *hootsuite),
        "facebook": command(dbs["meta"], str(FIXTURES / "meta-facebook-posts.csv"), *META),
        "csv guarded": command(dbs["csv"], *GENERIC),
    })
    results |= run_together({
        "x again": command(dbs["x"], str(archive), "--format", "x"),
        "hootsuite again": command(dbs["hootsuite"], *hootsuite),
        "instagram": command(dbs["meta"], str(FIXTURES / "meta-instagram-posts.csv"), *META),
        "csv dayfirst": command(dbs["csv"], *GENERIC, "--dayfirst"),
    })
    results |= run_together({
        "facebook again": command(dbs["meta"], str(FIXTURES / "meta-facebook-posts.csv"), *META),
        "csv again": command(dbs["csv"], *GENERIC, "--dayfirst"),
        **{name: command(tmp / f"mistake-{n}.duckdb", *args) for n, (name, (args, _)) in enumerate(MISTAKES.items())},
    })
    results["mistake dbs"] = [tmp / f"mistake-{n}.duckdb" for n in range(len(MISTAKES))]
    return dbs, results


def test_x_archive_zip_keeps_reply_chains_and_reimports_nothing(imported):
    dbs, results = imported
    db, first = dbs["x"], results["x"]
    assert first.returncode == 0, first.stderr
    assert "Import: twitter-2026-11-28-3f9c1e.zip: read 7, new 7, updated 0, unchanged 0" in first.stdout
    assert first.stderr == "skipped 1 of 8 tweets: 1 retweet (tweet 5)\n"
    assert "scored 7 new or changed items" in first.stdout

    stored = items(db)
    assert len(stored) == 7 and all(i["kind"] == "import" and i["is_council"] for i in stored.values())
    root, second, third = "import:x:1993400112233445501", "import:x:1993400398877665502", "import:x:1993400612345678903"
    assert (stored[root]["item_type"], stored[root]["thread_id"], stored[root]["parent_id"]) == ("post", None, None)
    assert (stored[second]["thread_id"], stored[second]["parent_id"]) == (root, root)
    assert (stored[third]["thread_id"], stored[third]["parent_id"]) == (root, second)  # three levels deep
    # The council answering a resident: the resident's tweet is not in the archive but is the thread.
    resident = "import:x:1993512098765432100"
    reply = stored["import:x:1993530011122233304"]
    assert (reply["item_type"], reply["thread_id"], reply["parent_id"]) == ("comment", resident, resident)
    # tweets-part1.js is read too
    assert stored["import:x:1992100555555555508"]["parent_id"] == "import:x:1992100000000000007"
    assert stored[root]["author_name"] == "BrackenfordBC" and stored[root]["author_id"] == "2871650394"
    assert stored[root]["url"] == "https://x.com/BrackenfordBC/status/1993400112233445501"
    assert stored[root]["like_count"] == 14 and stored[root]["created_at"] == datetime(2026, 11, 23, 9, 0)
    assert "&amp;" not in stored[third]["text"] and "&amp;" in stored[third]["raw_text"]
    assert query(db, "SELECT kind, name FROM sources") == [("import", "Import: twitter-2026-11-28-3f9c1e.zip")]
    assert query(db, "SELECT count(*) FROM scores") == [(7,)]

    assert_idempotent(db, results["x again"], 7)


def test_hootsuite_inbox_export(imported):
    dbs, results = imported
    db, first = dbs["hootsuite"], results["hootsuite"]
    assert first.returncode == 0, first.stderr
    assert "read 6, new 6, updated 0, unchanged 0" in first.stdout
    assert first.stderr == "skipped 2 of 8 rows: 1 private message (row 6), 1 without text (row 9)\n"

    stored = items(db)
    assert len(stored) == 6
    on_post = [i for i in stored.values() if i["url"] and "1029384756102938" in i["url"]]
    assert len(on_post) == 3  # the trailing slash on one Post URL still finds the same post
    assert len({i["thread_id"] for i in on_post}) == 1 and all(i["parent_id"] == i["thread_id"] for i in on_post)
    council = stored["import:hootsuite:hs-msg-100232"]
    assert council["is_council"] and not stored["import:hootsuite:hs-msg-100231"]["is_council"]
    mention, answer = stored["import:hootsuite:hs-msg-100270"], stored["import:hootsuite:hs-msg-100271"]
    conversation = "import:hootsuite:conversation:e4f5a6b7-1c2d-4e3f-8a9b-0c1d2e3f4a05"
    assert mention["thread_id"] == answer["thread_id"] == conversation and answer["is_council"]
    assert mention["author_name"] == "Priya Nair" and mention["created_at"] == datetime(2026, 11, 25, 7, 58, 9)
    # The private message (with a council tax reference) is not kept at all.
    assert query(db, "SELECT count(*) FROM items WHERE raw_text LIKE '%40021877%'") == [(0,)]

    assert_idempotent(db, results["hootsuite again"], 6)


def test_meta_business_suite_exports_facebook_and_instagram(imported):
    dbs, results = imported
    db, facebook, instagram = dbs["meta"], results["facebook"], results["instagram"]
    assert (facebook.returncode, instagram.returncode) == (0, 0), facebook.stderr + instagram.stderr
    assert "Meta exports: read 4, new 4" in facebook.stdout and "Meta exports: read 2, new 2" in instagram.stdout
    assert facebook.stderr == instagram.stderr == ""

    stored = items(db)
    assert len(stored) == 6 and all(i["item_type"] == "post" and i["is_council"] for i in stored.values())
    reel = stored["import:meta:1029422233445566"]
    assert reel["created_at"] == datetime(2026, 11, 3, 18, 30)  # Meta writes the month first: 11/03 is 3 November
    assert reel["title"] == "Christmas lights switch-on" and reel["text"].startswith("Thank you to everyone")
    assert (reel["like_count"], reel["reply_count"]) == (1204, 156)
    multi_line = stored["import:meta:1029384756102938"]
    assert multi_line["title"] is None and "\n" in multi_line["raw_text"]
    gritting = stored["import:meta:18053399887766554"]
    assert (gritting["author_name"], gritting["like_count"], gritting["reply_count"]) == ("brackenfordcouncil", 610, 35)
    assert query(db, "SELECT count(*) FROM sources") == [(1,)]

    assert_idempotent(db, results["facebook again"], 4, 6)


def test_generic_csv_uk_dates_threads_and_bad_rows(imported):
    dbs, results = imported
    db = dbs["csv"]
    # Without --dayfirst only the dates that read one way only go in; the rest are named, not lost.
    guarded = results["csv guarded"]
    assert guarded.returncode == 1
    assert "read 2, new 2" in guarded.stdout
    (line,) = guarded.stderr.splitlines()
    assert line.startswith("skipped 7 of 9 rows: 5 with an ambiguous date (rows 2, 3, 4, 5, 6: '01/11/2026 09:00'")
    assert "pass --dayfirst" in line and "1 with an unparseable date (row 7: '31/02/2026 10:00')" in line
    assert "1 without a date (row 8)" in line

    dayfirst = results["csv dayfirst"]
    assert dayfirst.returncode == 1  # two rows are still bad
    assert "read 7, new 5, updated 0, unchanged 2" in dayfirst.stdout
    assert dayfirst.stderr == ("skipped 2 of 9 rows: 1 with an unparseable date (row 7: '31/02/2026 10:00'), "
                               "1 without a date (row 8)\n")

    stored = items(db)
    key = "import:csv:comms-log:{}".format
    assert len(stored) == 7
    assert (stored[key("P1")]["item_type"], stored[key("P1")]["thread_id"]) == ("post", None)
    assert (stored[key("C1")]["thread_id"], stored[key("C1")]["parent_id"]) == (key("P1"), key("P1"))
    assert (stored[key("C3")]["thread_id"], stored[key("C3")]["parent_id"]) == (key("P1"), key("C2"))
    assert stored[key("C2")]["is_council"] and not stored[key("C1")]["is_council"]
    assert stored[key("C1")]["created_at"] == datetime(2026, 11, 1, 10, 12)  # 1 November, GMT
    assert "£100" in stored[key("C1")]["text"] and stored[key("C1")]["like_count"] == 30

    assert_idempotent(db, results["csv again"], 7)


@pytest.mark.parametrize("name", MISTAKES)
def test_input_mistakes_are_one_line_and_write_nothing(imported, name):
    _, results = imported
    result = results[name]
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(MISTAKES[name][1]), result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    db = results["mistake dbs"][list(MISTAKES).index(name)]
    assert not db.exists() or query(db, "SELECT count(*) FROM items") == [(0,)]


@pytest.mark.parametrize("name", MORE_MISTAKES)
def test_more_input_mistakes(name, db_path, capsys):
    args, expected = MORE_MISTAKES[name]
    assert main(["import", *args, "--db", str(db_path), *KEEP]) == 2
    out, err = capsys.readouterr()
    assert len(err.splitlines()) == 1 and err.startswith(expected), err
    assert out == "" and (not db_path.exists() or query(db_path, "SELECT count(*) FROM items") == [(0,)])


def test_a_workbook_is_not_taken_for_a_csv(tmp_path, db_path, capsys):
    workbook = tmp_path / "Inbox export.xlsx"
    with zipfile.ZipFile(workbook, "w") as book:
        book.writestr("xl/workbook.xml", "<workbook/>")
    assert main(["import", str(workbook), "--format", "hootsuite", "--db", str(db_path)]) == 2
    assert capsys.readouterr().err == (
        "error: Inbox export.xlsx is a zip or Excel workbook, not a CSV: save it as CSV (UTF-8) first\n"
    )


# The same machinery in process: batches, failures part-way, names, retention


def hootsuite_options() -> ImportOptions:
    return ImportOptions.build("hootsuite")


def test_large_files_are_saved_in_batches_and_an_unreadable_row_keeps_the_rows_around_it(tmp_path, db_path):
    sample = tmp_path / "messages.csv"
    lines = (FIXTURES / "hootsuite-inbox-messages.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    broken = f'x,hs-msg-999,Facebook,c,c,,Someone,,2026-11-26 10:00:00,inbound,Comment,,"{"a" * 200_000}",,\n'
    sample.write_text("".join(lines[:6]) + broken + "".join(lines[6:]), encoding="utf-8")  # row 7, between kept rows

    source = import_source(sample, hootsuite_options(), retention_days=36500)
    result = import_file(sample, hootsuite_options(), db_path, source, batch_size=2)
    assert result.error is None
    assert (result.read, result.new) == (6, 6)  # every row the file has without it (test_batches_never_exceed...)
    assert result.skips.bad == 1 and "1 with a field longer than 131,072 characters, Python's CSV limit (not read) " \
        "(row 7)" in result.skips.summary()
    assert query(db_path, "SELECT count(*) FROM items") == [(6,)]


def test_batches_never_exceed_the_batch_size(tmp_path):
    sample = FIXTURES / "hootsuite-inbox-messages.csv"
    source = import_source(sample, hootsuite_options(), retention_days=36500)
    collector = ImportCollector(source, sample, hootsuite_options(), batch_size=2)
    sizes = [len(batch.items) for batch in collector.fetch({})]
    assert sizes == [2, 2, 2, 0] and collector.skips.bad == 0


def test_a_csv_with_only_parent_links_finds_each_thread_top(tmp_path, db_path):
    sample = FIXTURES / "generic-engagement-log.csv"
    options = ImportOptions.build("csv", ["id=ID", "parent=ReplyTo", "author=Name", "created_at=Date",
                                          "text=Comment"], dayfirst=True)
    result = import_file(sample, options, db_path, import_source(sample, options, "Log", retention_days=36500))
    assert (result.read, result.skips.bad) == (7, 2)
    stored = items(db_path)
    # Without a thread column, C1 starts its own chain: C3 -> C2 -> C1.
    assert (stored["import:csv:log:C3"]["thread_id"], stored["import:csv:log:C3"]["parent_id"]) == (
        "import:csv:log:C1", "import:csv:log:C2")
    assert stored["import:csv:log:C1"]["item_type"] == "post"


def test_a_csv_without_ids_is_keyed_by_content(tmp_path, db_path):
    sample = tmp_path / "feedback.csv"
    sample.write_text(
        "When;Said\n2026-11-20T10:00:00Z;The new recycling centre hours are much better\n"
        "2026-11-21T16:30:00Z;Potholes on Station Road again\n", encoding="utf-8",
    )
    options = ImportOptions.build("csv", ["text=Said", "created_at=When"])
    source = import_source(sample, options, retention_days=36500)
    first = import_file(sample, options, db_path, source)
    again = import_file(sample, options, db_path, source)
    assert (first.new, again.new, again.updated, again.unchanged) == (2, 0, 0, 2)
    stored = items(db_path)
    assert all(k.startswith("import:csv:import-feedback-csv:h") for k in stored)
    assert {i["item_type"] for i in stored.values()} == {"mention"}


def test_the_bare_tweets_file_finds_its_account_beside_it(db_path):
    tweets = FIXTURES / "x-archive" / "data" / "tweets.js"
    options = ImportOptions.build("x")
    result = import_file(tweets, options, db_path, import_source(tweets, options, retention_days=36500))
    assert (result.read, result.new) == (5, 5)  # part0 only; the retweet is left out
    assert {i["author_name"] for i in items(db_path).values()} == {"BrackenfordBC"}


def test_the_unzipped_archive_folder_reads_every_part(db_path):
    folder = FIXTURES / "x-archive"
    options = ImportOptions.build("x")
    result = import_file(folder, options, db_path, import_source(folder, options, retention_days=36500))
    assert (result.read, result.new, result.skips.summary()) == (7, 7, "skipped 1 of 8 tweets: 1 retweet (tweet 5)")


def test_a_damaged_archive_is_one_clear_error(tmp_path, db_path):
    archive = tmp_path / "twitter.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(FIXTURES / "x-archive" / "data" / "tweets.js", "data/tweets.js")
    data = bytearray(archive.read_bytes())
    data[200:260] = bytes(60)  # inside the compressed tweets.js
    archive.write_bytes(bytes(data))
    options = ImportOptions.build("x")
    with pytest.raises(ImportInputError, match=r"^cannot read .*twitter\.zip"):
        import_file(archive, options, db_path, import_source(archive, options))


def test_excel_unicode_text_is_read(tmp_path, db_path):
    sample = tmp_path / "comments.txt"
    sample.write_text("Date\tComment\tName\n20/11/2026 10:00\tThe £5 parking charge is too high\tDee\n",
                      encoding="utf-16")
    options = ImportOptions.build("csv", ["text=Comment", "created_at=Date", "author=Name"])
    result = import_file(sample, options, db_path, import_source(sample, options, retention_days=36500))
    assert result.new == 1
    (stored,) = items(db_path).values()
    assert (stored["text"], stored["author_name"]) == ("The £5 parking charge is too high", "Dee")


def test_an_import_never_takes_over_a_collected_source(db_path):
    with connect(db_path) as con:
        store_items(con, SourceConfig("Council news", "rss", {"url": "https://example.org/feed"}),
                    [post("n1", "Story", datetime(2026, 11, 20), kind="rss")])
    sample = FIXTURES / "meta-facebook-posts.csv"
    options = ImportOptions.build("meta")
    with pytest.raises(ImportInputError, match="'Council news' is already a rss source"):
        import_file(sample, options, db_path, import_source(sample, options, "Council news"))
    assert query(db_path, "SELECT kind FROM sources") == [("rss",)]


def test_items_past_retention_are_not_imported(db_path):
    sample = FIXTURES / "meta-facebook-posts.csv"
    options = ImportOptions.build("meta")
    result = import_file(sample, options, db_path, import_source(sample, options, retention_days=1))
    assert result.read == 0 and result.skips.bad == 0
    assert result.skips.summary().startswith("skipped 4 of 4 rows: 4 older than the retention period (1 days)")


# Dates and ids


LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(("text", "order", "utc"), [
    ("Wed Oct 10 20:19:24 +0000 2018", None, datetime(2018, 10, 10, 20, 19, 24)),
    ("2026-07-01 09:00", None, datetime(2026, 7, 1, 8, 0)),  # London summer time
    ("2026-07-01T09:00:00.000Z", None, datetime(2026, 7, 1, 9, 0)),
    ("03/04/2026 14:05", "dayfirst", datetime(2026, 4, 3, 13, 5)),
    ("03/04/2026 2:05 PM", "monthfirst", datetime(2026, 3, 4, 14, 5)),
    ("13/04/2026", None, datetime(2026, 4, 12, 23, 0)),  # reads one way only
    ("04/13/2026 10:00", None, datetime(2026, 4, 13, 9, 0)),
    ("03.11.26 10:00", "dayfirst", datetime(2026, 11, 3, 10, 0)),
    ("Friday, 10 October 2025 at 14:05", None, datetime(2025, 10, 10, 13, 5)),
    ("Oct 10, 2025 2:05 PM", None, datetime(2025, 10, 10, 13, 5)),
    ("29/11/2026 10:00 GMT", None, datetime(2026, 11, 29, 10, 0)),
    ("1700000000", None, datetime(2023, 11, 14, 22, 13, 20)),
])
def test_dates_read(text, order, utc):
    assert parse_when(text, order, LONDON).replace(tzinfo=None) == utc


@pytest.mark.parametrize(("text", "reason"), [
    ("03/04/2026 14:05", "with an ambiguous date"),
    ("31/02/2026", "with an unparseable date"),
    ("12/12/2026 25:00", "with an unparseable date"),
    ("next Tuesday", "with an unparseable date"),
    ("5", "with an unparseable date"),
    ("  ", "without a date"),
])
def test_dates_refused(text, reason):
    with pytest.raises(SkipRow) as refused:
        parse_when(text, None, LONDON)
    assert refused.value.reason == reason and refused.value.bad


def test_ids_a_spreadsheet_mangled_are_not_used():
    assert usable_id("1.22158E+17") is None and usable_id(" 1029384756102938 ") == "1029384756102938"
