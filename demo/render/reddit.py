"""Reddit's OAuth API answers for r/brackenford (read with raw_json=1, so text comes unescaped).

    reddit/access-token.json    POST /api/v1/access_token (client_credentials): the bearer token
    reddit/new.json             /r/brackenford/new.json: a Listing of t3 posts, newest first
    reddit/comments-ID.json     /comments/ID.json: [the post's Listing, the comments' Listing], replies
                                nested in each comment's `replies` Listing ("" when there are none)
"""

from __future__ import annotations

import html

from demo.render.base import Node, base36, count, digest, thread, utc
from demo.social import reddit

SUBREDDIT_ID = "t5_2s7kq1"
# The token the replay server grants and then expects (a recording's, not a credential).
ACCESS_TOKEN = "demo-reddit-bearer-token-recorded"
EPOCH = utc("2026-09-01 00:00")


def epoch(moment) -> float:
    return float(int(moment.timestamp()))


def fullname_user(author: str) -> str:
    return "t2_" + base36(digest("reddit user", author) % 36**8)


def markdown_html(text: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(p, quote=False)}</p>\n" for p in text.split("\n\n"))
    return f'<div class="md">{paragraphs}</div>'


def slug(title: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in title.lower()).split()
    return "_".join(words)[:50].rstrip("_")


def post_id(post: dict) -> str:
    return base36(70_000_000 + int((utc(post["at"]) - EPOCH).total_seconds() // 60))


def post_data(post: dict, comments: int) -> dict:
    pid = post_id(post)
    permalink = f"/r/{reddit.SUBREDDIT}/comments/{pid}/{slug(post['title'])}/"
    text = post.get("selftext", "")
    score = 3 + count(90, post["title"])
    created = epoch(utc(post["at"]))
    link = post.get("link")
    return {
        "approved_at_utc": None,
        "subreddit": reddit.SUBREDDIT,
        "selftext": text,
        "author_fullname": fullname_user(post["author"]),
        "saved": False,
        "gilded": 0,
        "clicked": False,
        "title": post["title"],
        "subreddit_name_prefixed": f"r/{reddit.SUBREDDIT}",
        "hidden": False,
        "downs": 0,
        "name": f"t3_{pid}",
        "upvote_ratio": round(0.7 + count(30, pid) / 100, 2),
        "ups": score,
        "score": score,
        "selftext_html": f"<!-- SC_OFF -->{markdown_html(text)}<!-- SC_ON -->" if text else None,
        "is_self": link is None,
        "created": created,
        "domain": link.split("/")[2] if link else f"self.{reddit.SUBREDDIT}",
        "id": pid,
        "author": post["author"],
        "num_comments": comments,
        "permalink": permalink,
        "url": link or f"https://www.reddit.com{permalink}",
        "subreddit_id": SUBREDDIT_ID,
        "created_utc": created,
        "edited": False,
        "locked": False,
        "stickied": False,
        "over_18": False,
        "link_flair_text": None,
    }


def listing(children: list[dict], after: str | None = None) -> dict:
    return {
        "kind": "Listing",
        "data": {"after": after, "dist": len(children), "modhash": "", "geo_filter": "",
                 "children": children, "before": None},
    }


def comment(node: Node, pid: str, ids: dict, post_author: str) -> dict:
    cid = ids[id(node)]
    parent = f"t1_{ids[id(node.parent)]}" if node.parent is not None else f"t3_{pid}"
    score = 1 + count(25, node.author, node.text)
    created = epoch(node.at)
    replies = [comment(r, pid, ids, post_author) for r in node.replies]
    return {
        "kind": "t1",
        "data": {
            "subreddit_id": SUBREDDIT_ID,
            "approved_at_utc": None,
            "author_is_blocked": False,
            "edited": False,
            "gilded": 0,
            "author": node.author,
            "replies": listing(replies) if replies else "",
            "saved": False,
            "id": cid,
            "parent_id": parent,
            "score": score,
            "ups": score,
            "downs": 0,
            "body": node.text,
            "body_html": markdown_html(node.text),
            "link_id": f"t3_{pid}",
            "name": f"t1_{cid}",
            "is_submitter": node.author == post_author,
            "stickied": False,
            "distinguished": None,
            "created": created,
            "created_utc": created,
            "permalink": f"/r/{reddit.SUBREDDIT}/comments/{pid}/comment/{cid}/",
            "subreddit": reddit.SUBREDDIT,
            "depth": node.depth,
            "score_hidden": False,
            "controversiality": 0,
            "collapsed": False,
            "author_fullname": fullname_user(node.author),
        },
    }


def answers() -> dict[str, object]:
    posts = sorted(reddit.POSTS, key=lambda p: p["at"], reverse=True)
    found: dict[str, object] = {
        "reddit/access-token.json": {"access_token": ACCESS_TOKEN, "token_type": "bearer", "expires_in": 86400, "scope": "*"},
    }
    listed = []
    for number, post in enumerate(posts):
        pid = post_id(post)
        nodes = thread(post["comments"])
        # comment ids rise with time, as Reddit's do; the post's place keeps them apart
        ids = {id(n): base36(2_000_000_000 + int(epoch(n.at)) // 60 * 1000 + number * 50 + n.number) for n in nodes}
        data = post_data(post, len(nodes))
        listed.append({"kind": "t3", "data": data})
        top = [comment(n, pid, ids, post["author"]) for n in nodes if n.parent is None]
        found[f"reddit/comments-{pid}.json"] = [listing([{"kind": "t3", "data": data}]), listing(top)]
    found["reddit/new.json"] = listing(listed)
    return found
