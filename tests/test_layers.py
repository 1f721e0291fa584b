"""The rooms' order holds (pyproject.toml, [tool.importlinter]): ui -> jobs -> collectors | analysis ->
store -> settings. A room importing one above it, or collectors and analysis importing each other, fails."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

ROOMS = ("ui", "jobs", "collectors", "analysis", "store", "settings")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=where, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(where)})


def copy_of_the_rooms(tmp_path: Path) -> Path:
    for room in ROOMS:
        shutil.copytree(ROOT / room, tmp_path / room, ignore=shutil.ignore_patterns("__pycache__", "*.npz", "*.json"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_checkout_keeps_the_rooms_order():
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 kept, 0 broken" in run.stdout


@pytest.mark.parametrize("room, line", [
    ("store", "from jobs import scoring"),  # a lower room importing the orchestration above it
    ("collectors", "from analysis import clean"),  # the two middle rooms importing each other
    ("analysis", "import collectors.http"),
    ("settings", "import store.db"),
])
def test_an_import_against_the_order_breaks_the_contract(tmp_path, room, line):
    copy = copy_of_the_rooms(tmp_path)
    (copy / room / "_against_the_order.py").write_text(line + "\n", encoding="utf-8")
    run = lint_imports(copy)
    assert run.returncode == 1 and "0 kept, 1 broken" in run.stdout, run.stdout + run.stderr
