"""Adding a source from the Sources page, in plain words: choose the channel, paste what it asks for,
test it (one page fetched, nothing saved), then add it, or add it and collect it at once.

Each channel's words (its name, what it collects, what to paste, which key it needs) are its
collector's declaration (`SOURCE = SourceKind(...)` in collectors/<kind>.py). Adding writes
sources.toml through jobs.collect_now (officers only, logged); while the file is still the
example, the first source replaces the example's fictional channels.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.clean import clean_text
from collectors.registry import KINDS
from jobs import collect_now
from jobs.trial import Trial, try_source
from settings.secrets import read_secret
from settings.sources import COMMON_KEYS, ConfigError, SourceConfig, SourceKind, parse_source
from settings.sources_file import entry_from_form
from settings.typed import Key, SettingsError
from store.db import DatabaseBusy, db_path
from ui.identity import current_actor, flash, show_flash
from ui.labels import UK_TIME, uk_times, when
from ui.safe_text import cut, escape_markdown

SLOT = "add_source"
TRIAL_KEY = "add_trial"
COMMON = {key.name: key for key in COMMON_KEYS}
COMMON_FIELDS = ("base_url", "council_accounts", "retention_days", "enabled")
SAMPLE_ROWS = 5
ITEM_TYPES = {"post": "Post", "comment": "Comment", "mention": "Article"}


def label(key: Key) -> str:
    return key.label or key.name


def needs(kind: SourceKind) -> str:
    """What the channel needs besides what is pasted here, and whether it is set (never its value)."""
    if not kind.secrets:
        return ""
    missing = [name for name in kind.secrets if not _secret_set(name)]
    when_needed = f" (only for {kind.secrets_needed_for})" if kind.secrets_needed_for else ""
    if not missing:
        return f"Its key{'s are' if len(kind.secrets) > 1 else ' is'} set{when_needed}."
    return (f"It needs {' and '.join(missing)}{when_needed}, which is not set: whoever runs Council Pulse puts it in "
            "an environment variable or in .streamlit/secrets.toml. Testing will say so until then.")


def _secret_set(name: str) -> bool:
    try:
        return bool(read_secret(name))
    except SettingsError:
        return False


def example_notice() -> None:
    """What the page says while sources.toml is still the committed example."""
    st.info("This list is an example for Brackenford Borough Council, a council that does not exist: none of these "
            "are your channels, and no page warns about them. The first source an officer adds below replaces them.",
            icon=":material/info:")


def add_source_section(example: bool, first: bool) -> None:
    """The whole "Add a source" section (officers only: the page does not draw it for viewers)."""
    st.subheader("Add your first source" if first or example else "Add a source")
    kind = KINDS[st.selectbox("Which channel?", list(KINDS), format_func=lambda k: KINDS[k].title, key="add_kind")]
    st.caption(escape_markdown(f"{kind.label} {needs(kind)}".strip()))
    with st.form("add_source", border=True):
        _fields(kind, example)
        test, add, collect = st.columns(3)
        test.form_submit_button("Test it", icon=":material/science:", on_click=_test,
                                help="Fetches one page now and shows what it found. Nothing is saved.")
        add.form_submit_button("Add source", on_click=_add, args=(False,))
        collect.form_submit_button("Add and collect now", type="primary", icon=":material/sync:", on_click=_add,
                                   args=(True,))
    show_flash(SLOT)
    trial = st.session_state.get(TRIAL_KEY)
    if isinstance(trial, Trial) and trial.source.kind == kind.kind:
        show_trial(trial)


def _fields(kind: SourceKind, example: bool) -> None:
    st.text_input(label(COMMON["name"]), key="add_name", placeholder=f"e.g. {kind.title}: our council")
    if len(kind.one_of) > 1:
        st.caption(escape_markdown("Fill in one of: " + ", or ".join(label(kind.key(k)) for k in kind.one_of) + "."))
    for key in kind.keys:
        if not key.advanced:
            _field(kind, key)
    if kind.base_url_required:
        st.text_input("Its server's address", key="add_base_url", placeholder="https://mastodon.social",
                      help=COMMON["base_url"].doc)
    st.text_area(label(COMMON["council_accounts"]), key="add_council_accounts", height=68,
                 help="Their posts and replies are the council's, not the public's: left out of every count.")
    st.number_input(label(COMMON["retention_days"]), min_value=1, value=COMMON["retention_days"].default, step=1,
                    key="add_retention_days", help=COMMON["retention_days"].doc)
    with st.expander("Advanced (rarely needed)"):
        for key in kind.keys:
            if key.advanced:
                _field(kind, key)
        if not kind.base_url_required:
            st.text_input(label(COMMON["base_url"]), key="add_base_url", help=COMMON["base_url"].doc)
    st.checkbox("Collect it (switched on)", value=True, key="add_enabled")
    if example:
        st.checkbox("Replace the example's channels with this one", value=True, key="add_replace_example")


def _field(kind: SourceKind, key: Key) -> None:
    widget = st.text_area if key.kind == "texts" else st.text_input
    extra = {"height": 68} if key.kind == "texts" else {}
    widget(label(key) + ("" if key.name in kind.one_of else " (optional)"), key=f"add_{kind.kind}_{key.name}",
           placeholder=f"e.g. {key.example}" if key.example else None, help=key.doc, **extra)


def _entry() -> tuple[dict, SourceConfig]:
    """The form as a sources.toml entry and the source it describes; a ConfigError says what is wrong."""
    state = st.session_state
    kind = KINDS[state["add_kind"]]
    fields = {key.name: state.get(f"add_{kind.kind}_{key.name}") for key in kind.keys}
    fields |= {
        "base_url": state.get("add_base_url"),
        "council_accounts": state.get("add_council_accounts"),
        "retention_days": state.get("add_retention_days"),
        "enabled": None if state.get("add_enabled", True) else False,
    }
    entry = entry_from_form(state.get("add_name") or "", kind, fields)
    return entry, parse_source(entry, 1, KINDS, "the form")


def _test() -> None:
    """Test it: one page through the real collector, nothing saved; the result is drawn under the form."""
    st.session_state.pop(TRIAL_KEY, None)
    try:
        _, source = _entry()
        st.session_state[TRIAL_KEY] = try_source(source, current_actor())
    except (ConfigError, collect_now.NotAllowed) as error:
        flash(f"Not tested: {error}", SLOT, "error")


def _add(and_collect: bool) -> None:
    state = st.session_state
    try:
        entry, source = _entry()
        saved = collect_now.add_configured_source(entry, db_path(), current_actor(),
                                                  replace_example=bool(state.get("add_replace_example")))
    except (ConfigError, DatabaseBusy, OSError, collect_now.NotAllowed) as error:
        return flash(f"Not added, nothing was written: {error}", SLOT, "error")
    kind = KINDS[state["add_kind"]]
    for key in ("add_name", "add_base_url", "add_council_accounts", *(f"add_{kind.kind}_{k.name}" for k in kind.keys)):
        state[key] = ""
    state.pop(TRIAL_KEY, None)
    text = f"Added {entry['name']} to {saved.path}."
    if and_collect and source.enabled:
        try:
            collect_now.start_collection([source], db_path(), current_actor())
            text += " Collecting it now: the progress is at the top of this page."
        except (collect_now.CollectionBusy, collect_now.NotAllowed) as error:
            text += f" Not collected yet: {error}."
    flash(text, SLOT)


def show_trial(trial: Trial) -> None:
    """What Test it found, in words, with a few of the items; how many are too old to keep, and the fix."""
    with st.container(border=True, key="add_trial_result"):
        name = trial.source.name
        if trial.error:
            st.error(escape_markdown(f"{name}: could not be read. {trial.error}"), icon=":material/error:")
            return
        if not trial.items:
            st.warning(escape_markdown(f"{name} answered, but its first page holds nothing to collect yet."))
            return
        st.success(escape_markdown(
            f"{name}: the first page holds {len(trial.items):,} item{'s' if len(trial.items) != 1 else ''}, posted "
            f"{when(trial.oldest)} to {when(trial.newest)}. Nothing was saved."), icon=":material/check:")
        for warning in trial.warnings:
            st.warning(escape_markdown(warning))
        too_old = trial.too_old
        if too_old:
            days = trial.days_to_keep_all()
            everything = "All of them" if len(too_old) == len(trial.items) else f"{len(too_old):,} of them"
            st.warning(escape_markdown(
                f"{everything} were posted more than {trial.source.retention_days:,} days ago: with "
                f"\"{label(COMMON['retention_days'])}\" at {trial.source.retention_days:,} they would not be "
                f"collected at all. To keep them, keep items for at least {days:,} days (retention_days)."),
                icon=":material/history:")
            st.button(f"Keep them: keep items for {days:,} days", key="add_keep_all", on_click=_keep_for,
                      args=(days,))
        st.dataframe(_sample(trial.items[:SAMPLE_ROWS]), hide_index=True, width="stretch",
                     column_config={f"Posted ({UK_TIME})": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm",
                                                                                         width=140),
                                    "What": st.column_config.TextColumn(width=80),
                                    "Author": st.column_config.TextColumn(width=140)})


def _keep_for(days: int) -> None:
    st.session_state["add_retention_days"] = days
    flash(f"Keep items for is now {days:,} days: test again, or add the source.", SLOT, "info")


def _sample(items) -> pd.DataFrame:
    return pd.DataFrame({
        f"Posted ({UK_TIME})": uk_times(pd.Series([item.created_utc() for item in items], dtype="datetime64[ns]")),
        "What": [ITEM_TYPES.get(item.item_type, item.item_type) for item in items],
        "Author": [cut(item.author_name, 60) for item in items],
        "Text": [cut(clean_text(item.title or item.raw_text), 200) for item in items],
    })
