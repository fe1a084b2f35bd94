"""CSRF: every form carries a token and a form posted without one is refused."""

import re

import pytest

from forum.extensions import db
from tests.conftest import make_app
from tests.factories import TEST_PASSWORD, ExperienceFactory, UserFactory


@pytest.fixture
def csrf_app(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        UserFactory(username="maple")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def csrf_client(csrf_app):
    return csrf_app.test_client()


def token_from(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no csrf_token field"
    return match.group(1)


def sign_in(client) -> None:
    token = token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"username": "maple", "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/register", "/login"])
def test_forms_for_visitors_carry_a_csrf_token(csrf_client, path):
    page = csrf_client.get(path).get_data(as_text=True)
    forms = re.findall(r'<form method="post".*?</form>', page, re.S)
    assert forms
    for form in forms:
        assert 'name="csrf_token"' in form


def test_forms_for_members_carry_a_csrf_token(csrf_client):
    sign_in(csrf_client)
    for path in ("/", "/profile"):
        page = csrf_client.get(path).get_data(as_text=True)
        forms = re.findall(r'<form method="post".*?</form>', page, re.S)
        assert forms, path
        for form in forms:
            assert 'name="csrf_token"' in form, path


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/register", {"username": "birch", "email": "b@example.org", "password": TEST_PASSWORD}),
        ("/login", {"username": "maple", "password": TEST_PASSWORD}),
    ],
)
def test_a_form_posted_without_its_token_is_refused(csrf_client, path, data):
    response = csrf_client.post(path, data=data)
    assert response.status_code == 400
    assert "This form has expired or was sent from elsewhere." in response.get_data(as_text=True)


def test_a_form_posted_with_a_forged_token_is_refused(csrf_client):
    response = csrf_client.post(
        "/login", data={"username": "maple", "password": TEST_PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 400


def test_profile_and_logout_need_the_token_too(csrf_client):
    sign_in(csrf_client)
    assert csrf_client.post("/profile", data={"onset": "injury"}).status_code == 400
    assert csrf_client.post("/logout").status_code == 400
    assert "(maple)" in csrf_client.get("/").get_data(as_text=True), "still signed in"
    token = token_from(csrf_client.get("/profile").get_data(as_text=True))
    assert (
        csrf_client.post("/profile", data={"onset": "injury", "csrf_token": token}).status_code
        == 302
    )
    assert csrf_client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_the_api_needs_no_csrf_token(csrf_client):
    response = csrf_client.post(
        "/api/v1/auth/tokens", json={"username": "maple", "password": TEST_PASSWORD}
    )
    assert response.status_code == 201


def every_page(app, experience_id: int) -> list[str]:
    """Every HTML page the app serves by GET, an experience standing in for any id."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(("/api", "/static")):
            continue
        if any(not name.endswith("_id") for name in rule.arguments):
            continue
        with app.test_request_context():
            paths.append(app.url_for(rule.endpoint, **dict.fromkeys(rule.arguments, experience_id)))
    return paths


def test_every_form_on_every_page_carries_a_csrf_token(csrf_app):
    with csrf_app.app_context():
        UserFactory(username="birch", role="admin")
        experience_id = ExperienceFactory().id
    client = csrf_app.test_client()
    token = token_from(client.get("/login").get_data(as_text=True))
    client.post(
        "/login", data={"username": "birch", "password": TEST_PASSWORD, "csrf_token": token}
    )
    pages_with_forms = 0
    for path in every_page(csrf_app, experience_id):
        page = client.get(path).get_data(as_text=True)
        forms = re.findall(r"<form\b[^>]*>.*?</form>", page, re.S | re.I)
        for form in forms:
            if re.search(r'method="post"', form, re.I):
                assert 'name="csrf_token"' in form, f"a form on {path} has no CSRF token"
        pages_with_forms += bool(forms)
    assert pages_with_forms >= 3
