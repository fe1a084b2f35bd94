"""Changing the password: the current one is checked, every other session and token ends."""

import pytest

from tests.factories import TEST_PASSWORD, UserFactory

NEW_PASSWORD = "a fresh long passphrase"
FORM = {
    "current_password": TEST_PASSWORD,
    "new_password": NEW_PASSWORD,
    "new_password_again": NEW_PASSWORD,
}


@pytest.fixture
def maple(ctx):
    return UserFactory(username="maple")


def test_the_page_needs_a_signed_in_member(client):
    response = client.get("/profile/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_profile_links_to_password_export_and_deletion(client, auth, maple):
    auth.login()
    page = client.get("/profile").get_data(as_text=True)
    assert 'href="/profile/password"' in page
    assert 'href="/profile/export" download' in page
    assert 'href="/profile/delete"' in page


def test_changing_keeps_this_browser_and_ends_every_other_session_and_token(
    app, client, auth, maple
):
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"username": "maple", "password": TEST_PASSWORD})
    remembered = app.test_client()
    remembered.post(
        "/login", data={"username": "maple", "password": TEST_PASSWORD, "remember": "on"}
    )
    remembered.delete_cookie("session")  # only the remember-me cookie is left
    assert remembered.get("/profile").status_code == 200
    token = auth.token()
    auth.login()

    response = client.post("/profile/password", data=FORM)
    assert response.status_code == 302
    assert response.headers["Location"] == "/profile"

    assert client.get("/profile").status_code == 200
    assert elsewhere.get("/profile").status_code == 302
    assert remembered.get("/profile").status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    auth.logout()
    assert auth.login(password=TEST_PASSWORD).status_code == 401
    assert auth.login(password=NEW_PASSWORD).status_code == 302


def test_a_remembered_browser_stays_remembered_after_its_own_change(client, auth, maple):
    auth.login(remember=True)
    response = client.post("/profile/password", data=FORM)
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))
    client.delete_cookie("session")
    assert client.get("/profile").status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"current_password": "not my password"}, "current_password", "not your current password"),
        ({"new_password_again": "something else entirely"}, "new_password_again", "not the same"),
        (
            {"new_password": "short", "new_password_again": "short"},
            "new_password",
            "at least 10 characters",
        ),
        ({"current_password": ""}, "current_password", "required"),
    ],
)
def test_mistakes_are_shown_beside_the_field_and_change_nothing(
    client, auth, maple, changes, field, message
):
    auth.login()
    response = client.post("/profile/password", data={**FORM, **changes})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-errors"' in page
    assert message in page
    assert TEST_PASSWORD not in page and NEW_PASSWORD not in page
    auth.logout()
    assert auth.login().status_code == 302


def test_the_api_changes_it_and_revokes_every_token_including_its_own(client, auth, maple):
    headers, other = auth.headers(), auth.headers()
    body = {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD}
    response = client.post("/api/v1/me/password", json=body, headers=headers)
    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/api/v1/me", headers=other).status_code == 401
    assert client.get("/api/v1/me", headers=auth.headers(password=NEW_PASSWORD)).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_password": "wrong wrong", "new_password": NEW_PASSWORD}, "current_password"),
        ({"current_password": TEST_PASSWORD, "new_password": "short"}, "new_password"),
        ({"current_password": TEST_PASSWORD}, "new_password"),
        ({**FORM}, "new_password_again"),  # the page's confirmation is not an API field
    ],
)
def test_the_api_refuses_bad_input_with_422_naming_the_field(client, auth, maple, body, field):
    headers = auth.headers()
    response = client.post("/api/v1/me/password", json=body, headers=headers)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_the_api_needs_a_token_and_a_json_object(client, auth, maple):
    assert client.post("/api/v1/me/password", json={}).status_code == 401
    response = client.post("/api/v1/me/password", data="{oops", headers=auth.headers())
    assert response.status_code == 400
