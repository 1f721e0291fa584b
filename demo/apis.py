"""The social platforms' APIs as the demo's replay server answers them, from demo/payloads/.

Each platform is served under its real host (`/oauth.reddit.com/comments/ID.json`,
`/graph.facebook.com/v21.0/ID/feed`, ...), from the answers demo/render/ recorded.
Where a platform pages by a value the client computes (Mastodon's ids, Reddit's
`after`), the recorded list is paged here as that platform does; where it pages by
an opaque cursor (Graph), each page is its own recording. Unknown objects get the
platform's own error, and so does a request without the right credentials: the
demo's made-up ones below, which demo.build hands the collectors for the build only.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

# Obviously fake values: the replay server accepts these and nothing else.
DEMO_SECRETS = {
    "REDDIT_CLIENT_ID": "demo-reddit-client-id",
    "REDDIT_CLIENT_SECRET": "demo-reddit-client-secret-not-real",
    "YOUTUBE_API_KEY": "demo-youtube-api-key-not-real",
    "FACEBOOK_PAGE_TOKEN": "demo-facebook-page-token-not-real",
}


@dataclass
class Call:
    """One request, its path relative to the platform's root."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    body: bytes
    root: str  # the platform's root as the client sees it, for links the answer carries
    payloads: Path

    def arg(self, name: str, default: str = "") -> str:
        return (self.query.get(name) or [default])[0]

    def load(self, name: str) -> Any:
        return json.loads((self.payloads / name).read_text(encoding="utf-8"))

    def has(self, name: str) -> bool:
        return (self.payloads / name).is_file()


@dataclass
class Answer:
    status: int
    data: Any
    headers: dict[str, str] = field(default_factory=dict)


def limit(call: Call, default: int, most: int) -> int:
    try:
        return max(1, min(int(call.arg("limit", str(default))), most))
    except ValueError:
        return default


# -- Mastodon ----------------------------------------------------------------------------


def mastodon(call: Call) -> Answer:
    missing = Answer(404, {"error": "Record not found"})
    account = call.load("mastodon/account.json")
    if call.path == "/api/v1/accounts/lookup":
        return Answer(200, account) if call.arg("acct").lstrip("@").lower() == account["acct"] else missing
    if call.path == f"/api/v1/accounts/{account['id']}/statuses":
        return mastodon_statuses(call, account["id"])
    context = re.fullmatch(r"/api/v1/statuses/(\d+)/context", call.path)
    if context and call.has(f"mastodon/context-{context[1]}.json"):
        return Answer(200, call.load(f"mastodon/context-{context[1]}.json"))
    return missing


def mastodon_statuses(call: Call, account_id: str) -> Answer:
    """The account's statuses paged by id: max_id / since_id below and above, min_id just above."""
    statuses = call.load("mastodon/statuses.json")
    if call.arg("exclude_reblogs") == "true":
        statuses = [s for s in statuses if not s["reblog"]]
    if call.arg("exclude_replies") == "true":  # replies to other accounts; its own threads stay
        statuses = [s for s in statuses if s["in_reply_to_account_id"] in (None, account_id)]
    number = limit(call, 20, 40)
    if call.arg("max_id"):
        statuses = [s for s in statuses if int(s["id"]) < int(call.arg("max_id"))]
    if call.arg("since_id"):
        statuses = [s for s in statuses if int(s["id"]) > int(call.arg("since_id"))]
    if call.arg("min_id"):
        statuses = [s for s in statuses if int(s["id"]) > int(call.arg("min_id"))][-number:]
    page = statuses[:number]
    if not page:
        return Answer(200, [])
    kept = {k: v[0] for k, v in call.query.items() if k not in ("max_id", "min_id", "since_id")}
    url = f"{call.root}/api/v1/accounts/{account_id}/statuses?"
    link = (f'<{url}{urlencode({**kept, "max_id": page[-1]["id"]})}>; rel="next", '
            f'<{url}{urlencode({**kept, "min_id": page[0]["id"]})}>; rel="prev"')
    return Answer(200, page, {"Link": link})


