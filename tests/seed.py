"""A realistic database for page tests and the browser test, built through the real code.

Items go in the way a collector run puts them (jobs.collect.item_row, then
store.items.upsert_items in a transaction, per source) and are scored and flagged
by jobs.scoring.score_pending. Every text comes from a pool whose VADER class is
known, so tests can work out what a page must show without asking the database.

What is in it (relative to `now`, over 75 days):
- four sources: council news (RSS mentions), the council's Mastodon account,
  a Reddit community and a Guardian discussion;
- a hostile pile-on under a council post two days ago: 20 public replies, 14 of
  them negative from 9 people within 3 hours, nested up to four levels, plus the
  council's own answer (not counted);
- a smaller flagged Reddit thread 12 days ago, and a flagged Guardian discussion
  45 days ago (outside the default 30-day window);
- quiet threads, and a Reddit comment carrying Markdown and HTML, stored
  verbatim, to prove the pages show it as text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from collectors.items import Item
from jobs.collect import item_row
from jobs.scoring import refresh_threads, score_pending
from settings.sources import SourceConfig
from store.db import connect, transaction
from store.items import items_frame, save_scores, upsert_items
from store.sources import sync_source

NEGATIVE = [
    "This is a disgrace. Fortnightly bins will mean rats everywhere.",
    "Absolutely useless council, you never listen to residents.",
    "Terrible decision, my bin is already overflowing and it stinks.",
    "Shameful. We pay more council tax and get worse service.",
    "Awful idea, fly tipping will get worse and you know it.",
    "Pathetic. Who signed this off? Resign.",
    "Another stupid cut, the streets are already filthy.",
    "Worst council in the country, no question.",
    "I am furious, nobody asked us about this.",
    "Horrible plan, the elderly will suffer.",
    "Ridiculous and unfair, cancel it now.",
    "Angry doesn't cover it, this is a terrible failure.",
    "The potholes on Station Road are dangerous and nobody fixes them.",
    "Still no reply about my missed collection, really poor service.",
    "Library closures are a sad loss for the town.",
]
POSITIVE = [
    "Great to see the park refurbished, thank you!",
    "Thanks to the crew who cleared the snow so quickly, brilliant work.",
    "Lovely event on Saturday, well done everyone.",
    "Really helpful staff at the library today, thanks.",
    "Good news for the high street, welcome investment.",
    "Happy with the new recycling bins, nice and sturdy.",
]
NEUTRAL = [
    "What day will collections be on for Elm Street?",
    "Council meeting agenda published for Tuesday.",
    "Planning application 24/0113 for the old depot site.",
    "Roadworks on the A34 from Monday to Friday.",
    "Which bin does cardboard go in now?",
    "Bus timetable changes from the first of next month.",
]
POOLS = {"negative": NEGATIVE, "positive": POSITIVE, "neutral": NEUTRAL}
# The abusive ones: in the flagged threads exactly these replies are marked hostile, whatever
# the hostile model says (its threshold moves with each model), since flag reasons count them.
HOSTILE = frozenset(NEGATIVE[i] for i in (0, 1, 5, 6, 10, 11))

# Stored exactly as written (not through the cleaner): the renderer must show it as text.
MARKDOWN_ATTACK = "**bold** <img src=http://example.invalid/x.png> [link](http://evil.invalid)"
MARKDOWN_AUTHOR = "[admin](http://evil.invalid) :red[**staff**] www.evil.invalid me@evil.invalid"

PILE_ON_POST = "From 1 March general waste will be collected fortnightly. Recycling stays weekly."
PILE_ON_REASON = (
    "14 of 20 replies negative (70 %), 6 hostile; 9 people behind them within 3 hours, busiest hour 7 replies; "
    "aimed at the council's post"
)
REDDIT_FLAGGED_TITLE = "Parking permit prices doubled overnight"
REDDIT_FLAGGED_REASON = "7 of 10 replies negative (70 %), 2 hostile; 5 people behind them within 40 minutes, busiest hour 7 replies"
GUARDIAN_FLAGGED_REASON = "6 of 9 replies negative (67 %), 3 hostile; 4 people behind them within 2 hours, busiest hour 4 replies"
COUNCIL_REPLY = (
    "Officers will be at the town hall drop-in on Thursday to answer your questions, "
    "thank you for your patience."
)

RSS = SourceConfig("Council news (RSS)", "rss", {"url": "http://127.0.0.1/news.xml"})
MASTODON = SourceConfig(
    "Mastodon @examplecouncil", "mastodon", {"account": "examplecouncil"},
    base_url="http://127.0.0.1", council_accounts=("examplecouncil",),
)
REDDIT = SourceConfig("Reddit r/examplecouncil", "reddit", {"subreddit": "examplecouncil"})
GUARDIAN = SourceConfig("Guardian: local comments", "guardian", {"discussions": ["/p/abc12"]})
SOURCES = (RSS, MASTODON, REDDIT, GUARDIAN)


class SeedError(RuntimeError):
    """The scoring model no longer sees the seed's threads as the seed intends."""


