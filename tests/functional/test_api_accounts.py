"""The accounts API: register, tokens (issue, expiry, revocation), /me and the taxonomy."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from forum.clock import utcnow
from forum.extensions import db
from forum.models import ApiToken, User
from tests.factories import TEST_PASSWORD, UserFactory

NEW_MEMBER = {"username": "maple", "email": "Maple@Example.org", "password": TEST_PASSWORD}


@pytest.fixture
def maple(app):
    with app.app_context():
        UserFactory(username="maple", email="maple@example.org")


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_register_returns_the_new_member(client, app):
    response = client.post("/api/v1/auth/register", json=NEW_MEMBER)
    assert response.status_code == 201
    user = response.get_json()["user"]
    assert user["username"] == "maple"
    assert user["email"] == "maple@example.org"
    assert user["role"] == "member"
    assert user["created_at"].endswith("Z")
    assert "password" not in user
    assert "password_hash" not in user
    with app.app_context():
        assert db.session.scalar(select(User.password_hash)).startswith("scrypt:")


@pytest.mark.parametrize("username", ["maple", "MAPLE", "mApLe"])
def test_register_a_taken_username_in_any_case_is_409(client, maple, username):
    response = client.post(
        "/api/v1/auth/register", json={**NEW_MEMBER, "username": username, "email": "x@y.org"}
    )
    assert response.status_code == 409
    assert response.get_json() == {
        "error": {
            "code": "conflict",
            "message": "That username is taken.",
            "fields": {"username": ["That username is taken."]},
        }
    }


def test_register_a_used_email_answers_201_and_creates_nothing(client, app, maple):
    # Contract §6 (finding 5): exactly as a new registration answers, and no account.
    response = client.post("/api/v1/auth/register", json={**NEW_MEMBER, "username": "birch"})
    assert response.status_code == 201
    assert response.get_json()["user"]["username"] == "birch"
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username_key == "birch")) is None


def test_a_token_is_issued_once_and_only_its_hash_is_stored(client, app, maple):
    response = client.post(
        "/api/v1/auth/tokens", json={"username": "Maple", "password": TEST_PASSWORD}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"}
    assert len(body["token"]) >= 32
    assert body["expires_at"].endswith("Z")
    with app.app_context():
        record = db.session.scalar(select(ApiToken))
        assert record.token_hash != body["token"]
        assert body["token"] not in record.token_hash
        lifetime = record.expires_at - record.created_at
        assert timedelta(days=29) < lifetime <= timedelta(days=30)


def test_each_token_request_gives_a_new_token(client, auth, maple):
    assert auth.token() != auth.token()


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "maple", "password": "wrong password"},
        {"username": "nobody", "password": TEST_PASSWORD},
    ],
)
def test_bad_credentials_are_401_with_one_message(client, maple, credentials):
    response = client.post("/api/v1/auth/tokens", json=credentials)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.get_json() == {
        "error": {
            "code": "unauthorized",
            "message": "That username and password do not match an account.",
        }
    }


def test_me_shows_the_caller_their_own_account(client, auth, maple):
    response = client.get("/api/v1/me", headers=auth.headers())
    assert response.status_code == 200
    body = response.get_json()
    assert body["username"] == "maple"
    assert body["email"] == "maple@example.org"
    assert body["suspended_until"] is None
    assert {key: body[key] for key in ("onset", "condition", "symptom", "age_band")} == {
        "onset": None,
        "condition": None,
        "symptom": None,
        "age_band": None,
    }


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer ",
        "Bearer not-a-token",
        "Basic bWFwbGU6cGFzcw==",
        "Bearer " + "x" * 500,
    ],
)
def test_me_without_a_valid_token_is_401(client, maple, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_the_api_ignores_a_signed_in_browser_session(client, auth, maple):
    assert auth.login().status_code == 302
    assert "(maple)" in client.get("/").get_data(as_text=True)
    assert client.get("/api/v1/me").status_code == 401
    assert client.patch("/api/v1/me", json={"onset": "injury"}).status_code == 401


def test_an_expired_token_is_refused(client, app, auth, maple):
    token = auth.token()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    with app.app_context():
        db.session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == "The token is missing, expired or revoked."


def test_revoking_the_current_token(client, auth, maple):
    kept, revoked = auth.token(), auth.token()
    response = client.delete("/api/v1/auth/tokens/current", headers=bearer(revoked))
    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=bearer(revoked)).status_code == 401
    assert client.delete("/api/v1/auth/tokens/current", headers=bearer(revoked)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(kept)).status_code == 200, "others still work"


def test_revoking_needs_a_token(client):
    assert client.delete("/api/v1/auth/tokens/current").status_code == 401


def test_a_deleted_members_tokens_stop_working(client, app, auth, maple):
    token = auth.token()
    with app.app_context():
        db.session.execute(update(User).values(deleted_at=utcnow()))
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_patch_me_sets_and_clears_profile_fields(client, auth, maple):
    headers = auth.headers()
    response = client.patch(
        "/api/v1/me",
        headers=headers,
        json={"onset": "sedentary", "condition": "both", "symptom": "sleep", "age_band": "60_plus"},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["onset"], body["condition"], body["symptom"], body["age_band"]) == (
        "sedentary",
        "both",
        "sleep",
        "60_plus",
    )
    response = client.patch("/api/v1/me", headers=headers, json={"onset": None})
    body = response.get_json()
    assert body["onset"] is None
    assert body["condition"] == "both", "fields not sent are left alone"
    assert client.get("/api/v1/me", headers=headers).get_json()["onset"] is None


def test_patch_me_with_an_empty_object_changes_nothing(client, auth, maple):
    headers = auth.headers()
    client.patch("/api/v1/me", headers=headers, json={"symptom": "pain"})
    response = client.patch("/api/v1/me", headers=headers, json={})
    assert response.status_code == 200
    assert response.get_json()["symptom"] == "pain"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"onset": "bored"}, "onset"),
        ({"condition": "FIBROMYALGIA"}, "condition"),
        ({"symptom": 3}, "symptom"),
        ({"age_band": ["40s"]}, "age_band"),
        ({"email": "new@example.org"}, "email"),
        ({"role": "admin"}, "role"),
        ({"favourite": "walking"}, "favourite"),
    ],
)
def test_patch_me_refuses_bad_keys_and_unknown_fields(client, app, auth, maple, body, field):
    response = client.patch("/api/v1/me", headers=auth.headers(), json=body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert list(error["fields"]) == [field]
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.role, user.email) == ("member", "maple@example.org")


CONTRACT_VOCABULARY = {
    "onset": ["sedentary", "injury", "illness", "stress", "gradual", "other"],
    "condition": ["fibromyalgia", "me_cfs", "both", "suspected", "other"],
    "symptom": ["pain", "fatigue", "sleep", "mixed"],
    "age_band": ["under_30", "30s", "40s", "50s", "60_plus"],
    "exercise": [
        "walking", "yoga", "tai_chi", "qigong", "stretching", "pilates", "swimming",
        "aquatic_therapy", "cycling", "strength", "running", "hiit", "dance", "physio", "other",
    ],
    "intensity": ["gentle", "moderate", "vigorous"],
    "outcome": ["helped_a_lot", "helped", "no_change", "worse", "much_worse"],
    "flare": ["none", "same_day", "next_day", "later"],
    "effect": ["better", "same", "worse"],
    "status": ["pending", "published", "rejected", "hidden", "deleted", "draft"],
    "role": ["member", "moderator", "admin"],
}  # fmt: skip


def test_taxonomy_lists_every_contract_key_with_a_label(client):
    response = client.get("/api/v1/taxonomy")
    assert response.status_code == 200
    lists = response.get_json()
    for name, keys in CONTRACT_VOCABULARY.items():
        assert [item["key"] for item in lists[name]] == keys, name
        assert all(item["label"].strip() for item in lists[name]), name


def test_taxonomy_gives_outcome_scores(client):
    outcomes = client.get("/api/v1/taxonomy").get_json()["outcome"]
    assert {item["key"]: item["score"] for item in outcomes} == {
        "helped_a_lot": 2,
        "helped": 1,
        "no_change": 0,
        "worse": -1,
        "much_worse": -2,
    }
