"""Members-only stories and a private "about me": who sees what, on every surface.

Viewers: a visitor (anonymous), another member, the author and a moderator. Stories: public
or members-only × "about me" shared or not, all by one author with the same onset, condition,
symptom and age band, each with its own word. A visitor never meets a members-only story
(page, lists, search with totals, facets, highlights and suggestions, home, the API without a
token, kept pages); a story that keeps its "about me" private shows it, and lets profile
filters find it, only for its author and moderators. Each surface runs with the page cache
off and on; visitors ask twice, so the second answer comes from a kept page when it is on.
"""

import pytest

from forum import search
from forum.extensions import db
from forum.models import Experience
from tests.conftest import AuthActions, serving
from tests.factories import TEST_PASSWORD, ExperienceFactory, UserFactory

PROFILE = {"onset": "injury", "condition": "suspected", "symptom": "sleep", "age_band": "40s"}
ONSET_LABEL = "Injury: accident, collision, fall or surgery"
# One word per (visibility, share_profile): a leak names its case.
WORD = {
    ("public", True): "sunflower",
    ("public", False): "marmalade",
    ("members", True): "zeppelin",
    ("members", False): "lighthouse",
}
VIEWERS = ("anonymous", "member", "author", "moderator", "anonymous")
PRIVILEGED = ("author", "moderator")


def reads(viewer: str, visibility: str) -> bool:
    return visibility == "public" or viewer != "anonymous"


def sees_profile(viewer: str, shared: bool) -> bool:
    return shared or viewer in PRIVILEGED


@pytest.fixture(scope="module", params=[0, 4], ids=["cache-off", "cache-on"])
def world(request, tmp_path_factory):
    settings = {"PAGE_CACHE_MB": request.param, "LIST_TOTALS_REMEMBERED": bool(request.param)}
    with serving(tmp_path_factory.mktemp("privacy"), **settings) as app:
        with app.app_context():
            author = UserFactory(username="author")
            UserFactory(username="member")
            UserFactory(username="moderator", role="moderator")
            ids = {}
            for (visibility, shared), word in WORD.items():
                story = ExperienceFactory(
                    author=author,
                    title=f"{word.capitalize()} diary of gentle movement",
                    body=f"Every {word} morning I kept a diary of how my body answered.",
                    visibility=visibility,
                    share_profile=shared,
                    **PROFILE,
                )
                ids[(visibility, shared)] = story.id
            search.rebuild()
        viewers = {"anonymous": (app.test_client(), {})}
        for name in ("member", "author", "moderator"):
            client = app.test_client()
            assert AuthActions(client).login(name).status_code == 302
            viewers[name] = (client, AuthActions(client).headers(name, TEST_PASSWORD))
        yield app, ids, viewers


def get(viewers, viewer, path, api=False):
    client, headers = viewers[viewer]
    response = client.get(path, headers=headers if api else {})
    assert response.status_code < 500, (viewer, path)
    return response


def twice(viewers, viewer, path, api=False):
    """The answer, asked twice: a visitor's second one comes from a kept page if any."""
    first = get(viewers, viewer, path, api)
    second = get(viewers, viewer, path, api)
    assert first.status_code == second.status_code, path
    if viewer == "anonymous":  # signed-in pages differ by their CSRF tokens
        assert first.data == second.data, path
    return second


def words_in(text: str) -> set[str]:
    return {word for word in WORD.values() if word in text.lower()}


def readable_words(viewer: str) -> set[str]:
    return {word for (visibility, _), word in WORD.items() if reads(viewer, visibility)}


def test_the_story_page_and_its_json(world):
    _, ids, viewers = world
    for viewer in VIEWERS:
        for (visibility, shared), story_id in ids.items():
            expected = 200 if reads(viewer, visibility) else 404
            page = twice(viewers, viewer, f"/experiences/{story_id}")
            api = twice(viewers, viewer, f"/api/v1/experiences/{story_id}", api=True)
            replies = get(viewers, viewer, f"/api/v1/experiences/{story_id}/replies", api=True)
            assert (page.status_code, api.status_code, replies.status_code) == (expected,) * 3
            if expected == 404:
                assert not words_in(page.get_data(as_text=True))
                continue
            html, body = page.get_data(as_text=True), api.get_json()
            assert (ONSET_LABEL in html) == sees_profile(viewer, shared), (viewer, shared)
            assert body["visibility"] == visibility
            assert ("share_profile" in body) == (viewer in PRIVILEGED)
            if viewer in PRIVILEGED:
                assert body["share_profile"] is shared
            shown = {name: body[name] for name in PROFILE}
            assert shown == (PROFILE if sees_profile(viewer, shared) else dict.fromkeys(PROFILE))


