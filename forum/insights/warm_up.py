"""Each process builds its insights table and suppression pattern once, off any request.

Deciding the pattern for the whole lattice takes seconds at 100,000 stories (ARCHITECTURE.md);
a worker that waited for its first insights request would make that visitor, and everyone
queued behind the cube's lock, wait as long. So the first request of any kind starts a
background thread that asks for everyone's insights once (INSIGHTS_WARM_UP; off in tests).

Once built, everything the process holds is frozen out of the cyclic garbage collector
(`gc.freeze`): at 100,000 stories a full collection walked the table and the search postings
for 0.3-1.2 s (quiet and loaded machine), a pause that landed on whichever request set it
off. Frozen objects are still freed by reference counting when the table is replaced.
"""

import gc
import logging
import threading

from flask import Flask

from forum.insights import service

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    started: list[bool] = []

    @app.before_request
    def _warm_up_once():
        if app.config["INSIGHTS_WARM_UP"] and not started:
            started.append(True)
            threading.Thread(
                target=_warm, args=(app,), name="insights-warm-up", daemon=True
            ).start()


def _warm(app: Flask) -> None:
    try:
        with app.app_context():
            service.insights({})
            service.insights({}, view="long_term")
        gc.collect()
        gc.freeze()
    except Exception:  # noqa: BLE001 (the first insights request builds it instead)
        log.warning(
            "insights: warming up failed; the first request will build the table", exc_info=True
        )
