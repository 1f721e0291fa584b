"""The demo: recorded payloads replayed on 127.0.0.1 through the real collectors and models.

These tests build real DuckDB files with `demo.build` (which runs every collector over
collectors.http, then jobs.scoring), so they check the payloads against the collectors as
well as the builder. What the models say is asserted only where it holds by a wide margin
(the models are retrained from time to time); the rest is the store's structure, counted
from what demo/social/ says was written.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import duckdb
import httpx
import pytest

# The demo needs the real collectors (issue 2, helper-1's part): skipped, saying so, until they exist.
for _module in ("collectors.http", "collectors.rss", "collectors.guardian"):
    pytest.importorskip(_module, reason=f"{_module} is not written yet: the demo runs the real collectors")

from collectors.registry import KINDS, load_sources  # noqa: E402
from demo import compose  # noqa: E402
from demo.__main__ import main  # noqa: E402
from demo.apis import DEMO_SECRETS  # noqa: E402
from demo.build import TEMPLATE, DemoBuildError, build, demo_config, replay_environment  # noqa: E402
from demo.render import graph  # noqa: E402
from demo.render.base import thread as written_thread  # noqa: E402
from demo.server import FEEDS, ReplayServer  # noqa: E402
from demo.social import bluesky, facebook, instagram, mastodon, reddit, youtube  # noqa: E402
from store.db import connect  # noqa: E402
from store.items import raw_text_sql  # noqa: E402
from store.settings import is_demo  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "guardian:/p/5k7qa"  # the 24-hour tweeting pile-on
SMALL_HOSTILE = "guardian:/p/58hwe"  # parking charges
CONSTRUCTIVE = "guardian:/p/4v9tn"  # the bins consultation
MIXED = "guardian:/p/4zc2m"  # library hours
REASON = re.compile(
    r"^\d+ of \d+ replies negative \(\d+ %\)(, \d+ hostile)?; \d+ people behind them within \d+ (minutes?|hours?|days)(; |, |$)"
)
# Each social channel: its module in demo/social, its posts there, and the council's name as stored.
SOCIAL = {
    "facebook": (facebook, facebook.POSTS, "comments", "Brackenford Council"),
    "instagram": (instagram, instagram.MEDIA, "comments", "brackenfordcouncil"),
    "youtube": (youtube, youtube.VIDEOS, "comments", "@BrackenfordCouncil"),
    "reddit": (reddit, reddit.POSTS, "comments", "BrackenfordCouncil"),
    "mastodon": (mastodon, mastodon.POSTS, "replies", "Brackenford Borough Council"),
    "bluesky": (bluesky, bluesky.POSTS, "replies", "Brackenford Borough Council"),
}
PILE_ON = ("facebook", "Cabinet will consider a 4.99% increase")  # the council tax post
CONSTRUCTIVE_THREAD = ("reddit", "The budget consultation closes on 7 December")  # ideas for the budget gap


def written(kind: str) -> int:
    """Posts plus every reply that demo/social/ writes for this channel."""
    _, posts, replies, _ = SOCIAL[kind]
    return sum(1 + len(written_thread(post[replies])) for post in posts)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "pulse.duckdb"
    report = build(path, show_progress=False)
    assert report.built
    return path


@pytest.fixture
def con(demo_db):
    connection = duckdb.connect(str(demo_db), read_only=True)
    yield connection
    connection.close()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def thread(con, key: str) -> dict:
    rows = con.execute(
        "SELECT flagged, flag_reasons, reply_count, negative_count, author_count FROM threads WHERE thread_key = ?",
        [key],
    ).fetchall()
    assert rows, f"no thread summary for {key}"
    return dict(zip(["flagged", "reason", "replies", "negative", "authors"], rows[0]))


def root_key(con, kind: str, text_start: str) -> str:
    rows = con.execute(
        "SELECT key FROM items WHERE kind = ? AND item_type = 'post' AND starts_with(text, ?)", [kind, text_start]
    ).fetchall()
    assert len(rows) == 1, (kind, text_start, rows)
    return rows[0][0]


def test_every_source_has_items(con):
    counts = dict(con.execute(
        "SELECT s.name, count(i.key) FROM sources s LEFT JOIN items i ON i.source_id = s.id GROUP BY s.name"
    ).fetchall())
    assert counts == {
        "Council news": 21,
        "Google News: Brackenford council": 15,
        "Google Alerts: Brackenford Borough Council": 8,
        # 4 articles + 87 comments and replies over 5 pages (one moderated comment, stored as deleted)
        "Guardian comments": 91,
        # every post and reply written in demo/social/ (boosts and reposts are left out by the collectors)
        "Facebook: Brackenford Council": written("facebook"),
        "Instagram: brackenfordcouncil": written("instagram"),
        "YouTube: Brackenford Council": written("youtube"),
        "Reddit: r/brackenford": written("reddit"),
        "Mastodon: Brackenford council": written("mastodon"),
        "Bluesky: Brackenford council": written("bluesky"),
    }
    assert written("facebook") > 100 and min(written(kind) for kind in SOCIAL) >= 20


def test_every_collector_kind_has_items_in_the_demo(con):
    """A new kind of source gets recorded payloads in the demo too, or this fails."""
    stored = dict(con.execute("SELECT kind, count(*) FROM items GROUP BY kind").fetchall())
    assert set(KINDS) <= set(stored), sorted(set(KINDS) - set(stored))
    assert all(stored[kind] >= 20 for kind in KINDS), stored


def test_replies_hang_from_their_own_thread_on_every_channel(con):
    """Every reply's parent and root are stored, in the same thread; the trees are as deep as each platform allows."""
    orphans = con.execute(
        """SELECT c.kind, c.key FROM items c
           LEFT JOIN items p ON p.key = c.parent_id LEFT JOIN items r ON r.key = c.thread_id
           WHERE c.item_type = 'comment' AND c.kind <> 'guardian'
             AND (p.key IS NULL OR r.key IS NULL OR r.item_type <> 'post' OR coalesce(p.thread_id, p.key) <> c.thread_id)"""
    ).fetchall()
    assert orphans == []
    parents = dict(con.execute("SELECT key, parent_id FROM items WHERE item_type = 'comment'").fetchall())

    def depth(key: str) -> int:
        return 1 + depth(parents[key]) if key in parents else 0

    deepest = {kind: 0 for kind in SOCIAL}
    for key in parents:
        kind = key.split(":", 1)[0]
        if kind in deepest:
            deepest[kind] = max(deepest[kind], depth(key))
    # a post, its comments, their replies: Instagram stops there; YouTube's deeper levels come from
    # "@name" replies (the API's replies are one level deep); the others nest as people answered
    assert deepest.pop("instagram") == 2
    assert all(levels >= 3 for levels in deepest.values()), deepest


