"""The content version: one number that grows with every committed write of the app.

Pages made for nobody in particular are cached per process under this number (see
forum/web/page_cache.py), so it must move whenever anything a page shows may have changed.
Services could each remember to move it, and one forgotten call would serve stale pages for
good; instead every app session that wrote anything moves it as the last statement of its
commit, in the same transaction: the number and the data it stands for commit together.
"""

import re

from flask_sqlalchemy.session import Session as AppSession
from sqlalchemy import BigInteger, TextClause, event, select, update
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from forum.extensions import db

THE_ROW = 1
READ_ONLY_SQL = re.compile(r"\s*(SELECT|WITH|EXPLAIN|PRAGMA|SHOW)\b", re.IGNORECASE)
_WROTE = "forum.content_written"


class ContentVersion(db.Model):
    """A single row (id 1) holding the version."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


@event.listens_for(ContentVersion.__table__, "after_create")
def _insert_the_row(table, connection, **kwargs) -> None:
    connection.execute(table.insert().values(id=THE_ROW, value=0))


def content_version(session: Session) -> int:
    """The version committed so far (0 before the first write)."""
    value = session.scalar(select(ContentVersion.value).where(ContentVersion.id == THE_ROW))
    return value or 0


@event.listens_for(AppSession, "before_flush")
def _note_flush(session: Session, flush_context, instances) -> None:
    if session.new or session.dirty or session.deleted:
        session.info[_WROTE] = True


def _is_write(state: ORMExecuteState) -> bool:
    if state.is_insert or state.is_update or state.is_delete:
        return True
    statement = state.statement
    # Hand-written SQL: anything but a query counts (a TRUNCATE in a test, say).
    return isinstance(statement, TextClause) and not READ_ONLY_SQL.match(statement.text)


@event.listens_for(AppSession, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    # Bulk statements (the demo loader, counters) and hand-written SQL skip the flush.
    if _is_write(state):
        state.session.info[_WROTE] = True


@event.listens_for(AppSession, "before_commit")
def _move_version(session: Session) -> None:
    if session.in_nested_transaction():
        # Releasing a savepoint fires this too. Locking the row there, before the rest of
        # the transaction's writes, would order locks differently from other writers
        # (deadlocks on PostgreSQL); the outermost commit moves it.
        return
    session.flush()
    if not session.info.pop(_WROTE, False):
        return
    moved = session.execute(
        update(ContentVersion)
        .where(ContentVersion.id == THE_ROW)
        .values(value=ContentVersion.value + 1)
    )
    if moved.rowcount == 0:
        # Only when something emptied the table (tests TRUNCATE between cases).
        session.add(ContentVersion(id=THE_ROW, value=1))
        session.flush()
    session.info.pop(_WROTE, None)  # set again by the statements just run


@event.listens_for(AppSession, "after_transaction_end")
def _forget_rolled_back(session: Session, transaction) -> None:
    # Only the outermost transaction: a savepoint rolled back leaves the writes around it.
    if transaction.parent is None:
        session.info.pop(_WROTE, None)
