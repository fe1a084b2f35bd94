"""What a signed-in member's kept page costs, and that what it saves stays true.

A kept page served to a member asks the database once: who they are, read with the versions
(forum/caching.py, `first_with_versions`); their bell is kept under their own revisions. The
experience page adds one query for the reader's own parts. And the bell kept that way still
counts every notification as it comes and goes, on every page.
"""

import re

import pytest

from forum import caching, search
from forum.experiences import discussion
from forum.extensions import db
from forum.models import Experience, User
from forum.notifications import service as notifications
from tests.conftest import serving
from tests.factories import ExperienceFactory, UserFactory
from tests.functional.test_experiences_listing import counting_queries
from tests.functional.test_member_pages_kept import signed_in

KEPT_MEMBER_PAGES = (
    "/",
    "/experiences",
    "/search?q=walking",
    "/insights",
    "/notifications",
    "/experiences/mine",
)
BELL = re.compile(r'class="bell">Notifications(?: <span class="badge">(\d+))?')


@pytest.fixture
def app(tmp_path):
    with serving(tmp_path, PAGE_CACHE_MB=4) as app:
        yield app


@pytest.fixture
def community(ctx):
    reader = UserFactory(username="reader", onset="injury")
    writer = UserFactory(username="writer", trusted=True)
    for onset in ("injury", "sedentary") * 3:
        ExperienceFactory(author=UserFactory(onset=onset), onset=onset)
    ExperienceFactory(author=reader, title="Reader's walking diary")
    ExperienceFactory(author=writer, title="Writer's yoga diary")
    db.session.commit()
    search.apply_pending()
    return reader, writer


def statements_for(client, path: str) -> list[str]:
    with counting_queries() as statements:
        assert client.get(path).status_code == 200
    return statements


@pytest.mark.parametrize("path", KEPT_MEMBER_PAGES)
def test_a_kept_member_page_asks_the_database_once(app, community, path):
    reader = signed_in(app, "reader")
    for _ in range(2):  # the first search opens the index, whose version keys the page after
        reader.get(path)

    statements = statements_for(reader, path)

    assert len(statements) == 1, statements
    assert "FROM users" in statements[0] and "content_version" in statements[0]


def test_a_kept_experience_page_adds_one_query_for_the_readers_own_parts(app, community):
    reader = signed_in(app, "reader")
    path = f"/experiences/{story('Writer').id}"
    reader.get(path)

    assert len(statements_for(reader, path)) == 2


def story(author_name: str) -> Experience:
    return db.session.scalar(db.select(Experience).filter_by(title=f"{author_name}'s yoga diary"))


def bell(client, path: str) -> int:
    found = BELL.search(client.get(path).get_data(as_text=True))
    assert found is not None, "no bell"
    return int(found[1] or 0)


def bells(client) -> list[int]:
    """The bell on each page, made and then served from what was kept."""
    return [bell(client, path) for path in KEPT_MEMBER_PAGES for _ in range(2)]


def test_the_kept_bell_and_header_count_each_notification_as_it_comes_and_goes(app, community):
    reader, writer = (db.session.get(User, member.id) for member in community)
    watched = story("Writer")
    page = signed_in(app, "reader")
    with app.test_request_context():
        notifications.watch(reader, watched.id)
    assert bells(page) == [0] * 2 * len(KEPT_MEMBER_PAGES)

    with app.test_request_context():
        discussion.add_reply(writer, watched.id, {"body": "Mornings suit me better."})
        discussion.add_reply(writer, watched.id, {"body": "Ask me about @reader."})
    assert bells(page) == [2] * 2 * len(KEPT_MEMBER_PAGES)

    with app.test_request_context():
        notifications.mark_read(reader, {"all": True})
    assert bells(page) == [0] * 2 * len(KEPT_MEMBER_PAGES)


def test_a_request_reads_the_versions_again_after_its_own_commit(app, community):
    with app.test_request_context():
        before = caching.versions_now()
        assert caching.versions_now() is before  # read once
        ExperienceFactory(title="Written in this request")
        db.session.commit()
        assert caching.versions_now().content > before.content
