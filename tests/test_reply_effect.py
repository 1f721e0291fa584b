"""Did our reply help: the public's replies before and after the council's first reply."""

from datetime import datetime, timedelta

import pandas as pd
import pytest

from analysis.reply_effect import EffectRules, reply_effect, reply_effects
from settings.sources import SourceConfig
from store.db import connect, transaction
from store.items import save_scores
from store.threads import effect_replies
from tests.factories import comment, post, store_items

T0 = datetime(2026, 11, 10, 12)


def thread(before, after, council_at=60, thread_id=None, hostile_before=0, hostile_after=0, compound=None):
    """Public replies (classes) before and after one council reply at `council_at` minutes."""
    classes = list(before) + list(after)
    minutes = [i for i in range(len(before))] + [council_at + 1 + i for i in range(len(after))]
    hostile = ([True] * hostile_before + [False] * (len(before) - hostile_before)
               + [True] * hostile_after + [False] * (len(after) - hostile_after))
    frame = pd.DataFrame({
        "created_at": [T0 + timedelta(minutes=m) for m in minutes] + [T0 + timedelta(minutes=council_at)],
        "is_council": [False] * len(classes) + [True],
        "feedback_class": classes + ["positive"],
        "hostile": hostile + [False],
        "compound": (compound or [-0.5 if c == "negative" else 0.3 for c in classes]) + [0.8],
    })
    if thread_id:
        frame["thread_id"] = thread_id
    return frame


def test_calmer_after_our_reply():
    effect = reply_effect(thread(["negative"] * 8 + ["neutral"] * 2, ["negative"] + ["neutral"] * 4))
    assert effect.outcome == "better"
    assert effect.before.replies == 10 and effect.after.replies == 5
    assert effect.before.negative_share == pytest.approx(0.8) and effect.after.negative_share == pytest.approx(0.2)
    assert effect.before.mean_compound == pytest.approx((8 * -0.5 + 2 * 0.3) / 10)
    assert effect.council_replied_at == pd.Timestamp(T0 + timedelta(minutes=60))
    assert effect.verdict == "Calmer after our reply: 80 % of replies negative before, 20 % after."


def test_angrier_after_our_reply():
    effect = reply_effect(thread(["neutral"] * 4 + ["negative"], ["negative"] * 4 + ["neutral"]))
    assert effect.outcome == "worse"
    assert effect.verdict == "Angrier after our reply: 20 % of replies negative before, 80 % after."


def test_no_clear_change():
    effect = reply_effect(thread(["negative"] * 3 + ["neutral"] * 2, ["negative"] * 3 + ["neutral"] * 2))
    assert effect.outcome == "no_change"
    assert effect.verdict.startswith("No clear change after our reply: 60 %")


def test_hostility_falling_counts_even_when_negativity_does_not():
    effect = reply_effect(thread(["negative"] * 5, ["negative"] * 5, hostile_before=4, hostile_after=0))
    assert effect.before.hostile_share == pytest.approx(0.8) and effect.after.hostile_share == 0
    assert effect.outcome == "better"


def test_tone_alone_can_decide():
    effect = reply_effect(thread(["neutral"] * 4, ["neutral"] * 4, compound=[-0.4] * 4 + [0.3] * 4))
    assert effect.outcome == "better" and effect.verdict.startswith("Warmer in tone after our reply (mean score -0.40 to +0.30)")


@pytest.mark.parametrize(
    "before, after, words",
    [
        (["negative"] * 6, ["negative"] * 2, "Too few replies after our reply to tell (2 so far)."),
        (["negative"] * 6, [], "Too few replies after our reply to tell (none)."),
        (["negative"], ["neutral"] * 4, "Too few replies before our reply to compare (1); 0 % of the 4 replies after it were negative."),
    ],
)
def test_too_few_replies_to_tell(before, after, words):
    effect = reply_effect(thread(before, after))
    assert effect.outcome == "too_few" and effect.verdict == words


def test_the_minimum_evidence_is_configurable():
    frame = thread(["negative"] * 6, ["neutral"] * 2)
    assert reply_effect(frame, EffectRules(min_after=2)).outcome == "better"


def test_no_council_reply_gives_none():
    frame = thread(["negative"] * 4, ["negative"] * 4)
    assert reply_effect(frame[~frame["is_council"]]) is None
    assert reply_effect(frame.iloc[0:0]) is None


def test_only_the_first_council_reply_splits_and_council_replies_are_not_counted():
    frame = thread(["negative"] * 4, ["neutral"] * 4)
    later = frame[frame["is_council"]].assign(created_at=T0 + timedelta(minutes=200))
    effect = reply_effect(pd.concat([frame, later]))
    assert (effect.before.replies, effect.after.replies) == (4, 4)
    assert effect.council_replied_at == pd.Timestamp(T0 + timedelta(minutes=60))


def test_constructive_criticism_is_not_negative():
    effect = reply_effect(thread(["constructive"] * 5, ["constructive"] * 5))
    assert effect.before.negative_share == 0 and effect.outcome == "no_change"


def test_many_threads_at_once_match_one_at_a_time():
    frames = [
        thread(["negative"] * 8, ["neutral"] * 4, thread_id="a"),
        thread(["neutral"] * 4, ["negative"] * 4, thread_id="b", council_at=10),
        thread(["negative"] * 2, ["negative"] * 1, thread_id="c"),
    ]
    quiet = thread(["negative"] * 3, [], thread_id="d")
    rows = reply_effects(pd.concat(frames + [quiet[~quiet["is_council"]]])).set_index("thread_key")
    assert sorted(rows.index) == ["a", "b", "c"]
    for frame in frames:
        alone = reply_effect(frame)
        row = rows.loc[frame["thread_id"].iloc[0]]
        assert (row["outcome"], row["verdict"], row["after_replies"]) == (alone.outcome, alone.verdict, alone.after.replies)


