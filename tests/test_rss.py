"""RSS / Atom collection: recorded feeds served over real HTTP, each with its expectation beside it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from collectors.errors import CollectorError, PayloadError
from collectors.rss import RssCollector, native_id_for, unwrap_google_link
from jobs.collect import collect_source
from settings.sources import SourceConfig
from store.db import connect
from tests.replay import RSS, conditional, load_json, quick_http, rss_cases, sequence, status

CONTENT_TYPES = {".xml": "application/rss+xml; charset=utf-8", ".html": "text/html; charset=utf-8"}


def rss_source(url: str, **options) -> SourceConfig:
    return SourceConfig(name="Kingsmere news", kind="rss", options={"url": url, **options})


def expectation(feed: Path) -> dict:
    return load_json(feed.with_name(feed.stem + ".expected.json"))


def serve(httpserver, feed: Path, **validators) -> str:
    expected = expectation(feed)
    content_type = expected.get("content_type") or CONTENT_TYPES[feed.suffix]
    path = f"/feeds/{feed.name}"
    httpserver.expect_request(path).respond_with_handler(conditional(feed.read_bytes(), content_type, **validators))
    return httpserver.url_for(path)


def collect(url: str, cursor: dict | None = None):
    with quick_http() as http:
        return list(RssCollector(rss_source(url), http).fetch(cursor or {}))


def utc_naive(item) -> datetime:
    return item.created_utc()


@pytest.mark.parametrize("feed", rss_cases(), ids=lambda p: p.stem)
def test_recorded_feed_matches_its_expectation(httpserver, feed: Path):
    expected = expectation(feed)
    url = serve(httpserver, feed)
    if "error_contains" in expected:
        with pytest.raises(PayloadError, match=expected["error_contains"]):
            collect(url)
        return

    before = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    batches = collect(url)
    assert len(batches) == 1
    batch = batches[0]
    assert len(batch.items) == expected["count"]
    if "warnings" in expected:
        assert batch.warnings == expected["warnings"]
    for fragment in expected.get("warnings_contain", []):
        assert any(fragment in w for w in batch.warnings), (fragment, batch.warnings)

    by_id = {item.native_id: item for item in batch.items}
    assert len(by_id) == len(batch.items), "native ids must be unique within a feed"
    for want in expected["items"]:
        item = by_id[want["native_id"]]
        assert item.kind == "rss" and item.item_type == "mention"
        assert item.thread_id is None and item.parent_id is None
        for field in ("title", "url", "author_name", "author_id", "lang"):
            if field in want:
                assert getattr(item, field) == want[field], field
        if "title_contains" in want:
            assert want["title_contains"] in item.title
        if "raw_text_contains" in want:
            assert want["raw_text_contains"] in item.raw_text
        if want.get("created_at") == "first seen":
            first_seen = datetime.fromisoformat(batch.cursor["undated"][item.native_id])
            assert utc_naive(item) == first_seen
            assert first_seen >= before
        elif "created_at" in want:
            assert utc_naive(item) == datetime.fromisoformat(want["created_at"])


def test_every_recorded_feed_has_an_expectation():
    feeds = rss_cases()
    assert len(feeds) >= 6
    for feed in feeds:
        assert feed.with_name(feed.stem + ".expected.json").exists(), feed.name


def test_not_modified_feed_yields_nothing_and_keeps_validators(httpserver):
    url = serve(
        httpserver, RSS / "council_news.xml", etag='W/"kbc-20261127"', last_modified="Fri, 27 Nov 2026 16:05:00 GMT"
    )
    first = collect(url)
    cursor = first[0].cursor
    assert cursor["etag"] == 'W/"kbc-20261127"'
    assert cursor["last_modified"] == "Fri, 27 Nov 2026 16:05:00 GMT"
    assert collect(url, cursor) == []
    second_request, _ = httpserver.log[1]
    assert second_request.headers["If-None-Match"] == 'W/"kbc-20261127"'
    assert second_request.headers["If-Modified-Since"] == "Fri, 27 Nov 2026 16:05:00 GMT"


def test_undated_entries_keep_their_first_seen_time_across_runs(httpserver):
    url = serve(httpserver, RSS / "council_news.xml")  # no validators: the full feed every time
    first = collect(url)[0]
    second = collect(url, first.cursor)[0]
    undated_first = {i.native_id: i.created_at for i in first.items}["kbc-news-4462"]
    undated_second = {i.native_id: i.created_at for i in second.items}["kbc-news-4462"]
    assert undated_first == undated_second
    assert second.cursor["undated"] == first.cursor["undated"]


def test_a_feed_that_is_only_garbage_is_a_payload_error(httpserver):
    httpserver.expect_request("/feeds/garbage.xml").respond_with_data(
        b"\x00\x01\x02 this is not a feed", content_type="application/xml"
    )
    with pytest.raises(PayloadError, match="is not a readable RSS or Atom feed"):
        collect(httpserver.url_for("/feeds/garbage.xml"))


def test_an_empty_but_valid_feed_yields_an_empty_batch(httpserver):
    httpserver.expect_request("/feeds/empty.xml").respond_with_data(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Planning notices</title></channel></rss>',
        content_type="application/rss+xml",
    )
    batches = collect(httpserver.url_for("/feeds/empty.xml"))
    assert [len(b.items) for b in batches] == [0]
    assert batches[0].warnings == []


def test_relative_links_are_resolved_against_the_feed(httpserver):
    httpserver.expect_request("/news/rss.xml").respond_with_data(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        "<item><title>Road closure on Mill Lane</title><link>/news/mill-lane</link><guid>kbc-9001</guid>"
        "<pubDate>Sat, 28 Nov 2026 08:00:00 GMT</pubDate></item></channel></rss>",
        content_type="application/rss+xml",
    )
    item = collect(httpserver.url_for("/news/rss.xml"))[0].items[0]
    assert item.native_id == "kbc-9001"  # a plain guid stays as it is
    assert item.url == httpserver.url_for("/news/mill-lane")


@pytest.mark.parametrize(
    "link, real",
    [
        (
            "https://www.google.com/url?rct=j&sa=t&url=https://www.kingsmereobserver.co.uk/news/a-1&ct=ga&usg=AOv",
            "https://www.kingsmereobserver.co.uk/news/a-1",
        ),
        ("https://www.google.co.uk/url?q=https://www.bbc.co.uk/news/uk-england-123&sa=U", "https://www.bbc.co.uk/news/uk-england-123"),
        (
            "https://www.google.com/url?url=https%3A%2F%2Fwww.example.gov.uk%2Fbins%3Fward%3D3",
            "https://www.example.gov.uk/bins?ward=3",
        ),
        ("https://www.google.com/url?url=javascript:alert(1)", "https://www.google.com/url?url=javascript:alert(1)"),
        ("https://www.google.com/search?q=kingsmere", "https://www.google.com/search?q=kingsmere"),
        ("https://notgoogle.com/url?url=https://evil.example", "https://notgoogle.com/url?url=https://evil.example"),
        ("https://www.kingsmere.gov.uk/news", "https://www.kingsmere.gov.uk/news"),
        (None, None),
    ],
)
def test_google_redirect_links_are_unwrapped(link, real):
    assert unwrap_google_link(link) == real


def test_very_long_ids_are_hashed_stably():
    long_link = "https://news.example.com/" + "x" * 500
    first = native_id_for({"link": long_link})
    assert first == native_id_for({"link": long_link})
    assert first.startswith("h:") and len(first) < 64
    assert native_id_for({}) is None
    assert native_id_for({"title": "Only a title"}) == native_id_for({"title": "Only a title"})


def test_a_source_without_a_usable_url_is_refused():
    with pytest.raises(CollectorError, match="url must be an http"):
        RssCollector(rss_source("file:///etc/passwd"), http=None)


def test_alert_titles_and_snippets_are_stored_as_clean_text(httpserver, db_path):
    url = serve(httpserver, RSS / "google_alerts.xml")
    with quick_http() as http:
        result = collect_source(rss_source(url), db_path, http)
    assert (result.error, result.new) == (None, 3)
    with connect(db_path, read_only=True) as con:
        title, text, url_stored = con.execute(
            "SELECT title, text, url FROM items WHERE native_id = ?",
            ["tag:google.com,2013:googlealerts/feed:4812735542619876543"],
        ).fetchall()[0]
    assert title == "Kingsmere Council leader responds to town centre parking charge petition"
    assert "<b>" not in text and text.startswith("The leader of Kingsmere Council has said")
    assert url_stored == "https://www.kingsmereobserver.co.uk/news/local/parking-charges-petition-handed-in-4471093"


def test_a_feed_behind_429_then_500_is_still_collected(httpserver):
    feed = (RSS / "council_news.xml").read_bytes()
    httpserver.expect_request("/feeds/busy.xml").respond_with_handler(
        sequence(
            status(429, {"Retry-After": "4"}),
            status(503),
            conditional(feed, "application/rss+xml", etag='"b1"'),
        )
    )
    with quick_http(jitter=lambda: 0.5) as http:
        batches = list(RssCollector(rss_source(httpserver.url_for("/feeds/busy.xml")), http).fetch({}))
        assert http.sleep.waits == [4.0, 2.0]  # Retry-After honoured, then backoff (second try: 2s)
    assert len(batches[0].items) == 4
    assert batches[0].cursor["etag"] == '"b1"'