def test_items_span_at_least_sixty_days(con):
    first, last = con.execute("SELECT min(created_at), max(created_at) FROM items").fetchall()[0]
    assert (last - first).days >= 60
    assert last.date().isoformat() == "2026-11-27"


def test_both_guardian_pages_of_the_big_discussion_were_collected(con):
    pages = [json.loads(p.read_text()) for p in sorted((compose.guardian_dir("/p/5k7qa")).glob("page-*.json"))]
    assert [p["currentPage"] for p in pages] == [1, 2] and pages[0]["pages"] == 2
    ids = [str(c["id"]) for p in pages for c in p["discussion"]["comments"]]
    stored = {r[0] for r in con.execute("SELECT native_id FROM items WHERE thread_id = ?", [HOSTILE]).fetchall()}
    assert set(ids) <= stored
    assert pages[1]["discussion"]["comments"], "page 2 must hold comments"


def test_hostile_pile_on_is_flagged_with_a_reason(con):
    summary = thread(con, HOSTILE)
    assert summary["flagged"] is True
    assert REASON.match(summary["reason"]), summary["reason"]
    assert summary["replies"] >= 8 and summary["authors"] >= 4
    assert summary["negative"] * 2 >= summary["replies"]


def test_flags_are_dated_within_the_recording(con):
    """As if the recording had been watched live: a flag is dated at its thread's last reply, so the
    briefing and the export of the recorded weeks count it (the replay itself runs weeks later)."""
    rows = con.execute("SELECT flagged_at, last_reply_at FROM threads WHERE flagged").fetchall()
    newest = con.execute("SELECT max(created_at) FROM items").fetchone()[0]
    assert len(rows) >= 3
    assert all(flagged_at == last_reply_at and flagged_at <= newest for flagged_at, last_reply_at in rows)


def test_small_hostile_thread_is_flagged_too(con):
    assert thread(con, SMALL_HOSTILE)["flagged"] is True


def test_constructive_and_mixed_discussions_are_not_flagged(con):
    for key in (CONSTRUCTIVE, MIXED):
        summary = thread(con, key)
        assert summary["flagged"] is False, key
        assert summary["reason"] is None
        assert summary["replies"] >= 8  # big enough that only their tone keeps them unflagged


