"""Read queries behind insights, each on a connection that sees one snapshot of the data."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Select, func, or_, select

from forum.extensions import db
from forum.models import Experience, ExperienceExercise, SearchChange, Status
from forum.vocabulary import PROFILE_FIELDS

# The member profile copied onto each experience (onset, condition, symptom, age band, onset
# detail, severity, years ill), in the order of PROFILE_FIELDS: the groups' dimensions.
Profile = tuple[str | None, ...]
PROFILE_COLUMNS = tuple(getattr(Experience, name) for name in PROFILE_FIELDS)
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


def answers_query() -> Select:
    """Every published experience as an insights answer: who, what, which profile, when, how.

    Read from the covering index ix_experiences_status_author_answers alone.
    """
    return select(
        Experience.id,
        Experience.author_id,
        Experience.main_exercise,
        *PROFILE_COLUMNS,
        Experience.published_at,
        Experience.intensity,
        Experience.outcome,
        Experience.flare,
        Experience.is_demo,
    ).where(PUBLISHED)


def _combined(connection: Connection, ids: list[int] | None) -> set[int]:
    """Which experiences (all, or among `ids`) name more than one exercise."""
    statement = (
        select(ExperienceExercise.experience_id)
        .group_by(ExperienceExercise.experience_id)
        .having(func.count() > 1)
    )
    if ids is not None:
        statement = statement.where(ExperienceExercise.experience_id.in_(ids))
    return set(connection.scalars(statement))


def _with_combined(connection: Connection, rows: list, ids: list[int] | None) -> list[tuple]:
    combined = _combined(connection, ids)
    return [(*row, row[0] in combined) for row in rows]


def answers(connection: Connection) -> list[tuple]:
    """Rows of answers_query for every published experience, each ending with `combined`
    (whether the story named exercises beside its main one)."""
    return _with_combined(connection, list(connection.execute(answers_query())), None)


def answers_of(connection: Connection, authors: Iterable[int], ids: Iterable[int]) -> list:
    """The same rows for these authors' published experiences and these experiences."""
    authors, ids = list(authors), list(ids)
    condition = or_(Experience.author_id.in_(authors), Experience.id.in_(ids))
    rows = list(connection.execute(answers_query().where(condition)))
    return _with_combined(connection, rows, [row[0] for row in rows])


def authors_of(connection: Connection, ids: Iterable[int]) -> dict[int, int | None]:
    """{experience id: author id} of these experiences, whatever their status."""
    statement = select(Experience.id, Experience.author_id).where(Experience.id.in_(list(ids)))
    return dict(connection.execute(statement).all())


def newest_experience_id(connection: Connection) -> int:
    """The highest experience id in any status (0 for none)."""
    return connection.execute(select(func.max(Experience.id))).scalar() or 0


def published_above(connection: Connection, experience_id: int) -> int:
    """How many published experiences have an id above this one (a cheap range on the key)."""
    statement = select(func.count()).where(PUBLISHED, Experience.id > experience_id)
    return connection.execute(statement).scalar()


def published_among(connection: Connection, ids: Iterable[int], above: int) -> int:
    """How many of these experiences are published and have an id above `above`."""
    statement = select(func.count()).where(
        PUBLISHED, Experience.id.in_(list(ids)), Experience.id > above
    )
    return connection.execute(statement).scalar()
