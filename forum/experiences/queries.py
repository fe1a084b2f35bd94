"""Read queries for experiences and replies: filters, stable pagination, fixed query counts."""

from functools import cache

from marshmallow import fields, validate
from sqlalchemy import Integer, Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from forum import caching, permissions
from forum.errors import NotFound
from forum.experiences.totals import remembered_total
from forum.extensions import db
from forum.fields import CleanText, ExperienceFilterSchema
from forum.models import (
    Experience,
    ExperienceExercise,
    MeToo,
    Reply,
    Status,
    Tag,
    User,
    experience_tags,
)
from forum.pagination import Page
from forum.validation import InputSchema
from forum.vocabulary import PROFILE_FIELDS, PUBLIC

SORTS = ("newest", "most_me_too")
# List arguments that order or page the matches without changing how many there are.
NOT_FILTERS = ("page", "per_page", "sort")
MAX_PAGE = 100_000


class PageQuerySchema(InputSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, MAX_PAGE))
    per_page = fields.Integer(
        load_default=20, validate=validate.Range(1, 100, error="Use 1 to 100 per page.")
    )


class ListQuerySchema(PageQuerySchema, ExperienceFilterSchema):
    """The contract's list filters, for GET /api/v1/experiences and the /experiences page."""

    # CleanText: a NUL would reach PostgreSQL, which refuses it in a query parameter.
    author = CleanText(validate=validate.Length(1, 40))
    sort = fields.String(
        load_default="newest",
        validate=validate.OneOf(SORTS, error="Choose one of: " + ", ".join(SORTS) + "."),
    )


def _with_cards(query: Select) -> Select:
    """Everything a card or the API shows, loaded in one extra query per relationship."""
    return query.options(
        selectinload(Experience.exercise_rows),
        selectinload(Experience.tags),
        selectinload(Experience.author),
    )


def _count(query: Select, parameters: dict | None = None) -> int:
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    return db.session.scalar(counted, parameters)


def _paginate(
    query: Select,
    page: int,
    per_page: int,
    total: int | None = None,
    parameters: dict | None = None,
) -> Page:
    total = _count(query, parameters) if total is None else total
    window = query.limit(per_page).offset((page - 1) * per_page)
    items = db.session.scalars(window, parameters).all()
    return Page(items=list(items), page=page, per_page=per_page, total=total or 0)


def _filtered(query: Select, filters: dict) -> Select:
    for name in ("onset", "condition", "symptom", "age_band", "outcome", "intensity") + (
        "onset_detail",
        "severity",
        "years_ill",
    ):
        if filters.get(name):
            query = query.where(getattr(Experience, name) == filters[name])
    if filters.get("exercise"):
        query = query.where(
            exists().where(
                ExperienceExercise.experience_id == Experience.id,
                ExperienceExercise.exercise == filters["exercise"],
            )
        )
    if filters.get("tag"):
        query = query.where(
            exists().where(
                experience_tags.c.experience_id == Experience.id,
                experience_tags.c.tag_id == Tag.id,
                Tag.name == filters["tag"],
            )
        )
    if filters.get("author"):
        query = query.where(
            exists().where(
                User.id == Experience.author_id, User.username_key == filters["author"].lower()
            )
        )
    return query


def _readable_by(query: Select, viewer: User | None, filters: dict) -> Select:
    """Only what `viewer` may read (members-only stories need a signed-in member), and a
    profile filter matches a story hiding its "about me" only for its author and moderators."""
    if not permissions.is_signed_in(viewer):
        query = query.where(Experience.visibility == PUBLIC)
    if any(filters.get(name) for name in PROFILE_FIELDS) and not permissions.is_moderator(viewer):
        shown = Experience.share_profile.is_(True)
        if permissions.is_signed_in(viewer):
            shown = or_(shown, Experience.author_id == viewer.id)
        query = query.where(shown)
    return query


def audience(viewer: User | None, filters) -> tuple:
    """What, beside the filters, decides which stories a list holds for `viewer`."""
    if permissions.is_moderator(viewer):
        return ("moderator",)
    if not permissions.is_signed_in(viewer):
        return ("visitor",)
    if any(filters.get(name) for name in PROFILE_FIELDS):
        return ("member", viewer.id)
    return ("member",)


