"""Kept pages are keyed on every part of the request their links are built from, and in
production a request never chooses the host of a link: other hosts get a bare 400."""

import pytest
from sqlalchemy import update

from forum import search
from forum.extensions import db
from forum.models import Experience
from tests.conftest import serving
from tests.factories import ExperienceFactory, UserFactory

TITLE = "Slow walks by the sea"
RENAMED = "Renamed quietly"
PAGE = "/search?q=diary"


@pytest.fixture
def app(tmp_path):
    with serving(tmp_path, PAGE_CACHE_MB=4, TRUSTED_PROXY_COUNT=1) as app:
        yield app


@pytest.fixture
def story(ctx):
    made = ExperienceFactory(author=UserFactory(username="maple"), title=TITLE)
    search.rebuild()
    return made


def rename_behind_the_apps_back(experience_id: int) -> None:
    """The content version stays: only a page made again shows the new title."""
    with db.engine.begin() as connection:
        connection.execute(
            update(Experience).where(Experience.id == experience_id).values(title=RENAMED)
        )
    db.session.expire_all()


def page(client, request: dict) -> str:
    request = dict(request)
    return client.get(request.pop("path", PAGE), **request).get_data(as_text=True)


ORIGINS = {
    "Host": (
        {"headers": {"Host": "forum.example"}},
        {"headers": {"Host": "evil.example"}},
    ),
    "Host port": (
        {"headers": {"Host": "forum.example"}},
        {"headers": {"Host": "forum.example:8080"}},
    ),
    "X-Forwarded-Host": (
        {"headers": {"X-Forwarded-Host": "forum.example"}},
        {"headers": {"X-Forwarded-Host": "evil.example"}},
    ),
    "X-Forwarded-Host beside a Host": (
        {"headers": {"Host": "forum.example"}},
        {"headers": {"Host": "forum.example", "X-Forwarded-Host": "evil.example"}},
    ),
    "scheme": ({"base_url": "http://localhost"}, {"base_url": "https://localhost"}),
    "X-Forwarded-Proto": ({}, {"headers": {"X-Forwarded-Proto": "https"}}),
    "script root": ({}, {"environ_overrides": {"SCRIPT_NAME": "/forum"}}),
    "query string": ({}, {"path": PAGE + "&_external=1&_anchor=login"}),
}


@pytest.mark.parametrize(("first", "second"), ORIGINS.values(), ids=ORIGINS.keys())
def test_a_page_kept_for_one_origin_is_never_served_for_another(client, story, first, second):
    assert TITLE in page(client, first)
    rename_behind_the_apps_back(story.id)

    assert TITLE in page(client, first)  # kept, for the request it was made for
    assert RENAMED in page(client, second)  # made again, never the other's bytes


@pytest.fixture
def production(tmp_path):
    overrides = {
        "FORUM_ENV": "production",
        "TRUSTED_HOSTS": ["forum.example", ".movement.example"],
        "PAGE_CACHE_MB": 4,
        "TRUSTED_PROXY_COUNT": 1,
        "SEARCH_DRAIN_INTERVAL_MS": 0,  # no drainer thread outliving the test
    }
    with serving(tmp_path, **overrides) as app:
        yield app


ALLOWED = ("forum.example", "forum.example:8443", "www.movement.example")
REFUSED = ("evil.example", "forum.example.evil.example", "localhost")


@pytest.mark.parametrize("host", ALLOWED)
def test_in_production_a_listed_host_is_served(production, host):
    client = production.test_client()
    for headers in ({"Host": host}, {"X-Forwarded-Host": host}):
        assert client.get(PAGE, headers=headers).status_code == 200


@pytest.mark.parametrize("host", REFUSED)
@pytest.mark.parametrize("path", [PAGE + "&_external=1&_anchor=login", "/", "/login", "/healthz"])
def test_in_production_another_host_gets_a_bare_400(production, host, path):
    client = production.test_client()
    client.get(PAGE, headers={"Host": "forum.example"})  # a kept page exists for this path
    for headers in ({"Host": host}, {"Host": "forum.example", "X-Forwarded-Host": host}):
        response = client.get(path, headers=headers)

        assert response.status_code == 400
        assert response.mimetype == "text/plain"
        assert host.split(":")[0] not in response.get_data(as_text=True)
        assert "<a " not in response.get_data(as_text=True)


def test_in_production_the_api_refuses_another_host_with_the_json_error(production):
    response = production.test_client().get("/api/v1/taxonomy", headers={"Host": "evil.example"})

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_development_and_tests_answer_any_host(tmp_path):
    with serving(tmp_path) as app:
        client = app.test_client()
        for host in ("localhost", "127.0.0.1:5000", "forum.example"):
            assert client.get("/", headers={"Host": host}).status_code == 200
