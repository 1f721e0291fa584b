"""YouTube: a channel's uploads (or listed videos) and every comment on them.

YouTube Data API v3, with an API key (`YOUTUBE_API_KEY`, sent as the `key`
query parameter, which http.py redacts from every message):

    GET {base}/channels?part=contentDetails&id=CHANNEL
        -> items[0].contentDetails.relatedPlaylists.uploads
    GET {base}/playlistItems?part=snippet,contentDetails&playlistId=UPLOADS&maxResults=50[&pageToken=]
        -> items[{snippet{publishedAt, channelId, title, description, channelTitle,
                  videoOwnerChannelId, videoOwnerChannelTitle, resourceId{videoId}},
                  contentDetails{videoId, videoPublishedAt}}], nextPageToken
    GET {base}/videos?part=snippet,statistics&id=A,B      (for `video_ids`)
    GET {base}/commentThreads?part=snippet,replies&videoId=V&maxResults=100&textFormat=html&order=time[&pageToken=]
        -> items[{id, snippet{videoId, topLevelComment{id, snippet{...}}, totalReplyCount},
                  replies{comments[comment]}}], nextPageToken
    GET {base}/comments?part=snippet&parentId=THREAD&maxResults=100&textFormat=html[&pageToken=]
        -> items[comment], nextPageToken
    comment = {id, snippet{authorDisplayName, authorChannelId{value}, textDisplay,
               textOriginal, parentId, likeCount, publishedAt, updatedAt}}

Each video is a "post" (`youtube:VIDEO_ID`); each comment and reply a
"comment" in that video's thread. A thread's `replies.comments` holds only some
replies: when `totalReplyCount` is larger, the thread is completed with
`comments.list?parentId=`.

Depth: YouTube replies are one level deep natively. The site's own "reply to a
reply" starts the text with `@handle` of the person answered; a reply whose
text starts with `@name` where name is the author of an *earlier reply in the
same thread* is linked to that person's latest earlier reply. Any other reply
(no mention, a mention of the top-level author, or of someone not in the
thread) stays under the top-level comment. This gives the tree the reader
sees on YouTube; it never invents a link to someone who did not reply before.

Incremental: uploads are paged newest first and paging stops at the newest
upload time of the last completed scan (the cursor's `uploads_seen_at`), or at
the look-back window. Every video inside the window (`lookback_days`) has its
comment threads listed again each run (1 quota unit per 100 threads) so new
replies to older comments arrive; `comments.list` is only called for a thread
whose `totalReplyCount` changed since it was last completed. Each page of
threads is one Batch whose cursor holds the `pageToken` of the next page, so
a run stopped by the quota resumes on that page the next day.

Quota: an answer 403 with `error.errors[].reason` `quotaExceeded` (or
`dailyLimitExceeded`) stops the source with a clear message (the quota
resets at midnight Pacific time); `rateLimitExceeded` likewise, to try again
in a few minutes. `commentsDisabled` / `videoNotFound` skip that video with a
warning; a channel video that is gone is forgotten.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from collectors import limits
from collectors.errors import CollectorError, PayloadError, RateLimited
from collectors.http import HttpStatusError
from collectors.items import Batch, Item, item_key
from collectors.options import MissingSecret, option_list, require_secret
from collectors.payload import as_dict, as_id, as_int, as_list, as_text, html_as_text, parse_iso_time
from collectors.trust import require_credentials_allowed
from settings.clock import clock_words
from settings.sources import SourceConfig, SourceKind
from settings.typed import Key

KIND = "youtube"
DEFAULT_BASE_URL = "https://www.googleapis.com/youtube/v3"
SECRET = "YOUTUBE_API_KEY"
WATCH_URL = "https://www.youtube.com/watch"
PLAYLIST_PAGE = 50  # the API's maximum for playlistItems / videos
COMMENT_PAGE = 100  # the API's maximum for commentThreads / comments
QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded"}
RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
SKIP_REASONS = {"commentsDisabled", "videoNotFound", "forbidden", "channelNotFound"}
KEY_REASONS = {"keyInvalid", "keyExpired", "badRequest"}

try:
    from zoneinfo import ZoneInfo

    PACIFIC = ZoneInfo("America/Los_Angeles")
except Exception:  # no tz database: the reset time is then only said in words
    PACIFIC = None


# -- payload helpers ---------------------------------------------------------


def _iso(stamp: datetime) -> str:
    return stamp.astimezone(UTC).isoformat()


def next_quota_reset(now: float) -> float | None:
    """Epoch seconds of the next midnight in Pacific time, when YouTube quotas reset."""
    if PACIFIC is None:
        return None
    local = datetime.fromtimestamp(now, PACIFIC)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), PACIFIC)
    return midnight.timestamp()


def error_reasons(error: HttpStatusError) -> list[str]:
    """The `reason` of each entry in a Google API error body (`error.errors[]`)."""
    body = as_dict(error.json())
    return [as_text(as_dict(e).get("reason")) for e in as_list(as_dict(body.get("error")).get("errors"))]


class VideoUnavailable(CollectorError):
    """Comments on one video cannot be read (disabled, private, gone): skip it."""

    def __init__(self, message: str, gone: bool = False):
        super().__init__(message)
        self.gone = gone  # the video no longer exists (videoNotFound / 404)


# -- reply depth -------------------------------------------------------------


def _mention_of(text: str, names: list[str]) -> str | None:
    """Which of `names` the text opens with as `@name` (longest match), else None."""
    lowered = text.lstrip().lower()
    if not lowered.startswith("@"):
        return None
    for name in sorted(names, key=len, reverse=True):
        if not name:
            continue
        if lowered.startswith("@" + name):
            after = lowered[len(name) + 1 : len(name) + 2]
            if not after or not (after.isalnum() or after in "_-."):
                return name
    return None


def _handle(name: str) -> str:
    return name.strip().lstrip("@").lower()


def link_replies(top_id: str, top_author: str, replies: list[dict]) -> dict[str, str]:
    """reply id -> id of the comment it answers (the top-level one unless `@name` says otherwise).

    `replies` are comment resources of one thread. A reply that opens with
    `@name` of the author of an earlier reply is linked to that author's latest
    earlier reply; a mention of the top-level author, or of anyone who has not
    replied before, leaves it under the top-level comment.
    """
    ordered = sorted(
        (r for r in replies if as_text(as_dict(r).get("id"))),
        key=lambda r: (as_text(as_dict(r.get("snippet")).get("publishedAt")), as_text(r.get("id"))),
    )
    latest_by_author: dict[str, str] = {}
    parents: dict[str, str] = {}
    top_handle = _handle(top_author)
    for reply in ordered:
        snippet = as_dict(reply.get("snippet"))
        text = as_text(snippet.get("textOriginal")) or html_as_text(snippet.get("textDisplay"))
        named = _mention_of(text, [h for h in latest_by_author if h != top_handle])
        parents[reply["id"]] = latest_by_author[named] if named else top_id
        author = _handle(as_text(snippet.get("authorDisplayName")))
        if author:
            latest_by_author[author] = reply["id"]
    return parents


# -- the collector -----------------------------------------------------------


SOURCE = SourceKind(
    KIND, "Comments under a YouTube channel's videos, replies included. Needs a YouTube Data API key.",
    keys=(
        Key("channel_id", "text", "the channel's id, starting UC: on the channel's page, About, Share channel, "
            "Copy channel ID (its uploads are read)", label="Channel id", example="UC4Bk9rQmT2vLxN8pW3yZ1aA"),
        Key("video_ids", "texts", "each video's id: the part after v= in its address", label="Or particular videos "
            "(one per line)", example="dQw4w9WgXcQ"),
    ),
    one_of=("channel_id", "video_ids"), secrets=(SECRET,), name="YouTube",
)


class YouTubeCollector:
    """`channel_id = "UC..."` (its uploads) or `video_ids = [...]` -> videos and their comments."""

    kind = KIND

    def __init__(self, source: SourceConfig, http):
        self.source = source
        self.http = http
        self.base_url = (source.base_url or DEFAULT_BASE_URL).rstrip("/")
        self.channel_id = as_text(source.options.get("channel_id")).strip() or None
        self.video_ids = option_list(source, "video_ids", "a list of video ids")
        try:
            self._key = require_secret(SECRET)
        except MissingSecret as error:
            raise CollectorError(str(error)) from None
        require_credentials_allowed(source.name, self.base_url, KIND, SECRET)
        self.clock = getattr(http, "clock", time.time)
        self.warnings: list[str] = []  # pages caps reached this run

    # -- requests ---------------------------------------------------------

    def _get(self, resource: str, params: dict, what: str) -> dict:
        """One API call; quota and key problems become clear errors, the key never shown."""
        try:
            payload = self.http.get_json(
                f"{self.base_url}/{resource}", params={**params, "key": self._key}, credentials=KIND
            )
        except HttpStatusError as error:
            raise self._explain(error, what) from None
        if not isinstance(payload, dict):
            raise PayloadError(f"YouTube {resource} for {what}: expected a JSON object")
        return payload

    def _explain(self, error: HttpStatusError, what: str) -> Exception:
        reasons = set(error_reasons(error))
        if reasons & QUOTA_REASONS:
            reset = next_quota_reset(self.clock())
            when = (
                clock_words(reset)
                if reset
                else "midnight Pacific time"
            )
            return RateLimited(
                f"YouTube API quota for today is used up (quotaExceeded) while reading {what}; "
                f"collection stopped and resumes where it stopped after the quota resets at {when}",
                retry_at=reset,
            )
        if reasons & RATE_REASONS:
            return RateLimited(
                f"YouTube is refusing requests for now (rateLimitExceeded) while reading {what}; "
                "collection stopped and resumes where it stopped; try again in a few minutes"
            )
        if reasons & KEY_REASONS and error.status_code == 400:
            return CollectorError(
                f"YouTube rejected the API key ({', '.join(sorted(reasons & KEY_REASONS))}): check {SECRET}"
            )
        if reasons & SKIP_REASONS or error.status_code == 404:
            reason = ", ".join(sorted(reasons & SKIP_REASONS)) or f"HTTP {error.status_code}"
            gone = "videoNotFound" in reasons or error.status_code == 404
            return VideoUnavailable(f"YouTube cannot show {what} ({reason})", gone=gone)
        if reasons:
            return CollectorError(f"{error} ({', '.join(sorted(r for r in reasons if r))})")
        return error

    def _paged(
        self, resource: str, params: dict, what: str, token: str | None = None
    ) -> Iterator[tuple[dict, str | None]]:
        """(page, nextPageToken) for each page from `token` on, at most limits.max_pages() of them (a warning
        then; a comment listing goes on from its saved token next run); a token sent twice is an error, not a loop."""
        asked: set[str] = set()
        cap = limits.max_pages()
        for _ in range(cap):
            if token:
                asked.add(token)
            page = self._get(resource, {**params, **({"pageToken": token} if token else {})}, what)
            token = as_text(page.get("nextPageToken")) or None
            if token in asked:
                raise PayloadError(f"YouTube {resource} for {what} sent the same nextPageToken twice; stopped")
            yield page, token
            if not token:
                return
        rest = "the next run goes on from there" if resource == "commentThreads" else "the rest were not read"
        self.warnings.append(limits.page_cap_warning(f"YouTube {resource} for {what}", cap, rest))

    # -- collecting -------------------------------------------------------

    def fetch(self, cursor: dict) -> Iterator[Batch]:
        now = datetime.fromtimestamp(self.clock(), UTC)
        cutoff = now - timedelta(days=self.source.lookback_days)
        state = {
            "uploads": cursor.get("uploads"),
            "uploads_seen_at": cursor.get("uploads_seen_at"),
            "videos": {k: dict(v) for k, v in as_dict(cursor.get("videos")).items() if isinstance(v, dict)},
        }

        def snapshot() -> dict:
            return {
                **{k: v for k, v in state.items() if k != "videos" and v is not None},
                "videos": {k: dict(v) for k, v in state["videos"].items()},
            }

        if self.channel_id:
            yield from self._uploads(state, cutoff, snapshot)
        if self.video_ids:
            yield from self._listed_videos(state, snapshot)

        for video_id in list(state["videos"]):
            entry = state["videos"][video_id]
            published = parse_iso_time(entry.get("published"))
            inside = published is None or published >= cutoff
            if entry.get("page_token") or not entry.get("scanned") or inside:
                yield from self._video_comments(video_id, entry, snapshot)

        forgotten = False
        for video_id, entry in list(state["videos"].items()):  # forget old channel videos, fully read
            published = parse_iso_time(entry.get("published"))
            old = published is not None and published < cutoff
            listed = video_id in self.video_ids
            if not listed and (entry.get("gone") or (old and entry.get("scanned") and not entry.get("page_token"))):
                del state["videos"][video_id]
                forgotten = True
        if forgotten or self.warnings:
            yield Batch(items=[], cursor=snapshot(), warnings=self.warnings)

    def _uploads_playlist(self, state: dict) -> str:
        if state.get("uploads"):
            return state["uploads"]
        page = self._get("channels", {"part": "contentDetails", "id": self.channel_id}, f"channel {self.channel_id}")
        items = as_list(page.get("items"))
        details = as_dict(as_dict(items[0] if items else {}).get("contentDetails"))
        uploads = as_text(as_dict(details.get("relatedPlaylists")).get("uploads"))
        if not uploads:
            raise CollectorError(
                f"YouTube has no channel {self.channel_id!r} (or it has no uploads); check channel_id"
            )
        state["uploads"] = uploads
        return uploads

    def _uploads(self, state: dict, cutoff: datetime, snapshot) -> Iterator[Batch]:
        """New uploads, newest first, down to the last completed scan or the look-back window."""
        try:
            playlist = self._uploads_playlist(state)
        except VideoUnavailable as error:
            raise CollectorError(f"{error}: check channel_id") from None
        seen_at = parse_iso_time(state.get("uploads_seen_at"))
        newest: datetime | None = seen_at
        params = {"part": "snippet,contentDetails", "playlistId": playlist, "maxResults": PLAYLIST_PAGE}
        for page, token in self._paged("playlistItems", params, f"the uploads of channel {self.channel_id}"):
            posts: list[Item] = []
            reached_end = False
            for entry in as_list(page.get("items")):
                post = self._upload_post(as_dict(entry))
                if post is None:
                    continue
                published = post.created_at
                if (seen_at and published <= seen_at) or published < cutoff:
                    reached_end = True
                    continue
                posts.append(post)
                newest = max(newest, published) if newest else published
                record = state["videos"].setdefault(post.native_id, {})
                record["published"] = _iso(published)
            done = reached_end or not token
            if done and newest:
                state["uploads_seen_at"] = _iso(newest)
            yield Batch(items=posts, cursor=snapshot())
            if done:
                return

    def _listed_videos(self, state: dict, snapshot) -> Iterator[Batch]:
        """The videos named in `video_ids`, as posts (videos.list, 50 at a time)."""
        for start in range(0, len(self.video_ids), PLAYLIST_PAGE):
            chunk = self.video_ids[start : start + PLAYLIST_PAGE]
            page = self._get("videos", {"part": "snippet,statistics", "id": ",".join(chunk)}, "the listed videos")
            posts = []
            for video in as_list(page.get("items")):
                video = as_dict(video)
                video_id = as_id(video.get("id"))
                if not video_id:
                    continue
                snippet = as_dict(video.get("snippet"))
                entry = state["videos"].setdefault(video_id, {})
                published = parse_iso_time(snippet.get("publishedAt")) or parse_iso_time(entry.get("published"))
                if published is None:
                    published = datetime.fromtimestamp(self.clock(), UTC).replace(microsecond=0)
                entry["published"] = _iso(published)
                posts.append(
                    self._post(
                        video_id,
                        snippet,
                        published,
                        author_id=as_text(snippet.get("channelId")) or None,
                        author_name=as_text(snippet.get("channelTitle")) or None,
                        reply_count=as_int(as_dict(video.get("statistics")).get("commentCount")),
                    )
                )
            missing = [v for v in chunk if v not in {p.native_id for p in posts}]
            warnings = [f"YouTube video {v} was not found (private or deleted?); skipped" for v in missing]
            for video_id in missing:
                state["videos"].pop(video_id, None)
            yield Batch(items=posts, cursor=snapshot(), warnings=warnings)

    def _video_comments(self, video_id: str, entry: dict, snapshot) -> Iterator[Batch]:
        """Every comment thread of one video, a page per Batch; resumes at a saved pageToken."""
        video_key = item_key(KIND, video_id)
        video_time = parse_iso_time(entry.get("published")) or datetime.fromtimestamp(0, UTC)
        counts = as_dict(entry.get("replies"))
        rescan = bool(entry.get("scanned"))
        params = {
            "part": "snippet,replies",
            "videoId": video_id,
            "maxResults": COMMENT_PAGE,
            "textFormat": "html",
            "order": "time",
        }
        try:
            for page, token in self._paged(
                "commentThreads", params, f"the comments of video {video_id}", entry.get("page_token")
            ):
                items: list[Item] = []
                for thread in as_list(page.get("items")):
                    items.extend(self._thread(as_dict(thread), video_id, video_key, video_time, counts, rescan))
                entry["replies"] = dict(counts)
                entry["page_token"] = token
                if not token:
                    entry["scanned"] = True
                yield Batch(items=items, cursor=snapshot())
        except VideoUnavailable as error:
            entry["page_token"] = None
            entry["scanned"] = True
            entry["gone"] = error.gone
            yield Batch(items=[], cursor=snapshot(), warnings=[f"{error}; skipped"])

    def _thread(
        self, thread: dict, video_id: str, video_key: str, video_time: datetime, counts: dict, rescan: bool
    ) -> list[Item]:
        snippet = as_dict(thread.get("snippet"))
        top = as_dict(snippet.get("topLevelComment"))
        thread_id = as_id(thread.get("id")) or as_id(top.get("id"))
        if not thread_id:
            return []
        top = {**top, "id": as_id(top.get("id")) or thread_id}
        total = as_int(snippet.get("totalReplyCount"))
        included = [as_dict(c) for c in as_list(as_dict(thread.get("replies")).get("comments"))]
        top_item = self._comment(top, video_id, video_key, video_key, video_time, reply_count=total)
        if total is None or total <= len(included):
            replies = included
        elif rescan and counts.get(thread_id) == total:
            return [top_item]  # unchanged since it was last completed: its replies are stored
        else:
            replies = self._all_replies(thread_id)
            counts[thread_id] = total
        author = as_text(as_dict(top.get("snippet")).get("authorDisplayName"))
        parents = link_replies(thread_id, author, replies)
        items = [top_item]
        for reply in replies:
            reply_id = as_id(reply.get("id"))
            if not reply_id:
                continue
            parent_key = item_key(KIND, parents.get(reply_id, thread_id))
            items.append(self._comment(reply, video_id, video_key, parent_key, top_item.created_at))
        return items

    def _all_replies(self, thread_id: str) -> list[dict]:
        params = {"part": "snippet", "parentId": thread_id, "maxResults": COMMENT_PAGE, "textFormat": "html"}
        replies: list[dict] = []
        for page, _ in self._paged("comments", params, f"the replies to comment {thread_id}"):
            replies.extend(as_dict(c) for c in as_list(page.get("items")))
        return replies

    # -- mapping ----------------------------------------------------------

    def _upload_post(self, entry: dict) -> Item | None:
        snippet = as_dict(entry.get("snippet"))
        details = as_dict(entry.get("contentDetails"))
        video_id = as_id(details.get("videoId")) or as_id(as_dict(snippet.get("resourceId")).get("videoId"))
        published = parse_iso_time(details.get("videoPublishedAt")) or parse_iso_time(snippet.get("publishedAt"))
        if not video_id or published is None:
            return None
        return self._post(
            video_id,
            snippet,
            published,
            author_id=as_text(snippet.get("videoOwnerChannelId")) or as_text(snippet.get("channelId")) or self.channel_id,
            author_name=as_text(snippet.get("videoOwnerChannelTitle")) or as_text(snippet.get("channelTitle")) or None,
            is_council=True,
        )

    def _post(
        self, video_id, snippet, published, *, author_id, author_name, reply_count=None, is_council=False
    ) -> Item:
        title = as_text(snippet.get("title")).strip()
        return Item(
            kind=KIND,
            native_id=video_id,
            item_type="post",
            created_at=published,
            raw_text=as_text(snippet.get("description")) or title,
            title=title or None,
            author_id=author_id,
            author_name=author_name,
            url=f"{WATCH_URL}?v={video_id}",
            reply_count=reply_count,
            is_council=is_council or (self.channel_id is not None and author_id == self.channel_id),
        )

    def _comment(
        self, comment: dict, video_id: str, video_key: str, parent_key: str, fallback: datetime, reply_count=None
    ) -> Item:
        snippet = as_dict(comment.get("snippet"))
        comment_id = as_id(comment.get("id"))
        author_id = as_text(as_dict(snippet.get("authorChannelId")).get("value")) or None
        return Item(
            kind=KIND,
            native_id=comment_id,
            item_type="comment",
            created_at=parse_iso_time(snippet.get("publishedAt")) or fallback,
            raw_text=as_text(snippet.get("textDisplay")) or as_text(snippet.get("textOriginal")),
            thread_id=video_key,
            parent_id=parent_key,
            author_id=author_id,
            author_name=as_text(snippet.get("authorDisplayName")) or None,
            url=f"{WATCH_URL}?v={video_id}&lc={comment_id}",
            like_count=as_int(snippet.get("likeCount")),
            reply_count=reply_count,
            is_council=self.channel_id is not None and author_id == self.channel_id,
        )
