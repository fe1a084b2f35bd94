"""The audit log: append-only, and complete for a scripted session of moderation."""

import pytest
from sqlalchemy import delete, select, update

from forum.extensions import db
from forum.models import Experience, ModerationAction, User
from forum.models.moderation import AuditLogIsAppendOnly
from forum.moderation import flagging, log_queries, members, service
from tests.factories import ExperienceFactory, UserFactory


@pytest.fixture
def logged(ctx):
    moderator = UserFactory(role="moderator")
    experience = ExperienceFactory(status="pending", published_at=None)
    service.decide(moderator, experience.id, {"action": "approve"})
    return db.session.scalars(select(ModerationAction)).one()


def test_a_log_row_cannot_be_edited(logged):
    logged.note = "nothing to see"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalars(select(ModerationAction.note)).one() is None


def test_a_log_row_cannot_be_deleted(logged):
    db.session.delete(logged)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalars(select(ModerationAction)).all() == [logged]


@pytest.mark.parametrize(
    "statement",
    [delete(ModerationAction), update(ModerationAction).values(note="rewritten")],
    ids=["bulk delete", "bulk update"],
)
def test_bulk_statements_cannot_touch_the_log(logged, statement):
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(statement)
    db.session.rollback()
    assert db.session.scalars(select(ModerationAction.note)).all() == [None]


def test_a_scripted_session_is_logged_completely_in_order(app):
    app.config["FLAG_HIDE_THRESHOLD"] = 2
    with app.app_context():
        admin = UserFactory(role="admin", username="oak")
        helper = UserFactory(username="birch")
        author = UserFactory(username="fern")
        first = ExperienceFactory(author=author, status="pending", published_at=None)
        second = ExperienceFactory(author=author, status="pending", published_at=None)
        third = ExperienceFactory(author=author)

        members.set_role(admin, "birch", {"role": "moderator"})
        moderator = db.session.get(User, helper.id)
        service.decide(moderator, first.id, {"action": "approve"})
        service.decide(moderator, second.id, {"action": "reject", "reason": "off_topic"})
        service.decide(moderator, first.id, {"action": "hide", "reason": "personal_info"})
        service.decide(moderator, first.id, {"action": "restore"})
        for _ in range(2):
            flagging.flag_experience(UserFactory(), third.id, {"reason": "misinformation"})
        service.decide(moderator, third.id, {"action": "hide", "reason": "misinformation"})
        members.suspend(moderator, "fern", {"days": 3, "reason": "Medical misinformation."})
        members.unsuspend(admin, "fern", {})

        page = log_queries.log_page({"per_page": 100})
        rows = list(reversed(page.items))
        assert page.total == len(rows) == 9
        assert [
            (row.action, row.actor.username if row.actor else None, row.target_type, row.reason)
            for row in rows
        ] == [
            ("role_change", "oak", "user", None),
            ("approve", "birch", "experience", None),
            ("reject", "birch", "experience", "off_topic"),
            ("hide", "birch", "experience", "personal_info"),
            ("restore", "birch", "experience", None),
            ("auto_hide", None, "experience", "misinformation"),
            ("hide", "birch", "experience", "misinformation"),
            ("suspend", "birch", "user", None),
            ("unsuspend", "oak", "user", None),
        ]
        assert [row.target_id for row in rows[1:7]] == [
            first.id,
            second.id,
            first.id,
            first.id,
            third.id,
            third.id,
        ]
        assert all(row.created_at is not None for row in rows)
        assert {row.subject.username for row in rows} == {"birch", "fern"}
        # Filters narrow the same log.
        assert log_queries.log_page({"action": "hide"}).total == 2
        assert log_queries.log_page({"actor": "system"}).total == 1
        assert log_queries.log_page({"actor": "oak"}).total == 2
        assert log_queries.log_page({"member": "FERN"}).total == 8
        filtered = log_queries.log_page({"target_type": "experience", "target_id": first.id})
        assert filtered.total == 3
        # The author sees the decisions on their own experiences, with reasons, unsigned.
        decisions = log_queries.decisions_for_author(db.session.get(User, author.id))
        assert [decision.action for decision in decisions] == [
            "hide",
            "auto_hide",
            "restore",
            "hide",
            "reject",
            "approve",
        ]
        assert decisions[-2].reason == "off_topic"
        assert db.session.get(Experience, second.id).status == "rejected"
