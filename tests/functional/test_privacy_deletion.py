"""Deleting my account: nothing of me stays findable; moderation keeps a pseudonymous trace."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    ApiToken,
    Experience,
    MeToo,
    ModerationAction,
    Reply,
    ReplyRevision,
    SearchChange,
    User,
)
from forum.vocabulary import PROFILE_FIELDS
from tests.factories import TEST_PASSWORD
from tests.functional.privacy_community import build_community


@pytest.fixture
def community(ctx):
    return build_community()


def maple_row() -> User:
    """maple's row, found by id 1 (the username is gone after deletion)."""
    db.session.expire_all()
    return db.session.get(User, 1)


def delete_via_api(client, headers, choice):
    body = {"experiences": choice, "password": TEST_PASSWORD}  # contract §6: password needed
    return client.delete("/api/v1/me", json=body, headers=headers)


@pytest.mark.parametrize("choice", ["delete", "anonymize"])
def test_the_account_is_emptied_and_every_session_and_token_ends(
    app, client, auth, community, choice
):
    browser = app.test_client()
    browser.post("/login", data={"username": "maple", "password": TEST_PASSWORD})
    headers = auth.headers()
    assert delete_via_api(client, headers, choice).status_code == 204

    user = maple_row()
    assert user.username.startswith("deleted-") and user.username_key == user.username
    assert user.email is None and user.password_hash is None and user.deleted_at is not None
    assert user.profile == dict.fromkeys(PROFILE_FIELDS)  # every "about me" answer forgotten
    assert all(token.revoked_at for token in db.session.scalars(select(ApiToken)))
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert browser.get("/profile").status_code == 302
    assert auth.login().status_code == 401
    assert db.session.scalars(select(MeToo)).all() == []
    assert db.session.get(Experience, community.birchs_id).me_too_count == 0


def test_delete_removes_my_experiences_and_replies_everywhere(client, auth, community):
    assert delete_via_api(client, auth.headers(), "delete").status_code == 204
    for experience_id in (community.published_id, community.rejected_id, community.draft_id):
        assert db.session.get(Experience, experience_id).status == "deleted"
        assert client.get(f"/api/v1/experiences/{experience_id}").status_code == 404
    listing = client.get("/api/v1/experiences").get_json()
    assert {item["id"] for item in listing["items"]} == {community.birchs_id, community.flagged_id}
    replies = client.get(f"/api/v1/experiences/{community.birchs_id}/replies").get_json()
    assert replies["items"] == []
    assert db.session.get(Experience, community.birchs_id).reply_count == 0
    # birch's reply under maple's deleted story stays birch's, gone with the story.
    assert db.session.scalar(select(Reply).where(Reply.author_id == 2)).status == "published"
    assert db.session.scalars(select(ReplyRevision)).all() == []  # earlier texts go too


def test_anonymize_keeps_my_experiences_and_replies_without_my_name(client, auth, community):
    assert delete_via_api(client, auth.headers(), "anonymize").status_code == 204
    # A draft was never shared: it is deleted rather than kept without its author.
    assert db.session.get(Experience, community.draft_id).status == "deleted"
    history = db.session.scalars(select(ReplyRevision)).all()
    assert [(r.body, r.editor_id) for r in history] == [("Warm pools were kinder to me.", None)]
    experience = client.get(f"/api/v1/experiences/{community.published_id}").get_json()
    assert experience["status"] == "published"
    assert experience["author"] == {"username": None}
    replies = client.get(f"/api/v1/experiences/{community.birchs_id}/replies").get_json()
    assert [reply["author"] for reply in replies["items"]] == [{"username": None}]
    page = client.get(f"/experiences/{community.published_id}").get_data(as_text=True)
    assert "a former member" in page and "maple" not in page
    page = client.get(f"/experiences/{community.birchs_id}").get_data(as_text=True)
    assert "a former member" in page and "maple" not in page
    assert "maple" not in client.get("/experiences").get_data(as_text=True)
    assert "maple" not in client.get("/api/v1/experiences").get_data(as_text=True)


@pytest.mark.parametrize("choice", ["delete", "anonymize"])
def test_nothing_is_found_by_my_old_name_afterwards(client, auth, community, choice):
    delete_via_api(client, auth.headers(), choice)
    assert client.get("/api/v1/experiences?author=maple").get_json()["total"] == 0
    birch = client.get("/api/v1/me/export", headers=auth.headers("birch")).get_data(as_text=True)
    assert "maple" not in birch
    oak = auth.headers("oak")
    log = client.get("/api/v1/moderation/log", headers=oak).get_data(as_text=True)
    assert "maple" not in log


