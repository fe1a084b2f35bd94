"""Signed-in members' pages made around kept content (forum/web/page_cache.py).

The rule: whoever made the kept content, each reader gets exactly the page that would have
been made for them alone (only the CSRF token differs, being fresh per page), with their own
header, and the kept content goes when anything is written.
"""

import itertools
import re

import pytest

from forum import caching, search
from forum.extensions import db
from forum.kept import KeptUnderVersion
from forum.models import Experience, Flag, MeToo, Notification, QuickAnswer, Watch
from tests.conftest import AuthActions, serving
from tests.factories import (
    TEST_PASSWORD,
    ExperienceFactory,
    ReplyFactory,
    UserFactory,
    member_for_role,
)

READERS = ("member", "author", "moderator", "suspended_member")
PAGES = (
    "/",
    "/experiences",
    "/experiences?sort=most_me_too",
    "/experiences?onset=injury",
    "/experiences?exercise=walking&page=1",
    "/search?q=diary",
    "/search?q=diary&onset=injury",
    "/search?q=",
    "/insights",
    "/insights?onset=injury",
    "/insights?onset=",
    "/notifications",
    "/notifications?unread=1",
    "/experiences/mine",
)
# Experience pages by title (and reply page): each reader's own marks, reports, watches and
# replies differ on them (see `readers`).
STORIES = (
    ("Public diary", ""),
    ("Discussed diary", ""),
    ("Discussed diary", "?page=2"),
    ("Members only diary", ""),
    ("Private about me diary", ""),
    ("Waiting diary", ""),
)
CSRF_TOKEN = re.compile(r'name="csrf_token" value="[^"]+"')


@pytest.fixture
def app(tmp_path):
    with serving(tmp_path, PAGE_CACHE_MB=4) as app:
        yield app


@pytest.fixture
def readers(ctx, counting_only):
    """One member per reader role, signed in on their own client; stories each may or may not
    read (members-only, a private "about me", one still waiting for review), enough people for
    insights, and readers' own answers there (onset and "I tried walking too")."""
    made = {role: member_for_role(role, username=role) for role in READERS}
    made["member"].onset = made["author"].onset = "injury"
    for onset in ("injury", "sedentary") * 3:
        ExperienceFactory(author=UserFactory(onset=onset), onset=onset)
    db.session.add(
        QuickAnswer(user=made["member"], exercise="walking", outcome="helped", flare="none")
    )
    author = made["author"]
    ExperienceFactory(author=author, title="Members only diary", visibility="members")
    ExperienceFactory(
        author=author, title="Private about me diary", onset="injury", share_profile=False
    )
    ExperienceFactory(author=author, title="Waiting diary", onset="injury", status="pending")
    public = ExperienceFactory(title="Public diary", onset="injury", me_too_count=3)
    discussed = ExperienceFactory(title="Discussed diary")
    replies = ReplyFactory.create_batch(25, experience=discussed)
    ReplyFactory(experience=discussed, author=made["suspended_member"])
    ReplyFactory(experience=discussed, author=made["member"], status="pending")
    db.session.flush()
    member, author = made["member"].id, made["author"].id
    db.session.add_all(
        [
            MeToo(experience_id=public.id, user_id=member),
            Watch(user_id=member, experience_id=public.id),
            Flag(experience_id=public.id, flagger_id=member, reason="spam"),
            Flag(reply_id=replies[0].id, flagger_id=author, reason="spam"),
            Flag(reply_id=replies[-1].id, flagger_id=member, reason="spam"),
            MeToo(experience_id=discussed.id, user_id=author),
            Notification(user_id=member, kind="reply", experience_id=discussed.id),
            Notification(user_id=author, kind="me_too", experience_id=public.id),
        ]
    )
    search.rebuild()
    return made


def signed_in(app, username: str):
    client = app.test_client()
    assert AuthActions(client).login(username, TEST_PASSWORD).status_code == 302
    client.get("/notifications")  # shows (and so takes away) the "Signed in" message
    return client


def forget_kept_pages(app) -> None:
    """Forget every page, and every reader's kept facts and header around members' pages."""
    caching.caches(app).pages = KeptUnderVersion(4 << 20, 60, weigh=lambda page: page.weight)
    caching.caches(app).readers = KeptUnderVersion(caching.READER_FACTS_PER_PROCESS, 60)
    caching.caches(app).shells = KeptUnderVersion(caching.SHELLS_PER_PROCESS, 60)


