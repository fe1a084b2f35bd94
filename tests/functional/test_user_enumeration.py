"""Sign-in never tells whether an account exists: the same answer, in about the same time."""

import re
import statistics
import time

import pytest

from forum.extensions import db
from tests.conftest import make_app
from tests.factories import UserFactory

# A real scrypt cost (about 30 ms here) so that skipping the hash would show in the timing.
COSTLY_HASH = "scrypt:16384:8:1"
RUNS = 5
CSRF_TOKEN = re.compile(r'name="csrf_token" value="[^"]*"')


@pytest.fixture
def costly(tmp_path):
    app = make_app(tmp_path, PASSWORD_HASH_METHOD=COSTLY_HASH)
    with app.app_context():
        UserFactory(username="maple")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def sign_in_page(client, username):
    return client.post("/login", data={"username": username, "password": "not the password"})


def token_request(client, username):
    body = {"username": username, "password": "not the password"}
    return client.post("/api/v1/auth/tokens", json=body)


SURFACES = [sign_in_page, token_request]


@pytest.mark.parametrize("attempt", SURFACES)
def test_unknown_name_and_wrong_password_get_the_same_answer(costly, attempt):
    client = costly.test_client()
    unknown, wrong = attempt(client, "nobody"), attempt(client, "maple")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.headers.get("WWW-Authenticate") == wrong.headers.get("WWW-Authenticate")
    # The page keeps the typed name in its form and carries a fresh form token; apart from
    # those, not one byte differs.
    assert normalised(unknown, "nobody") == normalised(wrong, "maple")


def normalised(response, username: str) -> str:
    text = response.get_data(as_text=True).replace(f'value="{username}"', 'value="NAME"')
    return CSRF_TOKEN.sub("CSRF", text)


def median_seconds(attempt, client, username) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        attempt(client, username)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@pytest.mark.parametrize("attempt", SURFACES)
def test_unknown_name_and_wrong_password_take_about_the_same_time(costly, attempt):
    client = costly.test_client()
    attempt(client, "nobody")  # the first unknown name computes the stand-in hash once
    unknown = median_seconds(attempt, client, "nobody")
    wrong = median_seconds(attempt, client, "maple")
    # Generous: timing on shared machines is noisy; a skipped hash would be 10x and more.
    assert 1 / 3 < unknown / wrong < 3, (unknown, wrong)
