"""The pile-on score: each component counts, flags explain themselves, minimum evidence holds.

Labels are given explicitly (frames, or score rows saved through the store), never
taken from the shipped models, so these tests do not move when the models change.
"""

from datetime import datetime, timedelta

import pandas as pd
import pytest

from analysis.threads import (
    FlagRules,
    describe_span,
    normalise_text,
    summarise_thread,
    summarise_threads,
)
from jobs.scoring import refresh_threads
from settings.sources import SourceConfig
from store.db import connect, transaction
from store.items import save_scores
from tests.factories import comment, post, store_items

START = datetime(2026, 11, 3, 9, 0)
THREAD = "guardian:/p/1"


def replies(classes, authors=None, minutes_apart=10, council=None, thread=THREAD, texts=None, hostile=None,
            parents=None):
    """A thread's replies as refresh_threads reads them, with explicit labels."""
    n = len(classes)
    return pd.DataFrame({
        "thread_id": [thread] * n,
        "key": [f"{thread}#c{i}" for i in range(n)],
        "parent_id": parents or [thread] * n,
        "author_id": authors or [f"user{i}" for i in range(n)],
        "author_name": authors or [f"user{i}" for i in range(n)],
        "created_at": [START + timedelta(minutes=minutes_apart * i) for i in range(n)],
        "is_council": council or [False] * n,
        "text": texts or [f"Reply {i}: my own words about {('bins', 'roads', 'parking', 'tax')[i % 4]} number {'x' * i}"
                          for i in range(n)],
        "feedback_class": classes,
        "hostile": hostile or [False] * n,
        "source_id": [1] * n,
    })


def summary(frame, rules=None, council_roots=()):
    return summarise_threads(frame, rules, council_roots, components=True).iloc[0]


def pile_on(**changes):
    """A middling pile-on every component can push up: 12 replies, 8 negative, 6 people, 2 hours."""
    args = {"classes": ["negative"] * 8 + ["neutral"] * 4,
            "authors": [f"p{i % 6}" for i in range(8)] + [f"q{i}" for i in range(4)],
            "minutes_apart": 10}
    args.update(changes)
    return replies(**args)


# --- A genuine pile-on ----------------------------------------------------------------


def test_a_genuine_pile_on_is_flagged_and_its_reason_names_every_component():
    texts = [f"Different complaint number {'x' * i} about the bin collections" for i in range(20)]
    texts[10:14] = ["Sign the petition: BRING BACK WEEKLY BINS now! https://petition.example/123"] * 2 + [
        "sign the petition, bring back weekly bins NOW https://petition.example/456"] * 2
    frame = replies(
        ["negative"] * 16 + ["neutral"] * 4, authors=[f"r{i % 12}" for i in range(16)] + [f"n{i}" for i in range(4)],
        minutes_apart=6, texts=texts, hostile=[True] * 5 + [False] * 15,
    )
    row = summary(frame, council_roots=[THREAD])
    assert row["flagged"] and row["evidence"]
    assert row["flag_reasons"] == (
        "16 of 20 replies negative (80 %), 5 hostile; 12 people behind them within 2 hours, busiest hour 10 replies; "
        "4 near-identical replies (copy and paste); aimed at the council's post"
    )
    assert row["reply_count"] == 20 and row["negative_count"] == 16 and row["author_count"] == 16
    assert 70 <= row["pileon_score"] <= 100


# --- Every component counts, through its weight ---------------------------------------------

COMPONENTS = {
    # component: (the baseline pile-on with that component raised, council roots)
    "negative": (pile_on(classes=["negative"] * 11 + ["neutral"]), ()),
    "hostile": (pile_on(hostile=[True] * 4 + [False] * 8), ()),
    "velocity": (pile_on(minutes_apart=3), ()),
    "people": (pile_on(authors=[f"p{i}" for i in range(8)] + [f"q{i}" for i in range(4)]), ()),
    "duplicates": (pile_on(texts=["Weekly bins were fine, reverse this decision today"] * 4
                           + [f"my own words {'x' * i} about bins" for i in range(8)]), ()),
    "council": (pile_on(), (THREAD,)),
}


