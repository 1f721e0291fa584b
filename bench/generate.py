"""Realistic synthetic data for the benchmarks, at any size, the same for the same seed.

What it makes, per source (one per kind, shares below):
- threads: a post (the council's own on most platforms) followed by comments whose
  count is heavy-tailed (most posts draw a handful, a few draw thousands), in reply
  trees of varied depth (flat on YouTube and Facebook, deep on Reddit and the Guardian);
  news mentions (rss) are single items with a headline;
- comments whose length follows news comments: log-normal, median about 70 words,
  a long tail to a couple of thousand; tone and service area vary (negative,
  constructive, neutral, positive; bins, potholes, parking, council tax, ...);
- many authors with heavy-tailed activity (a few regulars write a large share);
- 12 months of timestamps ending at END, replies following their post within hours;
- raw text as each platform sends it: HTML with entities and links (Guardian,
  Mastodon, YouTube), plain text elsewhere.

`SyntheticCollector` yields `collectors.items.Batch`es of `Item`s page by page, so a
benchmark drives the real runner and store (`jobs.collect.collect_source(...,
collector=...)`). Like the real collectors it honours its cursor: on a second run
over an unchanged source it re-reads only its newest threads (`rerun="lookback"`),
or, to model a source without any cursor, everything (`rerun="all"`).

Every thread is made from its own seeded generator, so any thread can be made again
without making the ones before it.

    python bench/generate.py --items 10000 [--seed 7]   prints what it made
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collectors.items import Batch, Item  # noqa: E402
from settings.sources import SourceConfig  # noqa: E402

END = datetime(2026, 11, 27, 18, 0)
DAYS = 365
PAGE_SIZE = 100  # items per page, as most platform APIs send them
LOOKBACK_THREADS = 20  # newest threads a collector re-reads on a run with nothing new
COUNCIL_ACCOUNT = "kingsmerecouncil"


@dataclass(frozen=True)
class SourcePlan:
    name: str
    kind: str
    share: float  # of all items
    html: bool  # raw text arrives as HTML
    max_depth: int  # deepest reply level the platform keeps
    council_posts: float  # share of threads started by the council
    mean_comments: float  # median comments per post (log-normal)


SOURCES = [
    SourcePlan("Facebook: Kingsmere Council", "facebook", 0.34, False, 2, 1.0, 12.0),
    SourcePlan("Reddit: r/kingsmere", "reddit", 0.16, False, 10, 0.05, 8.0),
    SourcePlan("Guardian comments", "guardian", 0.14, True, 8, 0.0, 40.0),
    SourcePlan("YouTube: Kingsmere Council", "youtube", 0.10, True, 2, 1.0, 6.0),
    SourcePlan("Mastodon: @kingsmere", "mastodon", 0.08, True, 6, 0.9, 4.0),
    SourcePlan("Bluesky: kingsmere.gov.uk", "bluesky", 0.08, False, 6, 0.9, 4.0),
    SourcePlan("News mentions", "rss", 0.10, True, 0, 0.0, 0.0),
]

AREAS = {
    "bins": ["bins", "bin collection", "recycling", "the brown bin", "fly-tipping", "the tip"],
    "roads": ["potholes", "the roadworks", "the resurfacing", "the gritting", "street lights", "the pavement"],
    "parking": ["parking permits", "the car park charges", "parking fines", "the new yellow lines"],
    "tax": ["council tax", "the budget", "the precept", "the cuts", "the consultants' fees"],
    "housing": ["the housing list", "temporary accommodation", "damp in council flats", "repairs"],
    "planning": ["the planning application", "the new estate", "the flats on the high street"],
    "schools": ["school transport", "SEND provision", "school places", "the nursery"],
    "parks": ["the park", "the play area", "the library", "the leisure centre", "the swimming pool"],
    "care": ["adult social care", "the care home", "home care visits", "the day centre"],
}
STREETS = ["Mill Lane", "Station Road", "Church Street", "Victoria Avenue", "Park Road", "the High Street",
           "Orchard Close", "Kings Road", "Albert Terrace", "Meadow Way", "Brook Street", "the ring road"]
NEGATIVE = [
    "{thing} on {street} is a disgrace and nobody at the council cares.",
    "Absolutely useless, {thing} has been broken for {n} weeks.",
    "I am sick of paying for {thing} that never works.",
    "Another shambles, the worst council I have ever lived under.",
    "Pathetic response about {thing}, again.",
    "This is a joke, {thing} is awful and the staff are rude.",
    "Nobody answers the phone and {thing} is still terrible.",
    "Shameful waste of money on {thing} while {other} falls apart.",
    "Disgusting state of {street}, rubbish everywhere.",
    "They lied about {thing} and people are angry.",
]
CONSTRUCTIVE = [
    "It would help if {thing} on {street} was checked every {n} days.",
    "Could you please publish the schedule for {thing} online so residents can plan?",
    "Suggestion: move {thing} to the Saturday and tell people a week in advance.",
    "Why not ask residents on {street} before changing {thing}? A short survey would do.",
    "If the council fixed the drainage first, {thing} would not keep failing.",
    "Please add a bin by the bus stop on {street}, it would stop the litter.",
    "A text reminder the day before {thing} would save a lot of missed collections.",
    "Consider a trial on {street} for {n} months and report back on {thing}.",
]
NEUTRAL = [
    "Does anyone know when {thing} starts on {street}?",
    "The meeting about {thing} is on {day} at {n} pm.",
    "Is {thing} affected by the bank holiday?",
    "Which department deals with {thing} these days?",
    "I think {thing} is covered on the council website under services.",
    "My neighbour on {street} asked about {thing} as well.",
    "They said {thing} would be reviewed in {n} weeks.",
]
POSITIVE = [
    "Thank you to the crew who sorted {thing} on {street}, brilliant work.",
    "Great to see {thing} finally fixed, well done.",
    "The staff at {thing} were really helpful and kind.",
    "Lovely improvement to {street}, thanks everyone.",
    "Good news about {thing}, credit where it is due.",
]
FILLER = ("honestly", "again", "as usual", "to be fair", "frankly", "at the moment", "this year",
          "for my family", "round here", "every single time", "as far as I can tell", "in my view")
DAYS_OF_WEEK = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
TONES = [(NEGATIVE, 0.40), (CONSTRUCTIVE, 0.20), (NEUTRAL, 0.25), (POSITIVE, 0.15)]
POSTS = [
    "Update on {thing}: work on {street} starts on {day}.",
    "Have your say on {thing}: the consultation is open for {n} weeks.",
    "Reminder: {thing} changes from {day}. Details on our website.",
    "We have listened to residents about {thing} and here is what happens next.",
]
HEADLINES = [
    "Kingsmere council under fire over {thing}",
    "Residents of {street} angry at {thing}",
    "Council promises review of {thing}",
    "Kingsmere praised for {thing}",
]


def words_wanted(rng: random.Random) -> int:
    """A comment's length in words: log-normal, median ~70, long tail, 1..2500."""
    return max(1, min(2500, int(rng.lognormvariate(math.log(70), 0.85))))


