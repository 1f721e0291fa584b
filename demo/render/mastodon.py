"""Mastodon API answers for the council's account on mastodon.social.

    mastodon/account.json        /api/v1/accounts/lookup?acct=brackenfordcouncil
    mastodon/statuses.json       every status of the account, newest first (posts, its replies, a boost):
                                 the replay server pages and filters it as Mastodon does
    mastodon/context-ID.json     /api/v1/statuses/ID/context: {ancestors: [], descendants: [...]} in thread order

Ids are snowflakes (milliseconds since 1970 shifted 16 bits), as Mastodon makes them, so
they sort by time. Content is HTML; a reply starts with an @mention of the person answered.
"""

from __future__ import annotations

import html
import re

from demo.render.base import Node, count, digest, iso_ms, thread, utc
from demo.social import mastodon

HOST = mastodon.INSTANCE
LINK = re.compile(r"(brackenford\.gov\.uk/[\w/]*\w)|#(\w+)")


def snowflake(moment, *seed: object) -> str:
    return str((int(moment.timestamp() * 1000) << 16) | (digest(*seed) & 0xFFFF))


def account(acct: str) -> dict:
    user, _, host = acct.partition("@")
    host = host or HOST
    created = utc("2022-11-08 00:00")
    return {
        "id": str(int(snowflake(created, acct)) % 10**18),
        "username": user,
        "acct": acct,
        "display_name": mastodon.DISPLAY_NAMES.get(acct, ""),
        "locked": False,
        "bot": False,
        "discoverable": True,
        "group": False,
        "created_at": iso_ms(created),
        "note": "<p>Official account of Brackenford Borough Council. Monitored 9am to 5pm, Monday to Friday.</p>"
        if acct == mastodon.ACCOUNT else "",
        "url": f"https://{host}/@{user}",
        "avatar": f"https://{HOST}/avatars/original/missing.png",
        "avatar_static": f"https://{HOST}/avatars/original/missing.png",
        "header": f"https://{HOST}/headers/original/missing.png",
        "header_static": f"https://{HOST}/headers/original/missing.png",
        "followers_count": 40 + count(3000, acct),
        "following_count": 5 + count(400, acct),
        "statuses_count": 100 + count(5000, acct),
        "last_status_at": "2026-11-27",
        "emojis": [],
        "fields": [],
    }


def linked(text: str) -> str:
    """Plain text as Mastodon's HTML: escaped, links and hashtags made links."""

    def link(match: re.Match) -> str:
        address, tag = match.groups()
        if address:
            return (f'<a href="https://www.{address}" target="_blank" rel="nofollow noopener noreferrer" '
                    f'translate="no"><span class="invisible">https://www.</span><span class="">{address}</span>'
                    '<span class="invisible"></span></a>')
        return f'<a href="https://{HOST}/tags/{tag.lower()}" class="mention hashtag" rel="tag">#<span>{tag}</span></a>'

    return LINK.sub(link, html.escape(text, quote=False))


def mention(acct: str) -> str:
    user, _, host = acct.partition("@")
    return (f'<span class="h-card" translate="no"><a href="https://{host or HOST}/@{user}" class="u-url mention">'
            f"@<span>{user}</span></a></span> ")


def status(author: str, moment, text: str, *, sid: str, reply_to: tuple[str, str] | None = None,
           replies: int = 0, reblog: dict | None = None) -> dict:
    who = account(author)
    user, _, host = author.partition("@")
    addressed = mention(reply_to[1]) if reply_to and reply_to[1] != author else ""  # nobody mentions themselves
    content = "" if reblog else f"<p>{addressed}{linked(text)}</p>"
    return {
        "id": sid,
        "created_at": iso_ms(moment),
        "in_reply_to_id": reply_to[0] if reply_to else None,
        "in_reply_to_account_id": account(reply_to[1])["id"] if reply_to else None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "en",
        "uri": f"https://{host or HOST}/users/{user}/statuses/{sid}",
        "url": f"https://{host or HOST}/@{user}/{sid}",
        "replies_count": replies,
        "reblogs_count": 0 if reblog else count(12, sid),
        "favourites_count": 0 if reblog else count(30, text),
        "edited_at": None,
        "favourited": False,
        "reblogged": False,
        "muted": False,
        "bookmarked": False,
        "content": content,
        "filtered": [],
        "reblog": reblog,
        "application": {"name": "Web", "website": None},
        "account": who,
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
    }


def reply(node: Node, ids: dict, post_id: str) -> dict:
    """A reply as a status answering its parent (else the council's post)."""
    parent = (ids[id(node.parent)], node.parent.author) if node.parent else (post_id, mastodon.ACCOUNT)
    return status(node.author, node.at, node.text, sid=ids[id(node)], reply_to=parent, replies=len(node.replies))


def answers() -> dict[str, object]:
    found: dict[str, object] = {"mastodon/account.json": account(mastodon.ACCOUNT)}
    timeline = []
    for post in mastodon.POSTS:
        moment = utc(post["at"])
        pid = snowflake(moment, post["text"])
        nodes = thread(post["replies"])
        ids = {id(n): snowflake(n.at, n.author, n.text) for n in nodes}
        top = sum(1 for n in nodes if n.parent is None)
        timeline.append(status(mastodon.ACCOUNT, moment, post["text"], sid=pid, replies=top))
        descendants = [reply(n, ids, pid) for n in nodes]
        timeline += [s for s in descendants if s["account"]["acct"] == mastodon.ACCOUNT]
        found[f"mastodon/context-{pid}.json"] = {"ancestors": [], "descendants": descendants}
    for boosted_at, author, posted_at, text in mastodon.BOOSTS:
        original = status(author, utc(posted_at), text, sid=snowflake(utc(posted_at), author, text))
        timeline.append(status(mastodon.ACCOUNT, utc(boosted_at), "", sid=snowflake(utc(boosted_at), "boost", text),
                               reblog=original))
    found["mastodon/statuses.json"] = sorted(timeline, key=lambda s: int(s["id"]), reverse=True)
    return found
