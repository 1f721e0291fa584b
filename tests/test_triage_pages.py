"""Triage through the pages (AppTest): an action appears in the thread's history and on the Audit
page with its author; viewers see disabled controls and the store refuses them anyway; with a
login the officer list decides; hostile replies are collapsed; the queue filters and bulk-changes."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from store import queries, triage
from store.db import connect
from tests.conftest import ROOT
from tests.seed import PILE_ON_REASON, REDDIT_FLAGGED_TITLE
from tests.test_pages import show_hostile, unescaped

TIMEOUT_S = 60
AUTH = {"auth": {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32,
                 "client_id": "pulse", "client_secret": "s",
                 "server_metadata_url": "https://login.example/.well-known/openid-configuration"},
        "pulse": {"officers": ["jo@council.example"]}}
# A sign-in the provider vouches for: its issuer (from server_metadata_url) and a verified email.
VOUCHED = {"is_logged_in": True, "iss": "https://login.example", "email_verified": True}


def open_app(page: str | None = None, *, name: str | None = None, secrets: dict | None = None,
             user: dict | None = None, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    if secrets:
        at.secrets.update(secrets)
    if user is not None:
        at.user = user
    if name is not None:
        at.session_state["officer_name"] = name
    at.run()
    if page:
        at.switch_page(page)
        at.query_params.update(query)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def thread_page(seeded, key=None, **kwargs) -> AppTest:
    return open_app("app_pages/thread.py", thread=key or seeded.pile_on_key, **kwargs)


def history(at: AppTest):
    """The thread's own history table (the last dataframe on the Thread page)."""
    return at.dataframe[-1].value


def button(at: AppTest, key: str):
    return at.button(key=key)


def test_an_officer_changes_status_and_it_is_in_the_history_with_the_author(seeded_db):
    key = seeded_db.pile_on_key
    at = thread_page(seeded_db, name="Jo Bloggs")
    assert not button(at, "triage_save").disabled
    at.selectbox(key=f"triage_status_{key}").select("acknowledged")
    at.text_area(key=f"triage_note_{key}").input("Called the waste team")
    button(at, "triage_save").click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Status"] == "Acknowledged"
    log = history(at)
    assert log[["Who", "Action", "Value", "Note"]].values.tolist() == [
        ["Jo Bloggs", "Status", "Acknowledged", "Called the waste team"],
    ]
    assert any("Saved: status Acknowledged" in unescaped(s.value) for s in at.success)
    assert at.text_area(key=f"triage_note_{key}").value == ""  # a saved note leaves its box

    queue = open_app("app_pages/flagged.py", name="Jo Bloggs").dataframe[0].value
    assert queue.set_index("Why flagged").loc[PILE_ON_REASON, "Status"] == "Acknowledged"
    audit = open_app("app_pages/audit.py").dataframe[0].value
    assert audit[["Who", "Action", "Thread"]].values.tolist()[0] == ["Jo Bloggs", "Status", key]


def test_assignment_note_and_silence_each_logged(seeded_db):
    key = seeded_db.pile_on_key
    at = thread_page(seeded_db, name="Jo Bloggs")
    at.text_input(key=f"triage_assignee_{key}").input("Sam")
    at.text_area(key=f"triage_note_{key}").input("Sam knows the route")
    button(at, "triage_save").click().run()
    button(at, "triage_silence").click().run()
    assert "Silenced" in at.info[0].value or any("Silenced" in i.value for i in at.info)
    assert history(at)[["Action", "Value"]].values.tolist() == [["Silenced", ""], ["Note", ""], ["Assigned", "Sam"]]
    with connect(seeded_db.path, read_only=True) as con:
        assert triage.thread_status(con, key) == {"status": "new", "assignee": "Sam", "silenced": True}


def test_a_viewer_sees_disabled_controls_and_why(seeded_db):
    at = thread_page(seeded_db)  # no name typed, no login
    assert button(at, "triage_save").disabled and button(at, "triage_silence").disabled
    assert any("Enter your name in the sidebar" in c.value for c in at.caption)


def _viewer_clicks_save(thread_key: str) -> None:
    """What the Save button runs, as a page would call it, for a session with no officer."""
    from store import triage
    from ui import identity

    identity.act(triage.set_status, thread_key, "closed", None, done="saved")
    identity.show_flash()


