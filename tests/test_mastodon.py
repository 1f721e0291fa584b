"""The Mastodon collector against a real HTTP server replaying Mastodon API payloads.

Payloads (tests/fixtures/mastodon/) follow docs.joinmastodon.org: Account and
Status entities, Context {ancestors, descendants}, the Link header for paging
and X-RateLimit-* headers (Reset is an ISO 8601 time, no Retry-After).
The clock is fixed at NOW; the look-back window is 14 days.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from werkzeug import Request, Response

from collectors.http import HttpClient
from collectors.mastodon import MastodonCollector, id_order, is_newer, parse_link_header
from jobs.collect import collect_all
from settings.sources import SourceConfig
from store.db import connect
from tests.replay import PlatformReplay, recording_http
from tests.replay import items_by_key as rows
from tests.replay import saved_cursor as stored_cursor

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "mastodon"
NOW = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
ACCOUNT_ID = "109301"
STATUSES = f"/api/v1/accounts/{ACCOUNT_ID}/statuses"
TOKEN = "tok-ZX81-spectrum-0123456789"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class MastodonReplay(PlatformReplay):
    """A Mastodon instance as far as the collector sees it.

    Pages of the account's statuses are chosen by max_id / min_id like the
    server does, with the Link header it sends. Knobs: `context` overrides
    (status id -> fixture), `new_statuses` (what min_id=newest returns),
    `refuse` (path regex -> one-shot error response), `token` (when set,
    every request without `Authorization: Bearer <token>` gets 401).
    """

    def __init__(self, httpserver):
        super().__init__(httpserver)
        self.context = {
            "113560000000000500": "context_113560000000000500.json",
            "113560000000000300": "context_113560000000000300.json",
            "113560000000000200": "context_113560000000000200.json",
            "113570000000000100": "context_113570000000000100.json",
        }
        self.new_statuses: list[dict] = []
        self.token: str | None = None
        self.link_base: str | None = None  # where the Link header points (default: this server)

    def rate_headers(self, remaining: int = 299) -> dict:
        return {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": iso(NOW + timedelta(minutes=5)),
        }

    def link(self, **rels: str) -> str:
        query = "limit=40&exclude_replies=true&exclude_reblogs=true"
        base = self.link_base or self.base_url
        return ", ".join(f'<{base}{STATUSES}?{query}&{param}>; rel="{rel}"' for rel, param in rels.items())

    def refused(self, request: Request) -> Response | None:
        if self.token and request.headers.get("Authorization") != f"Bearer {self.token}":
            return self.json(load("error_401.json"), 401)
        return None

    def answer(self, request: Request) -> Response:
        path, args = request.path, request.args
        if path == "/api/v1/accounts/lookup":
            if args.get("acct") == "walsallcouncil":
                return self.json(load("lookup_walsallcouncil.json"))
            return self.json(load("error_404.json"), 404)
        if path == STATUSES:
            return self.statuses(args)
        match = re.fullmatch(r"/api/v1/statuses/(\w+)/context", path)
        if match and match.group(1) in self.context:
            answer = self.context[match.group(1)]
            return self.json(load(answer) if isinstance(answer, str) else answer)
        return self.json(load("error_404.json"), 404)

    def statuses(self, args) -> Response:
        assert args.get("exclude_reblogs") == "true" and args.get("exclude_replies") == "true"
        if "min_id" in args:
            fresh = [s for s in self.new_statuses if id_order(s["id"]) > id_order(args["min_id"])]
            if not fresh:
                return self.json([])
            newest = max((s["id"] for s in fresh), key=id_order)
            oldest = min((s["id"] for s in fresh), key=id_order)
            return self.json(fresh, headers={"Link": self.link(next=f"max_id={oldest}", prev=f"min_id={newest}")})
        if "max_id" not in args:
            return self.json(
                load("statuses_page1.json"),
                headers={"Link": self.link(next="max_id=113560000000000300", prev="min_id=113560000000000500")},
            )
        if args["max_id"] == "113560000000000300":
            return self.json(
                load("statuses_page2.json"),
                headers={"Link": self.link(next="max_id=113540000000000100", prev="min_id=113560000000000200")},
            )
        return self.json([])


@pytest.fixture
def replay(httpserver):
    return MastodonReplay(httpserver)


@pytest.fixture
def http():
    with recording_http(NOW.timestamp) as client:
        yield client


@pytest.fixture(autouse=True)
def no_token(monkeypatch, tmp_path):
    """No MASTODON_TOKEN unless a test sets one, and no secrets.toml to find one in."""
    monkeypatch.delenv("MASTODON_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)


def source(replay: MastodonReplay, **options) -> SourceConfig:
    return SourceConfig(
        name="Walsall Council on Mastodon", kind="mastodon",
        options={"account": "walsallcouncil", **options}, base_url=replay.base_url,
    )


def key(status_id: str) -> str:
    """A status's item key: ids are per instance, so keys name it (the replay answers as localhost)."""
    return f"mastodon:localhost:{status_id}"


