"""The embedded SQLite database lets a writer commit while another connection reads."""

import pytest
from sqlalchemy import text

from forum.extensions import db
from tests.factories import UserFactory


@pytest.fixture
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's locking only")


def test_a_commit_goes_through_while_a_long_read_is_open(ctx, sqlite_only):
    UserFactory()
    db.session.commit()
    with db.engine.connect() as reader, db.engine.connect() as writer:
        # A read transaction in progress, as the insights warm-up's seconds-long scan is.
        reader.exec_driver_sql("BEGIN")
        assert reader.scalar(text("SELECT count(*) FROM users")) == 1
        writer.exec_driver_sql("PRAGMA busy_timeout = 100")

        writer.execute(text("UPDATE users SET username = username || 'x'"))
        writer.commit()

        assert reader.scalar(text("SELECT count(*) FROM users")) == 1
        reader.rollback()
