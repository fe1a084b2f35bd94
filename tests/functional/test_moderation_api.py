"""The moderation and flag endpoints: shapes, status codes and the contract's JSON errors."""

from datetime import timedelta

import pytest

from forum.clock import utcnow
from forum.extensions import db
from forum.models import Reply
from tests.factories import ExperienceFactory, UserFactory

EXPERIENCE_KEYS = {
    "id",
    "title",
    "body",
    "body_html",
    "exercises",
    "intensity",
    "minutes_per_session",
    "sessions_per_week",
    "weeks_tried",
    "outcome",
    "flare",
    "effects",
    "tags",
    "onset",
    "condition",
    "symptom",
    "age_band",
    "status",
    "author",
    "me_too_count",
    "reply_count",
    "created_at",
    "updated_at",
    "published_at",
}


@pytest.fixture
def moderator(app, auth):
    with app.app_context():
        UserFactory(username="mod", role="moderator")
        UserFactory(username="maple")
    return auth.headers("mod")


def pending(app, **kwargs) -> int:
    with app.app_context():
        return ExperienceFactory(status="pending", published_at=None, **kwargs).id


def decide(client, headers, experience_id, body):
    return client.post(
        f"/api/v1/moderation/experiences/{experience_id}/decision", json=body, headers=headers
    )


def test_queue_lists_pending_experiences_oldest_first(app, client, moderator):
    newer = pending(app, submitted_at=utcnow() - timedelta(hours=1))
    older = pending(app, submitted_at=utcnow() - timedelta(days=1))
    body = client.get("/api/v1/moderation/queue", headers=moderator).get_json()
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 2)
    assert [item["id"] for item in body["items"]] == [older, newer]
    item = body["items"][0]
    assert set(item) >= EXPERIENCE_KEYS
    assert item["status"] == "pending"
    assert item["version"] == 1
    assert item["waiting_since"].endswith("Z")
    assert "email" not in str(item["author"])


def test_flagged_queue_items_carry_flag_counts_and_reasons(app, client, auth, moderator):
    with app.app_context():
        experience_id = ExperienceFactory().id
        for name in ("ash", "elm"):
            UserFactory(username=name)
    for name, reason in (("ash", "spam"), ("elm", "misinformation")):
        response = client.post(
            f"/api/v1/experiences/{experience_id}/flags",
            json={"reason": reason, "note": f"from {name}"},
            headers=auth.headers(name),
        )
        assert response.status_code == 201
    body = client.get("/api/v1/moderation/queue?kind=flagged", headers=moderator).get_json()
    (item,) = body["items"]
    assert item["id"] == experience_id
    assert item["flag_count"] == 2
    assert item["flag_reasons"] == {"misinformation": 1, "spam": 1}
    assert {flag["note"] for flag in item["flags"]} == {"from ash", "from elm"}


@pytest.mark.parametrize("query", ["kind=everything", "per_page=0", "per_page=101", "page=x"])
def test_bad_queue_queries_are_400(client, moderator, query):
    response = client.get(f"/api/v1/moderation/queue?{query}", headers=moderator)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_decisions_answer_with_the_experience(app, client, moderator):
    experience_id = pending(app)
    response = decide(client, moderator, experience_id, {"action": "approve", "version": 1})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["status"], body["version"]) == (experience_id, "published", 2)
    assert body["published_at"].endswith("Z")


def test_a_reason_is_required_for_reject_and_hide(app, client, moderator):
    experience_id = pending(app)
    response = decide(client, moderator, experience_id, {"action": "reject"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert "reason" in error["fields"]


def test_two_moderators_one_wins_the_other_gets_409(app, client, auth, moderator):
    experience_id = pending(app)
    with app.app_context():
        UserFactory(username="mod2", role="moderator")
    other = auth.headers("mod2")
    first = decide(client, moderator, experience_id, {"action": "approve", "version": 1})
    second = decide(
        client, other, experience_id, {"action": "reject", "reason": "spam", "version": 1}
    )
    assert first.status_code == 200
    assert second.status_code == 409
    assert "already decided" in second.get_json()["error"]["message"]
    log = client.get("/api/v1/moderation/log", headers=moderator).get_json()
    assert [item["action"] for item in log["items"]] == ["approve"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"action": "restore"}, 409),
        ({"action": "explode"}, 422),
        ({"action": "approve", "surprise": 1}, 422),
        ({"action": "approve", "version": "one"}, 422),
        ({"action": "hide", "reason": "spam", "note": "x" * 1001}, 422),
    ],
)
def test_decision_errors(app, client, moderator, body, status):
    response = decide(client, moderator, pending(app), body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] in ("conflict", "validation_error")


