"""Every protection of issue 7 has tests that fail when it is removed.

For each row of tests/protection_off.py's PROTECTIONS, its guard tests run in a pytest subprocess
with the protection switched off (`-p tests.protection_off`, PULSE_PROTECTION_OFF=<name>): the run
must fail, and every guard test must be reported failing (not erroring, not skipped). With the
protection on, the same tests pass in the normal suite. The subprocesses run a few at a time.

Not proved this way, and why (their own tests prove them with real processes and real counts):
- the concurrency of a collector process, dashboard readers and an officer (tests/test_concurrency.py)
  and SIGKILL part-way through a run (tests/test_crash.py) run in child processes that a plugin in
  this process cannot reach; their cheap in-process halves are the lock-retry and
  batch-transaction rows (tests/test_write_safety.py);
- "no st.markdown / st.write / unsafe_allow_html of data in pages" is a reading of the page sources
  (tests/test_ui.py::test_pages_hold_no_sql_and_no_markdown_rendering_of_data), not a function
  to switch off; tests/e2e/test_rendering_safety_browser.py proves the pages' output in a browser.

`python -m tests.test_protections_matter` prints the README's list.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import ROOT
from tests.protection_off import ENV, PROTECTIONS

README = ROOT / "README.md"
HEADING = "### Protections and the tests that prove them"
AT_ONCE = 3


def readme_list() -> str:
    lines = [
        HEADING,
        "",
        "`tests/test_protections_matter.py` switches each protection off in turn (`tests/protection_off.py` "
        "replaces the function named) and checks that the tests named then fail; with it on they pass. "
        "What the pages draw is checked in a real browser by `tests/e2e/test_rendering_safety_browser.py`: "
        "hostile comments, titles, names and links on every page, and a local listening server that must "
        "receive no request; `tests/e2e/test_table_downloads_browser.py` checks there that no table on any page "
        "offers a download of its own and that the dashboard's downloads write formula cells as text.",
        "",
    ]
    for p in PROTECTIONS:
        guards = ", ".join(f"`{g}`" for g in p.guards)
        lines.append(f"- **{p.name}**: {p.what}. Off: `{p.target}` → {p.removal}. Proved by {guards}.")
    return "\n".join(lines) + "\n"


def run_without(name: str, guards: tuple[str, ...]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PULSE_DB", "PULSE_CONFIG")}
    env[ENV] = name
    command = [sys.executable, "-m", "pytest", "-p", "tests.protection_off", "-p", "no:randomly",
               "-p", "no:cacheprovider", "-q", "-rfE", *guards]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def runs() -> dict[str, subprocess.CompletedProcess]:
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        futures = {p.name: pool.submit(run_without, p.name, p.guards) for p in PROTECTIONS}
        return {name: future.result() for name, future in futures.items()}


def test_the_table_is_well_formed():
    names = [p.name for p in PROTECTIONS]
    assert len(names) == len(set(names))
    for p in PROTECTIONS:
        assert p.guards, p.name
        for guard in p.guards:
            path, _, test = guard.partition("::")
            assert (ROOT / path).exists() and f"def {test}(" in (ROOT / path).read_text(encoding="utf-8"), guard


@pytest.mark.parametrize("protection", PROTECTIONS, ids=lambda p: p.name)
def test_removing_the_protection_fails_its_guard_tests(protection, runs):
    result = runs[protection.name]
    output = result.stdout + result.stderr
    assert f"protection switched off: {protection.name}" in output, output[-3000:]
    failed = re.findall(r"^FAILED (\S+?\.py::\w+)", result.stdout, re.MULTILINE)  # parameters dropped
    errors = re.findall(r"^ERROR (\S+)", result.stdout, re.MULTILINE)
    assert result.returncode == 1 and not errors, output[-3000:]
    still_passing = [g for g in protection.guards if g not in failed]
    assert still_passing == [], f"these tests pass with {protection.name} off: {still_passing}\n{output[-3000:]}"


def test_the_readme_lists_every_protection_and_its_tests():
    text = README.read_text(encoding="utf-8")
    assert HEADING in text, f"README.md has no '{HEADING}' list"
    section = text.split(HEADING, 1)[1]
    section = HEADING + re.split(r"\n(?=#{2,3} )", section, maxsplit=1)[0]
    assert section.strip() == readme_list().strip(), "regenerate it: python -m tests.test_protections_matter"


if __name__ == "__main__":
    print(readme_list())
