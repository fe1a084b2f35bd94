"""Abuse limits through the pages and the API: who is counted, what counts, and the 429 answer."""

from datetime import timedelta

import pytest
from flask import Flask

from forum.clock import utcnow
from forum.config import RATE_LIMIT_DEFAULTS
from forum.extensions import db
from tests.conftest import make_app
from tests.factories import TEST_PASSWORD, ExperienceFactory, ReplyFactory, UserFactory
from tests.unit.test_experiences_service import VALID

ELSEWHERE = {"REMOTE_ADDR": "10.9.8.7"}
FORM = {
    "title": "Walking after lunch, ten minutes",
    "body": "I began with ten minutes after lunch and added a minute a week.",
    "exercises": "walking",
    "intensity": "gentle",
    "outcome": "helped",
    "flare": "none",
}


@pytest.fixture
def limited(tmp_path):
    """An app with limits on (the test default is off), the usual members, and a client."""
    app = make_app(tmp_path, RATELIMIT_ENABLED=True)
    with app.app_context():
        UserFactory(username="maple")
        UserFactory(username="birch")
        UserFactory(
            username="oak",
            approvals_toward_trust=3,
            created_at=utcnow() - timedelta(days=30),
        )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def configure(app: Flask, **rates) -> None:
    """Rates are read per request, so a test may tighten them after the app is built."""
    app.config.update(rates)


def sign_in(client, username="maple", password=TEST_PASSWORD, **kwargs):
    return client.post("/login", data={"username": username, "password": password}, **kwargs)


def token_for(client, username, password=TEST_PASSWORD, **kwargs):
    body = {"username": username, "password": password}
    return client.post("/api/v1/auth/tokens", json=body, **kwargs)


def bearer(client, username) -> dict:
    return {"Authorization": f"Bearer {token_for(client, username).get_json()['token']}"}


def assert_rate_limited_json(response, most_seconds: int) -> None:
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= most_seconds


def assert_rate_limited_page(response, most_seconds: int) -> None:
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= most_seconds
    page = response.get_data(as_text=True)
    # The generic page or a form sent back (tests/functional/test_limited_forms.py): both say why.
    assert "in a short time" in page and "back button" not in page
    assert response.mimetype == "text/html"


def test_failed_sign_ins_slow_down_per_account_from_any_address(limited):
    configure(limited, RATELIMIT_SIGN_IN_FAILURES_PER_ACCOUNT="3 per minute")
    client = limited.test_client()
    for _ in range(3):
        assert sign_in(client, password="wrong password!").status_code == 401
    # Even the right password waits now, from another address, through the API, in any case.
    assert_rate_limited_page(sign_in(client), 60)
    assert_rate_limited_page(sign_in(client, "MAPLE", environ_base=ELSEWHERE), 60)
    assert_rate_limited_json(token_for(client, "maple", environ_base=ELSEWHERE), 60)
    # Another member is not held back by maple's attacker.
    assert sign_in(client, "birch").status_code == 302


def test_unknown_names_are_counted_like_known_ones(limited):
    configure(limited, RATELIMIT_SIGN_IN_FAILURES_PER_ACCOUNT="2 per minute")
    client = limited.test_client()
    for _ in range(2):
        assert token_for(client, "nobody-here", "whatever123").status_code == 401
    assert_rate_limited_json(token_for(client, "nobody-here", "whatever123"), 60)


def test_successful_sign_ins_do_not_count_as_failures(limited):
    configure(limited, RATELIMIT_SIGN_IN_FAILURES_PER_ACCOUNT="2 per minute")
    client = limited.test_client()
    for _ in range(4):
        assert token_for(client, "maple").status_code == 201


def test_sign_in_attempts_are_limited_per_address(limited):
    configure(limited, RATELIMIT_SIGN_IN_PER_ADDRESS="3 per minute")
    client = limited.test_client()
    for name in ("maple", "birch", "oak"):
        sign_in(client, name, "wrong password!")
    assert_rate_limited_page(sign_in(client, "birch"), 60)
    # Reading the form is never counted, and another address may still try.
    assert client.get("/login").status_code == 200
    assert sign_in(client, "birch", environ_base=ELSEWHERE).status_code == 302


