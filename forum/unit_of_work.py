"""The end of every use case that changes data: one commit, then the search index follows."""

from forum import search
from forum.extensions import db


def commit() -> None:
    """Commit the session, then have the search changes it recorded applied to the index.

    The commit moves the content version in its own transaction (forum/models/content.py), so
    every value kept under the version (forum/caching.py) is retired with it. The search
    changes are applied after it, from the outbox the commit wrote: by this process's
    background drainer once the request ends in a served app, at once elsewhere
    (`search.apply_pending`); that never raises.
    """
    db.session.commit()
    search.apply_pending()
