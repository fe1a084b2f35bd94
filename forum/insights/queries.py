"""Read queries behind insights, each on a connection that sees one snapshot of the data."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Select, case, func, select

from forum.extensions import db
from forum.models import Experience, ExperienceExercise, SearchChange, Status

# The member profile copied onto each experience: onset, condition, symptom, age band.
Profile = tuple[str | None, str | None, str | None, str | None]
PROFILE_COLUMNS = (Experience.onset, Experience.condition, Experience.symptom, Experience.age_band)
PUBLISHED = Experience.status == Status.PUBLISHED


@contextmanager
def snapshot() -> Iterator[Connection]:
    """A read-only connection whose statements all see the same committed state.

    PostgreSQL needs REPEATABLE READ for that (READ COMMITTED takes a snapshot per
    statement); Python's sqlite3 opens no transaction before a SELECT, so one is begun.
    """
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN")
        else:
            connection.execution_options(isolation_level="REPEATABLE READ")
        try:
            yield connection
        finally:
            connection.rollback()


def outbox_since(connection: Connection, floor: int | None, window: int) -> list[tuple]:
    """(id, experience_id) of outbox rows above `floor`, or the newest `window` ids if None."""
    if floor is None:
        newest = select(func.max(SearchChange.id)).scalar_subquery()
        condition = SearchChange.id > func.coalesce(newest, 0) - window
    else:
        condition = SearchChange.id > floor
    statement = select(SearchChange.id, SearchChange.experience_id).where(condition)
    return [tuple(row) for row in connection.execute(statement)]


def _published_in(profile: Profile | None) -> list:
    """Published, and of this profile (None: any). One statement shape per pattern of unset
    fields, so SQLAlchemy compiles each shape once and the index serves every field."""
    if profile is None:
        return [PUBLISHED]
    return [PUBLISHED] + [
        column.is_(None) if key is None else column == key
        for column, key in zip(PROFILE_COLUMNS, profile, strict=True)
    ]


def published_profiles(connection: Connection, ids: Iterable[int] | None = None) -> dict:
    """{experience id: profile} of the published experiences (all, or among `ids`)."""
    statement = select(Experience.id, *PROFILE_COLUMNS).where(PUBLISHED)
    if ids is not None:
        statement = statement.where(Experience.id.in_(list(ids)))
    # A few hundred distinct profiles serve 100,000 rows: share one tuple per profile.
    shared: dict[Profile, Profile] = {}
    profiles = {}
    for experience_id, *keys in connection.execute(statement):
        profile = tuple(keys)
        profiles[experience_id] = shared.setdefault(profile, profile)
    return profiles


def newest_experience_id(connection: Connection) -> int:
    """The highest experience id in any status (0 for none)."""
    return connection.execute(select(func.max(Experience.id))).scalar() or 0


def published_above(connection: Connection, experience_id: int) -> int:
    """How many published experiences have an id above this one (a cheap range on the key)."""
    statement = select(func.count()).where(PUBLISHED, Experience.id > experience_id)
    return connection.execute(statement).scalar()


def profile_sizes(connection: Connection, profile: Profile | None = None) -> dict:
    """{profile: published experiences} for one profile (or all)."""
    statement = (
        select(*PROFILE_COLUMNS, func.count(Experience.id))
        .where(*_published_in(profile))
        .group_by(*PROFILE_COLUMNS)
    )
    return {tuple(row[:4]): row[4] for row in connection.execute(statement)}


def profile_cells_query(profile: Profile | None = None) -> Select:
    """Reports and flare-ups per profile, exercise, intensity and outcome (all, or one profile).

    An experience naming several exercise types counts once for each.
    """
    flared = func.sum(case((Experience.flare != "none", 1), else_=0))
    keys = (*PROFILE_COLUMNS, ExperienceExercise.exercise, Experience.intensity, Experience.outcome)
    return (
        select(*keys, func.count(), flared)
        .join(Experience, Experience.id == ExperienceExercise.experience_id)
        .where(*_published_in(profile))
        .group_by(*keys)
    )


def profile_cells(connection: Connection, profile: Profile | None = None) -> list:
    """Rows (onset, condition, symptom, age band, exercise, intensity, outcome, reports, flared)."""
    return list(connection.execute(profile_cells_query(profile)))
