"""Replies: review for members not yet trusted, editing and deleting one's own, by role."""

import pytest

from tests.factories import ExperienceFactory, UserFactory


@pytest.fixture
def thread(app, auth):
    """A published experience; maple (new member), elm (trusted), birch (member), oak (mod)."""
    with app.app_context():
        UserFactory(username="maple")
        UserFactory(username="birch")
        UserFactory(username="oak", role="moderator")
        UserFactory(username="elm", trusted=True)
        experience_id = ExperienceFactory().id
    headers = {name: auth.headers(name) for name in ("maple", "birch", "oak", "elm")}
    return experience_id, headers


def reply(client, experience_id, headers, body="The same helped me, slowly."):
    response = client.post(
        f"/api/v1/experiences/{experience_id}/replies", json={"body": body}, headers=headers
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def listed(client, experience_id, headers=None):
    page = client.get(f"/api/v1/experiences/{experience_id}/replies", headers=headers or {})
    return {item["id"]: item for item in page.get_json()["items"]}


def count(client, experience_id):
    return client.get(f"/api/v1/experiences/{experience_id}").get_json()["reply_count"]


def test_a_new_members_reply_waits_for_a_moderator(client, thread):
    experience_id, h = thread
    pending = reply(client, experience_id, h["maple"])
    assert pending["status"] == "pending"
    assert pending["id"] not in listed(client, experience_id)
    assert pending["id"] not in listed(client, experience_id, h["birch"])
    assert listed(client, experience_id, h["maple"])[pending["id"]]["status"] == "pending"
    assert count(client, experience_id) == 0
    queue = client.get("/api/v1/moderation/queue?kind=pending", headers=h["oak"]).get_json()
    assert [(i["type"], i["id"]) for i in queue["items"]] == [("reply", pending["id"])]
    decided = client.post(
        f"/api/v1/moderation/replies/{pending['id']}/decision",
        json={"action": "approve"},
        headers=h["oak"],
    )
    assert decided.status_code == 200
    assert decided.get_json()["status"] == "published"
    assert listed(client, experience_id)[pending["id"]]["status"] == "published"
    assert count(client, experience_id) == 1


def test_a_rejected_reply_stays_private_and_needs_a_reason(client, thread):
    experience_id, h = thread
    pending = reply(client, experience_id, h["maple"])
    url = f"/api/v1/moderation/replies/{pending['id']}/decision"
    assert client.post(url, json={"action": "reject"}, headers=h["oak"]).status_code == 422
    rejected = client.post(url, json={"action": "reject", "reason": "spam"}, headers=h["oak"])
    assert rejected.get_json()["status"] == "rejected"
    assert pending["id"] not in listed(client, experience_id)
    assert client.post(url, json={"action": "approve"}, headers=h["oak"]).status_code == 409


@pytest.mark.parametrize("name", ["elm", "oak"])
def test_trusted_members_and_moderators_publish_at_once(client, thread, name):
    experience_id, h = thread
    assert reply(client, experience_id, h[name])["status"] == "published"
    assert count(client, experience_id) == 1


def test_reply_review_can_be_switched_off(app, client, thread):
    experience_id, h = thread
    app.config["REVIEW_NEW_MEMBER_REPLIES"] = False
    assert reply(client, experience_id, h["maple"])["status"] == "published"


def test_editing_by_role_keeps_the_history(app, client, thread):
    experience_id, h = thread
    own = reply(client, experience_id, h["elm"], "First words.")
    url = f"/api/v1/replies/{own['id']}"
    assert client.patch(url, json={"body": "Changed."}).status_code == 401
    assert client.patch(url, json={"body": "Changed."}, headers=h["birch"]).status_code == 403
    assert client.patch(url, json={"body": "Changed."}, headers=h["oak"]).status_code == 403
    assert client.patch(url, json={"body": ""}, headers=h["elm"]).status_code == 422
    edited = client.patch(url, json={"body": "Second *words*."}, headers=h["elm"])
    assert edited.status_code == 200
    body = edited.get_json()
    assert body["status"] == "published" and body["edited_at"]
    assert "<em>words</em>" in body["body_html"]
    with app.app_context():
        from forum.extensions import db
        from forum.models import Reply

        assert [r.body for r in db.session.get(Reply, own["id"]).revisions] == ["First words."]
    assert client.get("/moderation/replies/0").status_code in (302, 401, 403, 404)


def test_a_new_members_edit_goes_back_to_review(client, thread):
    experience_id, h = thread
    own = reply(client, experience_id, h["maple"])
    client.post(
        f"/api/v1/moderation/replies/{own['id']}/decision",
        json={"action": "approve"},
        headers=h["oak"],
    )
    edited = client.patch(
        f"/api/v1/replies/{own['id']}", json={"body": "Now with a link"}, headers=h["maple"]
    )
    assert edited.get_json()["status"] == "pending"
    assert own["id"] not in listed(client, experience_id)
    assert count(client, experience_id) == 0


def test_a_pending_reply_is_hidden_from_others_for_edit_and_delete(client, thread):
    experience_id, h = thread
    pending = reply(client, experience_id, h["maple"])
    url = f"/api/v1/replies/{pending['id']}"
    assert client.patch(url, json={"body": "x"}, headers=h["birch"]).status_code == 404
    assert client.delete(url, headers=h["birch"]).status_code == 404
    assert client.patch(url, json={"body": "Better words"}, headers=h["maple"]).status_code == 200


def test_deleting_without_answers_removes_it(client, thread):
    experience_id, h = thread
    own = reply(client, experience_id, h["elm"])
    url = f"/api/v1/replies/{own['id']}"
    assert client.delete(url).status_code == 401
    assert client.delete(url, headers=h["birch"]).status_code == 403
    assert client.delete(url, headers=h["elm"]).status_code == 204
    assert listed(client, experience_id) == {}
    assert count(client, experience_id) == 0
    assert client.delete(url, headers=h["elm"]).status_code == 404


def test_deleting_with_answers_leaves_its_place(client, thread):
    experience_id, h = thread
    first = reply(client, experience_id, h["elm"], "Secret first words.")
    later = reply(client, experience_id, h["oak"], "An answer under it.")
    assert client.delete(f"/api/v1/replies/{first['id']}", headers=h["elm"]).status_code == 204
    items = listed(client, experience_id)
    assert list(items) == [first["id"], later["id"]]
    assert items[first["id"]]["status"] == "deleted"
    assert items[first["id"]]["deleted_by_author"] is True
    assert items[first["id"]]["body"] == "" and items[first["id"]]["author"]["username"] is None
    page = client.get(f"/experiences/{experience_id}").get_data(as_text=True)
    assert "deleted by its author" in page and "Secret first words" not in page
    assert count(client, experience_id) == 1


def test_a_moderator_may_delete_a_reply_and_is_logged(client, thread):
    experience_id, h = thread
    own = reply(client, experience_id, h["elm"])
    assert client.delete(f"/api/v1/replies/{own['id']}", headers=h["oak"]).status_code == 204
    log = client.get("/api/v1/moderation/log", headers=h["oak"]).get_json()["items"]
    assert {"type": "reply", "id": own["id"]} in [row["target"] for row in log]
