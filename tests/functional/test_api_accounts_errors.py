"""Bad input on every accounts endpoint, and every API failure, answered in the contract's shape."""

import pytest
from flask import abort

from forum.extensions import db
from tests.conftest import make_app
from tests.factories import TEST_PASSWORD, UserFactory

# Every accounts endpoint that reads a body: (method, path, a valid body).
ENDPOINTS = {
    "register": (
        "POST",
        "/api/v1/auth/register",
        {"username": "birch", "email": "b@example.org", "password": TEST_PASSWORD},
    ),
    "tokens": ("POST", "/api/v1/auth/tokens", {"username": "maple", "password": TEST_PASSWORD}),
    "me": ("PATCH", "/api/v1/me", {"onset": "injury"}),
}


@pytest.fixture
def call(client, app, auth):
    """Send a request to one of ENDPOINTS; /me gets a valid token."""
    with app.app_context():
        UserFactory(username="maple")
    headers = auth.headers()

    def send(endpoint, **kwargs):
        method, path, _ = ENDPOINTS[endpoint]
        return client.open(path, method=method, headers=headers, **kwargs)

    return send


def assert_error_shape(response, status: int, code: str) -> dict:
    """The response is exactly {"error": {"code", "message", "fields"?}} with this status."""
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert list(body) == ["error"]
    error = body["error"]
    assert set(error) in ({"code", "message"}, {"code", "message", "fields"})
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    if "fields" in error:
        assert error["fields"]
        for messages in error["fields"].values():
            assert messages and all(isinstance(message, str) for message in messages)
    assert "Traceback" not in response.get_data(as_text=True)
    return error


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b'{"username": }',
        b"\xff\xfe not utf-8",
        b"[]",
        b'"text"',
        b"42",
        b"null",
        b"true",
        b"[" * 100_000,
        b'{"a": ' + b"1" * 5000 + b"}",
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(call, endpoint, body):
    response = call(endpoint, data=body, content_type="application/json")
    assert_error_shape(response, 400, "bad_request")


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_body_sent_as_something_else_is_400(call, endpoint, content_type):
    response = call(endpoint, data="username=maple&password=x", content_type=content_type)
    assert_error_shape(response, 400, "bad_request")


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_unknown_keys_are_422_naming_them(call, endpoint):
    _, _, valid = ENDPOINTS[endpoint]
    response = call(endpoint, json={**valid, "is_admin": True})
    error = assert_error_shape(response, 422, "validation_error")
    assert error["fields"] == {"is_admin": ["Unknown field."]}


@pytest.mark.parametrize(
    ("endpoint", "missing"),
    [("register", "username"), ("register", "email"), ("register", "password"),
     ("tokens", "username"), ("tokens", "password")],
)  # fmt: skip
def test_missing_fields_are_422_naming_them(call, endpoint, missing):
    _, _, valid = ENDPOINTS[endpoint]
    body = {key: value for key, value in valid.items() if key != missing}
    error = assert_error_shape(call(endpoint, json=body), 422, "validation_error")
    assert error["fields"] == {missing: ["This field is required."]}


@pytest.mark.parametrize(
    ("endpoint", "field", "value"),
    [
        ("register", "username", 12345),
        ("register", "username", None),
        ("register", "email", ["b@example.org"]),
        ("register", "password", {"a": 1}),
        ("register", "password", 12345678901),
        ("tokens", "username", True),
        ("tokens", "password", None),
        ("me", "onset", 1),
        ("me", "condition", {"key": "both"}),
        ("me", "age_band", True),
    ],
)
def test_wrong_types_are_422_naming_the_field(call, endpoint, field, value):
    _, _, valid = ENDPOINTS[endpoint]
    error = assert_error_shape(
        call(endpoint, json={**valid, field: value}), 422, "validation_error"
    )
    assert list(error["fields"]) == [field]


@pytest.mark.parametrize(
    ("endpoint", "field", "value"),
    [
        ("register", "username", "u" * 31),
        ("register", "username", "u" * 100_000),
        ("register", "email", "e" * 250 + "@example.org"),
        ("register", "email", "e" * 100_000 + "@example.org"),
        ("register", "password", "p" * 1001),
        ("tokens", "username", "u" * 101),
        ("tokens", "password", "p" * 1001),
        ("me", "symptom", "s" * 100_000),
    ],
)
def test_overlong_strings_are_422_naming_the_field(call, endpoint, field, value):
    _, _, valid = ENDPOINTS[endpoint]
    error = assert_error_shape(
        call(endpoint, json={**valid, field: value}), 422, "validation_error"
    )
    assert list(error["fields"]) == [field]


def test_a_body_over_the_size_limit_is_413(client):
    body = b'{"username": "' + b"x" * (300 * 1024) + b'"}'
    response = client.post("/api/v1/auth/register", data=body, content_type="application/json")
    assert_error_shape(response, 413, "payload_too_large")


def test_an_unknown_api_path_is_a_json_404(client):
    for path in ("/api/v1/nothing-here", "/api/v2/me", "/api", "/api/v1/me/"):
        assert_error_shape(client.get(path), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/auth/register"),
        ("PUT", "/api/v1/auth/tokens"),
        ("POST", "/api/v1/taxonomy"),
        ("GET", "/api/v1/auth/tokens/current"),
        ("DELETE", "/api/v1/taxonomy"),
    ],
)
def test_a_wrong_method_is_a_json_405_with_allow(client, method, path):
    response = client.open(path, method=method)
    assert_error_shape(response, 405, "method_not_allowed")
    assert response.headers["Allow"]


@pytest.fixture
def failing_app(tmp_path):
    """An app with routes that fail the way real bugs do."""
    app = make_app(tmp_path)

    def boom():
        raise RuntimeError("secret internals: /srv/forum/db.py line 42")

    app.add_url_rule("/api/v1/boom", "api_boom", boom)
    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/v1/teapot", "api_teapot", lambda: abort(418))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_an_unexpected_api_error_is_a_json_500_without_details(failing_app, caplog):
    response = failing_app.test_client().get("/api/v1/boom")
    error = assert_error_shape(response, 500, "internal_error")
    assert error == {"code": "internal_error", "message": "Something went wrong on our side."}
    assert "secret internals" not in response.get_data(as_text=True)
    assert "secret internals" in caplog.text, "the error is logged for the operators"


def test_any_other_http_error_under_the_api_is_json(failing_app):
    assert_error_shape(failing_app.test_client().get("/api/v1/teapot"), 418, "error")
