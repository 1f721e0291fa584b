"""Bluesky public AppView answers for the council's account (app.bsky lexicons' shapes).

    bluesky/author-feed.json    app.bsky.feed.getAuthorFeed?filter=posts_no_replies: feedViewPosts newest first
                                (a repost carries `reason` #reasonRepost)
    bluesky/thread-RKEY.json    app.bsky.feed.getPostThread: the post and its replies nested in `replies`

Record keys are TIDs for the stated times; links and hashtags are facets over UTF-8 byte offsets.
"""

from __future__ import annotations

import re

from demo.render.base import BASE32_SORTABLE, Node, count, digest, iso_ms, letters, thread, utc
from demo.social import bluesky

FACET = re.compile(r"(brackenford\.gov\.uk/[\w/]*\w)|#(\w+)")
THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"


def did(handle: str) -> str:
    return "did:plc:" + letters(24, BASE32_SORTABLE, "did", handle)


def tid(moment, *seed: object) -> str:
    """A record key: microseconds since 1970 and a clock id, 13 characters of base32-sortable."""
    number = (int(moment.timestamp()) * 1_000_000 + digest(*seed) % 1_000_000) << 10 | digest("clock", *seed) % 1024
    return "".join(BASE32_SORTABLE[(number >> shift) & 31] for shift in range(60, -1, -5))


def cid(*seed: object) -> str:
    return "bafyrei" + letters(52, "abcdefghijklmnopqrstuvwxyz234567", "cid", *seed)


def uri(handle: str, rkey: str) -> str:
    return f"at://{did(handle)}/app.bsky.feed.post/{rkey}"


def profile(handle: str) -> dict:
    view = {"did": did(handle), "handle": handle}
    if bluesky.DISPLAY_NAMES.get(handle):
        view["displayName"] = bluesky.DISPLAY_NAMES[handle]
    view |= {
        "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did(handle)}/{cid('avatar', handle)}@jpeg",
        "associated": {"chat": {"allowIncoming": "following"}},
        "viewer": {"muted": False, "blockedBy": False},
        "labels": [],
        "createdAt": "2023-09-01T10:00:00.000Z",
    }
    return view


def facets(text: str) -> list[dict]:
    found = []
    for match in FACET.finditer(text):
        start = len(text[: match.start()].encode())
        end = start + len(match.group(0).encode())
        address, tag = match.groups()
        feature = ({"$type": "app.bsky.richtext.facet#link", "uri": f"https://www.{address}"} if address
                   else {"$type": "app.bsky.richtext.facet#tag", "tag": tag})
        found.append({"$type": "app.bsky.richtext.facet", "index": {"byteStart": start, "byteEnd": end},
                      "features": [feature]})
    return found


def post_view(handle: str, moment, text: str, rkey: str, *, replies: int = 0, reply: dict | None = None) -> dict:
    record = {"$type": "app.bsky.feed.post", "createdAt": iso_ms(moment), "text": text, "langs": ["en"]}
    if facets(text):
        record["facets"] = facets(text)
    if reply:
        record["reply"] = reply
    return {
        "uri": uri(handle, rkey),
        "cid": cid(handle, rkey),
        "author": profile(handle),
        "record": record,
        "bookmarkCount": 0,
        "replyCount": replies,
        "repostCount": count(8, rkey),
        "likeCount": count(40, text),
        "quoteCount": 0,
        "indexedAt": iso_ms(moment)[:-4] + f"{count(1000, 'indexed', rkey):03d}Z",
        "viewer": {"bookmarked": False, "threadMuted": False, "embeddingDisabled": False},
        "labels": [],
    }


def strong_ref(view: dict) -> dict:
    return {"uri": view["uri"], "cid": view["cid"]}


def thread_answer(post: dict) -> tuple[dict, dict]:
    """(the post's view, its getPostThread answer)."""
    moment = utc(post["at"])
    nodes = thread(post["replies"])
    root = post_view(bluesky.HANDLE, moment, post["text"], tid(moment, post["text"]),
                     replies=sum(1 for n in nodes if n.parent is None))

    def view(node: Node, parent: dict) -> dict:
        post_view_ = post_view(node.author, node.at, node.text, tid(node.at, node.author, node.text),
                               replies=len(node.replies),
                               reply={"root": strong_ref(root), "parent": strong_ref(parent)})
        return {"$type": THREAD_VIEW, "post": post_view_, "replies": [view(r, post_view_) for r in node.replies]}

    replies = [view(n, root) for n in nodes if n.parent is None]
    return root, {"thread": {"$type": THREAD_VIEW, "post": root, "replies": replies}}


def answers() -> dict[str, dict]:
    found: dict[str, dict] = {}
    feed = []
    for post in bluesky.POSTS:
        root, answer = thread_answer(post)
        found[f"bluesky/thread-{root['uri'].rsplit('/', 1)[1]}.json"] = answer
        feed.append((utc(post["at"]), {"post": root}))
    for reposted_at, handle, posted_at, text in bluesky.REPOSTS:
        original = post_view(handle, utc(posted_at), text, tid(utc(posted_at), handle, text))
        reason = {"$type": "app.bsky.feed.defs#reasonRepost", "by": profile(bluesky.HANDLE),
                  "indexedAt": iso_ms(utc(reposted_at))}
        feed.append((utc(reposted_at), {"post": original, "reason": reason}))
    found["bluesky/author-feed.json"] = {"feed": [entry for _, entry in sorted(feed, key=lambda e: e[0], reverse=True)]}
    return found
