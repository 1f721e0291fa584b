"""Guardian search: Content API results (recorded, replayed on 127.0.0.1) lead to discussions, collected into DuckDB."""

from __future__ import annotations

import json
from datetime import date, datetime
from math import ceil
from pathlib import Path

import pytest
from werkzeug import Request, Response

from collectors import guardian
from collectors.errors import CollectorError
from collectors.guardian import GuardianCollector, discussion_key_of
from jobs.collect import collect_all
from settings.sources import SourceConfig
from store.db import connect
from tests.replay import (
    FIXTURES,
    GUARDIAN,
    GuardianReplay,
    json_response,
    load_json,
    quick_http,
)

SEARCH = FIXTURES / "guardian_search" / "walsall"
KEY = "gu-test-key-7f3a9c1e5b"  # a made-up key: it must never reach the store or a message
NOW = datetime(2026, 11, 28, 12, 0, 0)  # naive UTC, the collector's "now"
QUERY = "walsall council"
# the recorded discussions the commentable articles point at, and their item counts
DISCUSSIONS = {"bins_three_weekly": 9, "truncated_thread": 6, "missing_fields": 4}


class ContentSearch:
    """The Content API's /search over the recorded results, as the API pages and filters them.

    The recorded pages are concatenated and re-paged by the request's
    page-size, page and from-date (a day, inclusive), so the server answers
    any run the way the API would. `extra` results are published after the
    recording (newest first, before the recorded ones); `answers` overrides
    every answer with a handler while set (an outage, a 429).
    """

    def __init__(self, folder: Path = SEARCH, key: str = KEY):
        self.pages = sorted(folder.glob("page-*.json"), key=lambda p: int(p.stem.split("-")[1]))
        first = load_json(self.pages[0])["response"]
        self.envelope = {k: first[k] for k in ("status", "userTier", "orderBy")}
        self.results = [r for page in self.pages for r in load_json(page)["response"]["results"]]
        self.extra: list[dict] = []
        self.key = key
        self.requests: list[dict] = []
        self.answers = None

    def install(self, httpserver) -> ContentSearch:
        httpserver.expect_request("/search").respond_with_handler(self.handle)
        return self

    def handle(self, request: Request) -> Response:
        args = request.args.to_dict()
        self.requests.append(args)
        if self.answers is not None:
            return self.answers(request)
        if args.get("api-key") != self.key:
            return json_response({"message": "Unauthorized"}, 401)
        size = int(args.get("page-size", "10"))
        page = int(args.get("page", "1"))
        matching = [*self.extra, *self.results]
        if "from-date" in args:
            since = date.fromisoformat(args["from-date"])
            matching = [r for r in matching if datetime.fromisoformat(r["webPublicationDate"][:19]).date() >= since]
        pages = max(1, ceil(len(matching) / size))
        if page > pages:
            return json_response(
                {"response": {"status": "error", "message": f"requested page {page} is beyond the number of available pages ({pages})"}},
                400,
            )
        start = (page - 1) * size
        return json_response(
            {
                "response": {
                    **self.envelope,
                    "total": len(matching),
                    "startIndex": start + 1,
                    "pageSize": size,
                    "currentPage": page,
                    "pages": pages,
                    "results": matching[start:start + size],
                }
            }
        )


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(guardian, "utcnow", lambda: NOW)
    monkeypatch.setattr(guardian, "SEARCH_PAGE_SIZE", 3)  # the recording's page size: two pages
    monkeypatch.setenv("GUARDIAN_API_KEY", KEY)


@pytest.fixture
def replay(httpserver):
    search = ContentSearch().install(httpserver)
    discussions = {name: GuardianReplay(GUARDIAN / name).install(httpserver) for name in [*DISCUSSIONS, "linear_only"]}
    return search, discussions


def base(httpserver) -> str:
    return httpserver.url_for("/").rstrip("/")


def search_source(httpserver, name: str = "Guardian: Walsall search", **options) -> SourceConfig:
    return SourceConfig(
        name=name,
        kind="guardian",
        options={"search": QUERY, "content_base_url": base(httpserver), **options},
        base_url=base(httpserver),
        retention_days=6_000,  # the recordings reach back to 2011; retention: test_retention_skip.py
    )


def run(sources, db_path, **http_options):
    with quick_http(**http_options) as http:
        return collect_all(list(sources), db_path, http)