@dataclass
class SeededItem:
    key: str
    source: str
    created_at: datetime
    expected_class: str  # the class the scoring model gave it (read back after scoring)
    pool_class: str  # the pool its text came from
    is_council: bool
    thread_key: str | None
    text: str


@dataclass
class Seeded:
    path: Path
    now: datetime
    source_ids: dict[str, int] = field(default_factory=dict)
    items: list[SeededItem] = field(default_factory=list)
    pile_on_key: str = ""
    reddit_flagged_key: str = ""
    guardian_flagged_key: str = ""
    attack_thread_key: str = ""
    attack_key: str = ""
    quiet_thread_key: str = ""
    reasons: dict[str, str] = field(default_factory=dict)  # flagged thread key -> reason in words

    def public_items(self, start: datetime, end: datetime, sources: set[str] | None = None) -> list[SeededItem]:
        """Non-council items created in [start, end): what the overview counts."""
        return [
            i for i in self.items
            if not i.is_council and start <= i.created_at < end and (sources is None or i.source in sources)
        ]


class _Builder:
    def __init__(self, now: datetime, rng: random.Random):
        self.now = now
        self.rng = rng
        self.items: dict[str, list[tuple[Item, str]]] = {s.name: [] for s in SOURCES}
        self.counter = 0

    def add(self, source: SourceConfig, item_type: str, when: datetime, cls: str, *, text: str | None = None,
            thread: Item | None = None, parent: Item | None = None, author: str | None = None,
            title: str | None = None, title_only: bool = False) -> Item:
        self.counter += 1
        body = text if text is not None else self.rng.choice(POOLS[cls])
        item = Item(
            kind=source.kind,
            native_id=f"n{self.counter:05d}",
            item_type=item_type,  # type: ignore[arg-type]
            created_at=when.replace(tzinfo=UTC),
            raw_text="" if title_only else body,
            thread_id=thread.key if thread else None,
            parent_id=(parent or thread).key if thread else None,
            author_id=author,
            author_name=author,
            title=body if title_only else title,
            url=f"https://example.invalid/{source.kind}/{self.counter}",
        )
        self.items[source.name].append((item, cls))
        return item


