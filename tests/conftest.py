"""Shared fixtures: fresh databases, paths, and the repository root; markers; and the rule that tests
never write into the checkout."""

from __future__ import annotations

import os
import subprocess
import tempfile
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

# Nothing a test runs may fall back on the checkout's data/pulse.duckdb (make run would then serve
# an empty dashboard): the default database, for this process and every process it starts, is a
# temporary file. Screenshots of the browser tests go to a temporary folder too.
_SCRATCH = Path(tempfile.mkdtemp(prefix="pulse-tests-"))
os.environ.setdefault("PULSE_DB", str(_SCRATCH / "default.duckdb"))
SCREENSHOTS = Path(os.environ.setdefault("PULSE_SCREENSHOTS", str(_SCRATCH / "screenshots")))
# Tool caches, not output: left out of the check that the checkout is unchanged.
CACHES = (".pytest_cache", ".hypothesis", ".ruff_cache", ".import_linter_cache", "__pycache__", ".venv")


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


# --- Markers and the clean-checkout rule ---------------------------------------------------------

SLOW_FILES = frozenset({
    "test_protections_matter.py", "test_crash.py", "test_concurrency.py", "test_faults.py", "test_parsers_fuzz.py",
    "test_parsers_fuzz_http.py", "test_score_workers.py", "test_layers.py",
})
SLOW_FIXTURES = frozenset({"imported"})  # test_imports.py: every format's command line, run at once


def pytest_collection_modifyitems(config, items):
    """Browser tests (tests/e2e) and slow files get their marker here, so `make check` can leave them out."""
    for item in items:
        path = Path(str(item.fspath))
        if "e2e" in path.parts:
            item.add_marker(pytest.mark.browser)
        if path.name in SLOW_FILES or SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def _untracked_files() -> set[str]:
    """Files git does not track in the checkout, ignored ones included, tool caches left out."""
    names: set[str] = set()
    for extra in ([], ["--ignored"]):
        listed = subprocess.run(["git", "ls-files", "--others", "--exclude-standard", "-z", *extra, "--", ".",
                                 ":(exclude).venv"], cwd=ROOT, capture_output=True, text=True)
        names.update(name for name in listed.stdout.split("\0") if name)
    return {name for name in names if not any(part in CACHES for part in Path(name).parts)}


def pytest_sessionstart(session):
    session.config._pulse_untracked = _untracked_files() if (ROOT / ".git").exists() else None


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_pulse_untracked", None)
    if before is None or hasattr(session.config, "workerinput"):
        return
    written = sorted(_untracked_files() - before)
    if written:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line("FAILED: the tests wrote into the checkout (tests must use tmp_path): " + ", ".join(written),
                            red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
