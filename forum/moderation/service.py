"""Moderators' decisions on experiences and replies, safe against two moderators at once."""

from sqlalchemy import func, select, update

from forum import search
from forum.clock import utcnow
from forum.errors import Conflict, NotFound
from forum.extensions import db
from forum.models import Experience, Flag, Reply, User
from forum.moderation.audit import ensure_moderator, record_action
from forum.moderation.schemas import DECISION_REASON

ALREADY_DECIDED = (
    "Another moderator already decided this, or it changed since you opened it. "
    "Look at it again in the queue."
)
# The status each action leads to.
NEW_STATUS = {
    "approve": "published",
    "reject": "rejected",
    "hide": "hidden",
    "restore": "published",
    "dismiss": "published",
}


def experience_actions(experience: Experience) -> list[str]:
    """The decisions that fit an experience now, most likely first.

    An automatically hidden experience still has open flags: "hide" then confirms it.
    """
    flagged = experience.flag_count > 0
    if experience.status == "pending":
        return ["approve", "reject", "hide"]
    if experience.status == "published":
        return ["dismiss", "hide"] if flagged else ["hide"]
    if experience.status == "hidden":
        return ["restore", "hide"] if flagged else ["restore"]
    return []


def reply_actions(reply: Reply) -> list[str]:
    """The decisions that fit a reply now."""
    flagged = reply.flag_count > 0
    if reply.status == "published":
        return ["dismiss", "hide"] if flagged else ["hide"]
    if reply.status == "hidden":
        return ["restore", "hide"] if flagged else ["restore"]
    return []


def status_reason(reason: str | None, note: str | None) -> str | None:
    """What the author reads about a decision: the reason's words and the moderator's note."""
    if reason is None:
        return None
    words = DECISION_REASON[reason]
    return f"{words}: {note}" if note else words


def _refuse_unfit(action: str, fitting: list[str], status: str) -> None:
    if action not in fitting:
        raise Conflict(f"That cannot be done now: the item is {status}. {ALREADY_DECIDED}")


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
        .where(Reply.experience_id == experience_id, Reply.status == "published")
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
    ensure_moderator(moderator)
    experience = db.session.get(Experience, experience_id)
    if experience is None or experience.status == "deleted":
        raise NotFound("There is no such experience.")
    action, reason, note = values["action"], values.get("reason"), values.get("note")
    seen_version = values.get("version") or experience.version
    if seen_version != experience.version:
        raise Conflict(ALREADY_DECIDED)
    old_status = experience.status
    _refuse_unfit(action, experience_actions(experience), old_status)
    new_status = NEW_STATUS[action]
    now = utcnow()
    changes = {"status": new_status, "version": Experience.version + 1, "flag_count": 0}
    if action in ("reject", "hide"):
        changes["status_reason"] = status_reason(reason, note)
    elif action in ("approve", "restore"):
        changes["status_reason"] = None
        changes["published_at"] = func.coalesce(Experience.published_at, now)
    result = db.session.execute(
        update(Experience)
        .where(
            Experience.id == experience_id,
            Experience.version == seen_version,
            Experience.status == old_status,
        )
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(ALREADY_DECIDED)
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
    if "published" in (old_status, new_status):
        search.note_changed(experience_id)
    db.session.commit()
    search.apply_pending()
    return db.session.get(Experience, experience_id)


def decide_reply(moderator: User, reply_id: int, values: dict) -> Reply:
    """Hide, restore or dismiss the flags of a reply; the first of two moderators wins."""
    ensure_moderator(moderator)
    reply = db.session.get(Reply, reply_id)
    if reply is None or reply.status == "deleted":
        raise NotFound("There is no such reply.")
    action, reason, note = values["action"], values.get("reason"), values.get("note")
    old_status, seen_flags = reply.status, reply.flag_count
    _refuse_unfit(action, reply_actions(reply), old_status)
    now = utcnow()
    changes = {"status": NEW_STATUS[action], "flag_count": 0}
    changes["status_reason"] = status_reason(reason, note) if action == "hide" else None
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
    _adjust_trust(reply.author_id, action)
    record_action(
        moderator, action, "reply", reply_id, subject_id=reply.author_id, reason=reason, note=note
    )
    db.session.commit()
    return db.session.get(Reply, reply_id)