def test_the_store_refuses_a_viewer_even_if_the_button_fires(seeded_db):
    """A disabled button cannot be clicked (AppTest refuses too); behind it, the action itself
    refuses a viewer and the page says so in words."""
    at = AppTest.from_function(_viewer_clicks_save, args=(seeded_db.pile_on_key,), default_timeout=TIMEOUT_S)
    at.run()
    assert [unescaped(e.value) for e in at.error] == [
        "an anonymous user is a viewer: only officers can change threads and labels"]
    with connect(seeded_db.path, read_only=True) as con:
        assert triage.audit_log(con).empty
        assert triage.thread_status(con, seeded_db.pile_on_key)["status"] == "new"


def test_with_a_login_configured_nobody_sees_data_before_signing_in(seeded_db):
    at = open_app(secrets=AUTH, user={"is_logged_in": False})
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.dataframe


def test_with_a_login_the_officer_list_decides(seeded_db):
    viewer = thread_page(seeded_db, secrets=AUTH, user={**VOUCHED, "email": "vic@council.example"})
    assert button(viewer, "triage_save").disabled
    assert any("signed in as a viewer" in c.value for c in viewer.caption)
    assert not viewer.sidebar.text_input  # no typed names with a login

    officer = thread_page(seeded_db, secrets=AUTH, user={**VOUCHED, "email": "jo@council.example"},
                          name="Someone Else")
    officer.selectbox(key=f"triage_status_{seeded_db.pile_on_key}").select("in_progress")
    button(officer, "triage_save").click().run()
    assert history(officer)["Who"].tolist() == ["jo@council.example"]


def test_require_login_without_a_login_makes_everyone_a_viewer(seeded_db):
    at = thread_page(seeded_db, name="Jo Bloggs", secrets={"pulse": {"require_login": True}})
    assert button(at, "triage_save").disabled
    assert any("need a login" in c.value for c in at.caption)


def labels_shown(seeded_db) -> dict[str, str]:
    with connect(seeded_db.path, read_only=True) as con:
        replies = queries.thread_replies(con, seeded_db.pile_on_key)
    return dict(zip(replies["key"], replies["feedback_class"]))


def test_each_reply_has_its_own_label_control_and_one_choice_sets_it(seeded_db):
    before = labels_shown(seeded_db)
    reply = next(key for key, label in before.items() if label != "constructive")
    at = show_hostile(thread_page(seeded_db, name="Jo Bloggs"))
    choices = {r.key: r for r in at.radio if r.key.startswith("label_") and r.key.endswith("_choice")}
    assert len(choices) == len(before)  # one per reply shown
    control = choices[f"label_{reply}_choice"]
    assert control.options == ["Negative", "Constructive", "Positive", "Neutral"]  # words, not two columns
    control.set_value("constructive").run()
    assert not at.exception
    assert labels_shown(seeded_db)[reply] == "constructive"
    assert any(unescaped(s.value) == "Label set to Constructive." for s in at.success)
    log = history(at)
    assert log[["Who", "Action", "Value"]].values.tolist() == [["Jo Bloggs", "Label corrected", "Class: Constructive"]]
    # The same choice again changes nothing and logs nothing.
    at.radio(key=f"label_{reply}_choice").set_value("constructive").run()
    assert len(history(at)) == 1
    assert any(unescaped(s.value) == "Already labelled Constructive." for s in at.success)


def test_a_viewer_sees_labels_but_no_controls(seeded_db):
    at = show_hostile(thread_page(seeded_db))
    assert not [r for r in at.radio if r.key.startswith("label_")]
    assert any(":red[**Negative**" in c.value for c in at.caption)


def test_hostile_replies_are_collapsed_until_asked_for(seeded_db):
    hostile = [i for i in seeded_db.items if i.thread_key == seeded_db.pile_on_key and i.expected_class == "negative"
               and not i.is_council and i.key != seeded_db.pile_on_key][:3]
    with connect(seeded_db.path) as con:  # exactly these three, whatever the shipped model said
        con.execute("UPDATE scores SET hostile = (item_key IN (SELECT unnest(?::VARCHAR[])))",
                    [[h.key for h in hostile]])
    at = thread_page(seeded_db)
    assert len(at.text) == 1 + 21 - 3  # the post and the replies not marked hostile
    assert sum(1 for c in at.caption if "Hostile reply hidden" in c.value) == 3
    at.toggle(key="show_hostile").set_value(True).run()
    assert sum(1 for c in at.caption if "Hostile reply hidden" in c.value) == 0
    assert all(h.text in [t.value for t in at.text] for h in hostile)


