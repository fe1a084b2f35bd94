"""What notifications offer templates: the bell's count, watching, a notification's words."""

import sys
from functools import partial

from flask import Flask
from flask_login import current_user

from forum import caching
from forum.models import MAIL_CHOICES, NOTIFICATION_KINDS
from forum.notifications import queries
from forum.notifications.schemas import KIND_LABELS, MAIL_CHOICE_LABELS
from forum.notifications.service import is_watching, mail_choices, settings_of
from forum.notifications.texts import link, text

# The bell stops counting here and shows "99+".
BELL_CAP = 100

__all__ = [
    "KIND_LABELS",
    "MAIL_CHOICES",
    "MAIL_CHOICE_LABELS",
    "NOTIFICATION_KINDS",
    "is_watching",
    "link",
    "mail_choices",
    "settings_of",
    "text",
]


def init_templating(app: Flask) -> None:
    """Templates reach these names as `notifications.…`; signed-in pages show the bell."""
    app.jinja_env.globals["notifications"] = sys.modules[__name__]
    app.context_processor(bell_context)


def bell_context() -> dict:
    """Signed-in members see their unread count on every page; visitors cost no query."""
    if not current_user.is_authenticated:
        return {}
    count = _kept_unread_count()
    return {"unread_notifications": f"{BELL_CAP - 1}+" if count >= BELL_CAP else count}


def _kept_unread_count() -> int:
    """The count, counted again only after a write it may show (a story or reply hidden, the
    member's role: anything but the narrow writes moves the content version)."""
    count = partial(queries.unread_count, current_user, cap=BELL_CAP)
    return caching.remembered_for(current_user, "bell", count, caching.caches().readers)