def test_replies_nest_at_least_three_levels(con):
    parents = dict(con.execute("SELECT key, parent_id FROM items WHERE thread_id = ?", [HOSTILE]).fetchall())

    def depth(key: str) -> int:
        level = 0
        while key in parents:  # the root post is not in `parents` (its thread_id is NULL)
            key, level = parents[key], level + 1
        return level

    assert max(depth(k) for k in parents) >= 3


def test_the_facebook_pile_on_is_flagged_with_a_reason(con):
    summary = thread(con, root_key(con, *PILE_ON))
    assert summary["flagged"] is True
    assert REASON.match(summary["reason"]), summary["reason"]
    assert summary["replies"] >= 25 and summary["authors"] >= 15  # a crowd, not one angry person
    assert summary["negative"] * 2 >= summary["replies"]


def test_the_constructive_reddit_thread_is_not_flagged_and_holds_suggestions(con):
    key = root_key(con, *CONSTRUCTIVE_THREAD)
    summary = thread(con, key)
    assert summary["flagged"] is False and summary["replies"] >= 15
    classes = [row[0] for row in con.execute(
        """SELECT s.feedback_class FROM items i JOIN scores s ON s.item_key = i.key
           WHERE i.thread_id = ? AND NOT i.is_council""", [key]).fetchall()]
    assert classes.count("constructive") >= 3, classes
    council = con.execute("SELECT count(*) FROM items WHERE thread_id = ? AND is_council", [key]).fetchone()[0]
    assert council == 2  # the council answered two of the suggestions


def test_council_replies_are_marked_on_every_social_channel(con):
    """The council's own replies are is_council (they never count towards a pile-on); nobody else's are."""
    for kind, (module, posts, replies, council) in SOCIAL.items():
        nodes = [node for post in posts for node in written_thread(post[replies])]
        expected = sum(1 for node in nodes if node.author == module.COUNCIL)
        marked = con.execute(
            "SELECT DISTINCT author_name FROM items WHERE kind = ? AND item_type = 'comment' AND is_council", [kind]
        ).fetchall()
        count = con.execute(
            "SELECT count(*) FROM items WHERE kind = ? AND item_type = 'comment' AND is_council", [kind]
        ).fetchone()[0]
        assert marked == [(council,)] and count == expected > 0, kind
        posts_marked = con.execute(
            "SELECT bool_and(is_council) FROM items WHERE kind = ? AND item_type = 'post'", [kind]
        ).fetchone()[0]
        assert posts_marked is (kind != "reddit"), kind  # on Reddit residents start the threads


def test_council_replies_are_marked_as_the_council(con):
    rows = con.execute(
        "SELECT DISTINCT author_name FROM items WHERE is_council AND kind = 'guardian'"
    ).fetchall()
    assert rows == [("BrackenfordCouncil",)]
    council_news = con.execute(
        """SELECT bool_and(i.is_council) FROM items i JOIN sources s ON s.id = i.source_id
           WHERE s.name = 'Council news'"""
    ).fetchall()[0][0]
    assert council_news is True


def test_every_item_is_scored(con):
    unscored = con.execute(
        "SELECT count(*) FROM items i LEFT JOIN scores s ON s.item_key = i.key WHERE s.item_key IS NULL AND i.deleted_at IS NULL"
    ).fetchall()[0][0]
    assert unscored == 0


def test_database_is_marked_as_demo(demo_db):
    connection = duckdb.connect(str(demo_db), read_only=True)
    try:
        assert is_demo(connection)
    finally:
        connection.close()


def test_injection_attempt_is_stored_as_plain_text(con):
    text, raw = con.execute(
        f"SELECT text, {raw_text_sql()} FROM items WHERE raw_text LIKE '%<script>alert(1)</script>%'"
    ).fetchall()[0]
    # tags (and a script's content) are dropped; the Markdown image is left as literal characters
    assert "<script" not in text and "alert(" not in text and "onerror" not in text and "<img" not in text
    assert "![x](" in text
    assert text.startswith("Library cuts again?")
    assert "<script>alert(1)</script>" in raw  # what the platform sent is kept for audit
    # markup a reader typed (sent escaped by the platform) stays visible as text, never as markup
    escaped = con.execute("SELECT text FROM items WHERE raw_text LIKE '%&lt;b&gt;this&lt;/b&gt;%'").fetchall()[0][0]
    assert "<b>this</b>" in escaped


