"""Reading the search outbox: what an index has not applied yet, despite ids that commit
out of order, and pruning rows every index has long applied."""

import time
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from forum.clock import utcnow
from forum.models import SearchChange

# On PostgreSQL a transaction that started earlier can commit a smaller id after a larger
# one is visible. Ids missing below the high-water mark are re-checked for this long;
# those that never appear were rolled back.
GAP_SECONDS = 600
# Caps the re-check list after a burst of rollbacks.
MAX_GAPS = 5000
# Rows older than this are pruned; an index that fell further behind is rebuilt.
RETENTION = timedelta(days=7)


@dataclass
class Progress:
    """How far one index has applied the outbox: every id up to `high`, except `gaps`."""

    high: int = 0
    gaps: dict[int, float] = field(default_factory=dict)

    @classmethod
    def from_state(cls, state: dict) -> "Progress":
        gaps = {int(key): float(seen) for key, seen in state.get("gaps", {}).items()}
        return cls(high=int(state.get("high", 0)), gaps=gaps)

    def to_state(self) -> dict:
        return {"high": self.high, "gaps": {str(key): seen for key, seen in self.gaps.items()}}


def pending(session: Session, progress: Progress, limit: int) -> list[tuple[int, int]]:
    """Up to `limit` (change id, experience id) rows this index has not applied, by id."""
    condition = SearchChange.id > progress.high
    if progress.gaps:
        condition = condition | SearchChange.id.in_(sorted(progress.gaps))
    query = (
        select(SearchChange.id, SearchChange.experience_id)
        .where(condition)
        .order_by(SearchChange.id)
        .limit(limit)
    )
    return [(change_id, experience_id) for change_id, experience_id in session.execute(query)]


def advance(progress: Progress, applied: list[tuple[int, int]]) -> Progress:
    """The progress after applying `applied` (a `pending` result, so ordered by id)."""
    now = time.time()
    seen = {change_id for change_id, _ in applied}
    gaps = {
        change_id: first_seen
        for change_id, first_seen in progress.gaps.items()
        if change_id not in seen and now - first_seen < GAP_SECONDS
    }
    high = max([progress.high, *seen])
    # Rows come back in id order, so an id skipped below the new mark was not committed yet.
    for change_id in range(progress.high + 1, high):
        if change_id not in seen and len(gaps) < MAX_GAPS:
            gaps[change_id] = now
    return Progress(high=high, gaps=gaps)


def starting_point(session: Session) -> Progress:
    """Progress for an index built from the database as it is now.

    Ids near the top that are missing now may belong to transactions still in flight,
    whose changes the build may not see: they start out as gaps to re-check.
    """
    high = session.scalar(select(func.max(SearchChange.id))) or 0
    window = max(0, high - MAX_GAPS)
    present = set(session.scalars(select(SearchChange.id).where(SearchChange.id > window)))
    now = time.time()
    gaps = {change_id: now for change_id in range(window + 1, high) if change_id not in present}
    return Progress(high=high, gaps=gaps)


def prune(session: Session) -> int:
    """Delete rows older than RETENTION, never the newest (its id versions published data)."""
    newest = session.scalar(select(func.max(SearchChange.id)))
    if newest is None:
        return 0
    result = session.execute(
        delete(SearchChange).where(
            SearchChange.created_at < utcnow() - RETENTION, SearchChange.id < newest
        )
    )
    session.commit()
    return result.rowcount or 0
