"""Finding 6: signing out ends the session server-side; signing in starts a fresh one."""

import re

import pytest
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE

from tests.conftest import serving
from tests.factories import TEST_PASSWORD, UserFactory

SESSION_COOKIE = "session"


def token_from(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no csrf_token field"
    return match.group(1)


def cookie(client, name):
    found = client.get_cookie(name)
    return found.value if found else None


def sign_in(client, *, remember=False, csrf=None):
    data = {"username": "maple", "password": TEST_PASSWORD}
    if remember:
        data["remember"] = "on"
    if csrf is not None:
        data["csrf_token"] = csrf
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def opens_profile(app, **cookies) -> bool:
    """Whether a browser holding only these copied cookies is signed in."""
    thief = app.test_client()
    for name, value in cookies.items():
        if value is not None:
            thief.set_cookie(name, value)
    return thief.get("/profile").status_code == 200


@pytest.fixture
def member_app(tmp_path):
    with serving(tmp_path) as app:
        with app.app_context():
            UserFactory(username="maple")
        yield app


@pytest.mark.parametrize("kept", ["session", "remember", "both"])
def test_cookies_copied_before_sign_out_are_dead_after_it(member_app, kept):
    client = member_app.test_client()
    sign_in(client, remember=True)
    copies = {
        SESSION_COOKIE: cookie(client, SESSION_COOKIE) if kept != "remember" else None,
        REMEMBER_COOKIE: cookie(client, REMEMBER_COOKIE) if kept != "session" else None,
    }
    assert opens_profile(member_app, **copies), "the copies work while signed in"
    assert client.post("/logout").status_code == 302
    assert client.get("/profile").status_code == 302
    assert not opens_profile(member_app, **copies)


def test_signing_out_ends_the_other_browsers_too(member_app):
    laptop, phone = member_app.test_client(), member_app.test_client()
    sign_in(laptop)
    sign_in(phone, remember=True)
    laptop.post("/logout")
    assert phone.get("/profile").status_code == 302


def test_signing_in_again_after_sign_out_works(member_app):
    client = member_app.test_client()
    sign_in(client)
    client.post("/logout")
    sign_in(client)
    assert client.get("/profile").status_code == 200


@pytest.fixture
def csrf_app(tmp_path):
    with serving(tmp_path, WTF_CSRF_ENABLED=True) as app:
        with app.app_context():
            UserFactory(username="maple")
        yield app


def test_a_csrf_token_from_before_sign_in_is_refused_after_it(csrf_app):
    client = csrf_app.test_client()
    anonymous_token = token_from(client.get("/login").get_data(as_text=True))
    sign_in(client, csrf=anonymous_token)
    stale = client.post("/profile", data={"onset": "injury", "csrf_token": anonymous_token})
    assert stale.status_code == 400
    fresh_token = token_from(client.get("/profile").get_data(as_text=True))
    assert fresh_token != anonymous_token
    fresh = client.post("/profile", data={"onset": "injury", "csrf_token": fresh_token})
    assert fresh.status_code == 302


def test_the_session_cookie_changes_at_sign_in(csrf_app):
    client = csrf_app.test_client()
    token = token_from(client.get("/login").get_data(as_text=True))
    before = cookie(client, SESSION_COOKIE)
    sign_in(client, csrf=token)
    after = cookie(client, SESSION_COOKIE)
    assert before and after and before != after
    # The anonymous cookie, replayed, is not signed in and its CSRF token is dead.
    assert not opens_profile(csrf_app, **{SESSION_COOKIE: before})
