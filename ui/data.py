"""Reading the store from a page: `read(query, *args)` runs one store query function on a
short read-only connection, cached for CACHE_TTL_S seconds per database file.

`query` is the store function itself (`read(queries.flagged_queue, start, end, ...)`), so every
call site leads to its SQL and a type checker checks its arguments against the function's own.
Nothing here runs SQL itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Concatenate, ParamSpec, TypeVar

import duckdb
import streamlit as st

from settings import clock
from store.db import DatabaseBusy, db_path, reading

CACHE_TTL_S = 30

P = ParamSpec("P")
R = TypeVar("R")


def database() -> str:
    """The database file the dashboard reads ($PULSE_DB, else the default)."""
    return str(db_path())


def run_query(db: str, query: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    """One query on the file's shared read-only connection (store.db.reading): the uncached call."""
    with reading(db) as con:
        return query(con, *args, **kwargs)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _cached(db: str, name: str, args: tuple, kwargs: tuple, _query: Callable[..., Any]) -> Any:
    # `name` (module and function) keys the cache; `_query` is left out of the key by its underscore.
    return run_query(db, _query, args, dict(kwargs))


def read(query: Callable[Concatenate[duckdb.DuckDBPyConnection, P], R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`query(con, *args, **kwargs)` on the current database, cached for CACHE_TTL_S seconds.

    While a collection run holds the file, the page says so and stops (nothing half-drawn).
    """
    name = f"{query.__module__}.{query.__qualname__}"
    try:
        return _cached(database(), name, args, tuple(sorted(kwargs.items())), query)
    except DatabaseBusy:
        st.warning("The database is busy: a collection run is writing to it. Reload in a few seconds.")
        st.stop()


def london_today() -> date:
    return clock.london_today()
