"""Writing sources.toml from the dashboard: the user's comments kept, validation first, atomic saves."""

from __future__ import annotations

import os
import shutil
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collectors.registry import KINDS, load_sources
from settings.environment import config_path
from settings.sources import ConfigError
from settings.sources_file import add_source, dumps_sources, entry_from_form, set_enabled
from tests.conftest import ROOT

texts = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=20).filter(str.strip)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries({"name": texts, "kind": st.just("rss"), "url": texts,
                                       "council_accounts": st.lists(texts, max_size=3),
                                       "retention_days": st.integers(1, 10**6), "enabled": st.booleans()}),
                max_size=4))
def test_any_sources_read_back_exactly(entries):
    assert tomllib.loads(dumps_sources(entries)).get("sources", []) == entries


def test_entry_from_form_types_and_drops_empty_fields():
    guardian = KINDS["guardian"]
    entry = entry_from_form(" Guardian ", guardian, {
        "discussions": "/p/1\n /p/2 ,\n", "search": "", "max_articles": " 20 ", "council_accounts": "",
        "retention_days": 30, "enabled": None,
    })
    assert entry == {"name": "Guardian", "kind": "guardian", "discussions": ["/p/1", "/p/2"], "max_articles": 20,
                     "retention_days": 30}
    with pytest.raises(ConfigError, match="max_articles .* must be a whole number"):
        entry_from_form("G", guardian, {"max_articles": "lots"})


@pytest.fixture
def example(tmp_path):
    """A copy of the committed, commented example."""
    path = tmp_path / "sources.toml"
    shutil.copyfile(ROOT / "sources.toml", path)
    return path


def comments(text: str) -> list[str]:
    return [line.split("#", 1)[1] for line in text.splitlines() if "#" in line]


def test_every_edit_of_the_example_keeps_every_comment_even_beside_entries(example):
    before = example.read_text()
    assert any(not line.lstrip().startswith("#") and "#" in line for line in before.splitlines())  # the example has some
    names = [s.name for s in load_sources(example)]
    for name in names:
        set_enabled(name, False, KINDS, example)
    add_source({"name": "New feed", "kind": "rss", "url": "https://example.org/feed"}, KINDS, example)
    after = example.read_text()
    assert comments(after) == comments(before)
    loaded = load_sources(example)
    assert [s.name for s in loaded] == [*names, "New feed"]
    assert [s.enabled for s in loaded] == [False] * len(names) + [True]
    for name in names:
        set_enabled(name, True, KINDS, example)
    assert all(s.enabled for s in load_sources(example))
    assert example.read_text().count("enabled = true") >= len(names)


def test_crlf_file_and_no_final_newline(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_bytes(b'# mine\r\n[[sources]]\r\nname = "A"\r\nkind = "rss"\r\nurl = "https://u.example/feed"')
    set_enabled("A", False, KINDS, path)
    add_source({"name": "B", "kind": "rss", "url": "https://v.example/feed"}, KINDS, path)
    assert [(s.name, s.enabled) for s in load_sources(path)] == [("A", False), ("B", True)]
    assert path.read_bytes().startswith(b'# mine\r\n[[sources]]\r\nname = "A"\r\n')


def test_a_tricky_layout_is_edited_without_losing_a_comment(tmp_path):
    path = tmp_path / "sources.toml"
    # A multi-line string holding a line that looks like a table header.
    path.write_text(
        '# Our channels\n# second line\n\n[[sources]]\nname = "A"\nkind = "rss"\nurl = "https://u.example/feed"\n'
        '[[sources]]  # tricky\nname = """B\n[[sources]]\n"""\nkind = "rss"\nurl = "https://v.example/feed"  # note\n',
        encoding="utf-8",
    )
    set_enabled("B\n[[sources]]", False, KINDS, path)
    text = path.read_text()
    assert text.startswith("# Our channels\n# second line\n") and "# tricky" in text and "# note" in text
    assert [(s.name, s.enabled) for s in load_sources(path)] == [("A", True), ("B\n[[sources]]", False)]


def test_invalid_changes_write_nothing(example):
    before = example.read_bytes()
    stamp = example.stat().st_mtime_ns
    bad = [
        {"name": "Council news", "kind": "rss", "url": "https://u.example/feed"},  # duplicate name
        {"name": "x", "kind": "rss"},  # no url
        {"name": "x", "kind": "rss", "url": "https://u.example/feed", "colour": "red"},  # unknown key
        {"name": "x", "kind": "rss", "url": "https://u.example/feed", "retention_days": 0},
        {"name": "x", "kind": "rss", "url": "https://u.example/feed", "enabled": "false"},  # a text, not a boolean
        {"name": "x", "kind": "fax", "number": "1"},
    ]
    for entry in bad:
        with pytest.raises(ConfigError):
            add_source(entry, KINDS, example)
    with pytest.raises(ConfigError, match="there is no source named 'Nope'"):
        set_enabled("Nope", False, KINDS, example)
    assert example.read_bytes() == before and example.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in example.parent.iterdir()) == ["sources.toml"]  # no temporary files


def test_an_unreadable_file_is_never_overwritten(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text("[[sources]\nname = ", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        add_source({"name": "x", "kind": "rss", "url": "https://u.example/feed"}, KINDS, path)
    assert path.read_text() == "[[sources]\nname = "


def test_saves_replace_the_file_atomically_and_keep_its_mode(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('[[sources]]\nname = "A"\nkind = "rss"\nurl = "https://u.example/feed"\n', encoding="utf-8")
    os.chmod(path, 0o640)
    inode = path.stat().st_ino
    add_source({"name": "B", "kind": "rss", "url": "https://v.example/feed"}, KINDS, path)
    assert path.stat().st_ino != inode  # a new file renamed into place, not rewritten in place
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_symlinked_file_is_written_through_the_link(tmp_path):
    real = tmp_path / "real.toml"
    real.write_text('[[sources]]\nname = "A"\nkind = "rss"\nurl = "https://u.example/feed"\n', encoding="utf-8")
    link = tmp_path / "sources.toml"
    link.symlink_to(real)
    set_enabled("A", False, KINDS, link)
    assert link.is_symlink() and load_sources(real)[0].enabled is False


def test_a_new_file_is_created_with_the_first_source(tmp_path):
    path = tmp_path / "new" / "sources.toml"
    add_source({"name": "A", "kind": "rss", "url": "https://u.example/feed"}, KINDS, path)
    assert [s.name for s in load_sources(path)] == ["A"]


def test_config_path_follows_pulse_config(monkeypatch, tmp_path):
    monkeypatch.delenv("PULSE_CONFIG", raising=False)
    assert str(config_path()) == "sources.toml"
    monkeypatch.setenv("PULSE_CONFIG", str(tmp_path / "x.toml"))
    assert config_path() == tmp_path / "x.toml"
