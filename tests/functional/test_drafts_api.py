"""Drafts through the API: private to their author, never public, submitted by the trust rule."""

import pytest

from forum.extensions import db
from forum.models import User
from tests.factories import UserFactory
from tests.unit.test_experiences_service import VALID


@pytest.fixture
def people(app, auth):
    """Tokens for an author (maple), another member (birch), a moderator (oak), and a trusted
    member (elm)."""
    with app.app_context():
        UserFactory(username="maple")
        UserFactory(username="birch")
        UserFactory(username="oak", role="moderator")
        UserFactory(username="elm", trusted=True)
    return {name: auth.headers(name) for name in ("maple", "birch", "oak", "elm")}


def draft(client, headers, **values):
    response = client.post("/api/v1/experiences", json={"draft": True, **values}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_draft_may_be_unfinished_and_is_seen_by_its_author_only(client, people):
    saved = draft(client, people["maple"], title="Half a thought about yoga")
    assert saved["status"] == "draft"
    assert saved["body"] is None and saved["exercises"] == []
    url = f"/api/v1/experiences/{saved['id']}"
    assert client.get(url, headers=people["maple"]).get_json()["title"] == saved["title"]
    for caller in ({}, people["birch"], people["oak"]):
        assert client.get(url, headers=caller).status_code == 404
    assert client.get("/api/v1/experiences").get_json()["total"] == 0


def test_what_a_draft_gives_is_still_checked(client, people):
    response = client.post(
        "/api/v1/experiences",
        json={"draft": True, "title": "Hey", "outcome": "cured"},
        headers=people["maple"],
    )
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"title", "outcome"}
    not_a_bool = client.post(
        "/api/v1/experiences",
        json={"draft": "yes", "title": "Hello there"},
        headers=people["maple"],
    )
    assert not_a_bool.status_code == 422


def test_patching_a_draft_keeps_it_a_draft(client, people):
    saved = draft(client, people["maple"], title="Half a thought about yoga")
    url = f"/api/v1/experiences/{saved['id']}"
    patched = client.patch(url, json={"body": VALID["body"]}, headers=people["maple"])
    assert patched.status_code == 200
    assert patched.get_json()["status"] == "draft"
    assert patched.get_json()["body"] == VALID["body"]
    refused = client.patch(url, json={"draft": False}, headers=people["maple"])
    assert refused.status_code == 422
    assert client.patch(url, json={"title": "Not mine"}, headers=people["birch"]).status_code == 404


def test_submit_names_what_is_missing_then_sends_it_for_review(client, people):
    saved = draft(client, people["maple"], title=VALID["title"], body=VALID["body"])
    url = f"/api/v1/experiences/{saved['id']}"
    missing = client.post(f"{url}/submit", headers=people["maple"])
    assert missing.status_code == 422
    assert set(missing.get_json()["error"]["fields"]) == {
        "exercises",
        "intensity",
        "outcome",
        "flare",
    }
    client.patch(
        url,
        json={k: VALID[k] for k in ("exercises", "intensity", "outcome", "flare")},
        headers=people["maple"],
    )
    assert client.post(f"{url}/submit", headers=people["birch"]).status_code == 404
    sent = client.post(f"{url}/submit", headers=people["maple"])
    assert sent.status_code == 200
    assert sent.get_json()["status"] == "pending"
    assert client.get(url, headers=people["oak"]).status_code == 200
    queue = client.get("/api/v1/moderation/queue?kind=pending", headers=people["oak"]).get_json()
    assert [item["id"] for item in queue["items"] if item["type"] == "experience"] == [saved["id"]]
    assert client.post(f"{url}/submit", headers=people["maple"]).status_code == 409


def test_a_trusted_author_publishes_a_draft_at_once(client, people):
    saved = draft(client, people["elm"], **VALID)
    url = f"/api/v1/experiences/{saved['id']}"
    assert client.get(url).status_code == 404
    sent = client.post(f"{url}/submit", headers=people["elm"]).get_json()
    assert sent["status"] == "published" and sent["published_at"]
    assert client.get(url).status_code == 200
    assert client.get("/api/v1/experiences").get_json()["total"] == 1


def test_drafts_can_be_deleted_by_their_author(client, people):
    saved = draft(client, people["maple"], title="Half a thought about yoga")
    url = f"/api/v1/experiences/{saved['id']}"
    assert client.delete(url, headers=people["oak"]).status_code == 404
    assert client.delete(url, headers=people["maple"]).status_code == 204
    assert client.get(url, headers=people["maple"]).status_code == 404


def test_drafts_stay_out_of_search_insights_and_counts(app, client, people):
    words = "Zanzibarian flamingo choreography"
    saved = draft(client, people["elm"], **{**VALID, "title": words, "exercises": ["dance"]})
    assert client.get(f"/api/v1/search?q={words}").get_json()["total"] == 0
    insights = client.get("/api/v1/insights").get_json()
    assert insights["group_size"] in (0, None)
    assert "dance" in insights["suppressed"]
    queue = client.get("/api/v1/moderation/queue?kind=pending", headers=people["oak"]).get_json()
    assert queue["total"] == 0
    with app.app_context():
        assert db.session.query(User).filter_by(username="elm").one().approvals_toward_trust >= 3
    assert (
        client.get(f"/api/v1/experiences/{saved['id']}", headers=people["elm"]).status_code == 200
    )


def test_preview_sanitizes_without_saving(client, people):
    response = client.post(
        "/api/v1/preview",
        json={"body": "**Bold** <script>alert(1)</script> [x](javascript:alert(1))"},
        headers=people["maple"],
    )
    assert response.status_code == 200
    html = response.get_json()["body_html"]
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html
    assert 'href="javascript' not in html
    assert client.get("/api/v1/me/export", headers=people["maple"]).get_json()["experiences"] == []
