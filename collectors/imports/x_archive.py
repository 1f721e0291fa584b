"""Reading X's "Download an archive of your data": the zip, the folder, or data/tweets.js alone.

Only the tweet files and account.js are read, each through a counted stream: all of them together
at most PULSE_IMPORT_MAX_MB megabytes (default 512), at most MAX_FILES files. A file
an archive says is bigger than what is left is refused before a byte of it is read, so a small
zip that inflates to gigabytes costs nothing (bench/README.md, "Hostile servers").
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from collectors.imports.errors import ImportInputError
from collectors.payload import as_dict, as_optional_text, as_text
from settings import environment

_X_TWEET_FILE = re.compile(r"(?:^|/)data/tweets?(?:-part(\d+))?\.js$")
_SPACE = re.compile(r"\s*")
MAX_FILES = 101  # files read from one archive: X splits a big one's tweets into a few parts, and account.js
MAX_ARCHIVE_ENTRIES = 200_000  # files in the zip, media included: its directory is read whole by zipfile
_CHUNK = 1 << 20


@dataclass
class ReadBudget:
    """What an import may still read from an archive's files: bytes in all, and files."""

    bytes_left: int
    files_left: int

    @classmethod
    def for_imports(cls) -> ReadBudget:
        return cls(environment.value(environment.IMPORT_MAX_MB) * 1_000_000, MAX_FILES)


def _too_big(name: str) -> ImportInputError:
    limit = environment.value(environment.IMPORT_MAX_MB)
    return ImportInputError(
        f"{name} is larger than an import reads ({limit:,} MB in all from an archive's files): if it is a real "
        f"archive, the operator can raise {environment.IMPORT_MAX_MB.name}"
    )


def read_limited(stream: BinaryIO, name: str, declared: int | None, budget: ReadBudget) -> bytearray:
    """A file's bytes through a counted stream, taken from `budget`. Refused (ImportInputError) before reading
    when it says it is bigger than what is left, and as soon as what is read passes that: never held whole."""
    if budget.files_left <= 0:
        raise ImportInputError(f"{name}: an import reads at most {MAX_FILES} files of an archive (its tweet parts "
                               "and account.js), more than any X archive holds")
    budget.files_left -= 1
    if declared is not None and declared > budget.bytes_left:
        raise _too_big(name)
    data = bytearray()
    while chunk := stream.read(min(_CHUNK, budget.bytes_left + 1 - len(data))):
        data += chunk
        if len(data) > budget.bytes_left:
            raise _too_big(name)
    budget.bytes_left -= len(data)
    return data


def _js_array(text: str, where: str) -> list:
    """The array assigned in an archive file (`window.YTD.tweets.part0 = [...]`), without running it.
    Read in place (raw_decode from the array's start): no copy of a text that may be hundreds of MB."""
    start = text.find("=")
    start = start + 1 if start >= 0 and not text.lstrip().startswith("[") else 0
    start = _SPACE.match(text, start).end()
    try:
        data, end = json.JSONDecoder().raw_decode(text, start)
        if text[end:].strip().strip(";").strip():
            raise json.JSONDecodeError("Extra data", text, end)
    except json.JSONDecodeError as error:
        data = error
    except RecursionError:
        data = None
    if not isinstance(data, list):
        detail = f" (at line {data.lineno})" if isinstance(data, json.JSONDecodeError) and data.pos > 0 else ""
        raise ImportInputError(
            f"{PurePosixPath(where).name} is not an X archive file{detail}: expected window.YTD.tweets.part0 = [...]"
        )
    return data


@dataclass
class XArchive:
    tweets: list[dict]
    username: str | None = None
    account_id: str | None = None


def _archive_files(path: Path) -> tuple[list[tuple[str, bytearray]], bytearray | None]:
    """(tweet files in part order, account.js) from an archive zip, its unzipped folder or one tweets file.

    Only these files are read: an archive also holds direct messages, which are not ours to import.
    """
    def part(name: str) -> int:
        match = _X_TWEET_FILE.search(name)
        return int(match.group(1) or 0) if match else -1

    budget = ReadBudget.for_imports()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ARCHIVE_ENTRIES:
                raise ImportInputError(f"{path.name} holds {len(entries):,} files, more than any X archive "
                                       f"({MAX_ARCHIVE_ENTRIES:,}); it is not read")
            tweets = sorted((e for e in entries if part(e.filename) >= 0), key=lambda e: part(e.filename))
            account = next((e for e in entries if e.filename.endswith("data/account.js")), None)

            def read(entry: zipfile.ZipInfo) -> bytearray:
                with archive.open(entry) as member:
                    return read_limited(member, entry.filename, entry.file_size, budget)

            return [(PurePosixPath(e.filename).name, read(e)) for e in tweets], account and read(account)
    if path.is_dir():
        folder = path / "data" if (path / "data").is_dir() else path
        tweets = sorted((f for f in folder.iterdir() if part(f"data/{f.name}") >= 0), key=lambda f: part(f"data/{f.name}"))
        account = folder / "account.js"
        return [(f.name, _read_file(f, budget)) for f in tweets], _read_file(account, budget) if account.is_file() else None
    sibling = path.parent / "account.js"
    return [(path.name, _read_file(path, budget))], (
        _read_file(sibling, budget) if sibling.is_file() and sibling != path else None)


def _read_file(path: Path, budget: ReadBudget) -> bytearray:
    with path.open("rb") as handle:
        return read_limited(handle, path.name, path.stat().st_size, budget)


def read_x_archive(path: Path) -> XArchive:
    """Tweets (every part, in order) and the owner from an archive zip, folder or a tweets.js file."""
    files, account = _archive_files(path)
    if not files:
        raise ImportInputError(
            f"no data/tweets.js in {path.name}: is it the archive from X's 'Download an archive of your data'?"
        )
    tweets: list[dict] = []
    for name, data in files:
        for entry in _js_array(data.decode("utf-8-sig", errors="replace"), name):
            tweet = entry.get("tweet", entry) if isinstance(entry, dict) else None
            tweets.append(tweet if isinstance(tweet, dict) else {})
    archive = XArchive(tweets)
    if account:
        entries = _js_array(account.decode("utf-8-sig", errors="replace"), "account.js")
        details = as_dict(as_dict(entries[0]).get("account")) if entries else {}
        archive.username = as_text(details.get("username")).strip() or None
        archive.account_id = as_optional_text(details.get("accountId"))
    return archive


def tweet_ids(tweet: dict) -> tuple[str | None, str | None]:
    """(the tweet's id, the id of the tweet it replies to), as strings."""
    def ident(*values) -> str | None:
        for value in values:  # ids are strings in archives, numbers in older ones; anything else is none
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
                return str(value).strip()
        return None

    return ident(tweet.get("id_str"), tweet.get("id")), ident(
        tweet.get("in_reply_to_status_id_str"), tweet.get("in_reply_to_status_id")
    )
