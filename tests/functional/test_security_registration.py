"""Finding 5: registering never tells whether an e-mail address belongs to a member."""

import re
import statistics
import time

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import User
from tests.conftest import serving
from tests.factories import TEST_PASSWORD, UserFactory

COSTLY_HASH = "scrypt:16384:8:1"
VARYING = re.compile(r'"(id|username|email|created_at)":\s*("[^"]*"|\d+)')


@pytest.fixture
def owner(ctx):
    return UserFactory(username="maple", email="maple@example.org")


def accounts() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def api_register(client, username, email):
    body = {"username": username, "email": email, "password": TEST_PASSWORD}
    return client.post("/api/v1/auth/register", json=body)


def page_register(client, username, email):
    body = {"username": username, "email": email, "password": TEST_PASSWORD}
    response = client.post("/register", data=body)
    with client.session_transaction() as session:
        flashes = session.get("_flashes")
    return response, flashes


@pytest.mark.parametrize("used", ["maple@example.org", " MAPLE@Example.ORG "])
def test_the_api_answers_an_address_in_use_exactly_as_a_new_one(client, owner, used):
    fresh = api_register(client, "birch", "birch@example.org")
    before = accounts()
    in_use = api_register(client, "cedar", used)
    assert fresh.status_code == in_use.status_code == 201
    assert fresh.headers.get("Content-Type") == in_use.headers.get("Content-Type")
    fresh_user, in_use_user = fresh.get_json()["user"], in_use.get_json()["user"]
    assert set(fresh_user) == set(in_use_user)
    assert {k: type(v) for k, v in fresh_user.items()} == {
        k: type(v) for k, v in in_use_user.items()
    }
    assert (in_use_user["username"], in_use_user["role"]) == ("cedar", "member")
    assert VARYING.sub("X", fresh.get_data(as_text=True)) == VARYING.sub(
        "X", in_use.get_data(as_text=True)
    )
    assert accounts() == before, "no account is created for an address in use"
    assert db.session.scalar(select(User).where(User.username_key == "cedar")) is None


def test_the_page_answers_an_address_in_use_exactly_as_a_new_one(app, owner):
    fresh, fresh_flashes = page_register(app.test_client(), "birch", "birch@example.org")
    before = accounts()
    in_use, in_use_flashes = page_register(app.test_client(), "cedar", "Maple@example.org")
    assert fresh.status_code == in_use.status_code == 302
    assert fresh.headers["Location"] == in_use.headers["Location"]
    assert fresh.get_data() == in_use.get_data()
    assert fresh_flashes == in_use_flashes
    assert accounts() == before


def test_a_taken_username_may_still_say_so(client, owner):
    response = api_register(client, "Maple", "someone.else@example.org")
    assert response.status_code == 409
    assert list(response.get_json()["error"]["fields"]) == ["username"]


def test_the_owner_is_noted_through_the_seam(client, owner, monkeypatch):
    from forum.auth import service

    noted = []
    monkeypatch.setattr(service, "note_registration_with_address_in_use", noted.append)
    api_register(client, "cedar", "maple@example.org")
    api_register(client, "birch", "birch@example.org")
    assert noted == ["maple@example.org"]


def test_the_command_line_still_names_a_used_address(runner, owner):
    result = runner.invoke(
        args=[
            "forum",
            "create-user",
            "cedar",
            "--email",
            "maple@example.org",
            "--password",
            "x" * 12,
        ]
    )
    assert result.exit_code != 0
    assert accounts() == 1


def median_seconds(client, email, runs=5) -> float:
    times = []
    for run in range(runs):
        started = time.perf_counter()
        api_register(client, f"timing{email[:3]}{run}", email.replace("@", f"{run}@", 1))
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def test_an_address_in_use_takes_about_as_long_as_a_new_one(tmp_path):
    with serving(tmp_path, PASSWORD_HASH_METHOD=COSTLY_HASH) as app, app.app_context():
        for run in range(5):
            UserFactory(username=f"owner{run}", email=f"used{run}@example.org")
        client = app.test_client()
        fresh = median_seconds(client, "new@example.org")
        in_use = median_seconds(client, "used@example.org")
        assert 1 / 3 < in_use / fresh < 3, (in_use, fresh)
