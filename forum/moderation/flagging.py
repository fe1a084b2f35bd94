"""Members flagging experiences and replies; enough flags hide an item until a moderator looks."""

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from forum import search, unit_of_work, workflow
from forum.audit import record_action
from forum.errors import Conflict, NotFound
from forum.extensions import db
from forum.models import Experience, Flag, Reply, User
from forum.moderation.service import recount_replies
from forum.notifications import events
from forum.permissions import (
    NO_EXPERIENCE,
    NO_REPLY,
    ensure_can_flag_experience,
    ensure_can_flag_reply,
    ensure_can_write,
)

ALREADY_FLAGGED = "You have already flagged this; a moderator will look at it."
AUTO_HIDDEN_REASON = "Hidden after several members flagged it; a moderator will review it."


def _most_flagged_reason(column, item_id: int) -> str | None:
    return db.session.scalar(
        select(Flag.reason)
        .where(column == item_id, Flag.resolved_at.is_(None))
        .group_by(Flag.reason)
        .order_by(func.count().desc(), Flag.reason)
        .limit(1)
    )


def _add_flag(member: User, values: dict, **target) -> Flag:
    flag = Flag(flagger_id=member.id, reason=values["reason"], note=values.get("note"), **target)
    db.session.add(flag)
    try:
        db.session.flush()
    except IntegrityError:
        # The unique constraint is the real guard when the same member sends twice at once.
        db.session.rollback()
        raise Conflict(ALREADY_FLAGGED) from None
    return flag


def _count_and_maybe_hide(model, item, flag_column) -> bool:
    """Count the new flag on the item's row; hide it when the threshold is reached.

    The increment is a single UPDATE, so simultaneous flags queue on the row lock and
    each sees the others' counts: the flag that reaches the threshold is the one that hides.
    """
    db.session.execute(
        update(model)
        .where(model.id == item.id)
        .values(flag_count=model.flag_count + 1)
        .execution_options(synchronize_session=False)
    )
    count = db.session.scalar(select(model.flag_count).where(model.id == item.id))
    if count < current_app.config["FLAG_HIDE_THRESHOLD"]:
        return False
    table = workflow.table_for(item)
    changes = {"status": workflow.leads_to(table, "auto_hide"), "status_reason": AUTO_HIDDEN_REASON}
    if model is Experience:
        changes["version"] = Experience.version + 1
    # One statement, so of simultaneous flags only the one that finds it still published hides.
    hidden = db.session.execute(
        update(model)
        .where(model.id == item.id, model.status.in_(workflow.sources(table, "auto_hide")))
        .values(**changes)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not hidden:
        return False
    record_action(
        None,
        "auto_hide",
        "experience" if model is Experience else "reply",
        item.id,
        subject_id=item.author_id,
        reason=_most_flagged_reason(flag_column, item.id),
        note=f"Hidden automatically after {count} flags from different members.",
    )
    events.item_hidden(item, AUTO_HIDDEN_REASON)
    return True


def flag_experience(member: User, experience_id: int, values: dict) -> Flag:
    """Flag a published experience once; not one's own."""
    ensure_can_write(member)
    experience = db.session.get(Experience, experience_id)
    if experience is None:
        raise NotFound(NO_EXPERIENCE)
    ensure_can_flag_experience(member, experience)
    flag = _add_flag(member, values, experience_id=experience_id)
    if _count_and_maybe_hide(Experience, experience, Flag.experience_id):
        search.note_changed(experience_id)
    unit_of_work.commit()
    return flag


def flag_reply(member: User, reply_id: int, values: dict) -> Flag:
    """Flag a published reply under a published experience once; not one's own."""
    ensure_can_write(member)
    reply = db.session.get(Reply, reply_id)
    if reply is None:
        raise NotFound(NO_REPLY)
    ensure_can_flag_reply(member, reply)
    flag = _add_flag(member, values, reply_id=reply_id)
    if _count_and_maybe_hide(Reply, reply, Flag.reply_id):
        recount_replies(reply.experience_id)
    db.session.commit()
    return flag
