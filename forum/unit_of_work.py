"""The end of every use case that changes data: one commit, then the search index follows."""

from forum import search
from forum.extensions import db


def commit() -> None:
    """Commit the session, then apply the search changes it recorded to this process's index.

    The commit moves the content version in its own transaction (forum/models/content.py), so
    every value kept under the version (forum/caching.py) is retired with it. The search
    changes are applied after it, from the outbox the commit wrote; that never raises.
    """
    db.session.commit()
    search.apply_pending()
