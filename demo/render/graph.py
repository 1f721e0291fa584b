"""Meta's Graph API answers for the demo's Facebook Page and Instagram account.

File names say which request each answers, as tests/graph_replay.py names them:
`graph/<object-id>--<edge>.json`, and `...--after-<cursor>.json` for a later page.
Pages carry `paging.cursors` and, when another page follows, a `next` URL with the
access token in it, as Graph sends them (the recording's token is a placeholder).

    GET /{page-id}/feed          posts newest first, 25 a page (the feed is two pages)
    GET /{post-id}/comments      filter=stream: every comment and reply, flat, newest first,
                                 a reply naming the comment it answers in `parent {id}`
    GET /{ig-user-id}/media      the account's media, newest first
    GET /{media-id}/comments     top-level comments, newest first, replies nested in `replies`
"""

from __future__ import annotations

from urllib.parse import urlencode

from demo.render.base import URL_SAFE, Node, count, cursor, digits, graph_time, letters, thread, utc
from demo.social import facebook, instagram

ROOT = "https://graph.facebook.com/v21.0"
RECORDED_TOKEN = "EAAGDemoRecordingPlaceholderToken"  # what the recording's `next` URLs carry
FEED_PAGE = 25
FEED_FIELDS = (
    "id,message,created_time,updated_time,from,permalink_url,"
    "comments.limit(0).summary(true),reactions.limit(0).summary(true)"
)
MEDIA_FIELDS = "id,caption,timestamp,permalink,username,comments_count,like_count,media_type"
EPOCH = utc("2026-09-01 00:00")