# -- a first run --------------------------------------------------------------


def test_first_run_pages_back_to_the_window_and_rebuilds_every_thread(replay, http, db_path):
    [result] = collect_all([source(replay)], db_path, http)
    assert result.error is None, result.error
    items = rows(db_path)

    # two pages of statuses (page 2 through the Link header's max_id), then forward from the newest
    assert replay.asked(STATUSES, max_id="113560000000000300") == 1
    assert replay.asked(STATUSES, min_id="113560000000000500") == 1
    assert replay.asked("/api/v1/accounts/lookup", acct="walsallcouncil") == 1

    posts = {k for k, r in items.items() if r["item_type"] == "post"}
    # S1 is older than the look-back window; the boost (450) is someone else's text;
    # the council's own reply (420) is not a post but a comment in its thread.
    assert posts == {key("113560000000000500"), key("113560000000000300"), key("113560000000000200")}
    assert key("113560000000000450") not in items and key("113560000000000440") not in items
    assert key("113540000000000100") not in items

    # a thread three levels deep: S5 <- R1 <- R2 (council) <- R3
    root = key("113560000000000500")
    assert items[key("113560000000000510")]["parent_id"] == root
    assert items[key("113560000000000520")]["parent_id"] == key("113560000000000510")
    assert items[key("113560000000000530")]["parent_id"] == key("113560000000000520")
    # a reply to a status not in the context, and one with no in_reply_to_id, hang off the post
    assert items[key("113560000000000540")]["parent_id"] == root
    assert items[key("113560000000000550")]["parent_id"] == root
    for reply in ("510", "520", "530", "540", "550"):
        assert items[key(f"113560000000000{reply}")]["thread_id"] == root
        assert items[key(f"113560000000000{reply}")]["item_type"] == "comment"

    # the council's self-reply continues its own thread, marked as the council's
    library = key("113560000000000300")
    own = items[key("113560000000000420")]
    assert (own["thread_id"], own["parent_id"], own["is_council"]) == (library, library, True)
    assert items[key("113560000000000310")]["parent_id"] == key("113560000000000420")

    assert items[key("113560000000000520")]["is_council"] is True
    assert items[key("113560000000000510")]["is_council"] is False
    assert all(items[p]["is_council"] for p in posts)
    assert len(items) == 10


def test_fields_as_mastodon_sends_them(replay, http, db_path):
    collect_all([source(replay)], db_path, http)
    items = rows(db_path)
    post = items[key("113560000000000500")]
    assert post["raw_text"].startswith("<p>Garden waste collections restart")
    assert "<p>" not in post["text"] and "go.walsall.gov.uk" in post["text"]
    assert post["url"] == "https://mastodon.example/@walsallcouncil/113560000000000500"
    assert (post["like_count"], post["reply_count"], post["lang"]) == (12, 3, "en")
    assert post["created_at"] == datetime(2026, 11, 28, 9, 15)
    assert (post["author_id"], post["author_name"]) == ("walsallcouncil", "Walsall Council")
    remote = items[key("113560000000000510")]
    assert (remote["author_id"], remote["author_name"]) == ("jo@social.example", "Jo Bennett")
    # the content warning is kept in front of the text
    assert items[key("113560000000000300")]["text"].startswith("Service change")
    assert "&amp;" not in items[key("113560000000000530")]["text"]


def test_omitted_optional_fields_become_defaults(replay, http, db_path):
    """S2 has no language / in_reply_to_id and an empty display name; R5 (a compatible
    server) has no in_reply_to_id, language, replies_count or favourites_count."""
    collect_all([source(replay)], db_path, http)
    items = rows(db_path)
    post = items[key("113560000000000200")]
    assert (post["item_type"], post["lang"], post["thread_id"]) == ("post", None, None)
    assert post["author_name"] == "walsallcouncil"
    reply = items[key("113560000000000550")]
    assert (reply["lang"], reply["like_count"], reply["reply_count"]) == (None, None, None)
    assert (reply["parent_id"], reply["author_name"]) == (key("113560000000000500"), "jo")


