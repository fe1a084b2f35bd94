"""Search over published experiences; the only package that touches whoosh.

The rest of the app uses only these names:

    note_changed(experience_id)     before committing anything the index must reflect
    apply_pending()                 right after that commit (never raises)
    search(args) -> SearchPage      args loaded with schemas.SearchQuerySchema
    index_version() -> Hashable     changes whenever what search answers may change
    similar_experiences(experience_id, limit=5) -> list[int]
    rebuild(progress=None) -> int   a new index from the database, swapped in atomically
    check(repair=True) -> IndexReport
    init_app(app)
"""

import logging
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from forum.extensions import db
from forum.models.search import SearchChange
from forum.search.engine import zerocopy
from forum.search.index import indexer, storage
from forum.search.index.indexer import IndexReport
from forum.search.index.runtime import REQUEST_LOCK_SECONDS, SearchRuntime
from forum.search.service import SearchPage, runtime, search, similar_experiences

__all__ = [
    "IndexReport",
    "SearchPage",
    "apply_pending",
    "check",
    "index_version",
    "init_app",
    "note_changed",
    "rebuild",
    "search",
    "similar_experiences",
]

log = logging.getLogger(__name__)


def note_changed(experience_id: int) -> None:
    """Record in the caller's transaction that the index must look at this experience again."""
    db.session.add(SearchChange(experience_id=experience_id))


def index_version() -> tuple[str, int] | None:
    """The current generation and its newest commit; None while there is no index."""
    generation = storage.current_generation(runtime().directory)
    if generation is None:
        return None
    return generation.name, storage.commit_number(generation)


def apply_pending() -> None:
    """Apply committed changes to this process's index now; logs, never raises.

    When another process holds the index's writer lock, the changes stay in the outbox and
    that process or the next drain (at most SEARCH_DRAIN_INTERVAL_MS later) applies them.
    """
    try:
        runtime().drain(db.engine, lock_timeout=REQUEST_LOCK_SECONDS, batches=1)
    except storage.IndexBusy:
        log.debug("search: index busy; the outbox keeps the change for the next drain")
    except Exception:
        log.exception("search: applying pending changes failed; the next drain retries")


def rebuild(progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the index from the database while searches use the old one."""
    return indexer.rebuild(runtime().directory, db.engine, progress=progress)


def check(repair: bool = True) -> IndexReport:
    """Compare the index with the database; repair every difference unless told not to."""
    if runtime().needs_build():
        rebuild()
    return indexer.check(runtime().directory, db.engine, repair=repair, lock_timeout=30.0)


def init_app(app: Flask) -> None:
    """Attach this process's search runtime; the index itself opens or builds on first use.

    Also makes whoosh open compound segments without copying them into RAM (engine/zerocopy):
    done here, explicitly, rather than as a side effect of importing a module.
    """
    zerocopy.install()
    interval = app.config.get("SEARCH_DRAIN_INTERVAL_MS", 500) / 1000
    search_runtime = SearchRuntime(Path(app.config["SEARCH_INDEX_DIR"]), interval)
    app.extensions["search"] = search_runtime

    @app.before_request
    def start_search_drainer() -> None:
        # Started by the first request of each process: threads do not survive a fork.
        search_runtime.start_drainer(app)
