"""Notifications through the API: every kind, what may be seen, reading, paging, watching."""

import pytest

from forum.extensions import db
from forum.models import Notification, User, Watch
from tests.factories import ExperienceFactory, UserFactory


@pytest.fixture
def people(app, auth):
    """An author with a published story and two other members, all trusted (their replies
    publish at once: REVIEW_NEW_MEMBER_REPLIES), a moderator: their API headers."""
    with app.app_context():
        author = UserFactory(username="maple", trusted=True)
        UserFactory(username="birch", trusted=True)
        UserFactory(username="cedar", trusted=True)
        UserFactory(username="mod", role="moderator")
        story = ExperienceFactory(author=author, title="Walking after lunch")
        db.session.add(Watch(user_id=author.id, experience_id=story.id))
        db.session.commit()
        story_id = story.id
    return {
        "story": story_id,
        "maple": auth.headers("maple"),
        "birch": auth.headers("birch"),
        "cedar": auth.headers("cedar"),
        "mod": auth.headers("mod"),
    }


def notes(client, headers, **query):
    response = client.get("/api/v1/notifications", headers=headers, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def reply(client, headers, story, body="Same here, the walks helped."):
    response = client.post(
        f"/api/v1/experiences/{story}/replies", json={"body": body}, headers=headers
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_reply_notifies_the_watching_author_and_not_the_replier(client, people):
    reply(client, people["birch"], people["story"])
    answer = notes(client, people["maple"])
    assert answer["unread_count"] == 1
    assert answer["total"] == 1 and answer["page"] == 1 and answer["per_page"] == 20
    [item] = answer["items"]
    assert item["kind"] == "reply"
    assert item["experience_id"] == people["story"]
    assert item["read"] is False
    assert item["text"] == "birch replied on “Walking after lunch”."
    assert set(item) >= {"id", "kind", "created_at", "read", "text"}
    assert notes(client, people["birch"])["total"] == 0


def test_replying_watches_the_experience_unless_the_member_said_no(client, people):
    reply(client, people["birch"], people["story"])
    reply(client, people["cedar"], people["story"])
    # birch watches now (replied first), so hears of cedar's reply
    assert [i["kind"] for i in notes(client, people["birch"])["items"]] == ["reply"]
    patched = client.patch("/api/v1/me", json={"watch_replies": False}, headers=people["cedar"])
    assert patched.status_code == 200 and patched.get_json()["watch_replies"] is False
    client.delete(f"/api/v1/experiences/{people['story']}/watch", headers=people["cedar"])
    reply(client, people["cedar"], people["story"])
    reply(client, people["birch"], people["story"])
    assert notes(client, people["cedar"])["total"] == 0


def test_watch_and_unwatch_through_the_api(client, people, app):
    url = f"/api/v1/experiences/{people['story']}/watch"
    put = client.put(url, headers=people["cedar"])
    assert put.status_code == 200
    assert put.get_json() == {"experience_id": people["story"], "watching": True}
    assert client.put(url, headers=people["cedar"]).status_code == 200  # twice is harmless
    reply(client, people["birch"], people["story"])
    assert notes(client, people["cedar"])["total"] == 1
    deleted = client.delete(url, headers=people["cedar"])
    assert deleted.get_json()["watching"] is False
    reply(client, people["birch"], people["story"])
    assert notes(client, people["cedar"])["total"] == 1
    assert client.put(url).status_code == 401
    unknown = client.put("/api/v1/experiences/999999/watch", headers=people["cedar"])
    assert unknown.status_code == 404


def test_pending_experiences_of_others_cannot_be_watched(app, client, people):
    with app.app_context():
        hidden_id = ExperienceFactory(status="pending", published_at=None).id
    url = f"/api/v1/experiences/{hidden_id}/watch"
    assert client.put(url, headers=people["cedar"]).status_code == 404


def test_authors_watch_what_they_post(app, client, auth):
    with app.app_context():
        UserFactory(username="oak", role="moderator")  # trusted: publishes at once
        UserFactory(username="birch", trusted=True)
    oak, birch = auth.headers("oak"), auth.headers("birch")
    from tests.factories import STORY_INPUT

    story = client.post("/api/v1/experiences", json=STORY_INPUT, headers=oak).get_json()["id"]
    reply(client, birch, story)
    assert [i["kind"] for i in notes(client, oak)["items"]] == ["reply"]


def test_me_too_marks_are_grouped_in_one_notification(app, client, people, auth):
    with app.app_context():
        UserFactory(username="alder")
    url = f"/api/v1/experiences/{people['story']}/me-too"
    for name in ("birch", "cedar"):
        assert client.post(url, headers=people[name]).status_code == 200
    answer = notes(client, people["maple"])
    [item] = answer["items"]
    assert item["kind"] == "me_too"
    assert item["text"] == "2 people said “me too” on “Walking after lunch”."
    client.post("/api/v1/notifications/read", json={"all": True}, headers=people["maple"])
    client.post(url, headers=auth.headers("alder"))
    answer = notes(client, people["maple"])
    assert answer["total"] == 1 and answer["unread_count"] == 1
    assert answer["items"][0]["text"].startswith("3 people said")
    with app.app_context():
        assert db.session.query(Notification).filter_by(kind="me_too").count() == 1


def test_a_mention_notifies_and_links_to_the_members_stories(client, people):
    body = reply(client, people["birch"], people["story"], "Ask @cedar and @nobody-here about it")
    assert '<a href="/experiences?author=cedar" class="mention">@cedar</a>' in body["body_html"]
    assert "@nobody-here" in body["body_html"] and "author=nobody-here" not in body["body_html"]
    [item] = notes(client, people["cedar"])["items"]
    assert item["kind"] == "mention"
    assert item["text"] == "birch mentioned you in a reply on “Walking after lunch”."
    # the author gets a reply notification, the mentioned member no second one
    assert [i["kind"] for i in notes(client, people["maple"])["items"]] == ["reply"]


def test_a_mention_inside_code_or_markup_stays_text(client, people):
    body = reply(client, people["birch"], people["story"], "`@cedar` <b>@cedar</b>")
    assert body["body_html"].count('class="mention"') == 1
    assert "<b>" not in body["body_html"]


def test_a_hidden_reply_disappears_from_notifications(client, people):
    created = reply(client, people["birch"], people["story"], "Hello @cedar")
    assert notes(client, people["maple"])["unread_count"] == 1
    hidden = client.post(
        f"/api/v1/moderation/replies/{created['id']}/decision",
        json={"action": "hide", "reason": "spam"},
        headers=people["mod"],
    )
    assert hidden.status_code == 200, hidden.get_json()
    for name in ("maple", "cedar"):
        answer = notes(client, people[name])
        assert answer["total"] == 0 and answer["unread_count"] == 0
    # the reply's author hears it was hidden, with the reason
    [item] = notes(client, people["birch"])["items"]
    assert item["kind"] == "hidden"
    assert item["text"] == "Your reply on “Walking after lunch” was hidden: Spam or advertising."


def test_moderation_outcomes_notify_the_author(app, client, people):
    with app.app_context():
        maple = db.session.query(User).filter_by(username="maple").one()
        first = ExperienceFactory(author=maple, status="pending", published_at=None)
        second = ExperienceFactory(author=maple, status="pending", published_at=None)
        first_id, second_id = first.id, second.id

    def decide(experience_id, body):
        url = f"/api/v1/moderation/experiences/{experience_id}/decision"
        response = client.post(url, json=body, headers=people["mod"])
        assert response.status_code == 200, response.get_json()

    decide(first_id, {"action": "approve"})
    decide(second_id, {"action": "reject", "reason": "off_topic", "note": "Please add detail"})
    decide(people["story"], {"action": "hide", "reason": "spam"})
    items = notes(client, people["maple"])["items"]
    by_kind = {item["kind"]: item for item in items}
    assert set(by_kind) == {"approved", "rejected", "hidden"}
    assert by_kind["approved"]["experience_id"] == first_id
    assert by_kind["rejected"]["text"].startswith("Your experience “")
    assert "Off-topic: Please add detail" in by_kind["rejected"]["text"]
    assert by_kind["rejected"]["url"] == f"/experiences/{second_id}/edit"
    assert "Spam or advertising" in by_kind["hidden"]["text"]


def test_a_story_made_invisible_takes_its_notifications_along(app, client, people):
    reply(client, people["birch"], people["story"])
    reply(client, people["cedar"], people["story"])
    assert notes(client, people["birch"])["total"] == 1
    client.post(
        f"/api/v1/moderation/experiences/{people['story']}/decision",
        json={"action": "hide", "reason": "spam"},
        headers=people["mod"],
    )
    # birch may no longer see the story: the reply notification is gone
    assert notes(client, people["birch"]) | {"items": []} == {
        "items": [],
        "unread_count": 0,
        "page": 1,
        "per_page": 20,
        "total": 0,
    }


def test_a_suspension_notifies_with_reason_and_end_date(client, people):
    response = client.post(
        "/api/v1/moderation/users/birch/suspend",
        json={"days": 3, "reason": "Repeated insults"},
        headers=people["mod"],
    )
    assert response.status_code == 200, response.get_json()
    [item] = notes(client, people["birch"])["items"]
    assert item["kind"] == "suspended"
    assert "experience_id" not in item
    assert "Repeated insults" in item["text"] and "suspended until" in item["text"]


def test_follow_up_approved_is_a_kind_the_follow_up_moderation_calls(app, client, people):
    from forum.notifications import events

    with app.app_context():
        maple = db.session.query(User).filter_by(username="maple").one()
        events.follow_up_approved(maple.id, people["story"])
        db.session.commit()
    [item] = notes(client, people["maple"])["items"]
    assert item["kind"] == "follow_up_approved"
    assert item["text"] == "Your follow-up on “Walking after lunch” was approved and is now public."


def test_mark_read_by_ids_all_and_unread_filter(client, people):
    for _ in range(3):
        reply(client, people["birch"], people["story"])
    items = notes(client, people["maple"])["items"]
    first = items[0]["id"]
    response = client.post(
        "/api/v1/notifications/read", json={"ids": [first]}, headers=people["maple"]
    )
    assert response.status_code == 200
    assert response.get_json() == {"marked": 1, "unread_count": 2}
    unread = notes(client, people["maple"], unread=1)
    assert unread["total"] == 2 and first not in [i["id"] for i in unread["items"]]
    assert client.post(
        "/api/v1/notifications/read", json={"all": True}, headers=people["maple"]
    ).get_json() == {"marked": 2, "unread_count": 0}
    assert all(i["read"] for i in notes(client, people["maple"])["items"])


def test_someone_elses_or_an_unknown_id_is_404_and_nothing_changes(client, people):
    reply(client, people["birch"], people["story"])
    reply(client, people["maple"], people["story"])
    mine = notes(client, people["maple"])["items"][0]["id"]
    theirs = notes(client, people["birch"])["items"][0]["id"]
    for ids in ([theirs], [mine, theirs], [999999]):
        response = client.post(
            "/api/v1/notifications/read", json={"ids": ids}, headers=people["maple"]
        )
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert notes(client, people["maple"])["unread_count"] == 1
    assert notes(client, people["birch"])["unread_count"] == 1


@pytest.mark.parametrize(
    "body", [{}, {"ids": []}, {"ids": ["x"]}, {"all": True, "ids": [1]}, {"all": "maybe"}, []]
)
def test_mark_read_refuses_bad_bodies(client, people, body):
    response = client.post("/api/v1/notifications/read", json=body, headers=people["maple"])
    assert response.status_code in (400, 422)


def test_notifications_page_through_newest_first(client, people):
    for n in range(23):
        reply(client, people["birch"], people["story"], f"Reply {n}")
    first = notes(client, people["maple"])
    second = notes(client, people["maple"], page=2)
    assert first["total"] == 23 and len(first["items"]) == 20 and len(second["items"]) == 3
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True)
    assert notes(client, people["maple"], page=2, per_page=5)["items"][0]["id"] == ids[5]
    assert client.get("/api/v1/notifications?page=0", headers=people["maple"]).status_code in (
        400,
        422,
    )


def test_notifications_need_a_token(client):
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.post("/api/v1/notifications/read", json={"all": True}).status_code == 401


def test_a_reply_to_many_watchers_costs_one_insert_per_recipient_batch(app, client, people):
    from sqlalchemy import event

    with app.app_context():
        for n in range(6):
            watcher = UserFactory(username=f"watcher{n}")
            db.session.add(Watch(user_id=watcher.id, experience_id=people["story"]))
        db.session.commit()
        statements = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            reply(client, people["birch"], people["story"], "Thanks @cedar and @maple")
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        inserts = [s for s in statements if s.startswith("INSERT INTO notifications")]
        assert len(inserts) == 2  # the mentioned members, then the other watchers
        assert db.session.query(Notification).filter_by(kind="reply").count() == 6
        assert db.session.query(Notification).filter_by(kind="mention").count() == 2


def test_a_reply_waiting_for_review_notifies_only_once_approved(app, client, people, auth):
    with app.app_context():
        UserFactory(username="elm")  # new: replies wait for a moderator
    newcomer = auth.headers("elm")
    waiting = reply(client, newcomer, people["story"], body="Same for me, @maple.")
    assert waiting["status"] == "pending"
    assert notes(client, people["maple"])["items"] == []
    decided = client.post(
        f"/api/v1/moderation/replies/{waiting['id']}/decision",
        json={"action": "approve"},
        headers=people["mod"],
    )
    assert decided.status_code == 200, decided.get_json()
    (note,) = notes(client, people["maple"])["items"]
    assert (note["kind"], note["experience_id"]) == ("mention", people["story"])
