"""What the pages share: filters, cached reads, colours and labels, safe rendering of public text.

app.py draws the sidebar filters once per run (`sidebar_filters`); pages read
them with `current_filters` and fetch data with `read`, which runs one function
of store.queries on a read-only cursor (store.db.reading), cached for 30 seconds per
database file. Nothing here runs SQL itself.

Public text (comments, titles, author names) is shown with st.text or inside a
dataframe; when it must sit in a caption or heading (which render Markdown) it
goes through `escape_markdown` first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

import altair as alt
import pandas as pd
import streamlit as st

from analysis.reply_effect import OUTCOME_LABELS, reply_effect, reply_effects
from analysis.threads import gate_words, score_parts, summarise_thread
from analysis.trends import DEFAULT_DAYS, PRESETS, Period, default_end, period_ending
from store import alerts, queries, threads, trends, triage
from store.db import DatabaseBusy, db_path, reading

CACHE_TTL_S = 30

# One colour and one word per feedback class, everywhere: chart, badges, tables.
CLASS_LABELS = {
    "negative": "Negative",
    "neutral": "Neutral",
    "positive": "Positive",
    "constructive": "Constructive",
    "unscored": "Not scored yet",
}
CLASS_COLOURS = {
    "negative": "#d4351c",
    "neutral": "#9a9ea3",
    "positive": "#00703c",
    "constructive": "#1d70b8",
    "unscored": "#dddddd",
}
# Streamlit's Markdown colour names closest to CLASS_COLOURS, for captions.
CLASS_TEXT_COLOURS = {
    "negative": "red", "neutral": "gray", "positive": "green", "constructive": "blue", "unscored": "gray",
}
STATUS_LABELS = {
    "new": "New",
    "acknowledged": "Acknowledged",
    "in_progress": "In progress",
    "responded": "Responded",
    "closed": "Closed",
}
MAX_INDENT = 6  # reply depth beyond this is drawn at this indent
MAX_REPLIES_SHOWN = 500

NO_DATA = (
    "No items are stored yet. Collect some with `python -m collectors run`, "
    "or build the demo database with `make demo`."
)


# --- Safe text ----------------------------------------------------------------

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping
# them all leaves no emphasis, link, image, HTML, heading, list, table, maths ($)
# or Streamlit directive (:red[...], :material/...:) for public text to start.
_MARKDOWN_SPECIAL = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


# Streamlit's Markdown also turns bare addresses into links after escapes are resolved
# (GFM autolink literals: http://, https://, www., name@host). An invisible word
# joiner after the scheme or "www", and after "@", stops that match.
WORD_JOINER = "\u2060"
_AUTOLINK_START = re.compile(r"(?i)(https?|ftp|www)(?=[:.])")


def escape_markdown(text: object) -> str:
    """Public text made inert for Markdown-rendering elements: one line, every special character
    escaped, bare addresses unlinkable, direction controls kept inside it. It reads the same;
    invisible word joiners (and, around text with direction controls, isolates) are added."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    line = " ".join(str(text).split())
    line = _AUTOLINK_START.sub(lambda m: m.group(1) + WORD_JOINER, line).replace("@", "@" + WORD_JOINER)
    return isolate_direction(_MARKDOWN_SPECIAL.sub(r"\\\1", line))


# Unicode direction controls: an unclosed right-to-left override in an author's name would
# otherwise reverse the rest of the line it sits in (the date, the label beside it).
_ISOLATE_OPENERS = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI
_ISOLATE_CLOSER = "\u2069"  # PDI
_DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def isolate_direction(text: str) -> str:
    """`text` unchanged, wrapped in first-strong isolates when it holds direction controls, so
    whatever they open ends with it (a PDI closes the embeddings and overrides opened inside its
    isolate). Stray closers in the text close extra isolates opened for them, never ours."""
    if not _DIRECTION_CONTROLS.search(text):
        return text
    open_isolates = stray_closers = 0
    for char in text:
        if char in _ISOLATE_OPENERS:
            open_isolates += 1
        elif char == _ISOLATE_CLOSER:
            if open_isolates:
                open_isolates -= 1
            else:
                stray_closers += 1
    return "\u2068" * (stray_closers + 1) + text + _ISOLATE_CLOSER * (open_isolates + 1)


