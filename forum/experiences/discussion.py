"""Discussion use cases (services): replies under an experience and "me too" marks."""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forum import permissions, unit_of_work
from forum.clock import utcnow
from forum.experiences.queries import visible_experience
from forum.extensions import db
from forum.models import Experience, MeToo, Reply, Status, User
from forum.notifications import events


def add_reply(author: User, experience_id: int, values: dict) -> Reply:
    """Reply to a published experience; the Markdown is sanitized now, once.

    From a member not yet trusted it waits for a moderator (permissions.reply_needs_review).
    """
    permissions.ensure_can_write(author)
    experience = visible_experience(author, experience_id)
    permissions.ensure_can_reply(author, experience)
    now = utcnow()
    mentioned = events.mentioned_members(values["body"], author)
    reply = Reply(
        experience_id=experience.id,
        author=author,
        body=values["body"],
        body_html=events.render_reply(values["body"], mentioned),
        status=Status.PENDING if permissions.reply_needs_review(author) else Status.PUBLISHED,
        created_at=now,
        updated_at=now,
    )
    db.session.add(reply)
    db.session.flush()
    events.reply_added(reply, mentioned)
    experience.reply_count = _count(Reply, experience, Reply.status == Status.PUBLISHED)
    db.session.commit()
    return reply


def set_me_too(user: User, experience_id: int, marked: bool) -> tuple[bool, int]:
    """Mark or unmark "this matches my experience"; repeating either is harmless.

    Returns whether the caller's mark is now set, and the experience's count.
    """
    permissions.ensure_can_write(user)
    experience = visible_experience(user, experience_id)
    permissions.ensure_can_mark_me_too(user, experience)
    existing = db.session.get(MeToo, (experience.id, user.id))
    if marked == (existing is not None):
        return marked, experience.me_too_count
    if marked:
        try:
            with db.session.begin_nested():
                db.session.add(MeToo(experience_id=experience.id, user_id=user.id))
        except IntegrityError:
            # A double click raced us to it: the mark is there, which is what was asked.
            db.session.rollback()
            return True, visible_experience(user, experience_id).me_too_count
    else:
        db.session.delete(existing)
        db.session.flush()
    # Counted, not incremented, so the number can never drift from the marks.
    experience.me_too_count = _count(MeToo, experience)
    if marked:
        events.me_too_marked(experience)
    unit_of_work.commit()
    return marked, experience.me_too_count


def _count(model, experience: Experience, *conditions) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(model)
        .where(model.experience_id == experience.id, *conditions)
    )
