"""Read queries behind insights, each on a connection that sees one snapshot of the data."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache

from sqlalchemy import Connection, Integer, Select, bindparam, func, null, or_, select

from forum.extensions import db
from forum.models import (
    Experience,
    ExperienceExercise,
    FollowUp,
    QuickAnswer,
    SearchChange,
    Status,
)
from forum.vocabulary import INSIGHTS_FIELDS

# The member profile copied onto each experience that insights group on, in the order of
# INSIGHTS_FIELDS (onset, condition, symptom, age band): the groups' dimensions.
Profile = tuple[str | None, ...]
PROFILE_COLUMNS = tuple(getattr(Experience, name) for name in INSIGHTS_FIELDS)
PUBLISHED = Experience.status == Status.PUBLISHED
QUICK_PROFILE_COLUMNS = tuple(getattr(QuickAnswer, name) for name in INSIGHTS_FIELDS)
# Stories tried this long or longer count in the "after 3 months or more" view.
LONG_TERM_WEEKS = 13
# What each row of `answers`/`answers_of` ends with, after the columns of answers_query.
STORY, FOLLOW_UP, QUICK = "story", "follow_up", "quick"


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


def follow_ups_query() -> Select:
    """Every published follow-up of a published story, as an answer in answers_query's
    columns (the story's person, main exercise, profile and intensity; the follow-up's time,
    outcome and flare), then whether the author stopped and why."""
    return (
        select(
            Experience.id,
            Experience.author_id,
            Experience.main_exercise,
            *PROFILE_COLUMNS,
            FollowUp.published_at,
            Experience.intensity,
            FollowUp.outcome,
            FollowUp.flare,
            Experience.is_demo,
            FollowUp.still_doing,
            FollowUp.stop_reason,
        )
        .join(FollowUp, FollowUp.experience_id == Experience.id)
        .where(PUBLISHED, FollowUp.status == Status.PUBLISHED)
    )


def quick_answers_query() -> Select:
    """Every quick answer in answers_query's columns; its intensity is not stated."""
    return select(
        QuickAnswer.id,
        QuickAnswer.user_id,
        QuickAnswer.exercise,
        *QUICK_PROFILE_COLUMNS,
        QuickAnswer.updated_at,
        null().label("intensity"),
        QuickAnswer.outcome,
        QuickAnswer.flare,
        QuickAnswer.is_demo,
    )


def _weeks_tried(connection: Connection, ids: list[int] | None) -> dict[int, int]:
    """{experience id: weeks tried} of published stories (all, or among `ids`) that say."""
    statement = select(Experience.id, Experience.weeks_tried).where(
        PUBLISHED, Experience.weeks_tried.is_not(None)
    )
    if ids is not None:
        statement = statement.where(Experience.id.in_(ids))
    return dict(connection.execute(statement).all())


def _gathered(connection: Connection, stories, follow_ups, quick, ids) -> list[tuple]:
    """Story, follow-up and quick-answer rows in one layout: answers_query's columns, then
    combined, kind, stop reason (stopped follow-ups only) and whether the answer counts in
    the "after 3 months or more" view."""
    story_ids = [row[0] for row in stories] + [row[0] for row in follow_ups]
    lookup = None if ids is None else story_ids
    combined = _combined(connection, lookup)
    weeks = _weeks_tried(connection, lookup)
    rows = [
        (*row, row[0] in combined, STORY, None, weeks.get(row[0], 0) >= LONG_TERM_WEEKS)
        for row in stories
    ]
    for row in follow_ups:
        *answer, still_doing, stop_reason = row
        stopped = None if still_doing else (stop_reason or "other")
        rows.append((*answer, row[0] in combined, FOLLOW_UP, stopped, True))
    rows.extend((*row, False, QUICK, None, False) for row in quick)
    return rows


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


def answers(connection: Connection) -> list[tuple]:
    """Every published answer: stories, their published follow-ups and quick answers, in
    the layout of `_gathered` (after answers_query's columns: combined, kind, stop reason,
    long term)."""
    return _gathered(
        connection,
        list(connection.execute(answers_query())),
        list(connection.execute(follow_ups_query())),
        list(connection.execute(quick_answers_query())),
        None,
    )


def answers_of(connection: Connection, authors: Iterable[int], ids: Iterable[int]) -> list:
    """The same rows for these members' answers and these (anonymous) experiences'."""
    authors, ids = list(authors), list(ids)
    condition = or_(Experience.author_id.in_(authors), Experience.id.in_(ids))
    return _gathered(
        connection,
        list(connection.execute(answers_query().where(condition))),
        list(connection.execute(follow_ups_query().where(condition))),
        list(connection.execute(quick_answers_query().where(QuickAnswer.user_id.in_(authors)))),
        authors,
    )


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


def quick_answers_of(member) -> dict[str, QuickAnswer]:
    """{exercise: quick answer} of the signed-in member ({} for anyone else): the insights
    page shows each row's "I tried this too" form with the member's answer."""
    if member is None or not member.is_authenticated:
        return {}
    rows = db.session.scalars(_answers_of_member(), {"member_id": member.id})
    return {answer.exercise: answer for answer in rows}


@cache
def _answers_of_member() -> Select:
    # Built once: the insights page runs it for every member, and building it cost more.
    return select(QuickAnswer).where(QuickAnswer.user_id == bindparam("member_id", type_=Integer))