def safe_url(url: object) -> str | None:
    """A platform's link, only if it is plain http(s): never javascript: or data:."""
    if isinstance(url, str) and re.match(r"^https?://[^\s]+$", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def when(stamp: object) -> str:
    """A stored naive-UTC timestamp for people: '27 Nov 2026 14:05 UTC'."""
    if stamp is None or pd.isna(stamp):
        return "–"
    return f"{pd.Timestamp(stamp):%d %b %Y %H:%M} UTC"


# --- Reading the store ----------------------------------------------------------


def database() -> str:
    return str(db_path())


# Modules `read` may call: "name" is store.queries.name, "triage.name" store.triage.name, and so on.
_READ_MODULES = {"": queries, "triage": triage, "alerts": alerts, "trends": trends, "threads": threads}


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _cached_read(db: str, query: str, args: tuple):
    module, _, name = query.rpartition(".")
    with reading(db) as con:  # store.db: the file opened once for a page's reads, closed when idle
        return getattr(_READ_MODULES[module], name)(con, *args)


def read(query: str, *args):
    """store.queries.<query>(con, *args) on the current database, cached for CACHE_TTL_S seconds
    ("triage.<name>", "alerts.<name>" and "trends.<name>" read store.triage, store.alerts, store.trends)."""
    try:
        return _cached_read(database(), query, args)
    except DatabaseBusy:
        st.warning("The database is busy: a collection run is writing to it. Reload in a few seconds.")
        st.stop()


def utc_today() -> date:
    return datetime.now(timezone.utc).date()


# --- Filters ----------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    period: Period
    source_ids: tuple[int, ...] | None  # None: every source
    source_names: tuple[str, ...]

    def bounds(self) -> tuple[datetime, datetime]:
        return self.period.bounds()

    def previous_bounds(self) -> tuple[datetime, datetime]:
        return self.period.previous().bounds()

    @property
    def ids(self) -> list[int] | None:
        return None if self.source_ids is None else list(self.source_ids)

    def describe(self) -> str:
        sources = ", ".join(self.source_names) if self.source_names else "all sources"
        return f"{self.period.label()} · {sources}"


_FILTERS_KEY = "pulse_filters"
CUSTOM = "Custom dates"


def sidebar_filters() -> Filters:
    """Draw the period and source filters in the sidebar; remembered for the pages of this run."""
    _, latest = read("item_date_range")
    sources = read("source_list")
    today = utc_today()
    with st.sidebar:
        st.session_state.setdefault("filter_period", "Last 30 days")
        preset = st.selectbox("Period", [*PRESETS, CUSTOM], key="filter_period")
        days = PRESETS.get(preset, DEFAULT_DAYS)
        period = period_ending(default_end(latest, today, days), days)
        if preset == CUSTOM:
            picked = st.date_input(
                "From – to", value=(period.start, period.end), format="DD/MM/YYYY", key="filter_dates"
            )
            if isinstance(picked, (tuple, list)) and len(picked) == 2:
                period = Period(picked[0], picked[1])
            elif isinstance(picked, (tuple, list)) and len(picked) == 1:
                period = Period(picked[0], picked[0])
        names = st.multiselect(
            "Sources", sources["name"].tolist(), key="filter_sources", placeholder="All sources"
        )
        if latest is None:
            st.caption("No items stored yet.")
        else:
            st.caption(f"Newest item: {latest:%d %b %Y} · times in UTC")
    chosen = sources[sources["name"].isin(names)]
    filters = Filters(
        period=period,
        source_ids=tuple(int(i) for i in chosen["id"]) if names else None,
        source_names=tuple(names),
    )
    st.session_state[_FILTERS_KEY] = filters
    return filters


def current_filters() -> Filters:
    """The sidebar's filters (app.py draws them before any page runs)."""
    filters = st.session_state.get(_FILTERS_KEY)
    if filters is None:  # defensive: a page run without the router
        filters = sidebar_filters()
    return filters


def demo_banner() -> None:
    if read("is_demo"):
        st.info(
            "You are looking at the demo database: recorded sample posts replayed through the real "
            "collectors, not live data.",
            icon=":material/science:",
        )


# --- Rendering ------------------------------------------------------------------


def volume_chart(series: pd.DataFrame) -> alt.Chart:
    """Stacked daily bars by feedback class; series from analysis.trends.daily_series."""
    frame = series.copy()
    order = [c for c in frame["feedback_class"].cat.categories]
    frame["class"] = frame["feedback_class"].astype(str).map(CLASS_LABELS).fillna(frame["feedback_class"].astype(str))
    frame["stack"] = frame["feedback_class"].cat.codes
    domain = [CLASS_LABELS.get(c, c) for c in order]
    colours = [CLASS_COLOURS.get(c, "#bbbbbb") for c in order]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(day):T", title=None, axis=alt.Axis(format="%d %b", labelAngle=0)),
            y=alt.Y("sum(items):Q", title="Items per day", stack="zero"),
            color=alt.Color(
                "class:N",
                scale=alt.Scale(domain=domain, range=colours),
                legend=alt.Legend(title=None, orient="top"),
            ),
            order=alt.Order("stack:Q", sort="ascending"),
            tooltip=[
                alt.Tooltip("yearmonthdate(day):T", title="Day", format="%a %d %b %Y"),
                alt.Tooltip("class:N", title="Class"),
                alt.Tooltip("sum(items):Q", title="Items"),
            ],
        )
        .properties(height=320)
    )


