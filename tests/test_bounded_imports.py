"""Imports read a bounded amount, and one bad row costs one row (issue 16, findings 7 and 11).

- An X archive's files are read through a counted stream: at most PULSE_IMPORT_MAX_MB in all, at
  most MAX_FILES files. A zip that inflates far beyond that is refused before any of it
  is read, so memory stays where it was (measured here with tracemalloc: Python's own allocations,
  the inflated bytes included). Before: a 3 MB zip holding a 3 GiB tweets.js passed 10 GB.
- A CSV row the csv module refuses (a field over its 131,072-character limit) is one row left out,
  said with its row number; the rows before and after it are kept, a quoted field running over
  several lines included. No line is held longer than MAX_LINE_CHARS. Before: the import stopped
  there, lost the rows of its unsaved batch and said they had been saved.
"""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import pytest

from collectors.__main__ import main
from collectors.imports import ImportInputError
from collectors.imports.csv_file import MAX_LINE_CHARS
from collectors.imports.x_archive import MAX_FILES, ReadBudget, read_limited, read_x_archive
from store.db import connect

MB = 1_000_000
BOMB_MIB = 256  # inflated size of the bomb's tweets.js; its zip is about 260 KB
CAP_MB = 16  # PULSE_IMPORT_MAX_MB in these tests
KEEP = ["--retention-days", "36500"]
CSV_MAP = ["--map", "id=ID", "--map", "created_at=Date", "--map", "author=Name", "--map", "text=Comment"]


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """An X archive zip whose data/tweets.js is a valid but empty array padded to BOMB_MIB MiB."""
    path = tmp_path_factory.mktemp("bomb") / "twitter-2026-11-28-bomb.zip"
    chunk = b" " * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("data/account.js", 'window.YTD.account.part0 = [{"account": {"username": "council"}}]')
        with archive.open("data/tweets.js", "w", force_zip64=True) as member:
            member.write(b"window.YTD.tweets.part0 = [")
            for _ in range(BOMB_MIB):
                member.write(chunk)
            member.write(b"]")
    assert path.stat().st_size < MB
    return path


@pytest.fixture
def capped(monkeypatch):
    monkeypatch.setenv("PULSE_IMPORT_MAX_MB", str(CAP_MB))


def peak_while(work) -> tuple[object, int]:
    """(what work() returned or raised, the most bytes Python held at once while it ran)."""
    tracemalloc.start()
    try:
        try:
            outcome = work()
        except Exception as error:  # noqa: BLE001 (the outcome is asserted by the caller)
            outcome = error
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_zip_that_inflates_far_beyond_the_cap_is_refused_before_it_is_read(bomb, capped):
    outcome, peak = peak_while(lambda: read_x_archive(bomb))
    assert isinstance(outcome, ImportInputError), outcome
    assert str(outcome) == (f"data/tweets.js is larger than an import reads ({CAP_MB} MB in all from an archive's "
                            "files): if it is a real archive, the operator can raise PULSE_IMPORT_MAX_MB")
    assert peak < 4 * MB, f"held {peak / MB:.1f} MB"  # the inflated bytes were never read


