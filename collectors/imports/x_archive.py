"""Reading X's "Download an archive of your data": the zip, the folder, or data/tweets.js alone."""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from collectors.imports.errors import ImportInputError
from collectors.payload import as_dict, as_optional_text, as_text

_X_TWEET_FILE = re.compile(r"(?:^|/)data/tweets?(?:-part(\d+))?\.js$")


def _js_array(text: str, where: str) -> list:
    """The array assigned in an archive file (`window.YTD.tweets.part0 = [...]`), without running it."""
    start = text.find("=")
    body = text[start + 1:] if start >= 0 and not text.lstrip().startswith("[") else text
    try:
        data = json.loads(body.strip().rstrip(";"))
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


def _archive_files(path: Path) -> tuple[list[tuple[str, bytes]], bytes | None]:
    """(tweet files in part order, account.js) from an archive zip, its unzipped folder or one tweets file.

    Only these files are read: an archive also holds direct messages, which are not ours to import.
    """
    def part(name: str) -> int:
        match = _X_TWEET_FILE.search(name)
        return int(match.group(1) or 0) if match else -1

    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            tweets = sorted((n for n in names if part(n) >= 0), key=part)
            account = next((n for n in names if n.endswith("data/account.js")), None)
            return [(PurePosixPath(n).name, archive.read(n)) for n in tweets], account and archive.read(account)
    if path.is_dir():
        folder = path / "data" if (path / "data").is_dir() else path
        tweets = sorted((f for f in folder.iterdir() if part(f"data/{f.name}") >= 0), key=lambda f: part(f"data/{f.name}"))
        account = folder / "account.js"
        return [(f.name, f.read_bytes()) for f in tweets], account.read_bytes() if account.is_file() else None
    sibling = path.parent / "account.js"
    return [(path.name, path.read_bytes())], sibling.read_bytes() if sibling.is_file() and sibling != path else None


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
