"""Reading a spreadsheet export: its encoding, delimiter and header, then rows as dicts.

A row the csv module cannot read (a field over its limit of 131,072 characters) is one row left
out, said in the import's report, and the rows around it are kept. No line is held longer than
MAX_LINE_CHARS, however long the file's lines are.
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from collectors.imports.errors import ImportInputError, SkipRow
from collectors.imports.formats import Format

FIELD_LIMIT = csv.field_size_limit()  # Python's own limit on one field (131,072 characters), left as it is
# The longest line read: room for a row of 32 fields at the field limit; a longer line is one row left out.
MAX_LINE_CHARS = 32 * FIELD_LIMIT


def sniff_encoding(path: Path) -> str:
    """How a CSV is encoded: UTF-16 (Excel's 'Unicode Text') by its BOM, UTF-8 (BOM or not) if it
    decodes as such, else cp1252, what Excel saves as 'CSV (Comma delimited)' on a UK PC."""
    with path.open("rb") as handle:
        if handle.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


@dataclass(frozen=True)
class CsvFile:
    """A CSV export: its header, read once; rows streamed (as often as needed) with their spreadsheet row number."""

    path: Path
    encoding: str
    delimiter: str
    header: tuple[str, ...]

    @classmethod
    def open(cls, path: Path) -> CsvFile:
        with path.open("rb") as handle:
            if handle.read(4) == b"PK\x03\x04":
                raise ImportInputError(
                    f"{path.name} is a zip or Excel workbook, not a CSV: save it as CSV (UTF-8) first"
                )
        encoding = sniff_encoding(path)
        with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
            first_line = handle.readline(MAX_LINE_CHARS)
            # The header decides the delimiter: the candidate it holds most of (comma when none).
            delimiter = max(",;\t|", key=lambda d: (first_line.count(d), d == ","))
            handle.seek(0)
            try:
                header = next(csv.reader(handle, delimiter=delimiter), [])
            except csv.Error as error:
                raise ImportInputError(f"{path.name} is not a readable CSV: {error}") from None
        if not any(h.strip() for h in header):
            raise ImportInputError(f"{path.name} is empty")
        return cls(path, encoding, delimiter, tuple(h.strip() for h in header))

    def rows(self) -> Iterator[tuple[int, dict[str, str] | SkipRow]]:
        """(row number, {column: value}) for each row that is not blank; the header is row 1. A row that
        cannot be read comes as a SkipRow saying why, and reading goes on after it."""
        with self.path.open("r", encoding=self.encoding, errors="replace", newline="") as handle:
            lines = _Lines(handle)
            reader = csv.reader(lines, delimiter=self.delimiter)
            for number in itertools.count(1):
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except (csv.Error, _LineTooLong) as error:
                    lines.skip_rest_of_row()
                    yield number, unreadable_row(error)
                    continue
                lines.in_quotes = False  # a row read whole ends outside quotes, whatever its quotes were
                if number > 1 and any(v.strip() for v in values):
                    yield number, dict(zip(self.header, values))


class _LineTooLong(Exception):
    pass


def line_limit() -> int:
    """The most characters of one line held at once (MAX_LINE_CHARS)."""
    return MAX_LINE_CHARS


def unreadable_row(error: Exception) -> SkipRow:
    """The SkipRow for a row the CSV reader refused."""
    if isinstance(error, _LineTooLong):
        return SkipRow(f"on a line longer than {MAX_LINE_CHARS:,} characters (not read)")
    if "field limit" in str(error):
        return SkipRow(f"with a field longer than {FIELD_LIMIT:,} characters, Python's CSV limit (not read)")
    return SkipRow("not readable as CSV", example=str(error))


class _Lines:
    """The file's lines for csv.reader, none held longer than MAX_LINE_CHARS, and whether a quoted field is
    still open at the end of the last line read (the default dialect: a double quote opens and closes one,
    and a doubled one inside it changes nothing), so that a row the reader refused is skipped to its end."""

    def __init__(self, handle: TextIO):
        self.handle = handle
        self.limit = line_limit()
        self.in_quotes = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._read()
        if not line:
            raise StopIteration
        if len(line) > self.limit:
            while line and not line.endswith(("\n", "\r")):  # the rest of it, read and dropped
                line = self._read()
            raise _LineTooLong()
        return line

    def _read(self) -> str:
        line = self.handle.readline(self.limit + 1)
        if line.count('"') % 2:
            self.in_quotes = not self.in_quotes
        return line

    def skip_rest_of_row(self) -> None:
        """After a refused row: drop the lines still inside its quoted field, so the next row starts clean."""
        while self.in_quotes and self._read():
            pass


def resolve_columns(fmt: Format, header: list[str], overrides: dict[str, str], file_name: str) -> dict[str, str]:
    """field -> the header's own spelling of its column; ImportInputError names what is missing."""
    by_folded = {h.casefold(): h for h in header}
    resolved: dict[str, str] = {}
    for name, column in overrides.items():
        actual = by_folded.get(column.strip().casefold())
        if actual is None:
            raise ImportInputError(
                f"no column {column!r} (for {name}) in {file_name}; its columns are: {', '.join(header)}"
            )
        resolved[name] = actual
    for name, candidates in fmt.columns.items():
        if name not in resolved:
            found = next((by_folded[c.casefold()] for c in candidates if c.casefold() in by_folded), None)
            if found:
                resolved[name] = found
    missing = [name for name in fmt.required if name not in resolved]
    if missing:
        if fmt.name == "csv":
            needed = " ".join(f"--map {m}=COLUMN" for m in missing)
            raise ImportInputError(f"--format csv needs {needed} (columns in {file_name}: {', '.join(header)})")
        wanted = " or ".join(repr(c) for c in fmt.columns[missing[0]])
        raise ImportInputError(
            f"{file_name} does not look like a {fmt.name} export: no {wanted} column "
            f"(use --map {missing[0]}=COLUMN if it is named differently)"
        )
    return resolved
