"""Notification e-mail through a real SMTP server (aiosmtpd), mail choices and unsubscribing."""

import time
from datetime import timedelta

import pytest

from forum.clock import utcnow
from forum.extensions import db
from forum.models import Notification, NotificationSettings, User, Watch
from forum.notifications.mailing import send_due_mail
from forum.notifications.unsubscribe import make_token
from tests.conftest import serving
from tests.factories import ExperienceFactory, UserFactory
from tests.smtp import parts


@pytest.fixture
def forum(mail_app, auth):
    """maple (verified, with a published story) and birch; the moderator `mod`."""
    client = mail_app.test_client()
    with mail_app.app_context():
        maple = UserFactory(username="maple", email_verified_at=utcnow())
        # Trusted: replies publish at once (REVIEW_NEW_MEMBER_REPLIES).
        UserFactory(username="birch", email_verified_at=utcnow(), trusted=True)
        UserFactory(username="mod", role="moderator")
        story = ExperienceFactory(author=maple, title="Walking after lunch")
        db.session.add(Watch(user_id=maple.id, experience_id=story.id))
        db.session.commit()
        story_id = story.id
    from tests.conftest import AuthActions

    actions = AuthActions(client)
    return {
        "app": mail_app,
        "client": client,
        "story": story_id,
        "maple": actions.headers("maple"),
        "birch": actions.headers("birch"),
        "mod": actions.headers("mod"),
    }


def _settle():
    time.sleep(0.2)


def test_a_decision_mails_at_once_with_one_click_unsubscribe(forum, smtp_server):
    client = forum["client"]
    with forum["app"].app_context():
        maple = db.session.query(User).filter_by(username="maple").one()
        pending_id = ExperienceFactory(
            author=maple, status="pending", published_at=None, title="Stretching"
        ).id
    response = client.post(
        f"/api/v1/moderation/experiences/{pending_id}/decision",
        json={"action": "reject", "reason": "off_topic", "note": "Add what you did"},
        headers=forum["mod"],
    )
    assert response.status_code == 200
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "maple@example.org"
    assert message["Subject"].strip() == "Your experience “Stretching” was not approved"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(message["List-Unsubscribe"]).strip().strip("<>")
    text, html = parts(message)
    assert "Off-topic: Add what you did" in text
    assert f"/experiences/{pending_id}/edit" in text
    assert html and "Stretching" in html
    # The mail client's one-click POST: no session, no CSRF token.
    path = unsubscribe.removeprefix("http://127.0.0.1:5000")
    answer = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    me = client.get("/api/v1/me", headers=forum["maple"]).get_json()
    assert me["mail"]["rejected"] == "off"
    assert me["mail"]["approved"] == "now"


def test_replies_go_into_one_daily_digest_and_a_second_run_sends_nothing(forum, smtp_server):
    client = forum["client"]
    for n in range(2):
        client.post(
            f"/api/v1/experiences/{forum['story']}/replies",
            json={"body": f"Same for me {n}"},
            headers=forum["birch"],
        )
    _settle()
    assert smtp_server.messages == []  # replies are daily by default
    app = forum["app"]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["forum", "send-digests"])
    assert result.exit_code == 0, result.output
    assert "Queued 1 digests" in result.output
    (digest,) = smtp_server.wait_for(1)
    assert digest["Subject"].strip() == "Your Movement Notes digest: 2 new notifications"
    text, _ = parts(digest)
    assert text.count("birch replied on “Walking after lunch”.") == 2
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert runner.invoke(args=["forum", "send-digests"]).output.startswith("Queued 0 digests")
    # a new reply the same day waits for tomorrow: one digest per member per day
    client.post(
        f"/api/v1/experiences/{forum['story']}/replies",
        json={"body": "Later that day"},
        headers=forum["birch"],
    )
    with app.app_context():
        assert send_due_mail() == {"now": 0, "digests": 0}
        assert send_due_mail(utcnow() + timedelta(days=1)) == {"now": 0, "digests": 1}
    smtp_server.wait_for(2)
    _settle()
    assert len(smtp_server.messages) == 2


