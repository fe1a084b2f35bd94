"""Values kept in Redis under the content version, shared by every worker and app host.

The same two calls as forum/kept.py's per-process store, so a cache declared in
forum/caching.py takes either. The content version is part of each key: a committed write
moves it and every value kept under an older one is never read again (Redis lets it expire).
The tag is part of the key too, so hosts whose derived state differs (each has its own search
index) keep their pages side by side instead of replacing each other's. Each value lives at
most `seconds`; Redis's own memory limit (maxmemory with an LRU policy) bounds the total.

Values are pickled and signed with the app's SECRET_KEY: a value that anyone but the app
wrote (or one written by a release whose classes differ) is a miss, never unpickled blindly.
Redis being down or slow is a miss too: the page is made as if nothing were kept, and Redis
is left alone for a few seconds before it is asked again.
"""

import hashlib
import hmac
import logging
import pickle
import threading
import time
from collections.abc import Callable, Hashable

from cachelib.serializers import RedisSerializer
from flask_caching.backends.rediscache import RedisCache
from redis import Redis

log = logging.getLogger(__name__)

# A cache that answers slower than this is no help to a page that takes tens of milliseconds.
REDIS_TIMEOUT_SECONDS = 0.25
# After a failure, pages are made without Redis for this long before it is asked again.
REDIS_REST_SECONDS = 5.0
_DIGEST = hashlib.sha256


class SignedPickle(RedisSerializer):
    """Pickles with an HMAC in front; a value whose HMAC does not match loads as None."""

    def __init__(self, secret: str):
        self._key = hashlib.sha256(b"forum.kept_shared:" + secret.encode()).digest()

    def dumps(self, value, protocol: int = pickle.HIGHEST_PROTOCOL) -> bytes:
        body = pickle.dumps(value, protocol)
        return hmac.new(self._key, body, _DIGEST).digest() + body

    def loads(self, value: bytes | None):
        if value is None:
            return None
        size = _DIGEST().digest_size
        signature, body = value[:size], value[size:]
        if not hmac.compare_digest(signature, hmac.new(self._key, body, _DIGEST).digest()):
            log.warning("a kept value in Redis is not signed by this app's key: ignored")
            return None
        # Only bytes this app signed with its own key are unpickled.
        return pickle.loads(body)  # noqa: S301


class KeptInRedis:
    """Values under `prefix` + `name` in Redis, each for `seconds`, none over `max_weight`.

    The prefix keeps apart forums (each with its own database, so its own versions) that
    share one Redis.
    """

    def __init__(
        self,
        client: Redis,
        prefix: str,
        name: str,
        seconds: int,
        secret: str,
        max_weight: int | None = None,
        weigh: Callable[[object], int] | None = None,
    ):
        self.name, self.seconds, self.max_weight = name, seconds, max_weight
        self._weigh = weigh or (lambda value: 1)
        self._cache = RedisCache(host=client, key_prefix=prefix, default_timeout=seconds)
        self._cache.serializer = SignedPickle(secret)
        self._resting_until = 0.0
        self._lock = threading.Lock()

    def key(self, key: Hashable, version: int, tag: Hashable) -> str:
        """The Redis key (after the prefix): the cache's name, the version, a digest of key and tag.

        repr() of the app's keys and tags (tuples of strings, bytes, numbers, booleans) is
        the same in every process, unlike hash().
        """
        digest = hashlib.sha256(repr((key, tag)).encode()).hexdigest()
        return f"{self.name}:{version}:{digest}"

    def get(self, key: Hashable, version: int, tag: Hashable = None):
        """The value kept for `key` under this version and `tag`, or None."""
        if self._resting():
            return None
        try:
            return self._cache.get(self.key(key, version, tag))
        # Nothing a cache read meets (Redis down, a value from another release that no
        # longer unpickles) may fail the request: the page is made instead.
        except Exception:
            self._rest("read")
            return None

    def put(self, key: Hashable, version: int, value, tag: Hashable = None) -> None:
        """Keep `value`, made from the data as of `version`, for everyone."""
        if self.max_weight is not None and self._weigh(value) > self.max_weight:
            return
        if self._resting():
            return
        try:
            self._cache.set(self.key(key, version, tag), value)
        except Exception:
            self._rest("write")

    def _resting(self) -> bool:
        return time.monotonic() < self._resting_until

    def _rest(self, what: str) -> None:
        with self._lock:
            self._resting_until = time.monotonic() + REDIS_REST_SECONDS
        log.warning(
            "kept %s: Redis %s failed; making pages without it for %.0f s",
            self.name,
            what,
            REDIS_REST_SECONDS,
            exc_info=True,
        )


def redis_client(url: str) -> Redis:
    """A client for kept values that gives up quickly (see REDIS_TIMEOUT_SECONDS)."""
    return Redis.from_url(
        url,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )
