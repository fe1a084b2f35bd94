"""This process's side of the index: one reused searcher, the engine's caches, and the
drains and builds that keep the index current."""

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import Engine as Database
from sqlalchemy.orm import Session
from whoosh.searching import Searcher

from forum.search.engine.matching import Engine
from forum.search.index import indexer, outbox, storage

log = logging.getLogger(__name__)

# A process without a drainer (the CLI, scripts) never waits longer than this for another
# process's index write: the outbox keeps the changes for that writer or a later drain.
REQUEST_LOCK_SECONDS = 0.05
# The background drainer prunes the outbox and confirms progress this often.
HOUSEKEEPING_SECONDS = 3600
# Text terms whose postings a new process decodes ahead of its searches: the commonest, which
# cost a first query holding them ~35 ms each at 100,000 stories (and ~1 MB each of the cache).
WARM_TERMS = 100
# An index whose progress nobody confirmed for this long may have missed pruned changes.
ABANDONED_SECONDS = outbox.RETENTION.total_seconds() - 86400


class SearchRuntime:
    """Per process (re-created after a fork) and per index directory."""

    def __init__(self, directory: Path, drain_interval: float):
        self.directory = directory
        self.drain_interval = drain_interval
        self._mutex = threading.RLock()
        self._pid: int | None = None
        self._stop = threading.Event()
        # Set when a request (or a commit outside one) in this process noted index changes:
        # the drainer applies them now rather than at its next interval.
        self._wake = threading.Event()
        self._last_housekeeping = 0.0
        self._adopt_process()

    def _adopt_process(self) -> None:
        """Forget what a parent process opened: file handles and threads do not fork well."""
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._generation: Path | None = None
            self._searcher: Searcher | None = None
            self.engine = Engine()
            self._drainer: threading.Thread | None = None

    @contextmanager
    def reading(self, database: Database) -> Iterator[Searcher | None]:
        """The current searcher (None while a first build runs elsewhere), used exclusively."""
        with self._mutex:
            self._adopt_process()
            if self.needs_build() and self.drain_interval <= 0:
                # No background drainer to build it (tests, scripts): build it right here.
                self.build(database)
            yield self._fresh_searcher()

    def needs_build(self) -> bool:
        """No index yet, or one built for another document schema."""
        generation = storage.current_generation(self.directory)
        return generation is None or storage.is_outdated(generation)

    def _fresh_searcher(self) -> Searcher | None:
        generation = storage.current_generation(self.directory)
        if generation is None or storage.is_outdated(generation):
            # Another version's schema may name classes this code no longer has.
            return None
        if generation != self._generation or self._searcher is None:
            self._close_searcher()
            self._searcher = storage.open_generation(generation).searcher()
            self._generation = generation
            self.engine = Engine()
        elif not self._searcher.up_to_date():
            # whoosh-reloaded 2.7.5's Searcher.refresh() keeps stale segments and misses
            # deletions; reopening is correct and, with the zero-copy files, about 1 ms.
            self._close_searcher()
            self._searcher = storage.open_generation(generation).searcher()
        return self._searcher

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def build(self, database: Database, progress=None) -> bool:
        """Build the index from the database unless another process is already at it.

        In this process alone: a served worker that started one process per CPU would take
        them from serving, and one killed mid-build would leave them behind (`flask forum
        reindex` builds with every CPU)."""
        try:
            with storage.writer_lock(self.directory, 0, name=storage.BUILD_LOCK):
                indexer.rebuild(self.directory, database, progress=progress, workers=1)
        except storage.IndexBusy:
            return False
        return True

    def drain(self, database: Database, *, lock_timeout: float, batches: int) -> int:
        """Apply pending outbox changes; raises IndexBusy when another writer is at work.

        Without a current index there is nothing to apply to: the build reads the database
        as it is, these changes included.
        """
        self._adopt_process()
        if self.needs_build():
            return 0
        return indexer.drain(self.directory, database, lock_timeout=lock_timeout, batches=batches)

    def housekeeping(self, database: Database) -> None:
        """Prune the outbox, confirm progress, and rebuild an index that fell behind."""
        generation = storage.current_generation(self.directory)
        if generation is None:
            return
        if storage.state_age(generation) > ABANDONED_SECONDS:
            log.warning("search: the index missed pruned changes; rebuilding it")
            self.build(database)
            return
        storage.touch_state(generation)
        with Session(database) as session:
            outbox.prune(session)

    def start_drainer(self, app: Flask) -> None:
        """Run drains every `drain_interval` seconds in this process (no-op if running)."""
        self._adopt_process()
        if self.drain_interval <= 0 or (self._drainer and self._drainer.is_alive()):
            return
        self._drainer = threading.Thread(
            target=self._drain_forever, args=(app,), name="search-drain", daemon=True
        )
        self._drainer.start()

    def has_drainer(self) -> bool:
        """Whether this process runs a background drainer (a served app does after its first
        request; the CLI and the tests' apps do not)."""
        self._adopt_process()
        return self._drainer is not None and self._drainer.is_alive()

    def wake_drainer(self) -> None:
        """Have the background drainer apply pending changes now instead of at its interval."""
        self._wake.set()

    def stop_drainer(self) -> None:
        """Stop the background drains (tests and shutdown)."""
        self._stop.set()
        self._wake.set()
        if self._drainer is not None:
            self._drainer.join(timeout=5)

    def _warm_up(self, app: Flask, terms: list[str]) -> None:
        """Decode the postings of `terms`, taking the searcher for one term at a time so a
        search waits for one term's decoding at most, never for the whole warm-up."""
        from forum.extensions import db

        with app.app_context():
            for term in terms:
                with self.reading(db.engine) as searcher:
                    if self._stop.is_set() or searcher is None:
                        return
                    self.engine.decode(searcher, term)

    def _drain_forever(self, app: Flask) -> None:
        from forum.extensions import db

        with app.app_context(), self.reading(db.engine) as searcher:
            if searcher is not None:
                self.engine.prepare(searcher)  # so the first search finds it decoded
                terms = self.engine.commonest(searcher, WARM_TERMS)
                threading.Thread(
                    target=self._warm_up, args=(app, terms), name="search-warm-up", daemon=True
                ).start()
        while True:
            self._wake.wait(self.drain_interval)
            self._wake.clear()
            if self._stop.is_set():
                return
            with app.app_context():
                try:
                    if self.needs_build():
                        # Searches use the old index or say "being built"; one process builds.
                        self.build(db.engine)
                    self.drain(db.engine, lock_timeout=self.drain_interval, batches=20)
                    if time.monotonic() - self._last_housekeeping > HOUSEKEEPING_SECONDS:
                        self._last_housekeeping = time.monotonic()
                        self.housekeeping(db.engine)
                except storage.IndexBusy:
                    continue
                except Exception:
                    log.exception("search: background drain failed; retrying")
