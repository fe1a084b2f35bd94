"""Follow-ups: the author's later word on a story, reviewed like stories."""

import pytest

from forum.extensions import db
from forum.models import FollowUp
from tests.factories import ExperienceFactory, UserFactory

STILL = {"still_doing": True, "outcome": "helped_a_lot", "flare": "none", "body": "Still at it."}
STOPPED = {
    "still_doing": False,
    "stop_reason": "flare_ups",
    "outcome": "much_worse",
    "flare": "next_day",
    "body": "I crashed in **month 3**. <script>alert(1)</script>",
}


@pytest.fixture
def story(app):
    """A published story by maple (not trusted) and one by a trusted author."""
    with app.app_context():
        maple = UserFactory(username="maple")
        UserFactory(username="mod", role="moderator")
        UserFactory(username="other")
        trusted = UserFactory(username="oak", trusted=True)
        return {
            "maple": ExperienceFactory(author=maple, weeks_tried=4).id,
            "oak": ExperienceFactory(author=trusted, weeks_tried=4).id,
        }


def post(client, headers, experience_id, body):
    return client.post(
        f"/api/v1/experiences/{experience_id}/follow-ups", json=body, headers=headers
    )


def test_untrusted_author_follow_up_waits_and_story_stays_public(client, auth, story):
    response = post(client, auth.headers("maple"), story["maple"], STOPPED)
    assert response.status_code == 201
    created = response.get_json()
    assert created["status"] == "pending"
    assert created["stop_reason"] == "flare_ups"
    assert (
        "<script" not in created["body_html"] and "<strong>month 3</strong>" in created["body_html"]
    )
    # The story stays public; the public does not see the pending follow-up.
    detail = client.get(f"/api/v1/experiences/{story['maple']}").get_json()
    assert detail["status"] == "published" and detail["follow_ups"] == []
    assert client.get(f"/api/v1/experiences/{story['maple']}/follow-ups").get_json() == {
        "items": []
    }
    # The author and moderators see it.
    for name in ("maple", "mod"):
        mine = client.get(
            f"/api/v1/experiences/{story['maple']}/follow-ups", headers=auth.headers(name)
        ).get_json()
        assert [item["id"] for item in mine["items"]] == [created["id"]]
        detail = client.get(
            f"/api/v1/experiences/{story['maple']}", headers=auth.headers(name)
        ).get_json()
        assert [item["status"] for item in detail["follow_ups"]] == ["pending"]
    other = client.get(
        f"/api/v1/experiences/{story['maple']}/follow-ups", headers=auth.headers("other")
    ).get_json()
    assert other["items"] == []


def test_trusted_author_publishes_at_once_and_list_says_updated(client, auth, story):
    response = post(client, auth.headers("oak"), story["oak"], STILL)
    assert response.status_code == 201 and response.get_json()["status"] == "published"
    detail = client.get(f"/api/v1/experiences/{story['oak']}").get_json()
    assert [item["outcome"] for item in detail["follow_ups"]] == ["helped_a_lot"]
    assert detail["follow_ups"][0]["weeks_after"] == 4
    items = {item["id"]: item for item in client.get("/api/v1/experiences").get_json()["items"]}
    assert items[story["oak"]]["updated_with_follow_up"] is True
    assert items[story["maple"]]["updated_with_follow_up"] is False


def test_only_the_author_on_a_published_story(app, client, auth, story):
    assert post(client, auth.headers("other"), story["maple"], STILL).status_code == 403
    assert post(client, auth.headers("mod"), story["maple"], STILL).status_code == 403
    assert post(client, {}, story["maple"], STILL).status_code == 401
    assert post(client, auth.headers("maple"), 9999, STILL).status_code == 404
    with app.app_context():
        pending = ExperienceFactory(
            author=db.session.scalar(
                db.select(UserFactory._meta.model).filter_by(username="maple")
            ),
            status="pending",
            published_at=None,
        ).id
    assert post(client, auth.headers("maple"), pending, STILL).status_code == 403


