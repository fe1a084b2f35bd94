"""Read queries for the review queue and the nav badge, in a fixed number of SQL queries."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, func, literal, select, union_all
from sqlalchemy.orm import selectinload

from forum import search
from forum.clock import utcnow
from forum.extensions import db
from forum.models import Experience, Flag, FollowUp, ModerationAction, Reply, Status, User
from forum.pagination import Page

OVERDUE_AFTER = timedelta(days=1)
SIMILAR_LIMIT = 5
# Statuses in which a flagged item still needs a moderator (deleted ones need nobody).
FLAGGED_STATUSES = (Status.PUBLISHED, Status.HIDDEN)


@dataclass
class AuthorHistory:
    joined_at: datetime | None = None
    approved: int = 0
    rejected: int = 0
    hidden: int = 0
    published: int = 0

    @property
    def account_age_days(self) -> int | None:
        return None if self.joined_at is None else (utcnow() - self.joined_at).days


@dataclass
class QueueItem:
    """One thing waiting for a moderator, with what they need to decide on it."""

    item: Experience | Reply | FollowUp
    waiting_since: datetime
    flags: list[Flag] = field(default_factory=list)
    history: AuthorHistory = field(default_factory=AuthorHistory)
    similar: list[tuple[int, str]] = field(default_factory=list)
    experience_title: str | None = None

    @property
    def type(self) -> str:
        """What the item is: experience, follow_up or reply (the queue's answer and page)."""
        if isinstance(self.item, FollowUp):
            return "follow_up"
        return "experience" if isinstance(self.item, Experience) else "reply"

    @property
    def overdue(self) -> bool:
        return utcnow() - self.waiting_since > OVERDUE_AFTER

    @property
    def flag_reasons(self) -> dict[str, int]:
        return dict(Counter(flag.reason for flag in self.flags).most_common())


def _first_open_flag(column):
    """When each item's oldest unresolved flag was raised."""
    return (
        select(column.label("item_id"), func.min(Flag.created_at).label("since"))
        .where(column.is_not(None), Flag.resolved_at.is_(None))
        .group_by(column)
        .subquery()
    )


def _queue_select(kind: str) -> Select:
    if kind == "pending":
        return (
            select(Experience, Experience.submitted_at)
            .where(Experience.status == Status.PENDING)
            .order_by(Experience.submitted_at, Experience.id)
        )
    model = Experience if kind == "flagged" else Reply
    first = _first_open_flag(Flag.experience_id if kind == "flagged" else Flag.reply_id)
    return (
        select(model, first.c.since)
        .join(first, first.c.item_id == model.id)
        .where(model.status.in_(FLAGGED_STATUSES))
        .order_by(first.c.since, model.id)
    )


def _count(statement: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))


def _pending_select() -> Select:
    """Pending experiences, follow-ups and replies as (type, id, since), oldest first (a reply
    since it was last written: REVIEW_NEW_MEMBER_REPLIES)."""
    waiting = union_all(
        select(
            literal("experience").label("type"),
            Experience.id.label("id"),
            Experience.submitted_at.label("since"),
        ).where(Experience.status == Status.PENDING),
        select(
            literal("follow_up").label("type"),
            FollowUp.id.label("id"),
            FollowUp.submitted_at.label("since"),
        ).where(FollowUp.status == Status.PENDING),
        select(
            literal("reply").label("type"),
            Reply.id.label("id"),
            Reply.updated_at.label("since"),
        ).where(Reply.status == Status.PENDING),
    ).subquery()
    return select(waiting.c.type, waiting.c.id, waiting.c.since).order_by(
        waiting.c.since, waiting.c.type, waiting.c.id
    )


def _pending_page(page: int, per_page: int, details: bool) -> Page:
    """The review queue: experiences, follow-ups and replies waiting, oldest first."""
    rows = db.session.execute(_pending_select().limit(per_page).offset((page - 1) * per_page)).all()
    wanted = {kind: [item_id for type_, item_id, _ in rows if type_ == kind] for kind in
              ("experience", "follow_up", "reply")}  # fmt: skip
    options = [
        selectinload(Experience.author),
        selectinload(Experience.exercise_rows),
        selectinload(Experience.tags),
    ]
    if details:
        options.append(selectinload(Experience.revisions))
    loaded = {
        ("experience", item.id): item
        for item in db.session.scalars(
            select(Experience).where(Experience.id.in_(wanted["experience"])).options(*options)
        )
    }
    loaded.update(
        (("follow_up", item.id), item)
        for item in db.session.scalars(
            select(FollowUp)
            .where(FollowUp.id.in_(wanted["follow_up"]))
            .options(selectinload(FollowUp.author), selectinload(FollowUp.experience))
        )
    )
    loaded.update(
        (("reply", item.id), item)
        for item in db.session.scalars(
            select(Reply).where(Reply.id.in_(wanted["reply"])).options(selectinload(Reply.author))
        )
    )
    items = [
        QueueItem(item=loaded[(type_, item_id)], waiting_since=since)
        for type_, item_id, since in rows
        if (type_, item_id) in loaded
    ]
    if details:
        _attach_histories(items)
        _attach_experience_titles([entry for entry in items if entry.type == "reply"])
        _attach_similar([entry for entry in items if entry.type == "experience"])
    return Page(items=items, page=page, per_page=per_page, total=_count(_pending_select()))


