"""Quick answers ("I tried this too"): one per member per exercise, no text, no review."""

import pytest

from forum.extensions import db
from forum.models import QuickAnswer, User
from tests.factories import UserFactory

URL = "/api/v1/exercises/{}/my-answer"


@pytest.fixture
def member(app, auth):
    with app.app_context():
        UserFactory(username="maple", onset="injury", condition="fibromyalgia", age_band="40s")
    return auth.headers("maple")


def test_put_get_replace_delete(app, client, member):
    assert client.get(URL.format("tai_chi"), headers=member).status_code == 404
    response = client.put(
        URL.format("tai_chi"), json={"outcome": "helped", "flare": "none"}, headers=member
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["exercise"] == "tai_chi" and body["outcome"] == "helped"
    # Copied from the profile as it was when answering.
    assert (body["onset"], body["condition"], body["age_band"]) == ("injury", "fibromyalgia", "40s")
    with app.app_context():
        maple = db.session.scalar(db.select(User).filter_by(username="maple"))
        maple.onset = "stress"
        db.session.commit()
    assert client.get(URL.format("tai_chi"), headers=member).get_json()["onset"] == "injury"

    replaced = client.put(
        URL.format("tai_chi"), json={"outcome": "much_worse", "flare": "next_day"}, headers=member
    )
    assert replaced.status_code == 200
    assert replaced.get_json()["onset"] == "stress"
    with app.app_context():
        answers = db.session.scalars(db.select(QuickAnswer)).all()
        assert [(a.exercise, a.outcome, a.flare) for a in answers] == [
            ("tai_chi", "much_worse", "next_day")
        ]
    assert client.get(URL.format("tai_chi"), headers=member).get_json()["outcome"] == "much_worse"

    assert client.delete(URL.format("tai_chi"), headers=member).status_code == 204
    assert client.get(URL.format("tai_chi"), headers=member).status_code == 404
    assert client.delete(URL.format("tai_chi"), headers=member).status_code == 404


def test_unknown_exercise_and_bad_fields(client, member):
    unknown = client.put(URL.format("juggling"), json={"outcome": "helped", "flare": "none"},
                         headers=member)  # fmt: skip
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]["code"]
    assert client.get(URL.format("juggling"), headers=member).status_code == 404
    bad = client.put(URL.format("yoga"), json={"outcome": "great", "flare": "none"}, headers=member)
    assert bad.status_code == 422 and "outcome" in bad.get_json()["error"]["fields"]
    text = client.put(
        URL.format("yoga"),
        json={"outcome": "helped", "flare": "none", "body": "hi"},
        headers=member,
    )
    assert text.status_code == 422
    assert (
        client.put(URL.format("yoga"), json={"outcome": "helped"}, headers=member).status_code
        == 422
    )


def test_members_only(client):
    assert (
        client.put(URL.format("yoga"), json={"outcome": "helped", "flare": "none"}).status_code
        == 401
    )
    assert client.get(URL.format("yoga")).status_code == 401
    assert client.delete(URL.format("yoga")).status_code == 401


def test_suspended_member_cannot_answer(app, client, auth):
    from datetime import timedelta

    from forum.clock import utcnow

    with app.app_context():
        UserFactory(username="quiet", suspended_until=utcnow() + timedelta(days=2))
    response = client.put(
        URL.format("yoga"),
        json={"outcome": "helped", "flare": "none"},
        headers=auth.headers("quiet"),
    )
    assert response.status_code == 403


def test_quick_answers_are_rate_limited(tmp_path):
    from tests.conftest import make_app

    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_QUICK_ANSWER="2 per minute")
    client = app.test_client()
    with app.app_context():
        UserFactory(username="maple")
    token = client.post(
        "/api/v1/auth/tokens", json={"username": "maple", "password": "correct horse battery"}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    body = {"outcome": "helped", "flare": "none"}
    statuses = [client.put(URL.format("yoga"), json=body, headers=headers).status_code
                for _ in range(3)]  # fmt: skip
    assert statuses == [200, 200, 429]
