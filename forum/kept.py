"""Values kept in this process's memory under the content version (forum/models/content.py).

Whatever is kept was made from the data as of one version: a newer version forgets it all at
once, and nothing is used longer than a time limit (a change made outside the app, by hand or
by a restore, does not move the version). Within a weight budget, the least recently used
go first. The store behind every cache declared in forum/caching.py.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass(frozen=True)
class _Entry:
    value: object
    tag: Hashable
    weight: int
    kept_at: float


class KeptUnderVersion:
    """Up to `budget` in weight (`weigh(value)`, 1 each by default), each for `seconds`."""

    def __init__(self, budget: int, seconds: float, weigh: Callable[[object], int] | None = None):
        self.budget, self.seconds = budget, seconds
        self._weigh = weigh or (lambda value: 1)
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._weight = 0
        self._version = -1
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, version: int, tag: Hashable = None):
        """The value kept for `key` under this version and `tag`, or None."""
        with self._lock:
            self._forget_older_than(version)
            entry = self._entries.get(key)
            if entry is None or version != self._version:
                return None
            if entry.tag != tag or time.monotonic() - entry.kept_at > self.seconds:
                self._remove(key)
                return None
            self._entries.move_to_end(key)
            return entry.value

    def put(self, key: Hashable, version: int, value, tag: Hashable = None) -> None:
        """Keep `value`, made from the data as of `version` (a reader of older data does not)."""
        weight = self._weigh(value)
        if weight > self.budget // 8:
            return
        with self._lock:
            self._forget_older_than(version)
            if version != self._version:
                return
            self._remove(key)
            self._entries[key] = _Entry(value, tag, weight, time.monotonic())
            self._weight += weight
            while self._weight > self.budget:
                self._remove(next(iter(self._entries)))

    def _forget_older_than(self, version: int) -> None:
        if version > self._version:
            self._entries.clear()
            self._weight = 0
            self._version = version

    def _remove(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._weight -= entry.weight
