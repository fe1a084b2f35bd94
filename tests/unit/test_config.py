"""Settings from the environment: clear errors for bad ones, safe defaults under instance/."""

import stat

import pytest

from forum import create_app
from forum.config import ConfigError, load_config

SETTINGS = (
    "FORUM_ENV", "SECRET_KEY", "DATABASE_URL", "SEARCH_INDEX_DIR", "REDIS_URL",
    "MAX_CONTENT_LENGTH", "API_TOKEN_TTL_DAYS", "REMEMBER_COOKIE_DAYS", "PASSWORD_HASH_METHOD",
    "TRUST_THRESHOLD", "FLAG_HIDE_THRESHOLD", "INSIGHTS_MIN_REPORTS", "FORUM_INSTANCE_PATH",
)  # fmt: skip


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("environment", ["production", "testing"])
def test_outside_development_a_missing_secret_key_is_a_clear_error(
    clean_environment, tmp_path, environment
):
    clean_environment.setenv("FORUM_ENV", environment)
    with pytest.raises(ConfigError, match=f"SECRET_KEY must be set when FORUM_ENV={environment}"):
        load_config(tmp_path)
    assert not (tmp_path / "secret_key").exists()


def test_production_uses_the_given_secret_and_secure_cookies(clean_environment, tmp_path):
    clean_environment.setenv("FORUM_ENV", "production")
    clean_environment.setenv("SECRET_KEY", "from-the-environment")
    config = load_config(tmp_path)
    assert config["SECRET_KEY"] == "from-the-environment"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True


def test_development_generates_a_secret_once_and_keeps_it(tmp_path):
    first = load_config(tmp_path)["SECRET_KEY"]
    kept = tmp_path / "secret_key"
    assert len(first) >= 32
    assert kept.read_text() == first
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert load_config(tmp_path)["SECRET_KEY"] == first
    assert load_config(tmp_path)["SESSION_COOKIE_SECURE"] is False


def test_an_empty_secret_file_is_replaced(tmp_path):
    (tmp_path / "secret_key").write_text("\n")
    assert len(load_config(tmp_path)["SECRET_KEY"]) >= 32


def test_create_app_keeps_everything_in_the_instance_path(clean_environment, tmp_path):
    instance = tmp_path / "instance"
    clean_environment.setenv("FORUM_INSTANCE_PATH", str(instance))
    app = create_app()
    assert app.instance_path == str(instance)
    assert app.config["SECRET_KEY"] == (instance / "secret_key").read_text()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'forum.db'}"
    assert app.config["SEARCH_INDEX_DIR"] == str(instance / "search-index")
    assert app.config["REDIS_URL"] is None


def test_settings_come_from_the_environment(clean_environment, tmp_path):
    clean_environment.setenv("SEARCH_INDEX_DIR", "/srv/index")
    clean_environment.setenv("REDIS_URL", "redis://cache:6379/0")
    clean_environment.setenv("MAX_CONTENT_LENGTH", "2048")
    clean_environment.setenv("API_TOKEN_TTL_DAYS", "7")
    config = load_config(tmp_path)
    assert config["SEARCH_INDEX_DIR"] == "/srv/index"
    assert config["REDIS_URL"] == "redis://cache:6379/0"
    assert config["MAX_CONTENT_LENGTH"] == 2048
    assert config["API_TOKEN_TTL_DAYS"] == 7


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db.example:5432/forum", "postgresql+psycopg://u:p@db.example:5432/forum"),
        ("postgresql://u@db/forum", "postgresql+psycopg://u@db/forum"),
        ("postgresql+psycopg://u@db/forum", "postgresql+psycopg://u@db/forum"),
        ("sqlite:////var/lib/forum.db", "sqlite:////var/lib/forum.db"),
        ("  postgres://u@db/forum\n", "postgresql+psycopg://u@db/forum"),
    ],
)
def test_database_urls_are_normalised_for_psycopg_3(clean_environment, tmp_path, given, used):
    clean_environment.setenv("DATABASE_URL", given)
    assert load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == used


def test_a_malformed_database_url_is_a_clear_error(clean_environment, tmp_path):
    clean_environment.setenv("DATABASE_URL", "not a url")
    with pytest.raises(ConfigError, match="DATABASE_URL is not a database URL"):
        load_config(tmp_path)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MAX_CONTENT_LENGTH", "big", "MAX_CONTENT_LENGTH must be a whole number, not 'big'"),
        ("API_TOKEN_TTL_DAYS", "1.5", "API_TOKEN_TTL_DAYS must be a whole number"),
        ("TRUST_THRESHOLD", "three", "TRUST_THRESHOLD must be a whole number"),
        ("REMEMBER_COOKIE_DAYS", "0", "REMEMBER_COOKIE_DAYS must be at least 1, not 0"),
        ("MAX_CONTENT_LENGTH", "10", "MAX_CONTENT_LENGTH must be at least 1024"),
        ("INSIGHTS_MIN_REPORTS", "2", "INSIGHTS_MIN_REPORTS must be at least 3"),
        ("FLAG_HIDE_THRESHOLD", "-1", "FLAG_HIDE_THRESHOLD must be at least 1"),
    ],
)
def test_bad_numbers_are_clear_errors(clean_environment, tmp_path, name, value, message):
    clean_environment.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path)


def test_an_unknown_environment_is_a_clear_error(clean_environment, tmp_path):
    clean_environment.setenv("FORUM_ENV", "staging")
    with pytest.raises(ConfigError, match="FORUM_ENV must be one of"):
        load_config(tmp_path)


@pytest.mark.parametrize("method", ["pbkdf2:sha256", "plain", "scrypt:1000:8:1", "scrypt:16"])
def test_only_a_working_scrypt_is_accepted_for_passwords(clean_environment, tmp_path, method):
    clean_environment.setenv("PASSWORD_HASH_METHOD", method)
    with pytest.raises(ConfigError, match="PASSWORD_HASH_METHOD must be scrypt"):
        load_config(tmp_path)


def test_scrypt_cost_parameters_can_be_tuned(clean_environment, tmp_path):
    clean_environment.setenv("PASSWORD_HASH_METHOD", "scrypt:16384:8:1")
    assert load_config(tmp_path)["PASSWORD_HASH_METHOD"] == "scrypt:16384:8:1"
    clean_environment.delenv("PASSWORD_HASH_METHOD")
    assert load_config(tmp_path)["PASSWORD_HASH_METHOD"] == "scrypt"
