"""Login done right (issue 16, finding 10).

With `[auth]` configured: nothing about the data is drawn before sign-in, on any page (no source
name, no date, not even in the sidebar); and a signed-in user is an officer only from what the
identity provider vouches for: the configured issuer (and tenant, for Microsoft Entra ID), a verified
email in `[pulse] officers` or a stable account id in `officer_subjects`. Wrong issuer, wrong tenant,
an unverified email and a name alone each make a viewer. Before: the sidebar showed every source and
the newest item's date to an anonymous visitor, and a `name` claim or an unverified email made an
officer from any issuer.

st.user is seeded as Streamlit fills it after a sign-in: the ID token's claims (Authlib has checked
the token's signature, audience and expiry) plus is_logged_in.
"""

from __future__ import annotations

import re

import pytest

from settings.dashboard import access_settings
from settings.typed import SettingsError
from store.triage import OFFICER, VIEWER
from tests.conftest import ROOT
from tests.seed import SOURCES
from tests.test_access import _element_bytes
from tests.test_triage_pages import open_app
from ui.identity import identify, why_viewer

TENANT = "0f5a9c1e-3b2d-4c6e-8a7f-123456789abc"
OTHER_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
ENTRA = f"https://login.microsoftonline.com/{TENANT}/v2.0"
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "c" * 32, "client_id": "pulse",
        "client_secret": "s", "server_metadata_url": f"{ENTRA}/.well-known/openid-configuration"}
# As README and .streamlit/secrets.toml.example tell an operator of Microsoft Entra ID to write it.
SECRETS = {"auth": AUTH, "pulse": {"officers": ["jo@council.example"], "officer_subjects": ["oid-of-sam"],
                                   "tenant_id": TENANT, "email_claim": "preferred_username"}}
# A sign-in from the council's tenant, as Entra's v2.0 ID token has it (no verified email claim).
JO = {"is_logged_in": True, "iss": ENTRA, "tid": TENANT, "oid": "oid-of-jo", "sub": "pairwise-jo",
      "name": "Jo Bloggs", "preferred_username": "jo@council.example"}

OFFICERS = {
    "listed sign-in name": JO,
    "listed account id": {**JO, "oid": "oid-of-sam", "preferred_username": "sam@council.example", "name": "Sam"},
}
VIEWERS = {
    "another tenant's issuer": {**JO, "iss": f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0"},
    "another tenant": {**JO, "tid": OTHER_TENANT},
    "no issuer": {k: v for k, v in JO.items() if k != "iss"},
    "the name alone": {"is_logged_in": True, "iss": ENTRA, "tid": TENANT, "name": "jo@council.example"},
    "an unlisted account": {**JO, "oid": "oid-of-vic", "preferred_username": "vic@council.example"},
}
# With a provider that verifies addresses (email_claim = "email", the default).
GOOGLE = {"auth": {**AUTH, "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration"},
          "pulse": {"officers": ["jo@council.example"]}}
VERIFIED = {"is_logged_in": True, "iss": "https://accounts.google.com", "sub": "1076", "email": "jo@council.example",
            "email_verified": True}
EMAIL_VIEWERS = {
    "an unverified email": {**VERIFIED, "email_verified": False},
    "an email not said to be verified": {k: v for k, v in VERIFIED.items() if k != "email_verified"},
    "a verified-looking text": {**VERIFIED, "email_verified": "false"},
    "the email in the name": {k: v for k, v in VERIFIED.items() if k != "email"} | {"name": "jo@council.example"},
}


@pytest.mark.parametrize("user", OFFICERS.values(), ids=OFFICERS)
def test_an_officer_is_recognised_from_what_the_provider_vouches_for(user):
    actor = identify(user, None, access_settings(SECRETS))
    assert actor.role == OFFICER
    assert actor.name in ("jo@council.example", "sam@council.example")  # the verified sign-in name, for the log


@pytest.mark.parametrize("secrets, user", [(SECRETS, u) for u in VIEWERS.values()]
                         + [(GOOGLE, u) for u in EMAIL_VIEWERS.values()], ids=[*VIEWERS, *EMAIL_VIEWERS])
def test_wrong_issuer_wrong_tenant_unverified_email_or_a_name_alone_make_a_viewer(secrets, user):
    actor = identify(user, "Typed Name", access_settings(secrets))
    assert actor.role == VIEWER
    assert actor.name != "Typed Name"


def test_a_verified_email_from_the_configured_issuer_makes_an_officer():
    assert identify(VERIFIED, None, access_settings(GOOGLE)).role == OFFICER
    assert identify({**VERIFIED, "email_verified": "true"}, None, access_settings(GOOGLE)).role == OFFICER


def test_the_issuer_comes_from_the_sign_in_configuration_unless_set():
    assert access_settings(SECRETS).issuer == ENTRA  # OpenID Connect Discovery: the issuer + /.well-known/...
    explicit = {"auth": AUTH, "pulse": {"issuer": "https://sts.council.example"}}
    assert access_settings(explicit).issuer == "https://sts.council.example"
    unknown = {"auth": {**AUTH, "server_metadata_url": "https://login.example/metadata.json"}, "pulse": {}}
    rules = access_settings(unknown)
    assert rules.issuer is None and identify(VERIFIED, None, rules).role == VIEWER
    assert "issuer" in why_viewer(identify(VERIFIED, None, rules), rules)


@pytest.mark.parametrize("pulse, wrong", [
    ({"email_claim": "upn"}, "needs tenant_id"),  # a sign-in name is the tenant's word only in its own tenant
    ({"email_claim": "name", "tenant_id": TENANT}, "email_claim"),
    ({"officer_subjects": "oid-1, oid-2"}, None),  # one text: a list of one (ids hold no commas)
])
def test_login_settings_are_checked(pulse, wrong):
    if wrong is None:
        assert access_settings({"auth": AUTH, "pulse": pulse}).officer_subjects == {"oid-1, oid-2"}
        return
    with pytest.raises(SettingsError, match=wrong):
        access_settings({"auth": AUTH, "pulse": pulse})


# --- The pages --------------------------------------------------------------------------------------

PAGES = re.findall(r'st\.Page\(\s*"([^"]+)"', (ROOT / "app.py").read_text(encoding="utf-8"))
DATE = re.compile(rb"\b(19|20)\d\d\b|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b")


@pytest.mark.parametrize("page", PAGES)
def test_an_anonymous_visitor_sees_nothing_about_the_data_on_any_page(seeded_db, page):
    at = open_app(page, secrets=SECRETS, user={"is_logged_in": False}, thread=seeded_db.pile_on_key)
    everything = _element_bytes(at._tree)
    shown = [s.name for s in SOURCES if s.name.encode() in everything]
    assert shown == [], f"{page} names {shown} before sign-in"
    assert not DATE.search(everything), f"{page} shows a date before sign-in: {DATE.search(everything).group()!r}"
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.sidebar.selectbox and not at.sidebar.multiselect and not at.sidebar.caption


@pytest.mark.parametrize("user, role", [(u, OFFICER) for u in OFFICERS.values()] + [(u, VIEWER) for u in VIEWERS.values()],
                         ids=[*OFFICERS, *VIEWERS])
def test_the_thread_page_lets_only_a_vouched_officer_act(seeded_db, user, role):
    at = open_app("app_pages/thread.py", secrets=SECRETS, user=user, thread=seeded_db.pile_on_key)
    assert at.button(key="triage_save").disabled is (role == VIEWER)
    assert any(f"· {role}" in c.value for c in at.sidebar.caption)
