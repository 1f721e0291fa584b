"""The README keeps its promises: every command-line command is documented, and every page is tested."""

import re

import pytest

from analysis.__main__ import build_parser as analysis_parser
from collectors.__main__ import build_parser as collectors_parser
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def subcommands(parser):
    (action,) = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    return sorted(action.choices)


@pytest.mark.parametrize(
    "module, name",
    [("collectors", n) for n in subcommands(collectors_parser())]
    + [("analysis", n) for n in subcommands(analysis_parser())],
)
def test_every_cli_command_is_in_the_readme(module, name):
    assert re.search(rf"python -m {module} {re.escape(name)}\b", README), f"python -m {module} {name} is not in README.md"


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    assert "make run" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_page_in_the_router_is_listed_in_the_readme():
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    titles = re.findall(r'st\.Page\([^)]*title="([^"]+)"', app)
    assert titles, "no st.Page titles found in app.py"
    table = README.split("## Pages", 1)[1].split("##", 1)[0]
    for title in titles:
        assert f"| {title} |" in table, f"page {title!r} is not in the README's page table"


def declared_settings() -> list[str]:
    """Every key the settings declare: each source kind's, the common ones, [pulse], [alerts], the environment."""
    from collectors.registry import KINDS
    from settings import alerts, dashboard, environment, sources

    keys = [key.name for kind in KINDS.values() for key in kind.keys]
    keys += [key.name for key in (*sources.COMMON_KEYS, *dashboard.PULSE_KEYS, *alerts.KEYS, *environment.VARIABLES)]
    keys += [secret for kind in KINDS.values() for secret in kind.secrets]
    return sorted(set(keys))


@pytest.mark.parametrize("name", declared_settings())
def test_every_setting_is_in_the_readmes_configuration(name):
    configuration = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    assert f"`{name}`" in configuration, f"setting {name} is declared in the code but not in README.md's Configuration"
