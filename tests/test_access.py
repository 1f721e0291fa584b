"""Who may act: the pure decision (access.identify); the pages' side is in tests/test_triage_pages.py."""

import pytest

from settings.dashboard import AccessSettings, access_settings
from settings.typed import SettingsError
from store.triage import OFFICER, VIEWER, Actor
from ui.identity import clean_name, identify, why_viewer

AUTH = {"auth": {"client_id": "x", "server_metadata_url": "https://login.example/.well-known/openid-configuration"}}


def test_access_settings():
    assert access_settings({}) == AccessSettings()
    rules = access_settings({**AUTH, "pulse": {"officers": ["Jo@Council.gov.uk", " "], "require_login": True}})
    assert rules == AccessSettings(login_configured=True, require_login=True, officers=frozenset({"jo@council.gov.uk"}),
                                   issuer="https://login.example")
    assert access_settings({"pulse": {"officers": "a@x"}}).officers == {"a@x"}  # one text: a list of one


@pytest.mark.parametrize("pulse, wrong", [
    ({"require_login": "on"}, "require_login"),  # a text, not true or false: never read as either
    ({"require_login": "false"}, "require_login"),
    ({"officers": "a@x, b@x"}, "officers"),
    ({"officer": ["a@x"]}, "unknown setting"),
])
def test_settings_of_the_wrong_type_are_an_error_naming_the_key(pulse, wrong):
    with pytest.raises(SettingsError, match=wrong):
        access_settings({"pulse": pulse})


VOUCHED = {"is_logged_in": True, "iss": "https://login.example", "email_verified": True}  # the issuer of AUTH


@pytest.mark.parametrize("user, expected", [
    ({**VOUCHED, "email": "JO@council.gov.uk", "name": "Jo"}, Actor("JO@council.gov.uk", OFFICER)),
    ({**VOUCHED, "email": "vic@council.gov.uk"}, Actor("vic@council.gov.uk", VIEWER)),
    ({"is_logged_in": True, "email": "jo@council.gov.uk"}, Actor("jo@council.gov.uk", VIEWER)),  # nobody vouched
    ({"is_logged_in": False}, Actor("", VIEWER)),
    ({"email": "jo@council.gov.uk"}, Actor("", VIEWER)),  # no is_logged_in: not logged in
])
def test_with_a_login_the_officer_list_decides(user, expected):
    rules = access_settings({**AUTH, "pulse": {"officers": ["jo@council.gov.uk"]}})
    assert identify(user, "Typed Name", rules) == expected  # a typed name never counts with a login


def test_without_a_login_a_typed_name_makes_an_officer():
    rules = access_settings({})
    assert identify({}, "  Jo   Bloggs ", rules) == Actor("Jo Bloggs", OFFICER)
    assert identify({}, "", rules) == Actor("", VIEWER)
    assert identify({"email": "test@example.com"}, None, rules) == Actor("", VIEWER)  # st.user without a login


def test_require_login_without_one_makes_everyone_a_viewer():
    rules = access_settings({"pulse": {"require_login": True}})
    actor = identify({}, "Jo", rules)
    assert actor == Actor("Jo", VIEWER) and not actor.is_officer
    assert "need a login" in why_viewer(actor, rules)


def test_names_are_one_line_and_bounded():
    assert clean_name("a\nb\tc") == "a b c"
    assert len(clean_name("x" * 500)) == 80


def test_the_secrets_example_reads():
    import tomllib

    from settings.alerts import load_alert_settings
    from tests.conftest import ROOT

    example = ROOT / ".streamlit" / "secrets.toml.example"
    rules = access_settings(tomllib.loads(example.read_text(encoding="utf-8")))
    assert rules == AccessSettings(officers=frozenset({"jo.bloggs@council.example"}))
    assert load_alert_settings(example, environ={}).channels == []  # alerts are commented out