@pytest.mark.parametrize("component", list(COMPONENTS))
def test_each_component_raises_the_score_and_only_through_its_weight(component):
    raised, roots = COMPONENTS[component]
    base = summary(pile_on())
    more = summary(raised, council_roots=roots)
    assert more[f"c_{component}"] > base[f"c_{component}"]
    assert more["pileon_score"] > base["pileon_score"]
    if component in ("negative", "people"):
        return  # these also open the gates, so their weight alone does not decide the score
    without = FlagRules(**{f"weight_{component}": 0.0})
    assert summary(raised, without, roots)["pileon_score"] == summary(pile_on(), without)["pileon_score"]


def test_the_weights_add_up_to_one():
    assert sum(FlagRules().weights().values()) == pytest.approx(1.0)


# --- What is not a pile-on -------------------------------------------------------------------


def test_a_long_mostly_constructive_thread_is_not_flagged():
    classes = (["constructive"] * 28 + ["negative"] * 6 + ["neutral"] * 6)
    frame = replies(classes, minutes_apart=3, hostile=[False] * 39 + [True])
    row = summary(frame, council_roots=[THREAD])
    assert row["reply_count"] == 40 and row["negative_count"] == 6
    assert not row["flagged"] and row["flag_reasons"] is None
    assert row["pileon_score"] == 0  # 15 % negative: the tone gate is shut, however busy the thread


def test_a_split_debate_scores_far_below_a_pile_on():
    split = summary(replies(["negative"] * 10 + ["positive"] * 10, minutes_apart=5))
    angry = summary(replies(["negative"] * 16 + ["positive"] * 4, minutes_apart=5))
    assert not split["flagged"] and angry["flagged"]
    assert split["pileon_score"] < angry["pileon_score"] / 2


def test_one_person_posting_fifteen_times_is_not_fifteen_people():
    one = summary(replies(["negative"] * 15 + ["neutral"] * 3, authors=["angry"] * 15 + ["a", "b", "c"]))
    many = summary(replies(["negative"] * 15 + ["neutral"] * 3))
    assert one["effective_people"] == 1 and many["effective_people"] == 15
    assert one["pileon_score"] < many["pileon_score"] / 3
    assert not one["flagged"] and many["flagged"]


def test_a_dominant_poster_is_named_in_the_reason():
    authors = ["angry"] * 6 + [f"r{i}" for i in range(6)]
    row = summary(replies(["negative"] * 12, authors=authors, minutes_apart=5))
    assert row["flagged"]
    assert "7 people behind them within 55 minutes, one person wrote 6 of the 12 negative replies" in row["flag_reasons"]


@pytest.mark.parametrize(
    "frame, why",
    [
        (replies(["negative"] * 3, hostile=[True] * 3, minutes_apart=1), "three replies"),
        (replies(["negative"] * 5, minutes_apart=1), "five replies"),
        (replies(["negative"] * 10, authors=["a", "b"] * 5, minutes_apart=1), "two people only"),
        (replies(["negative"] * 2 + ["neutral"] * 8, minutes_apart=1), "two negative replies"),
    ],
)
def test_below_minimum_evidence_never_flags(frame, why):
    row = summary(frame, council_roots=[THREAD])
    assert not row["evidence"] and not row["flagged"], why
    assert row["flag_reasons"] is None


def test_a_three_reply_thread_never_flags_even_when_it_scores_high():
    row = summary(replies(["negative"] * 3, authors=["a", "b", "c"], hostile=[True] * 3, minutes_apart=1),
                  FlagRules(people_gate=1.0), council_roots=[THREAD])
    assert row["pileon_score"] >= FlagRules().threshold and not row["flagged"]


def test_constructive_criticism_does_not_make_a_pile_on():
    frame = replies(["negative"] * 12)
    frame["feedback_class"] = ["constructive"] * 8 + ["negative"] * 4
    row = summary(frame)
    assert row["negative_count"] == 4 and not row["flagged"] and row["pileon_score"] == 0


def test_council_replies_are_not_counted():
    classes = ["negative"] * 8 + ["positive"] * 8
    row = summary(replies(classes, council=[False] * 8 + [True] * 8))
    assert row["reply_count"] == 8 and row["negative_count"] == 8 and row["flagged"]


def test_rules_are_configurable():
    frame = replies(["negative"] * 4 + ["neutral"])
    assert not summary(frame)["flagged"]
    assert summary(frame, FlagRules(min_replies=5))["flagged"]
    assert not summary(frame, FlagRules(min_replies=5, threshold=99))["flagged"]
    assert not summary(frame, FlagRules(min_replies=5, min_negative=5))["flagged"]


# --- Copies, velocity, the council ---------------------------------------------------------


