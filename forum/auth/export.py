"""Everything the forum holds about one member, as one JSON document they can download.

Only the member's own data: other members appear by nothing more than the ids of the items
the member replied to, marked or flagged, and moderators' names are left out of decisions.
"""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forum.auth.schemas import OwnUserSchema
from forum.clock import isoformat, utcnow
from forum.experiences.schemas import ExperienceSchema, FollowUpSchema, QuickAnswerSchema
from forum.extensions import db
from forum.models import (
    ApiToken,
    Experience,
    Flag,
    FollowUp,
    MeToo,
    ModerationAction,
    QuickAnswer,
    Reply,
    User,
)
from forum.notifications.data import export_data as notification_data

FORMAT_VERSION = 1


def _revision(revision) -> dict:
    return {
        "number": revision.number,
        "title": revision.title,
        "body": revision.body,
        "fields": revision.fields,
        "status": revision.status,
        "created_at": isoformat(revision.created_at),
    }


def _experiences(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(Experience)
        .where(Experience.author_id == user.id)
        .options(
            selectinload(Experience.exercise_rows),
            selectinload(Experience.tags),
            selectinload(Experience.revisions),
            selectinload(Experience.author),
        )
        .order_by(Experience.id)
    )
    schema = ExperienceSchema()
    schema.viewer_decides = False  # the member's own data: every field, both choices
    return [
        {**schema.dump(row), "revisions": [_revision(r) for r in row.revisions]} for row in rows
    ]


def _replies(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(Reply)
        .where(Reply.author_id == user.id)
        .options(selectinload(Reply.revisions))
        .order_by(Reply.id)
    )
    return [
        {
            "id": reply.id,
            "experience_id": reply.experience_id,
            "body": reply.body,
            "status": reply.status,
            "created_at": isoformat(reply.created_at),
            "updated_at": isoformat(reply.updated_at),
            "edited_at": isoformat(reply.edited_at),
            "deleted_by_author": reply.deleted_by_author,
            # The texts it had before each edit (drafts are among the experiences).
            "revisions": [
                {
                    "number": revision.number,
                    "body": revision.body,
                    "status": revision.status,
                    "created_at": isoformat(revision.created_at),
                }
                for revision in reply.revisions
            ],
        }
        for reply in rows
    ]


def _follow_ups(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(FollowUp)
        .where(FollowUp.author_id == user.id, FollowUp.status != "deleted")
        .options(selectinload(FollowUp.experience), selectinload(FollowUp.author))
        .order_by(FollowUp.id)
    )
    return FollowUpSchema().dump(rows, many=True)


def _quick_answers(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(QuickAnswer).where(QuickAnswer.user_id == user.id).order_by(QuickAnswer.exercise)
    )
    return QuickAnswerSchema().dump(rows, many=True)


def _me_too(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(MeToo).where(MeToo.user_id == user.id).order_by(MeToo.created_at)
    )
    return [
        {"experience_id": mark.experience_id, "created_at": isoformat(mark.created_at)}
        for mark in rows
    ]


def _flags(user: User) -> list[dict]:
    rows = db.session.scalars(select(Flag).where(Flag.flagger_id == user.id).order_by(Flag.id))
    return [
        {
            "experience_id": flag.experience_id,
            "reply_id": flag.reply_id,
            "reason": flag.reason,
            "note": flag.note,
            "created_at": isoformat(flag.created_at),
            "resolved_at": isoformat(flag.resolved_at),
        }
        for flag in rows
    ]


def _decisions(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(ModerationAction)
        .where(ModerationAction.subject_id == user.id)
        .order_by(ModerationAction.id)
    )
    return [
        {
            "action": row.action,
            "target": {"type": row.target_type, "id": row.target_id},
            "reason": row.reason,
            "note": row.note,
            "created_at": isoformat(row.created_at),
        }
        for row in rows
    ]


def _tokens(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    )
    return [
        {
            "created_at": isoformat(token.created_at),
            "expires_at": isoformat(token.expires_at),
            "revoked_at": isoformat(token.revoked_at),
        }
        for token in rows
    ]


def export_member_data(user: User) -> dict:
    """Profile, experiences (drafts too) with revisions, replies with their earlier texts,
    follow-ups, quick answers, marks, flags, decisions, token dates, notifications, watches
    and mail choices."""
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": isoformat(utcnow()),
        "profile": OwnUserSchema().dump(user),
        "experiences": _experiences(user),
        "replies": _replies(user),
        "follow_ups": _follow_ups(user),
        "quick_answers": _quick_answers(user),
        "me_too": _me_too(user),
        "flags_raised": _flags(user),
        "moderation_decisions": _decisions(user),
        "api_tokens": _tokens(user),
        # notifications, watches, notification_settings
        **notification_data(user),
    }