def source_row(db_path, name: str) -> dict:
    with connect(db_path, read_only=True) as con:
        cursor, error, ok = con.execute(
            "SELECT cursor, last_error, last_ok_at FROM sources WHERE name = ?", [name]
        ).fetchall()[0]
    return {"cursor": json.loads(cursor or "{}"), "last_error": error, "last_ok_at": ok}


def counts(db_path) -> tuple[int, int]:
    with connect(db_path, read_only=True) as con:
        return tuple(con.execute("SELECT count(*), count(DISTINCT key) FROM items").fetchall()[0])


def discussion_requests(httpserver) -> list[str]:
    return [r.path for r, _ in httpserver.log if r.path.startswith("/discussion-api/discussion/")]


def nothing_holds_the_key(db_path) -> None:
    assert KEY.encode() not in db_path.read_bytes()
    with connect(db_path, read_only=True) as con:
        for table in ("sources", "items", "runs"):
            for row in con.execute(f"SELECT * FROM {table}").fetchall():
                assert KEY not in repr(row), table


# -- finding discussions -------------------------------------------------------


def test_the_replay_serves_the_recorded_pages_as_recorded(httpserver):
    search = ContentSearch().install(httpserver)
    for number, page in enumerate(search.pages, start=1):
        with quick_http() as http:
            got = http.get_json(
                httpserver.url_for("/search"), params={"api-key": KEY, "page-size": 3, "page": number}
            )
        assert got == load_json(page)


def test_two_pages_of_results_lead_to_every_commentable_discussion(httpserver, replay, db_path):
    search, _ = replay
    (result,) = run([search_source(httpserver)], db_path)
    assert result.error is None and result.warnings == []
    assert result.new == sum(DISCUSSIONS.values()) == 19

    assert search.requests == [
        {"q": QUERY, "api-key": KEY, "show-fields": "shortUrl,commentable", "page-size": "3", "page": str(n),
         "order-by": "newest", "from-date": "2026-11-14"}  # 14 days of look-back on the first run
        for n in (1, 2)
    ]
    # closed to comments (commentable "false") and no commentable field: never asked for
    asked = set(discussion_requests(httpserver))
    assert asked == {"/discussion-api/discussion/p/kx7q2", "/discussion-api/discussion/p/w2hcx",
                     "/discussion-api/discussion/p/m4yl9"}

    with connect(db_path, read_only=True) as con:
        posts = dict(con.execute("SELECT key, created_at FROM items WHERE item_type = 'post'").fetchall())
        orphans = con.execute(
            "SELECT count(*) FROM items c WHERE c.item_type = 'comment' "
            "AND c.thread_id NOT IN (SELECT key FROM items WHERE item_type = 'post')"
        ).fetchall()[0][0]
    # the article's publication time is the post's time
    assert posts == {
        "guardian:/p/kx7q2": datetime(2026, 11, 27, 7, 30),
        "guardian:/p/w2hcx": datetime(2026, 11, 24, 18, 45),
        "guardian:/p/m4yl9": datetime(2026, 11, 21, 9, 0),
    }
    assert orphans == 0

    state = source_row(db_path, "Guardian: Walsall search")["cursor"]["search"]
    assert state == {
        "query": QUERY,
        "newest": "2026-11-27T07:30:00",
        "found": {"/p/kx7q2": "2026-11-27T07:30:00", "/p/w2hcx": "2026-11-24T18:45:00",
                  "/p/m4yl9": "2026-11-21T09:00:00"},
    }
    nothing_holds_the_key(db_path)


def test_a_second_identical_run_writes_nothing(httpserver, replay, db_path):
    search, _ = replay
    source = search_source(httpserver)
    run([source], db_path)
    first_rows = counts(db_path)
    asked_before = len(search.requests)

    (again,) = run([source], db_path)
    assert (again.error, again.new, again.updated, again.warnings) == (None, 0, 0, [])
    assert counts(db_path) == first_rows == (19, 19)
    # the search starts on the newest day seen and stops at the first article seen before: one page
    assert [(r["page"], r["from-date"]) for r in search.requests[asked_before:]] == [("1", "2026-11-27")]
    # every discussion still within look-back is re-checked for new comments (page 1 of each)
    assert discussion_requests(httpserver)[-3:] == [
        "/discussion-api/discussion/p/kx7q2", "/discussion-api/discussion/p/w2hcx",
        "/discussion-api/discussion/p/m4yl9",
    ]
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT sum(new), sum(updated) FROM runs").fetchall()[0] == (19, 0)