def test_normalising_ignores_case_punctuation_digits_links_and_spacing():
    texts = pd.Series([
        "Sign the petition: BRING BACK WEEKLY BINS now!!! https://petition.example/123",
        "sign the petition bring back weekly bins now www.other.example/9",
        "  Sign   the petition — bring back weekly bins, NOW 2026 ",
        "Sign the petition to keep the library open",
    ])
    norm = normalise_text(texts).to_pylist()
    assert norm[0] == norm[1] == norm[2] == "sign the petition bring back weekly bins now"
    assert norm[3] != norm[0]


def test_a_copy_paste_campaign_is_named_and_raises_the_score():
    campaign = "Reverse the fortnightly bin decision NOW! Sign at https://petition.example/{n}"
    copied = replies(["negative"] * 10, texts=[campaign.format(n=n) for n in range(10)], minutes_apart=20)
    own_words = replies(["negative"] * 10, minutes_apart=20)
    row = summary(copied)
    assert row["duplicate_count"] == 10 and summary(own_words)["duplicate_count"] == 0
    assert row["pileon_score"] > summary(own_words)["pileon_score"]
    assert "10 near-identical replies (copy and paste)" in row["flag_reasons"]


def test_short_and_positive_replies_are_not_copies():
    texts = ["Agreed!"] * 4 + ["Thank you to the crew who cleared the snow so quickly"] * 4 + ["x y z"] * 4
    classes = ["negative"] * 4 + ["positive"] * 4 + ["negative"] * 4
    assert summary(replies(classes, texts=texts))["duplicate_count"] == 0


def test_copies_count_within_a_thread_only():
    text = "Reverse the fortnightly bin decision right now please"
    one = replies(["negative"] * 8, texts=[text] + [f"own words {'x' * i} here and there" for i in range(7)])
    other = replies(["negative"] * 8, thread="guardian:/p/2", texts=[text] * 8)
    both = summarise_threads(pd.concat([one, other]), components=True).set_index("thread_key")
    assert both.loc[THREAD, "duplicate_count"] == 0 and both.loc["guardian:/p/2", "duplicate_count"] == 8


def test_velocity_is_the_busiest_hour_of_each_thread():
    slow = replies(["negative"] * 8, minutes_apart=90)
    fast = replies(["negative"] * 8, minutes_apart=5, thread="guardian:/p/2")
    burst = replies(["negative"] * 8, thread="guardian:/p/3")
    burst["created_at"] = [START + timedelta(minutes=m) for m in (0, 200, 400, 401, 402, 430, 459, 460)]
    rows = summarise_threads(pd.concat([slow, fast, burst]), components=True).set_index("thread_key")
    assert rows["peak_replies"].to_dict() == {THREAD: 1, "guardian:/p/2": 8, "guardian:/p/3": 5}
    assert "busiest hour" not in (rows.loc[THREAD, "flag_reasons"] or "")


def test_a_thread_under_a_council_post_scores_higher_and_says_so():
    frame = pile_on()
    resident = summary(frame)
    council = summary(frame, council_roots=[THREAD])
    assert council["pileon_score"] > resident["pileon_score"]
    assert council["flag_reasons"].endswith("aimed at the council's post")
    assert "council" not in resident["flag_reasons"]


def test_replies_to_the_councils_reply_are_aimed_at_the_council():
    frame = pile_on()
    council_reply = replies(["positive"], council=[True], thread=THREAD)
    council_reply["key"] = "guardian:council-reply"
    frame["parent_id"] = ["guardian:council-reply"] * 3 + [THREAD] * 9
    row = summary(pd.concat([council_reply, frame]))
    assert row["aimed_count"] == 3 and row["reply_count"] == 12
    assert row["flag_reasons"].endswith("3 replies to the council's replies")
    assert row["pileon_score"] > summary(pile_on())["pileon_score"]


# --- All threads at once ---------------------------------------------------------------------


def test_all_threads_at_once_give_the_same_rows_as_one_at_a_time():
    frames = [
        replies(["negative"] * 9 + ["neutral"] * 3, thread="guardian:/p/a", minutes_apart=4),
        replies(["negative"] * 6, authors=["x"] * 6, thread="guardian:/p/b", minutes_apart=1),
        replies(["positive"] * 5 + ["negative"] * 7, thread="guardian:/p/c", minutes_apart=30,
                texts=["Bring back weekly bins, sign the petition today"] * 12),
        replies(["neutral"] * 2, thread="guardian:/p/d"),
    ]
    together = summarise_threads(pd.concat(frames), council_roots=["guardian:/p/c"]).set_index("thread_key")
    for frame in frames:
        key = frame["thread_id"].iloc[0]
        alone = summarise_threads(frame, council_roots=["guardian:/p/c"]).set_index("thread_key")
        pd.testing.assert_series_equal(together.loc[key], alone.loc[key], check_names=False)


