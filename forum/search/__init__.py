"""Search over published experiences; the only package that touches whoosh.

The rest of the app uses only these names:

    note_changed(experience_id)     before committing anything the index must reflect
    apply_pending()                 right after that commit (never raises; in a served
                                    process the background drainer applies them)
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

from flask import Flask, g, has_request_context

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
# In the session's info while it holds outbox rows not yet handed to the drainer.
NOTED = "search_changes_noted"


def note_changed(experience_id: int) -> None:
    """Record in the caller's transaction that the index must look at this experience again."""
    db.session.add(SearchChange(experience_id=experience_id))
    db.session.info[NOTED] = True


def index_version() -> tuple[str, int] | None:
    """The current generation and its newest commit; None while there is no index."""
    generation = storage.current_generation(runtime().directory)
    if generation is None:
        return None
    return generation.name, storage.commit_number(generation)


def apply_pending() -> None:
    """Have the changes just committed applied to this process's index; logs, never raises.

    A served process has a background drainer: a request only marks that it committed
    changes, and the drainer is woken when the request ends, so no request waits for the
    index's writer lock or a whoosh commit (issue 20: most of a published POST's time at
    100,000). Elsewhere (the CLI, scripts, tests) the changes are applied here and now. Either
    way the committed outbox rows are what count: a process that dies first leaves them to
    the next drain of any process (at most SEARCH_DRAIN_INTERVAL_MS later).
    """
    search_runtime = runtime()
    noted = db.session.info.pop(NOTED, False)
    if search_runtime.has_drainer():
        # A commit that noted nothing (a pending story, a reply) wakes nothing: the drain
        # would only compete with the next request for the GIL and the database.
        if not noted:
            return
        if has_request_context():
            g.search_changes_committed = True
        else:
            search_runtime.wake_drainer()
        return
    try:
        search_runtime.drain(db.engine, lock_timeout=REQUEST_LOCK_SECONDS, batches=1)
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

    @app.teardown_request
    def wake_search_drainer(_error: BaseException | None) -> None:
        # After the response is made (and timed): the drainer's whoosh commit then runs
        # while the server sends it, not inside the request.
        if g.pop("search_changes_committed", False):
            search_runtime.wake_drainer()
