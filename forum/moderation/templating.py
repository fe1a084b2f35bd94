"""What moderation offers templates: the nav badge, fitting decisions, the member's own flags."""

import sys

from flask import Flask, g
from flask_login import current_user
from sqlalchemy import select

from forum.extensions import db
from forum.models import Experience, Flag, Reply, Revision
from forum.moderation import log_queries, queries
from forum.moderation.schemas import DECISION_REASON, EXPERIENCE_ACTIONS, LOG_ACTIONS
from forum.moderation.service import experience_actions, reply_actions
from forum.permissions import is_moderator

__all__ = [
    "DECISION_REASON",
    "EXPERIENCE_ACTIONS",
    "LOG_ACTIONS",
    "badge_context",
    "experience_actions",
    "own_decisions",
    "own_reply_flag",
    "reply_actions",
    "revision_differences",
]


def init_templating(app: Flask) -> None:
    """Templates reach these names as `moderation.…`; moderators' pages show the badge."""
    app.jinja_env.globals["moderation"] = sys.modules[__name__]
    app.context_processor(badge_context)


def badge_context() -> dict:
    """Moderators see how many items wait for them on every page; others cost no query."""
    if not is_moderator(current_user):
        return {}
    return {"moderation_waiting": sum(queries.waiting_counts().values())}


def own_reply_flag(experience_id: int, reply_id: int) -> Flag | None:
    """The signed-in member's flag on a reply of this experience, if any.

    The member's flags on every reply of the experience load in one query the first time,
    so a page of replies costs one query, not one per reply.
    """
    if not current_user.is_authenticated:
        return None
    cache = g.setdefault("own_reply_flags", {})
    if experience_id not in cache:
        cache[experience_id] = {
            flag.reply_id: flag
            for flag in db.session.scalars(
                select(Flag)
                .join(Reply, Reply.id == Flag.reply_id)
                .where(Flag.flagger_id == current_user.id, Reply.experience_id == experience_id)
            )
        }
    return cache[experience_id].get(reply_id)


def own_decisions() -> list[log_queries.AuthorDecision]:
    """Decisions on the signed-in member's own experiences (for their profile page)."""
    if not current_user.is_authenticated:
        return []
    return log_queries.decisions_for_author(current_user)


def _as_text(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key} {text}" for key, text in value.items()) or "none"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    return "not given" if value is None else str(value)


def revision_differences(revision: Revision, experience: Experience) -> list[tuple[str, str]]:
    """The structured fields of an earlier version that differ from now, as (field, then)."""
    now = {
        "exercises": experience.exercises,
        "effects": experience.effects,
        "tags": experience.tag_names,
    }
    return [
        (field.replace("_", " "), _as_text(then))
        for field, then in (revision.fields or {}).items()
        if then != now.get(field, getattr(experience, field, None))
    ]
