"""What a member hears back: notifications, the experiences they watch, their mail choices."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.clock import utcnow
from forum.extensions import db

# The contract's kinds (CONTRACT.md §6), in the order the settings show them.
NOTIFICATION_KINDS = (
    "approved",
    "rejected",
    "hidden",
    "reply",
    "mention",
    "me_too",
    "follow_up_approved",
    "suspended",
)
MAIL_CHOICES = ("off", "now", "daily")
DEFAULT_MAIL = {
    "approved": "now",
    "rejected": "now",
    "hidden": "now",
    "reply": "daily",
    "mention": "now",
    "me_too": "off",
    "follow_up_approved": "now",
    "suspended": "now",
}


class Notification(db.Model):
    """One thing a member hears back; what it says is worked out when it is read.

    Only ids and the words of a decision are stored: the story's title and whether the
    member may still see what it points at are read at read time, so a reply hidden later
    disappears from its notifications. "me too" marks share one row per experience.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        # The bell: one indexed count of a member's unread rows.
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
        # The page: a member's rows, newest first.
        Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
        Index("ix_notifications_experience_id", "experience_id"),
        Index("ix_notifications_reply_id", "reply_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    experience_id: Mapped[int | None] = mapped_column(
        ForeignKey("experiences.id", ondelete="CASCADE")
    )
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id", ondelete="CASCADE"))
    # Who replied or mentioned; None for decisions and once their account is gone.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The moderator's reason (rejected, hidden, suspended), as it was said.
    reason: Mapped[str | None] = mapped_column(String(1000))
    # The end of a suspension.
    until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # When its e-mail was recorded (at once or in a digest); None while one may still be due.
    mailed_at: Mapped[datetime | None]


class Watch(db.Model):
    """A member hearing about new replies on an experience (lobsters' ReadRibbon)."""

    __tablename__ = "watches"
    __table_args__ = (Index("ix_watches_experience_id", "experience_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    experience_id: Mapped[int] = mapped_column(
        ForeignKey("experiences.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationSettings(db.Model):
    """A member's choices; no row means the defaults (DEFAULT_MAIL, watching what they reply to)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # kind → off | now | daily, only the kinds the member changed.
    mail: Mapped[dict] = mapped_column(JSON, default=dict)
    watch_replies: Mapped[bool] = mapped_column(default=True)
    # The day (UTC) of the last digest, so a second run that day sends nothing.
    digest_sent_on: Mapped[date | None]
