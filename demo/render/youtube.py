"""YouTube Data API v3 answers for the demo's channel.

    youtube/channels.json                  channels?part=contentDetails&id=CHANNEL (the uploads playlist)
    youtube/playlistItems.json             playlistItems?playlistId=UPLOADS: the uploads, newest first
    youtube/commentThreads-VIDEO.json      commentThreads?videoId=VIDEO&order=time: threads newest first,
                                           each with at most five of its replies in `replies.comments`
    youtube/comments-THREAD.json           comments?parentId=THREAD: every reply of a thread that has more

textDisplay is HTML (a leading @handle becomes a link to that channel); textOriginal is as typed.
"""

from __future__ import annotations

import html

from demo.render.base import URL_SAFE, Node, count, iso, letters, thread, utc
from demo.social import youtube

UPLOADS = "UU" + youtube.CHANNEL_ID[2:]
INCLUDED_REPLIES = 5  # commentThreads carries a few replies; comments.list has them all


def etag(*seed: object) -> str:
    return letters(27, URL_SAFE, "etag", *seed)


def video_id(video: dict) -> str:
    return letters(11, URL_SAFE, "video", video["title"])


def channel_of(handle: str) -> str:
    return youtube.CHANNEL_ID if handle == youtube.COUNCIL else "UC" + letters(22, URL_SAFE, "channel", handle)


def text_display(text: str, names: dict[str, str]) -> str:
    """YouTube's HTML: entities escaped, a leading @handle linked to its channel."""
    escaped = html.escape(text, quote=True).replace("&#x27;", "&#39;")
    if text.startswith("@"):
        handle = text.split(" ", 1)[0]
        if handle in names:
            link = f'<a href="http://www.youtube.com/channel/{names[handle]}">{handle}</a>'
            escaped = link + escaped[len(handle):]
    return escaped


def comment(node: Node, ids: dict, video: str, names: dict[str, str]) -> dict:
    author = channel_of(node.author)
    snippet = {
        "channelId": youtube.CHANNEL_ID,
        "textDisplay": text_display(node.text, names),
        "textOriginal": node.text,
        "authorDisplayName": node.author,
        "authorProfileImageUrl": f"https://yt3.ggpht.com/ytc/{author[-6:]}=s48-c-k-c0x00ffffff-no-rj",
        "authorChannelUrl": f"http://www.youtube.com/{node.author}",
        "authorChannelId": {"value": author},
        "canRate": True,
        "viewerRating": "none",
        "likeCount": count(30 if node.parent is None else 6, node.author, node.text),
        "publishedAt": iso(node.at),
        "updatedAt": iso(node.at),
    }
    if node.parent is None:
        snippet = {"channelId": youtube.CHANNEL_ID, "videoId": video, **{k: v for k, v in snippet.items() if k != "channelId"}}
    else:
        snippet["parentId"] = ids[id(node.root())]
    return {"kind": "youtube#comment", "etag": etag(ids[id(node)]), "id": ids[id(node)], "snippet": snippet}


def listing(kind: str, items: list, per_page: int) -> dict:
    return {
        "kind": f"youtube#{kind}",
        "etag": etag(kind, *(i["id"] for i in items)),
        "pageInfo": {"totalResults": len(items), "resultsPerPage": per_page},
        "items": items,
    }


def video_answers(video: dict) -> dict[str, dict]:
    vid = video_id(video)
    nodes = thread(video["comments"])
    ids: dict[int, str] = {}
    for node in nodes:
        if node.parent is None:
            ids[id(node)] = "Ugz" + letters(19, URL_SAFE, "thread", vid, node.number) + "4AaABAg"
        else:
            ids[id(node)] = f"{ids[id(node.root())]}.{letters(22, URL_SAFE, 'reply', vid, node.number)}"
    names = {n.author: channel_of(n.author) for n in nodes}
    answers = {}
    threads = []
    for top in sorted((n for n in nodes if n.parent is None), key=lambda n: n.at, reverse=True):
        replies = [comment(r, ids, vid, names) for r in sorted(top.replies, key=lambda n: n.at, reverse=True)]
        item = {
            "kind": "youtube#commentThread",
            "etag": etag("thread", ids[id(top)]),
            "id": ids[id(top)],
            "snippet": {
                "channelId": youtube.CHANNEL_ID,
                "videoId": vid,
                "topLevelComment": comment(top, ids, vid, names),
                "canReply": True,
                "totalReplyCount": len(replies),
                "isPublic": True,
            },
        }
        if replies:
            item["replies"] = {"comments": replies[:INCLUDED_REPLIES]}
        if len(replies) > INCLUDED_REPLIES:
            answers[f"youtube/comments-{ids[id(top)]}.json"] = listing("commentListResponse", replies, 100)
        threads.append(item)
    answers[f"youtube/commentThreads-{vid}.json"] = listing("commentThreadListResponse", threads, 100)
    return answers


def upload(video: dict, position: int) -> dict:
    vid = video_id(video)
    published = iso(utc(video["at"]))
    return {
        "kind": "youtube#playlistItem",
        "etag": etag("upload", vid),
        "id": letters(48, URL_SAFE, "playlist item", vid),
        "snippet": {
            "publishedAt": published,
            "channelId": youtube.CHANNEL_ID,
            "title": video["title"],
            "description": video["description"],
            "thumbnails": {"default": {"url": f"https://i.ytimg.com/vi/{vid}/default.jpg", "width": 120, "height": 90}},
            "channelTitle": youtube.CHANNEL_TITLE,
            "playlistId": UPLOADS,
            "position": position,
            "resourceId": {"kind": "youtube#video", "videoId": vid},
            "videoOwnerChannelTitle": youtube.CHANNEL_TITLE,
            "videoOwnerChannelId": youtube.CHANNEL_ID,
        },
        "contentDetails": {"videoId": vid, "videoPublishedAt": published},
    }


def answers() -> dict[str, dict]:
    videos = sorted(youtube.VIDEOS, key=lambda v: v["at"], reverse=True)
    channel = {
        "kind": "youtube#channel",
        "etag": etag("channel"),
        "id": youtube.CHANNEL_ID,
        "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": UPLOADS}},
    }
    found = {
        "youtube/channels.json": listing("channelListResponse", [channel], 5),
        "youtube/playlistItems.json": listing("playlistItemListResponse", [upload(v, i) for i, v in enumerate(videos)], 50),
    }
    for video in videos:
        found |= video_answers(video)
    return found
