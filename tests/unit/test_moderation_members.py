"""Suspensions (who may suspend whom, ending by themselves) and roles (admins and the CLI)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.clock import utcnow
from forum.errors import Conflict, Forbidden, Invalid, NotFound
from forum.experiences import service as experiences
from forum.extensions import db
from forum.models import ModerationAction, User
from forum.moderation import members
from forum.moderation.schemas import RoleSchema, SuspensionSchema
from forum.validation import load
from tests.factories import UserFactory

WEEK = {"days": 7, "reason": "Repeated advertising."}


def test_a_moderator_suspends_a_member_who_can_then_read_but_not_write(ctx):
    moderator, member = UserFactory(role="moderator"), UserFactory()
    before = utcnow()
    members.suspend(moderator, member.username.upper(), WEEK)
    member = db.session.get(User, member.id)
    assert member.is_suspended()
    assert timedelta(days=7) <= member.suspended_until - before < timedelta(days=7, minutes=1)
    assert member.suspension_reason == "Repeated advertising."
    with pytest.raises(Forbidden, match="suspended until"):
        experiences.submit_experience(member, {})
    (row,) = db.session.scalars(select(ModerationAction)).all()
    assert (row.action, row.actor_id, row.target_type, row.target_id, row.subject_id) == (
        "suspend",
        moderator.id,
        "user",
        member.id,
        member.id,
    )
    assert "7 days" in row.note and "Repeated advertising." in row.note


def test_a_suspension_ends_by_itself(ctx):
    member = UserFactory(suspended_until=utcnow() + timedelta(days=1))
    assert member.is_suspended()
    assert not member.is_suspended(now=utcnow() + timedelta(days=1, seconds=1))


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"days": 0, "reason": "x"},
        {"days": 3651, "reason": "x"},
        {"days": 3, "reason": ""},
        {"days": "three", "reason": "x"},
        {"days": 2.5, "reason": "x"},
        {"days": 3, "reason": "x" * 501},
    ],
)
def test_suspension_input_is_checked(ctx, data):
    with pytest.raises(Invalid):
        members.suspend(
            UserFactory(role="moderator"), UserFactory().username, load(SuspensionSchema(), data)
        )


def test_who_may_suspend_whom(ctx):
    moderator, other_moderator = UserFactory(role="moderator"), UserFactory(role="moderator")
    admin, member = UserFactory(role="admin"), UserFactory()
    for actor, target in [
        (moderator, moderator),
        (moderator, admin),
        (moderator, other_moderator),
        (admin, admin),
        (UserFactory(), member),
    ]:
        with pytest.raises(Forbidden):
            members.suspend(actor, target.username, WEEK)
    members.suspend(admin, other_moderator.username, WEEK)
    assert db.session.get(User, other_moderator.id).is_suspended()


def test_unknown_members_are_not_found(ctx):
    moderator = UserFactory(role="moderator")
    for name in ("nobody-here", "bad\x00name", "x" * 200):
        with pytest.raises(NotFound):
            members.suspend(moderator, name, WEEK)


def test_lifting_a_suspension(ctx):
    moderator, member = UserFactory(role="moderator"), UserFactory()
    with pytest.raises(Conflict):
        members.unsuspend(moderator, member.username, {})
    members.suspend(moderator, member.username, WEEK)
    members.unsuspend(moderator, member.username, {"note": "Apologised."})
    member = db.session.get(User, member.id)
    assert not member.is_suspended()
    assert member.suspension_reason is None
    actions = db.session.scalars(select(ModerationAction.action).order_by(ModerationAction.id))
    assert actions.all() == ["suspend", "unsuspend"]


def test_admins_make_moderators_and_it_is_logged(ctx):
    admin, member = UserFactory(role="admin"), UserFactory()
    members.set_role(admin, member.username, {"role": "moderator"})
    assert db.session.get(User, member.id).is_moderator
    (row,) = db.session.scalars(select(ModerationAction)).all()
    assert (row.action, row.actor_id, row.subject_id, row.note) == (
        "role_change",
        admin.id,
        member.id,
        "Member → Moderator",
    )
    with pytest.raises(Conflict):
        members.set_role(admin, member.username, {"role": "moderator"})


def test_only_admins_change_roles_and_never_their_own(ctx):
    moderator, admin, member = (
        UserFactory(role="moderator"),
        UserFactory(role="admin"),
        UserFactory(),
    )
    with pytest.raises(Forbidden):
        members.set_role(moderator, member.username, {"role": "moderator"})
    with pytest.raises(Forbidden):
        members.set_role(admin, admin.username, {"role": "member"})
    with pytest.raises(Invalid):
        members.set_role(admin, member.username, load(RoleSchema(), {"role": "overlord"}))


def test_the_cli_sets_a_role(app, runner):
    with app.app_context():
        member_id = UserFactory(username="willow").id
    result = runner.invoke(args=["forum", "set-role", "willow", "moderator"])
    assert result.exit_code == 0, result.output
    assert "willow is now a moderator" in result.output
    with app.app_context():
        assert db.session.get(User, member_id).role == "moderator"
        row = db.session.scalars(select(ModerationAction)).one()
        assert (row.action, row.actor_id) == ("role_change", None)
    again = runner.invoke(args=["forum", "set-role", "willow", "moderator"])
    assert again.exit_code != 0
    assert "already a moderator" in again.output
    missing = runner.invoke(args=["forum", "set-role", "nobody", "admin"])
    assert missing.exit_code != 0
    assert "no member" in missing.output
