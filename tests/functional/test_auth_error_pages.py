"""Friendly HTML error pages for people (the API's JSON errors are tested with the API)."""

import pytest
from flask import abort

from forum.extensions import db
from tests.conftest import make_app


@pytest.fixture
def failing_app(tmp_path):
    app = make_app(tmp_path)

    def boom():
        raise RuntimeError("secret internals: /srv/forum/db.py line 42")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/forbidden", "forbidden", lambda: abort(403))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def assert_friendly_page(response, status: int, heading: str) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert f"<h1>{heading}</h1>" in page
    assert 'href="/">Back to the home page</a>' in page
    assert "Personal experiences, not medical advice" in page, "the site layout is kept"
    assert "Traceback" not in page
    return page


def test_an_unknown_page_is_a_friendly_404(client):
    page = assert_friendly_page(client.get("/no/such/page"), 404, "Not found")
    assert "We could not find that page." in page


def test_an_unexpected_error_is_a_friendly_500_without_details(failing_app, caplog):
    response = failing_app.test_client().get("/boom")
    page = assert_friendly_page(response, 500, "Something went wrong")
    assert "secret internals" not in page
    assert "secret internals" in caplog.text, "the error is logged for the operators"


def test_a_forbidden_action_is_a_friendly_403(failing_app):
    page = assert_friendly_page(failing_app.test_client().get("/forbidden"), 403, "Not allowed")
    assert "You are not allowed to do that." in page


def test_a_wrong_method_is_a_friendly_405(client):
    page = assert_friendly_page(client.get("/logout"), 405, "That did not work")
    assert "That page cannot be used that way." in page


def test_a_form_over_the_size_limit_is_a_friendly_413(client):
    response = client.post("/register", data={"username": "x" * (300 * 1024)})
    page = assert_friendly_page(response, 413, "That did not work")
    assert "That was more than we can accept in one go." in page