# -- Bluesky -----------------------------------------------------------------------------


def sort_at(entry: dict) -> str:
    return (entry.get("reason") or entry["post"])["indexedAt"]


def bluesky(call: Call) -> Answer:
    if call.path == "/xrpc/app.bsky.feed.getAuthorFeed":
        feed = call.load("bluesky/author-feed.json")["feed"]
        owner = next(e["post"]["author"] for e in feed if not e.get("reason"))
        if call.arg("actor") not in (owner["handle"], owner["did"]):
            return Answer(400, {"error": "InvalidRequest", "message": "Profile not found"})
        if call.arg("filter") == "posts_no_replies":
            feed = [e for e in feed if "reply" not in e["post"]["record"]]
        if call.arg("cursor"):
            feed = [e for e in feed if sort_at(e) < call.arg("cursor")]
        number = limit(call, 50, 100)
        answer = {"feed": feed[:number]}
        if len(feed) > number:
            answer["cursor"] = sort_at(feed[number - 1])
        return Answer(200, answer)
    if call.path == "/xrpc/app.bsky.feed.getPostThread":
        uri = call.arg("uri")
        name = f"bluesky/thread-{uri.rsplit('/', 1)[-1]}.json"
        if uri and call.has(name) and call.load(name)["thread"]["post"]["uri"] == uri:
            return Answer(200, call.load(name))
        return Answer(400, {"error": "NotFound", "message": f"Post not found: {uri}"})
    return Answer(404, {"error": "MethodNotImplemented", "message": "Method Not Implemented"})


# -- Reddit ------------------------------------------------------------------------------

REDDIT_LIMITS = {"X-Ratelimit-Used": "1", "X-Ratelimit-Remaining": "995.0", "X-Ratelimit-Reset": "300"}


def reddit_auth(call: Call) -> Answer:
    """POST /api/v1/access_token with the app's id and secret as HTTP basic auth."""
    pair = f"{DEMO_SECRETS['REDDIT_CLIENT_ID']}:{DEMO_SECRETS['REDDIT_CLIENT_SECRET']}"
    expected = "Basic " + base64.b64encode(pair.encode()).decode()
    form = parse_qs(call.body.decode("utf-8", "replace"))
    if call.method != "POST" or call.path != "/api/v1/access_token":
        return Answer(404, {"message": "Not Found", "error": 404})
    if call.headers.get("Authorization") != expected:
        return Answer(401, {"message": "Unauthorized", "error": 401})
    if form.get("grant_type") != ["client_credentials"]:
        return Answer(200, {"error": "unsupported_grant_type"})
    return Answer(200, call.load("reddit/access-token.json"), REDDIT_LIMITS)


def reddit(call: Call) -> Answer:
    token = call.load("reddit/access-token.json")["access_token"]
    if call.headers.get("Authorization", "").lower() != f"bearer {token}":
        return Answer(401, {"message": "Unauthorized", "error": 401})
    new = call.load("reddit/new.json")
    posts = new["data"]["children"]
    if call.path == f"/r/{posts[0]['data']['subreddit']}/new.json":
        after = call.arg("after")
        names = [p["data"]["name"] for p in posts]
        start = names.index(after) + 1 if after in names else 0
        number = limit(call, 25, 100)
        page = posts[start : start + number]
        more = page and start + number < len(posts)
        return Answer(200, listing(page, page[-1]["data"]["name"] if more else None), REDDIT_LIMITS)
    if call.path == "/api/info":
        wanted = call.arg("id").split(",")
        return Answer(200, listing([p for p in posts if p["data"]["name"] in wanted]), REDDIT_LIMITS)
    comments = re.fullmatch(r"/comments/(\w+)\.json", call.path)
    if comments and call.has(f"reddit/comments-{comments[1]}.json") and not call.arg("comment"):
        return Answer(200, call.load(f"reddit/comments-{comments[1]}.json"), REDDIT_LIMITS)
    return Answer(404, {"message": "Not Found", "error": 404})