def test_decision_on_missing_or_malformed_input(app, client, moderator):
    assert decide(client, moderator, 9999, {"action": "approve"}).status_code == 404
    response = client.post(
        f"/api/v1/moderation/experiences/{pending(app)}/decision",
        data="{not json",
        headers={**moderator, "Content-Type": "application/json"},
    )
    assert response.status_code == 400


def test_log_pages_through_every_action(app, client, moderator):
    for _ in range(3):
        decide(client, moderator, pending(app), {"action": "approve"})
    body = client.get("/api/v1/moderation/log?per_page=2", headers=moderator).get_json()
    assert (body["page"], body["per_page"], body["total"]) == (1, 2, 3)
    item = body["items"][0]
    assert set(item) == {
        "id",
        "action",
        "actor",
        "target",
        "subject",
        "reason",
        "note",
        "created_at",
    }
    assert item["actor"] == {"username": "mod"}
    assert item["target"]["type"] == "experience"
    second = client.get("/api/v1/moderation/log?per_page=2&page=2", headers=moderator).get_json()
    assert len(second["items"]) == 1
    filtered = client.get("/api/v1/moderation/log?action=reject", headers=moderator).get_json()
    assert filtered["total"] == 0
    assert client.get("/api/v1/moderation/log?actor=%00", headers=moderator).status_code == 400


def test_suspension_stops_writing_until_lifted(app, client, auth, moderator):
    member = auth.headers("maple")
    response = client.post(
        "/api/v1/moderation/users/maple/suspend",
        json={"days": 3, "reason": "Advertising."},
        headers=moderator,
    )
    assert response.status_code == 200
    user = response.get_json()["user"]
    assert user["username"] == "maple"
    assert user["suspended_until"].endswith("Z")
    assert user["suspension_reason"] == "Advertising."
    assert "email" not in user
    with app.app_context():
        experience_id = ExperienceFactory().id
    refused = client.post(
        f"/api/v1/experiences/{experience_id}/flags", json={"reason": "spam"}, headers=member
    )
    assert refused.status_code == 403
    assert "suspended until" in refused.get_json()["error"]["message"]
    assert client.get("/api/v1/me", headers=member).status_code == 200
    lifted = client.post("/api/v1/moderation/users/maple/unsuspend", headers=moderator)
    assert lifted.status_code == 200
    assert lifted.get_json()["user"]["suspended_until"] is None
    again = client.post("/api/v1/moderation/users/maple/unsuspend", headers=moderator)
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("username", "body", "status"),
    [
        ("maple", {"days": 0, "reason": "x"}, 422),
        ("maple", {"days": 3651, "reason": "x"}, 422),
        ("maple", {"days": True, "reason": "x"}, 422),
        ("maple", {"days": 3}, 422),
        ("nobody", {"days": 3, "reason": "x"}, 404),
        ("mod", {"days": 3, "reason": "x"}, 403),
    ],
)
def test_suspension_errors(client, moderator, username, body, status):
    response = client.post(
        f"/api/v1/moderation/users/{username}/suspend", json=body, headers=moderator
    )
    assert response.status_code == status


def test_flags_once_per_member_not_own_published_only(app, client, auth, moderator):
    with app.app_context():
        author = UserFactory(username="author")
        own = ExperienceFactory(author=author).id
        hidden_pending = ExperienceFactory(status="pending").id
        other = ExperienceFactory().id
        reply = Reply(experience_id=other, author=author, body="Hello", body_html="<p>Hello</p>")
        db.session.add(reply)
        db.session.commit()
        reply_id = reply.id
    headers = auth.headers("maple")
    first = client.post(
        f"/api/v1/experiences/{other}/flags", json={"reason": "other"}, headers=headers
    )
    assert first.status_code == 201
    flag = first.get_json()["flag"]
    assert (flag["experience_id"], flag["reason"], flag["note"]) == (other, "other", None)
    again = client.post(
        f"/api/v1/experiences/{other}/flags", json={"reason": "spam"}, headers=headers
    )
    assert again.status_code == 409
    by_author = auth.headers("author")
    for path in (f"/api/v1/experiences/{own}/flags", f"/api/v1/replies/{reply_id}/flags"):
        assert client.post(path, json={"reason": "spam"}, headers=by_author).status_code == 403
    assert (
        client.post(
            f"/api/v1/experiences/{hidden_pending}/flags", json={"reason": "spam"}, headers=headers
        ).status_code
        == 404
    )
    bad = client.post(
        f"/api/v1/replies/{reply_id}/flags", json={"reason": "boring"}, headers=headers
    )
    assert bad.status_code == 422
    assert "reason" in bad.get_json()["error"]["fields"]
    assert (
        client.post(
            "/api/v1/replies/999/flags", json={"reason": "spam"}, headers=headers
        ).status_code
        == 404
    )
