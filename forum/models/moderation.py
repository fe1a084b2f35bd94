"""Flags raised by members and the append-only moderation log."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import db
from forum.models.user import User


class Flag(db.Model):
    """One member's report of one experience or one reply."""

    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("flagger_id", "experience_id", name="uq_flags_flagger_experience"),
        UniqueConstraint("flagger_id", "reply_id", name="uq_flags_flagger_reply"),
        Index("ix_flags_experience_id", "experience_id"),
        Index("ix_flags_reply_id", "reply_id"),
        # The queue and the nav badge look for open flags (resolved_at IS NULL) only.
        Index("ix_flags_resolved_at", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    experience_id: Mapped[int | None] = mapped_column(
        ForeignKey("experiences.id", ondelete="CASCADE")
    )
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id", ondelete="CASCADE"))
    flagger_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a moderator decides on the flagged item.
    resolved_at: Mapped[datetime | None]

    flagger: Mapped[User] = relationship()


class ModerationAction(db.Model):
    """One row per moderation action, naming exactly one target; never edited or deleted."""

    __tablename__ = "moderation_log"
    __table_args__ = (
        Index("ix_moderation_log_created_at", "created_at"),
        Index("ix_moderation_log_target", "target_type", "target_id"),
        # An author's history in the queue and their own decisions on the profile page.
        Index("ix_moderation_log_subject", "subject_id", "target_type", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for the system itself (an automatic hide after enough flags).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30))
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int]
    # The member the action concerns (the author, or the suspended member).
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])


# The one change the log allows: a deleted member's redaction (forum/auth/redaction.py)
# replaces the notes about them, keeping every row.
REDACTING_MEMBER_TEXT = "redacting_member_text"


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when anything tries to change or remove a moderation log row."""


@event.listens_for(ModerationAction, "before_update")
@event.listens_for(ModerationAction, "before_delete")
def _refuse_row_change(mapper, connection, target: ModerationAction) -> None:
    raise AuditLogIsAppendOnly("The moderation log is append-only.")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    # Bulk UPDATE/DELETE statements skip the per-row events above.
    if state.is_update and state.execution_options.get(REDACTING_MEMBER_TEXT):
        return
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is ModerationAction for mapper in state.all_mappers
    ):
        raise AuditLogIsAppendOnly("The moderation log is append-only.")
