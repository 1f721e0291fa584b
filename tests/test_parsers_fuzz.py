"""Property-based tests: arbitrary and damaged payloads through every pure payload parser.

Each parser gets two kinds of input: fully arbitrary JSON (or bytes, or text), and
the recorded fixture in tests/fixtures/<kind>/ with random fields at random depths
dropped, replaced or retyped (which reaches far deeper into a parser). Nothing may
crash: the only exception allowed out is the project's own (CollectorError and its
kinds), with a message in words; every Item that comes out is valid and the store
takes it (tests/fuzzing.py). Parsers tangled with HTTP are driven through the real
collectors over a local server in tests/test_parsers_fuzz_http.py.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectors import (
    bluesky,
    facebook,
    graph,
    guardian,
    instagram,
    mastodon,
    reddit,
    rss,
)
from collectors.errors import CollectorError
from collectors.http import FetchResult, decode_json
from collectors.imports import (
    ImportCollector,
    ImportInputError,
    ImportOptions,
    parse_when,
    timezone_named,
)
from collectors.payload import as_int, parse_epoch, parse_iso_time
from settings.sources import SourceConfig
from tests.fuzzing import (
    AWKWARD,
    check_items,
    fuzz_settings,
    json_values,
    load_folder,
    message_in_words,
    mutated,
)
from tests.replay import FIXTURES

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def variants(fixture):
    """The fixture damaged at 1 to 6 spots, with awkward and arbitrary values."""
    return st.builds(
        lambda rng, extra, times: mutated(fixture, rng, AWKWARD + extra, times),
        st.randoms(use_true_random=False),
        st.lists(json_values, min_size=1, max_size=3),
        st.integers(min_value=1, max_value=6),
    )


# -- the readers everything goes through -------------------------------------------------


@fuzz_settings(150)
@given(json_values | st.sampled_from(AWKWARD) | st.text())
def test_payload_readers_never_raise(value):
    stamp = parse_iso_time(value)
    assert stamp is None or (stamp.tzinfo is not None and stamp.utcoffset().total_seconds() == 0)
    number = as_int(value)
    assert number is None or (isinstance(number, int) and abs(number) < 2**63)
    when = parse_epoch(value)
    assert when is None or when.tzinfo is not None


@pytest.mark.parametrize("text", [
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+0100",
])
def test_times_at_the_edge_of_the_calendar_are_unreadable_not_a_crash(text):
    assert parse_iso_time(text) is None


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 1e300, -1e300, 10**30])
def test_epochs_beyond_the_calendar_are_unreadable_not_a_crash(value):
    assert parse_epoch(value) is None


@fuzz_settings(60)
@given(st.binary(max_size=300) | st.sampled_from([b"[" * 100_000, b'{"a":' * 50_000, b"NaN", b"[1e400]"]))
def test_decoding_any_body_is_json_or_a_payload_error(body):
    result = FetchResult(url="http://127.0.0.1/x", status=200, content=body,
                         headers={"content-type": "application/json"})
    try:
        decode_json(result)
    except CollectorError as error:
        message_in_words(error)


URLISH = st.text(max_size=40) | st.lists(st.sampled_from(
    ["http://", "https://", "//", "[", "]", "::1", ":99999", "www.google.com", "/url?", "url=", "q=", "&", "/p/", "x", "%", "#"]
), max_size=10).map("".join)


@fuzz_settings(200)
@given(URLISH)
def test_addresses_from_payloads_are_read_or_dropped(text):
    """Links, Google redirects, shortUrls, Graph `next` and Link header URLs: never a ValueError."""
    for link in (rss.article_link(text, "https://news.example.org/feed"), rss.unwrap_google_link(text)):
        assert link is None or isinstance(link, str)
    assert guardian.discussion_key_of(text) is None or guardian.discussion_key_of(text).startswith("/p/")
    following = graph.next_query({"limit": 25}, {"next": text})
    assert following is None or "access_token" not in following
    assert mastodon_collector()._same_server(text) in (True, False)
    assert isinstance(mastodon.parse_link_header(f"<{text}>; rel=next"), dict)


# -- RSS and Atom (council news, Google News, Google Alerts) ------------------------------

XML_PIECES = [
    '<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="iso-8859-1"?>',
    '<?xml version="1.0" encoding="utf-16"?>', '<?xml version="1.0" encoding="x-unknown"?>',
    '<rss version="2.0">', "</rss>", "<channel>", "</channel>", "<item>", "</item>", "<title>", "</title>",
    "<link>", "</link>", "<guid>", "</guid>", "<pubDate>", "</pubDate>", "<description>", "</description>",
    '<feed xmlns="http://www.w3.org/2005/Atom">', "</feed>", "<entry>", "</entry>", "<updated>", "</updated>",
    "<id>", "</id>", '<link href="', '"/>', '<source url="', '">', "</source>", "<language>", "</language>",
    "<![CDATA[", "]]>", "&amp;", "&nbsp;", "&#0;", "&#xD800;", "&#x1F600;", "&bogus;", "<", ">", '"',
    "Mon, 31 Feb 2026 25:61:00 +9999", "Fri, 27 Nov 2026 09:00:00 GMT", "2026-11-27T09:00:00Z", "0000-00-00",
    "https://www.google.com/url?rct=j&url=https://example.org/a&q=x", "javascript:alert(1)", "//x", "/relative",
    "http://[::1", "https://www.google.com/url?url=http://[x", "http://a:99999/x",
    '<content type="html">', "</content>", "<script>alert(1)</script>", "\x00", "\u202e", "😡",
    (
        '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    ),
    "&d;", '<!DOCTYPE r [<!ENTITY ext SYSTEM "file:///etc/passwd">]>', "&ext;",
]
xmlish = st.lists(st.sampled_from(XML_PIECES) | st.text(max_size=20), max_size=60).map("".join)
ENCODINGS = ["utf-8", "utf-16", "latin-1", "cp1252", "utf-8-sig"]
RSS_FEEDS = {p.name: p.read_bytes() for p in sorted((FIXTURES / "rss").glob("*.xml"))}


def damaged_bytes(data: bytes, rng: random.Random, times: int) -> bytes:
    """Bytes cut, repeated, swapped or corrupted at random places."""
    for _ in range(times):
        if not data:
            break
        start = rng.randrange(len(data))
        end = min(len(data), start + rng.randrange(1, 200))
        action = rng.random()
        if action < 0.3:
            data = data[:start] + data[end:]
        elif action < 0.5:
            data = data[:end] + data[start:end] * rng.randrange(1, 20) + data[end:]
        elif action < 0.7:
            data = data[:start] + bytes(rng.randrange(256) for _ in range(end - start)) + data[end:]
        else:
            data = data[:start]  # truncated
    return data


def parse_feed(content: bytes, content_type: str = "application/rss+xml", cursor: dict | None = None):
    collector = rss.RssCollector(SourceConfig("Feed", "rss", {"url": "https://news.example.org/feed"}), None)
    result = FetchResult(url="https://news.example.org/feed", status=200, content=content,
                         headers={"content-type": content_type}, etag='"e1"')
    try:
        batch = collector.parse(result, cursor or {}, now=NOW.replace(tzinfo=None))
    except CollectorError as error:
        message_in_words(error)
        return None
    check_items(batch.items, "rss")
    assert all(isinstance(w, str) and w for w in batch.warnings)
    return batch


@fuzz_settings(50)
@given(st.binary(max_size=2000), st.sampled_from(["application/rss+xml", "text/html", "", "application/json"]))
def test_rss_any_bytes(content, content_type):
    parse_feed(content, content_type)


@fuzz_settings(50)
@given(xmlish, st.sampled_from(ENCODINGS))
def test_rss_xmlish_text_in_any_encoding(text, encoding):
    parse_feed(text.encode(encoding, errors="replace"))


@fuzz_settings(30)
@given(st.sampled_from(sorted(RSS_FEEDS)), st.randoms(use_true_random=False), st.integers(1, 6))
def test_rss_damaged_recorded_feeds(name, rng, times):
    batch = parse_feed(damaged_bytes(RSS_FEEDS[name], rng, times))
    if batch is not None:  # and the cursor it keeps reads back on the next run
        parse_feed(RSS_FEEDS[name], cursor=batch.cursor)


def test_rss_entity_expansion_stays_small():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + "a" * 1000 + '">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + ']><rss version="2.0"><channel><item><title>&i;</title><guid>1</guid></item></channel></rss>'
    )
    batch = parse_feed(bomb.encode())
    assert batch is None or all(len(i.raw_text) < 1_000_000 for i in batch.items)


# -- Bluesky -----------------------------------------------------------------------------

BSKY = load_folder(FIXTURES / "bluesky")
BSKY_THREADS = sorted(n for n in BSKY if n.startswith("thread_"))
BSKY_FEEDS = sorted(n for n in BSKY if n.startswith("feed_"))


def bluesky_collector():
    return bluesky.BlueskyCollector(SourceConfig("B", "bluesky", {"actor": "council.bsky.social"}), None)


def nested_threads(depth: int = 0):
    node = st.fixed_dictionaries(
        {"$type": st.sampled_from([bluesky.THREAD_VIEW, bluesky.NOT_FOUND, bluesky.BLOCKED, "", "x"]),
         "post": json_values | st.fixed_dictionaries({
             "uri": st.sampled_from(["at://did:plc:a/app.bsky.feed.post/1", "at://x/y/z", "", "at://did:plc:b/app.bsky.feed.post/2"]),
             "record": json_values | st.fixed_dictionaries({"text": st.text(), "createdAt": st.sampled_from(AWKWARD[16:21])}),
             "indexedAt": st.sampled_from(["2026-11-27T10:00:00Z", "", None, 5]),
             "author": json_values})},
    )
    if depth >= 3:
        return node
    return st.builds(lambda n, r: {**n, "replies": r}, node, st.lists(nested_threads(depth + 1), max_size=3) | json_values)


@fuzz_settings(50)
@given(json_values | nested_threads())
def test_bluesky_arbitrary_threads(thread):
    items = check_items(bluesky_collector().thread_items(thread if isinstance(thread, dict) else {}), "bluesky")
    assert len({i.key for i in items}) == len(items) or len(items) > 0


@fuzz_settings(60)
@given(st.sampled_from(BSKY_THREADS).flatmap(lambda name: variants(BSKY[name])))
def test_bluesky_damaged_recorded_threads(payload):
    thread = payload.get("thread") if isinstance(payload, dict) else None
    check_items(bluesky_collector().thread_items(thread if isinstance(thread, dict) else {}), "bluesky")


@fuzz_settings(50)
@given(st.sampled_from(BSKY_FEEDS).flatmap(lambda name: variants(BSKY[name])) | json_values)
def test_bluesky_damaged_feed_posts(payload):
    feed = payload.get("feed") if isinstance(payload, dict) else None
    collector = bluesky_collector()
    for entry in feed if isinstance(feed, list) else []:
        post = entry.get("post") if isinstance(entry, dict) else None
        check_items([i for i in [collector.post_item(post if isinstance(post, dict) else {})] if i], "bluesky")
        bluesky.post_time(post if isinstance(post, dict) else {})


# -- Mastodon ----------------------------------------------------------------------------

MASTO = load_folder(FIXTURES / "mastodon")
MASTO_CONTEXTS = sorted(n for n in MASTO if n.startswith("context_"))
MASTO_STATUSES = sorted(n for n in MASTO if n.startswith("statuses_"))


def mastodon_collector():
    collector = mastodon.MastodonCollector(
        SourceConfig("M", "mastodon", {"account": "walsallcouncil"}, base_url="https://mastodon.example"), None
    )
    collector.account_id = "109301"
    return collector


@fuzz_settings(50)
@given(st.sampled_from(MASTO_CONTEXTS).flatmap(lambda name: variants(MASTO[name])) | json_values)
def test_mastodon_damaged_contexts(context):
    descendants = context.get("descendants") if isinstance(context, dict) else context
    items = mastodon_collector().thread_items("113560000000000500", descendants if isinstance(descendants, list) else [], NOW)
    check_items(items, "mastodon")


@fuzz_settings(50)
@given(st.sampled_from(MASTO_STATUSES).flatmap(lambda name: variants(MASTO[name])) | json_values)
def test_mastodon_damaged_status_lists(statuses):
    collector = mastodon_collector()
    state = {"recent": {}}
    for status in statuses if isinstance(statuses, list) else []:
        if isinstance(status, dict) and mastodon._id(status.get("id")):
            check_items([i for i in [collector._post(status, state)] if i], "mastodon")
    assert all(isinstance(v, str) for v in state["recent"].values())


@fuzz_settings(60)
@given(st.text() | st.lists(st.sampled_from(["<", ">", ";", ",", "rel=", '"next"', "rel=next prev", "https://a/b?x=1", " "]),
                            max_size=30).map("".join))
def test_mastodon_any_link_header(value):
    links = mastodon.parse_link_header(value)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in links.items())


# -- Reddit ------------------------------------------------------------------------------

RD = load_folder(FIXTURES / "reddit")
RD_COMMENTS = sorted(n for n in RD if n.startswith("comments_"))
RD_LISTINGS = ["new_page1.json", "new_page2.json", "info.json", "info_new_reply.json"]


@pytest.fixture
def reddit_secrets(monkeypatch):
    monkeypatch.setenv("REDDIT_CLIENT_ID", "id")
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "secret")


def reddit_collector():
    return reddit.RedditCollector(SourceConfig("R", "reddit", {"subreddit": "brackenford"}), None)


@fuzz_settings(60)
@given(answer=st.sampled_from(RD_COMMENTS).flatmap(lambda name: variants(RD[name])) | json_values)
def test_reddit_damaged_comment_trees(reddit_secrets, answer):
    collector = reddit_collector()
    post = collector._post(RD["new_page1.json"]["data"]["children"][0]["data"])
    found, more, threads = {}, [], []
    answer = answer if isinstance(answer, list) else [answer]
    collector._walk(reddit.children(answer[-1] if answer else {}), post, found, more, threads)
    check_items([post, *found.values()], "reddit")
    assert all(isinstance(i, str) and i for i in more + threads)


@fuzz_settings(50)
@given(listing=st.sampled_from(RD_LISTINGS).flatmap(lambda name: variants(RD[name])) | json_values)
def test_reddit_damaged_listings(reddit_secrets, listing):
    collector = reddit_collector()
    for thing in reddit.children(listing):
        data = thing.get("data") if isinstance(thing.get("data"), dict) else {}
        if collector._name(data, "t3"):
            check_items([collector._post(data, known_created=data.get("created"))], "reddit")


# -- Facebook and Instagram (Graph API) ----------------------------------------------------

FB = load_folder(FIXTURES / "facebook" / "run1")
IG = load_folder(FIXTURES / "instagram" / "run1")
GRAPH_NOW = 1795176000.0


def graph_items(collector, payload, make) -> None:
    data = payload.get("data") if isinstance(payload, dict) else None
    check_items([i for i in (make(collector, raw) for raw in (data if isinstance(data, list) else [])) if i],
                collector.kind)
    paging = payload.get("paging") if isinstance(payload, dict) else None
    following = graph.next_query({"limit": 25}, paging if isinstance(paging, dict) else {})
    assert following is None or (isinstance(following, dict) and "access_token" not in following)


@fuzz_settings(50)
@given(name=st.sampled_from(sorted(FB)), data=st.data())
def test_facebook_damaged_feed_and_comments(name, data):
    payload = data.draw(variants(FB[name]) | json_values)
    collector = facebook.FacebookCollector(SourceConfig("F", "facebook", {"page_id": "104958162837"}), None)
    make = (lambda c, raw: c._post(raw, GRAPH_NOW)) if "--feed" in name else \
        (lambda c, raw: c._comment(raw, "104958162837_1029384756", GRAPH_NOW))
    graph_items(collector, payload, make)


@fuzz_settings(50)
@given(name=st.sampled_from(sorted(IG)), data=st.data())
def test_instagram_damaged_media_and_comments(name, data):
    payload = data.draw(variants(IG[name]) | json_values)
    collector = instagram.InstagramCollector(SourceConfig("I", "instagram", {"user_id": "17841401234567890"}), None)
    if "--media" in name:
        graph_items(collector, payload, lambda c, raw: c._media(raw, GRAPH_NOW))
    else:
        graph_items(collector, payload, lambda c, raw: c._comment(raw, "17954321098765432", None, "council", GRAPH_NOW))


@fuzz_settings(50)
@given(st.dictionaries(st.sampled_from(["x-app-usage", "X-Business-Use-Case-Usage", "other"]),
                       json_values.map(lambda v: json.dumps(v)) | st.text(max_size=40)))
def test_graph_any_usage_headers(headers):
    highest, minutes = graph.usage(headers)
    assert highest is None or isinstance(highest, float)
    assert isinstance(minutes, float)


# -- imports: X archive, Hootsuite, Meta, any CSV ------------------------------------------

IMPORTS = FIXTURES / "imports"
CSV_FIXTURES = {
    "hootsuite": IMPORTS / "hootsuite-inbox-messages.csv",
    "meta": IMPORTS / "meta-facebook-posts.csv",
    "csv": IMPORTS / "generic-engagement-log.csv",
}
CSV_MAP = ["text=Comment", "created_at=Date", "id=ID", "parent=ReplyTo", "author=Name", "likes=Likes"]
TWEETS = (IMPORTS / "x-archive" / "data" / "tweets.js").read_bytes()


def import_bytes(tmp_path, name: str, content: bytes, fmt: str, maps=None) -> list:
    path = tmp_path / name
    if isinstance(content, dict):  # a zip: file name -> bytes
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for member, data in content.items():
                archive.writestr(member, data)
        content = buffer.getvalue()
    path.write_bytes(content)
    options = ImportOptions.build(fmt, maps, dayfirst=fmt == "csv")
    source = SourceConfig(name="Import: fuzz", kind="import", options={"format": fmt}, retention_days=100_000)
    try:
        collector = ImportCollector(source, path, options)
        items = []
        for batch in collector.fetch({}):
            items.extend(check_items(batch.items, "import"))
            assert all(isinstance(w, str) and w for w in batch.warnings)
        return items
    except ImportInputError as error:
        message_in_words(error)
    except CollectorError as error:  # a row the csv module cannot read at all
        message_in_words(error)
    return []


@fuzz_settings(40)
@given(fmt=st.sampled_from(["x", "hootsuite", "meta", "csv"]), content=st.binary(max_size=600),
       encoding=st.sampled_from(ENCODINGS))
def test_imports_any_bytes(tmp_path_factory, fmt, content, encoding):
    folder = tmp_path_factory.mktemp("any")
    import_bytes(folder, "file.csv" if fmt != "x" else "tweets.js", content, fmt,
                 CSV_MAP if fmt == "csv" else None)
    text = content.decode("latin-1")
    import_bytes(folder, "again", text.encode(encoding, errors="replace"), fmt, CSV_MAP if fmt == "csv" else None)


@fuzz_settings(50)
@given(fmt=st.sampled_from(sorted(CSV_FIXTURES)), rng=st.randoms(use_true_random=False),
       times=st.integers(1, 6), encoding=st.sampled_from(ENCODINGS))
def test_imports_damaged_recorded_csv_files(tmp_path_factory, fmt, rng, times, encoding):
    text = CSV_FIXTURES[fmt].read_bytes().decode("utf-8-sig", errors="replace")
    lines = text.splitlines(keepends=True)
    for _ in range(times):  # cells swapped for awkward ones, lines dropped or doubled
        if len(lines) < 2:
            break
        index = rng.randrange(1, len(lines))
        action = rng.random()
        if action < 0.2:
            del lines[index]
        elif action < 0.35:
            lines.insert(index, lines[index] * rng.randrange(1, 3))
        else:
            cells = lines[index].split(",")
            cells[rng.randrange(len(cells))] = str(rng.choice(AWKWARD + ["=cmd|' /C calc'!A0", '"', '""', "\r", "31/02/2026 25:00"]))
            lines[index] = ",".join(cells)
    content = damaged_bytes("".join(lines).encode(encoding, errors="replace"), rng, rng.randrange(0, 2))
    import_bytes(tmp_path_factory.mktemp("csv"), "export.csv", content, fmt, CSV_MAP if fmt == "csv" else None)


@fuzz_settings(50)
@given(data=st.data(), wrapper=st.sampled_from(["window.YTD.tweets.part0 = ", "", "window.YTD.tweet.part0=", "x = ;", "[", "="]),
       as_zip=st.booleans())
def test_imports_damaged_x_archives(tmp_path_factory, data, wrapper, as_zip):
    tweets = json.loads(TWEETS.decode("utf-8").split("=", 1)[1])
    damaged = data.draw(variants(tweets) | st.lists(json_values, max_size=5) | json_values)
    content = (wrapper + json.dumps(damaged)).encode("utf-8", "surrogatepass")
    folder = tmp_path_factory.mktemp("x")
    if as_zip:
        extra = data.draw(st.sampled_from([{}, {"data/account.js": content}, {"data/tweets-part1.js": b"\xff\xfe"},
                                           {"data/account.js": b'window.YTD.account.part0 = [{"account": 5}]'}]))
        import_bytes(folder, "archive.zip", {"data/tweets.js": content, **extra}, "x")
    else:
        import_bytes(folder, "tweets.js", content, "x")


@pytest.mark.parametrize("cell", ["inf", "1e400", "-inf", "nan", "²"])
def test_import_counts_that_are_no_number_are_left_empty(cell):
    from collectors.imports import count

    assert count(cell) is None


@fuzz_settings(150)
@given(st.text(max_size=40) | st.sampled_from(["31/02/2026", "99999999999999", "1e10", "10 Oct 99999 14:05",
                                               "2026-11-23T10:00:00+25:00", "Wed Oct 10 20:19:24 +9999 2018",
                                               "0000000000", "Oct 10, 2025 2:05 PM BST", "13/13/13 13:13"]),
       st.sampled_from(["dayfirst", "monthfirst", None]))
def test_import_dates_are_read_or_skipped(text, order):
    from collectors.imports import SkipRow

    try:
        stamp = parse_when(text, order, timezone_named("Europe/London"))
    except SkipRow:
        return
    assert stamp.tzinfo is not None
