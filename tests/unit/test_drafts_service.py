"""Drafts and own replies at the service level: submit rules, preview, reply edits and deletes."""

from datetime import timedelta

import pytest

from forum.clock import utcnow
from forum.errors import Conflict, Forbidden, Invalid, NotFound
from forum.experiences import discussion, drafts, own_replies, queries, service
from forum.extensions import db
from forum.models import Status
from forum.sanitize import render_markdown
from tests.factories import STORY_INPUT, ExperienceFactory, UserFactory
from tests.unit.test_sanitize_xss import PAYLOADS


def test_a_draft_is_private_and_keeps_no_revisions(ctx):
    author = UserFactory(onset="injury")
    draft = service.submit_experience(author, {"title": "Half written", "draft": True})
    assert draft.status == Status.DRAFT and draft.onset == "injury"
    service.edit_experience(author, draft.id, {"body": STORY_INPUT["body"]}, partial=True)
    assert draft.status == Status.DRAFT and draft.revisions == []
    for other in (None, UserFactory(), UserFactory(role="moderator")):
        with pytest.raises(NotFound):
            queries.visible_experience(other, draft.id)
    assert queries.list_published({}).total == 0


def test_submit_checks_the_whole_story(ctx):
    author = UserFactory()
    draft = service.submit_experience(author, {"title": "Half written", "draft": True})
    with pytest.raises(Invalid) as caught:
        drafts.submit_draft(author, draft.id)
    assert set(caught.value.fields) == {"body", "exercises", "intensity", "outcome", "flare"}
    assert draft.status == Status.DRAFT
    service.edit_experience(author, draft.id, STORY_INPUT, partial=True)
    assert drafts.submit_draft(author, draft.id).status == Status.PENDING
    with pytest.raises(Conflict):
        drafts.submit_draft(author, draft.id)


def test_a_trusted_author_publishes_on_submit(ctx):
    author = UserFactory(trusted=True)
    draft = service.submit_experience(author, {**STORY_INPUT, "draft": True})
    sent = drafts.submit_draft(author, draft.id)
    assert sent.status == Status.PUBLISHED and sent.published_at is not None
    assert queries.list_published({}).total == 1


def test_a_suspended_author_cannot_submit(ctx):
    author = UserFactory()
    draft = service.submit_experience(author, {**STORY_INPUT, "draft": True})
    author.suspended_until = utcnow() + timedelta(days=1)
    db.session.commit()
    with pytest.raises(Forbidden):
        drafts.submit_draft(author, draft.id)


@pytest.mark.parametrize("payload", PAYLOADS[:20])
def test_preview_is_the_publishing_sanitizer(payload):
    assert drafts.preview(payload) == render_markdown(payload)


def test_reply_edits_keep_history_and_follow_the_review_rule(ctx):
    experience = ExperienceFactory()
    trusted, newcomer = UserFactory(trusted=True), UserFactory()
    kept = discussion.add_reply(trusted, experience.id, {"body": "One."})
    own_replies.edit_reply(trusted, kept.id, {"body": "Two."})
    own_replies.edit_reply(trusted, kept.id, {"body": "Two."})  # no change, no revision
    assert [r.body for r in kept.revisions] == ["One."]
    assert kept.status == Status.PUBLISHED and kept.edited_at is not None
    waiting = discussion.add_reply(newcomer, experience.id, {"body": "Mine."})
    assert waiting.status == Status.PENDING
    with pytest.raises(NotFound):  # a pending reply is its author's and the moderators'
        own_replies.edit_reply(trusted, waiting.id, {"body": "x"})
    moderator = UserFactory(role="moderator")
    with pytest.raises(Forbidden):
        own_replies.edit_reply(moderator, kept.id, {"body": "Moderators do not edit."})
    assert [r.body for r in own_replies.reply_history(moderator, kept.id)] == ["One."]
    with pytest.raises(Forbidden):
        own_replies.reply_history(newcomer, kept.id)


def test_a_deleted_reply_keeps_its_place_only_while_answered(ctx):
    experience = ExperienceFactory()
    first_author, second_author = UserFactory(trusted=True), UserFactory(trusted=True)
    first = discussion.add_reply(first_author, experience.id, {"body": "First."})
    second = discussion.add_reply(second_author, experience.id, {"body": "Second."})
    own_replies.delete_reply(first_author, first.id)
    assert first.deleted_by_author is True
    assert [r.id for r in queries.published_replies(experience).items] == [first.id, second.id]
    own_replies.delete_reply(UserFactory(role="moderator"), second.id)
    assert second.deleted_by_author is False
    assert queries.published_replies(experience).items == []  # nothing answers either now
    assert experience.reply_count == 0