def thread_table(queue: pd.DataFrame, key: str, show_status: bool = True) -> str | None:
    """Flagged threads as a sortable table; returns the thread key of the row the user selected.

    Column widths add up to what fits beside the sidebar on a 1440-pixel screen.
    """
    table = pd.DataFrame(
        {
            "Post": queue["post"],
            "Source": queue["source"],
            "Why flagged": queue["reason"],
            "Pile-on": queue["pileon_score"],
            "Replies": queue["reply_count"],
            "Last reply (UTC)": queue["last_reply_at"],
        }
    )
    if show_status:
        table["Status"] = queue["status"].map(STATUS_LABELS).fillna(queue["status"])
    if "our_reply" in queue:  # the Flagged queue's "did our reply help" (reply_outcomes)
        table["Our reply"] = queue["our_reply"]
    event = st.dataframe(
        table,
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        hide_index=True,
        column_config={
            "Post": st.column_config.TextColumn(width=210 if show_status else 250),
            "Source": st.column_config.TextColumn(width=115),
            "Why flagged": st.column_config.TextColumn(width=325),
            "Pile-on": st.column_config.NumberColumn(
                format="%.0f", width=75,
                help="Pile-on score, 0-100: negative and hostile replies, from many people, fast, copied, aimed at the council rank higher",
            ),
            "Replies": st.column_config.NumberColumn(format="%d", width=60),
            "Last reply (UTC)": st.column_config.DatetimeColumn(format="D MMM, HH:mm", width=105),
            "Status": st.column_config.TextColumn(width=95),
            "Our reply": st.column_config.TextColumn(
                width=110, help="Did our reply help: the public's replies before and after the council's first reply",
            ),
        },
    )
    rows = event.selection.rows if event is not None else []
    if rows:
        return str(queue["thread_key"].iloc[rows[0]])
    return None


def open_thread(thread_key: str) -> None:
    st.switch_page("app_pages/thread.py", query_params={"thread": thread_key})


def class_caption(feedback_class: object, compound: object) -> str:
    """Our own Markdown for a class label with its colour and compound score."""
    name = feedback_class if isinstance(feedback_class, str) else "unscored"
    label = CLASS_LABELS.get(name, name)
    colour = CLASS_TEXT_COLOURS.get(name, "gray")
    score = "" if compound is None or pd.isna(compound) else f" {escape_markdown(f'{float(compound):+.2f}')}"
    return f":{colour}[**{escape_markdown(label)}**{score}]"


