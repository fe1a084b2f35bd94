"""Experience use cases: initial status, the editing rule, revisions, soft delete, outbox."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from forum import search
from forum.clock import utcnow
from forum.errors import Conflict, Forbidden, Invalid, NotFound
from forum.experiences import queries, service
from forum.experiences.schemas import ExperienceInputSchema
from forum.extensions import db
from forum.models import Experience, ModerationAction, Revision, Tag
from forum.validation import load
from tests.factories import STORY_INPUT, ExperienceFactory, UserFactory

VALID = STORY_INPUT


@pytest.fixture
def noted(monkeypatch):
    """The experience ids handed to the search outbox, in order."""
    calls: list[int] = []
    monkeypatch.setattr(search, "note_changed", calls.append)
    return calls


def test_a_new_members_experience_waits_for_review(ctx, noted):
    author = UserFactory(onset="injury", condition="fibromyalgia", age_band="40s")
    experience = service.submit_experience(author, VALID)
    assert experience.status == "pending"
    assert experience.published_at is None
    assert experience.submitted_at is not None
    assert experience.exercises == ["qigong", "walking"]
    assert experience.tag_names == ["mornings", "pacing"]
    assert experience.effects == {"pain": "better", "sleep": "better"}
    assert (experience.onset, experience.condition, experience.age_band) == (
        "injury",
        "fibromyalgia",
        "40s",
    )
    assert noted == []


@pytest.mark.parametrize("kind", ["trusted", "moderator", "admin"])
def test_trusted_authors_publish_at_once(ctx, noted, kind):
    author = UserFactory(trusted=True) if kind == "trusted" else UserFactory(role=kind)
    experience = service.submit_experience(author, VALID)
    assert experience.status == "published"
    assert experience.published_at is not None
    assert noted == [experience.id]


def test_profile_is_copied_when_posting_and_can_be_overridden(ctx):
    author = UserFactory(onset="injury", symptom="pain")
    experience = service.submit_experience(author, {**VALID, "onset": "stress", "symptom": None})
    author.onset = "gradual"
    db.session.commit()
    assert (experience.onset, experience.symptom) == ("stress", None)


def test_invalid_input_writes_nothing(ctx):
    with pytest.raises(Invalid) as caught:
        invalid = {**VALID, "exercises": ["qigong", "qigong"]}
        service.submit_experience(UserFactory(), load(ExperienceInputSchema(), invalid))
    assert "exercises" in caught.value.fields
    assert db.session.scalar(select(func.count()).select_from(Experience)) == 0


def test_a_suspended_member_cannot_post(ctx):
    member = UserFactory(suspended_until=utcnow() + timedelta(days=3))
    with pytest.raises(Forbidden, match="suspended until"):
        service.submit_experience(member, VALID)


def test_tags_are_shared_rows(ctx):
    service.submit_experience(UserFactory(), VALID)
    service.submit_experience(UserFactory(), {**VALID, "tags": ["pacing", "winter"]})
    assert db.session.scalars(select(Tag.name).order_by(Tag.name)).all() == [
        "mornings",
        "pacing",
        "winter",
    ]


# The editing rule: (who edits, status before) -> status after.
EDIT_RULE = [
    ("author", "published", "pending"),
    ("trusted_author", "published", "published"),
    ("moderator", "published", "published"),
    ("author", "rejected", "pending"),
    ("trusted_author", "rejected", "pending"),
    ("moderator", "rejected", "rejected"),
    ("author", "pending", "pending"),
    ("moderator", "hidden", "hidden"),
]


def _experience_for(editor_kind: str, status: str):
    author = UserFactory(trusted=True) if editor_kind == "trusted_author" else UserFactory()
    experience = ExperienceFactory(author=author, status=status, status_reason="Too vague")
    editor = UserFactory(role="moderator") if editor_kind == "moderator" else author
    return experience, editor


@pytest.mark.parametrize(("editor_kind", "before", "after"), EDIT_RULE)
def test_the_editing_rule(ctx, noted, editor_kind, before, after):
    experience, editor = _experience_for(editor_kind, before)
    earlier = utcnow() - timedelta(days=2)
    experience.submitted_at = experience.updated_at = earlier
    db.session.commit()

    edited = service.edit_experience(
        editor, experience.id, {"title": "A clearer title"}, partial=True
    )

    assert edited.status == after
    assert edited.version == 2
    assert edited.updated_at > earlier
    resubmitted = after == "pending" and before != "pending"
    assert (edited.submitted_at > earlier) is resubmitted
    assert (edited.status_reason is None) is resubmitted
    assert (noted == [experience.id]) is ("published" in (before, after))


def test_an_author_cannot_edit_a_hidden_experience(ctx):
    experience = ExperienceFactory(status="hidden")
    with pytest.raises(Forbidden):
        service.edit_experience(
            experience.author, experience.id, {"title": "Let me back in"}, partial=True
        )


def test_every_edit_keeps_the_previous_state(ctx):
    author = UserFactory(trusted=True)
    experience = service.submit_experience(author, VALID)
    service.edit_experience(author, experience.id, {"title": "Second title here"}, partial=True)
    service.edit_experience(
        author, experience.id, {"outcome": "helped_a_lot", "tags": ["sleep"]}, partial=True
    )
    revisions = db.session.scalars(select(Revision).order_by(Revision.number)).all()
    assert [r.number for r in revisions] == [1, 2]
    assert [r.title for r in revisions] == [VALID["title"], "Second title here"]
    assert revisions[0].fields["outcome"] == "helped"
    assert revisions[1].fields["tags"] == ["mornings", "pacing"]
    assert revisions[0].body == VALID["body"]
    assert revisions[0].status == "published"
    assert revisions[0].editor_id == author.id
    assert experience.version == 3
    assert experience.tag_names == ["sleep"]


def test_an_edit_that_changes_nothing_is_not_an_edit(ctx):
    experience = ExperienceFactory()
    edited = service.edit_experience(
        experience.author, experience.id, {"title": experience.title}, partial=True
    )
    assert edited.status == "published"
    assert edited.version == 1
    assert db.session.scalar(select(func.count()).select_from(Revision)) == 0


def test_a_full_form_edit_clears_optional_fields_left_blank(ctx):
    author = UserFactory(trusted=True)
    experience = service.submit_experience(author, VALID)
    form = {
        key: VALID[key] for key in ("title", "body", "exercises", "intensity", "outcome", "flare")
    }
    service.edit_experience(author, experience.id, form)
    assert experience.minutes_per_session is None
    assert experience.effects == {}
    assert experience.tag_names == []


def test_a_patch_leaves_unmentioned_fields_alone_and_keeps_exercise_order(ctx):
    author = UserFactory(trusted=True)
    experience = service.submit_experience(author, VALID)
    service.edit_experience(
        author, experience.id, {"exercises": ["walking", "qigong"]}, partial=True
    )
    assert experience.exercises == ["walking", "qigong"]
    assert experience.minutes_per_session == 20
    assert experience.tag_names == ["mornings", "pacing"]


def test_a_moderators_edit_of_someone_elses_experience_is_logged(ctx):
    experience = ExperienceFactory()
    moderator = UserFactory(role="moderator")
    service.edit_experience(moderator, experience.id, {"title": "Moderated title"}, partial=True)
    action = db.session.scalar(select(ModerationAction))
    assert (action.action, action.target_id, action.actor_id) == (
        "edit",
        experience.id,
        moderator.id,
    )


def test_others_cannot_edit_and_cannot_even_see_what_is_not_published(ctx):
    other = UserFactory()
    published, pending = ExperienceFactory(), ExperienceFactory(status="pending")
    with pytest.raises(Forbidden):
        service.edit_experience(other, published.id, {"title": "Not mine at all"}, partial=True)
    with pytest.raises(NotFound):
        service.edit_experience(other, pending.id, {"title": "Not mine at all"}, partial=True)


def test_soft_delete_removes_it_everywhere_at_once(ctx, noted):
    experience = ExperienceFactory()
    service.delete_experience(experience.author, experience.id)
    assert experience.status == "deleted"
    assert experience.deleted_at is not None
    assert noted == [experience.id]
    assert queries.list_published({}).total == 0
    assert queries.list_own(experience.author).total == 0
    for viewer in (experience.author, UserFactory(role="moderator"), None):
        with pytest.raises(NotFound):
            queries.visible_experience(viewer, experience.id)


def test_an_author_may_delete_their_hidden_experience_but_others_may_not(ctx):
    experience = ExperienceFactory(status="hidden")
    with pytest.raises(NotFound):
        service.delete_experience(UserFactory(), experience.id)
    service.delete_experience(experience.author, experience.id)
    assert experience.status == "deleted"


def test_an_edit_racing_a_moderators_decision_is_refused(ctx, monkeypatch):
    """Whatever lands between reading and saving (here: an approval) wins; the edit must retry."""
    experience = ExperienceFactory(status="pending")
    real_snapshot = service._snapshot

    def snapshot_while_a_moderator_approves(*args, **kwargs):
        db.session.execute(
            update(Experience)
            .where(Experience.id == experience.id)
            .values(status="published", version=Experience.version + 1)
        )
        return real_snapshot(*args, **kwargs)

    monkeypatch.setattr(service, "_snapshot", snapshot_while_a_moderator_approves)
    with pytest.raises(Conflict):
        service.edit_experience(
            experience.author, experience.id, {"title": "Sneaky new text"}, partial=True
        )
    db.session.expire_all()
    assert db.session.get(Experience, experience.id).title != "Sneaky new text"
