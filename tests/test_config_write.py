"""Writing sources.toml: the small TOML writer, comment-keeping edits, validation first, atomic saves."""

from __future__ import annotations

import os
import shutil
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collectors.config import (
    ConfigError,
    add_source,
    config_path,
    dumps_config,
    entry_from_form,
    load_sources,
    set_enabled,
    toml_table,
    toml_value,
)
from tests.conftest import ROOT

scalars = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",))),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.floats(allow_nan=False),
)
values = st.one_of(scalars, st.lists(st.text(st.characters(exclude_categories=("Cs",))), max_size=4))
keys = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(keys, values, max_size=6), max_size=4))
def test_any_flat_document_reads_back_exactly(entries):
    document = {"sources": entries} if entries and all(entries) else {}
    assert tomllib.loads(dumps_config(document, "# header\n")) == document


@pytest.mark.parametrize(
    "text, written",
    [
        ('say "hi"', r'"say \"hi\""'),
        ("C:\\new\\table", r'"C:\\new\\table"'),
        ("two\nlines\ttab", r'"two\nlines\ttab"'),
        ("bell\x07 del\x7f", r'"bell\u0007 del\u007F"'),
        ("Brackenford — café ✓", '"Brackenford — café ✓"'),
    ],
)
def test_strings_are_escaped(text, written):
    assert toml_value(text) == written
    assert tomllib.loads(f"x = {written}")["x"] == text


def test_values_the_schema_cannot_hold_are_refused():
    with pytest.raises(ConfigError):
        toml_value({"nested": 1})
    with pytest.raises(ConfigError):
        toml_value("\ud800")


def test_entry_from_form_types_and_drops_empty_fields():
    entry = entry_from_form(
        "  Guardian  ", "guardian",
        {"discussions": "/p/1\n /p/2 ,/p/3\n\n", "search": "  ", "max_articles": "40",
         "base_url": "", "council_accounts": None, "retention_days": 30, "enabled": False},
    )
    assert entry == {"name": "Guardian", "kind": "guardian", "discussions": ["/p/1", "/p/2", "/p/3"],
                     "max_articles": 40, "retention_days": 30, "enabled": False}
    with pytest.raises(ConfigError, match="max_articles must be a whole number"):
        entry_from_form("g", "guardian", {"max_articles": "forty"})


@pytest.fixture
def example(tmp_path):
    """A copy of the committed, commented example."""
    path = tmp_path / "sources.toml"
    shutil.copyfile(ROOT / "sources.toml", path)
    return path


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


def test_every_edit_of_the_example_keeps_all_its_comments(example):
    before = example.read_text()
    names = [s.name for s in load_sources(example)]
    for name in names:
        assert set_enabled(name, False, example).rewritten is False
    assert add_source({"name": "New feed", "kind": "rss", "url": "https://example.org/feed"}, example).rewritten is False
    after = example.read_text()
    assert comments(after) == comments(before)
    loaded = load_sources(example)
    assert [s.name for s in loaded] == [*names, "New feed"]
    assert [s.enabled for s in loaded] == [False] * len(names) + [True]
    # Switching back on changes the same lines again, nothing else.
    for name in names:
        set_enabled(name, True, example)
    assert all(s.enabled for s in load_sources(example))


def test_crlf_file_and_no_final_newline(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_bytes(b'# mine\r\n[[sources]]\r\nname = "A"\r\nkind = "rss"\r\nurl = "u"')
    set_enabled("A", False, path)
    add_source({"name": "B", "kind": "rss", "url": "v"}, path)
    assert [(s.name, s.enabled) for s in load_sources(path)] == [("A", False), ("B", True)]
    written = path.read_bytes()
    assert written.startswith(b'# mine\r\n[[sources]]\r\nname = "A"\r\n')
    assert b"\n" not in written.replace(b"\r\n", b"")  # every line ending is still CRLF


def test_a_layout_that_cannot_be_edited_line_by_line_is_rewritten_keeping_the_header(tmp_path):
    path = tmp_path / "sources.toml"
    # A multi-line string holding a line that looks like a table header: line edits would go wrong.
    path.write_text(
        '# Our channels\n# second line\n\n[[sources]]\nname = "A"\nkind = "rss"\nurl = "u"\n'
        '[[sources]]  # tricky\nname = """B\n[[sources]]\n"""\nkind = "rss"\nurl = "v"  # note\n',
        encoding="utf-8",
    )
    saved = set_enabled("B\n[[sources]]", False, path)
    assert saved.rewritten is True
    text = path.read_text()
    assert text.startswith("# Our channels\n# second line\n")
    assert [(s.name, s.enabled) for s in load_sources(path)] == [("A", True), ("B\n[[sources]]", False)]


def test_invalid_changes_write_nothing(example):
    before = example.read_bytes()
    stamp = example.stat().st_mtime_ns
    bad = [
        {"name": "Council news", "kind": "rss", "url": "u"},  # duplicate name
        {"name": "x", "kind": "rss"},  # no url
        {"name": "x", "kind": "rss", "url": "u", "colour": "red"},  # unknown key
        {"name": "x", "kind": "rss", "url": "u", "retention_days": 0},
        {"name": "x", "kind": "fax", "number": "1"},
    ]
    for entry in bad:
        with pytest.raises(ConfigError):
            add_source(entry, example)
    with pytest.raises(ConfigError, match="there is no source named 'Nope'"):
        set_enabled("Nope", False, example)
    assert example.read_bytes() == before and example.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in example.parent.iterdir()) == ["sources.toml"]  # no temporary files


def test_an_unreadable_file_is_never_overwritten(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text("[[sources]\nname = ", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        add_source({"name": "x", "kind": "rss", "url": "u"}, path)
    assert path.read_text() == "[[sources]\nname = "


def test_saves_replace_the_file_atomically_and_keep_its_mode(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('[[sources]]\nname = "A"\nkind = "rss"\nurl = "u"\n', encoding="utf-8")
    os.chmod(path, 0o640)
    inode = path.stat().st_ino
    add_source({"name": "B", "kind": "rss", "url": "v"}, path)
    assert path.stat().st_ino != inode  # a new file renamed into place, not rewritten in place
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_symlinked_file_is_written_through_the_link(tmp_path):
    real = tmp_path / "real.toml"
    real.write_text('[[sources]]\nname = "A"\nkind = "rss"\nurl = "u"\n', encoding="utf-8")
    link = tmp_path / "sources.toml"
    link.symlink_to(real)
    set_enabled("A", False, link)
    assert link.is_symlink() and load_sources(real)[0].enabled is False


def test_config_path_follows_pulse_config(monkeypatch, tmp_path):
    monkeypatch.delenv("PULSE_CONFIG", raising=False)
    assert str(config_path()) == "sources.toml"
    monkeypatch.setenv("PULSE_CONFIG", str(tmp_path / "x.toml"))
    assert config_path() == tmp_path / "x.toml"


def test_toml_table_of_a_source_reads_back_as_that_source():
    entry = {"name": "Mastodon", "kind": "mastodon", "account": "c", "base_url": "https://m.example",
             "council_accounts": ["c"], "retention_days": 30, "enabled": False}
    assert tomllib.loads(toml_table(entry))["sources"] == [entry]