def test_queue_filters_by_assignee_and_age_and_bulk_closes(seeded_db):
    with connect(seeded_db.path) as con:
        triage.assign(con, triage.Actor("Jo", triage.OFFICER), seeded_db.reddit_flagged_key, "Sam")
    at = open_app("app_pages/flagged.py", name="Jo Bloggs")
    at.multiselect(key="queue_assignee").set_value(["Sam"]).run()
    assert at.dataframe[0].value["Post"].tolist() == [REDDIT_FLAGGED_TITLE]
    at.multiselect(key="queue_assignee").set_value([]).run()
    at.selectbox(key="queue_age").select("Started over 7 days ago").run()
    assert at.dataframe[0].value["Post"].tolist() == [REDDIT_FLAGGED_TITLE]
    at.selectbox(key="queue_age").select("Any age").run()
    assert len(at.dataframe[0].value) == 2

    at.session_state["queue"] = {"selection": {"rows": [0, 1], "columns": [], "cells": []}}  # both rows ticked
    at.run()
    assert at.button(key="queue_open").disabled  # one thread opens; two are changed together
    at.selectbox(key="queue_bulk_status").select("closed")
    at.button(key="queue_bulk_apply").click().run()
    assert not at.exception
    assert "No flagged threads match" in at.info[0].value  # the queue shows open statuses by default
    with connect(seeded_db.path, read_only=True) as con:
        log = triage.audit_log(con, actions=["status"])
    assert sorted(log["thread_key"]) == sorted([seeded_db.pile_on_key, seeded_db.reddit_flagged_key])
    assert set(log["actor"]) == {"Jo Bloggs"}


def test_audit_page_filters_and_response_times(seeded_db):
    jo, sam = triage.Actor("Jo", triage.OFFICER), triage.Actor("Sam", triage.OFFICER)
    with connect(seeded_db.path) as con:
        triage.set_status(con, jo, seeded_db.pile_on_key, "acknowledged")
        triage.add_note(con, sam, seeded_db.reddit_flagged_key, "on it")
        triage.set_status(con, sam, seeded_db.reddit_flagged_key, "responded")
    at = open_app("app_pages/audit.py")
    assert len(at.dataframe[0].value) == 3
    at.multiselect(key="audit_actors").set_value(["Sam"]).run()
    assert at.dataframe[0].value["Action"].tolist() == ["Status", "Note"]
    at.multiselect(key="audit_actions").set_value(["note"]).run()
    assert at.dataframe[0].value["Note"].tolist() == ["on it"]
    weekly = at.dataframe[1].value
    assert weekly["Flagged"].sum() == 3 and weekly["Acknowledged"].sum() == 2 and weekly["Responded"].sum() == 1


def test_audit_page_on_an_empty_database(db_path):
    at = open_app("app_pages/audit.py")
    assert "No officer action or export has been recorded yet." in at.info[0].value


def test_export_page_offers_both_files(seeded_db):
    at = open_app("app_pages/export.py")
    assert [b.label for b in at.get("download_button")] == [
        "Download CSV", "Download summary CSV", "Data dictionary", "Briefing (HTML)", "Briefing (PDF)"]


def test_audit_page_shows_agreement_between_officers_and_the_model(seeded_db):
    jo = triage.Actor("Jo", triage.OFFICER)
    negative = [i.key for i in seeded_db.items if i.expected_class == "negative" and not i.is_council][:2]
    with connect(seeded_db.path) as con:
        triage.correct_label(con, jo, negative[0], "feedback_class", "negative")  # confirms the model
        triage.correct_label(con, jo, negative[1], "feedback_class", "positive")  # disagrees
    at = open_app("app_pages/audit.py")
    table = at.dataframe[2].value
    assert table[["Label", "Labelled by officers", "Model agreed", "Agreement"]].values.tolist() == [
        ["Class", 2, 1, 0.5],
    ]


def test_a_note_sent_twice_is_saved_once_and_its_box_clears(seeded_db):
    key = seeded_db.pile_on_key
    at = thread_page(seeded_db, name="Jo Bloggs")
    for _ in range(2):  # the second as a browser sends a double click: the same text again
        at.text_area(key=f"triage_note_{key}").input("Rang the resident back")
        button(at, "triage_save").click().run()
        assert at.text_area(key=f"triage_note_{key}").value == ""
    assert history(at)[["Action", "Note"]].values.tolist() == [["Note", "Rang the resident back"]]
    assert any("the note was already saved" in unescaped(s.value) for s in at.success)