def reply_tree(tree: pd.DataFrame, limit: int | None = None, show_hostile: bool = True) -> None:
    """Replies in reading order (analysis.trends.reply_tree), each indented by its depth.

    At most `limit` are drawn, so a viral thread cannot stall the page; the weekly
    export has every one. Unless `show_hostile`, a reply marked hostile is drawn
    collapsed: a line saying so, without its author or text (staff exposure).
    """
    limit = limit or MAX_REPLIES_SHOWN
    for reply in tree.head(limit).itertuples(index=False):
        indent = min(int(reply.depth) - 1, MAX_INDENT)
        if indent:
            _, column = st.columns([indent, 24 - indent])
        else:
            column = st.container()
        with column.container(border=True):
            if not show_hostile and getattr(reply, "hostile", False):
                st.caption(f"Hostile reply hidden · {escape_markdown(when(reply.created_at))}")
                continue
            name = reply.author_name if isinstance(reply.author_name, str) and reply.author_name else "unknown author"
            council = " · :blue-badge[council]" if reply.is_council else ""
            st.caption(
                f"**{escape_markdown(name)}**{council} · {escape_markdown(when(reply.created_at))} · "
                f"{class_caption(reply.feedback_class, reply.compound)}"
            )
            st.text(reply.text or "(no text)")
    if len(tree) > limit:
        st.info(
            f"Showing the first {limit:,} of {len(tree):,} replies. "
            "The weekly export holds every reply of the week."
        )


def choice_labels(choices: pd.DataFrame) -> list[str]:
    """One line per thread for a selectbox (options there are plain text, not Markdown)."""
    return [
        f"{'⚑ ' if flagged else ''}{post} — {source} ({replies} replies)"
        for post, source, flagged, replies in zip(
            choices["post"], choices["source"], choices["flagged"], choices["reply_count"]
        )
    ]


def week_label(week: str) -> str:
    """'2026-W47 · 16 Nov – 22 Nov 2026' for an ISO week string."""
    year, number = week.split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    sunday = date.fromisocalendar(int(year), int(number), 7)
    return f"{week} · {monday:%d %b} – {sunday:%d %b %Y}"


def thread_header(detail: dict) -> None:
    """The root post, where it came from, and why the thread is (or is not) flagged."""
    if not detail["root_stored"]:
        st.subheader("Original post not collected")
        st.caption(escape_markdown(f"{detail['source']} · replies are shown below"))
    else:
        st.subheader(escape_markdown(detail["title"] or f"Post by {detail['author_name'] or 'unknown author'}"))
        byline = [detail["source"], detail["author_name"], when(detail["created_at"])]
        council = " · :blue-badge[council]" if detail["is_council"] else ""
        st.caption(" · ".join(escape_markdown(part) for part in byline if part) + council)
        if detail["text"] and detail["text"] != detail["title"]:
            with st.container(border=True):
                st.text(detail["text"])
        url = safe_url(detail["url"])
        if url:
            st.link_button("Open the original", url, icon=":material/open_in_new:")

    if detail["flagged"]:
        st.error(f"**Flagged:** {escape_markdown(detail['flag_reasons'])}", icon=":material/flag:")
    else:
        st.info("Not flagged: the replies do not meet the pile-on rules.", icon=":material/check:")
    replies, negative, people, score, status = st.columns(5)
    replies.metric("Public replies", f"{detail['reply_count']:,}")
    negative.metric("Negative", f"{detail['negative_count']:,}")
    people.metric("People replying", f"{detail['author_count']:,}")
    pileon = detail["pileon_score"]
    score.metric("Pile-on score", "–" if pileon is None or pd.isna(pileon) else f"{pileon:.0f} / 100")
    status.metric("Status", STATUS_LABELS.get(detail["status"], str(detail["status"])))


# --- Trends and spikes (app_pages/trends.py, the Overview's spikes) -------------------------

BUCKET_WORDS = {"day": ("Items per day", "%d %b", "%a %d %b %Y"), "week": ("Items per week", "%d %b", "week of %a %d %b %Y")}


def _class_encoding(frame: pd.DataFrame) -> tuple[pd.DataFrame, alt.Color, alt.Order]:
    """The feedback class as volume_chart colours and stacks it (labels, colours, order)."""
    order = list(frame["feedback_class"].cat.categories)
    frame = frame.assign(
        cls=frame["feedback_class"].astype(str).map(CLASS_LABELS).fillna(frame["feedback_class"].astype(str)),
        stack=frame["feedback_class"].cat.codes,
        week=pd.to_datetime(frame["bucket"]).dt.strftime("%d %b"),
    )
    colour = alt.Color(
        "cls:N", title=None,
        scale=alt.Scale(domain=[CLASS_LABELS.get(c, c) for c in order],
                        range=[CLASS_COLOURS.get(c, "#bbbbbb") for c in order]),
        legend=alt.Legend(title=None, orient="top"),
    )
    return frame, colour, alt.Order("stack:Q", sort="ascending")


