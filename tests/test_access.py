"""Who may act: the pure decision (access.identify); the pages' side is in tests/test_triage_pages.py."""

import pytest

from access import AccessRules, clean_name, identify, rules_from_secrets, why_viewer
from store.triage import OFFICER, VIEWER, Actor

AUTH = {"auth": {"client_id": "x", "server_metadata_url": "https://login.example/.well-known/openid-configuration"}}


def test_rules_from_secrets():
    assert rules_from_secrets({}) == AccessRules()
    rules = rules_from_secrets({**AUTH, "pulse": {"officers": ["Jo@Council.gov.uk", " "], "require_login": True}})
    assert rules == AccessRules(login_configured=True, require_login=True, officers=frozenset({"jo@council.gov.uk"}))
    assert rules_from_secrets({"pulse": {"officers": "a@x, b@x"}}).officers == {"a@x", "b@x"}


@pytest.mark.parametrize("user, expected", [
    ({"is_logged_in": True, "email": "JO@council.gov.uk", "name": "Jo"}, Actor("JO@council.gov.uk", OFFICER)),
    ({"is_logged_in": True, "email": "vic@council.gov.uk"}, Actor("vic@council.gov.uk", VIEWER)),
    ({"is_logged_in": True, "preferred_username": "jo@council.gov.uk"}, Actor("jo@council.gov.uk", OFFICER)),
    ({"is_logged_in": False}, Actor("", VIEWER)),
    ({"email": "jo@council.gov.uk"}, Actor("", VIEWER)),  # no is_logged_in: not logged in
])
def test_with_a_login_the_officer_list_decides(user, expected):
    rules = rules_from_secrets({**AUTH, "pulse": {"officers": ["jo@council.gov.uk"]}})
    assert identify(user, "Typed Name", rules) == expected  # a typed name never counts with a login


def test_without_a_login_a_typed_name_makes_an_officer():
    rules = rules_from_secrets({})
    assert identify({}, "  Jo   Bloggs ", rules) == Actor("Jo Bloggs", OFFICER)
    assert identify({}, "", rules) == Actor("", VIEWER)
    assert identify({"email": "test@example.com"}, None, rules) == Actor("", VIEWER)  # st.user without a login


def test_require_login_without_one_makes_everyone_a_viewer():
    rules = rules_from_secrets({"pulse": {"require_login": True}})
    actor = identify({}, "Jo", rules)
    assert actor == Actor("Jo", VIEWER) and not actor.is_officer
    assert "need a login" in why_viewer(actor, rules)


def test_names_are_one_line_and_bounded():
    assert clean_name("a\nb\tc") == "a b c"
    assert len(clean_name("x" * 500)) == 80


def test_the_secrets_example_reads():
    import tomllib

    from analysis.alerts import load_settings
    from tests.conftest import ROOT

    example = ROOT / ".streamlit" / "secrets.toml.example"
    rules = rules_from_secrets(tomllib.loads(example.read_text(encoding="utf-8")))
    assert rules == AccessRules(officers=frozenset({"jo.bloggs@council.example"}))
    assert load_settings(example, environ={}).channels == []  # alerts are commented out
