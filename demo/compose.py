"""Write demo/payloads/ from demo/discussions.py, demo/feeds.py and demo/social/.

`python -m demo.compose` regenerates the payload files; they are committed, so
the demo itself only ever reads them. Each file has the shape the real service
sends: the Guardian discussion API's JSON (displayThreaded=true, paged by
top-level comment, replies flat under their top-level comment with
`responseTo` naming the comment answered), RSS 2.0 as Google News and a
council CMS publish it, Google Alerts' Atom with redirect-wrapped links, and
each social platform's API answers (demo/render/: Mastodon, Bluesky, Reddit,
YouTube, and Meta's Graph API for Facebook and Instagram).
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from demo import discussions, feeds
from demo.render import bluesky, graph, mastodon, reddit, youtube
from demo.render.base import iso, utc
from settings.clock import LONDON

PAYLOADS = Path(__file__).resolve().parent / "payloads"
PAGE_SIZE = 25  # the Guardian's smallest page size: the biggest discussion spans two pages
API = "https://discussion.guardianapis.com/discussion-api"
PERMALINK = "https://discussion.theguardian.com/comment-permalink"
MODERATED = (
    "This comment was removed by a moderator because it didn't abide by our "
    "<a href='http://www.theguardian.com/community-standards'>community standards</a>. "
    "Replies may also be deleted. For more detail see <a href='http://www.guardian.co.uk/community-faqs'>our FAQs</a>."
)
# When the recording was made: feeds say when they were last built.
RECORDED_AT = datetime(2026, 11, 27, 9, 5, tzinfo=UTC)


def guardian_date(moment: datetime) -> str:
    """The API's human date, in UK time: '24 November 2026 7:52am'."""
    local = moment.astimezone(LONDON)
    hour = local.hour % 12 or 12
    return f"{local:%d %B %Y} {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def user_id(name: str) -> str:
    return str(10_000_000 + int(hashlib.sha256(name.encode()).hexdigest(), 16) % 9_000_000)


def profile(name: str) -> dict:
    uid = user_id(name)
    return {
        "userId": uid,
        "displayName": name,
        "webUrl": f"https://profile.theguardian.com/user/id/{uid}",
        "apiUrl": f"{API}/profile/{uid}",
        "avatar": f"https://avatar.guim.co.uk/user/{uid}",
        "secureAvatarUrl": f"https://avatar.guim.co.uk/user/{uid}",
        "badge": [],
    }


def flatten(comments, parent=None, out=None) -> list[dict]:
    """Every comment with its parent's index, in the order written."""
    out = [] if out is None else out
    for author, stamp, body, replies in comments:
        node = {"author": author, "at": utc(stamp), "body": body, "parent": parent, "status": "visible"}
        out.append(node)
        flatten(replies, node, out)
    return out


def comment_json(node: dict) -> dict:
    data = {
        "id": node["id"],
        "body": node["body"] if node["status"] == "visible" else MODERATED,
        "date": guardian_date(node["at"]),
        "isoDateTime": iso(node["at"]),
        "status": node["status"],
        "webUrl": f"{PERMALINK}/{node['id']}",
        "apiUrl": f"{API}/comment/{node['id']}",
        "numRecommends": node["recommends"],
        "isHighlighted": False,
    }
    parent = node["parent"]
    if parent is not None:
        data["responseTo"] = {
            "displayName": parent["author"],
            "commentApiUrl": f"{API}/comment/{parent['id']}",
            "isoDateTime": iso(parent["at"]),
            "date": guardian_date(parent["at"]),
            "commentId": str(parent["id"]),
            "commentWebUrl": f"{PERMALINK}/{parent['id']}",
        }
    data["userProfile"] = profile(node["author"])
    return data


def root_of(node: dict) -> dict:
    while node["parent"] is not None:
        node = node["parent"]
    return node


