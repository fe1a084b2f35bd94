"""E-mail "at once" about replies and mentions: sent right after the commit that notified,
off the request, through a real SMTP server (aiosmtpd); the sweep (`forum send-digests`)
sends the digests, and whatever a crash kept from going out, and never anything twice."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from forum.clock import utcnow
from forum.extensions import db
from forum.mail import delivery
from forum.models import Notification, User, Watch
from forum.notifications import mailing, queries
from tests.conftest import AuthActions, serving
from tests.factories import ExperienceFactory, UserFactory
from tests.smtp import parts


def seed_community() -> int:
    """maple's story, watched by maple (who wants replies at once) and willow (daily, the
    default); oak, who is only mentioned; birch, trusted; fern, whose replies wait for
    review; the moderator mod. Every address is verified. Returns the story's id."""
    verified = {"email_verified_at": utcnow()}
    maple = UserFactory(username="maple", **verified)
    willow = UserFactory(username="willow", **verified)
    UserFactory(username="oak", **verified)
    UserFactory(username="birch", approvals_toward_trust=10, **verified)
    UserFactory(username="fern", **verified)
    UserFactory(username="mod", role="moderator")
    story = ExperienceFactory(author=maple, title="Walking after lunch")
    db.session.add_all(
        [
            Watch(user_id=maple.id, experience_id=story.id),
            Watch(user_id=willow.id, experience_id=story.id),
        ]
    )
    db.session.commit()
    return story.id


@pytest.fixture
def forum(mail_app):
    client = mail_app.test_client()
    with mail_app.app_context():
        story_id = seed_community()
    actions = AuthActions(client)
    headers = {name: actions.headers(name) for name in ("maple", "birch", "fern", "mod")}
    client.patch("/api/v1/me", json={"mail": {"reply": "now"}}, headers=headers["maple"])
    return {"app": mail_app, "client": client, "story": story_id, **headers}


