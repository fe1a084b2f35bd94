"""The notifications page, the bell, the watch button, the settings form, export and deletion."""

import re

import pytest

from forum.extensions import db
from forum.models import Notification, NotificationSettings, User, Watch
from tests.factories import TEST_PASSWORD, ExperienceFactory, UserFactory


@pytest.fixture
def world(app, client, auth):
    """maple's published story; maple and birch (trusted: replies publish at once) with
    birch signed in on `client`; their API headers."""
    with app.app_context():
        maple = UserFactory(username="maple", trusted=True)
        UserFactory(username="birch", trusted=True)
        story = ExperienceFactory(author=maple, title="Walking after lunch")
        db.session.add(Watch(user_id=maple.id, experience_id=story.id))
        db.session.commit()
        story_id = story.id
    headers = {"maple": auth.headers("maple"), "birch": auth.headers("birch")}
    return {"story": story_id, **headers}


def _reply(client, headers, story, body="Same for me."):
    response = client.post(
        f"/api/v1/experiences/{story}/replies", json={"body": body}, headers=headers
    )
    assert response.status_code == 201


def _sign_in(client, name):
    client.post("/logout")
    assert client.post("/login", data={"username": name, "password": TEST_PASSWORD}).status_code
    return client


def test_the_bell_shows_the_unread_count_to_signed_in_members_only(client, world):
    assert "Notifications" not in client.get("/experiences").get_data(as_text=True)
    _reply(client, world["birch"], world["story"])
    _reply(client, world["birch"], world["story"])
    page = _sign_in(client, "maple").get("/experiences").get_data(as_text=True)
    assert re.search(r'href="/notifications"[^>]*>Notifications <span class="badge">2<', page)


def test_the_page_lists_newest_first_and_marks_read(client, world):
    _reply(client, world["birch"], world["story"], "first")
    _reply(client, world["birch"], world["story"], "second")
    _sign_in(client, "maple")
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count("birch replied on “Walking after lunch”.") == 2
    assert page.count("Mark read") == 2 and "Mark all read" in page
    with client.application.app_context():
        newest, oldest = db.session.scalars(
            db.select(Notification.id).order_by(Notification.id.desc())
        ).all()
    assert page.index(f'id="notification-{newest}"') < page.index(f'id="notification-{oldest}"')
    assert client.post("/notifications/read", data={"id": newest}).status_code == 302
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count("Mark read") == 1
    assert "birch replied" in client.get("/notifications?unread=1").get_data(as_text=True)
    client.post("/notifications/read", data={"all": "1"})
    page = client.get("/notifications?unread=1").get_data(as_text=True)
    assert "Nothing unread." in page
    assert 'class="badge"' not in page


def test_someone_elses_notification_cannot_be_marked_on_the_page(client, world):
    _reply(client, world["birch"], world["story"])
    with client.application.app_context():
        theirs = db.session.scalar(db.select(Notification.id))
    _sign_in(client, "birch")
    assert client.post("/notifications/read", data={"id": theirs}).status_code == 404
    assert client.post("/notifications/read", data={"id": "x"}).status_code in (400, 422)


def test_the_page_pages_and_needs_a_sign_in(client, world):
    assert client.get("/notifications").status_code == 302
    for n in range(22):
        _reply(client, world["birch"], world["story"], f"reply {n}")
    _sign_in(client, "maple")
    first = client.get("/notifications").get_data(as_text=True)
    assert first.count("birch replied") == 20 and 'href="/notifications?page=2"' in first
    second = client.get("/notifications?page=2").get_data(as_text=True)
    assert second.count("birch replied") == 2