def test_token_requests_are_limited_per_address(limited):
    configure(limited, RATELIMIT_TOKENS_PER_ADDRESS="2 per hour")
    client = limited.test_client()
    assert token_for(client, "maple").status_code == 201
    assert token_for(client, "birch").status_code == 201
    assert_rate_limited_json(token_for(client, "oak"), 3600)
    assert token_for(client, "oak", environ_base=ELSEWHERE).status_code == 201


def test_registration_is_limited_per_address_across_page_and_api(limited):
    configure(limited, RATELIMIT_REGISTER_PER_ADDRESS="2 per hour")
    client = limited.test_client()
    account = {"username": "cedar", "email": "cedar@example.org", "password": TEST_PASSWORD}
    assert client.post("/api/v1/auth/register", json=account).status_code == 201
    # The address is in use: answered as a new account would be (contract §6).
    assert client.post("/register", data={**account, "username": "cedar2"}).status_code == 302
    assert_rate_limited_json(client.post("/api/v1/auth/register", json=account), 3600)
    assert_rate_limited_page(client.post("/register", data=account), 3600)


def test_a_new_member_posts_at_most_every_30_seconds(limited):
    client = limited.test_client()
    headers = bearer(client, "maple")
    bad = client.post("/api/v1/experiences", json={**VALID, "title": "x"}, headers=headers)
    assert bad.status_code == 422  # refused input does not count against the author
    assert client.post("/api/v1/experiences", json=VALID, headers=headers).status_code == 201
    second = client.post("/api/v1/experiences", json=VALID, headers=headers)
    assert_rate_limited_json(second, 30)
    # The page shares the counter, and answers with the form again, everything still typed.
    client.post("/login", data={"username": "maple", "password": TEST_PASSWORD})
    limited_form = client.post("/experiences/new", data={**FORM, "tags": "lunch, pacing"})
    assert limited_form.status_code == 429
    assert 1 <= int(limited_form.headers["Retry-After"]) <= 30
    page = limited_form.get_data(as_text=True)
    assert "back button" not in page
    assert "Everything you typed is still here" in page
    assert f'value="{FORM["title"]}"' in page
    assert FORM["body"] in page
    assert 'value="lunch, pacing"' in page
    assert 'value="walking" checked' in page and 'value="helped" checked' in page
    assert client.get("/experiences/new").status_code == 200


def test_new_members_post_at_most_ten_a_day(limited):
    configure(limited, RATELIMIT_POST_NEW_MEMBER="10 per day")
    client = limited.test_client()
    headers = bearer(client, "maple")
    for _ in range(10):
        assert client.post("/api/v1/experiences", json=VALID, headers=headers).status_code == 201
    eleventh = client.post("/api/v1/experiences", json=VALID, headers=headers)
    assert_rate_limited_json(eleventh, 86400)
    assert int(eleventh.headers["Retry-After"]) > 86000


def test_the_default_rates_for_new_members_are_the_promised_ones():
    assert RATE_LIMIT_DEFAULTS["RATELIMIT_POST_NEW_MEMBER"] == "1 per 30 seconds;10 per day"
    assert RATE_LIMIT_DEFAULTS["RATELIMIT_FLAG"] == "20 per day"


def test_established_members_are_held_to_the_looser_rate(limited):
    configure(limited, RATELIMIT_POST_NEW_MEMBER="1 per hour", RATELIMIT_POST="3 per hour")
    client = limited.test_client()
    headers = bearer(client, "oak")
    for _ in range(3):
        assert client.post("/api/v1/experiences", json=VALID, headers=headers).status_code == 201
    assert_rate_limited_json(client.post("/api/v1/experiences", json=VALID, headers=headers), 3600)