def test_the_dashboard_binds_to_localhost():
    """`streamlit run app.py` from the repository root reads .streamlit/config.toml there (Streamlit's own
    lookup); it must listen on 127.0.0.1 only, and nothing that starts the app may say otherwise."""
    import tomllib
    from pathlib import Path

    from streamlit import file_util

    from tests.conftest import ROOT

    config = tomllib.loads(Path(file_util.get_project_streamlit_file_path("config.toml")).read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert "server.address" not in (ROOT / "Makefile").read_text(encoding="utf-8")


# Secrets as a deployment holds them: the login's client secret and cookie key, the alert channels'
# password and webhook token, a platform key and the pseudonym key.
SECRET_VALUES = {
    "client_secret": "oidc-client-secret-7f3a9c",
    "cookie_secret": "cookie-signing-key-51be0d2e",
    "smtp_password": "smtp-password-c0ffee42",
    "webhook_token": "webhook-token-9d8e7f6a",
    "platform_token": "EAAGplatformtoken0a1b2c3d",
    "pseudonym_key": "pseudonym-key-4e5f6a7b",
}


def _element_bytes(node) -> bytes:
    """Everything an AppTest page holds, serialised: text, labels, options, dataframe cells."""
    proto = getattr(node, "proto", None)
    found = [proto.SerializeToString()] if proto is not None and hasattr(proto, "SerializeToString") else []
    for child in getattr(node, "children", {}).values():
        found.append(_element_bytes(child))
    return b"".join(found)


def test_no_page_shows_a_secret(seeded_db, httpserver, monkeypatch):
    """With secrets configured and a collector error from a request that carried a token (in its path,
    its query and its headers), no page of the router shows any secret, to an officer."""
    import re

    import pytest
    from streamlit.testing.v1 import AppTest

    from collectors.errors import FetchError
    from collectors.http import HttpClient
    from store.db import connect, transaction
    from store.sources import finish_run, start_run
    from tests.conftest import ROOT

    monkeypatch.setenv("PULSE_PSEUDONYM_KEY", SECRET_VALUES["pseudonym_key"])
    monkeypatch.setenv("YOUTUBE_API_KEY", SECRET_VALUES["platform_token"])
    token = SECRET_VALUES["platform_token"]
    httpserver.expect_request(f"/bot{token}/feed").respond_with_data("down", status=500)
    with HttpClient(tries=1, sleep=lambda s: None) as http, pytest.raises(FetchError) as failed:
        http.get(httpserver.url_for(f"/bot{token}/feed"), params={"access_token": token},
                 headers={"Authorization": f"Bearer {token}"}, secrets=[token])
    source_id = seeded_db.source_ids["Reddit r/examplecouncil"]
    with connect(seeded_db.path) as con, transaction(con):
        run = start_run(con, source_id, seeded_db.now)
        finish_run(con, run, source_id, seeded_db.now, str(failed.value), [])

    secrets = {
        "auth": {"redirect_uri": "http://127.0.0.1:8501/oauth2callback",
                 "cookie_secret": SECRET_VALUES["cookie_secret"],
                 "client_id": "pulse", "client_secret": SECRET_VALUES["client_secret"],
                 "server_metadata_url": "https://login.example/.well-known/openid-configuration"},
        "pulse": {"officers": ["jo@council.example"]},
        "alerts": {"smtp_host": "127.0.0.1", "smtp_from": "pulse@council.example", "smtp_to": ["jo@council.example"],
                   "smtp_password": SECRET_VALUES["smtp_password"],
                   "webhook_url": f"https://hooks.example/services/{SECRET_VALUES['webhook_token']}"},
    }
    pages = re.findall(r'st\.Page\(\s*"([^"]+)"', (ROOT / "app.py").read_text(encoding="utf-8"))
    shown_error = False
    for page in pages:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.secrets.update(secrets)
        at.user = {"is_logged_in": True, "iss": "https://login.example", "email_verified": True,
                   "email": "jo@council.example"}
        at.run()
        at.switch_page(page)
        if page.endswith("thread.py"):
            at.query_params["thread"] = seeded_db.pile_on_key
        at.run()
        assert not at.exception, (page, [e.message for e in at.exception])
        everything = _element_bytes(at._tree)
        assert b"Signed in: jo" in everything and b"\xc2\xb7 officer" in everything  # the officer's view
        leaked = [name for name, value in SECRET_VALUES.items() if value.encode() in everything]
        assert leaked == [], f"{page} shows {leaked}"
        shown_error = shown_error or b"HTTP 500" in everything
    assert shown_error, "the Sources page showed the collector's error (redacted)"
