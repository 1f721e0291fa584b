"""Tests never write into the checkout: a run that leaves a new file there fails (tests/conftest.py)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

WRITES_INTO_THE_CHECKOUT = '''
from pathlib import Path

def test_writes():
    (Path({root!r}) / "data" / "{name}").write_text("left behind")
'''


def test_a_run_that_leaves_a_file_in_the_checkout_fails(tmp_path):
    name = f".written-by-{tmp_path.name}"
    left = ROOT / "data" / name
    (ROOT / "data").mkdir(exist_ok=True)
    test = tmp_path / "test_writer.py"
    test.write_text(WRITES_INTO_THE_CHECKOUT.format(root=str(ROOT), name=name), encoding="utf-8")
    try:
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest", "-p", "no:cacheprovider",
                              str(test)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    finally:
        left.unlink(missing_ok=True)
    assert "1 passed" in run.stdout  # the test itself passed ...
    assert run.returncode == 1 and f"wrote into the checkout (tests must use tmp_path): data/{name}" in run.stdout


def test_the_default_database_of_a_test_run_is_not_the_checkouts():
    import os

    assert not os.environ["PULSE_DB"].startswith(str(ROOT))
