"""Who an export is recorded under, on the Weekly export page: the signed-in officer, else the typed
name, else a name the page says before anything is downloaded; with a login configured, nobody who
is not signed in can download."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.test_triage_pages import AUTH, open_app
from ui.identity import UNNAMED_EXPORTER

DOWNLOADS = ["Download CSV", "Download summary CSV", "Data dictionary", "Briefing (HTML)", "Briefing (PDF)"]
RECORDED = ("Download CSV", "Download summary CSV", "Briefing (HTML)", "Briefing (PDF)")


def buttons(at: AppTest) -> dict:
    return {b.label: b for b in at.get("download_button")}


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption).replace("\\", "").replace("\u2060", "")  # escapes left out


def test_without_a_name_the_page_says_who_the_download_is_recorded_as(seeded_db):
    at = open_app("app_pages/export.py")
    assert list(buttons(at)) == DOWNLOADS
    assert UNNAMED_EXPORTER in captions(at) and "Type your name" in captions(at)
    assert not any(b.proto.disabled for b in buttons(at).values())


def test_a_typed_name_is_who_it_is_recorded_under(seeded_db):
    at = open_app("app_pages/export.py", name="Jo Bloggs")
    assert "recorded in the audit log under Jo Bloggs" in captions(at)


def test_a_signed_in_user_is_who_it_is_recorded_under(seeded_db):
    at = open_app("app_pages/export.py", secrets=AUTH, user={"is_logged_in": True, "email": "sam@council.example"})
    assert "under sam@council.example" in captions(at)
    assert not buttons(at)["Briefing (PDF)"].proto.disabled


def test_with_a_login_configured_an_anonymous_download_is_refused(seeded_db):
    at = AppTest.from_file(str(ROOT / "app_pages" / "export.py"), default_timeout=60)
    at.secrets.update(AUTH)
    at.run()
    assert not at.exception
    assert "Sign in to download" in at.warning[0].value
    found = buttons(at)
    assert all(found[label].proto.disabled for label in RECORDED)
    assert not found["Data dictionary"].proto.disabled  # no data in it: column meanings only
