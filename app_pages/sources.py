"""Sources: every configured channel and its health; officers collect now, add a source, switch one off."""

import pandas as pd
import streamlit as st

from collectors.registry import KINDS, load_sources_file
from jobs import collect_now
from jobs.collect import too_old_words
from settings.environment import config_path
from settings.sources import ConfigError
from store import queries
from store.db import DatabaseBusy, connect, db_path
from store.sources import source_health
from ui.add_source import add_source_section, example_notice
from ui.data import read
from ui.identity import current_actor, current_rules, why_viewer
from ui.labels import UK_TIME, WRAPPED_ROW_PX, uk_times, when
from ui.safe_text import escape_markdown

FLASH_TOP = "sources_flash"


def source_slot(name: str) -> str:
    """Where a source's own button leaves its message: beside that button, not at the top of a long page."""
    return f"{FLASH_TOP}:{name}"
HEADER_PX, MAX_TABLE_PX = 36, 1_200


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
    """(sources, problem, example): the sources in the file, or why they cannot be read; and whether the file
    is still the example."""
    path = config_path()
    if not path.exists():
        return [], f"There is no {path} yet: add a source below to create it.", False
    try:
        configured = load_sources_file(path)
    except ConfigError as error:
        return [], f"{path} cannot be used: {error}", False
    return configured.sources, None, configured.example


def collect(names: list[str] | None) -> None:
    officer = acting_officer()
    if not officer:
        return flash(FLASH_TOP, "error", "Only officers can collect.")
    sources, problem, _ = configured_sources()
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
        return flash(source_slot(name), "error", "Only officers can switch sources on or off.")
    try:
        saved = collect_now.switch_configured_source(name, enabled, db_path(), officer)
    except (ConfigError, DatabaseBusy, OSError, collect_now.NotAllowed) as error:
        return flash(source_slot(name), "error", f"Nothing was saved: {error}")
    flash(source_slot(name), "success", f"{name} switched {'on' if enabled else 'off'} in {saved.path}.")


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
        if kind == "time":
            return uk_times(pd.Series(values, dtype="datetime64[ns]"))
        return pd.Series(values, dtype="Int64")

    return pd.DataFrame(
        {
            "Source": [r[0] for r in rows],
            "Channel": [KINDS[r[1]].title if r[1] in KINDS else r[1] for r in rows],
            "On": [r[2] for r in rows],
            "Last run": column("last_run_at", "time"),
            "Last success": column("last_ok_at", "time"),
            "Items": [int(r[3].get("items") or 0) for r in rows],
            "New": column("new", "count"),
            "Too old": column("too_old", "count"),
            "Last error": [last_error(r[0], r[3]) for r in rows],
        }
    )


def last_run_words(row: dict, retention_days: int) -> list[str]:
    """A source's last run in words: what it fetched and kept, and what it did not keep and why."""
    if pd.isna(row.get("run_started_at")):
        return ["Not collected yet."]
    counts = {key: int(row[key]) if pd.notna(row.get(key)) else 0 for key in ("fetched", "new", "updated", "errors")}
    words = [f"Last run {when(row['run_started_at'])}: fetched {counts['fetched']:,}, new {counts['new']:,}, "
             f"updated {counts['updated']:,}, problems {counts['errors']:,}."]
    if row.get("too_old"):
        words.append(too_old_words(int(row["too_old"]), retention_days).capitalize() + ".")
    return words


def read_health() -> pd.DataFrame | None:
    try:
        with connect(db_path(), read_only=True) as con:
            return source_health(con)
    except DatabaseBusy:
        return None


# --- The page --------------------------------------------------------------------------

st.title("Sources")
st.caption(escape_markdown(f"The channels Council Pulse watches, listed in {config_path()} · times in {UK_TIME}"))
officer = acting_officer()
sources, problem, example = configured_sources()
if problem:
    (st.info if not config_path().exists() else st.error)(escape_markdown(problem))
if example:
    example_notice()
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
        width="stretch",
        row_height=WRAPPED_ROW_PX,
        height=min(HEADER_PX + WRAPPED_ROW_PX * len(table) + 3, MAX_TABLE_PX),  # every source in view
        column_config={
            "Source": st.column_config.TextColumn(width=170),
            "Channel": st.column_config.TextColumn(width=100),
            "On": st.column_config.TextColumn(width=40, help="Switched on: collected by every run"),
            "Last run": st.column_config.DatetimeColumn(format="D MMM, HH:mm", width=90),
            "Last success": st.column_config.DatetimeColumn(format="D MMM, HH:mm", width=90),
            "Items": st.column_config.NumberColumn(
                format="%d", width=55, help="Items stored from this source (deleted or moderated ones are not counted)"
            ),
            "New": st.column_config.NumberColumn(format="%d", width=45, help="New items in the last run"),
            "Too old": st.column_config.NumberColumn(
                format="%d", width=60,
                help="Fetched by the last run but not kept: posted before the source's retention period "
                     "(retention_days)"),
            "Last error": st.column_config.TextColumn(help="The whole message is under the source below"),
        },
    )

if officer and sources:
    st.subheader("Each source")
    runs = {row["name"]: row for row in health.to_dict("records")}
    for source in sources:
        with st.container(border=True):
            name, kind, now, onoff = st.columns([6, 2, 2, 2], vertical_alignment="center")
            name.text(source.name)
            kind.caption(escape_markdown(f"{KINDS[source.kind].title} · {'on' if source.enabled else 'off'}"))
            now.button(
                "Collect now", key=f"collect_{source.name}", icon=":material/sync:",
                on_click=collect, args=([source.name],), disabled=bool(running) or not source.enabled or demo,
                help=collect_now.DEMO_REASON if demo else None if source.enabled else "Switched off: switch it on to collect it.",
            )
            onoff.button(
                "Switch off" if source.enabled else "Switch on", key=f"switch_{source.name}",
                on_click=switch, args=(source.name, not source.enabled),
            )
            show_flash(source_slot(source.name))
            row = runs.get(source.name, {})
            st.caption(escape_markdown(" ".join(last_run_words(row, source.retention_days))))
            if isinstance(row.get("last_error"), str) and row["last_error"]:
                st.warning(escape_markdown(f"Last error: {row['last_error']}"))

if officer and not (problem and config_path().exists()):
    add_source_section(example=example, first=not sources)
