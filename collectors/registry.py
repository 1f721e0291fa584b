"""Every kind of source: its collector, and the sources.toml keys it declares."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from collectors import bluesky, facebook, guardian, instagram, mastodon, reddit, rss, youtube
from collectors.errors import CollectorError
from collectors.trust import check_source_url
from settings import sources as source_settings
from settings.sources import SourceConfig, SourceKind, SourcesFile

COLLECTORS = {
    rss.KIND: rss.RssCollector,
    guardian.KIND: guardian.GuardianCollector,
    mastodon.KIND: mastodon.MastodonCollector,
    bluesky.KIND: bluesky.BlueskyCollector,
    reddit.KIND: reddit.RedditCollector,
    youtube.KIND: youtube.YouTubeCollector,
    facebook.KIND: facebook.FacebookCollector,
    instagram.KIND: instagram.InstagramCollector,
}
# Every address a source declares (url, base_url, auth_url, ...) is checked when sources.toml or the
# Sources form is read, so a source can never name an address collectors may not reach (issue 16).
KINDS: dict[str, SourceKind] = {
    module.SOURCE.kind: replace(module.SOURCE, check_address=check_source_url)
    for module in (rss, guardian, mastodon, bluesky, reddit, youtube, facebook, instagram)
}


def load_sources(path: str | Path | None = None) -> list[SourceConfig]:
    """The sources in the file (default: $PULSE_CONFIG, else sources.toml), each checked against its kind."""
    return source_settings.load_sources(path, KINDS)


def load_sources_file(path: str | Path | None = None) -> SourcesFile:
    """load_sources, and whether the file is still the example (its `example = true`)."""
    return source_settings.load_sources_file(path, KINDS)


def collector_for(source: SourceConfig, http):
    """An instance of the collector for this source's kind."""
    collector = COLLECTORS.get(source.kind)
    if collector is None:
        raise CollectorError(f"collecting from {source.kind} is not supported yet")
    return collector(source, http)
