"""Shared steps of every moderation use case: who may act, and the audit row it writes."""

from forum.errors import Forbidden
from forum.extensions import db
from forum.models import ModerationAction, User
from forum.permissions import ensure_can_write, is_moderator


def ensure_moderator(user: User | None) -> None:
    """Moderators and admins only, and not while they are suspended themselves."""
    if not is_moderator(user):
        raise Forbidden("Only moderators can do that.")
    ensure_can_write(user)


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
