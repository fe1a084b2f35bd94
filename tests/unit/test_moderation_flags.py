"""Flags: once per member, never one's own, published items only; enough of them hide the item."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum import search
from forum.clock import utcnow
from forum.errors import Conflict, Forbidden, Invalid, NotFound
from forum.extensions import db
from forum.models import Experience, Flag, ModerationAction, Reply
from forum.moderation import flagging, service
from forum.moderation.schemas import FlagSchema
from forum.sanitize import render_markdown
from forum.validation import load
from tests.factories import ExperienceFactory, UserFactory

SPAM = {"reason": "spam", "note": "Links to a shop."}


def reply_on(experience: Experience, **kwargs) -> Reply:
    reply = Reply(
        experience_id=experience.id,
        author=kwargs.pop("author", None) or UserFactory(),
        body="Buy my miracle cure",
        body_html=render_markdown("Buy my miracle cure"),
        **kwargs,
    )
    db.session.add(reply)
    db.session.flush()
    experience.reply_count += 1
    db.session.commit()
    return reply


def log_actions() -> list[tuple]:
    return db.session.execute(
        select(ModerationAction.action, ModerationAction.actor_id, ModerationAction.reason)
    ).all()


def test_a_member_flags_a_published_experience_once(ctx):
    experience = ExperienceFactory()
    member = UserFactory()
    flag = flagging.flag_experience(member, experience.id, SPAM)
    assert (flag.reason, flag.note, flag.flagger_id) == ("spam", "Links to a shop.", member.id)
    assert db.session.get(Experience, experience.id).flag_count == 1
    with pytest.raises(Conflict):
        flagging.flag_experience(member, experience.id, {"reason": "harassment"})
    assert db.session.get(Experience, experience.id).flag_count == 1


def test_no_one_flags_their_own(ctx):
    experience = ExperienceFactory()
    with pytest.raises(Forbidden):
        flagging.flag_experience(experience.author, experience.id, SPAM)


def test_only_published_experiences_can_be_flagged(ctx):
    member = UserFactory()
    for status in ("pending", "rejected", "hidden", "deleted"):
        experience = ExperienceFactory(status=status)
        # Invisible to this member, so it does not exist for them.
        with pytest.raises(NotFound):
            flagging.flag_experience(member, experience.id, SPAM)
    moderator = UserFactory(role="moderator")
    with pytest.raises(Conflict):
        flagging.flag_experience(moderator, ExperienceFactory(status="pending").id, SPAM)


def test_a_flag_needs_a_known_reason(ctx):
    experience = ExperienceFactory()
    for data in ({}, {"reason": "ugly"}, {"reason": "spam", "note": "x" * 1001}):
        with pytest.raises(Invalid):
            flagging.flag_experience(UserFactory(), experience.id, load(FlagSchema(), data))


def test_suspended_members_cannot_flag(ctx):
    experience = ExperienceFactory()
    suspended = UserFactory(suspended_until=utcnow() + timedelta(days=2))
    with pytest.raises(Forbidden, match="suspended until"):
        flagging.flag_experience(suspended, experience.id, SPAM)


def test_enough_flags_from_different_members_hide_it_at_once(app, monkeypatch):
    noted: list[int] = []
    monkeypatch.setattr(search, "note_changed", noted.append)
    with app.app_context():
        experience = ExperienceFactory()
        for number in range(1, 4):
            reason = "harassment" if number == 1 else "spam"
            flagging.flag_experience(UserFactory(), experience.id, {"reason": reason})
            status = db.session.get(Experience, experience.id).status
            assert status == ("hidden" if number == 3 else "published")
        hidden = db.session.get(Experience, experience.id)
        assert hidden.flag_count == 3
        assert hidden.version == 2
        assert "flagged" in hidden.status_reason
        assert log_actions() == [("auto_hide", None, "spam")]
        assert noted == [experience.id]
        # It now waits in the flagged queue, with its flags still open.
        assert service.experience_actions(hidden) == ["restore", "hide"]


def test_the_threshold_is_configurable(app):
    app.config["FLAG_HIDE_THRESHOLD"] = 1
    with app.app_context():
        experience = ExperienceFactory()
        flagging.flag_experience(UserFactory(), experience.id, SPAM)
        assert db.session.get(Experience, experience.id).status == "hidden"


def test_restoring_resolves_the_flags_and_new_flags_start_a_new_count(app):
    with app.app_context():
        experience = ExperienceFactory()
        for _ in range(3):
            flagging.flag_experience(UserFactory(), experience.id, SPAM)
        moderator = UserFactory(role="moderator")
        restored = service.decide(moderator, experience.id, {"action": "restore"})
        assert (restored.status, restored.flag_count) == ("published", 0)
        flags = db.session.scalars(select(Flag)).all()
        assert all(flag.resolved_at is not None for flag in flags)
        flagging.flag_experience(UserFactory(), experience.id, SPAM)
        assert db.session.get(Experience, experience.id).status == "published"


def test_replies_are_flagged_and_hidden_the_same_way(ctx):
    experience = ExperienceFactory()
    reply = reply_on(experience)
    with pytest.raises(Forbidden):
        flagging.flag_reply(reply.author, reply.id, SPAM)
    for _ in range(3):
        flagging.flag_reply(UserFactory(), reply.id, SPAM)
    reply = db.session.get(Reply, reply.id)
    assert (reply.status, reply.flag_count) == ("hidden", 3)
    assert db.session.get(Experience, experience.id).reply_count == 0
    (row,) = db.session.scalars(select(ModerationAction)).all()
    assert (row.action, row.target_type, row.target_id, row.actor_id) == (
        "auto_hide",
        "reply",
        reply.id,
        None,
    )
    with pytest.raises(NotFound):
        flagging.flag_reply(UserFactory(), reply.id, SPAM)


def test_a_moderator_restores_a_reply_and_the_count_follows(ctx):
    experience = ExperienceFactory()
    reply = reply_on(experience, status="hidden", flag_count=3)
    moderator = UserFactory(role="moderator")
    restored = service.decide_reply(moderator, reply.id, {"action": "restore"})
    assert (restored.status, restored.flag_count) == ("published", 0)
    assert db.session.get(Experience, experience.id).reply_count == 1
    with pytest.raises(Conflict):
        service.decide_reply(moderator, reply.id, {"action": "restore"})
    hidden = service.decide_reply(moderator, reply.id, {"action": "hide", "reason": "spam"})
    assert hidden.status_reason == "Spam or advertising"
    assert hidden.author.approvals_toward_trust == 0


def test_replies_under_unpublished_experiences_cannot_be_flagged(ctx):
    experience = ExperienceFactory()
    reply = reply_on(experience)
    experience.status = "hidden"
    db.session.commit()
    with pytest.raises(NotFound):
        flagging.flag_reply(UserFactory(), reply.id, SPAM)