def test_the_command_line_refuses_the_bomb_in_one_line_and_stores_nothing(bomb, capped, db_path, capsys):
    assert main(["import", str(bomb), "--format", "x", "--db", str(db_path), *KEEP]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: data/tweets.js is larger than an import reads") and err.count("\n") == 1
    if db_path.exists():
        with connect(db_path, read_only=True) as con:
            assert con.execute("SELECT count(*) FROM items").fetchone() == (0,)


class EndlessStream:
    """A file that says nothing of its size and is much larger than the budget; counts what was asked of it."""

    def __init__(self, size: int):
        self.left, self.given = size, 0

    def read(self, n: int = -1) -> bytes:
        n = self.left if n is None or n < 0 else min(n, self.left)
        self.left -= n
        self.given += n
        return b" " * n


def test_a_counted_stream_stops_a_file_that_does_not_say_its_size(capped):
    stream = EndlessStream(64 * MB)
    budget = ReadBudget(CAP_MB * MB, 2)
    with pytest.raises(ImportInputError, match="larger than an import reads"):
        read_limited(stream, "data/tweets.js", None, budget)
    assert stream.given <= CAP_MB * MB + 1  # never more than the budget and one byte


def test_what_is_read_comes_off_one_budget_for_every_file():
    budget = ReadBudget(10, 2)
    assert bytes(read_limited(EndlessStream(6), "a", 6, budget)) == b" " * 6
    with pytest.raises(ImportInputError, match="b is larger"):
        read_limited(EndlessStream(6), "b", 6, budget)  # 4 bytes left: refused by what it says
    with pytest.raises(ImportInputError, match=f"at most {MAX_FILES} files of an archive"):
        read_limited(EndlessStream(1), "c", 1, budget)


def test_an_archive_with_more_tweet_files_than_any_is_refused(tmp_path):
    path = tmp_path / "parts.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for n in range(MAX_FILES + 1):
            archive.writestr(f"data/tweets-part{n}.js", "window.YTD.tweets.part0 = []")
    with pytest.raises(ImportInputError, match=f"at most {MAX_FILES} files of an archive"):
        read_x_archive(path)


def test_a_zip_with_more_entries_than_any_archive_is_refused(tmp_path, monkeypatch):
    from collectors.imports import x_archive

    monkeypatch.setattr(x_archive, "MAX_ARCHIVE_ENTRIES", 3)  # 200,000 in use: a real archive's media included
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data/tweets.js", "window.YTD.tweets.part0 = []")
        for n in range(3):
            archive.writestr(f"data/tweets_media/{n}.jpg", b"")
    with pytest.raises(ImportInputError, match="many.zip holds 4 files, more than any X archive"):
        read_x_archive(path)


def test_a_real_archive_under_the_cap_is_read(tmp_path, monkeypatch):
    from tests.test_imports import x_archive_zip

    monkeypatch.setenv("PULSE_IMPORT_MAX_MB", "1")
    archive = read_x_archive(x_archive_zip(tmp_path))
    assert len(archive.tweets) > 0 and archive.username


# --- CSV ------------------------------------------------------------------------------------------


def csv_file(path: Path, middle: str) -> Path:
    """Three good rows, `middle` (the fifth line: row 5), three good rows."""
    rows = ["ID,Date,Name,Comment"]
    rows += [f"a{n},2026-11-2{n} 10:00,Resident {n},Good row {n} before" for n in range(1, 4)]
    rows.append(middle)
    rows += [f"b{n},2026-11-2{n} 11:00,Resident {n},Good row {n} after" for n in range(1, 4)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def imported(db_path: Path) -> list[str]:
    with connect(db_path, read_only=True) as con:
        return [row[0] for row in con.execute("SELECT text FROM items ORDER BY text").fetchall()]


GOOD = sorted([f"Good row {n} before" for n in range(1, 4)] + [f"Good row {n} after" for n in range(1, 4)])


@pytest.mark.parametrize("middle", [
    f'huge,2026-11-25 10:00,Someone,"{"x" * 200_000}"',
    # A quoted field over several lines, one of which looks like a whole row: it is the field's text, never a row.
    f'huge,2026-11-25 10:00,Someone,"{"x" * 200_000}\nc1,2026-11-25 12:00,Injected,Not a row\n{"y" * 10}"',
], ids=["one line", "over several lines"])
def test_a_field_over_pythons_csv_limit_is_one_row_left_out_and_every_good_row_is_kept(tmp_path, db_path, capsys,
                                                                                       middle):
    path = csv_file(tmp_path / "engagement.csv", middle)
    assert main(["import", str(path), "--format", "csv", "--db", str(db_path), *CSV_MAP, *KEEP]) == 1
    out, err = capsys.readouterr()
    assert imported(db_path) == GOOD
    assert "read 6, new 6" in out
    assert "skipped 1 of 7 rows: 1 with a field longer than 131,072 characters, Python's CSV limit (not read) " \
           "(row 5)" in err
    assert "error:" not in err


def test_an_endless_line_is_left_out_without_being_held(tmp_path, db_path):
    from collectors.imports import ImportOptions, import_source
    from jobs.imports import import_file

    path = csv_file(tmp_path / "engagement.csv", "huge,2026-11-25 10:00,Someone," + "z" * (64 * MB))
    options = ImportOptions.build("csv", CSV_MAP[1::2])
    source = import_source(path, options, retention_days=36500)
    result, peak = peak_while(lambda: import_file(path, options, db_path, source))
    assert result.error is None and result.read == 6
    assert f"1 on a line longer than {MAX_LINE_CHARS:,} characters (not read) (row 5)" in result.skips.summary()
    assert imported(db_path) == GOOD
    assert peak < 4 * MAX_LINE_CHARS + 16 * MB, f"held {peak / MB:.1f} MB"  # a line cut in pieces, never 64 MB