# -- later runs ---------------------------------------------------------------


def test_a_later_run_pages_forward_and_picks_up_late_replies(replay, http, db_path):
    [first] = collect_all([source(replay)], db_path, http)
    assert first.new == 10
    replay.new_statuses = load("statuses_new.json")
    replay.context["113560000000000500"] = "context_113560000000000500_later.json"

    [second] = collect_all([source(replay)], db_path, http)
    assert second.error is None, second.error
    assert (second.new, second.updated) == (3, 0)  # a new post, its reply, a late reply to an older post
    items = rows(db_path)
    late = items[key("113560000000000560")]
    assert (late["parent_id"], late["thread_id"]) == (key("113560000000000530"), key("113560000000000500"))
    assert items[key("113570000000000110")]["parent_id"] == key("113570000000000100")
    # forward from the newest status seen, then from the newest of that page (the Link header's prev)
    assert replay.asked(STATUSES, min_id="113560000000000500") == 2
    assert replay.asked(STATUSES, min_id="113570000000000100") == 1
    assert replay.asked(STATUSES, max_id="113560000000000300") == 1  # no second backfill
    assert replay.asked("/api/v1/accounts/lookup") == 1  # the account id is kept in the cursor
    cursor = stored_cursor(db_path)
    assert cursor["newest_id"] == "113570000000000100"
    assert set(cursor["recent"]) == {
        "113560000000000500", "113560000000000300", "113560000000000200", "113570000000000100",
    }


def test_a_second_identical_run_writes_nothing(replay, http, db_path):
    [first] = collect_all([source(replay)], db_path, http)
    [second] = collect_all([source(replay)], db_path, http)
    assert first.new == 10
    assert (second.error, second.new, second.updated) == (None, 0, 0)
    assert second.fetched == 7  # the three threads were read again, nothing had changed
    with connect(db_path, read_only=True) as con:
        count, distinct = con.execute("SELECT count(*), count(DISTINCT key) FROM items").fetchall()[0]
    assert count == distinct == 10


def test_posts_leave_the_window_and_stop_being_rechecked(replay, http, db_path):
    collect_all([source(replay)], db_path, http)
    later = HttpClient(clock=(NOW + timedelta(days=6)).timestamp, sleep=lambda s: None)
    try:
        collect_all([source(replay)], db_path, later)
    finally:
        later.close()
    # S2 (20 Nov) is more than 14 days old on 5 Dec: its context is not asked for again
    assert replay.asked("/api/v1/statuses/113560000000000200/context") == 1
    assert replay.asked("/api/v1/statuses/113560000000000500/context") == 2
    assert set(stored_cursor(db_path)["recent"]) == {"113560000000000500", "113560000000000300"}


# -- rate limits --------------------------------------------------------------


def test_429_with_a_far_reset_stops_the_source_and_the_next_run_resumes(replay, http, db_path):
    reset = iso(NOW + timedelta(minutes=15))
    replay.refuse.append((
        r"max_id=113560000000000300",
        replay.json(load("error_429.json"), 429, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}),
    ))
    [first] = collect_all([source(replay)], db_path, http)
    assert first.error and "rate limited" in first.error and "06:15 UK time" in first.error
    assert http.waits == []  # a 15-minute wait is not sat out
    stored = rows(db_path)
    assert set(stored) == {key("113560000000000500"), key("113560000000000300")}  # page 1 was saved
    assert stored_cursor(db_path)["backfill"] == {"top": "113560000000000500", "max_id": "113560000000000300"}

    # the next run (a new process, after the reset) carries on below the saved page
    after_reset = HttpClient(clock=(NOW + timedelta(minutes=16)).timestamp, sleep=http.waits.append)
    try:
        [second] = collect_all([source(replay)], db_path, after_reset)
    finally:
        after_reset.close()
    assert second.error is None, second.error
    assert replay.asked(STATUSES, max_id="113560000000000300") == 2
    assert replay.asked(STATUSES, max_id=None, min_id=None) == 1  # page 1 was not fetched again
    assert len(rows(db_path)) == 10
    assert "backfill" not in stored_cursor(db_path)


def test_429_with_a_near_reset_is_waited_out(replay, http, db_path):
    reset = iso(NOW + timedelta(seconds=20))
    replay.refuse.append((
        r"/context",
        replay.json(load("error_429.json"), 429, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}),
    ))
    [result] = collect_all([source(replay)], db_path, http)
    assert result.error is None, result.error
    assert 20.0 in http.waits
    assert len(rows(db_path)) == 10


# -- sign-in ------------------------------------------------------------------


