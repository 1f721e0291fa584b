"""Guardian discussions: recorded API pages replayed over real HTTP into a real DuckDB file."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from werkzeug import Response

from collectors.errors import CollectorError, PayloadError
from collectors.guardian import GuardianCollector, normalise_key, parse_time
from jobs.collect import collect_source
from settings.sources import SourceConfig
from store.db import connect
from store.items import raw_text_sql
from tests.replay import GUARDIAN, GuardianReplay, discussion_path, guardian_cases, json_response, quick_http

COLUMNS = [
    "key", "item_type", "thread_id", "parent_id", "author_id", "author_name", "created_at", "title",
    "text", "raw_text", "url", "like_count", "reply_count", "is_council", "deleted_at",
]


# The recordings include a 2011 discussion: kept here, where parsing is tested (retention: test_retention_skip.py).
KEEP_2011 = 6_000


def guardian_source(base_url: str, *keys: str, **options) -> SourceConfig:
    return SourceConfig(
        name="Guardian comments",
        kind="guardian",
        options={"discussions": list(keys), **options},
        base_url=base_url,
        council_accounts=("KingsmereCouncil",),
        retention_days=KEEP_2011,
    )


def base(httpserver) -> str:
    return httpserver.url_for("/").rstrip("/")


def stored(db_path) -> dict[str, dict]:
    with connect(db_path, read_only=True) as con:
        columns = [raw_text_sql() if c == "raw_text" else c for c in COLUMNS]
        rows = con.execute(f"SELECT {', '.join(columns)} FROM items ORDER BY key").fetchall()
    return {row[0]: dict(zip(COLUMNS, row)) for row in rows}


def run(source: SourceConfig, db_path):
    with quick_http() as http:
        return collect_source(source, db_path, http)


def cursor_of(db_path, name: str = "Guardian comments") -> dict:
    with connect(db_path, read_only=True) as con:
        return json.loads(con.execute("SELECT cursor FROM sources WHERE name = ?", [name]).fetchall()[0][0])


@pytest.mark.parametrize("case", guardian_cases(), ids=lambda p: p.name)
def test_recorded_discussion_matches_its_expectation(httpserver, db_path, case: Path):
    replay = GuardianReplay(case).install(httpserver)
    expected = replay.expected
    result = run(guardian_source(base(httpserver), replay.key), db_path)
    assert result.error is None
    assert (result.new, result.updated) == (expected["count"], 0)
    assert sorted(replay.pages_served) == list(range(1, expected["pages"] + 1))

    rows = stored(db_path)
    assert len(rows) == expected["count"]
    post_key = f"guardian:{replay.key}"
    for key, row in rows.items():
        if key != post_key:  # every comment hangs off the post, and off something stored
            assert row["item_type"] == "comment" and row["thread_id"] == post_key
            assert row["parent_id"] in rows, (key, row["parent_id"])
    for want in expected["items"]:
        row = rows[want["key"]]
        for field, value in want.items():
            if field == "key":
                continue
            if field == "created_at":
                assert row["created_at"] == datetime.fromisoformat(value), want["key"]
            elif field == "deleted":
                assert (row["deleted_at"] is not None) is value, want["key"]
            else:
                assert row[field] == value, (want["key"], field)

    if expected.get("linear_only"):
        threaded = [r.args.get("displayThreaded") for r, _ in httpserver.log]
        assert threaded == ["true", "false"]


def test_every_recorded_discussion_has_pages_and_an_expectation():
    cases = guardian_cases()
    assert len(cases) >= 4
    for case in cases:
        assert (case / "page-1.json").exists(), case.name


def test_requests_use_the_documented_parameters(httpserver, db_path):
    replay = GuardianReplay(GUARDIAN / "bins_three_weekly").install(httpserver)
    run(guardian_source(base(httpserver), replay.key), db_path)
    first, _ = httpserver.log[0]
    assert first.path == "/discussion-api/discussion/p/kx7q2"
    assert dict(first.args) == {
        "orderBy": "oldest", "pageSize": "100", "displayThreaded": "true", "maxResponses": "100", "page": "1",
    }
    assert first.headers["User-Agent"].startswith("CouncilPulse/")


def test_comment_html_is_cleaned_and_the_raw_html_kept(httpserver, db_path):
    replay = GuardianReplay(GUARDIAN / "bins_three_weekly").install(httpserver)
    run(guardian_source(base(httpserver), replay.key), db_path)
    row = stored(db_path)["guardian:170014977"]
    assert row["raw_text"].startswith("<blockquote><p>save £1.2m</p></blockquote>")
    assert "<" not in row["text"] and "&amp;" not in row["text"]
    assert "Publish the modelling & let residents see it." in row["text"]


def test_an_unchanged_discussion_costs_one_request_and_writes_nothing(httpserver, db_path):
    replay = GuardianReplay(GUARDIAN / "bins_three_weekly").install(httpserver)
    source = guardian_source(base(httpserver), replay.key)
    run(source, db_path)
    assert replay.pages_served == [1, 2]
    again = run(source, db_path)
    assert (again.error, again.new, again.updated) == (None, 0, 0)
    assert replay.pages_served == [1, 2, 1]
    assert cursor_of(db_path)["discussions"]["/p/kx7q2"]["complete"] is True


def test_a_new_comment_count_reads_every_page_again(httpserver, db_path):
    replay = GuardianReplay(GUARDIAN / "bins_three_weekly").install(httpserver)
    source = guardian_source(base(httpserver), replay.key)
    run(source, db_path)
    state = cursor_of(db_path)
    with connect(db_path) as con:  # as if the last run saw fewer comments
        state["discussions"]["/p/kx7q2"]["comment_count"] = 5
        con.execute("UPDATE sources SET cursor = ? WHERE name = ?", [json.dumps(state), "Guardian comments"])
    again = run(source, db_path)
    assert replay.pages_served == [1, 2, 1, 2]
    assert (again.new, again.updated) == (0, 0)


def test_a_missing_discussion_is_a_warning_and_the_others_are_still_read(httpserver, db_path):
    replay = GuardianReplay(GUARDIAN / "linear_only").install(httpserver)
    httpserver.expect_request(discussion_path("/p/zzzzz")).respond_with_handler(
        lambda r: json_response({"status": "error", "statusCode": 404, "message": "Discussion not found",
                                 "errorCode": "DISCUSSION_NOT_FOUND"}, 404)
    )
    result = run(guardian_source(base(httpserver), "/p/zzzzz", replay.key), db_path)
    assert result.error is None
    assert result.warnings == [
        "Guardian discussion /p/zzzzz was not found (HTTP 404); check the key in sources.toml"
    ]
    assert result.new == 4
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT last_error FROM sources").fetchall()[0][0] == result.warnings[0]


def test_an_error_status_in_a_200_answer_is_a_payload_error(httpserver, db_path):
    httpserver.expect_request(discussion_path("/p/err01")).respond_with_handler(
        lambda r: json_response({"status": "error", "statusCode": 500, "message": "Read only mode"})
    )
    result = run(guardian_source(base(httpserver), "/p/err01"), db_path)
    assert result.error == "Guardian discussion /p/err01, page 1: the API answered with an error: Read only mode"


def test_an_answer_without_a_discussion_is_a_payload_error(httpserver):
    httpserver.expect_request(discussion_path("/p/odd01")).respond_with_handler(
        lambda r: json_response({"status": "ok", "comments": []})
    )
    with quick_http() as http:
        collector = GuardianCollector(guardian_source(base(httpserver), "/p/odd01"), http)
        with pytest.raises(PayloadError, match="has no 'discussion' object"):
            list(collector.fetch({}))


def test_an_html_error_page_is_a_payload_error(httpserver):
    httpserver.expect_request(discussion_path("/p/html1")).respond_with_response(
        Response("<html><body>Service unavailable</body></html>", content_type="text/html")
    )
    with quick_http() as http:
        collector = GuardianCollector(guardian_source(base(httpserver), "/p/html1"), http)
        with pytest.raises(PayloadError, match="expected JSON .* but got text/html"):
            list(collector.fetch({}))


def test_discussion_keys_are_normalised_and_deduplicated():
    source = SourceConfig(name="g", kind="guardian", options={"discussions": ["p/kx7q2", " /p/kx7q2 ", "/p/3b8zd"]})
    collector = GuardianCollector(source, http=None)
    assert collector.discussions == ["/p/kx7q2", "/p/3b8zd"]
    assert collector.base_url == "https://discussion.theguardian.com"
    assert normalise_key("p/abc") == "/p/abc"


def test_bad_discussions_setting_is_refused():
    source = SourceConfig(name="g", kind="guardian", options={"discussions": [17]})
    with pytest.raises(CollectorError, match="discussions must be a list of keys"):
        GuardianCollector(source, http=None)


@pytest.mark.parametrize(
    "comment, expected",
    [
        ({"isoDateTime": "2014-07-04T12:57:48Z"}, "2014-07-04T12:57:48+00:00"),
        ({"date": "04 July 2014 1:57pm"}, "2014-07-04T12:57:00+00:00"),  # BST
        ({"date": "30 October 2014 5:24pm"}, "2014-10-30T17:24:00+00:00"),  # GMT
        ({"isoDateTime": "yesterday", "date": "30 October 2014 5:24pm"}, "2014-10-30T17:24:00+00:00"),
        ({"isoDateTime": None}, None),
        ({}, None),
    ],
)
def test_comment_times(comment, expected):
    stamp = parse_time(comment)
    assert (stamp.isoformat() if stamp else None) == expected
