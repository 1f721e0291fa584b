"""Reading a spreadsheet export: its encoding, delimiter and header, then rows as dicts."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from collectors.errors import PayloadError
from collectors.imports.errors import ImportInputError
from collectors.imports.formats import Format


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
            first_line = handle.readline()
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

    def _reader_rows(self) -> Iterator[tuple[int, list[str]]]:
        with self.path.open("r", encoding=self.encoding, errors="replace", newline="") as handle:
            yield from enumerate(csv.reader(handle, delimiter=self.delimiter), start=1)

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number, {column: value}) for each row that is not blank; the header is row 1."""
        number = 1
        try:
            for number, values in self._reader_rows():
                if number > 1 and any(v.strip() for v in values):
                    yield number, dict(zip(self.header, values))
        except csv.Error as error:
            raise PayloadError(f"{self.path.name} row {number + 1} is not readable CSV: {error}") from None


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
