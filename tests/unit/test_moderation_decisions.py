"""Decisions on experiences: transitions, reasons, trust, flags resolved, outbox and log rows."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum import permissions, search
from forum.clock import utcnow
from forum.errors import Conflict, Forbidden, Invalid, NotFound
from forum.experiences import service as experiences
from forum.extensions import db
from forum.models import Experience, Flag, ModerationAction, SearchChange, User
from forum.moderation import service
from forum.moderation.schemas import DecisionSchema
from forum.validation import load
from tests.factories import ExperienceFactory, UserFactory

NEW_EXPERIENCE = {
    "title": "Short walks after lunch",
    "body": "Five minutes at first, then ten. The afternoons got easier.",
    "exercises": ["walking"],
    "intensity": "gentle",
    "outcome": "helped",
    "flare": "none",
}


@pytest.fixture
def moderator(ctx):
    return UserFactory(role="moderator")


def pending(**kwargs) -> Experience:
    return ExperienceFactory(status="pending", published_at=None, **kwargs)


def log_rows() -> list[ModerationAction]:
    return db.session.scalars(select(ModerationAction).order_by(ModerationAction.id)).all()


@pytest.fixture
def outbox(monkeypatch):
    """The experience ids handed to the search outbox, in order."""
    calls: list[int] = []
    real = search.note_changed

    def note(experience_id: int) -> None:
        calls.append(experience_id)
        real(experience_id)

    monkeypatch.setattr(search, "note_changed", note)
    return calls


def test_approve_publishes_counts_toward_trust_and_logs(moderator, outbox):
    experience = pending()
    decided = service.decide(moderator, experience.id, {"action": "approve"})
    assert decided.status == "published"
    assert decided.published_at is not None
    assert decided.version == 2
    assert decided.author.approvals_toward_trust == 1
    (row,) = log_rows()
    assert (row.actor_id, row.action, row.target_type, row.target_id, row.subject_id) == (
        moderator.id,
        "approve",
        "experience",
        experience.id,
        experience.author_id,
    )
    assert outbox == [experience.id]


def test_approve_keeps_the_first_publication_date(moderator):
    experience = pending()
    first = service.decide(moderator, experience.id, {"action": "approve"}).published_at
    service.decide(moderator, experience.id, {"action": "hide", "reason": "spam"})
    restored = service.decide(moderator, experience.id, {"action": "restore"})
    assert restored.published_at == first
    assert restored.status_reason is None


@pytest.mark.parametrize("action", ["reject", "hide"])
def test_reject_and_hide_need_a_reason(moderator, action):
    experience = pending()
    with pytest.raises(Invalid) as error:
        service.decide(moderator, experience.id, load(DecisionSchema(), {"action": action}))
    assert "reason" in error.value.fields
    assert db.session.get(Experience, experience.id).status == "pending"
    assert log_rows() == []


def test_reject_tells_the_author_why_and_resets_trust(moderator, outbox):
    author = UserFactory(approvals_toward_trust=2)
    experience = pending(author=author)
    decided = service.decide(
        moderator,
        experience.id,
        {
            "action": "reject",
            "reason": "misinformation",
            "note": "Please do not advise stopping medication.",
        },
    )
    assert decided.status == "rejected"
    assert decided.status_reason == (
        "Harmful medical misinformation: Please do not advise stopping medication."
    )
    assert db.session.get(User, author.id).approvals_toward_trust == 0
    (row,) = log_rows()
    assert (row.reason, row.note) == ("misinformation", "Please do not advise stopping medication.")
    # A pending experience was never in the index: nothing for search to do.
    assert outbox == []


def test_hide_unpublishes_and_tells_search(moderator, outbox):
    experience = ExperienceFactory()
    decided = service.decide(moderator, experience.id, {"action": "hide", "reason": "harassment"})
    assert decided.status == "hidden"
    assert decided.status_reason == "Harassment"
    assert outbox == [experience.id]


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("published", "approve"),
        ("published", "reject"),
        ("published", "restore"),
        ("rejected", "approve"),
        ("rejected", "hide"),
        ("hidden", "approve"),
        ("pending", "restore"),
        ("pending", "dismiss"),
        ("published", "dismiss"),  # nothing flagged, so nothing to dismiss
    ],
)
def test_a_decision_that_does_not_fit_the_status_is_a_conflict(moderator, status, action):
    experience = ExperienceFactory(status=status)
    with pytest.raises(Conflict):
        service.decide(moderator, experience.id, {"action": action, "reason": "spam"})
    assert db.session.get(Experience, experience.id).status == status
    assert log_rows() == []


def test_deleted_or_missing_experiences_are_not_found(moderator):
    deleted = ExperienceFactory(status="deleted")
    for experience_id in (deleted.id, 999_999):
        with pytest.raises(NotFound):
            service.decide(moderator, experience_id, {"action": "hide", "reason": "spam"})


def test_members_and_suspended_moderators_cannot_decide(ctx):
    experience = pending()
    member = UserFactory()
    suspended = UserFactory(role="moderator", suspended_until=utcnow() + timedelta(days=1))
    for user in (member, suspended):
        with pytest.raises(Forbidden):
            service.decide(user, experience.id, {"action": "approve"})


def test_unknown_action_or_reason_is_invalid(moderator):
    experience = pending()
    for data in ({"action": "delete"}, {"action": "reject", "reason": "rude"}, {}):
        with pytest.raises(Invalid):
            service.decide(moderator, experience.id, load(DecisionSchema(), data))


def test_a_decision_resolves_the_open_flags_in_the_same_commit(moderator):
    experience = ExperienceFactory(flag_count=2)
    for flagger in (UserFactory(), UserFactory()):
        db.session.add(Flag(experience_id=experience.id, flagger_id=flagger.id, reason="spam"))
    db.session.commit()
    decided = service.decide(moderator, experience.id, {"action": "dismiss"})
    assert decided.status == "published"
    assert decided.flag_count == 0
    open_flags = db.session.scalar(
        select(func.count()).select_from(Flag).where(Flag.resolved_at.is_(None))
    )
    assert open_flags == 0
    assert [row.action for row in log_rows()] == ["dismiss"]


def test_an_automatically_hidden_experience_can_be_confirmed_hidden(moderator):
    experience = ExperienceFactory(status="hidden", flag_count=3)
    assert service.experience_actions(experience) == ["restore", "hide"]
    decided = service.decide(moderator, experience.id, {"action": "hide", "reason": "spam"})
    assert (decided.status, decided.flag_count, decided.status_reason) == (
        "hidden",
        0,
        "Spam or advertising",
    )


def test_a_stale_version_is_already_decided(moderator):
    """Two moderators open the same version; the second one to decide is refused."""
    experience = pending()
    other = UserFactory(role="moderator")
    seen = experience.version
    service.decide(moderator, experience.id, {"action": "approve", "version": seen})
    with pytest.raises(Conflict, match="already decided"):
        service.decide(
            other, experience.id, {"action": "reject", "reason": "spam", "version": seen}
        )
    assert [row.action for row in log_rows()] == ["approve"]
    assert db.session.get(Experience, experience.id).status == "published"


def test_an_edit_after_the_moderator_looked_is_a_conflict(moderator):
    experience = pending()
    seen = experience.version
    experiences.edit_experience(
        experience.author, experience.id, {"title": "A changed title here"}, partial=True
    )
    with pytest.raises(Conflict):
        service.decide(moderator, experience.id, {"action": "approve", "version": seen})


def test_trust_rule_members_publish_directly_after_enough_approvals(app, moderator):
    app.config["TRUST_THRESHOLD"] = 2
    author = UserFactory()
    for expected_status in ("pending", "pending", "published"):
        experience = experiences.submit_experience(author, NEW_EXPERIENCE)
        assert experience.status == expected_status
        if expected_status == "pending":
            service.decide(moderator, experience.id, {"action": "approve"})
    assert permissions.is_trusted(db.session.get(User, author.id))


@pytest.mark.parametrize("action", ["hide", "reject"])
def test_trust_is_lost_after_a_hide_or_a_rejection(app, moderator, action):
    author = UserFactory(trusted=True)
    assert permissions.is_trusted(author)
    experience = ExperienceFactory(author=author, status="pending")
    service.decide(moderator, experience.id, {"action": action, "reason": "spam"})
    author = db.session.get(User, author.id)
    assert not permissions.is_trusted(author)
    assert experiences.submit_experience(author, NEW_EXPERIENCE).status == "pending"


def test_moderators_publish_directly(moderator):
    assert experiences.submit_experience(moderator, NEW_EXPERIENCE).status == "published"
    admin = UserFactory(role="admin")
    assert experiences.submit_experience(admin, NEW_EXPERIENCE).status == "published"


def test_search_is_applied_after_the_commit(moderator, monkeypatch):
    seen: list[int] = []
    monkeypatch.setattr(search, "apply_pending", lambda: seen.append(pending_count()))

    def pending_count():
        return db.session.scalar(select(func.count()).select_from(SearchChange))

    experience = pending()
    service.decide(moderator, experience.id, {"action": "approve"})
    assert seen == [1]