def _bucket_axis(frame: pd.DataFrame, bucket: str, axis_format: str, ticks: int | None = None) -> alt.X:
    """Days on a time axis; weeks as one band each (labelled by their Monday), so a week's bar is wide."""
    if bucket == "day":
        return alt.X("yearmonthdate(bucket):T", title=None,
                     axis=alt.Axis(format=axis_format, labelAngle=0, tickCount=ticks or alt.Undefined))
    order = [f"{day:%d %b}" for day in sorted(frame["bucket"].unique())]
    return alt.X("week:O", title=None, sort=order,
                 axis=alt.Axis(labelAngle=0, labelOverlap="greedy", values=order[::max(1, len(order) // (ticks or 7))]
                               if ticks else alt.Undefined))


def trend_chart(series: pd.DataFrame, bucket: str, height: int = 300) -> alt.Chart:
    """Stacked bars per day or week by feedback class; series from analysis.volumes.bucketed."""
    title, axis_format, tip_format = BUCKET_WORDS[bucket]
    frame, colour, order = _class_encoding(series)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=_bucket_axis(frame, bucket, axis_format),
            y=alt.Y("sum(items):Q", title=title, stack="zero"),
            color=colour,
            order=order,
            tooltip=[
                alt.Tooltip("yearmonthdate(bucket):T", title="When", format=tip_format),
                alt.Tooltip("cls:N", title="Class"),
                alt.Tooltip("sum(items):Q", title="Items"),
            ],
        )
        .properties(height=height)
    )


def split_chart(series: pd.DataFrame, bucket: str, group_title: str, columns: int = 3) -> alt.FacetChart:
    """One small stacked-bar chart per group (series from analysis.volumes.bucketed with groups),
    all on the same scale so groups compare at a glance."""
    title, axis_format, tip_format = BUCKET_WORDS[bucket]
    frame, colour, order = _class_encoding(series)
    groups = list(dict.fromkeys(frame["group"]))
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=_bucket_axis(frame, bucket, axis_format, ticks=4),
            y=alt.Y("sum(items):Q", title=title, stack="zero"),
            color=colour,
            order=order,
            tooltip=[
                alt.Tooltip("group:N", title=group_title),
                alt.Tooltip("yearmonthdate(bucket):T", title="When", format=tip_format),
                alt.Tooltip("cls:N", title="Class"),
                alt.Tooltip("sum(items):Q", title="Items"),
            ],
        )
        .properties(width=330, height=150)
        .facet(facet=alt.Facet("group:N", title=None, sort=groups, header=alt.Header(labelFontSize=13,
                                                                                     labelFontWeight="bold")),
               columns=columns)
    )


def spike_thread_table(threads: pd.DataFrame, key: str) -> str | None:
    """The threads behind a spike (store.trends.spike_threads) as a table; returns the thread key of
    the row the user selected."""
    table = pd.DataFrame({
        "Post": [" ".join(str(p).split()) for p in threads["post"]],
        "Source": threads["source"],
        "Negative": threads["negative"],
        "Hostile": threads["hostile"],
        "Items": threads["items"],
        "Flagged": [str(r) if f and isinstance(r, str) else "Not flagged" for f, r in
                    zip(threads["flagged"], threads["reason"])],
    })
    event = st.dataframe(
        table, key=key, on_select="rerun", selection_mode="single-row", hide_index=True, width="stretch",
        column_config={
            "Post": st.column_config.TextColumn(width=300),
            "Source": st.column_config.TextColumn(width=140),
            "Negative": st.column_config.NumberColumn(format="%d", width=75, help="Negative items that day"),
            "Hostile": st.column_config.NumberColumn(format="%d", width=70, help="Hostile items that day"),
            "Items": st.column_config.NumberColumn(format="%d", width=60, help="All public items that day"),
            "Flagged": st.column_config.TextColumn(help="Why the thread is flagged, if it is"),
        },
    )
    rows = event.selection.rows if event is not None else []
    if rows:
        return str(threads["thread_key"].iloc[rows[0]])
    return None


