"""Typed settings: every file and variable read strictly, errors naming the key and where it was read."""

from __future__ import annotations

import pytest

from collectors.registry import KINDS, load_sources
from settings import environment
from settings.secrets import read_secret
from settings.sources import ConfigError
from settings.typed import Key, SettingsError, read_table

RSS = '[[sources]]\nname = "News"\nkind = "rss"\nurl = "https://example.org/feed"\n'


def sources_file(tmp_path, extra: str = ""):
    path = tmp_path / "sources.toml"
    path.write_text(RSS + extra, encoding="utf-8")
    return path


@pytest.mark.parametrize("line, words", [
    ('enabled = "false"', "enabled in source 'News' in .*sources.toml must be true or false, not 'false'"),
    ("enabled = 0", "enabled .* must be true or false"),
    ('retention_days = "30"', "retention_days .* must be a whole number"),
    ("retention_days = 0", "retention_days .* at least 1"),
    ("retention_days = true", "retention_days .* must be a whole number"),
    ("council_accounts = [1, 2]", "council_accounts .* must be a list of texts"),
    ('colour = "red"', "unknown setting\\(s\\) colour"),
])
def test_a_value_of_the_wrong_type_names_the_key_and_the_file(tmp_path, line, words):
    with pytest.raises(ConfigError, match=words):
        load_sources(sources_file(tmp_path, line + "\n"))


def test_typed_values_come_back_typed(tmp_path):
    source = load_sources(sources_file(tmp_path, 'enabled = false\ncouncil_accounts = "us"\nlookback_days = 3\n'))[0]
    assert source.enabled is False and source.council_accounts == ("us",) and source.lookback_days == 3
    assert source.options == {"url": "https://example.org/feed"}


def test_every_kind_declares_keys_with_words():
    for kind in KINDS.values():
        assert kind.label and kind.one_of
        for key in kind.keys:
            assert key.doc, f"{kind.kind}.{key.name} has no description"


def test_environment_variables_are_typed(monkeypatch):
    monkeypatch.setenv("PULSE_SCORE_WORKERS", "two")
    with pytest.raises(SettingsError, match="PULSE_SCORE_WORKERS .* must be a whole number"):
        environment.value(environment.SCORE_WORKERS)
    monkeypatch.setenv("PULSE_SCORE_WORKERS", "2")
    assert environment.value(environment.SCORE_WORKERS) == 2
    monkeypatch.setenv("PULSE_TRUSTED_API_HOSTS", " 127.0.0.1:8080, proxy.example ,")
    assert environment.value(environment.TRUSTED_API_HOSTS) == ("127.0.0.1:8080", "proxy.example")
    monkeypatch.delenv("PULSE_DB", raising=False)
    assert str(environment.db_path()) == "data/pulse.duckdb"


def test_environment_booleans_are_only_true_or_false():
    flag = Key("flag", "bool", "a flag", env="FLAG")
    assert read_table((flag,), {}, "t", {"FLAG": "TRUE"}) == {"flag": True}
    assert read_table((flag,), {}, "t", {"FLAG": "0"}) == {"flag": False}
    with pytest.raises(SettingsError, match="flag in the environment variable FLAG must be true or false"):
        read_table((flag,), {}, "t", {"FLAG": "on"})


def test_a_secret_is_never_repeated_in_an_error():
    key = Key("password", "int", "a secret number", secret=True)
    with pytest.raises(SettingsError) as raised:
        read_table((key,), {"password": "hunter2"}, "[x] in secrets.toml")
    assert "hunter2" not in str(raised.value) and "password in [x] in secrets.toml" in str(raised.value)


def test_read_secret_prefers_the_environment_and_wants_text(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('API_KEY = "from-file"\nNUMBER_KEY = 12\n', encoding="utf-8")
    monkeypatch.delenv("API_KEY", raising=False)
    assert read_secret("API_KEY", secrets) == "from-file"
    monkeypatch.setenv("API_KEY", "from-env")
    assert read_secret("API_KEY", secrets) == "from-env"
    assert read_secret("MISSING", secrets) is None
    with pytest.raises(SettingsError, match="NUMBER_KEY in .*secrets.toml must be a text"):
        read_secret("NUMBER_KEY", secrets)
    secrets.write_text("API = [", encoding="utf-8")
    with pytest.raises(SettingsError, match="is not valid TOML"):
        read_secret("OTHER", secrets)
