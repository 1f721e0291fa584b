"""Thread flagging: which conversations have turned into a pile-on, and why, in words.

Every thread gets a pile-on score from 0 to 100, built from six components of its
public replies (the council's own replies are never counted). Each component is a
number from 0 to 1; the score is their weighted sum, scaled down by two gates:

| component   | what it measures                                              | 1.0 when                                   | weight |
|-------------|---------------------------------------------------------------|--------------------------------------------|--------|
| negative    | share of replies that are plainly negative (feedback_class    | every reply is negative                    | 0.30   |
|             | 'negative': constructive criticism never counts)              |                                            |        |
| hostile     | share of replies marked hostile                               | a quarter of the replies are hostile       | 0.10   |
| velocity    | most replies in any one hour (sliding window)                 | 12 replies in one hour (log scale)         | 0.20   |
| people      | effective number of people among the negative replies         | 12 people, each writing as much (log scale)| 0.20   |
|             | (1 / sum of squared author shares: one person posting 15      |                                            |        |
|             | times counts as 1, 15 people once each as 15)                 |                                            |        |
| duplicates  | replies whose text is identical to another reply's once case, | a quarter of the replies are copies        | 0.10   |
|             | punctuation, digits, links and spacing are ignored (copy-     |                                            |        |
|             | paste campaigns; positive replies are not counted)            |                                            |        |
| council     | share of replies aimed at the council: the thread is under a  | the thread is under a council post         | 0.10   |
|             | council post, or the reply answers one of the council's       |                                            |        |
|             | replies                                                       |                                            |        |

Gates (multiply the weighted sum): tone, rising from 0 at 45 % negative replies to 1
at 65 % (a split debate is not a pile-on however busy it is: the first rules asked for
60 %); and crowd, min(1, effective people / 4), so one or two angry people, however
many times they post, are never a crowd.

A thread is flagged when its score reaches `threshold` (30) AND it has the minimum
evidence: at least 6 public replies, 3 people and 3 negative replies. A 3-reply thread
never flags, whatever its score. Every number above is a field of FlagRules.

Everything is computed for all threads at once with grouped pandas/numpy operations
(no Python loop over replies or threads); texts are normalised by pyarrow kernels, and
only in threads whose tone gate is open (elsewhere copies could not count); only the
reasons of flagged threads are put into words one by one.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class FlagRules:
    """The pile-on score's weights, saturation points and gates, and when a thread is flagged."""

    # Minimum evidence: below any of these a thread is never flagged.
    min_replies: int = 6  # public replies, the council's own not counted
    min_authors: int = 3  # distinct people replying
    min_negative: int = 3  # negative replies
    threshold: float = 30.0  # pile-on score (0-100) from which a thread is flagged

    # Weights of the components (they add up to 1).
    weight_negative: float = 0.30
    weight_hostile: float = 0.10
    weight_velocity: float = 0.20
    weight_people: float = 0.20
    weight_duplicates: float = 0.10
    weight_council: float = 0.10

    # Where each component reaches 1.
    hostile_full_share: float = 0.25
    velocity_window_hours: float = 1.0
    velocity_full: int = 12  # replies in one window
    people_full: float = 12.0  # effective people
    duplicates_full_share: float = 0.25
    min_duplicate_chars: int = 20  # shorter normalised texts ("agreed", "+1") are not copies

    # Gates: the tone gate rises from 0 at `tone_gate_from` negative share to 1 at `tone_gate_full`.
    tone_gate_from: float = 0.45
    tone_gate_full: float = 0.65
    people_gate: float = 4.0

    def weights(self) -> dict[str, float]:
        return {
            "negative": self.weight_negative,
            "hostile": self.weight_hostile,
            "velocity": self.weight_velocity,
            "people": self.weight_people,
            "duplicates": self.weight_duplicates,
            "council": self.weight_council,
        }


SUMMARY_COLUMNS = [
    "thread_key", "source_id", "flagged", "flag_reasons", "pileon_score", "reply_count",
    "negative_count", "author_count", "first_reply_at", "last_reply_at",
]
# What summarise_threads(..., components=True) adds: the counts behind the score and its parts.
COMPONENT_COLUMNS = [
    "hostile_count", "negative_authors", "effective_people", "top_author_negative", "negative_span_hours",
    "peak_replies", "duplicate_count", "aimed_count", "council_root",
    "c_negative", "c_hostile", "c_velocity", "c_people", "c_duplicates", "c_council", "gate", "evidence",
]


