"""Exporting my data: everything of mine, nothing of anyone else's, the same on page and API."""

import json

import pytest

from tests.functional.privacy_community import build_community


@pytest.fixture
def community(ctx):
    return build_community()


def test_the_api_export_holds_all_of_my_data(client, auth, community):
    response = client.get("/api/v1/me/export", headers=auth.headers())
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()

    assert data["profile"]["username"] == "maple"
    assert data["profile"]["email"] == "maple@example.org"
    assert data["profile"]["onset"] == "injury"
    experiences = {item["id"]: item for item in data["experiences"]}
    assert set(experiences) == {community.published_id, community.rejected_id, community.draft_id}
    assert experiences[community.rejected_id]["status"] == "rejected"
    assert experiences[community.draft_id]["status"] == "draft"
    assert experiences[community.draft_id]["title"] == "Unfinished thoughts"
    revisions = experiences[community.published_id]["revisions"]
    assert [r["title"] for r in revisions] == ["Tai chi twice a week helped"]
    assert [reply["body"] for reply in data["replies"]] == ["Warm water pools were kinder to me."]
    assert data["replies"][0]["edited_at"]
    history = data["replies"][0]["revisions"]
    assert [(r["number"], r["body"]) for r in history] == [(1, "Warm pools were kinder to me.")]
    assert [mark["experience_id"] for mark in data["me_too"]] == [community.birchs_id]
    assert data["flags_raised"][0]["experience_id"] == community.flagged_id
    assert data["flags_raised"][0]["note"] == "Looks copied."
    decisions = {d["action"]: d for d in data["moderation_decisions"]}
    assert decisions["reject"]["reason"] == "spam"
    assert decisions["reject"]["target"] == {"type": "experience", "id": community.rejected_id}
    assert len(data["api_tokens"]) == 1
    assert set(data["api_tokens"][0]) == {"created_at", "expires_at", "revoked_at"}


def test_the_export_never_holds_other_members_data(client, auth, community):
    text = client.get("/api/v1/me/export", headers=auth.headers()).get_data(as_text=True)
    for trace in ("birch", "oak", "Which style of tai chi", "Swimming made my pain worse"):
        assert trace not in text
    assert text.count("@example.org") == 1  # maple's own address, once
    assert "token_hash" not in text and "password" not in text


def test_the_profile_button_downloads_the_same_document(client, auth, community):
    from_api = client.get("/api/v1/me/export", headers=auth.headers()).get_json()
    auth.login()
    response = client.get("/profile/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="movement-notes-maple.json"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    from_page = json.loads(response.get_data(as_text=True))
    for document in (from_api, from_page):
        document.pop("exported_at")
    assert from_page == from_api


def test_export_needs_a_member(client):
    assert client.get("/api/v1/me/export").status_code == 401
    assert client.get("/profile/export").status_code == 302
