"""The audit row every moderation action writes (who may act: forum/permissions.py)."""

from forum.extensions import db
from forum.models import ModerationAction, User


def record_action(
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int,
    *,
    subject_id: int | None = None,
    reason: str | None = None,
    note: str | None = None,
) -> ModerationAction:
    """Add an audit row to the caller's transaction, so it commits with the action or not at all."""
    row = ModerationAction(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        subject_id=subject_id,
        reason=reason,
        note=note or None,
    )
    db.session.add(row)
    return row