def reply(forum, author: str, body: str) -> dict:
    response = forum["client"].post(
        f"/api/v1/experiences/{forum['story']}/replies", json={"body": body}, headers=forum[author]
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def send_digests(app) -> str:
    result = app.test_cli_runner().invoke(args=["forum", "send-digests"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def settle() -> None:
    """Long enough for a message that should not come to arrive anyway."""
    time.sleep(0.2)


def subjects(server) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for message in server.messages:
        found.setdefault(message["To"], []).append(message["Subject"].strip())
    return found


def test_a_mention_and_a_reply_wanted_at_once_arrive_without_the_sweep(forum, smtp_server):
    reply(forum, "birch", "@oak Walking helped me too")
    smtp_server.wait_for(2)
    settle()
    assert subjects(smtp_server) == {
        "maple@example.org": ["New reply on “Walking after lunch”"],
        "oak@example.org": ["You were mentioned on “Walking after lunch”"],
    }
    (mention,) = smtp_server.to("oak@example.org")
    text, html = parts(mention)
    assert "birch mentioned you in a reply" in text and "/notifications/unsubscribe/" in text
    assert html and mention["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The sweep finds nothing left at once, and willow's daily reply becomes her digest.
    assert send_digests(forum["app"]) == "Queued 1 digests and 0 other e-mails."
    smtp_server.wait_for(3)
    assert send_digests(forum["app"]) == "Queued 0 digests and 0 other e-mails."
    settle()
    assert subjects(smtp_server)["willow@example.org"] == [
        "Your Movement Notes digest: 1 new notification"
    ]
    assert len(smtp_server.messages) == 3


def test_daily_replies_wait_for_the_digest(forum, smtp_server):
    forum["client"].patch("/api/v1/me", json={"mail": {"reply": "daily"}}, headers=forum["maple"])
    reply(forum, "birch", "Same for me")
    reply(forum, "birch", "And a week later")
    settle()
    assert smtp_server.messages == []
    assert send_digests(forum["app"]) == "Queued 2 digests and 0 other e-mails."
    digests = smtp_server.wait_for(2)
    assert {message["To"] for message in digests} == {"maple@example.org", "willow@example.org"}
    text, _ = parts(digests[0])
    assert text.count("birch replied on “Walking after lunch”.") == 2
    assert send_digests(forum["app"]) == "Queued 0 digests and 0 other e-mails."
    settle()
    assert len(smtp_server.messages) == 2


def test_a_reply_held_for_review_is_mailed_once_approved_and_dated_then(forum, smtp_server):
    held = reply(forum, "fern", "@oak did pacing help you?")
    assert held["status"] == "pending"
    settle()
    assert smtp_server.messages == []  # nobody hears of a reply before it is published
    app = forum["app"]
    with app.app_context():
        # The review took three days: longer than the e-mail window.
        written = utcnow() - timedelta(days=3)
        db.session.execute(update(Notification).values(created_at=written))
        db.session.commit()
    decision = forum["client"].post(
        f"/api/v1/moderation/replies/{held['id']}/decision",
        json={"action": "approve"},
        headers=forum["mod"],
    )
    assert decision.status_code == 200
    smtp_server.wait_for(2)
    assert sorted(subjects(smtp_server)) == ["maple@example.org", "oak@example.org"]
    with app.app_context():
        times = db.session.scalars(select(Notification.created_at)).all()
        assert len(times) == 3 and all(moment > written + timedelta(days=2) for moment in times)
    # willow (daily) gets it in her digest: the notification counts from the approval.
    assert send_digests(app) == "Queued 1 digests and 0 other e-mails."
    (digest,) = [m for m in smtp_server.wait_for(3) if m["To"] == "willow@example.org"]
    assert "fern replied on “Walking after lunch”." in parts(digest)[0]


def test_notifications_of_a_crashed_task_are_sent_by_the_sweep_once(
    forum, smtp_server, monkeypatch
):
    # The process dies between the commit and the task: the notifications are committed.
    monkeypatch.setattr(delivery, "start_tasks", lambda tasks, app=None: None)
    reply(forum, "birch", "@oak Walking helped me too")
    settle()
    assert smtp_server.messages == []
    assert send_digests(forum["app"]) == "Queued 1 digests and 2 other e-mails."
    smtp_server.wait_for(3)
    assert send_digests(forum["app"]) == "Queued 0 digests and 0 other e-mails."
    settle()
    assert sorted(subjects(smtp_server)) == [
        "maple@example.org",
        "oak@example.org",
        "willow@example.org",
    ]
    assert len(smtp_server.messages) == 3


def test_the_task_and_the_sweep_racing_for_a_notification_mail_it_once(
    forum, smtp_server, monkeypatch
):
    app = forum["app"]
    tasks = []
    monkeypatch.setattr(delivery, "start_tasks", lambda found, app=None: tasks.extend(found))
    created = reply(forum, "birch", "@oak Walking helped me too")
    (task,) = tasks
    assert task == (mailing.mail_at_once, {"reply_id": created["id"], "member_id": None})
    read_due = queries.due_for_mail

    def task_runs_meanwhile(user, since):
        # The sweep has read what is due; the task claims and mails it before the sweep can.
        due = read_due(user, since)
        if tasks:
            delivery.run_task(app, *tasks.pop())
        return due

    monkeypatch.setattr(queries, "due_for_mail", task_runs_meanwhile)
    assert send_digests(app) == "Queued 1 digests and 0 other e-mails."
    smtp_server.wait_for(3)
    settle()
    assert len(smtp_server.to("oak@example.org")) == 1
    assert len(smtp_server.to("maple@example.org")) == 1
    assert len(smtp_server.messages) == 3


def test_me_too_wanted_at_once_is_mailed_at_once(forum, smtp_server):
    client = forum["client"]
    client.patch("/api/v1/me", json={"mail": {"me_too": "now"}}, headers=forum["maple"])
    marked = client.post(f"/api/v1/experiences/{forum['story']}/me-too", headers=forum["birch"])
    assert marked.status_code == 200, marked.get_json()
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "maple@example.org"
    assert message["Subject"].strip() == "“Me too” on “Walking after lunch”"
    assert send_digests(forum["app"]) == "Queued 0 digests and 0 other e-mails."


def test_the_embedded_thread_mails_a_mention_at_once(tmp_path, smtp_server):
    with serving(tmp_path, **smtp_server.settings, MAIL_DELIVERY="thread") as app:
        with app.app_context():
            story_id = seed_community()
        client = app.test_client()
        response = client.post(
            f"/api/v1/experiences/{story_id}/replies",
            json={"body": "@oak it helped"},
            headers=AuthActions(client).headers("birch"),
        )
        assert response.status_code == 201
        messages = smtp_server.wait_for(1)
        delivery.stop_thread(app)
        with app.app_context():
            oak = db.session.scalar(select(User).where(User.username == "oak"))
            assert db.session.scalar(
                select(Notification.mailed_at).where(Notification.user_id == oak.id)
            )
    assert [message["To"] for message in messages] == ["oak@example.org"]
