"""The Redis store's own rules, against a stand-in client: keys by version and tag, the
weight limit, signatures, and resting after a failure."""

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from forum import kept_shared
from forum.kept_shared import REDIS_REST_SECONDS, KeptInRedis


class DictRedis:
    """The two calls the store makes, on a dict; `down` makes each of them fail."""

    def __init__(self):
        self.values, self.calls, self.down = {}, 0, False

    def get(self, name):
        self.calls += 1
        if self.down:
            raise RedisConnectionError("refused")
        return self.values.get(name)

    def set(self, name, value, ex=None):
        self.calls += 1
        if self.down:
            raise RedisConnectionError("refused")
        self.values[name] = value
        return True


@pytest.fixture
def client():
    return DictRedis()


def store(client, secret="secret", **limits):
    return KeptInRedis(client, "forum:kept:", "pages", 300, secret, **limits)


def test_a_value_is_read_under_its_version_and_tag_only(client):
    kept = store(client)
    kept.put(("/", b""), 7, "page", tag="index-3")

    assert kept.get(("/", b""), 7, tag="index-3") == "page"
    assert kept.get(("/", b""), 8, tag="index-3") is None
    assert kept.get(("/", b""), 7, tag="index-4") is None
    assert all(name.startswith("forum:kept:pages:7:") for name in client.values)


def test_a_value_heavier_than_the_limit_is_not_kept(client):
    kept = store(client, max_weight=4, weigh=len)
    kept.put("big", 1, "12345")
    kept.put("small", 1, "1234")

    assert kept.get("big", 1) is None
    assert kept.get("small", 1) == "1234"


def test_a_value_signed_with_another_key_is_a_miss(client):
    store(client, secret="another forum's").put("key", 1, "page")

    assert store(client).get("key", 1) is None


def test_after_a_failure_redis_is_left_alone_for_a_while(client, monkeypatch):
    now = [100.0]
    monkeypatch.setattr(kept_shared.time, "monotonic", lambda: now[0])
    kept = store(client)
    client.down = True

    assert kept.get("key", 1) is None
    kept.put("key", 1, "page")
    assert client.calls == 1

    client.down = False
    now[0] += REDIS_REST_SECONDS + 1
    kept.put("key", 1, "page")
    assert kept.get("key", 1) == "page"
