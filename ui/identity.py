"""Who is using the dashboard, and whether they may act as an officer.

It lives in ui/ because it is about the Streamlit session (st.user, st.secrets,
the sidebar), which store/ and analysis/ must not know about. The decision itself (`identify`, with
settings.dashboard reading the rules) is pure, so it is tested without a browser; the store enforces the result again on its own
(store.triage refuses a viewer's Actor), so a page that forgot to disable a
button still cannot write.

- With a login configured (an `[auth]` table in secrets: Streamlit's OIDC,
  `st.login`), everyone must log in to see anything (app.py runs login_gate before
  any read); a signed-in user is an officer only from what the provider vouches for
  (trusted_identity: the configured issuer and tenant, a verified email in
  `[pulse] officers` or a stable account id in `officer_subjects`), otherwise a viewer.
- Without a login, the user types their name once in the sidebar (their browser
  remembers it: ui.remembered_name) and is then an officer, unless
  `[pulse] require_login = true`: then everyone is a viewer until a login is configured.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from settings.dashboard import AccessSettings, access_settings
from store.db import DatabaseBusy, connect, db_path
from store.triage import OFFICER, VIEWER, Actor, NotAllowed, TriageError
from ui.remembered_name import remember_name, remembered_name
from ui.safe_text import escape_markdown

MAX_NAME_CHARS = 80
NAME_KEY = "officer_name"
_ACTOR_KEY = "pulse_actor"
_FLASH_KEY = "pulse_flash"
_REMEMBERED_KEY = "pulse_remembered_name"  # the name this browser's cookie holds (ui.remembered_name)
# Claims that name the account's owner for people (never to decide a role), tried in order.
SHOWN_CLAIMS = ("name", "preferred_username", "upn", "email")
SUBJECT_CLAIMS = ("oid", "sub")  # the account's stable id: Entra ID's oid across apps, else the OIDC sub


def clean_name(text: object) -> str:
    """A typed name as it goes into the audit log: one line, trimmed, at most MAX_NAME_CHARS."""
    return " ".join(str(text or "").split())[:MAX_NAME_CHARS]


def trusted_identity(user: Mapping, rules: AccessSettings) -> tuple[str | None, frozenset[str]]:
    """(the verified email, the account's stable ids) this sign-in proves; (None, none) when it does not come
    from the configured issuer and tenant. A name, or an email the provider did not verify, proves nothing."""
    if not rules.issuer or user.get("iss") != rules.issuer:
        return None, frozenset()
    if rules.tenant_id and user.get("tid") != rules.tenant_id:
        return None, frozenset()
    subjects = frozenset(str(user[c]) for c in SUBJECT_CLAIMS if isinstance(user.get(c), str) and user[c])
    email = user.get(rules.email_claim)
    # email_verified is a JSON boolean; a few providers send it as the text "true".
    verified = rules.email_claim != "email" or user.get("email_verified") in (True, "true")
    if not (verified and isinstance(email, str) and "@" in email):
        return None, subjects
    return email.strip(), subjects


def identify(user: Mapping, entered_name: object, rules: AccessSettings) -> Actor:
    """The Actor for this session: the login's identity when configured, else the typed name."""
    if rules.login_configured:
        if not user.get("is_logged_in"):
            return Actor("", VIEWER)
        email, subjects = trusted_identity(user, rules)
        officer = (email is not None and email.lower() in rules.officers) or bool(subjects & rules.officer_subjects)
        return Actor(email or account_name(user), OFFICER if officer else VIEWER)
    name = clean_name(entered_name)
    if rules.require_login or not name:
        return Actor(name, VIEWER)
    return Actor(name, OFFICER)


def account_name(user: Mapping) -> str:
    """Who signed in, for people and the audit log (never for a role): the shown name with the stable id."""
    shown = clean_name(next((user[c] for c in SHOWN_CLAIMS if isinstance(user.get(c), str) and user[c].strip()), ""))
    subject = clean_name(next((user[c] for c in SUBJECT_CLAIMS if isinstance(user.get(c), str) and user[c]), ""))
    return f"{shown} ({subject})" if shown and subject else shown or subject


def why_viewer(actor: Actor, rules: AccessSettings) -> str | None:
    """Why this user cannot act, in words (None for an officer)."""
    if actor.is_officer:
        return None
    if rules.login_configured and not rules.issuer:
        return ("Nobody can act yet: [pulse] issuer in the app's secrets (or [auth] server_metadata_url) must say "
                "whose sign-ins to trust.")
    if rules.login_configured:
        return ("You are signed in as a viewer: officers are listed in [pulse] officers (by an email the sign-in "
                "verifies) or officer_subjects in the app's secrets.")
    if rules.require_login:
        return "Officer actions need a login, and none is configured ([auth] in the app's secrets)."
    return "Enter your name in the sidebar to act as an officer: it goes into the audit log."


# --- Streamlit ---------------------------------------------------------------------------


def _secrets() -> Mapping:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets file at all
        return {}


def current_rules() -> AccessSettings:
    return access_settings(_secrets())


def login_gate() -> None:
    """With a login configured, an anonymous visitor gets the sign-in screen and nothing else: app.py calls
    this before anything reads data (the demo banner, the sidebar's sources and dates, the page)."""
    if current_rules().login_configured and not st.user.to_dict().get("is_logged_in"):
        _sign_in_screen()


def _sign_in_screen() -> None:
    st.title("Council Pulse")
    st.info("Sign in with your council account to see the dashboard.", icon=":material/lock:")
    st.button("Sign in", on_click=st.login, type="primary", key="sign_in")
    st.stop()


def sidebar_identity() -> Actor:
    """Draw who is acting in the sidebar, remember the Actor (and stop an anonymous visitor, should
    login_gate not have run). app.py calls this once per run before the page runs."""
    rules = current_rules()
    user = st.user.to_dict()
    if rules.login_configured and not user.get("is_logged_in"):
        _sign_in_screen()
    with st.sidebar:
        if rules.login_configured:
            actor = identify(user, None, rules)
            st.caption(f"Signed in: {escape_markdown(actor.name)} · {actor.role}")
            st.button("Sign out", on_click=st.logout, key="sign_out")
        else:
            if NAME_KEY not in st.session_state:  # a new session (a reload, a link): the name this browser kept
                st.session_state[NAME_KEY] = st.session_state[_REMEMBERED_KEY] = clean_name(remembered_name())
            st.text_input(
                "Your name", key=NAME_KEY, max_chars=MAX_NAME_CHARS, placeholder="for the audit log",
                help="Officer actions (status, notes, corrections) are recorded with this name. This browser "
                     "remembers it.",
            )
            actor = identify(user, st.session_state.get(NAME_KEY), rules)
            if clean_name(st.session_state.get(NAME_KEY)) != st.session_state.get(_REMEMBERED_KEY):
                st.session_state[_REMEMBERED_KEY] = clean_name(st.session_state.get(NAME_KEY))
                remember_name(st.session_state[_REMEMBERED_KEY])
            if actor.is_officer:
                st.caption("Acting as officer")
    st.session_state[_ACTOR_KEY] = actor
    return actor


def current_actor() -> Actor:
    """The Actor app.py found for this run (a viewer when the page runs without the router)."""
    actor = st.session_state.get(_ACTOR_KEY)
    return actor if isinstance(actor, Actor) else Actor("", VIEWER)


UNNAMED_EXPORTER = "dashboard (no name given)"


def exporter() -> tuple[str | None, str]:
    """(the name a download is recorded under in the audit log, or None when it is refused; the words
    that tell the user so). With a login configured only a signed-in user may download, under their
    login; without one, the typed name, else UNNAMED_EXPORTER, said before the download."""
    name = current_actor().name
    if current_rules().login_configured:
        if not name:
            return None, "Sign in to download: every download is recorded in the audit log under who made it."
        return name, f"Downloads are recorded in the audit log under {name}."
    if name:
        return name, f"Downloads are recorded in the audit log under {name}."
    return UNNAMED_EXPORTER, (
        f"No name is typed in the sidebar, so downloads will be recorded in the audit log as “{UNNAMED_EXPORTER}”. "
        "Type your name there to have them recorded under it."
    )


def act(action: Callable, *args, done: str, slot: str = "") -> object | None:
    """Run store.triage `action(con, actor, *args)` as the current user on a short write connection;
    returns what it returned, or None when it was refused.

    Meant for a widget's callback (which runs before the page is drawn again): refusals,
    mistakes and `done` are left for show_flash(slot), which the page draws beside the
    control that acted. On success the cached reads are dropped, so every page shows the change.
    """
    try:
        with connect(db_path()) as con:
            result = action(con, current_actor(), *args)
    except NotAllowed as refusal:
        flash(str(refusal), slot, "error")
        return None
    except TriageError as mistake:
        flash(str(mistake), slot, "warning")
        return None
    except DatabaseBusy:
        flash("The database is busy: a collection run is writing to it. Try again in a few seconds.", slot, "warning")
        return None
    st.cache_data.clear()
    if done:
        flash(done, slot)
    return result


def flash(message: str, slot: str = "", level: str = "success") -> None:
    """Show `message` once, where show_flash(slot) is drawn next (level: success, info, warning or error)."""
    st.session_state[f"{_FLASH_KEY}{slot}"] = (level, message)


def show_flash(slot: str = "") -> None:
    """The outcome of the last action of this slot, once (plain text: it may quote names)."""
    level, message = st.session_state.pop(f"{_FLASH_KEY}{slot}", (None, None))
    if message:
        icons = {"success": ":material/check:", "error": ":material/block:"}
        getattr(st, level)(escape_markdown(message), icon=icons.get(level))
