"""Which module collects which kind of source."""

from __future__ import annotations

import importlib

from collectors.config import SourceConfig
from collectors.errors import CollectorError

# kind -> "module:Class"; modules are imported only when a source of that kind runs.
COLLECTORS: dict[str, str] = {
    "rss": "collectors.rss:RssCollector",
    "guardian": "collectors.guardian:GuardianCollector",
    "reddit": "collectors.reddit:RedditCollector",
    "youtube": "collectors.youtube:YouTubeCollector",
    "facebook": "collectors.facebook:FacebookCollector",
    "instagram": "collectors.instagram:InstagramCollector",
    "mastodon": "collectors.mastodon:MastodonCollector",
    "bluesky": "collectors.bluesky:BlueskyCollector",
}


def collector_for(source: SourceConfig, http):
    """An instance of the collector for this source's kind."""
    target = COLLECTORS.get(source.kind)
    if target is None:
        raise CollectorError(f"collecting from {source.kind} is not supported yet")
    module_name, class_name = target.split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(source, http)