def queue_page(kind: str, page: int = 1, per_page: int = 20, *, details: bool = False) -> Page:
    """A page of the queue, oldest first: pending or flagged experiences, or flagged replies.

    With `details`, each item also carries its open flags, its author's history and
    similar published experiences (for the page); without, just flags (for the API).
    """
    if kind == "pending":
        return _pending_page(page, per_page, details=details)
    statement = _queue_select(kind)
    if kind == "flagged_replies":
        statement = statement.options(selectinload(Reply.author))
    else:
        options = [
            selectinload(Experience.author),
            selectinload(Experience.exercise_rows),
            selectinload(Experience.tags),
        ]
        if details:
            options.append(selectinload(Experience.revisions))
        statement = statement.options(*options)
    rows = db.session.execute(statement.limit(per_page).offset((page - 1) * per_page)).all()
    items = [QueueItem(item=item, waiting_since=since) for item, since in rows]
    _attach_flags(items, kind)
    if details:
        _attach_histories(items)
        if kind == "flagged_replies":
            _attach_experience_titles(items)
        else:
            _attach_similar(items)
    return Page(items=items, page=page, per_page=per_page, total=_count(_queue_select(kind)))


def _attach_flags(items: list[QueueItem], kind: str) -> None:
    if kind == "pending" or not items:
        return
    column = Flag.experience_id if kind == "flagged" else Flag.reply_id
    by_id = {entry.item.id: entry for entry in items}
    flags = db.session.scalars(
        select(Flag)
        .options(selectinload(Flag.flagger))
        .where(column.in_(by_id), Flag.resolved_at.is_(None))
        .order_by(Flag.created_at, Flag.id)
    )
    for flag in flags:
        by_id[flag.experience_id or flag.reply_id].flags.append(flag)


def author_histories(author_ids: set[int]) -> dict[int, AuthorHistory]:
    """Account age and decision counts for each author, in three queries whatever their number."""
    if not author_ids:
        return {}
    histories = {author_id: AuthorHistory() for author_id in author_ids}
    for author_id, joined_at in db.session.execute(
        select(User.id, User.created_at).where(User.id.in_(author_ids))
    ):
        histories[author_id].joined_at = joined_at
    decided = db.session.execute(
        select(ModerationAction.subject_id, ModerationAction.action, func.count())
        .where(
            ModerationAction.subject_id.in_(author_ids),
            ModerationAction.target_type == "experience",
            ModerationAction.action.in_(("approve", "reject", "hide", "auto_hide")),
        )
        .group_by(ModerationAction.subject_id, ModerationAction.action)
    )
    for author_id, action, count in decided:
        history = histories[author_id]
        if action == "approve":
            history.approved += count
        elif action == "reject":
            history.rejected += count
        else:
            history.hidden += count
    # Grouped by status too, so the author index serves it rather than the status one.
    for author_id, status, count in db.session.execute(
        select(Experience.author_id, Experience.status, func.count())
        .where(Experience.author_id.in_(author_ids))
        .group_by(Experience.author_id, Experience.status)
    ):
        if status == Status.PUBLISHED:
            histories[author_id].published = count
    return histories


def _attach_histories(items: list[QueueItem]) -> None:
    histories = author_histories({entry.item.author_id for entry in items} - {None})
    for entry in items:
        entry.history = histories.get(entry.item.author_id, AuthorHistory())


def _attach_similar(items: list[QueueItem]) -> None:
    """Similar published experiences from the search index, to catch duplicates and spam."""
    similar_ids = {
        entry.item.id: [
            other
            for other in search.similar_experiences(entry.item.id, limit=SIMILAR_LIMIT)
            if other != entry.item.id
        ]
        for entry in items
    }
    wanted = {other for ids in similar_ids.values() for other in ids}
    titles = _published_titles(Experience.id.in_(wanted)) if wanted else {}
    for entry in items:
        entry.similar = [
            (other, titles[other]) for other in similar_ids[entry.item.id] if other in titles
        ]


def _published_titles(condition: ColumnElement) -> dict[int, str]:
    return dict(
        db.session.execute(
            select(Experience.id, Experience.title).where(
                condition, Experience.status == Status.PUBLISHED
            )
        ).all()
    )


def _attach_experience_titles(items: list[QueueItem]) -> None:
    ids = {entry.item.experience_id for entry in items}
    titles = dict(
        db.session.execute(
            select(Experience.id, Experience.title).where(Experience.id.in_(ids))
        ).all()
    )
    for entry in items:
        entry.experience_title = titles.get(entry.item.experience_id)


def waiting_counts() -> dict[str, int]:
    """How many items wait in each queue, in one query (the nav badge runs it on every page).

    The open flags drive the flagged counts, so the cost follows the few open flags,
    not the size of the experiences table.
    """
    pending = (
        select(func.count()).select_from(Experience).where(Experience.status == Status.PENDING)
    ).scalar_subquery() + (
        select(func.count()).select_from(Reply).where(Reply.status == Status.PENDING)
    ).scalar_subquery()
    pending_follow_ups = (
        select(func.count()).select_from(FollowUp).where(FollowUp.status == Status.PENDING)
    ).scalar_subquery()
    counts = {"pending": pending + pending_follow_ups}
    for kind, model, column in (
        ("flagged", Experience, Flag.experience_id),
        ("flagged_replies", Reply, Flag.reply_id),
    ):
        flagged = (
            select(column.label("item_id"))
            .where(Flag.resolved_at.is_(None), column.is_not(None))
            .distinct()
            .subquery()
        )
        counts[kind] = (
            select(func.count())
            .select_from(flagged)
            .join(model, model.id == flagged.c.item_id)
            .where(model.status.in_(FLAGGED_STATUSES))
        ).scalar_subquery()
    row = db.session.execute(select(*(value.label(kind) for kind, value in counts.items()))).one()
    return dict(row._mapping)
