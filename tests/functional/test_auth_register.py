"""Registration through the page: accounts, form errors beside fields, private e-mails."""

import pytest
from sqlalchemy import select

from forum.auth.schemas import UserSchema
from forum.extensions import db
from forum.models import User
from tests.factories import TEST_PASSWORD, UserFactory


def register(client, username="maple", email="maple@example.org", password=TEST_PASSWORD):
    return client.post(
        "/register", data={"username": username, "email": email, "password": password}
    )


def test_register_page_shows_a_labelled_form(client):
    page = client.get("/register").get_data(as_text=True)
    assert '<label for="username">' in page
    assert '<label for="email">' in page
    assert '<label for="password">' in page
    assert 'name="csrf_token"' in page


def test_registering_creates_the_member_and_signs_them_in(client, app):
    response = register(client, email=" Maple@Example.ORG ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/profile"
    assert "(maple)" in client.get("/").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.username, user.username_key, user.email, user.role) == (
            "maple",
            "maple",
            "maple@example.org",
            "member",
        )


@pytest.mark.parametrize("taken", ["maple", "MAPLE", "Maple"])
def test_a_username_taken_in_any_letter_case_is_a_form_error(client, ctx, taken):
    UserFactory(username="maple")
    response = register(client, username=taken, email="other@example.org")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<ul class="field-errors" id="username-errors">' in page
    assert "That username is taken." in page
    assert f'value="{taken}"' in page, "the typed username is kept"
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


def test_a_used_email_answers_as_a_new_account_and_creates_none(client, ctx):
    # Contract §6 (finding 5): the page must not tell whether an address is a member's.
    UserFactory(username="maple", email="maple@example.org")
    response = register(client, username="birch", email="MAPLE@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/profile"
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("username", "ab"),
        ("username", "x" * 31),
        ("username", "has space"),
        ("username", "maple\n"),
        ("username", "<script>"),
        ("email", "not-an-email"),
        ("email", "a" * 250 + "@example.org"),
        ("password", "short"),
        ("password", "p" * 1001),
    ],
)
def test_invalid_fields_are_explained_beside_the_field(client, field, value):
    data = {"username": "maple", "email": "maple@example.org", "password": TEST_PASSWORD}
    data[field] = value
    response = client.post("/register", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-errors"' in page
    assert 'aria-invalid="true"' in page
    assert "<script>" not in page, "typed values are escaped"


def test_missing_fields_are_each_required(client):
    response = client.post("/register", data={})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("username", "email", "password"):
        assert f'id="{field}-errors"' in page
    assert page.count("This field is required.") == 3


def test_the_password_is_never_echoed_back(client):
    response = register(client, username="x")
    assert response.status_code == 422
    assert TEST_PASSWORD not in response.get_data(as_text=True)


def test_passwords_are_stored_as_scrypt_hashes(client, ctx):
    register(client)
    user = db.session.scalar(select(User))
    assert user.password_hash.startswith("scrypt:")
    assert TEST_PASSWORD not in user.password_hash


def test_signed_in_members_are_sent_home_from_the_register_page(client):
    register(client)
    response = client.get("/register")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_an_email_is_never_shown_to_other_members(client, auth, ctx):
    UserFactory(username="maple", email="maple.secret@example.org")
    UserFactory(username="birch", email="birch@example.org")
    auth.login("birch")
    for path in ("/", "/profile"):
        assert "maple.secret" not in client.get(path).get_data(as_text=True)
    headers = auth.headers("birch")
    assert "maple.secret" not in client.get("/api/v1/me", headers=headers).get_data(as_text=True)
    # The public shape of a member, used wherever other members appear, has no e-mail at all.
    maple = db.session.scalar(select(User).where(User.username == "maple"))
    assert "email" not in UserSchema().dump(maple)
