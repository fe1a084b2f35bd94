"""Kept pages retire by what a write changed (forum/models/changes.py), never staying stale.

A narrow write (a "me too" mark, a reply, a watch, a story waiting for review...) moves only
its story's or its member's revision, not the content version. The proof is the rule itself,
for every narrow write, every kept page and every reader (a visitor and each member role):
after the write, the page served (from what was kept before it, where still current) equals
the page made afresh. Each write is also shown to be narrow: the content version stays, so
the pages that do not show what changed are still served from what was kept.
"""

import pytest

from forum import search
from forum.experiences import discussion
from forum.experiences import service as experiences
from forum.extensions import db
from forum.models import Experience, StoryChange, User, content_version, versions
from forum.notifications import service as notifications
from tests.conftest import serving
from tests.factories import UserFactory
from tests.functional.test_member_pages_kept import (
    PAGES,
    READERS,
    STORIES,
    forget_kept_pages,
    page_text,
    readers,  # noqa: F401 - the fixture
    signed_in,
)

PENDING_STORY = {
    "title": "A diary waiting for review",
    "body": "Ten minutes of stretching, most evenings.",
    "exercises": ["stretching"],
    "intensity": "gentle",
    "outcome": "helped",
    "flare": "none",
}


def story(title: str) -> Experience:
    return db.session.scalar(db.select(Experience).filter_by(title=title))


def member(username: str) -> User:
    return db.session.scalar(db.select(User).filter_by(username=username))


def trusted_reply(title: str) -> None:
    body = {"body": "The same here, @member."}
    discussion.add_reply(member("trusted_replier"), story(title).id, body)


def pending_reply(title: str) -> None:
    body = {"body": "Did it help your sleep?"}
    discussion.add_reply(member("new_replier"), story(title).id, body)


# Each write, as a member does it through the services every surface calls.
NARROW_WRITES = {
    "me too": lambda: discussion.set_me_too(member("member"), story("Discussed diary").id, True),
    "me too taken back": lambda: discussion.set_me_too(
        member("member"), story("Public diary").id, False
    ),
    "reply published (watched, mentions)": lambda: trusted_reply("Public diary"),
    "reply waiting for review": lambda: pending_reply("Discussed diary"),
    "watch": lambda: notifications.watch(member("author"), story("Public diary").id),
    "unwatch": lambda: notifications.unwatch(member("member"), story("Public diary").id),
    "story waiting for review": lambda: experiences.submit_experience(
        member("member"), PENDING_STORY
    ),
    "mail settings": lambda: notifications.save_settings(
        member("member"), {"mail": {"reply": "never"}, "watch_replies": False}
    ),
}


@pytest.fixture
def app(tmp_path):
    with serving(tmp_path, PAGE_CACHE_MB=8, REVIEW_NEW_MEMBER_REPLIES=True) as app:
        yield app


@pytest.fixture(autouse=True)
def repliers(readers):  # noqa: F811 - the fixture imported above
    UserFactory(username="trusted_replier", trusted=True)
    UserFactory(username="new_replier")


def all_paths() -> list[str]:
    stories = [f"/experiences/{story(title).id}{query}" for title, query in STORIES]
    return [*PAGES, *stories]


def pages_for(clients: dict, paths: list[str], forget=None) -> dict:
    pages = {}
    for role, client in clients.items():
        for path in paths:
            if forget:
                forget()
            response = client.get(path)
            pages[role, path] = (response.status_code, page_text(response))
    return pages


@pytest.mark.parametrize("write", NARROW_WRITES)
def test_after_a_narrow_write_every_kept_page_is_the_page_made_afresh(app, write):
    clients = {role: signed_in(app, role) for role in READERS} | {"visitor": app.test_client()}
    paths = all_paths()
    pages_for(clients, paths)  # everything kept
    version = content_version(db.session)

    with app.test_request_context():
        NARROW_WRITES[write]()
    search.apply_pending()
    db.session.expire_all()

    assert content_version(db.session) == version, "not a narrow write"
    served = pages_for(clients, paths)
    afresh = pages_for(clients, paths, forget=lambda: forget_kept_pages(app))
    stale = [key for key in served if served[key] != afresh[key]]
    assert stale == [], f"stale after {write}: {stale}"


def test_a_reply_keeps_the_pages_that_do_not_show_its_story(app):
    visitor = app.test_client()
    elsewhere = f"/experiences/{story('Private about me diary').id}"
    kept = visitor.get(elsewhere).get_data(as_text=True)
    quietly_renamed(story("Private about me diary"), "Renamed quietly")

    with app.test_request_context():
        trusted_reply("Public diary")

    assert visitor.get(elsewhere).get_data(as_text=True) == kept
    changed = db.session.scalars(db.select(StoryChange.experience_id)).all()
    assert changed == [story("Public diary").id]


def test_a_reply_retires_every_page_that_shows_its_story(app):
    visitor = app.test_client()
    public = story("Public diary")
    cards = ["/", "/experiences"]
    detail = f"/experiences/{public.id}"
    for path in cards:
        assert "1 reply" not in visitor.get(path).get_data(as_text=True)
    assert "The same here" not in visitor.get(detail).get_data(as_text=True)

    with app.test_request_context():
        trusted_reply("Public diary")

    for path in cards:
        assert "1 reply" in visitor.get(path).get_data(as_text=True), path
    assert "The same here" in visitor.get(detail).get_data(as_text=True)


def test_a_me_too_mark_reorders_the_kept_list_in_me_too_order(app):
    visitor = app.test_client()
    path = "/experiences?sort=most_me_too"
    visitor.get(path)
    order = versions(db.session).me_too_order

    discussion.set_me_too(member("member"), story("Discussed diary").id, True)

    assert versions(db.session).me_too_order == order + 1
    text = visitor.get(path).get_data(as_text=True)
    assert "2 “me too”" in text


def test_publishing_a_story_still_retires_everything(app):
    version = content_version(db.session)
    trusted = UserFactory(trusted=True)

    experiences.submit_experience(trusted, PENDING_STORY | {"title": "Out at once"})

    assert content_version(db.session) > version


def quietly_renamed(experience: Experience, title: str) -> None:
    """A change the app never committed itself: no version or revision moves."""
    with db.engine.begin() as connection:
        connection.execute(
            db.update(Experience).where(Experience.id == experience.id).values(title=title)
        )
    db.session.expire_all()
