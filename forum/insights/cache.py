"""A per-process cache of insight counts, keyed on the data version so no change is missed."""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any

from flask import current_app

MAX_ENTRIES = 512


class VersionedCache:
    """Values computed from the published data; all of them are dropped when the version moves.

    Holding only the current version means a stale value can never be served: a request
    that sees a newer version than the cache empties it first, and a value computed under
    an older version is not stored once a newer one has been seen.
    """

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._lock = Lock()
        self._version: Hashable = None
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._max_entries = max_entries

    def get_or_compute(self, version: Hashable, key: Hashable, compute: Callable[[], Any]):
        """The cached value for `key` under `version`, computing and keeping it when missing."""
        with self._lock:
            if version != self._version:
                self._entries.clear()
                self._version = version
            elif key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        # Computed outside the lock: other groups should not wait for this one's queries.
        value = compute()
        with self._lock:
            if version == self._version:
                self._entries[key] = value
                while len(self._entries) > self._max_entries:
                    self._entries.popitem(last=False)
        return value


def app_cache() -> VersionedCache:
    """This app's cache; each app (and so each test's database) has its own."""
    return current_app.extensions.setdefault("insights_cache", VersionedCache())