def test_a_rejection_links_to_editing_and_resubmitting(app, client, world):
    from forum.notifications import events

    with app.app_context():
        maple = db.session.scalar(db.select(User).filter_by(username="maple"))
        story = ExperienceFactory(author=maple, status="rejected", status_reason="Off-topic")
        events.experience_decided(story, "reject", "pending")
        db.session.commit()
        story_id = story.id
    page = _sign_in(client, "maple").get("/notifications").get_data(as_text=True)
    assert "was not approved: Off-topic. You can edit it and send it again." in page
    assert f'href="/experiences/{story_id}/edit">Edit it and send it again' in page


def test_the_watch_button_watches_and_unwatches(client, world):
    _sign_in(client, "birch")
    url = f"/experiences/{world['story']}"
    assert 'aria-pressed="false">Watch<' in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/watch", data={"watch": "1"}).status_code == 302
    assert 'aria-pressed="true">Watching<' in client.get(url).get_data(as_text=True)
    client.post(f"{url}/watch", data={"watch": "0"})
    assert 'aria-pressed="false">Watch<' in client.get(url).get_data(as_text=True)


def test_the_profile_page_saves_mail_choices(client, world):
    _sign_in(client, "maple")
    page = client.get("/profile").get_data(as_text=True)
    assert 'name="mail.reply" value="daily" checked' in page
    response = client.post(
        "/notifications/settings",
        data={"mail.reply": "now", "mail.me_too": "daily", "watch_replies": "1"},
    )
    assert response.status_code == 302
    page = client.get("/profile").get_data(as_text=True)
    assert 'name="mail.reply" value="now" checked' in page
    assert 'name="mail.me_too" value="daily" checked' in page
    client.post("/notifications/settings", data={"mail.reply": "sometimes"})
    with client.application.app_context():
        settings = db.session.scalar(db.select(NotificationSettings))
        assert settings.mail == {"reply": "now", "me_too": "daily"}
        assert settings.watch_replies is True


def test_export_holds_notifications_watches_and_choices(client, world):
    _reply(client, world["birch"], world["story"])
    client.patch("/api/v1/me", json={"mail": {"reply": "now"}}, headers=world["maple"])
    data = client.get("/api/v1/me/export", headers=world["maple"]).get_json()
    assert [n["kind"] for n in data["notifications"]] == ["reply"]
    assert data["notifications"][0]["text"] == "birch replied on “Walking after lunch”."
    assert data["watches"][0]["experience_id"] == world["story"]
    assert data["notification_settings"]["mail"]["reply"] == "now"
    assert data["profile"]["mail"]["reply"] == "now"


def test_deleting_the_account_deletes_notifications_watches_and_choices(client, world):
    _reply(client, world["birch"], world["story"])
    _reply(client, world["maple"], world["story"])
    client.patch("/api/v1/me", json={"mail": {"reply": "now"}}, headers=world["maple"])
    response = client.delete(
        "/api/v1/me",
        json={"experiences": "anonymize", "password": TEST_PASSWORD},
        headers=world["maple"],
    )
    assert response.status_code == 204
    with client.application.app_context():
        maple = db.session.scalar(db.select(User).filter_by(email=None))
        for model in (Notification, Watch):
            assert db.session.scalar(db.select(model).filter_by(user_id=maple.id)) is None
        assert db.session.get(NotificationSettings, maple.id) is None
    # birch's notification of maple's reply keeps no name
    [item] = client.get("/api/v1/notifications", headers=world["birch"]).get_json()["items"]
    assert item["text"] == "A former member replied on “Walking after lunch”."


def test_the_bell_stops_counting_at_99_plus(app, client, world):
    with app.app_context():
        maple = db.session.scalar(db.select(User).filter_by(username="maple"))
        db.session.add_all(
            Notification(user_id=maple.id, kind="approved", experience_id=world["story"])
            for _ in range(100)
        )
        db.session.commit()
    page = _sign_in(client, "maple").get("/experiences").get_data(as_text=True)
    assert '<span class="badge">99+<' in page
    answer = client.get("/api/v1/notifications", headers=world["maple"]).get_json()
    assert answer["unread_count"] == 100