def minutes(node_or_stamp) -> int:
    moment = node_or_stamp.at if isinstance(node_or_stamp, Node) else utc(node_or_stamp)
    return int((moment - EPOCH).total_seconds() // 60)


def page(data: list, obj: str, edge: str, params: dict, more: bool) -> dict:
    """One page of a list edge: its data, cursors, and `next` when another page follows."""
    answer = {"data": data}
    if not data:
        return answer
    after = cursor(obj, edge, "after", len(data), data[-1].get("id"))
    answer["paging"] = {"cursors": {"before": cursor(obj, edge, "before", data[0].get("id")), "after": after}}
    if more:
        query = urlencode({"access_token": RECORDED_TOKEN, **params, "after": after})
        answer["paging"]["next"] = f"{ROOT}/{obj}/{edge}?{query}"
    return answer


# -- Facebook ----------------------------------------------------------------------


def person(name: str) -> dict:
    if name == facebook.COUNCIL:
        return {"name": facebook.COUNCIL, "id": facebook.PAGE_ID}
    return {"name": name, "id": "1000" + digits(11, "facebook", name)}


def post_number(post: dict) -> str:
    return f"1028{minutes(post['at']):06d}"


def facebook_post(post: dict, comments: list[Node]) -> dict:
    number = post_number(post)
    stamp = graph_time(utc(post["at"]))
    return {
        "id": f"{facebook.PAGE_ID}_{number}",
        "message": post["text"],
        "created_time": stamp,
        "updated_time": stamp,
        "from": person(facebook.COUNCIL),
        "permalink_url": f"https://www.facebook.com/{facebook.PAGE_ID}/posts/{number}",
        "comments": {"data": [], "summary": {"order": "ranked", "total_count": len(comments), "can_comment": True}},
        "reactions": {"data": [], "summary": {"total_count": post["likes"], "viewer_reaction": "NONE"}},
    }


def facebook_comments(post: dict, nodes: list[Node]) -> list[dict]:
    """filter=stream, order=reverse_chronological: every comment, flat, newest first."""
    number = post_number(post)
    ids = {id(node): f"{number}_{8800 + minutes(node) % 10000:04d}{node.number:04d}" for node in nodes}
    out = []
    for node in sorted(nodes, key=lambda n: (n.at, n.number), reverse=True):
        comment_id = ids[id(node)]
        data = {
            "id": comment_id,
            "message": node.text,
            "created_time": graph_time(node.at),
            "from": person(node.author),
        }
        if node.parent is not None:
            data["parent"] = {"id": ids[id(node.parent)]}
        data |= {
            "like_count": count(9 if node.parent else 40, node.author, node.text),
            "comment_count": len(node.replies),
            "permalink_url": f"https://www.facebook.com/{facebook.PAGE_ID}/posts/{number}/?comment_id={comment_id.split('_')[1]}",
        }
        out.append(data)
    return out


def facebook_answers() -> dict[str, dict]:
    posts = sorted(facebook.POSTS, key=lambda p: p["at"], reverse=True)
    threads = {p["at"]: thread(p["comments"]) for p in posts}
    answers: dict[str, dict] = {}
    feed = f"{facebook.PAGE_ID}--feed"
    name = feed
    params = {"fields": FEED_FIELDS, "since": "1789000000", "limit": FEED_PAGE}
    for start in range(0, len(posts), FEED_PAGE):
        chunk = [facebook_post(p, threads[p["at"]]) for p in posts[start : start + FEED_PAGE]]
        more = start + FEED_PAGE < len(posts)
        answer = page(chunk, facebook.PAGE_ID, "feed", params, more)
        answers[f"graph/{name}.json"] = answer
        if more:
            name = f"{feed}--after-{answer['paging']['cursors']['after']}"
    for post in posts:
        comments = facebook_comments(post, threads[post["at"]])
        post_id = f"{facebook.PAGE_ID}_{post_number(post)}"
        answers[f"graph/{post_id}--comments.json"] = page(comments, post_id, "comments", {}, more=False)
    return answers


# -- Instagram ---------------------------------------------------------------------


def ig_user(name: str) -> dict:
    user_id = instagram.USER_ID if name == instagram.COUNCIL else digits(16, "instagram", name)
    return {"id": user_id, "username": name}


def media_id(media: dict) -> str:
    return f"1795{minutes(media['at']):07d}{digits(6, media['caption'])}"


def ig_comment(node: Node, comment_ids: dict) -> dict:
    data = {
        "id": comment_ids[id(node)],
        "text": node.text,
        "timestamp": graph_time(node.at),
        "username": node.author,
        "from": ig_user(node.author),
        "like_count": count(12, node.author, node.text),
    }
    if node.parent is not None:
        data["parent_id"] = comment_ids[id(node.parent)]
    return data


def instagram_answers() -> dict[str, dict]:
    media = sorted(instagram.MEDIA, key=lambda m: m["at"], reverse=True)
    answers: dict[str, dict] = {}
    listed = []
    for item in media:
        nodes = thread(item["comments"])
        ids = {id(n): f"1789{minutes(n):07d}{n.number:02d}{digits(4, item['caption'])}" for n in nodes}
        listed.append({
            "id": media_id(item),
            "caption": item["caption"],
            "timestamp": graph_time(utc(item["at"])),
            "permalink": f"https://www.instagram.com/p/D{letters(10, URL_SAFE, item['caption'])}/",
            "username": instagram.COUNCIL,
            "comments_count": len(nodes),  # replies count too, as Instagram counts them
            "like_count": item["likes"],
            "media_type": item["type"],
        })
        top = sorted((n for n in nodes if n.parent is None), key=lambda n: n.at, reverse=True)
        comments = []
        for node in top:
            data = ig_comment(node, ids)
            if node.replies:
                data["replies"] = {"data": [ig_comment(r, ids) for r in node.replies]}
            comments.append(data)
        answers[f"graph/{media_id(item)}--comments.json"] = page(comments, media_id(item), "comments", {}, more=False)
    params = {"fields": MEDIA_FIELDS, "since": "1789000000", "limit": FEED_PAGE}
    answers[f"graph/{instagram.USER_ID}--media.json"] = page(listed, instagram.USER_ID, "media", params, more=False)
    return answers


def answers() -> dict[str, dict]:
    return facebook_answers() | instagram_answers()
