"""Every model, importable from one place (Alembic and the services look here)."""

from forum.models.content import (
    ContentVersion,
    StoryChange,
    Versions,
    content_version,
    versions,
    versions_in,
    with_versions,
)
from forum.models.discussion import MeToo, Reply, ReplyRevision
from forum.models.experience import (
    Experience,
    ExperienceExercise,
    Revision,
    Tag,
    experience_tags,
)
from forum.models.mail import MailMessage
from forum.models.moderation import Flag, ModerationAction
from forum.models.notification import (
    DEFAULT_MAIL,
    MAIL_CHOICES,
    NOTIFICATION_KINDS,
    Notification,
    NotificationSettings,
    Watch,
)
from forum.models.over_time import FollowUp, QuickAnswer
from forum.models.search import SearchChange
from forum.models.status import Status
from forum.models.user import ApiToken, User

# Last: it notes what each write changed, and knows every model for it.
from forum.models import changes  # noqa: E402, F401  isort: skip

__all__ = [
    "DEFAULT_MAIL",
    "MAIL_CHOICES",
    "NOTIFICATION_KINDS",
    "ApiToken",
    "ContentVersion",
    "Experience",
    "ExperienceExercise",
    "Flag",
    "FollowUp",
    "MailMessage",
    "MeToo",
    "ModerationAction",
    "QuickAnswer",
    "Notification",
    "NotificationSettings",
    "Reply",
    "ReplyRevision",
    "Revision",
    "SearchChange",
    "StoryChange",
    "Status",
    "Tag",
    "User",
    "Watch",
    "content_version",
    "Versions",
    "versions",
    "versions_in",
    "with_versions",
    "experience_tags",
]
