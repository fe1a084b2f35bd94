"""Moderators' decisions on experiences and replies, safe against two moderators at once."""

from sqlalchemy import func, select, update

from forum import search, unit_of_work, workflow
from forum.audit import record_action
from forum.clock import utcnow
from forum.errors import Conflict, NotFound
from forum.extensions import db
from forum.models import Experience, Flag, FollowUp, Reply, Status, User
from forum.moderation.schemas import DECISION_REASON
from forum.notifications import events
from forum.permissions import (
    NO_EXPERIENCE,
    NO_FOLLOW_UP,
    NO_REPLY,
    ensure_can_decide,
    ensure_can_moderate,
)
from forum.workflow import ALREADY_DECIDED


def experience_actions(experience: Experience) -> list[str]:
    """The decisions that fit an experience now, most likely first (see workflow.decisions)."""
    return workflow.decisions(experience)


def reply_actions(reply: Reply) -> list[str]:
    """The decisions that fit a reply now."""
    return workflow.decisions(reply)


def status_reason(reason: str | None, note: str | None) -> str | None:
    """What the author reads about a decision: the reason's words and the moderator's note."""
    if reason is None:
        return None
    words = DECISION_REASON[reason]
    return f"{words}: {note}" if note else words


def _resolve_flags(column, item_id: int, now) -> None:
    """Close the item's open flags: a moderator has looked at it."""
    db.session.execute(
        update(Flag).where(column == item_id, Flag.resolved_at.is_(None)).values(resolved_at=now)
    )


def _adjust_trust(author_id: int | None, action: str) -> None:
    """Approvals count toward trust; a rejection or a hide starts the count again."""
    if author_id is None:
        return
    if action == "approve":
        change = User.approvals_toward_trust + 1
    elif action in ("reject", "hide"):
        change = 0
    else:
        return
    db.session.execute(
        update(User).where(User.id == author_id).values(approvals_toward_trust=change)
    )


def recount_replies(experience_id: int) -> None:
    """Keep the experience's reply count equal to its published replies after a hide or restore."""
    published = (
        select(func.count())
        .select_from(Reply)
        .where(Reply.experience_id == experience_id, Reply.status == Status.PUBLISHED)
        .scalar_subquery()
    )
    db.session.execute(
        update(Experience)
        .where(Experience.id == experience_id)
        .values(reply_count=published)
        .execution_options(synchronize_session=False)
    )


def decide(moderator: User, experience_id: int, values: dict) -> Experience:
    """Approve, reject, hide, restore or dismiss the flags of an experience.

    The update only applies to the version the moderator saw, so of two moderators
    deciding at once one wins and the other gets a Conflict, never a double action.
    """
    ensure_can_moderate(moderator)
    experience = db.session.get(Experience, experience_id)
    if experience is None:
        raise NotFound(NO_EXPERIENCE)
    action, reason, note = values["action"], values.get("reason"), values.get("note")
    seen_version = values.get("version") or experience.version
    if seen_version != experience.version:
        raise Conflict(ALREADY_DECIDED)
    ensure_can_decide(moderator, experience, action)
    now = utcnow()
    old_status = workflow.move(experience, action)
    experience.flag_count = 0
    if action in ("reject", "hide"):
        experience.status_reason = status_reason(reason, note)
    elif action in ("approve", "restore"):
        experience.status_reason = None
        experience.published_at = experience.published_at or now
    workflow.claim_version(experience, seen_version)
    _resolve_flags(Flag.experience_id, experience_id, now)
    _adjust_trust(experience.author_id, action)
    record_action(
        moderator,
        action,
        "experience",
        experience_id,
        subject_id=experience.author_id,
        reason=reason,
        note=note,
    )
    events.experience_decided(experience, action, old_status)
    if Status.PUBLISHED in (old_status, experience.status):
        search.note_changed(experience_id)
    unit_of_work.commit()
    return db.session.get(Experience, experience_id)


def decide_reply(moderator: User, reply_id: int, values: dict) -> Reply:
    """Approve, reject, hide, restore or dismiss the flags of a reply; the first of two
    moderators wins."""
    ensure_can_moderate(moderator)
    reply = db.session.get(Reply, reply_id)
    if reply is None:
        raise NotFound(NO_REPLY)
    action, reason, note = values["action"], values.get("reason"), values.get("note")
    old_status, seen_flags = reply.status, reply.flag_count
    ensure_can_decide(moderator, reply, action)
    now = utcnow()
    # Replies have no version column: their status and flag count are what a moderator saw.
    changes = {"status": workflow.target(reply, action), "flag_count": 0}
    changes["status_reason"] = status_reason(reason, note) if action in ("reject", "hide") else None
    result = db.session.execute(
        update(Reply)
        .where(Reply.id == reply_id, Reply.status == old_status, Reply.flag_count == seen_flags)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(ALREADY_DECIDED)
    _resolve_flags(Flag.reply_id, reply_id, now)
    recount_replies(reply.experience_id)
    if action != "approve":  # trust is earned by approved stories, not by short replies
        _adjust_trust(reply.author_id, action)
    record_action(
        moderator, action, "reply", reply_id, subject_id=reply.author_id, reason=reason, note=note
    )
    events.reply_decided(reply, action, changes["status_reason"])
    db.session.commit()
    return db.session.get(Reply, reply_id)


def decide_follow_up(moderator: User, follow_up_id: int, values: dict) -> FollowUp:
    """Approve, reject, hide or restore a follow-up; the first of two moderators wins.

    Follow-ups have no version column: the status the moderator saw is what the update
    requires. Approvals count toward the author's trust like a story's.
    """
    ensure_can_moderate(moderator)
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None:
        raise NotFound(NO_FOLLOW_UP)
    action, reason, note = values["action"], values.get("reason"), values.get("note")
    old_status = follow_up.status
    ensure_can_decide(moderator, follow_up, action)
    now = utcnow()
    changes = {"status": workflow.target(follow_up, action)}
    if action in ("reject", "hide"):
        changes["status_reason"] = status_reason(reason, note)
    else:
        changes["status_reason"] = None
        changes["published_at"] = follow_up.published_at or now
    result = db.session.execute(
        update(FollowUp)
        .where(FollowUp.id == follow_up_id, FollowUp.status == old_status)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(ALREADY_DECIDED)
    _adjust_trust(follow_up.author_id, action)
    record_action(
        moderator,
        action,
        "follow_up",
        follow_up_id,
        subject_id=follow_up.author_id,
        reason=reason,
        note=note,
    )
    if action == "approve":
        events.follow_up_approved(follow_up.author_id, follow_up.experience_id)
    if Status.PUBLISHED in (old_status, changes["status"]):
        search.note_changed(follow_up.experience_id)
    unit_of_work.commit()
    db.session.expire_all()
    return db.session.get(FollowUp, follow_up_id)
