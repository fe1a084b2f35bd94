"""Member text never becomes active markup, wherever it is rendered.

A corpus of attacks goes in as titles, stories, replies, tags, usernames, search boxes and
URLs that end on error pages; each rendered page is parsed, and no attribute may start an
active scheme, no event handler or script may come from member text.
"""

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from forum import search
from forum.sanitize import ALLOWED_PROTOCOLS, href_scheme
from tests.conftest import AuthActions, serving
from tests.factories import STORY_INPUT, UserFactory

MARK = "1337"
PAYLOADS = [
    f"<script>alert({MARK})</script>",
    f'"><script>alert({MARK})</script>',
    f"'><img src=x onerror=alert({MARK})>",
    f"<img src=x onerror=alert({MARK})>",
    f"<svg onload=alert({MARK})>",
    f"<svg><script>alert({MARK})</script></svg>",
    f'<a href="javascript:alert({MARK})">x</a>',
    f"[click](javascript:alert({MARK}))",
    f"[click](JaVaScRiPt:alert({MARK}))",
    f"[click](java\tscript:alert({MARK}))",
    f"[click](&#106;avascript:alert({MARK}))",
    f"[click](data:text/html;base64,PHNjcmlwdD5hbGVydCg{MARK}KTwvc2NyaXB0Pg==)",
    f"[click](vbscript:msgbox({MARK}))",
    f"<javascript:alert({MARK})>",
    f"data://evil.com/,%3Cscript%3Ealert({MARK})%3C/script%3E",
    f"webcal://evil.com/{MARK} and ftp://evil.com/{MARK}",
    f'<iframe src="javascript:alert({MARK})"></iframe>',
    f'<form action="javascript:alert({MARK})"><button>go</button></form>',
    f'<button formaction="javascript:alert({MARK})">go</button>',
    f'<p style="background:url(javascript:alert({MARK}))">styled</p>',
    f'<div onmouseover="alert({MARK})">hover</div>',
    f"<math><mtext><table><mglyph><style><img src=x onerror=alert({MARK})>",
    f'<details open ontoggle="alert({MARK})">',
    f"`<script>alert({MARK})</script>`",
    f"    <script>alert({MARK})</script>",
    f"{{{{7*7}}}} {{% print({MARK}) %}}",
    f"javascript:alert({MARK})//https://example.org",
]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
ACTIVE = re.compile(r"^\s*(javascript|data|vbscript):", re.IGNORECASE)


class _Audit(HTMLParser):
    """Collects every way a page could run something."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._in_script = True
            src = dict(attrs).get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append(f"script from {src or 'inline'}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and ACTIVE.match(re.sub(r"[\x00-\x20]", "", value)):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "href" and href_scheme(value) not in ALLOWED_PROTOCOLS | {""}:
                self.problems.append(f"<{tag} href={value!r}>")
            if name == "style" and (MARK in value or "url(" in value or "expression" in value):
                self.problems.append(f"<{tag} style={value!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and MARK in data:
            self.problems.append("member text inside a script")


def assert_inert(html: str, where: str) -> None:
    audit = _Audit()
    audit.feed(html)
    audit.close()
    assert not audit.problems, (where, audit.problems)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A moderator (published at once) posts every payload as a title, a story and a reply."""
    with serving(tmp_path_factory.mktemp("xss")) as app:
        with app.app_context():
            UserFactory(username="oak", role="moderator")
        client = app.test_client()
        headers = AuthActions(client).headers("oak")
        ids = []
        for number, payload in enumerate(PAYLOADS):
            title = f"Payload {number} {payload}"[:150]
            story = {**STORY_INPUT, "title": title, "body": f"Story xsscorpus {payload}"}
            created = client.post("/api/v1/experiences", json=story, headers=headers)
            assert created.status_code == 201, created.get_json()
            ids.append(created.get_json()["id"])
            reply = client.post(
                f"/api/v1/experiences/{ids[-1]}/replies", json={"body": payload}, headers=headers
            )
            assert reply.status_code == 201, reply.get_json()
        with app.app_context():
            search.rebuild()
        AuthActions(client).login("oak")
        yield client, ids


def test_every_story_page_is_inert(site):
    client, ids = site
    for story_id in ids:
        for path in (f"/experiences/{story_id}", f"/experiences/{story_id}/edit"):
            response = client.get(path)
            assert response.status_code == 200
            assert_inert(response.get_data(as_text=True), path)


@pytest.mark.parametrize(
    "path",
    ["/", "/experiences", "/experiences?per_page=50", "/search?q=xsscorpus", "/moderation/log"],
)
def test_every_list_and_search_page_is_inert(site, path):
    client, _ = site
    response = client.get(path)
    assert response.status_code == 200
    assert_inert(response.get_data(as_text=True), path)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_search_box_and_filters_echo_inertly(site, payload):
    client, _ = site
    for path in (
        f"/search?q={quote(payload)}",
        f"/search?q=walking&tag={quote(payload)}",
        f"/experiences?exercise={quote(payload)}",
        f"/experiences?author={quote(payload)}",
        f"/insights?onset={quote(payload)}",
        f"/login?next={quote(payload)}",
    ):
        response = client.get(path)
        assert response.status_code < 500, path
        assert_inert(response.get_data(as_text=True), path)


@pytest.mark.parametrize("payload", PAYLOADS[:8])
def test_error_pages_are_inert(site, payload):
    client, _ = site
    for path in (f"/{quote(payload)}", f"/experiences/{quote(payload)}", "/experiences/999999"):
        response = client.get(path)
        assert 400 <= response.status_code < 500
        assert_inert(response.get_data(as_text=True), path)


@pytest.mark.parametrize("payload", PAYLOADS[:6])
def test_forms_that_echo_member_input_are_inert(tmp_path, payload):
    with serving(tmp_path) as app:
        client = app.test_client()
        for path, data in (
            ("/register", {"username": payload, "email": payload, "password": "x"}),
            ("/login", {"username": payload, "password": "x"}),
        ):
            response = client.post(path, data=data)
            assert 400 <= response.status_code < 500
            assert_inert(response.get_data(as_text=True), path)


@pytest.mark.parametrize("payload", PAYLOADS[:6])
def test_usernames_and_tags_cannot_carry_markup(client, ctx, auth, payload):
    UserFactory(username="maple")
    registered = client.post(
        "/api/v1/auth/register",
        json={"username": payload, "email": "x@example.org", "password": "x" * 12},
    )
    assert registered.status_code == 422
    tagged = client.post(
        "/api/v1/experiences", json={**STORY_INPUT, "tags": [payload]}, headers=auth.headers()
    )
    assert tagged.status_code == 422
    assert "tags" in tagged.get_json()["error"]["fields"]