def test_a_thread_with_only_council_replies_has_an_empty_summary():
    row = summary(replies(["positive"] * 3, council=[True] * 3))
    assert row["reply_count"] == 0 and row["pileon_score"] == 0 and not row["flagged"]


def test_empty_frame_gives_no_rows():
    assert summarise_threads(replies([]).iloc[0:0]).empty


def test_summarise_thread_explains_one_thread_of_the_thread_page():
    frame = pile_on().drop(columns=["thread_id", "source_id", "author_id"])
    row = summarise_thread(frame, council_root=True)
    assert row["council_root"] and row["reply_count"] == 12 and row["flagged"]


@pytest.mark.parametrize(
    "hours, words", [(0.2, "12 minutes"), (1, "1 hour"), (2.6, "3 hours"), (50, "2 days")]
)
def test_describe_span(hours, words):
    assert describe_span(hours) == words


# --- Through the store: refresh_threads -----------------------------------------------------

COUNCIL = SourceConfig(name="Mastodon council", kind="mastodon", options={"account": "examplecouncil"},
                       base_url="http://127.0.0.1", council_accounts=("examplecouncil",))
ANGRY = ["Fortnightly bins are a disgrace", "Useless council, nobody listens", "Rats everywhere now, well done",
         "This is a total shambles", "Who signed this off? Resign", "Terrible decision for families",
         "We pay more and get less", "My bin is overflowing already", "Nobody asked the residents",
         "Fly tipping will get worse"]


def store_thread(db_path, root_author: str, native: str) -> str:
    """A post by `root_author` and 10 replies (8 negative, from 7 people, within 40 minutes), labels saved explicitly."""
    items = [post(native, "Bins go fortnightly from March", START, kind="mastodon", author=root_author)]
    items += [comment(f"{native}-r{n}", ANGRY[n], START + timedelta(minutes=5 * n), native,
                      author=f"resident{n % 7}", kind="mastodon") for n in range(10)]
    with connect(db_path) as con:
        store_items(con, COUNCIL, items)
        labels = pd.DataFrame({
            "item_key": [i.key for i in items[1:]],
            "model_version": "test", "compound": -0.6,
            "sentiment": ["negative"] * 8 + ["neutral"] * 2,
            "feedback_class": ["negative"] * 8 + ["neutral"] * 2,
            "hostile": [True, False] * 5,
        })
        with transaction(con):
            save_scores(con, labels, START)
    return items[0].key


def stored(db_path, key):
    with connect(db_path, read_only=True) as con:
        names = ["flagged", "flag_reasons", "pileon_score", "reply_count", "negative_count", "author_count",
                 "status", "assignee", "flagged_at"]
        row = con.execute(f"SELECT {', '.join(names)} FROM threads WHERE thread_key = ?", [key]).fetchall()[0]
    return dict(zip(names, row))


def test_refresh_scores_a_council_post_higher_than_a_residents_and_says_so(db_path):
    council = store_thread(db_path, "examplecouncil", "1")
    resident = store_thread(db_path, "resident99", "2")
    assert refresh_threads(db_path, [council, resident]) == 2
    ours, theirs = stored(db_path, council), stored(db_path, resident)
    assert ours["flagged"] and theirs["flagged"]
    assert ours["pileon_score"] > theirs["pileon_score"]
    assert ours["flag_reasons"] == (
        "8 of 10 replies negative (80 %), 5 hostile; 7 people behind them within 35 minutes, busiest hour 10 replies; "
        "aimed at the council's post"
    )
    assert "council" not in theirs["flag_reasons"]
    assert (ours["reply_count"], ours["negative_count"], ours["author_count"]) == (10, 8, 7)


def test_refresh_keeps_triage_and_the_first_flag_time(db_path):
    key = store_thread(db_path, "examplecouncil", "1")
    refresh_threads(db_path, [key])
    first = stored(db_path, key)["flagged_at"]
    with connect(db_path) as con:
        con.execute("UPDATE threads SET status = 'in_progress', assignee = 'jo' WHERE thread_key = ?", [key])
    refresh_threads(db_path, [key])
    after = stored(db_path, key)
    assert (after["status"], after["assignee"], after["flagged_at"]) == ("in_progress", "jo", first)


