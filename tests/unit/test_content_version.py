"""The content version moves with every committed write of the app, and only then."""

import pytest
from sqlalchemy import select, text, update

from forum.extensions import db
from forum.models import ContentVersion, Experience, User, content_version
from tests.factories import ExperienceFactory, UserFactory


@pytest.fixture
def story(ctx):
    return ExperienceFactory()


def version() -> int:
    return content_version(db.session)


def test_a_new_database_starts_at_zero_with_its_row(ctx):
    assert version() == 0
    assert db.session.scalar(select(ContentVersion.id)) == 1


def test_a_commit_that_wrote_moves_it_by_one(story):
    before = version()
    db.session.get(Experience, story.id).title = "A new title"
    db.session.commit()
    assert version() == before + 1


def test_reads_and_empty_commits_leave_it(story):
    before = version()
    db.session.scalars(select(Experience)).all()
    db.session.execute(text("SELECT count(*) FROM experiences"))
    db.session.commit()
    assert version() == before


def test_a_rolled_back_write_leaves_it(story):
    before = version()
    db.session.get(Experience, story.id).title = "Never kept"
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert version() == before


@pytest.mark.parametrize(
    "statement",
    [
        lambda: update(Experience).values(me_too_count=Experience.me_too_count + 1),
        lambda: text("UPDATE experiences SET me_too_count = me_too_count + 1"),
    ],
    ids=["bulk statement", "hand-written SQL"],
)
def test_statements_that_skip_the_flush_move_it(story, statement):
    before = version()
    db.session.execute(statement())
    db.session.commit()
    assert version() == before + 1


def test_a_savepoint_rolled_back_inside_a_writing_transaction_still_moves_it(story):
    before = version()
    db.session.get(Experience, story.id).title = "Kept"
    db.session.flush()
    with db.session.begin_nested() as savepoint:
        db.session.add(User(username="ghost", username_key="ghost", email="g@example.org"))
        db.session.flush()
        savepoint.rollback()
    db.session.commit()
    assert version() == before + 1


def test_an_emptied_table_gets_its_row_back_on_the_next_write(ctx):
    db.session.execute(text("DELETE FROM content_version"))
    db.session.commit()
    UserFactory()
    assert version() >= 1


def test_releasing_a_savepoint_leaves_the_row_to_the_outermost_commit(story):
    before = version()
    with db.session.begin_nested():
        db.session.get(Experience, story.id).title = "Inside a savepoint"
    assert version() == before  # not moved (nor locked) before the transaction ends
    with db.session.begin_nested() as outer:
        with db.session.begin_nested():
            db.session.get(Experience, story.id).me_too_count += 1
        outer.rollback()
    db.session.commit()
    assert version() == before + 1