def test_a_new_article_is_found_next_run_and_the_known_ones_are_rechecked(httpserver, replay, db_path):
    search, discussions = replay
    source = search_source(httpserver)
    run([source], db_path)
    search.extra = [load_json(SEARCH / "new-article.json")]
    served_before = len(discussions["missing_fields"].pages_served)

    (again,) = run([source], db_path)
    assert again.error is None
    assert again.new == 4  # /p/3b8zd: its post and three comments
    assert counts(db_path) == (23, 23)
    assert len(discussions["missing_fields"].pages_served) == served_before + 1  # found last run, re-checked
    state = source_row(db_path, source.name)["cursor"]["search"]
    assert state["newest"] == "2026-11-28T08:10:00"
    assert set(state["found"]) == {"/p/3b8zd", "/p/kx7q2", "/p/w2hcx", "/p/m4yl9"}


def test_articles_past_the_look_back_are_no_longer_rechecked(httpserver, replay, db_path, monkeypatch):
    source = search_source(httpserver)
    run([source], db_path)
    monkeypatch.setattr(guardian, "utcnow", lambda: datetime(2026, 12, 6, 12, 0))  # horizon 22 Nov
    asked_before = len(discussion_requests(httpserver))

    (later,) = run([source], db_path)
    assert (later.error, later.new, later.updated) == (None, 0, 0)
    assert discussion_requests(httpserver)[asked_before:] == [
        "/discussion-api/discussion/p/kx7q2", "/discussion-api/discussion/p/w2hcx",
    ]
    cursor = source_row(db_path, source.name)["cursor"]
    assert set(cursor["search"]["found"]) == {"/p/kx7q2", "/p/w2hcx"}
    assert set(cursor["discussions"]) == {"/p/kx7q2", "/p/w2hcx"}
    assert counts(db_path) == (19, 19)  # what was collected stays


def test_max_articles_caps_the_search_and_says_so(httpserver, replay, db_path):
    search, _ = replay
    (result,) = run([search_source(httpserver, max_articles=2)], db_path)
    assert result.error is None
    assert result.warnings == [
        (
            "Guardian search for 'walsall council' matched more than 2 articles since 2026-11-14; "
            "only the newest 2 were read (raise max_articles to read more)"
        )
    ]
    assert [r["page"] for r in search.requests] == ["1"]
    assert discussion_requests(httpserver) == ["/discussion-api/discussion/p/kx7q2"] * 2  # its two pages


def test_listed_discussions_and_search_results_are_collected_once(httpserver, replay, db_path):
    source = search_source(httpserver, discussions=["/p/3b8zd", "p/kx7q2"])
    (result,) = run([source], db_path)
    assert result.error is None
    assert result.new == 19 + 4
    assert counts(db_path) == (23, 23)
    assert discussion_requests(httpserver).count("/discussion-api/discussion/p/kx7q2") == 2  # pages 1 and 2, once


# -- what goes wrong -----------------------------------------------------------


def test_a_missing_key_fails_that_source_only(httpserver, replay, db_path, monkeypatch):
    monkeypatch.delenv("GUARDIAN_API_KEY")
    search, _ = replay
    listed = SourceConfig(name="Guardian: listed", kind="guardian", options={"discussions": ["/p/kx7q2"]},
                          base_url=base(httpserver))
    failed, fine = run([search_source(httpserver), listed], db_path)
    assert failed.error == (
        "missing secret GUARDIAN_API_KEY: set the environment variable or add it to .streamlit/secrets.toml"
    )
    assert "\n" not in failed.error
    assert (fine.error, fine.new) == (None, 9)
    assert search.requests == []
    state = source_row(db_path, "Guardian: Walsall search")
    assert state["last_error"] == failed.error and state["last_ok_at"] is None
    assert source_row(db_path, "Guardian: listed")["last_error"] is None


def test_a_refused_key_names_the_variable_and_never_shows_the_key(httpserver, replay, db_path, monkeypatch):
    monkeypatch.setenv("GUARDIAN_API_KEY", "gu-revoked-key-000111")
    (result,) = run([search_source(httpserver)], db_path)
    assert result.error.startswith("Guardian search for 'walsall council', page 1: the Content API refused the key in "
                                   "GUARDIAN_API_KEY (HTTP 401)")
    assert "gu-revoked-key-000111" not in result.error
    assert b"gu-revoked-key-000111" not in db_path.read_bytes()