def _pile_on(b: _Builder) -> Item:
    root_at = b.now - timedelta(hours=50)
    root = b.add(MASTODON, "post", root_at, "negative", text=PILE_ON_POST, author="examplecouncil")
    angry = [f"resident{n}" for n in range(1, 10)]
    # 14 negative replies from 9 people: the first reply at +10 min, the last at +3 h 10 min.
    negative_times = [root_at + timedelta(minutes=10 + round(m * 180 / 13)) for m in range(14)]
    negatives: list[Item] = []
    for n, when in enumerate(negative_times):
        # Early replies answer the post; later ones answer earlier replies, building depth.
        parent = None if n < 4 else negatives[{4: 0, 5: 4, 6: 5, 7: 1, 8: 7}.get(n, n - 3)]
        negatives.append(b.add(MASTODON, "comment", when, "negative", thread=root, parent=parent,
                               author=angry[n % 9], text=NEGATIVE[n % len(NEGATIVE)]))
    # The other six are thanks and praise: what counts as "neutral" differs between models,
    # so replies that decide a flag are clearly negative or clearly positive.
    for n in range(6):
        b.add(MASTODON, "comment", root_at + timedelta(minutes=25 + 31 * n), "positive", thread=root,
              parent=negatives[n] if n < 3 else None, author=f"neighbour{n % 3}")
    b.add(MASTODON, "comment", root_at + timedelta(hours=4), "positive", text=COUNCIL_REPLY,
          thread=root, parent=negatives[0], author="examplecouncil")
    return root


def _reddit_flagged(b: _Builder) -> Item:
    at = b.now - timedelta(days=12, hours=5)
    root = b.add(REDDIT, "post", at, "neutral", author="driver_dan", title=REDDIT_FLAGGED_TITLE,
                 text="Has anyone else had the letter about it?")
    people = [f"redditor{n}" for n in range(5)]
    for n in range(7):  # 0 .. 40 minutes after the first negative reply
        b.add(REDDIT, "comment", at + timedelta(minutes=20 + round(n * 40 / 6)), "negative", thread=root,
              author=people[n % 5], text=NEGATIVE[(n + 3) % len(NEGATIVE)])
    for n in range(3):
        b.add(REDDIT, "comment", at + timedelta(hours=2, minutes=n), "positive", thread=root, author=f"calm{n}")
    return root


def _guardian_flagged(b: _Builder) -> Item:
    at = b.now - timedelta(days=45)
    root = b.add(GUARDIAN, "post", at, "neutral", title="Council to close three libraries",
                 text="Planning application 24/0113 for the old depot site.", author="guardian")
    people = [f"commenter{n}" for n in range(4)]
    for n in range(6):  # one every 25 minutes: 2 h 5 min between the first and the last
        b.add(GUARDIAN, "comment", at + timedelta(minutes=60 + n * 25), "negative", thread=root,
              author=people[n % 4], text=NEGATIVE[(n + 6) % len(NEGATIVE)])
    for n in range(3):
        b.add(GUARDIAN, "comment", at + timedelta(hours=3 + n), "positive", thread=root, author=people[n])
    return root


def _background(b: _Builder, seeded: Seeded) -> None:
    rng = b.rng
    classes = ["negative", "neutral", "positive"]
    for day in range(75):
        base = b.now - timedelta(days=day)
        # Council news and press mentions: most days one or two headlines.
        for n in range(rng.choice([0, 1, 1, 2])):
            b.add(RSS, "mention", base - timedelta(hours=3 + 5 * n), rng.choice(classes), title_only=True)
        # Every fifth day the council posts; residents answer.
        if day % 5 == 2:
            post = b.add(MASTODON, "post", base - timedelta(hours=9), "positive", author="examplecouncil")
            for n in range(rng.randint(1, 4)):
                b.add(MASTODON, "comment", base - timedelta(hours=8 - n), rng.choice(classes), thread=post,
                      author=f"local{rng.randint(1, 30)}")
        # Residents' own Reddit threads every third day.
        if day % 3 == 1:
            post = b.add(REDDIT, "post", base - timedelta(hours=6), rng.choice(classes), author=f"user{day}",
                         title=f"Question about services ({day})")
            for n in range(rng.randint(0, 3)):
                b.add(REDDIT, "comment", base - timedelta(hours=5 - n), rng.choice(classes), thread=post,
                      author=f"user{rng.randint(100, 140)}")

    quiet = b.add(REDDIT, "post", b.now - timedelta(days=4), "positive", author="gardener",
                  title="Ideas for the new community garden?", text="Lovely event on Saturday, well done everyone.")
    b.add(REDDIT, "comment", b.now - timedelta(days=4) + timedelta(hours=1), "neutral", thread=quiet,
          author="helper1", text="Which bin does cardboard go in now?")
    attack = b.add(REDDIT, "comment", b.now - timedelta(days=4) + timedelta(hours=2), "positive",
                   thread=quiet, author=MARKDOWN_AUTHOR, text=MARKDOWN_ATTACK)
    seeded.attack_thread_key, seeded.attack_key = quiet.key, attack.key
    seeded.quiet_thread_key = quiet.key


