"""Signing in and out through the pages: remember-me, one message for every failure, safe `next`."""

import pytest

from forum.clock import utcnow
from tests.factories import TEST_PASSWORD, UserFactory


@pytest.fixture
def maple(ctx):
    return UserFactory(username="maple")


def signed_in_as(client) -> str | None:
    page = client.get("/").get_data(as_text=True)
    for name in ("maple", "birch"):
        if f"({name})" in page:
            return name
    return None


def test_login_page_shows_a_labelled_form(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<label for="username">' in page
    assert '<label for="password">' in page
    assert 'name="remember"' in page
    assert 'name="csrf_token"' in page


def test_signing_in_and_out(client, auth, maple):
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in_as(client) == "maple"
    assert auth.logout().status_code == 302
    assert signed_in_as(client) is None


def test_usernames_sign_in_in_any_letter_case(client, auth, maple):
    assert auth.login("MAPLE").status_code == 302
    assert signed_in_as(client) == "maple"


def test_logout_is_post_only(client, auth, maple):
    auth.login()
    assert client.get("/logout").status_code == 405
    assert signed_in_as(client) == "maple"


def test_remember_me_sets_a_remember_cookie(client, auth, maple):
    auth.login(remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    assert cookie.http_only


def test_without_remember_me_there_is_no_remember_cookie(client, auth, maple):
    auth.login()
    assert client.get_cookie("remember_token") is None


def test_the_remember_cookie_alone_signs_the_member_back_in(client, auth, maple):
    auth.login(remember=True)
    client.delete_cookie("session")
    assert signed_in_as(client) == "maple"


def test_a_failed_login_says_the_same_for_unknown_user_and_wrong_password(client, auth, maple):
    unknown = auth.login("nobody", TEST_PASSWORD)
    wrong = auth.login("maple", "wrong password!")
    assert unknown.status_code == wrong.status_code == 401
    message = "That username and password do not match an account."
    assert message in unknown.get_data(as_text=True)
    assert message in wrong.get_data(as_text=True)
    assert unknown.get_data() == wrong.get_data().replace(b'value="maple"', b'value="nobody"')
    assert signed_in_as(client) is None


def test_missing_credentials_are_field_errors(client):
    response = client.post("/login", data={})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="username-errors"' in page
    assert 'id="password-errors"' in page


def test_a_protected_page_sends_visitors_to_sign_in_and_back(client, auth, maple):
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fprofile"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" value="/profile"' in page
    response = client.post(
        "/login", data={"username": "maple", "password": TEST_PASSWORD, "next": "/profile"}
    )
    assert response.headers["Location"] == "/profile"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/",
        "http:evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " //evil.example",
        "evil.example",
        "%2F%2Fevil.example",
    ],
)
def test_next_cannot_leave_the_site(client, maple, target):
    response = client.post(
        "/login", data={"username": "maple", "password": TEST_PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "query",
    ["%2F%2Fevil.example", "%2F%5Cevil.example", "https%3A%2F%2Fevil.example", "%2F%09%2Fevil"],
)
def test_encoded_next_in_the_query_cannot_leave_the_site(client, maple, query):
    response = client.post(
        f"/login?next={query}", data={"username": "maple", "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_a_doubly_encoded_next_stays_a_path_on_this_site(client, maple):
    response = client.post(
        "/login?next=/%252F%252Fevil.example",
        data={"username": "maple", "password": TEST_PASSWORD},
    )
    assert response.headers["Location"] == "/%2F%2Fevil.example"


def test_signed_in_members_visiting_login_follow_only_a_safe_next(client, auth, maple):
    auth.login()
    assert client.get("/login?next=/profile").headers["Location"] == "/profile"
    assert client.get("/login?next=//evil.example").headers["Location"] == "/"


def test_a_deleted_account_cannot_sign_in(client, auth, ctx):
    UserFactory(username="maple", deleted_at=utcnow())
    assert auth.login().status_code == 401


def test_navigation_shows_who_is_signed_in(client, auth, maple):
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="/login">Sign in</a>' in page
    assert 'href="/register">Join</a>' in page
    assert "Personal experiences, not medical advice." in page
    auth.login()
    page = client.get("/").get_data(as_text=True)
    assert '<span class="who">(maple)</span>' in page
    assert '<form method="post" action="/logout"' in page
    assert 'href="/login">Sign in</a>' not in page
