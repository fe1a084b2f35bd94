"""Who sees which experience where: every status × viewer × surface, exactly as documented.

README "Rules members can rely on" and the contract: published experiences are public; the
author (suspended or not) and moderators also see a pending, rejected or hidden one's own
page and replies; a deleted one is gone for everyone. Every other surface (lists and their
filters, search with facets, totals, highlights and suggestions, similar experiences,
insights, home) shows published experiences only, to everyone; the author's export holds
all of the author's own experiences. Each surface runs with the page cache off and on.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum import search
from forum.clock import utcnow
from forum.extensions import db
from forum.insights import service as insights_service
from forum.models import Reply, Tag, User
from tests.conftest import AuthActions, serving
from tests.factories import TEST_PASSWORD, ExperienceFactory, UserFactory

STATUSES = ("published", "pending", "rejected", "hidden", "deleted")
# One word, exercise and filter value per status, so a leak names its status.
WORD = {
    "published": "sunflower",
    "pending": "zeppelin",
    "rejected": "marmalade",
    "hidden": "lighthouse",
    "deleted": "porcupine",
}
EXERCISE = dict(zip(STATUSES, ("walking", "yoga", "tai_chi", "qigong", "pilates"), strict=True))
FILTER_VALUES = {
    "exercise": EXERCISE,
    "onset": dict(
        zip(STATUSES, ("sedentary", "injury", "illness", "stress", "gradual"), strict=True)
    ),
    "condition": dict(
        zip(STATUSES, ("fibromyalgia", "me_cfs", "both", "suspected", "other"), strict=True)
    ),
    "outcome": dict(
        zip(STATUSES, ("helped_a_lot", "helped", "no_change", "worse", "much_worse"), strict=True)
    ),
    "tag": {status: f"tag-{index}" for index, status in enumerate(STATUSES)},
}
OWNERS = ("author", "suspended", "crowd1", "crowd2", "crowd3")
# Anonymous both first and last: with the page cache on, a kept anonymous page must not
# reach a signed-in viewer, and no signed-in viewer's page may be kept for anonymous ones.
VIEWERS = ("anonymous", "author", "other", "moderator", "suspended", "anonymous")
HIDDEN_WORDS = [WORD[status] for status in STATUSES if status != "published"]


def title_of(owner: str, status: str) -> str:
    return f"{WORD[status].capitalize()} notes kept by {owner}"


def _story(author: User, status: str, tag: Tag):
    now = utcnow()
    story = ExperienceFactory(
        author=author,
        title=title_of(author.username, status),
        body=f"Every {WORD[status]} morning I moved gently and wrote down how it went.",
        exercises=(EXERCISE[status],),
        onset=FILTER_VALUES["onset"][status],
        condition=FILTER_VALUES["condition"][status],
        outcome=FILTER_VALUES["outcome"][status],
        status=status,
        published_at=now if status == "published" else None,
        deleted_at=now if status == "deleted" else None,
        status_reason="Reason" if status in ("rejected", "hidden") else None,
    )
    story.tags = [tag]
    db.session.add(Reply(experience_id=story.id, author=author, body="Hi", body_html="<p>Hi</p>"))
    db.session.commit()
    return story


@pytest.fixture(scope="module", params=[0, 4], ids=["cache-off", "cache-on"])
def world(request, tmp_path_factory):
    """Five owners × five statuses, and a client signed in (page and token) per viewer.

    Requests run outside the test's app context, so no viewer inherits another's `g`. The
    tests only read, so one world serves the whole module.
    """
    with serving(tmp_path_factory.mktemp("world"), PAGE_CACHE_MB=request.param) as app:
        with app.app_context():
            members = {name: UserFactory(username=name) for name in (*OWNERS, "other")}
            members["moderator"] = UserFactory(username="moderator", role="moderator")
            tags = {status: Tag(name=FILTER_VALUES["tag"][status]) for status in STATUSES}
            ids = {
                (owner, status): _story(members[owner], status, tags[status]).id
                for owner in OWNERS
                for status in STATUSES
            }
            search.rebuild()
        viewers = {"anonymous": (app.test_client(), {})}
        for name in ("author", "other", "moderator", "suspended"):
            client = app.test_client()
            assert AuthActions(client).login(name).status_code == 302
            viewers[name] = (client, AuthActions(client).headers(name, TEST_PASSWORD))
        with app.app_context():
            suspended = db.session.scalar(select(User).where(User.username == "suspended"))
            suspended.suspended_until = utcnow() + timedelta(days=3)
            db.session.commit()
        yield app, ids, viewers


def sees_own_page(viewer: str, owner: str, status: str) -> bool:
    if status == "deleted":
        return False
    return status == "published" or viewer in (owner, "moderator")


def leaks(text: str) -> list[str]:
    return [word for word in HIDDEN_WORDS if word in text.lower()]


def get(viewers, viewer, path, api=False):
    client, headers = viewers[viewer]
    response = client.get(path, headers=headers if api else {})
    assert response.status_code < 500, (viewer, path)
    return response


@pytest.mark.parametrize("surface", ["page", "api", "replies"])
def test_the_detail_answers_exactly_who_may_see_it(world, surface):
    _, ids, viewers = world
    wrong = []
    for viewer in VIEWERS:
        for (owner, status), story_id in ids.items():
            if owner in ("crowd2", "crowd3"):
                continue  # the same case as crowd1's
            path = {
                "page": f"/experiences/{story_id}",
                "api": f"/api/v1/experiences/{story_id}",
                "replies": f"/api/v1/experiences/{story_id}/replies",
            }[surface]
            response = get(viewers, viewer, path, api=surface != "page")
            expected = 200 if sees_own_page(viewer, owner, status) else 404
            if response.status_code != expected:
                wrong.append((viewer, owner, status, response.status_code))
            elif expected == 404 and WORD[status] in response.get_data(as_text=True).lower():
                wrong.append((viewer, owner, status, "404 names the story"))
    assert not wrong


def _list_paths(api: bool):
    base = "/api/v1/experiences" if api else "/experiences"
    yield base, "published"
    for sort in ("newest", "most_me_too"):
        yield f"{base}?sort={sort}", "published"
    yield f"{base}?author=author", "published"
    for name, values in FILTER_VALUES.items():
        for status, value in values.items():
            yield f"{base}?{name}={value}", status


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_lists_with_every_filter_show_published_only(world, api):
    _, _, viewers = world
    wrong = []
    for viewer in VIEWERS:
        for path, status in _list_paths(api):
            response = get(viewers, viewer, path, api=api)
            text = response.get_data(as_text=True)
            if response.status_code != 200 or leaks(text):
                wrong.append((viewer, path, response.status_code, leaks(text)))
            if status == "published" and "sunflower" not in text.lower():
                wrong.append((viewer, path, "the published stories are missing"))
            if api and status != "published" and response.get_json()["total"] != 0:
                wrong.append((viewer, path, "total counts unpublished stories"))
            if api and "author=" not in path and status == "published":
                items = response.get_json()["items"]
                if response.get_json()["total"] != len(OWNERS) or len(items) != len(OWNERS):
                    wrong.append((viewer, path, "the published total is not exact"))
    assert not wrong


def _misspelt(word: str) -> str:
    return word[:3] + word[4:]


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_search_results_totals_facets_and_highlights_show_published_only(world, api):
    _, _, viewers = world
    base = "/api/v1/search" if api else "/search"
    wrong = []
    for viewer in VIEWERS:
        for status, word in WORD.items():
            tag = FILTER_VALUES["tag"][status]
            # The page echoes its query, so it is asked by filter; the API by the word too.
            queries = [f"q=notes&exercise={EXERCISE[status]}", f"q=every&sort=newest&tag={tag}"]
            if api:
                queries += [f"q={word}", f"q={word}&sort=newest"]
            for query in queries:
                response = get(viewers, viewer, f"{base}?{query}", api=api)
                text = response.get_data(as_text=True)
                if response.status_code != 200 or leaks(text):
                    wrong.append((viewer, query, response.status_code, leaks(text)))
                if not api:
                    continue
                body = response.get_json()
                expected = len(OWNERS) if status == "published" else 0
                if body["total"] != expected or len(body["items"]) != expected:
                    wrong.append((viewer, query, "total", body["total"]))
                counted = sum(body["facets"]["exercise"].values())
                if counted != expected or set(body["facets"]["exercise"]) - {"walking"}:
                    wrong.append((viewer, query, "facets", body["facets"]["exercise"]))
        everything = get(viewers, viewer, f"{base}?q=notes", api=api).get_data(as_text=True)
        if leaks(everything):
            wrong.append((viewer, "q=notes", leaks(everything)))
    assert not wrong


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
@pytest.mark.parametrize("status", STATUSES)
def test_suggestions_never_offer_a_word_of_an_unpublished_story(world, api, status):
    _, _, viewers = world
    base = "/api/v1/search" if api else "/search"
    for viewer in VIEWERS:
        response = get(viewers, viewer, f"{base}?q={_misspelt(WORD[status])}", api=api)
        assert not leaks(response.get_data(as_text=True)), (viewer, status)


def test_similar_experiences_are_published_ones_only(world):
    app, ids, _ = world
    published = {story_id for (_, status), story_id in ids.items() if status == "published"}
    with app.app_context():
        for story_id in ids.values():
            assert set(search.similar_experiences(story_id, limit=50)) <= published


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_insights_count_published_experiences_only(world, api, monkeypatch):
    # What counts, not how it is protected (test_insights_attacker.py): a handful of stories.
    monkeypatch.setattr(insights_service, "complementary", lambda: False)
    _, _, viewers = world
    for viewer in VIEWERS:
        if not api:
            response = get(viewers, viewer, "/insights?onset=sedentary")
            assert response.status_code == 200
            continue
        for onset in ("", "?onset=sedentary", "?onset=injury"):
            body = get(viewers, viewer, f"/api/v1/insights{onset}", api=True).get_json()
            rows = {row["exercise"]: row for row in body["exercises"]}
            unpublished = {EXERCISE[status] for status in STATUSES if status != "published"}
            assert not unpublished & set(rows), (viewer, onset, sorted(rows))
            if onset != "?onset=injury":
                assert rows["walking"]["reports"] == len(OWNERS), (viewer, onset)


def test_home_shows_published_stories_only(world):
    _, _, viewers = world
    for viewer in VIEWERS:
        text = get(viewers, viewer, "/").get_data(as_text=True)
        assert not leaks(text), (viewer, leaks(text))


@pytest.mark.parametrize("path", ["/api/v1/me/export", "/profile/export"])
def test_an_export_holds_exactly_the_viewers_own_experiences(world, path):
    _, ids, viewers = world
    for viewer in ("author", "other", "moderator", "suspended"):
        text = get(viewers, viewer, path, api=path.startswith("/api")).get_data(as_text=True)
        for owner, status in ids:
            assert (title_of(owner, status) in text) == (owner == viewer), (viewer, owner, status)