def sentence(rng: random.Random, pool: list[str], area: str) -> str:
    things = AREAS[area]
    text = rng.choice(pool).format(
        thing=rng.choice(things), other=rng.choice(AREAS[rng.choice(list(AREAS))]),
        street=rng.choice(STREETS), n=rng.randint(2, 12), day=rng.choice(DAYS_OF_WEEK),
    )
    if rng.random() < 0.35:
        text = f"{rng.choice(FILLER).capitalize()}, {text[0].lower()}{text[1:]}"
    return text


def comment_text(rng: random.Random) -> str:
    """Several sentences, mostly of one tone and one service area, about as long as a news comment."""
    pools, weights = zip(*TONES)
    main = rng.choices(pools, weights)[0]
    area = rng.choice(list(AREAS))
    wanted = words_wanted(rng)
    parts, count = [], 0
    while count < wanted:
        pool = main if rng.random() < 0.75 else rng.choices(pools, weights)[0]
        part = sentence(rng, pool, area if rng.random() < 0.8 else rng.choice(list(AREAS)))
        parts.append(part)
        count += part.count(" ") + 1
    return " ".join(parts)


def as_html(text: str, rng: random.Random) -> str:
    """Text as Guardian/Mastodon/YouTube send it: paragraphs, entities, the odd link."""
    sentences = text.replace("&", "&amp;").replace("'", "&#39;").split(". ")
    paragraphs, size = [], max(1, len(sentences) // rng.randint(1, 3))
    for start in range(0, len(sentences), size):
        paragraphs.append("<p>" + ". ".join(sentences[start : start + size]) + "</p>")
    if rng.random() < 0.1:
        paragraphs.append('<p><a href="https://www.kingsmere.gov.uk/services/report" rel="nofollow">report it here</a></p>')
    return "".join(paragraphs)


class ThreadMaker:
    """The items of one source's threads; thread t is the same every time it is made."""

    def __init__(self, plan: SourcePlan, index: int, items: int, seed: int, authors: int):
        self.plan, self.index, self.seed, self.authors = plan, index, seed, authors
        rng = np.random.default_rng([seed, index])
        if plan.kind == "rss":
            sizes = np.ones(items, dtype=np.int64)
        else:  # 1 post + heavy-tailed comments, until the source's share is reached
            guess = max(1, int(items / (plan.mean_comments * 2.2)) + 16)
            sizes = np.empty(0, dtype=np.int64)
            while sizes.sum() < items:
                draw = rng.lognormal(math.log(plan.mean_comments), 1.3, guess)
                sizes = np.concatenate([sizes, 1 + np.minimum(draw.astype(np.int64), 5000)])
            cut = int(np.searchsorted(np.cumsum(sizes), items))
            sizes = sizes[: cut + 1].copy()
            sizes[-1] -= int(sizes.sum() - items)
            sizes = sizes[sizes > 0]
        self.sizes = sizes
        # Post times over the year, a little busier towards the end (growth), in order.
        offsets = np.sort(rng.power(1.3, len(sizes))) * DAYS * 86_400
        self.starts = [END - timedelta(days=DAYS) + timedelta(seconds=float(s)) for s in offsets]

    @property
    def threads(self) -> int:
        return len(self.sizes)

    def author(self, rng: random.Random) -> int:
        # P(index < k) = (k / authors) ** (1/3): the top 1% write about a fifth of everything.
        return int(self.authors * rng.random() ** 3)

    def thread(self, t: int) -> list[Item]:
        plan = self.plan
        rng = random.Random(self.seed * 1_000_003 + self.index * 10_007 + t)
        start = self.starts[t]
        text_of = (lambda s: as_html(s, rng)) if plan.html else (lambda s: s)
        if plan.kind == "rss":
            area = rng.choice(list(AREAS))
            title = rng.choice(HEADLINES).format(thing=rng.choice(AREAS[area]), street=rng.choice(STREETS))
            return [Item(
                kind="rss", native_id=f"news-{self.index}-{t}", item_type="mention", created_at=start,
                raw_text=text_of(comment_text(rng)), title=title, author_name="Kingsmere Gazette",
                url=f"https://news.example.org/{t}", lang="en",
            )]
        post_id = f"{self.index}-{t}"
        post_key = f"{plan.kind}:{post_id}"
        council = rng.random() < plan.council_posts
        area = rng.choice(list(AREAS))
        post_text = sentence(rng, POSTS, area) if council else comment_text(rng)
        author = COUNCIL_ACCOUNT if council else f"u{self.author(rng)}"
        items = [Item(
            kind=plan.kind, native_id=post_id, item_type="post", created_at=start,
            raw_text=text_of(post_text), author_id=author, author_name=author,
            title=sentence(rng, HEADLINES, area) if plan.kind in ("reddit", "guardian") else None,
            url=f"https://{plan.kind}.example.com/{post_id}", lang="en",
            like_count=rng.randint(0, 400), reply_count=int(self.sizes[t]) - 1, is_council=council,
        )]
        depth = {post_key: 0}
        keys = [post_key]
        when = start
        for c in range(int(self.sizes[t]) - 1):
            when = when + timedelta(seconds=rng.expovariate(1 / 1800))
            # Most reply to the post; the rest to a recent comment (deeper trees), within the platform's depth.
            parent = post_key
            if len(keys) > 1 and rng.random() < 0.45:
                candidate = keys[max(1, len(keys) - 1 - int(rng.expovariate(1 / 6)))]
                if depth[candidate] < plan.max_depth:
                    parent = candidate
            key = f"{plan.kind}:{post_id}-{c}"
            depth[key] = depth[parent] + 1
            keys.append(key)
            replier = COUNCIL_ACCOUNT if council and rng.random() < 0.03 else f"u{self.author(rng)}"
            items.append(Item(
                kind=plan.kind, native_id=f"{post_id}-{c}", item_type="comment", created_at=when,
                raw_text=text_of(comment_text(rng)), thread_id=post_key, parent_id=parent,
                author_id=replier, author_name=replier.capitalize(), lang="en",
                like_count=rng.randint(0, 60), is_council=replier == COUNCIL_ACCOUNT,
            ))
        return items


def sources_for(items: int, seed: int = 7) -> list[tuple[SourceConfig, ThreadMaker]]:
    """Every synthetic source with its thread maker, the shares adding up to `items` exactly."""
    authors = max(500, items // 6)
    counts = [int(items * plan.share) for plan in SOURCES]
    counts[0] += items - sum(counts)
    made = []
    for index, (plan, count) in enumerate(zip(SOURCES, counts)):
        if count <= 0:
            continue
        config = SourceConfig(
            name=plan.name, kind=plan.kind, options={"synthetic": True},
            council_accounts=(COUNCIL_ACCOUNT,),
        )
        made.append((config, ThreadMaker(plan, index, count, seed, authors)))
    return made


class SyntheticCollector:
    """A collector over one synthetic source, used through jobs.collect.collect_source.

    `fetch(cursor)` yields pages of PAGE_SIZE items. The cursor records how many
    threads were read; with nothing new, a run re-reads the newest LOOKBACK_THREADS
    threads (as the Facebook, Mastodon and Bluesky collectors re-read recent
    posts' comments), or every thread with rerun="all". `making_s` is the time
    spent making items up, which a benchmark subtracts (it stands for the network).
    """

    def __init__(self, maker: ThreadMaker, rerun: str = "lookback", page_size: int = PAGE_SIZE):
        self.maker, self.rerun, self.page_size = maker, rerun, page_size
        self.making_s = 0.0
        self.sent = 0

    def fetch(self, cursor: dict) -> Iterator[Batch]:
        read = int(cursor.get("threads_read", 0))
        total = self.maker.threads
        if read >= total:
            first = 0 if self.rerun == "all" else max(0, total - LOOKBACK_THREADS)
        else:
            first = read
        page: list[Item] = []
        for t in range(first, total):
            began = time.perf_counter()
            page.extend(self.maker.thread(t))
            self.making_s += time.perf_counter() - began
            while len(page) >= self.page_size:
                yield self._batch(page[: self.page_size], t if len(page) > self.page_size else t + 1)
                page = page[self.page_size :]
        if page or first == total:
            yield self._batch(page, total)

    def _batch(self, items: list[Item], threads_read: int) -> Batch:
        self.sent += len(items)
        return Batch(items=items, cursor={"threads_read": threads_read})


def texts(items: int, seed: int = 7) -> Iterator[tuple[str, str, str | None]]:
    """(key, clean text, clean title) of every item, in collection order: what scoring reads."""
    from jobs.collect import item_row

    for source, maker in sources_for(items, seed):
        for t in range(maker.threads):
            for item in maker.thread(t):
                row = item_row(item, source, 0, END)
                yield row["key"], row["text"], row["title"]


def frames(items: int, seed: int = 7, size: int = 10_000):
    """The same items as typed frames for store.items.upsert_items, `size` rows at a time."""
    from jobs.collect import item_row
    from store.items import items_frame

    rows = []
    for index, (source, maker) in enumerate(sources_for(items, seed), start=1):
        for t in range(maker.threads):
            rows.extend(item_row(item, source, index, END) for item in maker.thread(t))
            if len(rows) >= size:
                yield items_frame(rows)
                rows = []
    if rows:
        yield items_frame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make synthetic items and print what they look like.")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    words, threads, depths, authors, per_source = [], 0, [], {}, {}
    for source, maker in sources_for(args.items, args.seed):
        threads += maker.threads
        for t in range(maker.threads):
            items = maker.thread(t)
            level = {}
            for item in items:
                key = item.key
                level[key] = level.get(item.parent_id, -1) + 1 if item.parent_id else 0
                depths.append(level[key])
                authors[item.author_id] = authors.get(item.author_id, 0) + 1
                words.append(len(item.raw_text.split()))
            per_source[source.name] = per_source.get(source.name, 0) + len(items)
    elapsed = time.perf_counter() - began
    counts = np.array(sorted(authors.values(), reverse=True))
    top = counts[: max(1, len(counts) // 100)].sum() / counts.sum()
    words_a = np.array(words)
    print(f"{len(words):,} items in {threads:,} threads made in {elapsed:.1f} s")
    print("per source: " + ", ".join(f"{k} {v:,}" for k, v in per_source.items()))
    print(f"words per item: median {np.median(words_a):.0f}, p90 {np.percentile(words_a, 90):.0f}, "
          f"p99 {np.percentile(words_a, 99):.0f}, max {words_a.max()}")
    print(f"reply depth: max {max(depths)}, share deeper than 1: {np.mean(np.array(depths) > 1):.1%}")
    print(f"authors: {len(counts):,}; the most active 1% wrote {top:.0%}")
    print(f"largest thread: {max(m.sizes.max() for _, m in sources_for(args.items, args.seed)):,} items")
    return 0


if __name__ == "__main__":
    sys.exit(main())