@pytest.mark.parametrize(
    "body, field",
    [
        ({**STOPPED, "stop_reason": None}, "stop_reason"),
        ({key: value for key, value in STOPPED.items() if key != "stop_reason"}, "stop_reason"),
        ({**STOPPED, "stop_reason": "bored"}, "stop_reason"),
        ({**STILL, "outcome": "meh"}, "outcome"),
        ({**STILL, "flare": None}, "flare"),
        ({key: value for key, value in STILL.items() if key != "still_doing"}, "still_doing"),
        ({**STILL, "body": "x" * 5001}, "body"),
    ],
)
def test_bad_follow_ups_are_422_naming_the_field(client, auth, story, body, field):
    response = post(client, auth.headers("maple"), story["maple"], body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_moderators_decide_follow_ups_from_the_queue(app, client, auth, story):
    created = post(client, auth.headers("maple"), story["maple"], STOPPED).get_json()
    queue = client.get(
        "/api/v1/moderation/queue?kind=pending", headers=auth.headers("mod")
    ).get_json()
    entries = [item for item in queue["items"] if item.get("type") == "follow_up"]
    assert [item["id"] for item in entries] == [created["id"]]
    url = f"/api/v1/moderation/follow-ups/{created['id']}/decision"
    assert (
        client.post(url, json={"action": "approve"}, headers=auth.headers("maple")).status_code
        == 403
    )
    assert (
        client.post(url, json={"action": "reject"}, headers=auth.headers("mod")).status_code == 422
    )
    response = client.post(url, json={"action": "approve"}, headers=auth.headers("mod"))
    assert response.status_code == 200 and response.get_json()["status"] == "published"
    again = client.post(url, json={"action": "approve"}, headers=auth.headers("mod"))
    assert again.status_code == 409
    public = client.get(f"/api/v1/experiences/{story['maple']}/follow-ups").get_json()
    assert [item["stop_reason"] for item in public["items"]] == ["flare_ups"]
    hidden = client.post(
        url, json={"action": "hide", "reason": "spam"}, headers=auth.headers("mod")
    )
    assert hidden.status_code == 200 and hidden.get_json()["status"] == "hidden"
    assert client.get(f"/api/v1/experiences/{story['maple']}/follow-ups").get_json()["items"] == []
    missing = client.post(
        "/api/v1/moderation/follow-ups/999/decision",
        json={"action": "approve"},
        headers=auth.headers("mod"),
    )
    assert missing.status_code == 404
    with app.app_context():
        assert db.session.get(FollowUp, created["id"]).status == "hidden"


def test_published_follow_up_text_is_searchable(client, auth, story):
    body = {**STILL, "body": "The zebrafinch routine kept me going."}
    assert post(client, auth.headers("oak"), story["oak"], body).status_code == 201
    found = client.get("/api/v1/search?q=zebrafinch").get_json()
    assert [item["experience"]["id"] for item in found["items"]] == [story["oak"]]
    pending = {**STILL, "body": "A quokkaberry secret."}
    assert post(client, auth.headers("maple"), story["maple"], pending).status_code == 201
    assert client.get("/api/v1/search?q=quokkaberry").get_json()["total"] == 0


def test_follow_up_decisions_are_in_the_moderation_log(client, auth, story):
    created = post(client, auth.headers("maple"), story["maple"], STILL).get_json()
    url = f"/api/v1/moderation/follow-ups/{created['id']}/decision"
    client.post(url, json={"action": "reject", "reason": "spam"}, headers=auth.headers("mod"))
    log = client.get("/api/v1/moderation/log", headers=auth.headers("mod"))
    assert log.status_code == 200
    (entry,) = [item for item in log.get_json()["items"] if item["target"]["type"] == "follow_up"]
    assert entry["action"] == "reject" and entry["target"]["id"] == created["id"]
    auth.login("mod")
    page = client.get("/moderation/log")
    assert page.status_code == 200