def page_text(response) -> str:
    return CSRF_TOKEN.sub('name="csrf_token" value="-"', response.get_data(as_text=True))


def page_of(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return page_text(response)


@pytest.mark.parametrize("path", PAGES)
def test_each_reader_gets_their_own_page_whoever_made_the_kept_content(app, readers, path):
    clients = {role: signed_in(app, role) for role in READERS}
    for maker, reader in itertools.permutations(READERS, 2):
        forget_kept_pages(app)
        alone = page_of(clients[reader], path)
        forget_kept_pages(app)
        page_of(clients[maker], path)

        served = page_of(clients[reader], path)

        assert served == alone, f"{reader} was served what {maker} made"
        assert f"({reader})" in served


@pytest.mark.parametrize(("title", "query"), STORIES)
def test_each_reader_gets_their_own_experience_page_whoever_made_the_kept_content(
    app, readers, title, query
):
    story = db.session.scalar(db.select(Experience).filter_by(title=title))
    path = f"/experiences/{story.id}{query}"
    clients = {role: signed_in(app, role) for role in READERS}
    for maker, reader in itertools.permutations(READERS, 2):
        forget_kept_pages(app)
        alone = clients[reader].get(path)
        forget_kept_pages(app)
        clients[maker].get(path)

        served = clients[reader].get(path)

        assert served.status_code == alone.status_code
        assert page_text(served) == page_text(alone), f"{reader} was served what {maker} made"


def test_members_share_the_content_of_an_experience_page(app, readers):
    story = db.session.scalar(db.select(Experience).filter_by(title="Public diary"))
    member, author = signed_in(app, "member"), signed_in(app, "author")
    member.get(f"/experiences/{story.id}")
    store = caching.caches(app).pages
    kept_before = len(store)

    html = author.get(f"/experiences/{story.id}").get_data(as_text=True)

    assert len(store) == kept_before
    assert "You said this matches your experience" not in html
    assert "You reported this experience" not in html and 'aria-pressed="false">Watch<' in html


def test_the_content_is_kept_and_the_header_is_the_readers(app, readers):
    first, second = signed_in(app, "member"), signed_in(app, "author")
    first.get("/experiences")
    store = caching.caches(app).pages
    kept_before = len(store)

    html = second.get("/experiences").get_data(as_text=True)

    assert len(store) == kept_before  # served from what `first` made
    assert "(author)" in html and "(member)" not in html


def test_a_write_retires_the_kept_content(app, readers):
    client = signed_in(app, "member")
    assert "Fresh walk" not in client.get("/experiences").get_data(as_text=True)
    ExperienceFactory(title="Fresh walk")

    assert "Fresh walk" in client.get("/experiences").get_data(as_text=True)


def test_a_members_own_page_is_made_again_after_a_write(app, readers):
    client = signed_in(app, "member")
    assert "Mark all read" in client.get("/notifications").get_data(as_text=True)

    client.post("/notifications/read", data={"all": "1"})

    assert "Mark all read" not in client.get("/notifications").get_data(as_text=True)


def test_a_message_waiting_for_the_reader_is_shown_on_a_kept_page(app, readers):
    client = signed_in(app, "member")
    client.get("/")
    signed_in(app, "author").get("/")  # kept content for "/" exists either way

    response = client.post("/login", data={"username": "member", "password": TEST_PASSWORD})
    html = client.get(response.headers.get("Location", "/")).get_data(as_text=True)

    assert "(member)" in html


@pytest.fixture
def csrf_app(tmp_path):
    with serving(tmp_path, PAGE_CACHE_MB=4, WTF_CSRF_ENABLED=True) as app:
        yield app


def test_the_forms_of_a_kept_page_carry_the_readers_own_token(csrf_app):
    with csrf_app.app_context():
        for name in ("first", "second"):
            UserFactory(username=name)
    clients = {}
    for name in ("first", "second"):
        client = csrf_app.test_client()
        login_page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
        data = {"username": name, "password": TEST_PASSWORD, "csrf_token": token}
        assert client.post("/login", data=data).status_code == 302
        clients[name] = client
    clients["first"].get("/")

    html = clients["second"].get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    assert clients["second"].post("/logout", data={"csrf_token": token}).status_code == 302
    assert "(second)" not in clients["second"].get("/").get_data(as_text=True)