def test_html_entities_emoji_and_long_comments_survive_cleaning(con):
    texts = [r[0] for r in con.execute("SELECT text FROM items WHERE kind = 'guardian'").fetchall()]
    assert any("🙄" in t for t in texts) and any("🧶" in t for t in texts)
    assert not any(re.search(r"&(#\d+|[a-z]+);", t) for t in texts), "entities must be decoded"
    assert any("£2m" in t for t in texts)
    assert max(len(t) for t in texts) > 2000  # the long consultation comment


def test_the_build_puts_the_environment_back(demo_db):
    """The demo's made-up credentials and its trust in 127.0.0.1 lived only while the collectors ran."""
    assert all(os.environ.get(name) != value for name, value in DEMO_SECRETS.items())
    assert not re.search(r"127\.0\.0\.1:\d+", os.environ.get("PULSE_TRUSTED_API_HOSTS", ""))  # the server's port


def test_replay_environment_lends_the_demo_credentials_and_restores_the_users(monkeypatch):
    monkeypatch.setenv("REDDIT_CLIENT_ID", "the-users-own-id")
    monkeypatch.setenv("PULSE_TRUSTED_API_HOSTS", "proxy.example")
    monkeypatch.delenv("YOUTUBE_API_KEY", raising=False)
    with replay_environment("http://127.0.0.1:8123"):
        assert os.environ["REDDIT_CLIENT_ID"] == DEMO_SECRETS["REDDIT_CLIENT_ID"]  # the user's never reach the replay
        assert os.environ["YOUTUBE_API_KEY"] == DEMO_SECRETS["YOUTUBE_API_KEY"]
        assert os.environ["PULSE_TRUSTED_API_HOSTS"] == "proxy.example,127.0.0.1:8123"
    assert os.environ["REDDIT_CLIENT_ID"] == "the-users-own-id"
    assert "YOUTUBE_API_KEY" not in os.environ
    assert os.environ["PULSE_TRUSTED_API_HOSTS"] == "proxy.example"
    with pytest.raises(RuntimeError), replay_environment("http://127.0.0.1:8123"):
        raise RuntimeError("a failed build")
    assert os.environ["REDDIT_CLIENT_ID"] == "the-users-own-id"


def test_building_again_without_fresh_changes_nothing(demo_db):
    before = file_digest(demo_db)
    report = build(demo_db, show_progress=False)
    assert report.built is False
    assert file_digest(demo_db) == before


def test_fresh_rebuild_replaces_the_database(tmp_path):
    path = tmp_path / "pulse.duckdb"
    path.write_bytes(b"not a database")
    report = build(path, fresh=True, show_progress=False)
    assert report.built and report.scored > 0
    assert dict(report.items)["Guardian comments"] == 90  # the moderated comment is not counted
    with duckdb.connect(str(path), read_only=True) as connection:
        assert is_demo(connection)
    assert not list(tmp_path.glob(".*.building*"))


def test_failed_build_leaves_no_database(tmp_path, monkeypatch):
    broken = tmp_path / "broken.toml"
    broken.write_text(TEMPLATE.read_text().replace("/p/5k7qa", "/p/zzzzz"))
    monkeypatch.setattr("demo.build.TEMPLATE", broken)
    path = tmp_path / "pulse.duckdb"
    with pytest.raises(DemoBuildError, match="/p/zzzzz"):
        build(path, show_progress=False)
    assert not path.exists()
    assert not list(tmp_path.glob(".*.building*"))
    # a failed --fresh rebuild keeps the database that was there
    path.write_bytes(b"the previous database")
    with pytest.raises(DemoBuildError):
        build(path, fresh=True, show_progress=False)
    assert path.read_bytes() == b"the previous database"


