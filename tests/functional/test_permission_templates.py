"""The experience page shows each button or form exactly when its `can_x` says the action works."""

import pytest
from flask_login import AnonymousUserMixin

from forum import permissions
from forum.extensions import db
from forum.models import Experience, Reply, Status, User
from tests.conftest import serving
from tests.factories import (
    PERMISSION_ROLES,
    TEST_PASSWORD,
    ExperienceFactory,
    ReplyFactory,
    member_for_role,
)

ROLES = PERMISSION_ROLES


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One member per role; each case posts its own experience with one published reply."""
    with serving(tmp_path_factory.mktemp("templates")) as app:
        with app.app_context():
            for role in ROLES[1:]:
                member_for_role(role, username=role)
        # No context left pushed: each request needs its own `g` (Flask-Login keeps the user there).
        yield app


def _controls(experience_id: int, reply_id: int) -> dict[str, str]:
    """What each control's HTML looks like on the page (a link or a form's action)."""
    return {
        "edit": f'href="/experiences/{experience_id}/edit"',
        "delete": f'href="/experiences/{experience_id}/delete"',
        "me_too": f'action="/experiences/{experience_id}/me-too"',
        "reply": f'action="/experiences/{experience_id}/replies"',
        "watch": f'action="/experiences/{experience_id}/watch"',
        "flag_experience": f'action="/experiences/{experience_id}/flags"',
        "flag_reply": f'action="/replies/{reply_id}/flags"',
        "edit_reply": f'href="/replies/{reply_id}/edit"',
        "delete_reply": f'action="/replies/{reply_id}/delete"',
        "submit_draft": f'action="/experiences/{experience_id}/submit"',
    }


def _expected(user, experience: Experience, reply: Reply) -> dict[str, bool]:
    # Moderators get the decision tools where members get the report forms.
    member_only = not permissions.is_moderator(user)
    return {
        "edit": permissions.can_edit_experience(user, experience),
        "delete": permissions.can_delete_experience(user, experience),
        "me_too": permissions.can_mark_me_too(user, experience),
        "reply": permissions.can_reply(user, experience),
        "watch": permissions.can_watch(user, experience),
        "flag_experience": permissions.can_flag_experience(user, experience) and member_only,
        "flag_reply": permissions.can_flag_reply(user, reply) and member_only,
        "edit_reply": permissions.can_edit_reply(user, reply),
        "delete_reply": permissions.can_delete_reply(user, reply),
        "submit_draft": permissions.can_submit_draft(user, experience),
    }


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("role", ROLES)
def test_the_detail_page_offers_exactly_what_is_allowed(world, role, status):
    app = world
    client = app.test_client()
    if role != "anonymous":
        assert (
            client.post("/login", data={"username": role, "password": TEST_PASSWORD}).status_code
            == 302
        )
    with app.app_context():
        owner = "suspended_author" if role == "suspended_author" else "author"
        experience = ExperienceFactory(
            author=db.session.scalar(db.select(User).filter_by(username=owner)), status=status
        )
        reply = ReplyFactory(
            experience_id=experience.id,
            author=db.session.scalar(db.select(User).filter_by(username="reply_author")),
        )
        user = (
            AnonymousUserMixin()
            if role == "anonymous"
            else db.session.scalar(db.select(User).filter_by(username=role))
        )
        visible = permissions.can_view_experience(user, experience)
        expected = _expected(user, experience, reply)
        controls = _controls(experience.id, reply.id)
        db.session.remove()
    response = client.get(f"/experiences/{experience.id}")
    assert response.status_code == (200 if visible else 404)
    page = response.get_data(as_text=True)
    shown = {name: html in page for name, html in controls.items()}
    assert shown == expected


def test_the_author_of_a_hidden_experience_gets_no_report_form_that_would_fail(world):
    """Security finding 9: the form used to show, and sending it answered 404."""
    app = world
    client = app.test_client()
    client.post("/login", data={"username": "author", "password": TEST_PASSWORD})
    with app.app_context():
        author = db.session.scalar(db.select(User).filter_by(username="author"))
        experience = ExperienceFactory(author=author, status=Status.HIDDEN)
        reply = ReplyFactory(
            experience_id=experience.id,
            author=db.session.scalar(db.select(User).filter_by(username="member")),
        )
        experience_id, reply_id = experience.id, reply.id
        db.session.remove()
    page = client.get(f"/experiences/{experience_id}").get_data(as_text=True)
    assert "the same happened to me" in page  # the reply is there ...
    assert f'action="/replies/{reply_id}/flags"' not in page  # ... without a report form
    refused = client.post(f"/replies/{reply_id}/flags", data={"reason": "spam"})
    assert refused.status_code == 302  # back to the page with the reason, not a 404
    assert "Only published replies" in client.get(refused.headers["Location"]).get_data(
        as_text=True
    )