def test_429_on_search_waits_when_short_and_stops_clearly_when_long(httpserver, replay, db_path):
    search, _ = replay
    short = {"n": 0}

    def once_then_fine(request):
        short["n"] += 1
        if short["n"] == 1:
            return Response('{"message":"API rate limit exceeded"}', status=429, headers={"Retry-After": "2"},
                            content_type="application/json")
        search.answers = None
        return search.handle(request)

    search.answers = once_then_fine
    with quick_http() as http:
        (result,) = collect_all([search_source(httpserver)], db_path, http)
        assert http.sleep.waits == [2.0]
    assert (result.error, result.new) == (None, 19)


def test_a_long_429_on_search_is_an_error_without_known_discussions_and_a_warning_with_them(
    httpserver, replay, db_path
):
    search, _ = replay
    search.answers = lambda request: Response(
        '{"message":"API rate limit exceeded"}', status=429, headers={"Retry-After": "3600"},
        content_type="application/json",
    )
    alone = search_source(httpserver, name="Guardian: search only")
    with_listed = search_source(httpserver, name="Guardian: search and listed", discussions=["/p/w2hcx"])
    stopped, partial = run([alone, with_listed], db_path)

    assert stopped.error.startswith("rate limited by ") and "asked to wait 3600s" in stopped.error
    assert KEY not in stopped.error
    assert source_row(db_path, alone.name)["cursor"] == {}  # nothing learnt: the next run searches the same days

    assert partial.error is None and partial.new == 6  # the listed discussion is still read
    assert len(partial.warnings) == 1
    assert partial.warnings[0].startswith(
        "Guardian search for 'walsall council' failed, so only the discussions already known were read: rate limited by "
    )
    assert source_row(db_path, with_listed.name)["last_error"] == partial.warnings[0]

    search.answers = None  # the limit is over: the next run searches from the same first day
    asked_before = len(search.requests)
    (recovered,) = run([alone], db_path)
    assert (recovered.error, recovered.fetched) == (None, 19)
    assert search.requests[asked_before]["from-date"] == "2026-11-14"
    assert source_row(db_path, alone.name)["last_error"] is None
    nothing_holds_the_key(db_path)


def test_an_error_answer_from_the_content_api_is_a_payload_error(httpserver, replay, db_path):
    search, _ = replay
    search.answers = lambda request: json_response({"response": {"status": "error", "message": "Invalid from-date"}})
    (result,) = run([search_source(httpserver)], db_path)
    assert result.error == "Guardian search for 'walsall council', page 1: the API answered with an error: Invalid from-date"


def test_an_answer_without_a_response_object_is_a_payload_error(httpserver, replay, db_path):
    search, _ = replay
    search.answers = lambda request: json_response({"results": []})
    (result,) = run([search_source(httpserver)], db_path)
    assert result.error == "Guardian search for 'walsall council', page 1: the answer has no 'response' object"


# -- settings and keys ---------------------------------------------------------


@pytest.mark.parametrize(
    "short_url, key",
    [
        ("https://www.theguardian.com/p/abc12", "/p/abc12"),
        ("https://gu.com/p/3x4yz/stw", "/p/3x4yz"),
        ("  https://www.theguardian.com/p/kx7q2?CMP=share ", "/p/kx7q2"),
        ("https://www.theguardian.com/uk-news/2026/nov/27/story", None),
        ("", None),
        (None, None),
    ],
)
def test_discussion_key_from_short_url(short_url, key):
    assert discussion_key_of(short_url) == key


def test_search_settings_are_checked(monkeypatch):
    def make(**options):
        return GuardianCollector(SourceConfig(name="g", kind="guardian", options=options), http=None)

    collector = make(search=" walsall council ")
    assert (collector.search, collector.content_base_url, collector.max_articles) == (
        "walsall council", "https://content.guardianapis.com", 100,
    )
    with pytest.raises(CollectorError, match="max_articles must be a whole number"):
        make(search="x", max_articles=0)
    with pytest.raises(CollectorError, match="search must be a Content API query"):
        make(search=["x"])
