"""What causes a notification: one call from the service that caused it, in its transaction.

Each function adds at most one INSERT (or one UPDATE and, the first time, one INSERT) per
batch of recipients to the caller's transaction and never commits: the caller's
`unit_of_work.commit()` saves the notification together with its cause. Who may see what is
decided when a notification is read (forum/notifications/queries.py), not here. E-mail "at
once" about replies and "me too" is worked out after that commit (`mailing.mail_soon`).
"""

from datetime import datetime

from flask import url_for
from sqlalchemy import and_, exists, insert, literal, not_, select, update

from forum.clock import utcnow
from forum.extensions import db
from forum.models import (
    Experience,
    Notification,
    NotificationSettings,
    Reply,
    Status,
    User,
    Watch,
)
from forum.notifications import mailing
from forum.sanitize import mentioned_names, render_markdown

# A reply naming more people than this notifies the first ones only.
MAX_MENTIONS = 20


def _add(user_id: int | None, kind: str, **values) -> None:
    if user_id is None:
        return
    notification = Notification(user_id=user_id, kind=kind, created_at=utcnow(), **values)
    db.session.add(notification)
    mailing.mail_decision(user_id, notification)


def experience_decided(experience: Experience, action: str, old_status: Status) -> None:
    """Tell the author a moderator approved, rejected or hid their experience."""
    kind = {"approve": "approved", "reject": "rejected", "hide": "hidden"}.get(action)
    if kind is None or experience.status == old_status:
        return
    _add(
        experience.author_id,
        kind,
        experience_id=experience.id,
        reason=experience.status_reason if kind != "approved" else None,
    )


def reply_decided(reply: Reply, action: str, reason: str | None) -> None:
    """Tell a reply's author a moderator hid it (`reply` as it was before the decision);
    once a reply is published, its watchers and mentioned members hear of it."""
    if action == "hide" and reply.status != Status.HIDDEN:
        item_hidden(reply, reason)
    elif action == "approve":
        _reply_approved(reply)
    elif action == "restore":
        mailing.mail_soon(reply_id=reply.id)


def _reply_approved(reply: Reply) -> None:
    """A reply held for review notified no one yet: its notifications (made when it was
    written, shown only once it is published) date from now, so the e-mail window and the
    digest count them from the approval, and their e-mail goes out."""
    db.session.execute(
        update(Notification)
        .where(
            Notification.reply_id == reply.id,
            Notification.kind.in_(("reply", "mention")),
            Notification.mailed_at.is_(None),
            Notification.read_at.is_(None),
        )
        .values(created_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    mailing.mail_soon(reply_id=reply.id)


def item_hidden(item: Experience | Reply, reason: str | None) -> None:
    """Tell the author their experience or reply was hidden (by a moderator or flags), and why."""
    if isinstance(item, Reply):
        _add(
            item.author_id,
            "hidden",
            experience_id=item.experience_id,
            reply_id=item.id,
            reason=reason,
        )
    else:
        _add(item.author_id, "hidden", experience_id=item.id, reason=reason)


def member_suspended(member: User) -> None:
    """Tell a member they are suspended: the reason and the end date."""
    _add(member.id, "suspended", reason=member.suspension_reason, until=member.suspended_until)


def follow_up_approved(author_id: int | None, experience_id: int) -> None:
    """Tell an author a moderator approved their follow-up on an experience."""
    _add(author_id, "follow_up_approved", experience_id=experience_id)


def author_watches(experience: Experience) -> None:
    """Authors watch their own experiences from the start (the caller has flushed it)."""
    if experience.author_id is not None:
        db.session.add(Watch(user_id=experience.author_id, experience_id=experience.id))


def mentioned_members(body: str, author: User) -> dict[str, User]:
    """The active members a reply's text names as "@name" (lower-cased name → member)."""
    names = sorted(mentioned_names(body))[:MAX_MENTIONS]
    if not names:
        return {}
    members = db.session.scalars(
        select(User).where(User.username_key.in_(names), User.deleted_at.is_(None))
    )
    return {member.username_key: member for member in members if member.id != author.id}


def render_reply(body: str, mentioned: dict[str, User]) -> str:
    """A reply's safe HTML, each "@name" of a member a link to their public stories."""
    links = {key: url_for("experiences.list", author=m.username) for key, m in mentioned.items()}
    return render_markdown(body, links)


def reply_added(reply: Reply, mentioned: dict[str, User]) -> None:
    """Mentioned members hear of the reply (one INSERT); the other watchers too (one more).

    Then the replier watches the experience, unless they said no in their settings. Replies
    that are not (yet) published stay out of notifications until they are (see queries.py),
    and are mailed when approved.
    """
    now = utcnow()
    notified = 0
    mentioned_ids = [member.id for member in mentioned.values()]
    if mentioned_ids:
        mentions = select(User.id).where(User.id.in_(mentioned_ids))
        notified += _insert_from(mentions, "mention", reply, now)
    watchers = (
        select(Watch.user_id)
        .join(User, User.id == Watch.user_id)
        .where(
            Watch.experience_id == reply.experience_id,
            Watch.user_id != reply.author_id,
            User.deleted_at.is_(None),
        )
    )
    if mentioned_ids:
        watchers = watchers.where(Watch.user_id.not_in(mentioned_ids))
    notified += _insert_from(watchers, "reply", reply, now)
    _watch_after_reply(reply.author_id, reply.experience_id, now)
    if notified and reply.status == Status.PUBLISHED:
        mailing.mail_soon(reply_id=reply.id)


def _insert_from(recipients, kind: str, reply: Reply, now: datetime) -> int:
    """INSERT … SELECT one notification per recipient; how many rows it added."""
    rows = recipients.add_columns(
        literal(kind),
        literal(reply.experience_id),
        literal(reply.id),
        literal(reply.author_id),
        literal(now),
    )
    return db.session.execute(
        insert(Notification).from_select(
            ["user_id", "kind", "experience_id", "reply_id", "actor_id", "created_at"], rows
        )
    ).rowcount


def _watch_after_reply(user_id: int, experience_id: int, now: datetime) -> None:
    already = exists().where(Watch.user_id == user_id, Watch.experience_id == experience_id)
    declined = exists().where(
        NotificationSettings.user_id == user_id, not_(NotificationSettings.watch_replies)
    )
    db.session.execute(
        insert(Watch).from_select(
            ["user_id", "experience_id", "created_at"],
            select(literal(user_id), literal(experience_id), literal(now)).where(
                and_(not_(already), not_(declined))
            ),
        )
    )


def me_too_marked(experience: Experience) -> None:
    """One "me too" notification per experience: a new mark brings it back as unread.

    Its text counts the experience's marks when read ("3 people said me too on …").
    """
    if experience.author_id is None:
        return
    now = utcnow()
    updated = db.session.execute(
        update(Notification)
        .where(
            Notification.user_id == experience.author_id,
            Notification.kind == "me_too",
            Notification.experience_id == experience.id,
        )
        .values(created_at=now, read_at=None, mailed_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not updated:
        _add(experience.author_id, "me_too", experience_id=experience.id)
    if mailing.wants_at_once(experience.author_id, "me_too"):
        mailing.mail_soon(member_id=experience.author_id)
