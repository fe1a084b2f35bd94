"""Replies under an experience and "me too" marks."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
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
    # published, hidden (flags or a moderator) or deleted: see forum/workflow.py.
    status: Mapped[Status] = mapped_column(StatusType(), default=Status.PUBLISHED)
    status_reason: Mapped[str | None] = mapped_column(String(1000))
    flag_count: Mapped[int] = mapped_column(default=0)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()
    experience: Mapped["Experience"] = relationship()


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