def test_an_instance_that_needs_a_token_names_the_variable(replay, http, db_path):
    replay.token = TOKEN
    [result] = collect_all([source(replay)], db_path, http)
    assert "MASTODON_TOKEN" in result.error and "HTTP 401" in result.error
    assert rows(db_path) == {}
    assert "Authorization" not in replay.requests[0].headers


def test_with_the_token_set_it_is_sent_and_never_stored(replay, http, db_path, monkeypatch):
    replay.token = TOKEN
    monkeypatch.setenv("MASTODON_TOKEN", TOKEN)
    [result] = collect_all([source(replay)], db_path, http)
    assert result.error is None, result.error
    assert len(rows(db_path)) == 10
    assert all(r.headers.get("Authorization") == f"Bearer {TOKEN}" for r in replay.requests)
    with connect(db_path, read_only=True) as con:
        for table in ("items", "sources", "runs"):
            dump = json.dumps(con.execute(f"SELECT * FROM {table}").fetchall(), default=str)
            assert TOKEN not in dump, table


def test_a_refused_token_says_so_without_showing_it(replay, http, db_path, monkeypatch):
    replay.token = TOKEN
    monkeypatch.setenv("MASTODON_TOKEN", "tok-expired-9876543210")
    [result] = collect_all([source(replay)], db_path, http)
    assert "refused MASTODON_TOKEN" in result.error
    assert "tok-expired" not in result.error


def test_a_link_to_another_host_is_not_followed_with_the_token(replay, http, db_path, monkeypatch):
    replay.token = TOKEN
    monkeypatch.setenv("MASTODON_TOKEN", TOKEN)
    replay.link_base = "http://127.0.0.2:9"  # nobody listens there; the token must not go there anyway
    [result] = collect_all([source(replay)], db_path, http)
    assert result.error is None, result.error
    assert replay.asked(STATUSES, max_id="113560000000000300") == 1  # asked of our own server instead
    assert len(rows(db_path)) == 10


def test_a_thread_cut_short_for_anonymous_callers_is_reported(replay, http, db_path):
    reply = load("context_113560000000000300.json")["descendants"][1]
    many = [dict(reply, id=str(113560000000001000 + n)) for n in range(60)]
    replay.context["113560000000000300"] = {"ancestors": [], "descendants": many}
    [result] = collect_all([source(replay)], db_path, http)
    assert result.error is None
    assert any("113560000000000300" in w and "MASTODON_TOKEN" in w for w in result.warnings)
    assert len([k for k, r in rows(db_path).items() if r["thread_id"] == key("113560000000000300")]) == 60


# -- odd answers --------------------------------------------------------------


def test_an_unknown_account_is_one_clear_line(replay, http, db_path):
    [result] = collect_all([source(replay, account="@nobody")], db_path, http)
    assert result.error.startswith("there is no account 'nobody' on ")


def test_a_deleted_post_is_dropped_from_the_recheck_list(replay, http, db_path):
    collect_all([source(replay)], db_path, http)
    del replay.context["113560000000000300"]  # now answers 404 Record not found
    [second] = collect_all([source(replay)], db_path, http)
    assert second.error is None
    assert "113560000000000300" not in stored_cursor(db_path)["recent"]


def test_base_url_is_required_to_be_an_address(replay, http):
    bad = SourceConfig(name="x", kind="mastodon", options={"account": "a"}, base_url="mastodon.social")
    with pytest.raises(Exception, match="base_url must be the instance's address"):
        MastodonCollector(bad, http)


# -- helpers ------------------------------------------------------------------


def test_ids_are_compared_as_numbers_when_they_are_numbers():
    assert id_order("100") > id_order("99")
    assert is_newer("1000000000000000000", "999999999999999999")
    assert not is_newer("113560000000000300", "113560000000000500")
    assert is_newer("AfLpA2", "AfLp9z")  # flake ids of other servers compare as text
    assert is_newer("1", None)


def test_link_header_parsing():
    header = (
        '<https://mastodon.example/api/v1/accounts/1/statuses?max_id=7163058>; rel="next", '
        '<https://mastodon.example/api/v1/accounts/1/statuses?min_id=7275607>; rel="prev"'
    )
    assert parse_link_header(header) == {
        "next": "https://mastodon.example/api/v1/accounts/1/statuses?max_id=7163058",
        "prev": "https://mastodon.example/api/v1/accounts/1/statuses?min_id=7275607",
    }
    assert parse_link_header(None) == {}
    assert parse_link_header("garbage, <x>") == {}