COUNCIL = SourceConfig(name="Mastodon council", kind="mastodon", options={"account": "examplecouncil"},
                       base_url="http://127.0.0.1", council_accounts=("examplecouncil",))


def test_effect_replies_reads_labels_with_corrections_for_threads_the_council_replied_in(db_path):
    items = [post("p1", "Bins", T0, kind="mastodon", author="examplecouncil"),
             post("p2", "Parks", T0, kind="mastodon", author="examplecouncil")]
    items += [comment(f"a{n}", f"angry reply {n}", T0 + timedelta(minutes=n), "p1", author=f"r{n}", kind="mastodon")
              for n in range(4)]
    items += [comment("ours", "We are sorry, here is what happens next", T0 + timedelta(minutes=10), "p1",
                      parent="a0", author="examplecouncil", kind="mastodon")]
    items += [comment(f"b{n}", f"calmer reply {n}", T0 + timedelta(minutes=20 + n), "p1", author=f"s{n}",
                      kind="mastodon") for n in range(3)]
    items += [comment("other", "nice park", T0, "p2", author="t", kind="mastodon")]
    with connect(db_path) as con:
        store_items(con, COUNCIL, items)
        keys = [i.key for i in items[2:]]
        classes = ["negative"] * 4 + ["positive"] + ["neutral"] * 3 + ["positive"]
        with transaction(con):
            save_scores(con, pd.DataFrame({"item_key": keys, "model_version": "test", "compound": 0.0,
                                           "sentiment": classes, "feedback_class": classes, "hostile": False}), T0)
            con.execute("""INSERT INTO label_corrections VALUES ('mastodon:b0', 'sentiment', 'negative', 'jo', ?)""",
                        [T0])
        frame = effect_replies(con, ["mastodon:p1", "mastodon:p2"])
    assert set(frame["thread_id"]) == {"mastodon:p1"}  # the council did not reply under p2
    assert len(frame) == 8 and frame["is_council"].sum() == 1
    effect = reply_effect(frame)
    assert (effect.before.replies, effect.after.replies) == (4, 3)
    assert effect.after.negative_share == pytest.approx(1 / 3)  # the officer's correction counts


# --- On the pages -----------------------------------------------------------------------------


def add_council_reply(seeded, minutes_after_post: int) -> None:
    """The council answers the seeded pile-on's post this many minutes after it went up."""
    from tests.seed import MASTODON

    root = next(i for i in seeded.items if i.key == seeded.pile_on_key)
    reply = comment("ours-early", "We hear you: officers will explain the change at a drop-in on Thursday.",
                    root.created_at + timedelta(minutes=minutes_after_post), root.key.split(":", 1)[1],
                    author="examplecouncil", kind="mastodon")
    with connect(seeded.path) as con:
        store_items(con, MASTODON, [reply], collected_at=seeded.now)


def panel_table(at):
    tables = [d.value for d in at.dataframe if "Public replies" in d.value.columns]
    assert len(tables) == 1
    return tables[0]


def test_thread_page_shows_before_and_after_our_first_reply(seeded_db):
    from tests.test_pages import open_app

    add_council_reply(seeded_db, 60)
    at = open_app("app_pages/thread.py", thread=seeded_db.pile_on_key)
    public = sorted((i for i in seeded_db.items if i.thread_key == seeded_db.pile_on_key and not i.is_council
                     and i.key != seeded_db.pile_on_key), key=lambda i: i.created_at)
    cut = next(i for i in seeded_db.items if i.key == seeded_db.pile_on_key).created_at + timedelta(minutes=60)
    before = [i for i in public if i.created_at <= cut]
    after = [i for i in public if i.created_at > cut]
    table = panel_table(at)
    assert table["Public replies"].tolist() == [len(before), len(after)] == [6, 14]

    def share(items):
        return f"{round(100 * sum(i.expected_class == 'negative' for i in items) / len(items))} %"

    assert table["Negative"].tolist() == [share(before), share(after)]
    assert any("Did our reply help?" in m.value for m in at.markdown)
    verdicts = [e.value for kind in ("success", "warning", "caption") for e in at.get(kind)]
    assert any("after our reply" in v for v in verdicts)


def test_thread_page_says_when_it_is_too_early_and_is_silent_without_a_council_reply(seeded_db):
    from tests.test_pages import open_app

    at = open_app("app_pages/thread.py", thread=seeded_db.pile_on_key)  # the council answered after everyone
    assert any(c.value == "Too few replies after our reply to tell \\(none\\)\\." for c in at.caption)
    quiet = open_app("app_pages/thread.py", thread=seeded_db.quiet_thread_key)
    assert not any("Did our reply help" in m.value for m in quiet.markdown)


def test_flagged_queue_has_an_our_reply_column(seeded_db):
    from analysis.reply_effect import OUTCOME_LABELS
    from tests.test_pages import open_app

    at = open_app("app_pages/flagged.py")
    table = at.dataframe[-1].value.set_index("Post")
    assert "Our reply" in table.columns
    ours = table["Our reply"].tolist()
    assert OUTCOME_LABELS["too_few"] in ours  # the pile-on: the council answered after everyone
    assert "–" in ours  # the Reddit thread: no council reply
