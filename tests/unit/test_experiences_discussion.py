"""Replies and "me too": only on published experiences, counts kept in step."""

import pytest

from forum import search
from forum.errors import Forbidden, Invalid, NotFound
from forum.experiences import discussion, queries
from forum.experiences.schemas import ReplyInputSchema
from forum.validation import load
from tests.factories import ExperienceFactory, UserFactory


def test_a_reply_is_sanitized_and_counted(ctx):
    experience = ExperienceFactory()
    trusted = UserFactory(trusted=True)
    reply = discussion.add_reply(
        trusted, experience.id, {"body": "Same here <img src=x onerror=alert(1)> *slowly*"}
    )
    assert "<img" not in reply.body_html
    assert "<em>slowly</em>" in reply.body_html
    assert experience.reply_count == 1
    assert queries.published_replies(experience).total == 1


def test_a_new_members_reply_waits_and_is_not_counted(ctx):
    experience = ExperienceFactory()
    reply = discussion.add_reply(UserFactory(), experience.id, {"body": "Same here, slowly."})
    assert reply.status == "pending"
    assert experience.reply_count == 0
    assert queries.published_replies(experience).total == 0
    assert queries.published_replies(experience, viewer=reply.author).items == [reply]


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_a_reply_must_have_one_to_5000_characters(ctx, body):
    with pytest.raises(Invalid) as caught:
        discussion.add_reply(
            UserFactory(), ExperienceFactory().id, load(ReplyInputSchema(), {"body": body})
        )
    assert "body" in caught.value.fields


def test_replies_open_only_once_published(ctx):
    pending = ExperienceFactory(status="pending")
    with pytest.raises(Forbidden):
        discussion.add_reply(pending.author, pending.id, {"body": "Note to self"})
    with pytest.raises(NotFound):
        discussion.add_reply(UserFactory(), pending.id, {"body": "Hello"})


def test_me_too_is_once_per_member_and_toggles(ctx, monkeypatch):
    noted = []
    monkeypatch.setattr(search, "note_changed", noted.append)
    experience = ExperienceFactory()
    first, second = UserFactory(), UserFactory()
    assert discussion.set_me_too(first, experience.id, True) == (True, 1)
    assert discussion.set_me_too(first, experience.id, True) == (True, 1)
    assert discussion.set_me_too(second, experience.id, True) == (True, 2)
    assert discussion.set_me_too(first, experience.id, False) == (False, 1)
    assert discussion.set_me_too(first, experience.id, False) == (False, 1)
    assert queries.has_marked_me_too(second, experience)
    assert not queries.has_marked_me_too(first, experience)
    # The index holds no count (nothing sorts search results by it): no mark reaches it.
    assert noted == []


def test_no_me_too_on_your_own_or_an_unpublished_experience(ctx):
    experience = ExperienceFactory()
    with pytest.raises(Forbidden):
        discussion.set_me_too(experience.author, experience.id, True)
    pending = ExperienceFactory(status="pending")
    with pytest.raises(NotFound):
        discussion.set_me_too(UserFactory(), pending.id, True)
