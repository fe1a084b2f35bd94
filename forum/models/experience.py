"""Experiences: a member's structured account of one kind of exercise, with its history."""

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from forum.clock import utcnow
from forum.extensions import db
from forum.models.status import Status, StatusType, status_check
from forum.models.user import User

experience_tags = Table(
    "experience_tags",
    db.Model.metadata,
    Column("experience_id", ForeignKey("experiences.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_experience_tags_tag_id", "tag_id"),
)


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)


class ExperienceExercise(db.Model):
    __tablename__ = "experience_exercises"
    __table_args__ = (Index("ix_experience_exercises_exercise", "exercise", "experience_id"),)

    experience_id: Mapped[int] = mapped_column(
        ForeignKey("experiences.id", ondelete="CASCADE"), primary_key=True
    )
    exercise: Mapped[str] = mapped_column(String(20), primary_key=True)
    # Members list their main exercise first; the order is theirs to keep.
    position: Mapped[int] = mapped_column(default=0)


class Experience(db.Model):
    __tablename__ = "experiences"
    __table_args__ = (
        Index("ix_experiences_status_published_at", "status", "published_at"),
        Index("ix_experiences_author_id_created_at", "author_id", "created_at"),
        Index("ix_experiences_status_submitted_at", "status", "submitted_at"),
        # Covers the insights counts: any mix of profile filters, read from the index alone.
        Index(
            "ix_experiences_status_profile",
            "status",
            "onset",
            "condition",
            "symptom",
            "age_band",
            "intensity",
            "outcome",
            "flare",
            "id",
        ),
        # Insights read every published answer (and one member's) from this index alone.
        Index(
            "ix_experiences_status_author_answers",
            "status",
            "author_id",
            "main_exercise",
            "onset",
            "condition",
            "symptom",
            "age_band",
            "published_at",
            "intensity",
            "outcome",
            "flare",
            "is_demo",
            "onset_detail",
            "severity",
            "years_ill",
            "id",
        ),
        # "Most me too" list order read from the index instead of sorting every published row.
        Index("ix_experiences_status_me_too", "status", "me_too_count", "published_at", "id"),
        status_check(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None once an author deleted their account and chose to leave the story anonymously.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The member-written fields below are None only in a draft, which may be unfinished.
    title: Mapped[str | None] = mapped_column(String(150))
    body: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # The exercise the outcome, flare and effects are about: always the first of exercise_rows
    # (kept in step by the validator below); the others were combined with it.
    main_exercise: Mapped[str | None] = mapped_column(String(20))
    intensity: Mapped[str | None] = mapped_column(String(20))
    minutes_per_session: Mapped[int | None]
    sessions_per_week: Mapped[int | None]
    weeks_tried: Mapped[int | None]
    outcome: Mapped[str | None] = mapped_column(String(20))
    flare: Mapped[str | None] = mapped_column(String(20))
    effect_pain: Mapped[str | None] = mapped_column(String(20))
    effect_fatigue: Mapped[str | None] = mapped_column(String(20))
    effect_sleep: Mapped[str | None] = mapped_column(String(20))
    # Copied from the author's profile when posting, so later profile edits leave them be.
    onset: Mapped[str | None] = mapped_column(String(20))
    condition: Mapped[str | None] = mapped_column(String(20))
    symptom: Mapped[str | None] = mapped_column(String(20))
    age_band: Mapped[str | None] = mapped_column(String(20))
    onset_detail: Mapped[str | None] = mapped_column(String(20))
    severity: Mapped[str | None] = mapped_column(String(20))
    years_ill: Mapped[str | None] = mapped_column(String(20))
    # Who may read it: "public" (anyone) or "members" (signed-in members); see permissions.
    visibility: Mapped[str] = mapped_column(String(10), default="public", server_default="public")
    # False: onset, condition, symptom and age band are shown to the author and moderators only.
    share_profile: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    status: Mapped[Status] = mapped_column(StatusType(), default=Status.PENDING)
    # Why a moderator rejected or hid it; shown to the author.
    status_reason: Mapped[str | None] = mapped_column(String(1000))
    me_too_count: Mapped[int] = mapped_column(default=0)
    reply_count: Mapped[int] = mapped_column(default=0)
    flag_count: Mapped[int] = mapped_column(default=0)
    # Bumped by every state change, so two moderators cannot both decide one version.
    version: Mapped[int] = mapped_column(default=1)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When it last entered the review queue: "waiting for review since ...".
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]

    author: Mapped[User | None] = relationship()
    exercise_rows: Mapped[list[ExperienceExercise]] = relationship(
        cascade="all, delete-orphan", order_by=ExperienceExercise.position
    )
    tags: Mapped[list[Tag]] = relationship(secondary=experience_tags, order_by=Tag.name)
    revisions: Mapped[list["Revision"]] = relationship(
        back_populates="experience", cascade="all, delete-orphan", order_by="Revision.number"
    )

    @validates("exercise_rows")
    def _first_row_is_the_main_exercise(self, key: str, row: ExperienceExercise):
        if not row.position:
            self.main_exercise = row.exercise
        return row

    @property
    def exercises(self) -> list[str]:
        return [row.exercise for row in self.exercise_rows]

    @property
    def tag_names(self) -> list[str]:
        return [tag.name for tag in self.tags]

    @property
    def effects(self) -> dict[str, str]:
        pairs = {
            "pain": self.effect_pain,
            "fatigue": self.effect_fatigue,
            "sleep": self.effect_sleep,
        }
        return {area: value for area, value in pairs.items() if value is not None}

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


class Revision(db.Model):
    """A snapshot of an experience as it was before an edit; every edit keeps one."""

    __tablename__ = "experience_revisions"
    __table_args__ = (UniqueConstraint("experience_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    experience_id: Mapped[int] = mapped_column(ForeignKey("experiences.id", ondelete="CASCADE"))
    number: Mapped[int]
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    # The structured fields as they were (exercises, intensity, outcome, ...).
    fields: Mapped[dict] = mapped_column(JSON)
    # The status the experience had before this edit: a record, so not held to today's list.
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    experience: Mapped[Experience] = relationship(back_populates="revisions")
    editor: Mapped[User | None] = relationship()
