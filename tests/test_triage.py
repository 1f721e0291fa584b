"""Officer triage in the store: every change with its audit row, viewers refused, corrections kept."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from jobs.scoring import rescore_all, score_pending
from settings.sources import SourceConfig
from store import queries, triage
from store.db import connect
from store.export import items_between
from store.triage import Actor, NotAllowed, TriageError
from tests.factories import comment, post, store_items

SOURCE = SourceConfig(name="Guardian test", kind="guardian", options={"discussions": ["/p/1"]})
JO = Actor("jo@council.gov.uk", triage.OFFICER)
SAM = Actor("sam@council.gov.uk", triage.OFFICER)
VIEWER = Actor("vic@council.gov.uk", triage.VIEWER)
T0 = datetime(2026, 11, 16, 9)
ANGRY = "This is a disgrace, absolutely useless and terrible service."
THREAD = "guardian:/p/1"
OTHER = "guardian:/p/2"


@pytest.fixture
def pile_on(db_path):
    """A thread with 8 negative replies from 4 people (flagged) and a quiet one."""
    items = [post("/p/1", "Bins go fortnightly", T0), post("/p/2", "Library hours", T0)]
    items += [comment(f"c{n}", ANGRY, T0 + timedelta(minutes=5 * n), "/p/1", author=f"r{n % 4}") for n in range(8)]
    items += [comment("q1", "Which day are the bins collected?", T0, "/p/2", author="q")]
    with connect(db_path) as con:
        store_items(con, SOURCE, items)
    score_pending(db_path)
    return db_path


def log(con, **filters):
    return triage.audit_log(con, **filters)


def test_status_change_is_recorded_with_its_author(pile_on):
    with connect(pile_on) as con:
        assert triage.set_status(con, JO, THREAD, "acknowledged", note="looking now", at=T0) == 1
        assert triage.thread_status(con, THREAD) == {"status": "acknowledged", "assignee": None, "silenced": False}
        entries = log(con, thread_key=THREAD)
    assert entries[["actor", "action", "value", "note"]].values.tolist() == [
        ["jo@council.gov.uk", "status", "acknowledged", "looking now"],
    ]


def test_setting_the_same_status_again_changes_and_logs_nothing(pile_on):
    with connect(pile_on) as con:
        triage.set_status(con, JO, THREAD, "in_progress")
        assert triage.set_status(con, SAM, THREAD, "in_progress") == 0
        assert len(log(con)) == 1


def test_bulk_status_and_assignment_log_one_row_per_thread(pile_on):
    with connect(pile_on) as con:
        assert triage.set_status(con, JO, [THREAD, OTHER], "in_progress") == 2
        assert triage.assign(con, JO, [THREAD, OTHER, THREAD], "sam@council.gov.uk") == 2
        assert triage.assignees(con) == ["sam@council.gov.uk"]
        assert triage.assign(con, SAM, [OTHER], "  ") == 1  # blank: unassigned
        assert triage.thread_status(con, OTHER)["assignee"] is None
        entries = log(con)
    assert sorted(zip(entries["action"], entries["thread_key"], entries["value"].fillna("-"))) == sorted([
        ("status", THREAD, "in_progress"), ("status", OTHER, "in_progress"),
        ("assign", THREAD, "sam@council.gov.uk"), ("assign", OTHER, "sam@council.gov.uk"), ("assign", OTHER, "-"),
    ])


def test_a_bulk_change_with_one_unknown_thread_changes_nothing(pile_on):
    with connect(pile_on) as con:
        with pytest.raises(TriageError, match="no thread 'guardian:nope'"):
            triage.set_status(con, JO, [THREAD, "guardian:nope"], "closed")
        assert triage.thread_status(con, THREAD)["status"] == "new"
        assert log(con).empty


def test_unknown_status_and_empty_note_are_refused_in_words(pile_on):
    with connect(pile_on) as con:
        with pytest.raises(TriageError, match="unknown status 'done'"):
            triage.set_status(con, JO, THREAD, "done")
        with pytest.raises(TriageError, match="empty"):
            triage.add_note(con, JO, THREAD, "   ")
        with pytest.raises(TriageError, match="no thread chosen"):
            triage.set_status(con, JO, [], "closed")
        assert log(con).empty


@pytest.mark.parametrize("who", [VIEWER, Actor("", triage.OFFICER), "jo@council.gov.uk", None])
def test_viewers_and_nameless_users_are_refused_by_the_store(pile_on, who):
    with connect(pile_on) as con:
        for call in (
            lambda: triage.set_status(con, who, THREAD, "closed"),
            lambda: triage.assign(con, who, THREAD, "me"),
            lambda: triage.add_note(con, who, THREAD, "hello"),
            lambda: triage.set_silenced(con, who, THREAD, True),
            lambda: triage.correct_label(con, who, "guardian:c1", "sentiment", "positive"),
        ):
            with pytest.raises(NotAllowed):
                call()
        assert triage.thread_status(con, THREAD) == {"status": "new", "assignee": None, "silenced": False}
        assert log(con).empty
        assert con.execute("SELECT count(*) FROM label_corrections").fetchall() == [(0,)]


def test_notes_and_silencing(pile_on):
    with connect(pile_on) as con:
        assert triage.add_note(con, JO, THREAD, "Phoned the waste team.") == 1
        assert triage.set_silenced(con, JO, THREAD, True, note="press office handles it") == 1
        assert triage.set_silenced(con, JO, THREAD, True) == 0
        assert triage.thread_status(con, THREAD)["silenced"] is True
        assert triage.set_silenced(con, SAM, THREAD, False) == 1
        entries = log(con, thread_key=THREAD)
    assert entries["action"].tolist() == ["unsilence", "silence", "note"]  # newest first
    assert entries["note"].tolist()[1:] == ["press office handles it", "Phoned the waste team."]


def test_a_post_without_replies_can_still_be_triaged(pile_on):
    with connect(pile_on) as con:
        store_items(con, SOURCE, [post("/p/3", "Lonely post", T0)])
        assert triage.set_status(con, JO, "guardian:/p/3", "closed") == 1


def test_audit_log_filters(pile_on):
    with connect(pile_on) as con:
        triage.set_status(con, JO, THREAD, "acknowledged", at=T0)
        triage.add_note(con, SAM, OTHER, "note", at=T0 + timedelta(hours=2))
        assert log(con, actors=["sam@council.gov.uk"])["action"].tolist() == ["note"]
        assert log(con, actions=["status"])["thread_key"].tolist() == [THREAD]
        assert log(con, start=T0 + timedelta(hours=1))["actor"].tolist() == ["sam@council.gov.uk"]
        assert log(con, end=T0 + timedelta(hours=1))["actor"].tolist() == ["jo@council.gov.uk"]
        assert triage.audit_facets(con) == {
            "actors": ["jo@council.gov.uk", "sam@council.gov.uk"], "actions": ["note", "status"],
        }


def test_response_times_come_from_the_log(pile_on):
    with connect(pile_on) as con:
        flagged_at = con.execute("SELECT flagged_at FROM threads WHERE thread_key = ?", [THREAD]).fetchall()[0][0]
        triage.set_status(con, JO, THREAD, "in_progress", at=flagged_at + timedelta(hours=2))
        triage.set_status(con, JO, THREAD, "responded", at=flagged_at + timedelta(hours=5))
        triage.set_status(con, JO, THREAD, "closed", at=flagged_at + timedelta(hours=6))
        times = triage.response_times(con)
    assert times["thread_key"].tolist() == [THREAD]  # only flagged threads
    row = times.iloc[0]
    assert row["acknowledged_at"] == flagged_at + timedelta(hours=2)
    assert row["responded_at"] == flagged_at + timedelta(hours=5)


def flagged(db, key=THREAD) -> bool:
    with connect(db, read_only=True) as con:
        return bool(con.execute("SELECT flagged FROM threads WHERE thread_key = ?", [key]).fetchall()[0][0])


def test_corrections_win_over_a_later_rescore(pile_on):
    assert flagged(pile_on)
    keys = [f"guardian:c{n}" for n in range(5)]
    with connect(pile_on) as con:
        assert triage.correct_label(con, JO, keys, "sentiment", "positive") == 5
        triage.correct_label(con, JO, "guardian:c7", "feedback_class", "constructive")
    assert rescore_all(pile_on) == 11
    assert not flagged(pile_on)  # 3 of 8 negative after the officer's labels: the rescore kept them
    with connect(pile_on, read_only=True) as con:
        # The model's own label is unchanged underneath; readers see the officer's.
        assert con.execute("SELECT DISTINCT sentiment FROM scores WHERE item_key LIKE 'guardian:c%'").fetchall() == [
            ("negative",)
        ]
        replies = queries.thread_replies(con, THREAD).set_index("key")
        exported = items_between(con, T0 - timedelta(days=1), T0 + timedelta(days=1)).set_index("item_key")
        agreement = triage.label_agreement(con).set_index("field")
    assert replies.loc[keys, "sentiment"].tolist() == ["positive"] * 5
    assert replies.loc["guardian:c7", "feedback_class"] == "constructive"
    assert replies.loc["guardian:c6", "sentiment"] == "negative"
    assert exported.loc[keys, "sentiment"].tolist() == ["positive"] * 5
    assert exported.loc["guardian:c7", "feedback_class"] == "constructive"
    # Six officer labels, none agreeing with the model.
    assert agreement.loc["sentiment", ["labelled", "agreed"]].tolist() == [5, 0]
    assert agreement.loc["feedback_class", ["labelled", "agreed"]].tolist() == [1, 0]


def test_a_confirming_label_counts_as_agreement_and_the_latest_correction_wins(pile_on):
    with connect(pile_on) as con:
        triage.correct_label(con, JO, "guardian:c1", "sentiment", "negative")  # confirms the model
        triage.correct_label(con, JO, "guardian:c2", "sentiment", "positive")
        triage.correct_label(con, SAM, "guardian:c2", "sentiment", "neutral")  # second opinion
        agreement = triage.label_agreement(con).set_index("field")
        assert agreement.loc["sentiment", ["labelled", "agreed", "agreement"]].tolist() == [2, 1, 0.5]
        assert con.execute(
            "SELECT value, actor FROM label_corrections WHERE item_key = 'guardian:c2'"
        ).fetchall() == [("neutral", "sam@council.gov.uk")]
        notes = log(con, actions=["correct_label"])["note"].tolist()
    assert notes == ["model said negative"] * 3  # every correction stays in the log


def test_bad_labels_are_refused(pile_on):
    with connect(pile_on) as con:
        with pytest.raises(TriageError, match="only sentiment or feedback_class"):
            triage.correct_label(con, JO, "guardian:c1", "hostile", "true")
        with pytest.raises(TriageError, match="not a sentiment label"):
            triage.correct_label(con, JO, "guardian:c1", "sentiment", "furious")
        with pytest.raises(TriageError, match="no item"):
            triage.correct_label(con, JO, ["guardian:c1", "guardian:zz"], "sentiment", "neutral")
        assert con.execute("SELECT count(*) FROM label_corrections").fetchall() == [(0,)]


def test_the_app_never_rewrites_the_log():
    """No code in the project updates or deletes audit rows."""
    import re

    from tests.conftest import ROOT

    offenders = []
    for path in ROOT.glob("**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"(UPDATE\s+actions|DELETE\s+FROM\s+actions|TRUNCATE\s+actions|DROP\s+TABLE\s+actions)", text, re.I):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_a_sentiment_correction_moves_the_class_in_the_export_as_on_the_dashboard(pile_on):
    with connect(pile_on) as con:
        triage.correct_label(con, JO, "guardian:c1", "sentiment", "positive")
        exported = items_between(con, T0 - timedelta(days=1), T0 + timedelta(days=1)).set_index("item_key")
        shown = queries.thread_replies(con, THREAD).set_index("key")
    assert exported.loc["guardian:c1", ["sentiment", "feedback_class"]].tolist() == ["positive", "positive"]
    assert shown.loc["guardian:c1", "feedback_class"] == "positive"
    assert exported.loc["guardian:c2", "feedback_class"] == "negative"


def test_the_same_note_twice_is_one_submission_and_later_it_is_a_new_one(pile_on):
    with connect(pile_on) as con:
        assert triage.add_note(con, JO, THREAD, "Called back", at=T0) == 1
        assert triage.add_note(con, JO, THREAD, " Called back ", at=T0 + timedelta(seconds=1)) == 0  # double click
        assert triage.add_note(con, SAM, THREAD, "Called back", at=T0 + timedelta(seconds=2)) == 1  # another officer
        assert triage.add_note(con, JO, THREAD, "Called back", at=T0 + triage.REPEAT_NOTE_WINDOW * 2) == 1  # later
        assert triage.add_note(con, JO, [THREAD, OTHER], "Called back", at=T0 + triage.REPEAT_NOTE_WINDOW * 2) == 1
        notes = log(con, actions=["note"])
    assert notes[["actor", "thread_key"]].values.tolist() == [
        [JO.name, OTHER], [JO.name, THREAD], [SAM.name, THREAD], [JO.name, THREAD]]


def test_one_choice_sets_the_labels_it_stands_for_in_one_row_and_twice_is_once(pile_on):
    with connect(pile_on) as con:
        model = dict(con.execute("SELECT item_key, sentiment || '/' || feedback_class FROM scores").fetchall())
        assert triage.set_label(con, JO, "guardian:c1", "neutral") == 1
        assert triage.set_label(con, JO, "guardian:c1", "neutral") == 0  # the same again: nothing new
        assert triage.set_label(con, JO, "guardian:c2", "constructive") == 1
        shown = queries.thread_replies(con, THREAD).set_index("key")
        rows = log(con, actions=["correct_label"])
        with pytest.raises(TriageError, match="unknown label"):
            triage.set_label(con, JO, "guardian:c1", "furious")
        with pytest.raises(NotAllowed):
            triage.set_label(con, VIEWER, "guardian:c1", "neutral")
    tone, cls = model["guardian:c1"].split("/")
    assert shown.loc["guardian:c1", ["sentiment", "feedback_class"]].tolist() == ["neutral", "neutral"]
    assert shown.loc["guardian:c2", ["sentiment", "feedback_class"]].tolist() == [
        model["guardian:c2"].split("/")[0], "constructive"]  # constructive keeps the model's tone
    assert rows[["item_key", "value", "note"]].values.tolist() == [
        ["guardian:c2", "feedback_class=constructive", f"model said {model['guardian:c2'].split('/')[1]}"],
        ["guardian:c1", "feedback_class=neutral, sentiment=neutral", f"model said feedback_class={cls}, sentiment={tone}"],
    ]
