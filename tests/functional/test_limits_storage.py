"""Where limits count: Redis shared by every worker, memory otherwise, and a Redis outage."""

import os
import secrets

import pytest

from forum.config import ConfigError, load_config
from forum.extensions import db
from tests.conftest import make_app

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
WRONG = {"username": "nobody-at-all", "password": "not the password"}


def limited_app(path, **overrides):
    path.mkdir(exist_ok=True)
    return make_app(
        path,
        RATELIMIT_ENABLED=True,
        RATELIMIT_SIGN_IN_FAILURES_PER_ACCOUNT="3 per minute",
        **overrides,
    )


def close(*apps):
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.redis
@pytest.mark.skipif(not TEST_REDIS_URL, reason="set TEST_REDIS_URL to a Redis to use")
def test_two_app_processes_share_their_counts_through_redis(tmp_path):
    # Two apps stand for two gunicorn workers; a fresh prefix keeps this run's keys apart.
    shared = {"REDIS_URL": TEST_REDIS_URL, "RATELIMIT_KEY_PREFIX": secrets.token_hex(8)}
    first = limited_app(tmp_path / "first", **shared)
    second = limited_app(tmp_path / "second", **shared)
    try:
        one, other = first.test_client(), second.test_client()
        assert one.post("/api/v1/auth/tokens", json=WRONG).status_code == 401
        assert other.post("/api/v1/auth/tokens", json=WRONG).status_code == 401
        assert one.post("/api/v1/auth/tokens", json=WRONG).status_code == 401
        refused = other.post("/api/v1/auth/tokens", json=WRONG)
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) >= 1
    finally:
        close(first, second)


def test_without_redis_each_process_counts_alone(tmp_path):
    first = limited_app(tmp_path / "first")
    second = limited_app(tmp_path / "second")
    try:
        one, other = first.test_client(), second.test_client()
        for _ in range(3):
            assert one.post("/api/v1/auth/tokens", json=WRONG).status_code == 401
        assert one.post("/api/v1/auth/tokens", json=WRONG).status_code == 429
        assert other.post("/api/v1/auth/tokens", json=WRONG).status_code == 401
    finally:
        close(first, second)


def test_an_unreachable_redis_falls_back_to_counting_in_memory(tmp_path):
    # Port 9 (discard) refuses connections on loopback: Redis "down" without waiting.
    app = limited_app(tmp_path, REDIS_URL="redis://127.0.0.1:9/0")
    try:
        client = app.test_client()
        statuses = [client.post("/api/v1/auth/tokens", json=WRONG).status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]
        assert client.get("/login").status_code == 200
    finally:
        close(app)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("REDIS_URL", "http://cache:6379", "REDIS_URL must start with redis://"),
        ("RATELIMIT_FLAG", "twenty a day", "RATELIMIT_FLAG must be rates like"),
        ("RATELIMIT_NEW_MEMBER_DAYS", "soon", "RATELIMIT_NEW_MEMBER_DAYS must be a whole number"),
        ("TRUSTED_PROXY_COUNT", "-1", "TRUSTED_PROXY_COUNT must be at least 0"),
    ],
)
def test_bad_limit_settings_stop_start_up_with_a_clear_message(
    monkeypatch, tmp_path, name, value, message
):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path)


def test_limit_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("RATELIMIT_FLAG", "5 per day")
    monkeypatch.setenv("RATELIMIT_ENABLED", "off")
    monkeypatch.setenv("REDIS_URL", "rediss://cache:6380/1")
    config = load_config(tmp_path)
    assert config["RATELIMIT_FLAG"] == "5 per day"
    assert config["RATELIMIT_ENABLED"] is False
    assert config["REDIS_URL"] == "rediss://cache:6380/1"
