"""The moderation pages as a browser sees them: queue, decisions, flags, log, members, profile."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.clock import utcnow
from forum.extensions import db
from forum.models import Experience, ModerationAction, Reply, User
from forum.moderation import flagging, service
from tests.factories import ExperienceFactory, UserFactory


@pytest.fixture
def people(app):
    with app.app_context():
        UserFactory(username="mod", role="moderator")
        UserFactory(username="maple")
        author = UserFactory(username="fern", created_at=utcnow() - timedelta(days=12))
        return {"author": author.id}


def make_pending(app, author_id, **kwargs) -> int:
    with app.app_context():
        author = db.session.get(User, author_id)
        experience = ExperienceFactory(author=author, status="pending", published_at=None, **kwargs)
        return experience.id


def page_text(response) -> str:
    return response.get_data(as_text=True)


def test_queue_shows_what_a_moderator_needs_and_the_nav_badge(app, client, auth, people):
    old = make_pending(
        app,
        people["author"],
        title="Old waiting story",
        body="**Bold** walking notes for the queue page.",
        submitted_at=utcnow() - timedelta(days=3),
    )
    make_pending(app, people["author"], title="Fresh waiting story")
    auth.login("mod")
    text = page_text(client.get("/moderation"))
    assert text.index("Old waiting story") < text.index("Fresh waiting story")
    assert "<strong>Bold</strong> walking notes" in text
    assert "waiting more than a day" in text
    assert 'class="card queue-item overdue"' in text
    assert "Member for 12 days · 0 approved · 0 rejected · 0 hidden" in text
    assert f'action="/moderation/experiences/{old}/decision"' in text
    assert 'name="version" value="1"' in text
    assert 'Moderation <span class="badge">2<span class="visually-hidden"> waiting</span>' in text
    # The badge follows the moderator to every page.
    assert 'class="badge">2<' in page_text(client.get("/"))


def test_members_see_no_moderation_link(client, auth, people):
    auth.login("maple")
    assert "Moderation <span" not in page_text(client.get("/"))


def test_approve_in_one_click_and_go_back(app, client, auth, people):
    experience_id = make_pending(app, people["author"])
    auth.login("mod")
    response = client.post(
        f"/moderation/experiences/{experience_id}/decision",
        data={"action": "approve", "version": "1", "next": "/moderation?kind=pending"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/moderation?kind=pending"
    assert "Approved and published" in page_text(client.get("/moderation"))
    with app.app_context():
        assert db.session.get(Experience, experience_id).status == "published"


def test_reject_without_reason_shows_the_form_again_beside_the_field(app, client, auth, people):
    experience_id = make_pending(app, people["author"], title="Needs a reason")
    auth.login("mod")
    response = client.post(
        f"/moderation/experiences/{experience_id}/decision",
        data={"action": "reject", "note": "My kept note", "version": "1", "next": "//evil.example"},
    )
    assert response.status_code == 422
    text = page_text(response)
    assert "Choose a reason; the author is told it." in text
    assert 'aria-invalid="true"' in text
    assert "My kept note" in text
    with app.app_context():
        assert db.session.get(Experience, experience_id).status == "pending"


def test_a_second_moderator_is_told_it_was_already_decided(app, client, auth, people):
    experience_id = make_pending(app, people["author"])
    with app.app_context():
        service.decide(
            UserFactory(role="moderator"), experience_id, {"action": "reject", "reason": "spam"}
        )
    auth.login("mod")
    response = client.post(
        f"/moderation/experiences/{experience_id}/decision",
        data={"action": "approve", "version": "1", "next": "https://evil.example/"},
        follow_redirects=True,
    )
    assert response.request.path == "/moderation"
    assert "already decided" in page_text(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ModerationAction)) == 1


def test_members_flag_from_the_experience_page(app, client, auth, people):
    with app.app_context():
        experience_id = ExperienceFactory().id
    auth.login("maple")
    page = page_text(client.get(f"/experiences/{experience_id}"))
    assert f'action="/experiences/{experience_id}/flags"' in page
    invalid = client.post(f"/experiences/{experience_id}/flags", data={"note": "kept"})
    assert invalid.status_code == 422
    assert "This field is required." in page_text(invalid)
    assert "kept" in page_text(invalid)
    done = client.post(
        f"/experiences/{experience_id}/flags", data={"reason": "spam"}, follow_redirects=True
    )
    assert "A moderator will look at it." in page_text(done)
    assert "You reported this experience on" in page_text(done)
    again = client.post(
        f"/experiences/{experience_id}/flags", data={"reason": "spam"}, follow_redirects=True
    )
    assert "already flagged" in page_text(again)


def test_moderators_get_tools_on_the_experience_and_its_replies(app, client, auth, people):
    with app.app_context():
        experience = ExperienceFactory()
        reply = Reply(
            experience_id=experience.id, author=UserFactory(), body="Hi", body_html="<p>Hi</p>"
        )
        db.session.add(reply)
        db.session.commit()
        experience_id, reply_id = experience.id, reply.id
    auth.login("mod")
    page = page_text(client.get(f"/experiences/{experience_id}"))
    assert f'action="/moderation/experiences/{experience_id}/decision"' in page
    assert f'action="/moderation/replies/{reply_id}/decision"' in page
    assert "/flags" not in page
    response = client.post(
        f"/moderation/replies/{reply_id}/decision",
        data={"action": "hide", "reason": "harassment", "next": f"/experiences/{experience_id}"},
    )
    assert response.headers["Location"] == f"/experiences/{experience_id}"
    with app.app_context():
        assert db.session.get(Reply, reply_id).status == "hidden"
    # Hidden replies leave the experience page; the log links to their own page.
    assert f'href="/moderation/replies/{reply_id}"' in page_text(client.get("/moderation/log"))
    reply_page = page_text(client.get(f"/moderation/replies/{reply_id}"))
    assert "Harassment" in reply_page
    client.post(f"/moderation/replies/{reply_id}/decision", data={"action": "restore"})
    with app.app_context():
        assert db.session.get(Reply, reply_id).status == "published"
    assert client.get("/moderation/replies/999").status_code == 404


def test_the_flagged_queue_shows_reasons_and_notes(app, client, auth, people):
    with app.app_context():
        experience = ExperienceFactory(title="Reported story")
        for note in ("Selling pills", None, None):
            flagging.flag_experience(UserFactory(), experience.id, {"reason": "spam", "note": note})
        assert db.session.get(Experience, experience.id).status == "hidden"
    auth.login("mod")
    text = page_text(client.get("/moderation?kind=flagged"))
    assert "Reported story" in text
    assert "3 open reports" in text
    assert "“Selling pills”" in text
    assert ">Restore<" in text
    assert "Keep hidden" in text


def test_authors_read_decisions_on_their_profile(app, client, auth, people):
    experience_id = make_pending(app, people["author"], title="My rejected story")
    with app.app_context():
        service.decide(
            UserFactory(role="moderator"),
            experience_id,
            {"action": "reject", "reason": "off_topic", "note": "Please add how it went."},
        )
    auth.login("fern")
    text = page_text(client.get("/profile"))
    assert "My rejected story" in text
    assert "Off-topic" in text
    assert "Please add how it went." in text
    assert f'href="/experiences/{experience_id}/edit">edit and send it again' in text


def test_suspended_members_see_until_when_on_their_profile(app, client, auth, people):
    auth.login("mod")
    response = client.post(
        "/moderation/members/maple/suspend", data={"days": "2", "reason": "Cooling off."}
    )
    assert response.status_code == 302
    auth.logout()
    auth.login("maple")
    text = page_text(client.get("/profile"))
    assert "Your account is suspended until" in text
    assert "Cooling off." in text


def test_log_page_lists_and_filters(app, client, auth, people):
    experience_id = make_pending(app, people["author"], title="Logged story")
    with app.app_context():
        service.decide(
            db.session.scalar(select(User).where(User.username == "mod")),
            experience_id,
            {"action": "hide", "reason": "personal_info", "note": "Full name shown"},
        )
    auth.login("mod")
    text = page_text(client.get("/moderation/log"))
    assert "Logged story" in text
    assert "Personal information" in text and "Full name shown" in text
    filtered = page_text(client.get("/moderation/log?action=approve"))
    assert "Logged story" not in filtered
    assert client.get("/moderation/log?action=explode").status_code == 400
    assert client.get("/moderation/log?target_id=abc").status_code == 400


def test_members_page_suspension_form_keeps_values_and_explains(app, client, auth, people):
    auth.login("mod")
    page = client.get("/moderation/members?username=maple")
    assert "Suspend maple" in page_text(page)
    response = client.post(
        "/moderation/members/maple/suspend", data={"days": "9999", "reason": "Spam"}
    )
    assert response.status_code == 422
    text = page_text(response)
    assert "Enter a number of days from 1 to 3650." in text
    assert 'value="9999"' in text
    assert client.get("/moderation/members?username=nobody").status_code == 404
    client.post("/moderation/members/maple/suspend", data={"days": "3", "reason": "Spam"})
    text = page_text(client.get("/moderation/members"))
    assert "maple</a> until" in text


def test_admins_change_roles_from_the_members_page(app, client, auth, people):
    with app.app_context():
        UserFactory(username="boss", role="admin")
    auth.login("boss")
    assert 'name="role"' in page_text(client.get("/moderation/members?username=maple"))
    client.post("/moderation/members/maple/role", data={"role": "moderator"})
    with app.app_context():
        assert db.session.scalar(select(User.role).where(User.username == "maple")) == "moderator"
        assert db.session.scalar(select(ModerationAction.action)) == "role_change"
