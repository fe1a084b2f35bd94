"""Pages build their links only from the parameters they accept: a request parameter never
becomes a url_for option (`_external`, `_scheme`, `_anchor`, `_method`), so none can fail a
page or point its links at another host or anchor."""

import re

import pytest

from forum.moderation import service as moderation
from tests.factories import TEST_PASSWORD, ExperienceFactory, UserFactory

FORGED_HOST = "attacker.example"
# As the browser says, and forged (answered 400 where the app checks allowed hosts).
HOSTS = [{}, {"Host": FORGED_HOST}]
INJECTIONS = [
    {"_external": "1"},
    {"_external": "1", "_scheme": "javascript"},
    {"_scheme": "https"},
    {"_anchor": "injected"},
    {"_external": "1", "_anchor": "injected"},
    {"_method": "POST"},
    {"_method": "DELETE"},
    {"injected_unknown": "injected", "__class__": "injected"},
]
# Each page with the parameters that make it draw links to more pages or filtered views, and
# a link it must draw with them (proof that the links under test exist).
PAGES = [
    ("/", {}, None),
    ("/experiences", {"exercise": "walking", "per_page": "1"}, 'rel="next"'),
    ("/experiences/mine", {"page": "1"}, None),
    ("/experiences/{published}", {"page": "1"}, None),
    ("/search", {"q": "walking", "per_page": "1"}, 'rel="next"'),
    ("/search", {"q": "walkng"}, "Did you mean"),
    ("/search", {"q": "walking", "exercise": "walking"}, "remove this filter"),
    ("/insights", {"onset": "injury"}, None),
    ("/insights/compare", {"a": "onset:injury", "b": "onset:gradual"}, None),
    ("/moderation", {"kind": "pending", "per_page": "1"}, 'rel="next"'),
    ("/moderation/log", {"per_page": "1"}, 'rel="next"'),
    ("/moderation/members", {"username": "maple"}, None),
]
HREF = re.compile(r'(?:href|action)="([^"]*)"')


@pytest.fixture
def signed_in_moderator(ctx, client):
    """A moderator signed in, with published, pending and decided stories to page through."""
    oak = UserFactory(username="oak", role="moderator")
    maple = UserFactory(username="maple")
    published = [
        ExperienceFactory(author=maple, title=f"Walking week {n}", exercises=("walking",))
        for n in range(3)
    ]
    pending = [
        ExperienceFactory(author=maple, title=f"Waiting {n}", status="pending", published_at=None)
        for n in range(3)
    ]
    moderation.decide(oak, pending[0].id, {"action": "approve"})
    moderation.decide(oak, published[0].id, {"action": "hide", "reason": "spam"})
    ExperienceFactory(author=oak, title="My own walking")
    for host in HOSTS:  # the test client keeps a session cookie per host
        client.post("/login", data={"username": "oak", "password": TEST_PASSWORD}, headers=host)
    return {"published": published[1].id}


def hrefs(html: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in HREF.findall(html)]


@pytest.mark.parametrize(("path", "params", "marker"), PAGES)
class TestRequestParametersNeverShapeLinks:
    def test_the_page_draws_its_links(self, client, signed_in_moderator, path, params, marker):
        response = client.get(path.format(**signed_in_moderator), query_string=params)
        assert response.status_code == 200
        if marker:
            assert marker in response.get_data(as_text=True)

    def test_injected_options_are_ignored(self, client, signed_in_moderator, path, params, marker):
        for injected in INJECTIONS:
            for host in HOSTS:
                response = client.get(
                    path.format(**signed_in_moderator),
                    query_string={**params, **injected},
                    headers=host,
                )
                seen = f"{injected} {host}: {response.status_code} {response.location}"
                assert response.status_code in (200, 400), seen
                for link in hrefs(response.get_data(as_text=True)):
                    # Every link the app draws to itself is relative: no host, scheme or
                    # anchor from the request.
                    assert "://" not in link and "injected" not in link, f"{seen} {link}"
                    assert not link.lower().startswith(("javascript:", "//")), f"{seen} {link}"
