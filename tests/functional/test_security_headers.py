"""Headers and cookies: a strict CSP everywhere, no caching of personal pages, safe cookies, 413."""

import re
from pathlib import Path

import pytest

from forum.extensions import db
from tests.conftest import make_app
from tests.factories import TEST_PASSWORD, UserFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.fixture
def maple(ctx):
    return UserFactory(username="maple")


@pytest.mark.parametrize(
    "path",
    ["/", "/login", "/experiences", "/no-such-page", "/api/v1/taxonomy", "/api/v1/nothing",
     "/static/style.css", "/healthz"],
)  # fmt: skip
def test_every_response_carries_the_security_headers(client, path):
    with client.get(path) as response:
        policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    for values in policy.values():
        # No inline code, no eval, and no origin but our own.
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"} & set(values)
        assert not [value for value in values if "://" in value or "." in value]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # only in production


@pytest.mark.parametrize("path", ["/profile", "/profile/password", "/experiences", "/"])
def test_pages_for_a_signed_in_member_are_never_stored(client, auth, maple, path):
    auth.login()
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_api_answers_to_a_token_are_never_stored(client, auth, maple):
    headers = auth.headers()
    assert client.get("/api/v1/me", headers=headers).headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/taxonomy", headers=headers).headers["Cache-Control"] == "no-store"


def test_public_pages_and_static_files_stay_cacheable(client):
    assert client.get("/experiences").headers.get("Cache-Control") != "no-store"
    with client.get("/static/style.css") as response:
        assert response.headers.get("Cache-Control") != "no-store"


def cookie_attributes(response, name: str) -> set[str]:
    """The attributes of the named Set-Cookie, lower-cased ("httponly", "samesite=lax", ...)."""
    for header in response.headers.getlist("Set-Cookie"):
        cookie, *attributes = (part.strip().lower() for part in header.split(";"))
        if cookie.startswith(f"{name}="):
            return set(attributes)
    raise AssertionError(f"no {name} cookie set")


def sign_in_remembered(client):
    return client.post(
        "/login", data={"username": "maple", "password": TEST_PASSWORD, "remember": "on"}
    )


def test_cookies_are_http_only_and_same_site_lax_but_not_secure_in_development(client, maple):
    response = sign_in_remembered(client)
    for name in ("session", "remember_token"):
        attributes = cookie_attributes(response, name)
        assert {"httponly", "samesite=lax"} <= attributes
        assert "secure" not in attributes


def test_in_production_cookies_are_secure_and_hsts_is_sent(tmp_path):
    app = make_app(tmp_path, FORUM_ENV="production")
    try:
        with app.app_context():
            UserFactory(username="maple")
        client = app.test_client()
        response = sign_in_remembered(client)
        for name in ("session", "remember_token"):
            assert {"httponly", "samesite=lax", "secure"} <= cookie_attributes(response, name)
        assert client.get("/").headers["Strict-Transport-Security"] == "max-age=31536000"
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_body_over_the_limit_is_a_413_page_on_the_web(client):
    response = client.post("/login", data={"username": "x" * 300_000, "password": "y"})
    assert response.status_code == 413
    assert "more than we can accept" in response.get_data(as_text=True)


def test_a_body_over_the_limit_is_a_413_json_error_in_the_api(client):
    body = '{"username": "' + "x" * 300_000 + '"}'
    response = client.post(
        "/api/v1/auth/register", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


INLINE_CODE = re.compile(r"<script|<style|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.IGNORECASE)
JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.DOTALL)


@pytest.mark.parametrize(
    "template", sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html"))
)
def test_no_template_carries_inline_script_or_style(template):
    # The CSP would block them in the browser; finding them here says which file to fix.
    markup = JINJA.sub("", (TEMPLATES / template).read_text())
    assert not INLINE_CODE.findall(markup)