def is_negative(replies: pd.DataFrame) -> pd.Series:
    """Replies that count towards a pile-on: negative and not constructive.

    Constructive criticism is feedback worth answering, not hostility, so it
    never makes a thread a pile-on (feedback_class, DESIGN.md). Frames without
    that column fall back to plain sentiment.
    """
    column = "feedback_class" if "feedback_class" in replies else "sentiment"
    return (replies[column] == "negative").fillna(False).astype(bool)


def _is_positive(replies: pd.DataFrame) -> pd.Series:
    column = "feedback_class" if "feedback_class" in replies else "sentiment"
    return (replies[column] == "positive").fillna(False).astype(bool)


def _flag(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(False, index=frame.index)
    return frame[column].fillna(False).astype(bool)


def _text_chars(replies: pd.DataFrame) -> pd.Series:
    """Each reply's length in characters: `text_chars` if the frame has it (read without texts), else its text's."""
    if "text_chars" in replies:
        return replies["text_chars"].fillna(0)
    if "text" in replies:
        return replies["text"].fillna("").str.len()
    return pd.Series(0, index=replies.index)


def needs_text(replies: pd.DataFrame, rules: FlagRules | None = None) -> pd.Series:
    """The replies whose text the copy check compares (a bool per reply): public, not positive,
    at least min_duplicate_chars long, in a thread negative enough for the tone gate to open
    (elsewhere copies could not count). summarise_threads reads no other text, so a caller
    holding replies without texts (and their `text_chars`) needs only these.
    """
    rules = rules or FlagRules()
    public = ~_flag(replies, "is_council")
    thread = replies["thread_id"]
    negative_share = (is_negative(replies) & public).groupby(thread).transform("sum") / public.groupby(thread).transform("sum")
    toned = (negative_share > rules.tone_gate_from).fillna(False)  # no public reply: never
    return public & toned & ~_is_positive(replies) & (_text_chars(replies) >= rules.min_duplicate_chars)


_LINKS = r"(?:https?://|www\.)\S+"
_NOT_LETTERS = r"[\W\d_]+"


def normalise_text(texts: pd.Series) -> pa.Array:
    """Text reduced for spotting copies: lower case, links, digits, punctuation and spacing removed.

    Done by pyarrow's compute kernels (RE2 in C++), not a Python call per text; links are
    looked for only in the texts that contain one.
    """
    values = pa.array(texts.fillna("").astype(str).to_numpy(dtype=object), type=pa.large_string())
    values = pc.utf8_lower(values)
    linked = pc.or_(pc.match_substring(values, "http"), pc.match_substring(values, "www."))
    if pc.any(linked).as_py():
        values = pc.if_else(linked, pc.replace_substring_regex(values, _LINKS, " "), values)
    return pc.utf8_trim_whitespace(pc.replace_substring_regex(values, _NOT_LETTERS, " "))


def duplicate_flags(codes: np.ndarray, texts: pd.Series, min_chars: int) -> np.ndarray:
    """1 for each text that another text with the same code shares once normalised, else 0."""
    flags = np.zeros(len(codes), dtype=np.int64)
    if not len(codes):
        return flags
    norm = normalise_text(texts)
    long_enough = pc.utf8_length(norm).to_numpy(zero_copy_only=False) >= min_chars
    ids = pc.dictionary_encode(norm).indices.to_numpy(zero_copy_only=False).astype(np.int64)
    pairs = pd.DataFrame({"code": codes, "text": ids})[long_enough]
    sizes = pairs.groupby(["code", "text"])["text"].transform("size").to_numpy()
    flags[np.flatnonzero(long_enough)] = (sizes >= 2).astype(np.int64)
    return flags


def describe_span(hours: float) -> str:
    if hours < 1:
        minutes = max(1, round(hours * 60))
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    if hours < 48:
        rounded = max(1, round(hours))
        return f"{rounded} hour{'s' if rounded != 1 else ''}"
    days = round(hours / 24)
    return f"{days} days"


def _peak_in_window(public: pd.DataFrame, codes: np.ndarray, window_hours: float) -> np.ndarray:
    """Per thread code, the most replies in any window of `window_hours` starting at a reply.

    All threads at once: replies sorted by (thread, time) get a key of thread code times
    a span longer than any thread plus seconds, so one searchsorted finds, for every
    reply, where its window ends without ever crossing into the next thread.
    """
    n_threads = int(codes.max()) + 1 if len(codes) else 0
    if not len(codes):
        return np.zeros(0, dtype=np.int64)
    created = public["created_at"]
    seconds = ((created - created.min()) / pd.Timedelta(seconds=1)).to_numpy(dtype=np.float64)
    window = window_hours * 3600.0
    span = float(seconds.max()) + window + 1.0
    keys = codes.astype(np.float64) * span + seconds
    order = np.lexsort((seconds, codes))
    keys = keys[order]
    ends = np.searchsorted(keys, keys + window, side="left")
    counts = ends - np.arange(len(keys))
    peak = np.zeros(n_threads, dtype=np.int64)
    np.maximum.at(peak, codes[order], counts)
    return peak


def _components(replies: pd.DataFrame, council_roots: Collection[str], rules: FlagRules) -> pd.DataFrame:
    """Counts and component values per thread_id (index), for threads with public replies."""
    council = _flag(replies, "is_council")
    public = replies[~council]
    if public.empty:
        return pd.DataFrame(columns=["n"])
    thread = public["thread_id"]
    codes, threads = pd.factorize(thread)
    author = public["author_id"].fillna(public["author_name"]).fillna(public["key"])
    negative = is_negative(public)
    hostile = _flag(public, "hostile")

    # Aimed at the council: under a council post, or answering a council reply.
    council_keys = replies.loc[council, "key"] if "key" in replies else pd.Series([], dtype=object)
    root_council = thread.isin(list(council_roots))
    aimed = root_council | public["parent_id"].isin(council_keys)

    frame = pd.DataFrame({
        "code": codes, "negative": negative.to_numpy(), "hostile": hostile.to_numpy(),
        "aimed": aimed.to_numpy(), "root_council": root_council.to_numpy(),
        "author": author.to_numpy(), "created_at": public["created_at"].to_numpy(),
    })
    grouped = frame.groupby("code", sort=True)
    out = grouped.agg(
        n=("negative", "size"), negative_count=("negative", "sum"), hostile_count=("hostile", "sum"),
        aimed_count=("aimed", "sum"), council_root=("root_council", "max"),
        author_count=("author", "nunique"), first_reply_at=("created_at", "min"), last_reply_at=("created_at", "max"),
    )
    neg = frame[frame["negative"]]
    per_author = neg.groupby(["code", "author"]).size()
    totals = per_author.groupby(level=0).sum()
    shares = per_author / totals.reindex(per_author.index.get_level_values(0)).to_numpy()
    out["negative_authors"] = per_author.groupby(level=0).size().reindex(out.index).fillna(0).astype(int)
    out["effective_people"] = (1.0 / (shares ** 2).groupby(level=0).sum()).reindex(out.index).fillna(0.0)
    out["top_author_negative"] = per_author.groupby(level=0).max().reindex(out.index).fillna(0).astype(int)
    neg_times = neg.groupby("code")["created_at"].agg(["min", "max"]).reindex(out.index)
    out["negative_span_hours"] = ((neg_times["max"] - neg_times["min"]) / pd.Timedelta(hours=1)).fillna(0.0)
    out["peak_replies"] = _peak_in_window(public, codes, rules.velocity_window_hours)[out.index]

    # Copies: non-positive replies whose normalised text another reply of the thread shares,
    # looked for only in threads negative enough for the tone gate to let them count.
    candidate = np.flatnonzero(needs_text(replies, rules)[~council].to_numpy())
    copies = np.zeros(len(public), dtype=np.int64)
    if len(candidate):
        texts = public["text"].iloc[candidate]
        copies[candidate] = duplicate_flags(codes[candidate], texts, rules.min_duplicate_chars)
    out["duplicate_count"] = np.bincount(codes, weights=copies, minlength=len(out)).astype(np.int64)[out.index]
    out.index = threads[out.index]

    n = out["n"].astype(float)
    share = out["negative_count"] / n
    out["c_negative"] = share
    out["c_hostile"] = np.minimum(1.0, out["hostile_count"] / n / rules.hostile_full_share)
    out["c_velocity"] = np.minimum(1.0, np.log(np.maximum(out["peak_replies"], 1)) / np.log(rules.velocity_full))
    out["c_people"] = np.minimum(1.0, np.log(np.maximum(out["effective_people"], 1.0)) / np.log(rules.people_full))
    out["c_duplicates"] = np.minimum(1.0, out["duplicate_count"] / n / rules.duplicates_full_share)
    out["c_council"] = out["aimed_count"] / n
    tone = (share - rules.tone_gate_from) / max(rules.tone_gate_full - rules.tone_gate_from, 1e-9)
    out["gate"] = np.clip(tone, 0.0, 1.0) * np.minimum(1.0, out["effective_people"] / rules.people_gate)
    weighted = sum(weight * out[f"c_{name}"] for name, weight in rules.weights().items())
    out["pileon_score"] = (100.0 * weighted * out["gate"]).round(1)
    out["evidence"] = (
        (out["n"] >= rules.min_replies) & (out["author_count"] >= rules.min_authors)
        & (out["negative_count"] >= rules.min_negative)
    )
    out["flagged"] = out["evidence"] & (out["pileon_score"] >= rules.threshold)
    return out


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def explain(row, rules: FlagRules) -> str:
    """Every component that contributed to a thread's score, in plain words.

    `row` is one row of summarise_threads(..., components=True) (or _components).
    """
    n, negative = int(row.reply_count), int(row.negative_count)
    tone = f"{negative} of {_plural(n, 'reply', 'replies')} negative ({round(100 * negative / max(n, 1))} %)"
    if row.hostile_count:
        tone += f", {int(row.hostile_count)} hostile"
    # The people behind the negative replies: fewer than the thread's "People replying" (everyone).
    crowd = [_plural(int(row.negative_authors), "person", "people") + (" behind it" if negative == 1 else " behind them")]
    if negative > 1:
        crowd[0] += f" within {describe_span(float(row.negative_span_hours))}"
    top = int(row.top_author_negative)
    if negative and top >= 3 and top / negative >= 0.25:
        crowd.append(f"one person wrote {top} of the {negative} negative replies")
    if rules.weight_velocity * row.c_velocity >= 0.01:
        window = ("hour" if rules.velocity_window_hours == 1
                  else f"{rules.velocity_window_hours:g} hours")
        crowd.append(f"busiest {window} {_plural(int(row.peak_replies), 'reply', 'replies')}")
    parts = [tone, ", ".join(crowd)]
    if row.duplicate_count:
        parts.append(f"{int(row.duplicate_count)} near-identical replies (copy and paste)")
    if row.council_root:
        parts.append("aimed at the council's post")
    elif row.aimed_count:
        parts.append(f"{_plural(int(row.aimed_count), 'reply', 'replies')} to the council's replies")
    return "; ".join(parts)


def summarise_threads(
    replies: pd.DataFrame,
    rules: FlagRules | None = None,
    council_roots: Collection[str] = (),
    components: bool = False,
) -> pd.DataFrame:
    """One summary row per thread_id in `replies` (columns SUMMARY_COLUMNS, as store.threads saves them).

    `replies` holds every reply of the threads (council's included: they are not
    counted, but public replies answering them are), with thread_id, key, parent_id,
    author_id, author_name, created_at, is_council, text (or text_chars, and the text
    of those replies needs_text picks), source_id and the labels
    (feedback_class or sentiment, hostile). `council_roots` are the thread keys whose
    root post is the council's own. `components` adds COMPONENT_COLUMNS.
    """
    rules = rules or FlagRules()
    columns = SUMMARY_COLUMNS + (COMPONENT_COLUMNS if components else [])
    if replies.empty:
        return pd.DataFrame([], columns=columns)
    sources = replies.groupby("thread_id", sort=True)["source_id"].first()
    parts = _components(replies, council_roots, rules).reindex(sources.index)
    out = pd.DataFrame({"thread_key": sources.index, "source_id": sources.astype(int).to_numpy()})
    for column in ("n", "negative_count", "author_count", "hostile_count", "negative_authors",
                   "top_author_negative", "peak_replies", "duplicate_count", "aimed_count"):
        values = parts[column] if column in parts else pd.Series(0, index=parts.index)
        out[column] = values.fillna(0).astype(int).to_numpy()
    for column in ("effective_people", "negative_span_hours", "c_negative", "c_hostile", "c_velocity",
                   "c_people", "c_duplicates", "c_council", "gate", "pileon_score"):
        values = parts[column] if column in parts else pd.Series(0.0, index=parts.index)
        out[column] = values.astype(float).fillna(0.0).to_numpy()
    for column in ("council_root", "evidence", "flagged"):
        values = parts[column] if column in parts else pd.Series(False, index=parts.index)
        out[column] = values.fillna(False).astype(bool).to_numpy()
    for column in ("first_reply_at", "last_reply_at"):
        out[column] = parts[column].to_numpy() if column in parts else pd.NaT
    out["reply_count"] = out["n"]
    out["flag_reasons"] = None
    flagged = out[out["flagged"]]
    if not flagged.empty:
        out.loc[flagged.index, "flag_reasons"] = [explain(row, rules) for row in flagged.itertuples(index=False)]
    return out[columns]


def summarise_thread(replies: pd.DataFrame, rules: FlagRules | None = None,
                     council_root: bool = False) -> dict:
    """One thread's summary with its score components (a dict), e.g. for the Thread page."""
    if replies.empty:
        return {}
    frame = replies.copy()
    if "thread_id" not in frame:
        frame["thread_id"] = "thread"
    if "source_id" not in frame:
        frame["source_id"] = 0
    if "author_id" not in frame:
        frame["author_id"] = frame["author_name"]
    key = frame["thread_id"].iloc[0]
    rows = summarise_threads(frame, rules, [key] if council_root else (), components=True)
    return rows.iloc[0].to_dict()


COMPONENT_NAMES = {
    "negative": "Negative replies",
    "hostile": "Hostile replies",
    "velocity": "Busiest hour",
    "people": "People",
    "duplicates": "Near-identical replies",
    "council": "Aimed at the council",
}


def score_parts(summary: dict, rules: FlagRules | None = None) -> pd.DataFrame:
    """What each component measured and the points it added (summarise_thread's dict).

    The points add up to the score: weight x component value x both gates x 100.
    """
    rules = rules or FlagRules()
    n = max(int(summary["reply_count"]), 1)
    measured = {
        "negative": f"{int(summary['negative_count'])} of {n} ({round(100 * summary['negative_count'] / n)} %)",
        "hostile": f"{int(summary['hostile_count'])} of {n}",
        "velocity": _plural(int(summary["peak_replies"]), "reply", "replies"),
        "people": (f"{int(summary['negative_authors'])} writing the negative replies "
                   f"(as many as {summary['effective_people']:.1f} equal voices)"),
        "duplicates": f"{int(summary['duplicate_count'])} of {n}",
        "council": ("under the council's post" if summary["council_root"]
                    else f"{int(summary['aimed_count'])} of {n} answer the council's replies"),
    }
    weights = rules.weights()
    return pd.DataFrame({
        "Component": [COMPONENT_NAMES[name] for name in weights],
        "Measured": [measured[name] for name in weights],
        "Weight": [weights[name] for name in weights],
        "Points": [round(100 * weights[name] * summary[f"c_{name}"] * summary["gate"], 1) for name in weights],
    })


def gate_words(summary: dict, rules: FlagRules | None = None) -> str:
    """The gates and the minimum evidence, in words, for under the score_parts table."""
    rules = rules or FlagRules()
    share = summary["negative_count"] / max(int(summary["reply_count"]), 1)
    tone = min(1.0, max(0.0, (share - rules.tone_gate_from) / (rules.tone_gate_full - rules.tone_gate_from)))
    crowd = min(1.0, summary["effective_people"] / rules.people_gate)
    evidence = (f"at least {rules.min_replies} public replies, {rules.min_authors} people and "
                f"{rules.min_negative} negative replies")
    return (
        f"Points are scaled by the tone gate ({round(100 * tone)} %: full from "
        f"{round(100 * rules.tone_gate_full)} % negative, shut below {round(100 * rules.tone_gate_from)} %) and the "
        f"crowd gate ({round(100 * crowd)} %: full from {rules.people_gate:g} equal voices). A thread is flagged from "
        f"{rules.threshold:g} points with {evidence}"
        + ("." if summary["evidence"] else " (this one has less).")
    )
