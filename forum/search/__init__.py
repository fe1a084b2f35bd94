"""Search over published experiences; the only package that touches Whoosh."""

import logging

from forum.extensions import db
from forum.models.search import SearchChange

log = logging.getLogger(__name__)


def note_changed(experience_id: int) -> None:
    """Record in the caller's transaction that the index must look at this experience again."""
    db.session.add(SearchChange(experience_id=experience_id))


def apply_pending() -> None:
    """Apply outstanding changes to this process's index; logs, never raises."""
    try:
        _apply_pending()
    except Exception:
        log.exception("search: applying pending changes failed; the next drain retries")


def _apply_pending() -> None:
    """Placeholder until the index lands: changes wait in the outbox, nothing is lost."""


def similar_experiences(experience_id: int, limit: int = 5) -> list[int]:
    """Ids of published experiences whose text resembles this one's (best first)."""
    return []