def order_version(filters) -> int | None:
    """What a list's order follows beside the content version and the stories it shows: the
    "me too" marks when it is ordered by them (a mark on one story moves it past others)."""
    if filters.get("sort") == "most_me_too":
        return caching.versions_now().me_too_order
    return None


def _published(filters: dict, viewer: User | None = None) -> Select:
    """Published experiences matching the filters; ties broken by id so pages never overlap."""
    query = _filtered(select(Experience).where(Experience.status == Status.PUBLISHED), filters)
    query = _readable_by(query, viewer, filters)
    if filters.get("sort") == "most_me_too":
        query = query.order_by(
            Experience.me_too_count.desc(), Experience.published_at.desc(), Experience.id.desc()
        )
    else:
        query = query.order_by(Experience.published_at.desc(), Experience.id.desc())
    return _with_cards(query)


def list_published(filters: dict, viewer: User | None = None) -> Page:
    """A page of the published experiences `viewer` may read matching the filters, with
    their total (None: a visitor who is not signed in)."""
    query = _published(filters, viewer)
    matching = tuple(sorted((k, v) for k, v in filters.items() if k not in NOT_FILTERS and v))
    matching += (audience(viewer, filters),)
    total = remembered_total(matching, lambda: _count(query))
    return _paginate(query, filters.get("page", 1), filters.get("per_page", 20), total)


def recent_published(limit: int = 5, viewer: User | None = None) -> list[Experience]:
    """The newest published experiences `viewer` may read, for the home page (no total)."""
    return list(db.session.scalars(_published({}, viewer).limit(limit)))


def list_own(author: User, page: int = 1, per_page: int = 20) -> Page:
    """The member's own experiences in every status but deleted, newest first."""
    query = select(Experience).where(
        Experience.author_id == author.id, Experience.status != Status.DELETED
    )
    query = query.order_by(Experience.created_at.desc(), Experience.id.desc())
    return _paginate(_with_cards(query), page, per_page)


def visible_experience(user: User | None, experience_id: int) -> Experience:
    """The experience if `user` may see it; NotFound otherwise, so existence is not revealed.

    Deleted ones are gone for everyone here, moderators included: they have the log.
    """
    experience = db.session.scalar(_experience_with_card(), {"experience_id": experience_id})
    if experience is None:
        raise NotFound(permissions.NO_EXPERIENCE)
    permissions.ensure_can_view_experience(user, experience)
    return experience


@cache
def _experience_with_card() -> Select:
    # Built once: every experience page, edit and reply runs it.
    experience_id = bindparam("experience_id", type_=Integer)
    return _with_cards(select(Experience).where(Experience.id == experience_id))


def published_replies(
    experience: Experience, page: int = 1, per_page: int = 50, viewer: User | None = None
) -> Page:
    """The thread, oldest first: published replies, the viewer's own ones awaiting review (or
    not approved), and a deleted reply's place while a later published reply answers it.

    Threads are flat, so a reply "has answers under it" when a published reply follows it.
    """
    signed_in = viewer is not None and viewer.is_authenticated
    parameters = {"experience_id": experience.id, "viewer_id": viewer.id if signed_in else None}
    return _paginate(_thread(signed_in), page, per_page, parameters=parameters)


@cache
def _thread(with_viewers_own: bool) -> Select:
    # Built once per kind of viewer: every experience page runs it, and building it cost
    # about as much as running it.
    later = aliased(Reply)
    answered = exists().where(
        later.experience_id == Reply.experience_id,
        later.status == Status.PUBLISHED,
        or_(
            later.created_at > Reply.created_at,
            and_(later.created_at == Reply.created_at, later.id > Reply.id),
        ),
    )
    shown = [Reply.status == Status.PUBLISHED, and_(Reply.status == Status.DELETED, answered)]
    if with_viewers_own:
        viewer = bindparam("viewer_id", type_=Integer)
        shown.append(
            and_(Reply.author_id == viewer, Reply.status.in_((Status.PENDING, Status.REJECTED)))
        )
    experience = bindparam("experience_id", type_=Integer)
    return (
        select(Reply)
        .where(Reply.experience_id == experience, or_(*shown))
        .order_by(Reply.created_at, Reply.id)
        .options(selectinload(Reply.author))
    )


def has_marked_me_too(user: User | None, experience: Experience) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return db.session.get(MeToo, (experience.id, user.id)) is not None