def test_read_or_hidden_notifications_are_not_mailed(forum, smtp_server):
    client = forum["client"]
    created = client.post(
        f"/api/v1/experiences/{forum['story']}/replies",
        json={"body": "Spammy"},
        headers=forum["birch"],
    ).get_json()
    client.post(
        f"/api/v1/moderation/replies/{created['id']}/decision",
        json={"action": "hide", "reason": "spam"},
        headers=forum["mod"],
    )
    with forum["app"].app_context():
        # birch's "hidden" went out at once (birch is verified); maple's reply is gone
        assert send_due_mail() == {"now": 0, "digests": 0}
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "birch@example.org"
    assert message["Subject"].strip() == "Something you shared was hidden"


def test_unverified_addresses_get_no_notification_mail(forum, smtp_server):
    client = forum["client"]
    with forum["app"].app_context():
        fern = UserFactory(username="fern")
        pending_id = ExperienceFactory(author=fern, status="pending", published_at=None).id
    client.post(
        f"/api/v1/moderation/experiences/{pending_id}/decision",
        json={"action": "approve"},
        headers=forum["mod"],
    )
    _settle()
    assert smtp_server.messages == []
    with forum["app"].app_context():
        assert db.session.query(Notification).filter_by(kind="approved").count() == 1


def test_mail_choices_in_me_are_validated(forum):
    client, headers = forum["client"], forum["maple"]
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["mail"] == {
        "approved": "now",
        "rejected": "now",
        "hidden": "now",
        "reply": "daily",
        "mention": "now",
        "me_too": "off",
        "follow_up_approved": "now",
        "suspended": "now",
    }
    for body in (
        {"mail": {"bogus": "now"}},
        {"mail": {"reply": "weekly"}},
        {"mail": "now"},
        {"mail": None},
        {"watch_replies": "perhaps"},
    ):
        response = client.patch("/api/v1/me", json=body, headers=headers)
        assert response.status_code == 422, body
    changed = client.patch(
        "/api/v1/me", json={"mail": {"me_too": "daily", "reply": "off"}}, headers=headers
    ).get_json()
    assert changed["mail"]["me_too"] == "daily" and changed["mail"]["reply"] == "off"
    assert changed["mail"]["approved"] == "now"


def test_unsubscribe_page_confirms_then_turns_the_kind_off(tmp_path):
    with serving(tmp_path, WTF_CSRF_ENABLED=True) as app:
        client = app.test_client()
        with app.test_request_context():
            user = UserFactory(username="maple")
            token = make_token(user, "mention")
            digest = make_token(user, "digest")
            user_id = user.id
        page = client.get(f"/notifications/unsubscribe/{token}")
        assert page.status_code == 200 and b"Unsubscribe" in page.data
        with app.app_context():
            assert db.session.get(NotificationSettings, user_id) is None  # GET changes nothing
        done = client.post(f"/notifications/unsubscribe/{token}")  # no CSRF token, no session
        assert done.status_code == 200 and b"Done" in done.data
        client.post(f"/notifications/unsubscribe/{digest}")
        with app.app_context():
            assert db.session.get(NotificationSettings, user_id).mail == {
                "mention": "off",
                "reply": "off",
            }
        for bad in (token[:-2] + "xx", "nonsense", token + "a"):
            for method in (client.get, client.post):
                answer = method(f"/notifications/unsubscribe/{bad}")
                assert answer.status_code == 400
                assert b"not valid" in answer.data


def test_a_token_for_another_secret_is_refused(tmp_path):
    with serving(tmp_path, SECRET_KEY="another-secret") as other, other.test_request_context():
        token = make_token(UserFactory(username="maple"), "reply")
    (tmp_path / "second").mkdir()
    with serving(tmp_path / "second", SECRET_KEY="test-secret") as app:
        assert app.test_client().post(f"/notifications/unsubscribe/{token}").status_code == 400