def seed_database(path: str | Path, now: datetime | None = None, seed: int = 7) -> Seeded:
    """Fill a new database file at `path`; returns what was put in, for tests to check against."""
    path = Path(path)
    now = now or datetime.now(UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    seeded = Seeded(path=path, now=now)
    builder = _Builder(now, random.Random(seed))
    seeded.pile_on_key = _pile_on(builder).key
    seeded.reddit_flagged_key = _reddit_flagged(builder).key
    seeded.guardian_flagged_key = _guardian_flagged(builder).key
    _background(builder, seeded)

    collected_at = now
    for source in SOURCES:
        with connect(path) as con, transaction(con):
            source_id = sync_source(con, source.name, source.kind, source.as_dict())
            rows = []
            for item, cls in builder.items[source.name]:
                row = item_row(item, source, source_id, collected_at)
                if item.raw_text == MARKDOWN_ATTACK:
                    row["text"] = MARKDOWN_ATTACK  # as if a cleaner let it through
                rows.append(row)
                seeded.items.append(SeededItem(
                    key=item.key, source=source.name, created_at=row["created_at"], expected_class=cls,
                    pool_class=cls,
                    is_council=row["is_council"], thread_key=item.thread_id or (item.key if item.item_type == "post" else None),
                    text=row["text"],
                ))
            upsert_items(con, items_frame(rows))
        seeded.source_ids[source.name] = source_id
    score_pending(path)
    _mark_hostile(seeded)
    _read_back(seeded)
    return seeded


def _mark_hostile(seeded: Seeded) -> None:
    """In the flagged threads, exactly the HOSTILE replies are hostile (saved as scores are, then re-flagged)."""
    flagged = [seeded.pile_on_key, seeded.reddit_flagged_key, seeded.guardian_flagged_key]
    with connect(seeded.path) as con, transaction(con):
        scores = con.execute(
            """SELECT s.*, i.text AS _text FROM scores s JOIN items i ON i.key = s.item_key
               WHERE i.thread_id IN (SELECT unnest(?::VARCHAR[]))""",
            [flagged],
        ).df()
        scores["hostile"] = scores.pop("_text").isin(HOSTILE)
        save_scores(con, scores, seeded.now)
    refresh_threads(seeded.path, flagged)


def _read_back(seeded: Seeded) -> None:
    """Take each item's class from the store, and check the flags are the ones the seed is built for.

    Classes of plain factual texts differ between models, so counts follow what was
    stored; the flagged threads are built from texts every model tried agrees on,
    and their reasons must be exactly the documented ones.
    """
    with connect(seeded.path, read_only=True) as con:
        classes = dict(con.execute("SELECT item_key, feedback_class FROM scores").fetchall())
        flagged = dict(con.execute("SELECT thread_key, flag_reasons FROM threads WHERE flagged").fetchall())
    for item in seeded.items:
        item.expected_class = classes.get(item.key, "unscored")
    seeded.reasons = flagged
    intended = {
        seeded.pile_on_key: PILE_ON_REASON,
        seeded.reddit_flagged_key: REDDIT_FLAGGED_REASON,
        seeded.guardian_flagged_key: GUARDIAN_FLAGGED_REASON,
    }
    if flagged != intended:
        raise SeedError(
            f"the scoring model flags the seed's threads differently: expected {intended}, got {flagged}; "
            "adjust the pools in tests/seed.py so their texts are unambiguous for the shipped model"
        )
