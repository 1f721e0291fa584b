"""The Monday briefing's content: the week's numbers against last week and the four weeks before, in
figures and in words, the threads that mattered, spikes, what people talked about, suggestions worth
acting on and how fast officers responded.

Pure: frames in (what jobs.briefing read from the store), a `Briefing` out, which
analysis.briefing_html lays out as HTML (the file, the PDF and the email all come from it).
Weeks are ISO weeks in London time, as in the weekly export. Shares are of the scored public
items; "the four-week average" is the average of the four weeks before this one (a share is
pooled over them: their negative items over their scored items).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import quote

import pandas as pd

from analysis.export import parse_iso_week
from analysis.palette import CLASS_LABELS
from analysis.phrases import name_words, rising_phrases
from analysis.reply_effect import reply_effects
from analysis.volumes import NO_AREA
from settings.clock import LONDON

WEEKS_BEFORE = 4
TOP_THREADS = 5
SUGGESTION_AREAS = 4
SUGGESTIONS_PER_AREA = 2
QUOTE_CHARS = 280
MOVER_MIN_CHANGE = 5  # a channel or service area needs this many more (or fewer) negative items to be news
STATUS_WORDS = {"new": "New", "acknowledged": "Acknowledged", "in_progress": "In progress",
                "responded": "Responded", "closed": "Closed"}


@dataclass(frozen=True)
class ThreadNote:
    post: str  # the public's words (escaped when shown)
    source: str
    reason: str
    score: float
    status: str
    assignee: str
    reply: str  # whether our reply helped, in words
    link: str | None


@dataclass(frozen=True)
class Quote:
    text: str  # the public's words (escaped when shown)
    where: str  # channel and day, never the person


@dataclass
class Briefing:
    week: str
    heading: str  # "Week 48: Monday 23 to Sunday 29 November 2026"
    headlines: list[str]
    figures: pd.DataFrame  # the week in numbers: Measure, This week, Last week, Change, 4-week average, vs average
    channels: pd.DataFrame  # per channel, with a Total row
    areas: pd.DataFrame  # per service area, with a Total row
    daily: pd.DataFrame  # day (London date), feedback_class, items: the daily chart
    channel_classes: pd.DataFrame  # source, feedback_class, items: the channel x class chart
    threads: list[ThreadNote]
    thread_links_note: str | None  # why threads have no link, when they have none
    spikes: list[str]
    phrases: dict[str, pd.DataFrame]  # 'negative' / 'constructive' -> analysis.phrases.rising_phrases
    suggestions: list[tuple[str, list[Quote]]]  # service area -> quotes
    response: list[str]
    demo: bool = False
    notes: list[str] = field(default_factory=list)


# --- Weeks ---------------------------------------------------------------------------------


def iso_week_of(day: date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def canonical_week(text: str) -> str:
    """'2026w48', ' 2026-W48 ' -> '2026-W48' (a bad week is a WeekError)."""
    start, _ = parse_iso_week(text)
    return iso_week_of(pd.Timestamp(start).tz_localize("UTC").tz_convert(LONDON).date())


def weeks_up_to(week: str, before: int = WEEKS_BEFORE) -> list[str]:
    """The `before` ISO weeks before `week`, oldest first, then `week` itself."""
    year, number = canonical_week(week).split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    return [iso_week_of(monday - timedelta(weeks=n)) for n in range(before, 0, -1)] + [week]


def london_weeks(stamps: pd.Series) -> pd.Series:
    """Naive-UTC timestamps -> their ISO week in London time ('2026-W48')."""
    if stamps.empty:
        return pd.Series([], index=stamps.index, dtype=object)
    local = pd.to_datetime(stamps).dt.tz_localize("UTC").dt.tz_convert(LONDON)
    iso = local.dt.isocalendar()
    return iso["year"].astype(str) + "-W" + iso["week"].astype(int).map("{:02d}".format)


def heading(week: str) -> str:
    year, number = week.split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    sunday = monday + timedelta(days=6)
    first = f"{monday:%A} {monday.day}" + ("" if monday.month == sunday.month else f" {monday:%B}")
    return f"Week {int(number)}: {first} to {sunday:%A} {sunday.day} {sunday:%B %Y}"


# --- Counting --------------------------------------------------------------------------------


MEASURES = ("items", "scored", "negative", "constructive", "hostile", "opened", "closed")


def weekly_counts(items: pd.DataFrame, events: pd.DataFrame, weeks: list[str], by: str | None) -> pd.DataFrame:
    """Per week (and group, when `by` is 'source' or 'service_area'): MEASURES counted from the public's
    items (`items`: store.export.items_between with a `week` column) and flag events (`events`:
    store.triage.flag_events_between with a `week` column). Index (week[, group]); zeros where nothing."""
    public = items[~items["is_council"].astype(bool)]
    frame = pd.DataFrame({
        "week": public["week"],
        "group": _groups(public, by),
        "items": 1,
        "scored": public["feedback_class"].notna().astype(int),
        "negative": (public["feedback_class"] == "negative").astype(int),
        "constructive": (public["feedback_class"] == "constructive").astype(int),
        "hostile": public["hostile"].fillna(False).astype(bool).astype(int),
    })
    counts = frame.groupby(["week", "group"])[list(MEASURES[:5])].sum()
    flags = pd.DataFrame({"week": events["week"], "group": _groups(events, by), "event": events["event"]})
    for event, name in (("opened", "opened"), ("closed", "closed")):
        counts[name] = flags[flags["event"] == event].groupby(["week", "group"]).size()
    groups = sorted(set(counts.index.get_level_values("group")) | set(flags["group"]), key=_group_order)
    grid = pd.MultiIndex.from_product([weeks, groups or ["All"]], names=["week", "group"])
    out = counts.reindex(grid).fillna(0).astype("int64")
    for name in MEASURES:
        if name not in out:
            out[name] = 0
    return out[list(MEASURES)]


def _groups(frame: pd.DataFrame, by: str | None) -> pd.Series:
    if by is None or frame.empty:
        return pd.Series("All", index=frame.index, dtype=object)
    values = frame[by]
    return values.astype(object).where(values.notna(), NO_AREA).astype(str)


def _group_order(name: str) -> tuple[int, str]:
    return (name == NO_AREA, name.lower())


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


# --- Words and figures -----------------------------------------------------------------------


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(100 * value)}%"


def count_change(now: float, before: float) -> str:
    """'+12 (+8%)', '−3 (−50%)', '+5 (none before)', 'no change'."""
    diff = now - before
    if round(diff, 1) == 0:
        return "no change"
    sign = "+" if diff > 0 else "−"
    amount = f"{abs(diff):,.0f}" if float(diff).is_integer() else f"{abs(diff):,.1f}"
    if not before:
        return f"{sign}{amount} (none before)"
    return f"{sign}{amount} ({sign}{abs(diff) / before:.0%})"


def points_change(now: float | None, before: float | None) -> str:
    """A change of share in percentage points: '+6 points', 'no change', '–' when either is unknown."""
    if now is None or before is None:
        return "–"
    diff = round(100 * (now - before))
    if diff == 0:
        return "no change"
    return f"{'+' if diff > 0 else '−'}{abs(diff)} points"


def average_words(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def movement(now: float, before: float) -> str:
    """How a count moved, in words: 'doubled', 'more than tripled', 'rose by 40%', 'halved', 'fell by 30%'."""
    if before == 0:
        return "appeared" if now else "stayed at none"
    ratio = now / before
    if ratio >= 3.5:
        return f"rose {ratio:.0f}-fold"
    if ratio >= 2.8:
        return "tripled"
    if ratio >= 2.25:
        return "more than doubled"
    if ratio >= 1.85:
        return "doubled"
    if ratio > 1:
        return f"rose by {ratio - 1:.0%}"
    if ratio == 1:
        return "held steady"
    if ratio <= 0.35:
        return f"fell by {1 - ratio:.0%}"
    if ratio <= 0.55:
        return "halved"
    return f"fell by {1 - ratio:.0%}"


def plural(count: float, one: str, many: str | None = None) -> str:
    return f"{count:,.0f} {one if count == 1 else (many or one + 's')}"


# --- The week in numbers ---------------------------------------------------------------------


def figures_table(counts: pd.DataFrame, weeks: list[str]) -> pd.DataFrame:
    """The week in numbers: this week, last week, change, four-week average, against the average."""
    totals = counts.groupby(level="week").sum().reindex(weeks)
    now, last, earlier = totals.iloc[-1], totals.iloc[-2], totals.iloc[:-1]
    rows = []
    for label, name in (("Public posts, comments and mentions", "items"), ("Hostile items", "hostile"),
                        ("Flagged threads opened", "opened"), ("Flagged threads closed", "closed")):
        average = float(earlier[name].mean())
        rows.append([label, f"{now[name]:,}", f"{last[name]:,}", count_change(now[name], last[name]),
                     average_words(average), count_change(now[name], average)])
    for label, name in (("Share negative", "negative"), ("Share constructive", "constructive")):
        current, previous = _share(now[name], now["scored"]), _share(last[name], last["scored"])
        pooled = _share(earlier[name].sum(), earlier["scored"].sum())
        rows.insert(1 if name == "negative" else 2, [
            label, percent(current), percent(previous), points_change(current, previous), percent(pooled),
            points_change(current, pooled)])
    return pd.DataFrame(rows, columns=["Measure", "This week", "Last week", "Change", "4-week average",
                                       "Against the average"])


def group_table(counts: pd.DataFrame, weeks: list[str], label: str) -> pd.DataFrame:
    """One row per channel or service area (and a Total that adds up): items now and their change,
    negative and constructive shares and their change, hostile items, flagged threads opened."""
    rows = []
    for group, frame in counts.groupby(level="group", sort=False):
        per_week = frame.droplevel("group").reindex(weeks)
        now, last = per_week.iloc[-1], per_week.iloc[-2]
        if not (now["items"] or last["items"] or per_week["items"].sum()):
            continue
        rows.append(_group_row(group, now, last, per_week.iloc[:-1]))
    totals = counts.groupby(level="week").sum().reindex(weeks)
    table = pd.DataFrame(rows, columns=[label, *GROUP_COLUMNS])
    total = pd.DataFrame([_group_row("Total", totals.iloc[-1], totals.iloc[-2], totals.iloc[:-1])],
                         columns=[label, *GROUP_COLUMNS])
    return pd.concat([table, total], ignore_index=True)


GROUP_COLUMNS = ["Items", "vs last week", "4-week average", "Negative", "vs last week ", "Constructive", "Hostile",
                 "Flagged"]


def _group_row(group: str, now: pd.Series, last: pd.Series, earlier: pd.DataFrame) -> list:
    negative, negative_before = _share(now["negative"], now["scored"]), _share(last["negative"], last["scored"])
    return [group, f"{now['items']:,}", count_change(now["items"], last["items"]),
            average_words(float(earlier["items"].mean())), percent(negative), points_change(negative, negative_before),
            percent(_share(now["constructive"], now["scored"])), f"{now['hostile']:,}", f"{now['opened']:,}"]


# --- Headlines -------------------------------------------------------------------------------


def headlines(counts: pd.DataFrame, channel_counts: pd.DataFrame, area_counts: pd.DataFrame,
              weeks: list[str], public_week: pd.DataFrame) -> list[str]:
    """The week in a few sentences: volume, tone, the biggest movers in negative items, flagged threads."""
    totals = counts.groupby(level="week").sum().reindex(weeks)
    now, last, earlier = totals.iloc[-1], totals.iloc[-2], totals.iloc[:-1]
    average = float(earlier["items"].mean())
    lines = []
    if now["items"] == 0:
        lines.append("Nothing was posted about the council on the watched channels this week.")
    else:
        if not last["items"]:
            trend = "where there were none last week"
        elif now["items"] == last["items"]:
            trend = f"as many as last week ({last['items']:,})"
        else:
            way = "up" if now["items"] > last["items"] else "down"
            trend = f"{abs(now['items'] - last['items']) / last['items']:.0%} {way} on last week ({last['items']:,})"
        versus = ("about the same as" if abs(now["items"] - average) < 0.05 * max(average, 1) else
                  "above" if now["items"] > average else "below")
        lines.append(
            f"{plural(now['items'], 'public post, comment or mention', 'public posts, comments and mentions')} "
            f"this week, {trend}, {versus} the four-week average ({average_words(average)} a week)."
        )
        negative, negative_before = _share(now["negative"], now["scored"]), _share(last["negative"], last["scored"])
        constructive = _share(now["constructive"], now["scored"])
        constructive_before = _share(last["constructive"], last["scored"])
        def last_week(share: float | None) -> str:
            return f"last week {percent(share)}" if share is not None else "none scored last week"

        lines.append(
            f"{percent(negative)} were negative ({last_week(negative_before)}) and {percent(constructive)} "
            f"constructive ({last_week(constructive_before)})"
            + (f"; {plural(now['hostile'], 'item was', 'items were')} hostile." if now["hostile"] else "; none was hostile.")
        )
    lines += movers(channel_counts, weeks, public_week, "source", "service_area")
    lines += movers(area_counts, weeks, public_week, "service_area", "source")
    opened, closed = int(now["opened"]), int(now["closed"])
    if opened or closed or last["opened"]:
        lines.append(
            f"{plural(opened, 'thread was', 'threads were')} flagged for an officer (last week {int(last['opened'])})"
            f" and {plural(closed, 'flagged thread was', 'flagged threads were')} closed."
        )
    return lines


def movers(counts: pd.DataFrame, weeks: list[str], public_week: pd.DataFrame, by: str, about: str,
           limit: int = 2) -> list[str]:
    """Sentences about the groups whose negative items moved most since last week, with what they were
    mostly about (for a channel, its service area; for a service area, its channel) when one dominates."""
    found = []
    for group, frame in counts.groupby(level="group", sort=False):
        if group == NO_AREA:
            continue
        per_week = frame.droplevel("group").reindex(weeks)
        now, last = int(per_week["negative"].iloc[-1]), int(per_week["negative"].iloc[-2])
        if abs(now - last) < MOVER_MIN_CHANGE or (last and 0.67 < now / last < 1.5):
            continue
        found.append((abs(now - last), group, now, last))
    lines = []
    for _, group, now, last in sorted(found, key=lambda f: (-f[0], f[1]))[:limit]:
        noun = f"Negative items on {group}" if by == "source" else f"Negative items about {group}"
        sentence = f"{noun} {movement(now, last)} (from {last:,} to {now:,})"
        negative = public_week[(public_week["feedback_class"] == "negative") & (_groups(public_week, by) == group)]
        mostly = _groups(negative, about).value_counts()
        mostly = mostly.drop(NO_AREA, errors="ignore")
        if now and len(mostly) and mostly.iloc[0] >= 0.4 * now:
            sentence += f", mostly about {mostly.index[0]}" if about == "service_area" else f", mostly on {mostly.index[0]}"
        lines.append(sentence + ".")
    return lines


# --- Threads, spikes, suggestions, response ----------------------------------------------


def thread_link(dashboard_url: str | None, thread_key: str) -> str | None:
    """The thread's page in the dashboard; None without the dashboard's address."""
    if not dashboard_url:
        return None
    return f"{dashboard_url.rstrip('/')}/thread?thread={quote(thread_key, safe='')}"


def thread_notes(threads: pd.DataFrame, replies: pd.DataFrame, dashboard_url: str | None) -> list[ThreadNote]:
    """The flagged threads of the week (store.queries.flagged_queue rows, worst first) in words.

    `replies`: the replies of those threads (thread_id, created_at, is_council, feedback_class, hostile,
    compound), for whether our reply helped (analysis.reply_effect)."""
    effects = reply_effects(replies).set_index("thread_key") if len(replies) else pd.DataFrame()
    notes = []
    for row in threads.head(TOP_THREADS).itertuples(index=False):
        if row.thread_key in effects.index:
            effect = effects.loc[row.thread_key]
            reply = str(effect["verdict"])
        else:
            reply = "We have not replied in the thread."
        notes.append(ThreadNote(
            post=str(row.post), source=str(row.source), reason=str(row.reason or "").strip(),
            score=float(row.pileon_score or 0), status=STATUS_WORDS.get(row.status, str(row.status)),
            assignee=row.assignee if isinstance(row.assignee, str) and row.assignee else "nobody yet",
            reply=reply, link=thread_link(dashboard_url, row.thread_key),
        ))
    return notes


def quoted(text: object, limit: int = QUOTE_CHARS) -> str:
    line = " ".join(str(text or "").split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def suggestion_quotes(public_week: pd.DataFrame) -> list[tuple[str, list[Quote]]]:
    """The strongest constructive posts and comments of the week, grouped by service area (the areas with most
    constructive items first, 'No service area named' last), each quoted with its channel and day only."""
    # from people: a news headline the models call constructive is not a suggestion
    constructive = public_week[(public_week["feedback_class"] == "constructive")
                               & (public_week["item_type"] != "mention")].copy()
    if constructive.empty:
        return []
    constructive["area"] = _groups(constructive, "service_area")
    constructive = constructive.sort_values(["constructive_prob", "created_at"], ascending=[False, True])
    sizes = constructive["area"].value_counts()
    areas = sorted(sizes.index, key=lambda a: (a == NO_AREA, -sizes[a], a))[:SUGGESTION_AREAS]
    grouped = []
    for area in areas:
        rows = constructive[constructive["area"] == area].head(SUGGESTIONS_PER_AREA)
        quotes = []
        for row in rows.itertuples(index=False):
            day = pd.Timestamp(row.created_at).tz_localize("UTC").tz_convert(LONDON)
            quotes.append(Quote(quoted(row.text or row.title), f"{row.source}, {day:%a} {day.day} {day:%b}"))
        grouped.append((area, quotes))
    return grouped


def response_lines(times: pd.DataFrame, week: str, previous: str) -> list[str]:
    """Time to acknowledge and to respond to the threads flagged this week, against last week's
    (analysis.report.weekly_response_times rows)."""
    by_week = times.set_index("week") if len(times) else pd.DataFrame()

    def row(name: str):
        return by_week.loc[name] if name in by_week.index else None

    now, last = row(week), row(previous)
    if now is None:
        return ["No thread was flagged this week, so there was nothing to acknowledge or respond to."]

    def hours(value) -> str:
        if value is None or pd.isna(value):
            return "not yet"
        return f"{value:.1f} hours" if value < 48 else f"{value / 24:.1f} days"

    def part(label: str, count: str, median: str) -> str:
        text = f"{label}: {int(now[count])} of {plural(now['flagged'], 'thread')}, median {hours(now[median])}"
        if last is not None:
            text += f" (last week {int(last[count])} of {int(last['flagged'])}, median {hours(last[median])})"
        else:
            text += " (last week no thread was flagged)"
        return text + "."

    return [part("Acknowledged", "acknowledged", "median_hours_to_acknowledge"),
            part("Responded to", "responded", "median_hours_to_respond")]


# --- The whole briefing ----------------------------------------------------------------------


@dataclass(frozen=True)
class Sources:
    """What jobs.briefing read from the store for one week (and the four before it)."""

    items: pd.DataFrame  # store.export.items_between over the five weeks
    flag_events: pd.DataFrame  # store.triage.flag_events_between over the five weeks
    threads: pd.DataFrame  # store.queries.flagged_queue for the week, every status, worst first
    replies: pd.DataFrame  # the replies of those threads
    spikes: list[str]  # analysis.spikes.spike_alerts texts of the week's days
    response: pd.DataFrame  # analysis.report.weekly_response_times
    council_names: list[str]  # every council account name, left out of phrases
    dashboard_url: str | None = None
    demo: bool = False


def make_briefing(week: str, sources: Sources) -> Briefing:
    weeks = weeks_up_to(week)
    items = sources.items.assign(week=london_weeks(sources.items["created_at"]))
    events = sources.flag_events.assign(week=london_weeks(sources.flag_events["at"]))
    items = items[items["week"].isin(weeks)]
    public = items[~items["is_council"].astype(bool)]
    public_week = public[public["week"] == week]
    counts = weekly_counts(items, events, weeks, None)
    channel_counts = weekly_counts(items, events, weeks, "source")
    area_counts = weekly_counts(items, events, weeks, "service_area")
    exclude = name_words(sources.council_names)
    before = public[public["week"] != week]
    texts = (public["title"].fillna("") + " " + public["text"].fillna("")).str.strip()
    phrases = {
        cls: rising_phrases(texts[public_week.index][public_week["feedback_class"] == cls],
                            texts[before.index][before["feedback_class"] == cls], WEEKS_BEFORE, exclude=exclude)
        for cls in ("negative", "constructive")
    }
    notes = [
        "Counts are of the public's posts, comments and news mentions (not the council's own) on the channels "
        "Council Pulse watches; shares are of the items the models have scored, with officers' corrections.",
        "The 4-week average is the average of the four weeks before this one. Days and weeks are UK time.",
    ]
    return Briefing(
        week=week, heading=heading(week),
        headlines=headlines(counts, channel_counts, area_counts, weeks, public_week),
        figures=figures_table(counts, weeks),
        channels=group_table(channel_counts, weeks, "Channel"),
        areas=group_table(area_counts, weeks, "Service area"),
        daily=daily_classes(public_week, week),
        channel_classes=channel_classes(public_week),
        threads=thread_notes(sources.threads, sources.replies, sources.dashboard_url),
        thread_links_note=None if sources.dashboard_url else (
            "Links to each thread need the dashboard's address: set dashboard_url in [alerts] of "
            ".streamlit/secrets.toml (or PULSE_DASHBOARD_URL)."),
        spikes=list(sources.spikes),
        phrases=phrases,
        suggestions=suggestion_quotes(public_week),
        response=response_lines(sources.response, week, weeks[-2]),
        demo=sources.demo, notes=notes,
    )


CHART_CLASSES = ("negative", "neutral", "positive", "constructive", "unscored")


def daily_classes(public_week: pd.DataFrame, week: str) -> pd.DataFrame:
    """Public items per London day of the week and class (every day and class, zeros included)."""
    year, number = week.split("-W")
    days = [date.fromisocalendar(int(year), int(number), d) for d in range(1, 8)]
    local = (pd.to_datetime(public_week["created_at"]).dt.tz_localize("UTC").dt.tz_convert(LONDON).dt.date
             if len(public_week) else pd.Series([], dtype=object))
    frame = pd.DataFrame({"day": local, "feedback_class": public_week["feedback_class"].fillna("unscored")})
    counts = frame.groupby(["day", "feedback_class"]).size()
    grid = pd.MultiIndex.from_product([days, CHART_CLASSES], names=["day", "feedback_class"])
    out = counts.reindex(grid, fill_value=0).rename("items").reset_index()
    return out[(out["feedback_class"] != "unscored") | (out.groupby("feedback_class")["items"].transform("sum") > 0)]


def channel_classes(public_week: pd.DataFrame) -> pd.DataFrame:
    """Public items per channel and class this week."""
    frame = pd.DataFrame({"source": public_week["source"],
                          "feedback_class": public_week["feedback_class"].fillna("unscored")})
    return frame.groupby(["source", "feedback_class"]).size().rename("items").reset_index()


def class_label(name: str) -> str:
    return CLASS_LABELS.get(name, name)
