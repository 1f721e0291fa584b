"""Shared fixtures: fresh databases, paths, and the repository root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from store.db import memory

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"
# The test servers all listen here: the operator's trust (collectors.trust) for the whole session, and
# for the processes tests start. A test of that protection takes it away (monkeypatch.delenv).
TEST_HOSTS = "127.0.0.1,localhost"


def pytest_configure(config):
    os.environ["PULSE_TRUSTED_API_HOSTS"] = TEST_HOSTS


@pytest.fixture
def fresh_db():
    """A migrated in-memory database, closed after the test."""
    con = memory()
    yield con
    con.close()


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    """A path for a real DuckDB file; PULSE_DB points at it for code that reads the environment."""
    path = tmp_path / "pulse.duckdb"
    monkeypatch.setenv("PULSE_DB", str(path))
    return path


@pytest.fixture(autouse=True)
def _run_from_root(monkeypatch):
    """Tests run from the repository root, as the app and CLI do."""
    monkeypatch.chdir(ROOT)
    yield


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory):
    from tests.seed import seed_database

    return seed_database(tmp_path_factory.mktemp("seeded") / "template.duckdb")


@pytest.fixture
def seeded_db(db_path, _seeded_template):
    """A realistic database file (tests/seed.py) at db_path, PULSE_DB pointing at it; returns what was seeded.

    Seeded once per session and copied for each test, so a test may write to its copy.
    """
    import dataclasses
    import shutil

    shutil.copyfile(_seeded_template.path, db_path)
    return dataclasses.replace(_seeded_template, path=db_path)
