"""Kept pages and list totals in Redis: made once for every worker and host, retired by any
write through any of them, and a Redis outage only means pages are made again."""

import os
import secrets
from contextlib import ExitStack, contextmanager

import pytest
from flask import template_rendered
from redis import Redis
from sqlalchemy import update

from forum import caching
from forum.config import ConfigError, load_config
from forum.extensions import db
from forum.kept_shared import KeptInRedis
from forum.models import Experience
from tests.conftest import AuthActions, serving
from tests.factories import TEST_PASSWORD, ExperienceFactory, UserFactory

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
# Port 9 (discard) refuses connections on loopback: Redis "down" without waiting.
CLOSED_PORT_URL = "redis://127.0.0.1:9/0"
TITLE = "Slow walks by the sea"


def needs_redis(test):
    skip = pytest.mark.skipif(not TEST_REDIS_URL, reason="set TEST_REDIS_URL to a Redis to use")
    return pytest.mark.redis(skip(test))


def kept_in_redis(url: str) -> dict:
    return {
        "PAGE_CACHE_MB": 4,
        "LIST_TOTALS_REMEMBERED": True,
        "REDIS_URL": url,
        "CACHE_IN_REDIS": True,
        # A fresh prefix per test: every test's database starts again at version 0.
        "CACHE_KEY_PREFIX": f"test:{secrets.token_hex(8)}:",
    }


@contextmanager
def two_hosts(tmp_path, **settings):
    """Two apps on one database (two workers, or two hosts with their own search index)."""
    with ExitStack() as stack:
        apps = []
        for name in ("a", "b"):
            index = str(tmp_path / name / "search-index")
            apps.append(stack.enter_context(serving(tmp_path, SEARCH_INDEX_DIR=index, **settings)))
        yield apps


@pytest.fixture
def shared(tmp_path):
    settings = kept_in_redis(TEST_REDIS_URL)
    with two_hosts(tmp_path, **settings) as apps:
        yield apps
    # They would expire after PAGE_CACHE_SECONDS; a shared test Redis is left as it was found.
    connection = Redis.from_url(TEST_REDIS_URL)
    for key in connection.scan_iter(f"{settings['CACHE_KEY_PREFIX']}*"):
        connection.delete(key)
    connection.close()


@contextmanager
def counting_renders(app):
    """The templates `app` renders meanwhile, by name."""
    rendered = []

    def note(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(note, app)
    try:
        yield rendered
    finally:
        template_rendered.disconnect(note, app)


def post_story(app) -> int:
    with app.app_context():
        return ExperienceFactory(author=UserFactory(username="maple"), title=TITLE).id


def rename_behind_the_apps_back(app, experience_id: int, title: str) -> None:
    """A change no app committed itself, so the content version stays where it was."""
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            update(Experience).where(Experience.id == experience_id).values(title=title)
        )


@needs_redis
@pytest.mark.parametrize("path", ["/experiences/{id}", "/experiences", "/"])
def test_a_page_made_by_one_app_is_served_by_the_other_without_making_it(shared, path):
    first, second = shared
    story = post_story(first)
    url = path.format(id=story)
    assert TITLE in first.test_client().get(url).get_data(as_text=True)
    rename_behind_the_apps_back(first, story, "Renamed quietly")

    with counting_renders(second) as rendered:
        html = second.test_client().get(url).get_data(as_text=True)

    assert rendered == []
    assert TITLE in html


@needs_redis
def test_a_write_through_one_app_retires_the_page_for_the_other(shared):
    first, second = shared
    story = post_story(first)
    for app in shared:
        assert TITLE in app.test_client().get(f"/experiences/{story}").get_data(as_text=True)
    owner = first.test_client()
    headers = AuthActions(owner).headers("maple", TEST_PASSWORD)

    assert owner.delete(f"/api/v1/experiences/{story}", headers=headers).status_code == 204

    visitor = second.test_client()
    assert visitor.get(f"/experiences/{story}").status_code == 404
    with counting_renders(second) as rendered:
        listing = visitor.get("/experiences").get_data(as_text=True)
    assert TITLE not in listing
    assert rendered != []


@needs_redis
def test_list_totals_are_counted_once_for_both_apps(shared):
    counted = []

    def count():
        counted.append(1)
        return 41

    for app in shared:
        with app.app_context():
            assert caching.remembered(caching.caches().list_totals, ("all",), count) == 41
    assert counted == [1]


@needs_redis
def test_a_value_not_signed_by_the_app_is_a_miss(shared):
    first, _ = shared
    story = post_story(first)
    first.test_client().get(f"/experiences/{story}")
    with first.app_context():
        pages = caching.caches().pages
        client = pages._cache._write_client
        prefix = first.config["CACHE_KEY_PREFIX"]
        (kept,) = client.keys(f"{prefix}pages:*")
        client.set(kept, b"\x00" * 32 + b"not a pickle the app made")
    rename_behind_the_apps_back(first, story, "Renamed quietly")

    assert "Renamed quietly" in first.test_client().get(f"/experiences/{story}").get_data(
        as_text=True
    )


def test_a_closed_redis_port_means_every_page_is_made_again(tmp_path):
    with serving(tmp_path, **kept_in_redis(CLOSED_PORT_URL)) as app:
        story = post_story(app)
        client = app.test_client()
        for path in (f"/experiences/{story}", "/experiences", "/"):
            assert client.get(path).status_code == 200
        rename_behind_the_apps_back(app, story, "Renamed quietly")

        for path in (f"/experiences/{story}", "/experiences", "/"):
            response = client.get(path)
            assert response.status_code == 200
            assert "Renamed quietly" in response.get_data(as_text=True)


def test_without_redis_each_app_keeps_its_own_pages(tmp_path):
    with two_hosts(tmp_path, PAGE_CACHE_MB=4) as (first, second):
        story = post_story(first)
        first.test_client().get(f"/experiences/{story}")
        rename_behind_the_apps_back(first, story, "Renamed quietly")

        with counting_renders(second) as rendered:
            html = second.test_client().get(f"/experiences/{story}").get_data(as_text=True)

        assert "Renamed quietly" in html
        assert rendered != []
        assert not isinstance(caching.caches(first).pages, KeptInRedis)


@pytest.mark.parametrize(
    ("environment", "in_redis"),
    [
        ({"REDIS_URL": "redis://cache:6379/0"}, True),
        ({"REDIS_URL": "redis://cache:6379/0", "CACHE_IN_REDIS": "off"}, False),
        ({}, False),
    ],
)
def test_pages_are_kept_in_redis_when_there_is_one(monkeypatch, tmp_path, environment, in_redis):
    for name in ("REDIS_URL", "CACHE_IN_REDIS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings = load_config(tmp_path, {"FORUM_ENV": "production", "SECRET_KEY": "s"})
    assert settings["CACHE_IN_REDIS"] is in_redis
    assert settings["CACHE_KEY_PREFIX"] == "forum:kept:"


def test_keeping_pages_in_redis_without_a_redis_stops_start_up(monkeypatch, tmp_path):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("CACHE_IN_REDIS", "on")
    with pytest.raises(ConfigError, match="CACHE_IN_REDIS needs REDIS_URL"):
        load_config(tmp_path, {"FORUM_ENV": "production", "SECRET_KEY": "s"})
