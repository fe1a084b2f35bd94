"""Reading a member's notifications: only what they may still see, newest first."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, false, func, or_, select, true
from sqlalchemy.orm import aliased

from forum.extensions import db
from forum.models import Experience, Notification, Reply, Status, User
from forum.pagination import Page
from forum.permissions import is_moderator

PER_PAGE = 20
MAX_PAGE = 10_000


@dataclass(frozen=True)
class Item:
    """One notification as the page and the API show it."""

    id: int
    kind: str
    created_at: datetime
    read: bool
    experience_id: int | None
    reply_id: int | None
    title: str | None
    actor: str | None
    reason: str | None
    until: datetime | None
    me_too_count: int


def _visible(user: User):
    """The notifications `user` may still see: what they point at must be visible to them.

    An experience that is deleted, or not published and neither theirs nor a moderator's to
    see, takes its notifications with it; a reply must be published, except the author's own
    hidden one in a "hidden" notification; a "me too" row needs marks left to count.
    """
    seen_experience = or_(
        Notification.experience_id.is_(None),
        and_(
            Experience.status != Status.DELETED,
            or_(
                Experience.status == Status.PUBLISHED,
                Experience.author_id == user.id,
                true() if is_moderator(user) else false(),
            ),
        ),
    )
    seen_reply = or_(
        Notification.reply_id.is_(None),
        Reply.status == Status.PUBLISHED,
        and_(
            Notification.kind == "hidden",
            Reply.author_id == user.id,
            Reply.status != Status.DELETED,
        ),
    )
    marks_left = or_(Notification.kind != "me_too", Experience.me_too_count > 0)
    return and_(Notification.user_id == user.id, seen_experience, seen_reply, marks_left)


def _joined(query):
    return query.outerjoin(Experience, Experience.id == Notification.experience_id).outerjoin(
        Reply, Reply.id == Notification.reply_id
    )


def unread_count(user: User) -> int:
    """The bell's number: one count over the member's unread rows (indexed by user, read_at)."""
    query = _joined(select(func.count()).select_from(Notification)).where(
        _visible(user), Notification.read_at.is_(None)
    )
    return db.session.scalar(query)


def list_for(user: User, *, unread: bool = False, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of the member's notifications, newest first; `unread` keeps only unread ones."""
    conditions = [_visible(user)]
    if unread:
        conditions.append(Notification.read_at.is_(None))
    total = db.session.scalar(
        _joined(select(func.count()).select_from(Notification)).where(*conditions)
    )
    actor = aliased(User)
    rows = db.session.execute(
        _joined(select(Notification, Experience.title, Experience.me_too_count, actor.username))
        .outerjoin(actor, actor.id == Notification.actor_id)
        .where(*conditions)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = [
        Item(
            id=row.id,
            kind=row.kind,
            created_at=row.created_at,
            read=row.read_at is not None,
            experience_id=row.experience_id,
            reply_id=row.reply_id,
            title=title,
            actor=username,
            reason=row.reason,
            until=row.until,
            me_too_count=me_too_count or 0,
        )
        for row, title, me_too_count, username in rows
    ]
    return Page(items=items, page=page, per_page=per_page, total=total)