def test_command_line_builds_then_leaves_it(tmp_path, capsys):
    path = tmp_path / "cli.duckdb"
    assert main(["build", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Guardian comments: 90 items" in out
    assert f"Facebook: Brackenford Council: {written('facebook')} items" in out
    with duckdb.connect(str(path), read_only=True) as connection:
        flagged = connection.execute("SELECT count(*) FROM threads WHERE flagged").fetchone()[0]
    assert f"flagged threads: {flagged}" in out and flagged >= 3
    assert "Guardian comments: Brackenford council to tweet every call it takes for 24 hours:" in out
    # a thread without a title is named by its source and the start of its post
    assert "Facebook: Brackenford Council: Cabinet will consider a 4.99% increase in council tax for 2…:" in out
    assert main(["build", "--db", str(path)]) == 0
    assert "left as it is" in capsys.readouterr().out


def test_a_database_that_holds_nothing_is_replaced_by_the_demo(tmp_path, capsys):
    """What `make run` does after anything (a test, a first start) left an empty database at the default path."""
    path = tmp_path / "empty.duckdb"
    with connect(path):
        pass  # migrated, no items, no actions
    assert main(["build", "--db", str(path)]) == 0
    assert "held no items, so the demo was built there" in capsys.readouterr().out
    with connect(path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM items").fetchone()[0] > 100


def test_committed_payloads_match_their_source(tmp_path):
    """demo/payloads is what demo/compose.py writes from discussions.py, feeds.py and social/, and nothing else."""
    made = compose.write_all(tmp_path)
    assert len(made) > 70
    for path in made:
        committed = compose.PAYLOADS / path.relative_to(tmp_path)
        assert committed.read_bytes() == path.read_bytes(), f"{committed} is stale: run python -m demo.compose"
    committed = {p.relative_to(compose.PAYLOADS) for p in compose.PAYLOADS.rglob("*") if p.is_file()}
    assert committed == {p.relative_to(tmp_path) for p in made}, "a payload no longer written: delete it"


def test_guardian_pages_have_the_documented_shape():
    top = {"status", "currentPage", "pages", "pageSize", "orderBy", "discussion"}
    discussion = {"key", "webUrl", "apiUrl", "commentCount", "topLevelCommentCount", "isClosedForComments",
                  "isClosedForRecommendation", "isThreaded", "title", "comments"}
    comment = {"id", "body", "date", "isoDateTime", "status", "webUrl", "apiUrl", "numRecommends",
               "isHighlighted", "userProfile"}
    response_to = {"displayName", "commentApiUrl", "isoDateTime", "date", "commentId", "commentWebUrl"}
    pages = sorted(compose.PAYLOADS.glob("guardian/*/page-*.json"))
    assert len(pages) >= 5
    for path in pages:
        data = json.loads(path.read_text())
        assert top <= set(data) and discussion <= set(data["discussion"]), path
        for item in data["discussion"]["comments"]:
            assert comment <= set(item) and "responseTo" not in item
            assert isinstance(item["id"], int) and isinstance(item["userProfile"]["userId"], str)
            for response in item.get("responses", []):
                assert comment <= set(response) and response_to <= set(response["responseTo"])
                assert "responses" not in response  # threaded pages carry two levels


def test_replay_server_pages_404s_and_conditional_gets():
    with ReplayServer() as server, httpx.Client(base_url=server.base_url) as client:
        page = client.get("/discussion-api/discussion/p/5k7qa", params={"page": 2, "displayThreaded": "true"})
        assert page.status_code == 200 and page.json()["currentPage"] == 2
        assert client.get("/discussion-api/discussion/p/5k7qa", params={"page": 3}).status_code == 404
        missing = client.get("/discussion-api/discussion/p/zzzzz")
        assert missing.status_code == 404 and missing.json()["status"] == "error"
        feed_path = next(iter(FEEDS))
        first = client.get(feed_path)
        assert first.status_code == 200 and first.headers["etag"]
        again = client.get(feed_path, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        assert client.get("/news.google.com/rss/search").status_code == 400  # q is required, as on Google
        assert server.requests[0].startswith("/discussion-api/discussion/p/5k7qa?")


def test_the_facebook_feed_is_two_recorded_pages_and_both_were_collected(con):
    first = json.loads((compose.PAYLOADS / f"graph/{facebook.PAGE_ID}--feed.json").read_text())
    assert len(first["data"]) == graph.FEED_PAGE and first["paging"]["next"].startswith(graph.ROOT)
    after = first["paging"]["cursors"]["after"]
    second = json.loads((compose.PAYLOADS / f"graph/{facebook.PAGE_ID}--feed--after-{after}.json").read_text())
    assert second["data"] and "next" not in second["paging"]  # the last page
    recorded = {f"facebook:{post['id']}" for page in (first, second) for post in page["data"]}
    stored = {row[0] for row in con.execute("SELECT key FROM items WHERE kind = 'facebook' AND item_type = 'post'").fetchall()}
    assert stored == recorded and len(stored) == len(facebook.POSTS)


def test_replay_server_pages_and_checks_credentials_as_the_platforms_do():
    with ReplayServer() as server, httpx.Client(base_url=server.base_url) as client:
        # Mastodon pages back by id through Link rel="next" until a page is empty; exclude_replies keeps
        # the account's own thread continuations, as Mastodon does
        account = client.get("/mastodon.social/api/v1/accounts/lookup", params={"acct": "brackenfordcouncil"}).json()
        url, seen = f"/mastodon.social/api/v1/accounts/{account['id']}/statuses?limit=2&exclude_replies=true", []
        while statuses := (answer := client.get(url)).json():
            seen += [s["id"] for s in statuses]
            url = answer.headers["link"].split(">", 1)[0].removeprefix("<" + server.base_url)
        continuations = sum(
            1 for post in mastodon.POSTS for n in written_thread(post["replies"])
            if n.author == mastodon.COUNCIL and n.parent is None
        )
        assert len(seen) == len(set(seen)) == len(mastodon.POSTS) + len(mastodon.BOOSTS) + continuations
        assert seen == sorted(seen, key=int, reverse=True)
        assert client.get("/mastodon.social/api/v1/accounts/lookup", params={"acct": "nobody"}).status_code == 404

        # Reddit grants its token only to the demo app's id and secret, then pages /new by `after`
        token_url = "/www.reddit.com/api/v1/access_token"
        form = {"grant_type": "client_credentials"}
        assert client.post(token_url, data=form, auth=("someone", "else")).status_code == 401
        demo_app = (DEMO_SECRETS["REDDIT_CLIENT_ID"], DEMO_SECRETS["REDDIT_CLIENT_SECRET"])
        token = client.post(token_url, data=form, auth=demo_app).json()["access_token"]
        assert client.get("/oauth.reddit.com/r/brackenford/new.json").status_code == 401
        names, after = [], None
        while True:
            params = {"limit": 3, "raw_json": 1, **({"after": after} if after else {})}
            listing = client.get("/oauth.reddit.com/r/brackenford/new.json", params=params,
                                 headers={"Authorization": f"bearer {token}"}).json()["data"]
            names += [child["data"]["name"] for child in listing["children"]]
            if not (after := listing["after"]):
                break
        assert len(names) == len(set(names)) == len(reddit.POSTS)

        # YouTube and Graph refuse a wrong key or token in their own words; Graph names an unknown object
        refused = client.get("/www.googleapis.com/youtube/v3/channels", params={"id": youtube.CHANNEL_ID, "key": "x"})
        assert refused.status_code == 400 and refused.json()["error"]["errors"][0]["reason"] == "badRequest"
        wrong_token = client.get(f"/graph.facebook.com/v21.0/{facebook.PAGE_ID}/feed", params={"access_token": "x"})
        assert wrong_token.status_code == 400 and wrong_token.json()["error"]["code"] == 190
        token = {"access_token": DEMO_SECRETS["FACEBOOK_PAGE_TOKEN"]}
        assert client.get("/graph.facebook.com/v21.0/999/feed", params=token).json()["error"]["code"] == 100
        assert client.get(f"/graph.facebook.com/v21.0/{facebook.PAGE_ID}/feed", params=token).status_code == 200


def test_example_sources_toml_loads_and_matches_the_demo(tmp_path):
    example = load_sources(ROOT / "sources.toml")
    demo = load_sources(demo_config("http://127.0.0.1:9", tmp_path))
    # the demo replays the example's channels under the same names (so the Sources page pairs them),
    # each with the same account or page; only Guardian search, which needs a key, is not recorded
    by_name = {s.name: s for s in example}
    for source in demo:
        assert source.name in by_name and by_name[source.name].kind == source.kind, source.name
        mine = {k: v for k, v in source.options.items() if k not in ("url", "auth_url")}
        assert mine == {k: v for k, v in by_name[source.name].options.items() if k != "url"}, source.name
    assert {s.name for s in example} - {s.name for s in demo} == {"Guardian: Brackenford in the news"}
    assert all(s.enabled for s in demo) and {s.kind for s in demo} == set(KINDS)
    assert all(s.base_url.startswith("http://127.0.0.1:9") if s.base_url else s.options["url"].startswith("http://127.0.0.1:9/")
               for s in demo)
    assert [(s.name, s.kind) for s in example if s.enabled] == [
        ("Council news", "rss"),
        ("Google News: Brackenford council", "rss"),
        ("Google Alerts: Brackenford Borough Council", "rss"),
        ("Guardian comments", "guardian"),
    ]  # the channels that need no account or key
    assert all(s.options.get("url", "").startswith("https://") for s in example if s.kind == "rss")
    guardian = next(s for s in example if s.kind == "guardian")
    assert sorted(guardian.options["discussions"]) == sorted(s["key"] for s in compose.discussions.DISCUSSIONS)
