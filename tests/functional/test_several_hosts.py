"""Several app hosts on one PostgreSQL, each with its own search index directory (README,
"Several app hosts"): what one host commits, every other host finds, shows and forgets within
2 s, through nothing but the database (the content version and the search outbox).

Each "host" is an app made by create_app with the same database and its own index directory
and instance path, running its background drainer as production does."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import update

from forum import create_app
from forum.extensions import db
from forum.models import Experience
from tests.conftest import TEST_DATABASE_URL, AuthActions, serving
from tests.factories import STORY_INPUT, TEST_PASSWORD, ExperienceFactory, UserFactory

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="set TEST_DATABASE_URL to a PostgreSQL to use"
)

# The promise: what one host did, the others reflect within this.
PROMISED_SECONDS = 2.0
HOST_SETTINGS = {
    "PAGE_CACHE_MB": 4,
    # The production default: each host applies the outbox to its own index this often.
    "SEARCH_DRAIN_INTERVAL_MS": 500,
    # Counting only: the lattice protection has its own tests (test_insights_attacker.py).
    "INSIGHTS_LATTICE_PROTECTION": False,
}
SEEDED = 6
TITLE = "Tidal breathing on the pier"
# Search pages mark the words searched for: this part of the title stays as it is.
UNMARKED = "breathing on the pier"
BROWSING_PAGES = ("/", "/experiences")
LIST_PAGES = (*BROWSING_PAGES, "/search?q=tidal")
RENAMED = "renamed quietly"


@contextmanager
def host(tmp_path, name: str, database_url: str, monkeypatch) -> Iterator[Flask]:
    """Another app host on the same database: its own index directory and instance path."""
    monkeypatch.setenv("FORUM_INSTANCE_PATH", str(tmp_path / f"{name}-instance"))
    app = create_app(
        {
            "FORUM_ENV": "testing",
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SEARCH_INDEX_DIR": str(tmp_path / f"{name}-search-index"),
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            **HOST_SETTINGS,
        }
    )
    try:
        yield app
    finally:
        stop(app)


def stop(app: Flask) -> None:
    """No drainer outlives its host, nor any connection of it."""
    app.extensions["search"].stop_drainer()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def first(tmp_path, monkeypatch):
    """The host the writes go to; it makes the database's schema afresh, as every test app."""
    monkeypatch.setenv("FORUM_INSTANCE_PATH", str(tmp_path / "a-instance"))
    with serving(tmp_path / "a", **HOST_SETTINGS) as app:
        try:
            yield app
        finally:
            app.extensions["search"].stop_drainer()


@pytest.fixture
def second(tmp_path, first, monkeypatch):
    """A second host on the first one's database."""
    with host(tmp_path, "b", first.config["SQLALCHEMY_DATABASE_URI"], monkeypatch) as app:
        yield app


@pytest.fixture
def community(first):
    """A trusted member (maple, who publishes at once) and stories by different people."""
    with first.app_context():
        UserFactory(username="maple", trusted=True)
        for number in range(SEEDED):
            ExperienceFactory(title=f"Gentle movement diary number {number}")


def rename_behind_the_apps_back(app: Flask) -> None:
    """A change no app committed, so the content version stays: only a page made again
    after the next write shows it."""
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(update(Experience).values(title=Experience.title + f" {RENAMED}"))


def within(seconds: float, holds: Callable[[], bool]) -> None:
    """Wait until `holds()`, asking every 50 ms; the test fails if it took over `seconds`."""
    started = time.monotonic()
    while not holds():
        if time.monotonic() - started > seconds:
            pytest.fail(f"not within {seconds} s")
        time.sleep(0.05)


def found(client, word: str) -> set[int]:
    body = client.get(f"/api/v1/search?q={word}").get_json()
    return {item["experience"]["id"] for item in body["items"]}


def shows(client, path: str) -> bool:
    """Whether the page a visitor gets (kept, or made again) shows the new story."""
    return UNMARKED in client.get(path).get_data(as_text=True)


def people_counted(client) -> int | None:
    return client.get("/api/v1/insights").get_json()["group_size"]


def post_story(client, headers: dict, title: str) -> int:
    posted = client.post(
        "/api/v1/experiences", json={**STORY_INPUT, "title": title}, headers=headers
    )
    assert posted.status_code == 201, posted.get_json()
    return posted.get_json()["id"]


def test_what_one_host_does_every_host_shows_within_two_seconds(first, second, community):
    writer, reader = first.test_client(), second.test_client()
    for client in (writer, reader):  # each host builds its own index at start
        within(10, lambda client=client: len(found(client, "diary")) == SEEDED)
    for client in (writer, reader):
        for path in LIST_PAGES:
            assert not shows(client, path)  # now kept, for visitors
    rename_behind_the_apps_back(first)
    for client in (writer, reader):
        for path in BROWSING_PAGES:
            assert RENAMED not in client.get(path).get_data(as_text=True)  # served as kept
    assert people_counted(reader) == SEEDED

    headers = AuthActions(writer).headers("maple", TEST_PASSWORD)
    story = post_story(writer, headers, TITLE)

    within(PROMISED_SECONDS, lambda: story in found(reader, "tidal"))
    for client in (writer, reader):
        for path in LIST_PAGES:
            assert shows(client, path), path
        for path in BROWSING_PAGES:  # retired on both hosts, not only where the write was
            assert RENAMED in client.get(path).get_data(as_text=True), path
        assert client.get(f"/experiences/{story}").status_code == 200
    assert people_counted(reader) == SEEDED + 1

    deleted = writer.delete(f"/api/v1/experiences/{story}", headers=headers)
    assert deleted.status_code == 204

    within(PROMISED_SECONDS, lambda: story not in found(reader, "tidal"))
    for client in (writer, reader):
        for path in LIST_PAGES:
            assert not shows(client, path), path
        assert client.get(f"/experiences/{story}").status_code == 404
        assert client.get(f"/api/v1/experiences/{story}").status_code == 404
    assert people_counted(reader) == SEEDED


def test_a_new_host_builds_its_own_index_from_the_database(tmp_path, first, community, monkeypatch):
    writer = first.test_client()
    headers = AuthActions(writer).headers("maple", TEST_PASSWORD)
    story = post_story(writer, headers, TITLE)
    database_url = first.config["SQLALCHEMY_DATABASE_URI"]

    with host(tmp_path, "c", database_url, monkeypatch) as newcomer:
        client = newcomer.test_client()
        # Its first request starts the drainer, which builds the empty directory's index;
        # meanwhile searches say the index is being built.
        within(10, lambda: story in found(client, "tidal"))
        assert len(found(client, "diary")) == SEEDED
        result = newcomer.test_cli_runner().invoke(args=["forum", "check-index", "--dry-run"])
        assert result.exit_code == 0, result.output
        assert "The search index matches the database." in result.output

        # Once built, it follows the outbox like every other host.
        later = post_story(writer, headers, "Tidal pool wading after work")
        within(PROMISED_SECONDS, lambda: later in found(client, "tidal"))


def test_a_host_can_build_its_index_before_it_takes_traffic(
    tmp_path, first, community, monkeypatch
):
    database_url = first.config["SQLALCHEMY_DATABASE_URI"]
    with host(tmp_path, "d", database_url, monkeypatch) as newcomer:
        result = newcomer.test_cli_runner().invoke(args=["forum", "reindex"])
        assert result.exit_code == 0, result.output
        assert f"Indexed {SEEDED} published experiences." in result.output

        assert len(found(newcomer.test_client(), "diary")) == SEEDED  # no "being built"
