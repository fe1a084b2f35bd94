"""Replies under an experience and "me too" marks."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import db
from forum.models.status import Status, StatusType, status_check
from forum.models.user import User

if TYPE_CHECKING:
    from forum.models.experience import Experience


class Reply(db.Model):
    __tablename__ = "replies"
    __table_args__ = (
        Index("ix_replies_experience_id_created_at", "experience_id", "created_at"),
        status_check(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    experience_id: Mapped[int] = mapped_column(ForeignKey("experiences.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # pending (review), published, rejected, hidden or deleted: see forum/workflow.py.
    status: Mapped[Status] = mapped_column(StatusType(), default=Status.PUBLISHED)
    status_reason: Mapped[str | None] = mapped_column(String(1000))
    flag_count: Mapped[int] = mapped_column(default=0)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set by the author's edits ("edited"); their earlier texts are ReplyRevision rows.
    edited_at: Mapped[datetime | None]
    # Deleted by its author (rather than a moderator): "deleted by its author" in the thread.
    deleted_by_author: Mapped[bool] = mapped_column(default=False)

    author: Mapped[User | None] = relationship()
    experience: Mapped["Experience"] = relationship()
    revisions: Mapped[list["ReplyRevision"]] = relationship(
        cascade="all, delete-orphan", order_by="ReplyRevision.number"
    )


class ReplyRevision(db.Model):
    """A reply's text as it was before an edit; moderators read them, the export lists them."""

    __tablename__ = "reply_revisions"
    __table_args__ = (UniqueConstraint("reply_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("replies.id", ondelete="CASCADE"))
    number: Mapped[int]
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    # The status the reply had before this edit: a record, so not held to today's list.
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MeToo(db.Model):
    """A member saying "this matches my experience", at most once per experience."""

    __tablename__ = "me_too_marks"
    __table_args__ = (Index("ix_me_too_marks_user_id", "user_id"),)

    experience_id: Mapped[int] = mapped_column(
        ForeignKey("experiences.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