def listing(children: list, after: str | None = None) -> dict:
    return {"kind": "Listing", "data": {"after": after, "dist": len(children), "modhash": "", "geo_filter": "",
                                        "children": children, "before": None}}


# -- YouTube -----------------------------------------------------------------------------


def google_error(status: int, reason: str, message: str) -> Answer:
    error = {"message": message, "domain": "youtube.api" if status == 404 else "global", "reason": reason}
    return Answer(status, {"error": {"code": status, "message": message, "errors": [error]}})


def youtube(call: Call) -> Answer:
    if call.arg("key") != DEMO_SECRETS["YOUTUBE_API_KEY"]:
        return google_error(400, "badRequest", "API key not valid. Please pass a valid API key.")
    resource = call.path.strip("/")
    if resource == "channels":
        channels = call.load("youtube/channels.json")
        found = [c for c in channels["items"] if c["id"] == call.arg("id")]
        return Answer(200, {**channels, "pageInfo": {"totalResults": len(found), "resultsPerPage": 5}, "items": found})
    selectors = {"playlistItems": "playlistId", "commentThreads": "videoId", "comments": "parentId"}
    if resource not in selectors:
        return google_error(404, "notFound", "Not Found")
    wanted = call.arg(selectors[resource])
    if resource == "playlistItems":
        recorded = call.load("youtube/playlistItems.json")
        if recorded["items"] and recorded["items"][0]["snippet"]["playlistId"] == wanted:
            return Answer(200, recorded)
        return google_error(404, "playlistNotFound",
                            "The playlist identified with the request's playlistId parameter cannot be found.")
    name = f"youtube/{resource}-{wanted}.json"
    if wanted and "/" not in wanted and call.has(name):
        return Answer(200, call.load(name))
    if resource == "comments":
        return google_error(404, "commentNotFound", "The comment identified by the parentId parameter could not be found.")
    return google_error(404, "videoNotFound", "The video identified by the videoId parameter could not be found.")


# -- Meta's Graph API (Facebook and Instagram) -------------------------------------------

GRAPH_USAGE = {
    "X-App-Usage": json.dumps({"call_count": 1, "total_cputime": 1, "total_time": 1}),
}


def graph(call: Call) -> Answer:
    if call.arg("access_token") != DEMO_SECRETS["FACEBOOK_PAGE_TOKEN"]:
        return Answer(400, {"error": {"message": "Invalid OAuth access token - Cannot parse access token",
                                      "type": "OAuthException", "code": 190, "fbtrace_id": "ADemoReplay"}}, GRAPH_USAGE)
    obj, _, edge = call.path.strip("/").partition("/")
    name = f"graph/{obj}--{edge}" + (f"--after-{call.arg('after')}" if call.arg("after") else "") + ".json"
    if obj and edge and "/" not in edge and call.has(name):
        return Answer(200, call.load(name), GRAPH_USAGE)
    message = (f"Unsupported get request. Object with ID '{obj}' does not exist, cannot be loaded due to missing "
               "permissions, or does not support this operation.")
    return Answer(400, {"error": {"message": message, "type": "GraphMethodException", "code": 100,
                                  "error_subcode": 33, "fbtrace_id": "ADemoReplay"}}, GRAPH_USAGE)


# Each platform's root under the server (its real host, and version where the API has one).
APIS: dict[str, Callable[[Call], Answer]] = {
    "/mastodon.social": mastodon,
    "/public.api.bsky.app": bluesky,
    "/www.reddit.com": reddit_auth,
    "/oauth.reddit.com": reddit,
    "/www.googleapis.com/youtube/v3": youtube,
    "/graph.facebook.com/v21.0": graph,
}


def platform_for(path: str) -> tuple[str, Callable[[Call], Answer]] | None:
    """(the platform's root, its handler) for a request path under one of the roots above."""
    for root, handler in APIS.items():
        if path == root or path.startswith(root + "/"):
            return root, handler
    return None
