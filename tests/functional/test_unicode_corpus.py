"""Awkward Unicode through every JSON, form and query field: a 4xx, or stored as sent.

Never a 5xx, on SQLite and (with TEST_DATABASE_URL) PostgreSQL, which refuses NUL in text.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import AuthActions, serving
from tests.factories import STORY_INPUT, TEST_PASSWORD, ExperienceFactory, UserFactory

CORPUS = [
    "\ud800",  # lone high surrogate
    "\udfff",  # lone low surrogate
    "pair \ud83d broken",
    "\x00",
    "nul\x00inside",
    "right\u202eto-left override",
    "isolate \u2066x\u2069 and \u200f mark",
    "zero\u200dwidth\u200cjoiners\u200b",
    "\ufeffbyte order mark",
    "ﬁne ﬀ ligatures",  # NFKC expands these
    "①② Ｆｕｌｌｗｉｄｔｈ ㎏",
    "e\u0301 combining and \u0301 alone",
    "4-byte 😀 🧘‍♀️ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \U0010fffd",
    "\u2028line\u2029separators",
]
TEXT_FIELDS_OF_A_STORY = ("title", "body")


def padded(field: str, sample: str) -> str:
    """Long enough for the field's minimum, so the sample is what is judged."""
    return f"Walking {sample} note" if field == "title" else f"My diary says: {sample}. " * 2


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("unicode")) as app:
        with app.app_context():
            UserFactory(username="oak", role="moderator")
            member = UserFactory(username="maple")
            story_id = ExperienceFactory(author=member).id
            UserFactory(username="birch")
        client = app.test_client()
        yield app, client, AuthActions(client).headers("oak"), story_id


def never_5xx(response, where):
    assert response.status_code < 500, (where, response.get_data(as_text=True)[:300])
    return response


def json_requests(story_id: int, sample: str):
    """(method, path, body, field) for every JSON text field of the API."""
    for field in TEXT_FIELDS_OF_A_STORY:
        yield "post", "/api/v1/experiences", {**STORY_INPUT, field: padded(field, sample)}, field
    for field in ("tags", "exercises"):
        yield "post", "/api/v1/experiences", {**STORY_INPUT, field: [sample]}, field
    for field in ("intensity", "outcome", "flare", "onset", "condition"):
        yield "post", "/api/v1/experiences", {**STORY_INPUT, field: sample}, field
    yield "post", "/api/v1/experiences", {**STORY_INPUT, "effects": {"pain": sample}}, "effects"
    yield "patch", f"/api/v1/experiences/{story_id}", {"title": padded("title", sample)}, "title"
    yield "post", f"/api/v1/experiences/{story_id}/replies", {"body": sample + " reply"}, "body"
    yield "post", f"/api/v1/experiences/{story_id}/flags", {"reason": "other", "note": sample}, ""
    yield "post", "/api/v1/auth/register", {"username": sample, "email": "a@b.org"}, "username"
    yield "post", "/api/v1/auth/register", {"username": "x", "email": f"{sample}@b.org"}, "email"
    yield "post", "/api/v1/auth/tokens", {"username": sample, "password": sample}, "username"
    yield "patch", "/api/v1/me", {"onset": sample}, "onset"
    yield "post", "/api/v1/me/password", {"current_password": sample, "new_password": sample}, ""
    yield "delete", "/api/v1/me", {"experiences": "delete", "password": sample}, "password"
    decision = {"action": "hide", "reason": "other", "note": sample}
    yield "post", f"/api/v1/moderation/experiences/{story_id}/decision", decision, ""
    yield "post", "/api/v1/moderation/users/birch/suspend", {"days": 1, "reason": sample}, ""
    yield "post", "/api/v1/moderation/users/birch/unsuspend", {"note": sample}, ""


def query_paths(sample: str):
    for path in ("/api/v1/search", "/search"):
        for name in ("q", "tag", "exercise"):
            yield f"{path}", {name: sample}
    for path in ("/api/v1/experiences", "/experiences"):
        for name in ("author", "tag", "onset", "sort", "page"):
            yield path, {name: sample}
    yield "/api/v1/insights", {"onset": sample}
    yield "/insights", {"onset": sample}
    yield "/api/v1/moderation/log", {"member": sample}


@pytest.mark.parametrize("sample", CORPUS, ids=lambda sample: repr(sample)[:24])
def test_every_json_field_refuses_or_stores_as_sent(site, sample):
    app, client, headers, story_id = site
    for method, path, body, field in json_requests(story_id, sample):
        response = never_5xx(getattr(client, method)(path, json=body, headers=headers), path)
        if (
            response.status_code == 201
            and path.endswith("experiences")
            and field in TEXT_FIELDS_OF_A_STORY
        ):
            stored = client.get(f"/api/v1/experiences/{response.get_json()['id']}", headers=headers)
            assert stored.get_json()[field] == body[field].strip(), (field, sample)
        elif 400 <= response.status_code < 500 and response.status_code not in (401, 403, 404):
            assert response.get_json()["error"]["code"], path


@pytest.mark.parametrize("sample", CORPUS, ids=lambda sample: repr(sample)[:24])
def test_every_query_string_answers_below_500(site, sample):
    _, client, headers, _ = site
    safe = sample.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    for path, args in query_paths(safe):
        never_5xx(client.get(path, query_string=args, headers=headers), (path, args))


@pytest.mark.parametrize("sample", CORPUS, ids=lambda sample: repr(sample)[:24])
def test_every_form_field_answers_below_500(tmp_path, sample):
    # Forms arrive as UTF-8: a lone surrogate can only come as its (invalid) bytes.
    text = sample.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    with serving(tmp_path) as app:
        with app.app_context():
            UserFactory(username="maple")
            story_id = ExperienceFactory().id
        client = app.test_client()
        never_5xx(client.post("/register", data={"username": text, "email": text}), "/register")
        never_5xx(client.post("/login", data={"username": text, "password": text}), "/login")
        AuthActions(client).login("maple", TEST_PASSWORD)
        never_5xx(client.post("/profile", data={"onset": text}), "/profile")
        form = {**STORY_INPUT, "title": padded("title", text), "body": padded("body", text)}
        form.pop("effects")
        never_5xx(client.post("/experiences/new", data=form), "/experiences/new")
        never_5xx(client.post(f"/experiences/{story_id}/replies", data={"body": text}), "reply")
        flag = {"reason": "other", "note": text}
        never_5xx(client.post(f"/experiences/{story_id}/flags", data=flag), "flag")
        never_5xx(client.post("/profile/password", data={"current_password": text}), "password")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.text(st.characters(codec=None), min_size=1, max_size=40))
def test_any_text_as_a_title_reply_or_username_is_refused_or_kept(site, text):
    _, client, headers, story_id = site
    for method, path, body, _ in list(json_requests(story_id, text))[:2]:
        never_5xx(getattr(client, method)(path, json=body, headers=headers), path)
    reply = {"body": f"Reply: {text}"}
    never_5xx(client.post(f"/api/v1/experiences/{story_id}/replies", json=reply), "reply")
    login = {"username": text, "password": text}
    never_5xx(client.post("/api/v1/auth/tokens", json=login), "tokens")
