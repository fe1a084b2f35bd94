"""Answers over time: an author's follow-ups to a story, and members' quick answers."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import db
from forum.models.experience import Experience
from forum.models.status import Status, StatusType, status_check
from forum.models.user import User


class FollowUp(db.Model):
    """A dated word from the author on how their story went on: still doing it or stopped
    (and why), the outcome and flare-ups now, optional text. Reviewed like stories."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        Index("ix_follow_ups_experience_id_created_at", "experience_id", "created_at"),
        Index("ix_follow_ups_status_submitted_at", "status", "submitted_at"),
        Index("ix_follow_ups_author_id", "author_id"),
        status_check(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    experience_id: Mapped[int] = mapped_column(ForeignKey("experiences.id", ondelete="CASCADE"))
    # None once the author deleted their account and chose to leave their stories anonymously.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    still_doing: Mapped[bool]
    stop_reason: Mapped[str | None] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))
    flare: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[Status] = mapped_column(StatusType(), default=Status.PENDING)
    status_reason: Mapped[str | None] = mapped_column(String(1000))
    # Zero (flags are not taken on follow-ups); workflow.decisions reads it like an experience's.
    flag_count: Mapped[int] = mapped_column(default=0)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    author: Mapped[User | None] = relationship()
    experience: Mapped[Experience] = relationship(back_populates="follow_ups")

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def weeks_after(self) -> int:
        """Whole weeks from when the story's exercise began (its publication less the weeks it
        had been tried) to this follow-up."""
        experience = self.experience
        start = experience.published_at or experience.created_at
        weeks = max(0, (self.created_at - start).days // 7) if start else 0
        return weeks + (experience.weeks_tried or 0)


Experience.follow_ups = relationship(
    FollowUp,
    back_populates="experience",
    order_by=(FollowUp.created_at, FollowUp.id),
    cascade="all, delete-orphan",
    passive_deletes=True,
)


class QuickAnswer(db.Model):
    """ "I tried this too": one member's outcome for one exercise, no text and no review.

    The profile answers are copied from the member's profile when answering, like a story's.
    """

    __tablename__ = "quick_answers"
    __table_args__ = (
        UniqueConstraint("user_id", "exercise"),
        Index("ix_quick_answers_exercise", "exercise"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    exercise: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))
    flare: Mapped[str] = mapped_column(String(20))
    onset: Mapped[str | None] = mapped_column(String(20))
    condition: Mapped[str | None] = mapped_column(String(20))
    symptom: Mapped[str | None] = mapped_column(String(20))
    age_band: Mapped[str | None] = mapped_column(String(20))
    onset_detail: Mapped[str | None] = mapped_column(String(20))
    severity: Mapped[str | None] = mapped_column(String(20))
    years_ill: Mapped[str | None] = mapped_column(String(20))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the answer was last given: insights take it as its publication time.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
