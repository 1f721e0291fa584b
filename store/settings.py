"""The `settings` table: small named values about the database itself.

One of them says whether the database holds demo data (built by
`python -m demo build`), so the dashboard can say so plainly.
"""

from __future__ import annotations

import duckdb

from store.db import fetch_one

DEMO = "demo"


def get_setting(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    row = fetch_one(con, "SELECT value FROM settings WHERE name = ?", [name])
    return row[0] if row else None


def set_setting(con: duckdb.DuckDBPyConnection, name: str, value: str) -> None:
    con.execute(
        "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        [name, value],
    )


def set_setting_if_absent(con: duckdb.DuckDBPyConnection, name: str, value: str) -> str:
    """Store a setting unless one is there already; returns the value in force."""
    con.execute("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", [name, value])
    return get_setting(con, name)


def mark_demo(con: duckdb.DuckDBPyConnection) -> None:
    """Record that this database holds the demo's recorded data, not a council's own."""
    set_setting(con, DEMO, "true")


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    return get_setting(con, DEMO) == "true"
