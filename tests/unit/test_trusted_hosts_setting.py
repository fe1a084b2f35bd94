"""TRUSTED_HOSTS: host names only; production without it answers only the machine itself."""

import pytest

from forum.config import ConfigError, load_config


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    monkeypatch.setenv("SECRET_KEY", "s")
    return monkeypatch


@pytest.mark.parametrize(
    ("environment", "hosts"),
    [("production", ["localhost", "127.0.0.1"]), ("development", None), ("testing", None)],
)
def test_without_the_setting(tmp_path, environment, hosts):
    assert load_config(tmp_path, {"FORUM_ENV": environment})["TRUSTED_HOSTS"] == hosts


def test_names_are_read_from_a_comma_separated_list(clean_environment, tmp_path):
    clean_environment.setenv("TRUSTED_HOSTS", " Forum.Example, .movement.example ,, ")
    config = load_config(tmp_path, {"FORUM_ENV": "production"})
    assert config["TRUSTED_HOSTS"] == ["forum.example", ".movement.example"]


@pytest.mark.parametrize("value", ["forum.example:443", "https://forum.example", "*", "a b"])
def test_anything_but_host_names_stops_start_up(clean_environment, tmp_path, value):
    clean_environment.setenv("TRUSTED_HOSTS", value)
    with pytest.raises(ConfigError, match="TRUSTED_HOSTS must be host names"):
        load_config(tmp_path, {"FORUM_ENV": "production"})
