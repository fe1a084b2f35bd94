"""The experiences API end to end: lifecycle, visibility, edits, delete, replies, me too."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from forum.clock import utcnow
from forum.extensions import db
from forum.models import User
from tests.factories import ExperienceFactory, UserFactory
from tests.unit.test_experiences_service import VALID


@pytest.fixture
def people(app, auth):
    """Tokens for an author (maple), another member (birch) and a moderator (oak)."""
    with app.app_context():
        UserFactory(username="maple", onset="sedentary", condition="fibromyalgia")
        UserFactory(username="birch")
        UserFactory(username="oak", role="moderator")
    return {name: auth.headers(name) for name in ("maple", "birch", "oak")}


def post(client, headers, **changes):
    return client.post("/api/v1/experiences", json={**VALID, **changes}, headers=headers)


def test_post_then_pending_is_visible_to_the_author_and_moderators_only(client, people):
    response = post(client, people["maple"])
    assert response.status_code == 201
    experience = response.get_json()
    assert experience["status"] == "pending"
    assert experience["author"] == {"username": "maple"}
    assert experience["onset"] == "sedentary"
    assert experience["published_at"] is None
    url = f"/api/v1/experiences/{experience['id']}"
    assert client.get(url).status_code == 404
    assert client.get(url, headers=people["birch"]).status_code == 404
    assert client.get(url, headers=people["maple"]).get_json()["status"] == "pending"
    assert client.get(url, headers=people["oak"]).status_code == 200
    assert client.get("/api/v1/experiences").get_json()["total"] == 0


def test_a_moderator_publishes_at_once(client, people):
    experience = post(client, people["oak"]).get_json()
    assert experience["status"] == "published"
    assert experience["published_at"].endswith("Z")
    assert client.get(f"/api/v1/experiences/{experience['id']}").status_code == 200


def test_posting_needs_a_token(client):
    assert client.post("/api/v1/experiences", json=VALID).status_code == 401


def test_bad_input_is_a_422_naming_every_field(client, people):
    response = post(
        client,
        people["maple"],
        title="Hey",
        exercises=["qigong", "qigong"],
        minutes_per_session=2.5,
        tags=["Bad Tag!"],
        surprise=True,
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"title", "exercises", "minutes_per_session", "tags", "surprise"}


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"'])
def test_malformed_json_is_a_400(client, people, body):
    response = client.post(
        "/api/v1/experiences",
        data=body,
        headers={**people["maple"], "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_patch_by_an_untrusted_author_sends_it_back_to_review(client, people, app):
    with app.app_context():
        experience_id = ExperienceFactory(
            author=db.session.scalar(select(User).filter_by(username="maple"))
        ).id
    url = f"/api/v1/experiences/{experience_id}"
    response = client.patch(url, json={"title": "An edited title"}, headers=people["maple"])
    assert response.status_code == 200
    assert response.get_json()["title"] == "An edited title"
    assert response.get_json()["status"] == "pending"
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/experiences").get_json()["total"] == 0


def test_patch_permissions(client, people, app):
    with app.app_context():
        published = ExperienceFactory().id
        pending = ExperienceFactory(status="pending").id
    change = {"title": "Somebody else's title"}
    assert client.patch(f"/api/v1/experiences/{published}", json=change).status_code == 401
    response = client.patch(
        f"/api/v1/experiences/{published}", json=change, headers=people["birch"]
    )
    assert response.status_code == 403
    response = client.patch(f"/api/v1/experiences/{pending}", json=change, headers=people["birch"])
    assert response.status_code == 404
    response = client.patch(f"/api/v1/experiences/{published}", json=change, headers=people["oak"])
    assert response.status_code == 200
    assert response.get_json()["status"] == "published"


def test_patch_rejects_unknown_and_output_only_keys(client, people):
    experience = post(client, people["maple"]).get_json()
    response = client.patch(
        f"/api/v1/experiences/{experience['id']}",
        json={"status": "published", "body_html": "<b>x</b>"},
        headers=people["maple"],
    )
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"status", "body_html"}


def test_delete_is_a_soft_delete_gone_at_once(client, people):
    experience = post(client, people["oak"]).get_json()
    url = f"/api/v1/experiences/{experience['id']}"
    assert client.delete(url, headers=people["birch"]).status_code == 403
    assert client.delete(url, headers=people["oak"]).status_code == 204
    assert client.get(url, headers=people["oak"]).status_code == 404
    assert client.get("/api/v1/experiences").get_json()["total"] == 0
    assert client.delete(url, headers=people["oak"]).status_code == 404


def test_replies(client, auth, app):
    with app.app_context():
        experience_id = ExperienceFactory().id
        pending_id = ExperienceFactory(status="pending").id
        # A trusted member's replies publish at once (others wait: test_own_replies_api.py).
        UserFactory(username="elm", trusted=True)
    elm = auth.headers("elm")
    url = f"/api/v1/experiences/{experience_id}/replies"
    for number in range(3):
        response = client.post(
            url, json={"body": f"Reply {number} <script>x</script>"}, headers=elm
        )
        assert response.status_code == 201
    reply = response.get_json()
    assert set(reply) == {
        "id",
        "body",
        "body_html",
        "author",
        "created_at",
        "status",
        "edited_at",
        "deleted_by_author",
    }
    assert reply["status"] == "published"
    assert "<script" not in reply["body_html"]
    listing = client.get(f"{url}?per_page=2").get_json()
    assert (listing["total"], listing["page"], listing["per_page"]) == (3, 1, 2)
    assert [item["body"][:7] for item in listing["items"]] == ["Reply 0", "Reply 1"]
    assert client.get(f"/api/v1/experiences/{experience_id}").get_json()["reply_count"] == 3
    assert client.post(url, json={"body": ""}, headers=elm).status_code == 422
    assert client.post(url, json={"body": "hi"}).status_code == 401
    pending_url = f"/api/v1/experiences/{pending_id}/replies"
    assert client.get(pending_url).status_code == 404
    assert client.post(pending_url, json={"body": "hi"}, headers=elm).status_code == 404


def test_me_too(client, people, app):
    with app.app_context():
        experience_id = ExperienceFactory(author=UserFactory(username="elm")).id
    url = f"/api/v1/experiences/{experience_id}/me-too"
    assert client.post(url, headers=people["birch"]).get_json() == {
        "me_too": True,
        "me_too_count": 1,
    }
    assert client.post(url, headers=people["birch"]).get_json() == {
        "me_too": True,
        "me_too_count": 1,
    }
    assert client.post(url, headers=people["maple"]).get_json()["me_too_count"] == 2
    assert client.delete(url, headers=people["birch"]).get_json() == {
        "me_too": False,
        "me_too_count": 1,
    }
    assert client.get(f"/api/v1/experiences/{experience_id}").get_json()["me_too_count"] == 1
    assert client.post(url).status_code == 401


def test_no_me_too_on_your_own(client, people):
    experience = post(client, people["oak"]).get_json()
    response = client.post(f"/api/v1/experiences/{experience['id']}/me-too", headers=people["oak"])
    assert response.status_code == 403


def test_a_suspended_member_is_told_until_when(client, people, app):
    with app.app_context():
        db.session.execute(
            update(User)
            .where(User.username == "maple")
            .values(suspended_until=utcnow() + timedelta(days=2))
        )
        db.session.commit()
    response = post(client, people["maple"])
    assert response.status_code == 403
    assert "suspended until" in response.get_json()["error"]["message"]