def period_spikes(filters: Filters) -> pd.DataFrame:
    """Spike alerts (analysis.spikes.spike_alerts) on every day of the filters' period, per source and
    per service area, each day against the days before it (so the read starts that many days early)."""
    from analysis.spikes import SpikeRules, detect_group_spikes, spike_alerts

    rules = SpikeRules()
    start, end = filters.bounds()
    history_start = start - pd.Timedelta(days=rules.baseline_days)
    days = [d.date() for d in pd.date_range(filters.period.start, filters.period.end, freq="D")]
    found = [
        detect_group_spikes(read("trends.daily_spike_counts", history_start, end, filters.ids, by), days, by, rules)
        for by in ("source", "service_area")
    ]
    return spike_alerts(pd.concat([f for f in found if not f.empty] or found[:1], ignore_index=True))


def spike_with_threads(alert, filters: Filters, key: str) -> None:
    """One spike alert in words, and the threads behind it (most negative, or hostile, items in that
    source or service area that day); selecting a row opens the thread."""
    st.warning(escape_markdown(alert.text), icon=":material/trending_up:")
    start = datetime.combine(alert.day, datetime.min.time())
    threads = read("trends.spike_threads", start, start + pd.Timedelta(days=1), filters.ids, alert.by, alert.group,
                   alert.measure, 3)
    if threads.empty:
        st.caption("No stored thread is behind this spike any more (deleted or purged)." )
        return
    chosen = spike_thread_table(threads, key=key)
    if chosen:
        open_thread(chosen)


# --- Pile-on score and "did our reply help" (app_pages/thread.py, app_pages/flagged.py) ---------


def score_breakdown(thread_key: str) -> None:
    """Why the thread scores what it scores: each component's measure and points, and the gates."""
    replies, council_root = read("threads.score_inputs", thread_key)
    summary = summarise_thread(replies, council_root=council_root)
    if not summary or not summary["reply_count"]:
        return
    with st.expander(f"Why this score: {summary['pileon_score']:.0f} / 100, component by component"):
        # A static table: a grid (st.dataframe) would stay undrawn inside a closed expander.
        parts = score_parts(summary)
        st.table(parts.assign(Weight=parts["Weight"].map("{:.2f}".format), Points=parts["Points"].map("{:.1f}".format)),
                 hide_index=True)
        st.caption(escape_markdown(gate_words(summary)))


def _share(value: object) -> str:
    return "–" if value is None or pd.isna(value) else f"{round(100 * float(value))} %"


def _signed(value: object) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):+.2f}"


def reply_effect_panel(replies: pd.DataFrame) -> None:
    """Did our reply help: the public's replies before and after the council's first reply, and a verdict.

    `replies` as store.queries.thread_replies reads them. Nothing is drawn when the
    council has not replied in the thread.
    """
    effect = reply_effect(replies)
    if effect is None:
        return
    with st.container(border=True):
        st.markdown(f"**Did our reply help?** Our first reply: {escape_markdown(when(effect.council_replied_at))}")
        sides = [("Before our reply", effect.before), ("After our reply", effect.after)]
        st.dataframe(
            pd.DataFrame({
                "": [name for name, _ in sides],
                "Public replies": [side.replies for _, side in sides],
                "Negative": [_share(side.negative_share) for _, side in sides],
                "Hostile": [_share(side.hostile_share) for _, side in sides],
                "Mean score": [_signed(side.mean_compound) for _, side in sides],
            }),
            hide_index=True,
            column_config={
                "": st.column_config.TextColumn(width=130),
                "Public replies": st.column_config.NumberColumn(format="%d", width=110),
                "Negative": st.column_config.TextColumn(width=90),
                "Hostile": st.column_config.TextColumn(width=90),
                "Mean score": st.column_config.TextColumn(
                    width=100, help="Mean VADER compound score, -1 (negative) to +1 (positive)",
                ),
            },
        )
        verdict = escape_markdown(effect.verdict)
        if effect.outcome == "better":
            st.success(verdict, icon=":material/trending_down:")
        elif effect.outcome == "worse":
            st.warning(verdict, icon=":material/trending_up:")
        else:
            st.caption(verdict)


def reply_outcomes(thread_keys: list[str]) -> dict[str, str]:
    """Thread key -> a short "did our reply help" label, for threads where the council replied."""
    if not thread_keys:
        return {}
    effects = reply_effects(read("threads.effect_replies", tuple(thread_keys)))
    return dict(zip(effects["thread_key"], effects["outcome"].map(OUTCOME_LABELS)))

