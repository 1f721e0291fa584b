"""Sources: every configured channel and its health; officers collect now, add a source, switch one off."""

import pandas as pd
import streamlit as st

from collectors.registry import KINDS, load_sources
from jobs import collect_now
from settings.environment import config_path
from settings.sources import ConfigError
from settings.sources_file import entry_from_form
from store import queries
from store.db import DatabaseBusy, connect, db_path
from store.sources import source_health
from ui.data import read
from ui.identity import current_actor, current_rules, why_viewer
from ui.labels import when
from ui.safe_text import escape_markdown

FLASH_TOP, FLASH_ADD = "sources_flash", "sources_add_flash"
ADD_KEYS = ("add_name", "add_base_url", "add_council_accounts")


def acting_officer():
    """The officer using the page (current_actor), or None when they may only look.
    jobs.collect_now checks the Actor again before anything is run or written."""
    actor = current_actor()
    return actor if actor.is_officer else None


def flash(slot: str, level: str, text: str) -> None:
    st.session_state[slot] = (level, text)


def show_flash(slot: str) -> None:
    """A message left by a button's callback; its text may quote names and server output."""
    level, text = st.session_state.pop(slot, (None, None))
    if level:
        getattr(st, level)(escape_markdown(text))


def configured_sources():
    """(sources, problem): the sources in the file, or why they cannot be read."""
    path = config_path()
    if not path.exists():
        return [], f"There is no {path} yet: add a source below to create it."
    try:
        return load_sources(path), None
    except ConfigError as error:
        return [], f"{path} cannot be used: {error}"


def collect(names: list[str] | None) -> None:
    officer = acting_officer()
    if not officer:
        return flash(FLASH_TOP, "error", "Only officers can collect.")
    sources, problem = configured_sources()
    if problem:
        return flash(FLASH_TOP, "error", problem)
    chosen = [s for s in sources if s.enabled and (names is None or s.name in names)]
    if not chosen:
        return flash(FLASH_TOP, "warning", "No switched-on source to collect.")
    try:
        collect_now.start_collection(chosen, db_path(), officer)
    except (collect_now.CollectionBusy, collect_now.NotAllowed) as error:
        flash(FLASH_TOP, "warning", f"Not started: {error}.")
    except collect_now.DemoDatabase as error:
        flash(FLASH_TOP, "info", str(error))


def switch(name: str, enabled: bool) -> None:
    officer = acting_officer()
    if not officer:
        return flash(FLASH_TOP, "error", "Only officers can switch sources on or off.")
    try:
        saved = collect_now.switch_configured_source(name, enabled, db_path(), officer)
    except (ConfigError, DatabaseBusy, OSError, collect_now.NotAllowed) as error:
        return flash(FLASH_TOP, "error", f"Nothing was saved: {error}")
    flash(FLASH_TOP, "success", f"{name} switched {'on' if enabled else 'off'} in {saved.path}.")


def add() -> None:
    officer = acting_officer()
    if not officer:
        return flash(FLASH_ADD, "error", "Only officers can add sources.")
    state = st.session_state
    kind = KINDS[state["add_kind"]]
    fields = {key.name: state.get(f"add_{kind.kind}_{key.name}") for key in kind.keys}
    fields |= {
        "base_url": state.get("add_base_url"),
        "council_accounts": state.get("add_council_accounts"),
        "retention_days": state.get("add_retention_days"),
        "enabled": None if state.get("add_enabled", True) else False,
    }
    try:
        entry = entry_from_form(state.get("add_name") or "", kind, fields)
        saved = collect_now.add_configured_source(entry, db_path(), officer)
    except (ConfigError, DatabaseBusy, OSError, collect_now.NotAllowed) as error:
        return flash(FLASH_ADD, "error", f"Not added, nothing was written: {error}")
    for key in (*ADD_KEYS, *(f"add_{kind.kind}_{k.name}" for k in kind.keys)):
        state[key] = ""
    flash(FLASH_ADD, "success", f"Added {entry['name']} to {saved.path}.")


def health_table(sources, health: pd.DataFrame, running: set[str]) -> pd.DataFrame:
    """One row per configured source (file order), then sources only in the store (imports, removed)."""
    stored = {row["name"]: row for row in health.to_dict("records")}
    rows = [(s.name, s.kind, "on" if s.enabled else "off", stored.pop(s.name, {})) for s in sources]
    rows += [
        (name, row["kind"], "import (stored only)" if row["kind"] == "import" else "not in the file", row)
        for name, row in stored.items()
    ]

    def last_error(name: str, row: dict) -> str:
        if name in running:
            return "collecting now"
        stopped = pd.notna(row.get("run_started_at")) and pd.isna(row.get("run_finished_at"))
        if stopped:
            return "The last run stopped before it finished; the next one carries on from where it stopped."
        error = row.get("last_error")
        return error if isinstance(error, str) else ""

    def column(key: str, kind: str) -> pd.Series:
        values = [r[3].get(key) for r in rows]
        return pd.to_datetime(pd.Series(values, dtype=object)) if kind == "time" else pd.Series(values, dtype="Int64")

    return pd.DataFrame(
        {
            "Source": [r[0] for r in rows],
            "Kind": [r[1] for r in rows],
            "On": [r[2] for r in rows],
            "Last run": column("last_run_at", "time"),
            "Last success": column("last_ok_at", "time"),
            "Items": [int(r[3].get("items") or 0) for r in rows],
            "Fetched": column("fetched", "count"),
            "New": column("new", "count"),
            "Updated": column("updated", "count"),
            "Errors": column("errors", "count"),
            "Last error": [last_error(r[0], r[3]) for r in rows],
        }
    )


