"""Whole pages kept for visitors who are not signed in: served again, retired by any write."""

import pytest
from sqlalchemy import update

from forum import caching, search
from forum.config import load_config
from forum.extensions import db
from forum.models import Experience
from forum.web import page_cache
from tests.conftest import AuthActions, serving
from tests.factories import TEST_PASSWORD, ExperienceFactory, UserFactory

TITLE = "Slow walks by the sea"
KEPT_PAGES = ("/", "/experiences", "/experiences/{id}", "/search?q=diary")


@pytest.fixture
def app(tmp_path):
    with serving(tmp_path, PAGE_CACHE_MB=4, LIST_TOTALS_REMEMBERED=True) as app:
        yield app


@pytest.fixture
def story(ctx):
    made = ExperienceFactory(author=UserFactory(username="maple"), title=TITLE)
    search.rebuild()  # else the first search builds it, and its page is keyed on no index
    return made


def rename_behind_the_apps_back(experience_id: int, title: str) -> None:
    """A change the app never committed itself, so the content version stays where it was."""
    with db.engine.begin() as connection:
        connection.execute(
            update(Experience).where(Experience.id == experience_id).values(title=title)
        )
    db.session.expire_all()  # requests share the test's session: no stale identity map


@pytest.mark.parametrize("path", KEPT_PAGES)
def test_a_page_is_served_again_until_the_app_writes(client, story, path):
    url = path.format(id=story.id)
    assert TITLE in client.get(url).get_data(as_text=True)
    rename_behind_the_apps_back(story.id, "Renamed quietly")

    assert TITLE in client.get(url).get_data(as_text=True)

    db.session.get(Experience, story.id).me_too_count += 1
    db.session.commit()
    assert "Renamed quietly" in client.get(url).get_data(as_text=True)


def test_a_deleted_story_leaves_every_kept_page_at_once(app, client, story):
    for path in KEPT_PAGES:
        client.get(path.format(id=story.id))
    owner = app.test_client()
    headers = AuthActions(owner).headers("maple", TEST_PASSWORD)
    assert owner.delete(f"/api/v1/experiences/{story.id}", headers=headers).status_code == 204

    assert client.get(f"/experiences/{story.id}").status_code == 404
    for path in ("/", "/experiences", "/search?q=diary"):
        assert TITLE not in client.get(path).get_data(as_text=True)


def test_signed_in_members_get_their_own_page(client, story, auth):
    assert "Sign in to say" in client.get(f"/experiences/{story.id}").get_data(as_text=True)
    auth.login("maple", TEST_PASSWORD)

    html = client.get(f"/experiences/{story.id}").get_data(as_text=True)

    assert "Sign in to say" not in html
    assert "(maple)" in html


def test_a_waiting_message_is_shown_not_a_kept_page(client, story, auth):
    client.get("/")
    auth.login("maple", TEST_PASSWORD)
    auth.logout()

    assert "You are signed out." in client.get("/").get_data(as_text=True)


def test_a_page_made_for_a_visitor_with_a_cookie_is_not_kept(app, client, story):
    client.set_cookie("session", "someone-elses")
    client.get("/experiences")
    rename_behind_the_apps_back(story.id, "Renamed quietly")

    assert "Renamed quietly" in app.test_client().get("/experiences").get_data(as_text=True)


def test_only_whole_successful_pages_are_kept(app, client, story):
    assert client.get("/experiences?sort=loudest").status_code == 400
    assert client.get(f"/experiences/{story.id + 99}").status_code == 404
    assert len(caching.caches(app).pages) == 0

    client.get("/experiences")
    assert len(caching.caches(app).pages) == 1


def test_search_pages_follow_the_index_as_well(ctx, client, story):
    before = search.index_version()
    ExperienceFactory(author=story.author, title="Walks in the rain")
    search.note_changed(story.id + 1)
    db.session.commit()
    search.apply_pending()

    assert search.index_version() != before


@pytest.mark.parametrize(
    ("environment", "megabytes", "totals"), [("testing", 0, False), ("production", 32, True)]
)
def test_the_caches_are_on_except_in_tests_that_do_not_ask(
    tmp_path, environment, megabytes, totals
):
    settings = load_config(tmp_path, {"FORUM_ENV": environment, "SECRET_KEY": "s"})
    assert settings["PAGE_CACHE_MB"] == megabytes
    assert settings["LIST_TOTALS_REMEMBERED"] is totals


def test_list_totals_are_remembered_for_members_until_the_next_write(client, story, auth):
    auth.login("maple", TEST_PASSWORD)
    assert "1 experience<" in client.get("/experiences?exercise=walking").get_data(as_text=True)
    hide_behind_the_apps_back(story.id)
    # The page is made again (a member's), its total is the one remembered.
    html = client.get("/experiences?exercise=walking&page=1").get_data(as_text=True)
    assert "1 experience<" in html

    ExperienceFactory.create_batch(2, author=story.author, exercises=("walking",))
    assert "2 experiences<" in client.get("/experiences?exercise=walking").get_data(as_text=True)


def hide_behind_the_apps_back(experience_id: int) -> None:
    with db.engine.begin() as connection:
        connection.execute(
            update(Experience).where(Experience.id == experience_id).values(status="hidden")
        )
    db.session.expire_all()


def test_a_page_is_made_again_when_the_demo_banner_comes_or_goes(client, story, monkeypatch):
    monkeypatch.setattr(page_cache, "demo_banner_visible", lambda: False)
    client.get("/experiences")
    rename_behind_the_apps_back(story.id, "Renamed quietly")
    monkeypatch.setattr(page_cache, "demo_banner_visible", lambda: True)

    assert "Renamed quietly" in client.get("/experiences").get_data(as_text=True)