def test_refresh_reads_only_the_texts_it_compares_and_still_finds_the_copies(db_path, monkeypatch):
    """Replies are read without texts; only those of negative enough threads are read, and the
    stored summaries are exactly what every text read at once gives."""
    from jobs import scoring
    from store.items import replies_for_threads
    from store.threads import council_roots

    campaign = "Save our library! Sign the petition at the town hall today"
    angry, calm = "10", "20"
    items = [post(angry, "Library to close", START, kind="mastodon"), post(calm, "Park reopens", START, kind="mastodon")]
    items += [comment(f"{angry}-r{n}", campaign if n < 6 else ANGRY[n], START + timedelta(minutes=5 * n), angry,
                      author=f"resident{n}", kind="mastodon") for n in range(10)]
    items += [comment(f"{calm}-r{n}", "When do the park gates open in the morning now?", START + timedelta(minutes=n),
                      calm, author=f"walker{n}", kind="mastodon") for n in range(6)]
    with connect(db_path) as con:
        store_items(con, COUNCIL, items)
        comments = [i for i in items if i.item_type == "comment"]
        negative = [i.thread_id == f"mastodon:{angry}" and i.native_id != f"{angry}-r9" for i in comments]
        with transaction(con):
            save_scores(con, pd.DataFrame({
                "item_key": [i.key for i in comments], "model_version": "test", "compound": 0.0,
                "sentiment": ["negative" if n else "neutral" for n in negative],
                "feedback_class": ["negative" if n else "neutral" for n in negative], "hostile": False,
            }), START)
    asked = []
    real = scoring.items_by_keys
    monkeypatch.setattr(scoring, "items_by_keys", lambda con, keys: asked.extend(keys) or real(con, keys))
    read_with_texts = []
    real_replies = scoring.replies_for_threads

    def replies_noting_texts(*args, **kwargs):
        frame = real_replies(*args, **kwargs)
        read_with_texts.append("text" in frame.columns)
        return frame

    monkeypatch.setattr(scoring, "replies_for_threads", replies_noting_texts)
    threads = [f"mastodon:{angry}", f"mastodon:{calm}"]
    assert refresh_threads(db_path, threads) == 2

    assert read_with_texts == [False]  # the replies came without their texts
    assert sorted(asked) == sorted(i.key for i in comments if i.thread_id == threads[0])  # not the calm thread's
    assert "6 near-identical replies (copy and paste)" in stored(db_path, threads[0])["flag_reasons"]
    with connect(db_path, read_only=True) as con:
        every_text = summarise_threads(replies_for_threads(con, threads), council_roots=council_roots(con, threads))
        names = ["thread_key", "flagged", "flag_reasons", "pileon_score", "reply_count", "negative_count"]
        saved = con.execute(f"SELECT {', '.join(names)} FROM threads ORDER BY thread_key").df()
    def rows(frame):
        return [tuple(None if pd.isna(v) else v for v in row) for row in frame.sort_values("thread_key")[names].itertuples(index=False)]

    assert rows(saved) == rows(every_text)


# --- On the Thread page ------------------------------------------------------------------------


def test_thread_page_breaks_the_score_down_into_points_that_add_up(seeded_db):
    from tests.test_pages import open_app

    at = open_app("app_pages/thread.py", thread=seeded_db.pile_on_key)
    with connect(seeded_db.path, read_only=True) as con:
        score = con.execute("SELECT pileon_score FROM threads WHERE thread_key = ?",
                            [seeded_db.pile_on_key]).fetchall()[0][0]
    assert at.expander[0].label == f"Why this score: {score:.0f} / 100, component by component"
    parts = at.table[0].value.set_index("Component")
    parts["Points"] = parts["Points"].astype(float)
    assert list(parts.index) == ["Negative replies", "Hostile replies", "Busiest hour", "People",
                                 "Near-identical replies", "Aimed at the council"]
    assert parts["Points"].sum() == pytest.approx(score, abs=0.3)
    assert parts.loc["Negative replies", "Measured"] == "14 of 20 (70 %)"
    assert parts.loc["Aimed at the council", "Measured"] == "under the council's post"
    assert parts.loc["Aimed at the council", "Points"] == pytest.approx(10.0)
    assert any("A thread is flagged from 30 points" in c.value for c in at.caption)