def read_health() -> pd.DataFrame | None:
    try:
        with connect(db_path(), read_only=True) as con:
            return source_health(con)
    except DatabaseBusy:
        return None


# --- The page --------------------------------------------------------------------------

st.title("Sources")
st.caption(escape_markdown(f"Channels from {config_path()} · stored in {db_path()} · times in UTC"))
officer = acting_officer()
sources, problem = configured_sources()
if problem:
    (st.info if not config_path().exists() else st.error)(escape_markdown(problem))
show_flash(FLASH_TOP)

job = collect_now.latest()
running = set(job.names) if job is not None and job.running else set()
if running:

    @st.fragment(run_every="1s")
    def collection_progress() -> None:
        current = collect_now.latest()
        if current is None or not current.running:
            st.cache_data.clear()  # new items: every page's cached reads are out of date
            st.rerun(scope="app")
        with st.status("Collecting…", state="running", expanded=True):
            st.progress(current.fraction(), text=escape_markdown(current.progress_text()))
            st.caption(escape_markdown(f"Started {when(current.started_at)} by {current.requested_by}"))

    collection_progress()
elif job is not None:
    (st.warning if job.failed else st.success)(
        escape_markdown(f"Last collection from the dashboard, {when(job.finished_at)}: {job.outcome()}")
    )

collectable = [s for s in sources if s.enabled]
demo = read(queries.is_demo)  # its channels are recordings: Collect now could only fail
if officer:
    if demo:
        st.info(collect_now.DEMO_REASON, icon=":material/science:")
    st.button(
        "Collect now: all switched-on sources", key="collect_all", type="primary", icon=":material/sync:",
        on_click=collect, args=(None,), disabled=bool(running) or not collectable or demo,
        help=collect_now.DEMO_REASON if demo else "Runs every switched-on source's collector here, then scores what is new.",
    )
else:
    st.info(
        "Only officers can collect, add or switch off sources. "
        + escape_markdown(why_viewer(current_actor(), current_rules()) or "")
    )

health = read_health()
if health is None:
    st.warning("The database is busy (a collection is writing to it): health is not shown. Reload in a few seconds.")
    health = pd.DataFrame(columns=["name", "kind"])
table = health_table(sources, health, running)
if table.empty:
    st.info("No sources are configured or stored yet.")
else:
    st.dataframe(
        table,
        hide_index=True,
        placeholder="–",
        column_config={
            "Source": st.column_config.TextColumn(width=250),
            "Kind": st.column_config.TextColumn(width=70),
            "On": st.column_config.TextColumn(width=45, help="Switched on: collected by every run"),
            "Last run": st.column_config.DatetimeColumn(format="D MMM, HH:mm", width=100),
            "Last success": st.column_config.DatetimeColumn(format="D MMM, HH:mm", width=100),
            "Items": st.column_config.NumberColumn(
                format="%d", width=60, help="Items stored from this source (deleted or moderated ones are not counted)"
            ),
            "Fetched": st.column_config.NumberColumn(format="%d", width=60, help="Fetched by the last run"),
            "New": st.column_config.NumberColumn(format="%d", width=50, help="New items in the last run"),
            "Updated": st.column_config.NumberColumn(format="%d", width=65, help="Changed items in the last run"),
            "Errors": st.column_config.NumberColumn(format="%d", width=55, help="Errors and warnings in the last run"),
            "Last error": st.column_config.TextColumn(width=330),
        },
    )

if officer and sources:
    st.subheader("Each source")
    for source in sources:
        with st.container(border=True):
            name, kind, now, onoff = st.columns([6, 2, 2, 2], vertical_alignment="center")
            name.text(source.name)
            kind.caption(f"{source.kind} · {'on' if source.enabled else 'off'}")
            now.button(
                "Collect now", key=f"collect_{source.name}", icon=":material/sync:",
                on_click=collect, args=([source.name],), disabled=bool(running) or not source.enabled or demo,
                help=collect_now.DEMO_REASON if demo else None if source.enabled else "Switched off: switch it on to collect it.",
            )
            onoff.button(
                "Switch off" if source.enabled else "Switch on", key=f"switch_{source.name}",
                on_click=switch, args=(source.name, not source.enabled),
            )

if officer and not (problem and config_path().exists()):
    st.subheader("Add a source")
    st.caption(escape_markdown(
        f"Saving writes {config_path()} after checking the new source; the file's comments stay as they are."
    ))
    kind = KINDS[st.selectbox("Kind", list(KINDS), key="add_kind")]
    with st.form("add_source", border=True):
        st.text_input("Name (unique; shown on every page)", key="add_name")
        if len(kind.one_of) > 1:
            st.caption(escape_markdown(f"Give at least one of: {', '.join(kind.one_of)}."))
        for key in kind.keys:
            label = f"{key.name}{' (one per line)' if key.kind == 'texts' else ''}"
            label += "" if key.name in kind.one_of else " (optional)"
            widget = st.text_area if key.kind == "texts" else st.text_input
            widget(label + (" (a whole number)" if key.kind == "int" else ""), key=f"add_{kind.kind}_{key.name}",
                   help=key.doc)
        st.text_input(
            "base_url" + (" (required: the instance, e.g. https://mastodon.social)" if kind.base_url_required
                          else " (optional)"),
            key="add_base_url",
        )
        st.text_area("council_accounts (optional, one per line)", key="add_council_accounts")
        st.number_input("retention_days", min_value=1, value=365, step=1, key="add_retention_days")
        st.checkbox("Collect it (switched on)", value=True, key="add_enabled")
        st.form_submit_button("Add source", type="primary", on_click=add)
    show_flash(FLASH_ADD)
