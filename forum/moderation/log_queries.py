"""Read queries over the audit log: the moderators' log page and an author's own decisions."""

from dataclasses import dataclass

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import selectinload

from forum.extensions import db
from forum.models import Experience, ModerationAction, Reply, Status, User
from forum.pagination import Page

# What an author is told about their experiences (suspensions are told on their own).
AUTHOR_ACTIONS = ("approve", "reject", "hide", "restore", "auto_hide")


def _user_id(username: str):
    return select(User.id).where(User.username_key == username.lower()).scalar_subquery()


def _filtered(filters: dict) -> Select:
    statement = select(ModerationAction)
    if filters.get("action"):
        statement = statement.where(ModerationAction.action == filters["action"])
    actor = filters.get("actor")
    if actor == "system":
        statement = statement.where(ModerationAction.actor_id.is_(None))
    elif actor:
        statement = statement.where(ModerationAction.actor_id == _user_id(actor))
    if filters.get("member"):
        statement = statement.where(ModerationAction.subject_id == _user_id(filters["member"]))
    if filters.get("target_type"):
        statement = statement.where(ModerationAction.target_type == filters["target_type"])
    if filters.get("target_id"):
        statement = statement.where(ModerationAction.target_id == filters["target_id"])
    return statement


def log_page(filters: dict) -> Page:
    """A page of the log, newest first, with actors and subjects loaded alongside."""
    page, per_page = filters.get("page", 1), filters.get("per_page", 50)
    statement = _filtered(filters)
    rows = db.session.scalars(
        statement.options(
            selectinload(ModerationAction.actor), selectinload(ModerationAction.subject)
        )
        .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    return Page(items=rows, page=page, per_page=per_page, total=total)


def target_titles(rows: list[ModerationAction]) -> dict[tuple[str, int], str]:
    """A readable name for each row's target: an experience's title, a reply's experience."""
    experience_ids = {row.target_id for row in rows if row.target_type == "experience"}
    reply_ids = {row.target_id for row in rows if row.target_type == "reply"}
    names: dict[tuple[str, int], str] = {}
    if experience_ids:
        for experience_id, title in db.session.execute(
            select(Experience.id, Experience.title).where(Experience.id.in_(experience_ids))
        ):
            names[("experience", experience_id)] = title
    if reply_ids:
        for reply_id, title in db.session.execute(
            select(Reply.id, Experience.title)
            .join(Experience, Experience.id == Reply.experience_id)
            .where(Reply.id.in_(reply_ids))
        ):
            names[("reply", reply_id)] = f"A reply under “{title}”"
    return names


@dataclass
class AuthorDecision:
    action: str
    reason: str | None
    note: str | None
    created_at: object
    experience_id: int
    title: str
    status: str


def decisions_for_author(user: User, limit: int = 20) -> list[AuthorDecision]:
    """The latest decisions on a member's own experiences, with the reason, newest first.

    Moderators stay unnamed: authors see what was decided and why, not who decided it.
    """
    rows = db.session.execute(
        select(ModerationAction, Experience.title, Experience.status)
        .join(
            Experience,
            and_(
                ModerationAction.target_type == "experience",
                Experience.id == ModerationAction.target_id,
            ),
        )
        .where(
            ModerationAction.subject_id == user.id,
            ModerationAction.action.in_(AUTHOR_ACTIONS),
            Experience.status != Status.DELETED,
        )
        .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
        .limit(limit)
    )
    return [
        AuthorDecision(
            action=row.action,
            reason=row.reason,
            note=row.note if row.action != "auto_hide" else None,
            created_at=row.created_at,
            experience_id=row.target_id,
            title=title,
            status=status,
        )
        for row, title, status in rows
    ]
