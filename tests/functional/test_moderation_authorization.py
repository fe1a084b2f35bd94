"""Who may use each moderation page and endpoint: anonymous, member, suspended, moderator, admin."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.clock import utcnow
from forum.extensions import db
from forum.models import ModerationAction, Reply
from tests.factories import ExperienceFactory, UserFactory

ROLES = ("anonymous", "member", "suspended", "moderator", "admin")
ALLOWED = "allowed"


@pytest.fixture
def world(app):
    """Callers of every kind, and something for each endpoint to act on."""
    with app.app_context():
        UserFactory(username="member")
        UserFactory(username="suspended", suspended_until=utcnow() + timedelta(days=5))
        UserFactory(username="moderator", role="moderator")
        UserFactory(username="admin", role="admin")
        UserFactory(username="target")
        UserFactory(username="suspendee", suspended_until=utcnow() + timedelta(days=5))
        pending = ExperienceFactory(status="pending", published_at=None)
        published = ExperienceFactory()
        reply = Reply(
            experience_id=published.id, author=UserFactory(), body="Hi", body_html="<p>Hi</p>"
        )
        db.session.add(reply)
        db.session.commit()
        return {"pending": pending.id, "published": published.id, "reply": reply.id}


def log_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ModerationAction))


# (method, path, form or JSON, what a moderator gets, what an admin gets)
PAGES = [
    ("GET", "/moderation", None, 200, 200),
    ("GET", "/moderation?kind=flagged", None, 200, 200),
    ("GET", "/moderation?kind=flagged_replies", None, 200, 200),
    ("GET", "/moderation/log", None, 200, 200),
    ("GET", "/moderation/log?action=approve&actor=system", None, 200, 200),
    ("GET", "/moderation/members", None, 200, 200),
    ("GET", "/moderation/members?username=target", None, 200, 200),
    ("GET", "/moderation/replies/{reply}", None, 200, 200),
    ("POST", "/moderation/experiences/{pending}/decision", {"action": "approve"}, 302, 302),
    (
        "POST",
        "/moderation/replies/{reply}/decision",
        {"action": "hide", "reason": "spam"},
        302,
        302,
    ),
    ("POST", "/moderation/members/target/suspend", {"days": "3", "reason": "Ads."}, 302, 302),
    ("POST", "/moderation/members/suspendee/unsuspend", {}, 302, 302),
    ("POST", "/moderation/members/target/role", {"role": "moderator"}, 403, 302),
]

API = [
    ("GET", "/api/v1/moderation/queue", None, 200, 200),
    ("GET", "/api/v1/moderation/queue?kind=flagged", None, 200, 200),
    ("GET", "/api/v1/moderation/log", None, 200, 200),
    ("POST", "/api/v1/moderation/experiences/{pending}/decision", {"action": "approve"}, 200, 200),
    (
        "POST",
        "/api/v1/moderation/replies/{reply}/decision",
        {"action": "hide", "reason": "spam"},
        200,
        200,
    ),
    ("POST", "/api/v1/moderation/users/target/suspend", {"days": 3, "reason": "Ads."}, 200, 200),
    ("POST", "/api/v1/moderation/users/suspendee/unsuspend", None, 200, 200),
    ("POST", "/api/v1/moderation/users/target/role", {"role": "moderator"}, 403, 200),
]


def expected_status(role: str, moderator: int, admin: int, *, api: bool) -> int:
    if role == "anonymous":
        return 401 if api else 302
    if role in ("member", "suspended"):
        return 403
    return moderator if role == "moderator" else admin


def ids(cases):
    return [f"{method} {path}" for method, path, *_ in cases]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "data", "moderator", "admin"), PAGES, ids=ids(PAGES))
def test_moderation_pages(app, client, auth, world, role, method, path, data, moderator, admin):
    if role != "anonymous":
        auth.login(role)
    expected = expected_status(role, moderator, admin, api=False)
    response = client.open(path.format(**world), method=method, data=data)
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    if role == "anonymous":
        assert "/login" in response.headers["Location"]
    changed = log_count(app)
    if method == "POST":
        assert changed == (1 if expected == 302 and role in ("moderator", "admin") else 0)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "data", "moderator", "admin"), API, ids=ids(API))
def test_moderation_api(app, client, auth, world, role, method, path, data, moderator, admin):
    headers = auth.headers(role) if role != "anonymous" else {}
    expected = expected_status(role, moderator, admin, api=True)
    response = client.open(path.format(**world), method=method, json=data, headers=headers)
    assert response.status_code == expected, response.get_json()
    if expected >= 400:
        assert response.get_json()["error"]["code"] in ("unauthorized", "forbidden")
    if method == "POST":
        assert log_count(app) == (1 if expected == 200 else 0)


FLAG_EXPECTED = {"anonymous": 302, "member": 302, "suspended": 403, "moderator": 302, "admin": 302}
FLAG_API_EXPECTED = {
    "anonymous": 401,
    "member": 201,
    "suspended": 403,
    "moderator": 201,
    "admin": 201,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["experiences/{published}", "replies/{reply}"])
def test_flag_forms(client, auth, world, role, target):
    if role != "anonymous":
        auth.login(role)
    response = client.post(f"/{target.format(**world)}/flags", data={"reason": "spam"})
    assert response.status_code == FLAG_EXPECTED[role]
    if role == "anonymous":
        assert "/login" in response.headers["Location"]
    if role == "suspended":
        assert "suspended until" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["experiences/{published}", "replies/{reply}"])
def test_flag_endpoints(client, auth, world, role, target):
    headers = auth.headers(role) if role != "anonymous" else {}
    response = client.post(
        f"/api/v1/{target.format(**world)}/flags", json={"reason": "spam"}, headers=headers
    )
    assert response.status_code == FLAG_API_EXPECTED[role], response.get_json()
    if role == "suspended":
        assert "suspended until" in response.get_json()["error"]["message"]