@pytest.mark.parametrize("filters", ["", "?exercise=walking", "?onset=injury", "?age_band=40s"])
def test_lists_page_and_api(world, filters):
    _, ids, viewers = world
    profile_filter = any(name in filters for name in PROFILE)
    for viewer in VIEWERS:
        expected = {
            word
            for (visibility, shared), word in WORD.items()
            if reads(viewer, visibility)
            and not (profile_filter and not sees_profile(viewer, shared))
        }
        page = twice(viewers, viewer, f"/experiences{filters}")
        assert words_in(page.get_data(as_text=True)) == expected, (viewer, filters)
        body = twice(viewers, viewer, f"/api/v1/experiences{filters}", api=True).get_json()
        assert body["total"] == len(expected) == len(body["items"]), (viewer, filters)
        assert words_in(str(body)) == expected, (viewer, filters)
        for item in body["items"]:
            assert ("share_profile" in item) == (viewer in PRIVILEGED)


def test_home_page(world):
    _, _, viewers = world
    for viewer in VIEWERS:
        page = twice(viewers, viewer, "/")
        assert words_in(page.get_data(as_text=True)) == readable_words(viewer), viewer


def test_search_results_totals_highlights_and_facets(world):
    _, _, viewers = world
    for viewer in VIEWERS:
        expected = readable_words(viewer)
        body = twice(viewers, viewer, "/api/v1/search?q=diary", api=True).get_json()
        assert body["total"] == len(expected) == len(body["items"]), viewer
        assert words_in(str(body)) == expected, viewer
        # Facets count a private "about me" for no one: the index holds no such keys.
        shared = {w for (v, s), w in WORD.items() if s and reads(viewer, v)}
        assert body["facets"]["onset"] == ({"injury": len(shared)} if shared else {}), viewer
        assert sum(body["facets"]["exercise"].values()) == len(expected)
        page = twice(viewers, viewer, "/search?q=diary")
        assert words_in(page.get_data(as_text=True)) == expected, viewer
        for word in WORD.values():
            found = get(viewers, viewer, f"/api/v1/search?q={word}", api=True).get_json()
            assert found["total"] == (1 if word in expected else 0), (viewer, word)


def test_search_profile_filters_skip_private_about_me(world):
    _, _, viewers = world
    for viewer in ("anonymous", "member"):
        expected = {w for (v, s), w in WORD.items() if s and reads(viewer, v)}
        for name, key in PROFILE.items():
            body = twice(viewers, viewer, f"/api/v1/search?q=diary&{name}={key}", api=True)
            assert words_in(str(body.get_json())) == expected, (viewer, name)
            page = twice(viewers, viewer, f"/search?q=diary&{name}={key}")
            assert words_in(page.get_data(as_text=True)) == expected, (viewer, name)


def test_suggestions_never_draw_on_members_only_words(world):
    _, _, viewers = world
    for viewer in VIEWERS:
        members_word = get(viewers, viewer, "/api/v1/search?q=zepelin", api=True).get_json()
        public_word = get(viewers, viewer, "/api/v1/search?q=sunflowr", api=True).get_json()
        assert public_word["suggestion"] == "sunflower", viewer
        if viewer == "anonymous":
            assert members_word["suggestion"] is None
            page = twice(viewers, viewer, "/search?q=zepelin")
            assert "zeppelin" not in page.get_data(as_text=True).lower()
        else:
            assert members_word["suggestion"] == "zeppelin", viewer


def test_similar_experiences_keep_members_only_ones_from_visitors(world):
    app, ids, _ = world
    with app.app_context():
        public_id, members_id = ids[("public", True)], ids[("members", True)]
        everyone = search.similar_experiences(public_id)
        visitors = search.similar_experiences(public_id, public_only=True)
    assert members_id in everyone
    assert members_id not in visitors
    assert ids[("public", False)] in visitors


@pytest.fixture
def cached_app(tmp_path):
    with serving(tmp_path, PAGE_CACHE_MB=4, LIST_TOTALS_REMEMBERED=True) as app:
        yield app


def test_changing_visibility_retires_kept_pages_and_is_not_a_content_edit(cached_app, ctx):
    story = ExperienceFactory(
        author=UserFactory(username="maple"), title="Sunflower diary of gentle walks"
    )
    search.rebuild()
    visitor, writer = cached_app.test_client(), cached_app.test_client()
    paths = ("/", "/experiences", f"/experiences/{story.id}", "/search?q=sunflower")
    for path in paths:
        assert "Sunflower" in visitor.get(path).get_data(as_text=True)
        assert "Sunflower" in visitor.get(path).get_data(as_text=True)  # kept

    headers = AuthActions(writer).headers("maple", TEST_PASSWORD)
    response = writer.patch(
        f"/api/v1/experiences/{story.id}",
        json={"visibility": "members", "share_profile": False},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["visibility"] == "members"
    assert response.get_json()["share_profile"] is False
    # Not a content edit: still published (the author is not trusted), no revision kept.
    assert response.get_json()["status"] == "published"
    db.session.expire_all()
    assert db.session.get(Experience, story.id).revisions == []

    for path in paths:
        response = visitor.get(path)
        assert "Sunflower" not in response.get_data(as_text=True), path
    assert visitor.get(f"/experiences/{story.id}").status_code == 404
    assert visitor.get(f"/api/v1/experiences/{story.id}").status_code == 404
    assert writer.get("/api/v1/search?q=sunflower", headers=headers).get_json()["total"] == 1
