"""Reading a member's notifications: only what they may still see, newest first."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Integer, and_, bindparam, false, func, or_, select, true
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


def _visible(member_id, moderator: bool):
    """The notifications the member may still see: what they point at must be visible to them.

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
                Experience.author_id == member_id,
                true() if moderator else false(),
            ),
        ),
    )
    seen_reply = or_(
        Notification.reply_id.is_(None),
        Reply.status == Status.PUBLISHED,
        and_(
            Notification.kind == "hidden",
            Reply.author_id == member_id,
            Reply.status != Status.DELETED,
        ),
    )
    marks_left = or_(Notification.kind != "me_too", Experience.me_too_count > 0)
    return and_(Notification.user_id == member_id, seen_experience, seen_reply, marks_left)


def _joined(query):
    return query.outerjoin(Experience, Experience.id == Notification.experience_id).outerjoin(
        Reply, Reply.id == Notification.reply_id
    )


def unread_count(user: User, cap: int | None = None) -> int:
    """The member's unread notifications: one count over their unread rows (indexed by user,
    read_at), stopping at `cap` when given (the bell shows "99+").

    The statement is built once per role and cap and run with the member's id, so a page pays
    for one indexed count and its two primary-key joins, not for building the query.
    """
    statement = _unread_statement(is_moderator(user), cap)
    return db.session.scalar(statement, {"member_id": user.id})


@cache
def _unread_statement(moderator: bool, cap: int | None):
    member = bindparam("member_id", type_=Integer)
    unread = (
        _joined(select(Notification.id))
        .where(_visible(member, moderator), Notification.read_at.is_(None))
        .limit(cap)
        .subquery()
    )
    return select(func.count()).select_from(unread)


def list_for(user: User, *, unread: bool = False, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of the member's notifications, newest first; `unread` keeps only unread ones."""
    conditions = [_visible(user.id, is_moderator(user))]
    if unread:
        conditions.append(Notification.read_at.is_(None))
    total = db.session.scalar(
        _joined(select(func.count()).select_from(Notification)).where(*conditions)
    )
    items = _items(conditions, page=page, per_page=per_page)
    return Page(items=items, page=page, per_page=per_page, total=total)


def item_for(user: User, notification_id: int) -> Item | None:
    """One of the member's notifications, if they may still see it."""
    found = _items([_visible(user.id, is_moderator(user)), Notification.id == notification_id])
    return found[0] if found else None


def due_for_mail(user: User, since: datetime) -> list[Item]:
    """The member's unread, unmailed notifications since `since`, oldest first."""
    conditions = [
        _visible(user.id, is_moderator(user)),
        Notification.read_at.is_(None),
        Notification.mailed_at.is_(None),
        Notification.created_at >= since,
    ]
    return _items(conditions, newest_first=False)


def _items(conditions, *, page=1, per_page=None, newest_first=True) -> list[Item]:
    actor = aliased(User)
    order = (Notification.created_at, Notification.id)
    if newest_first:
        order = tuple(column.desc() for column in order)
    query = (
        _joined(select(Notification, Experience.title, Experience.me_too_count, actor.username))
        .outerjoin(actor, actor.id == Notification.actor_id)
        .where(*conditions)
        .order_by(*order)
    )
    if per_page is not None:
        query = query.limit(per_page).offset((page - 1) * per_page)
    return [
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
        for row, title, me_too_count, username in db.session.execute(query)
    ]
