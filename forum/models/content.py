"""The content versions: numbers that grow with the committed writes of the app.

Pages made for nobody in particular are kept under the content version (see
forum/web/page_cache.py), so it must move whenever anything a page shows may have changed.
Services could each remember to move it, and one forgotten call would serve stale pages for
good; instead every app session that wrote anything moves what its writes changed as the last
statements of its commit, in the same transaction (forum/models/changes.py): the numbers and
the data they stand for commit together.

Four rows: the content version itself (any write not known to be narrower moves it), the
order of stories by "me too" (moved by every mark; kept lists in that order follow it),
members' own pages (moved by a write to members' notifications or watches that does not say
whose: members' own kept pages follow it), and the stories version (moved by a commit that
changed only some stories' counts and replies; `StoryChange` says which stories).
"""

import re
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import BigInteger, Select, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from forum.extensions import db

THE_ROW = 1
ME_TOO_ORDER_ROW = 2
MEMBERS_PAGES_ROW = 3
STORIES_ROW = 4
READ_ONLY_SQL = re.compile(r"\s*(SELECT|WITH|EXPLAIN|PRAGMA|SHOW)\b", re.IGNORECASE)
# What a new schema holds (and what a test puts back after emptying the tables).
ROWS = (THE_ROW, ME_TOO_ORDER_ROW, MEMBERS_PAGES_ROW, STORIES_ROW)
FIRST_ROWS = tuple({"id": row, "value": 0} for row in ROWS)


class ContentVersion(db.Model):
    """One row per version (ROWS)."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class StoryChange(db.Model):
    """The stories a commit changed narrowly, under the stories version it moved to.

    Versions follow each other without gaps (every move writes at least one row), so a reader
    that finds the first version after the one it knew missing knows rows were pruned.
    """

    __tablename__ = "story_changes"

    version: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    experience_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


@event.listens_for(ContentVersion.__table__, "after_create")
def _insert_the_rows(table, connection, **kwargs) -> None:
    connection.execute(table.insert(), list(FIRST_ROWS))


# Built once: every page reads it, and building it costs about as much as running it.
_EVERY_VERSION = select(ContentVersion.id, ContentVersion.value)


class Versions(NamedTuple):
    """Every version row's value, as of one read."""

    content: int
    me_too_order: int
    members_pages: int
    stories: int


def versions(session: Session) -> Versions:
    """All four versions, read together in one query."""
    rows = dict(session.execute(_EVERY_VERSION).all())
    return Versions(*(rows.get(row) or 0 for row in ROWS))


def with_versions(statement: Select) -> Select:
    """`statement` with the four versions as its last columns, to read them in its round trip."""
    values = (
        select(ContentVersion.value).where(ContentVersion.id == row).scalar_subquery()
        for row in ROWS
    )
    return statement.add_columns(*values)


def versions_in(row: Sequence) -> Versions:
    """The versions of a row read with `with_versions`."""
    return Versions(*(value or 0 for value in row[-len(ROWS) :]))


def content_version(session: Session) -> int:
    """The version committed so far (0 before the first write)."""
    return versions(session).content