def test_trusted_but_recently_joined_members_count_as_new(limited):
    configure(limited, RATELIMIT_POST_NEW_MEMBER="1 per hour", RATELIMIT_POST="3 per hour")
    with limited.app_context():
        UserFactory(username="ash", approvals_toward_trust=3)
    client = limited.test_client()
    headers = bearer(client, "ash")
    assert client.post("/api/v1/experiences", json=VALID, headers=headers).status_code == 201
    assert client.post("/api/v1/experiences", json=VALID, headers=headers).status_code == 429


def test_replies_are_limited_per_member(limited):
    configure(limited, RATELIMIT_REPLY_NEW_MEMBER="2 per minute")
    with limited.app_context():
        experience_id = ExperienceFactory().id
    client = limited.test_client()
    url = f"/api/v1/experiences/{experience_id}/replies"
    maple, birch = bearer(client, "maple"), bearer(client, "birch")
    reply = {"body": "The same happened to me after swimming."}
    for _ in range(2):
        assert client.post(url, json=reply, headers=maple).status_code == 201
    assert_rate_limited_json(client.post(url, json=reply, headers=maple), 60)
    assert client.post(url, json=reply, headers=birch).status_code == 201
    # The page shares the counter and gives the reply form back with the text in it.
    client.post("/login", data={"username": "maple", "password": TEST_PASSWORD})
    typed = "A long reply I would hate to type again."
    page = client.post(f"/experiences/{experience_id}/replies", data={"body": typed})
    assert page.status_code == 429
    assert typed in page.get_data(as_text=True)
    assert "back button" not in page.get_data(as_text=True)


def test_flags_are_limited_per_member_across_items_and_surfaces(limited):
    configure(limited, RATELIMIT_FLAG="2 per day")
    with limited.app_context():
        first, second, third = (ExperienceFactory() for _ in range(3))
        reply_id = ReplyFactory(experience_id=first.id).id
        ids = (first.id, second.id, third.id)
    client = limited.test_client()
    headers = bearer(client, "maple")
    flag = {"reason": "spam"}

    def flag_via_api(path):
        return client.post(f"/api/v1/{path}/flags", json=flag, headers=headers)

    assert flag_via_api(f"experiences/{ids[0]}").status_code == 201
    assert flag_via_api(f"replies/{reply_id}").status_code == 201
    assert_rate_limited_json(flag_via_api(f"experiences/{ids[1]}"), 86400)
    sign_in(client)
    assert_rate_limited_page(client.post(f"/experiences/{ids[2]}/flags", data=flag), 86400)


def test_account_changes_are_limited_per_member(limited):
    configure(limited, RATELIMIT_ACCOUNT_CHANGES="2 per hour")
    client = limited.test_client()
    headers = bearer(client, "maple")
    assert client.get("/api/v1/me/export", headers=headers).status_code == 200
    wrong = {"current_password": "not my password", "new_password": "a brand new password"}
    assert client.post("/api/v1/me/password", json=wrong, headers=headers).status_code == 422
    assert_rate_limited_json(client.get("/api/v1/me/export", headers=headers), 3600)


def test_the_test_default_leaves_limits_off(app, client, ctx):
    UserFactory(username="maple")
    for _ in range(12):
        assert sign_in(client, password="wrong password!").status_code == 401


@pytest.mark.parametrize(("proxies", "limited_after_moving"), [(0, True), (1, False)])
def test_forwarded_addresses_count_only_behind_a_trusted_proxy(
    tmp_path, proxies, limited_after_moving
):
    app = make_app(
        tmp_path,
        RATELIMIT_ENABLED=True,
        RATELIMIT_TOKENS_PER_ADDRESS="1 per hour",
        TRUSTED_PROXY_COUNT=proxies,
    )
    try:
        client = app.test_client()
        first = {"X-Forwarded-For": "203.0.113.1"}
        assert token_for(client, "anyone", headers=first).status_code == 401
        # A client naming another address gets a fresh count only if a proxy we trust says so.
        moved = token_for(client, "anyone", headers={"X-Forwarded-For": "203.0.113.2"})
        assert (moved.status_code == 429) is limited_after_moving
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