@pytest.mark.parametrize("choice", ["delete", "anonymize"])
def test_the_moderation_log_keeps_a_pseudonymous_reference(client, auth, community, choice):
    delete_via_api(client, auth.headers(), choice)
    rows = db.session.scalars(select(ModerationAction).where(ModerationAction.subject_id == 1))
    assert {row.action for row in rows} == {"edit", "reject", "approve"}  # approve: her reply
    log = client.get("/api/v1/moderation/log", headers=auth.headers("oak")).get_json()
    subjects = {entry["subject"]["username"] for entry in log["items"] if entry["subject"]}
    assert subjects == {maple_row().username}


@pytest.mark.parametrize("choice", ["delete", "anonymize"])
def test_every_touched_experience_goes_through_the_search_outbox(client, auth, community, choice):
    before = db.session.scalar(select(SearchChange.id).order_by(SearchChange.id.desc()).limit(1))
    delete_via_api(client, auth.headers(), choice)
    noted = set(
        db.session.scalars(select(SearchChange.experience_id).where(SearchChange.id > before))
    )
    # The draft too: it was never indexed, and the outbox entry only confirms that.
    touched = {community.published_id, community.rejected_id, community.birchs_id}
    assert noted == touched | {community.draft_id}


def test_the_old_name_is_free_again_and_links_to_nothing(client, auth, community):
    delete_via_api(client, auth.headers(), "anonymize")
    account = {"username": "maple", "email": "maple@example.org", "password": TEST_PASSWORD}
    assert client.post("/api/v1/auth/register", json=account).status_code == 201
    export = client.get("/api/v1/me/export", headers=auth.headers()).get_json()
    assert export["experiences"] == [] and export["replies"] == []


@pytest.mark.parametrize(
    ("send", "status", "field"),
    [
        ({}, 422, "experiences"),  # no body at all
        ({"json": {}}, 422, "experiences"),
        ({"json": {"experiences": "keep"}}, 422, "experiences"),
        ({"json": {"experiences": "delete", "extra": 1}}, 422, "extra"),
        ({"data": "not json"}, 400, None),
    ],
)
def test_the_api_needs_a_valid_choice(client, auth, community, send, status, field):
    response = client.delete("/api/v1/me", headers=auth.headers(), **send)
    assert response.status_code == status
    assert field is None or field in response.get_json()["error"]["fields"]
    assert maple_row().deleted_at is None


def test_the_page_asks_for_the_choice_and_the_password(client, auth, community):
    auth.login()
    page = client.get("/profile/delete").get_data(as_text=True)
    assert 'name="experiences" value="delete"' in page
    assert 'name="experiences" value="anonymize"' in page
    assert 'type="password"' in page and "csrf_token" in page

    response = client.post(
        "/profile/delete", data={"experiences": "anonymize", "password": "not my password"}
    )
    assert response.status_code == 422
    assert "not your current password" in response.get_data(as_text=True)
    assert 'value="anonymize" checked' in response.get_data(as_text=True)
    response = client.post("/profile/delete", data={"password": TEST_PASSWORD})
    assert response.status_code == 422
    assert maple_row().deleted_at is None

    response = client.post(
        "/profile/delete", data={"experiences": "delete", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Your account is deleted" in client.get("/").get_data(as_text=True)
    assert client.get("/profile").status_code == 302
    assert maple_row().deleted_at is not None


def test_search_no_longer_finds_deleted_experiences(client, auth, community):
    assert client.get("/api/v1/search?q=tai+chi").get_json()["total"] == 1
    delete_via_api(client, auth.headers(), "delete")
    assert client.get("/api/v1/search?q=tai+chi").get_json()["total"] == 0


def test_search_shows_anonymized_experiences_without_a_name(client, auth, community):
    delete_via_api(client, auth.headers(), "anonymize")
    found = client.get("/api/v1/search?q=tai+chi").get_json()
    assert [item["experience"]["author"] for item in found["items"]] == [{"username": None}]
    assert client.get("/api/v1/search?q=maple").get_json()["total"] == 0
    assert "maple" not in client.get("/search?q=tai+chi").get_data(as_text=True)