def discussion_pages(spec: dict) -> list[dict]:
    """The API's answers for page 1..n of one discussion."""
    nodes = flatten(spec["comments"])
    for author, stamp in spec.get("blocked", []):
        nodes.append({"author": author, "at": utc(stamp), "body": "", "parent": None, "status": "blocked"})
    nodes.sort(key=lambda n: n["at"])
    for number, node in enumerate(nodes):
        node["id"] = spec["first_id"] + number * 97 + (number * number) % 89
        node["recommends"] = (len(node["body"]) * 7 + number * 13) % 61 if node["status"] == "visible" else 0
    top = [n for n in nodes if n["parent"] is None]
    pages = max(1, -(-len(top) // PAGE_SIZE))
    slug = spec["key"]
    answers = []
    for page in range(1, pages + 1):
        comments = []
        for node in top[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]:
            data = comment_json(node)
            replies = [n for n in nodes if n["parent"] is not None and root_of(n) is node]
            data["numResponses"] = len(replies)
            if replies:
                data["responses"] = [comment_json(r) for r in replies]
                data["metaData"] = {
                    "commentCount": len(replies) + 1,
                    "staffCommenterCount": 0,
                    "editorsPickCount": 0,
                    "blockedCount": 0,
                    "responseCount": len(replies),
                }
            comments.append(data)
        answers.append({
            "status": "ok",
            "currentPage": page,
            "pages": pages,
            "pageSize": PAGE_SIZE,
            "orderBy": "oldest",
            "discussion": {
                "key": slug,
                "webUrl": spec["webUrl"],
                "apiUrl": f"{API}/discussion/{slug}",
                "commentCount": len(nodes),
                "topLevelCommentCount": len(top),
                "isClosedForComments": False,
                "isClosedForRecommendation": False,
                "isThreaded": True,
                "title": spec["title"],
                "comments": comments,
            },
        })
    return answers


def rfc822(stamp: str) -> str:
    return format_datetime(utc(stamp), usegmt=True)


def council_rss() -> str:
    site = feeds.COUNCIL_SITE
    items = []
    for stamp, title, path, category, summary in sorted(feeds.COUNCIL_NEWS, reverse=True):
        link = site + path
        items.append(
            "    <item>\n"
            f"      <title>{escape(title)}</title>\n"
            f"      <link>{escape(link)}</link>\n"
            f"      <description>{escape(summary)}</description>\n"
            f"      <category>{escape(category)}</category>\n"
            "      <dc:creator>Brackenford Borough Council</dc:creator>\n"
            f"      <pubDate>{rfc822(stamp)}</pubDate>\n"
            f"      <guid isPermaLink=\"true\">{escape(link)}</guid>\n"
            "    </item>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "  <channel>\n"
        "    <title>Brackenford Borough Council - News</title>\n"
        f"    <link>{site}/news</link>\n"
        f'    <atom:link href="{site}/news/rss" rel="self" type="application/rss+xml" />\n'
        "    <description>News and announcements from Brackenford Borough Council</description>\n"
        "    <language>en-gb</language>\n"
        f"    <lastBuildDate>{format_datetime(RECORDED_AT, usegmt=True)}</lastBuildDate>\n"
        "    <generator>Brackenford CMS</generator>\n"
        + "".join(items)
        + "  </channel>\n</rss>\n"
    )


def google_article_id(url: str) -> str:
    """Google News' opaque article token: its own prefix, then the URL, base64url-encoded."""
    encoded = url.encode()
    raw = b"\x08\x13\x22" + bytes([len(encoded)]) + encoded + b"\xd2\x01\x00"
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")  # starts "CBMi", as Google's do


def google_news_rss() -> str:
    query = '"Brackenford Borough Council" OR "Brackenford council"'
    search = f"https://news.google.com/search?q={quote(query)}&hl=en-GB&gl=GB&ceid=GB:en"
    items = []
    for stamp, headline, publisher, site, url in sorted(feeds.GOOGLE_NEWS, reverse=True):
        token = google_article_id(url)
        link = f"https://news.google.com/rss/articles/{token}?oc=5"
        description = (
            f'<a href="{link}" target="_blank">{escape(headline)}</a>'
            f'&nbsp;&nbsp;<font color="#6f6f6f">{escape(publisher)}</font>'
        )
        items.append(
            f"<item><title>{escape(headline)} - {escape(publisher)}</title>"
            f"<link>{escape(link)}</link>"
            f'<guid isPermaLink="false">{token}</guid>'
            f"<pubDate>{rfc822(stamp)}</pubDate>"
            f"<description>{escape(description)}</description>"
            f"<source url={quoteattr(site)}>{escape(publisher)}</source></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        "<generator>NFE/5.0</generator>"
        f"<title>{escape(query)} - Google News</title>"
        f"<link>{escape(search)}</link>"
        "<language>en-GB</language>"
        "<webMaster>news-webmaster@google.com</webMaster>"
        "<copyright>Copyright © 2026 Google. All rights reserved. This XML feed is made available solely for the "
        "purpose of rendering Google News results within a personal feed reader for personal, non-commercial use. "
        "Any other use of the feed is expressly prohibited. By accessing this feed or using these results in any "
        "manner whatsoever, you agree to be bound by the foregoing restrictions.</copyright>"
        f"<lastBuildDate>{format_datetime(RECORDED_AT, usegmt=True)}</lastBuildDate>"
        "<description>Google News</description>"
        + "".join(items)
        + "</channel></rss>"
    )


ALERT_USER = "02844178532690417305"
ALERT_FEED = "14211460957302386641"


def google_alerts_atom() -> str:
    entries = []
    for stamp, title, snippet, url, number in sorted(feeds.GOOGLE_ALERTS, reverse=True):
        cd = base64.urlsafe_b64encode(hashlib.sha1(url.encode()).digest()[:18]).decode()
        usg = "AOvVaw" + base64.urlsafe_b64encode(hashlib.md5(url.encode()).digest()).decode()[:22]
        link = f"https://www.google.com/url?rct=j&sa=t&url={url}&ct=ga&cd={cd}&usg={usg}"
        entries.append(
            "<entry>"
            f"<id>tag:google.com,2013:googlealerts/feed:{number}</id>"
            f'<title type="html">{escape(title)}</title>'
            f"<link href={quoteattr(link)}></link>"
            f"<published>{iso(utc(stamp))}</published>"
            f"<updated>{iso(utc(stamp))}</updated>"
            f'<content type="html">{escape(snippet)}</content>'
            "<author><name></name></author>"
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">'
        f"<id>tag:google.com,2005:reference/user/{ALERT_USER}/state/com.google/alerts/{ALERT_FEED}</id>"
        "<title>Google Alert - &quot;Brackenford Borough Council&quot;</title>"
        f'<link href="https://www.google.com/alerts/feeds/{ALERT_USER}/{ALERT_FEED}" rel="self"></link>'
        f"<updated>{iso(RECORDED_AT)}</updated>"
        + "".join(entries)
        + "</feed>"
    )


def guardian_dir(key: str, root: Path = PAYLOADS) -> Path:
    """demo/payloads/guardian/p-5k7qa for the discussion /p/5k7qa."""
    return root / "guardian" / key.strip("/").replace("/", "-")


def write_all(root: Path = PAYLOADS) -> list[Path]:
    written = []

    def put(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    put(root / "council-news.xml", council_rss())
    put(root / "google-news.xml", google_news_rss())
    put(root / "google-alerts.xml", google_alerts_atom())
    for spec in discussions.DISCUSSIONS:
        folder = guardian_dir(spec["key"], root)
        for page in discussion_pages(spec):
            put(folder / f"page-{page['currentPage']}.json", json.dumps(page, indent=1, ensure_ascii=False) + "\n")
    for platform in (mastodon, bluesky, reddit, youtube, graph):
        for name, answer in platform.answers().items():
            put(root / name, json.dumps(answer, indent=1, ensure_ascii=False) + "\n")
    return written


if __name__ == "__main__":
    for path in write_all():
        print(path.relative_to(PAYLOADS.parent.parent))
