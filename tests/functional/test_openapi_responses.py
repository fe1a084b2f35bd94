"""Spot checks: real answers of the API match what /api/openapi.json documents for them.

Validated strictly: a field the API sends but the document does not name fails here, so
the document cannot fall behind the views unnoticed.
"""

import copy

import pytest
from openapi_schema_validator import OAS30Validator

from forum.auth.service import issue_token
from forum.extensions import db
from tests.conftest import make_app
from tests.fuzz.seed import ADMIN, MEMBER, seed_community

FLAG_EXPERIENCE = "/api/v1/experiences/{experience_id}/flags"
FLAG_REPLY = "/api/v1/replies/{reply_id}/flags"


def strict(node):
    """Every object schema closed: no property beyond those it lists."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: strict(value) for key, value in node.items()}
    if "properties" in node:
        node.setdefault("additionalProperties", False)
    return node


def response_schema(document: dict, method: str, path: str, status: int) -> dict:
    response = document["paths"][path][method]["responses"][str(status)]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]


def assert_documented(document, method, path, response, *, closed=True):
    """The response's status is documented for the operation and its body fits the schema."""
    responses = document["paths"][path][method]["responses"]
    assert str(response.status_code) in responses, response.get_json()
    components = copy.deepcopy(document["components"])
    schema = {**response_schema(document, method, path, response.status_code)}
    schema["components"] = strict(components) if closed else components
    OAS30Validator(schema).validate(response.get_json())


@pytest.fixture
def community(tmp_path):
    """The fuzz run's community, with tokens for maple (member) and kestrel (admin).

    Insights count people: its three authors are shown only with the smallest min_reports.
    """
    # A handful of stories: the lattice protection would hide every insights row checked here.
    app = make_app(tmp_path, INSIGHTS_MIN_REPORTS=3, INSIGHTS_LATTICE_PROTECTION=False)
    with app.app_context():
        members = seed_community()
        tokens = {name: issue_token(members[name])[0] for name in (MEMBER, ADMIN)}
    headers = {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}
    yield app.test_client(), headers, app.test_client().get("/api/openapi.json").get_json()
    dispose(app)


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("/api/v1/experiences", "/api/v1/experiences?per_page=3"),
        ("/api/v1/experiences/{experience_id}", "/api/v1/experiences/1"),
        ("/api/v1/experiences/{experience_id}/replies", "/api/v1/experiences/1/replies"),
        ("/api/v1/search", "/api/v1/search?q=qigong+mornings"),
        ("/api/v1/search", "/api/v1/search?q=qigongg"),
        ("/api/v1/insights", "/api/v1/insights?onset=injury&detail=intensity"),
        ("/api/v1/insights", "/api/v1/insights?onset=stress"),
        ("/api/v1/insights/compare", "/api/v1/insights/compare?a=onset:injury&b=everyone"),
        ("/api/v1/me", "/api/v1/me"),
        ("/api/v1/me/export", "/api/v1/me/export"),
        ("/api/v1/taxonomy", "/api/v1/taxonomy"),
    ],
)
def test_member_reads_match_the_document(community, path, url):
    client, headers, document = community
    response = client.get(url, headers=headers[MEMBER])
    assert response.status_code == 200
    assert_documented(document, "get", path, response)


def test_non_empty_answers_are_really_checked(community):
    client, headers, _ = community
    insights = client.get("/api/v1/insights?onset=injury&detail=intensity").get_json()
    assert insights["exercises"] and insights["exercises"][0]["intensities"]
    assert client.get("/api/v1/search?q=qigong").get_json()["items"]
    export = client.get("/api/v1/me/export", headers=headers[MEMBER]).get_json()
    assert export["experiences"][0]["revisions"] == [] and export["flags_raised"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/moderation/log",
        "/api/v1/moderation/queue?kind=pending",
        "/api/v1/moderation/queue?kind=flagged",
        "/api/v1/moderation/queue?kind=flagged_replies",
    ],
)
def test_moderator_reads_match_the_document(community, url):
    client, headers, document = community
    response = client.get(url, headers=headers[ADMIN])
    assert response.status_code == 200 and response.get_json()["items"]
    path = url.split("?")[0]
    # Queue items are allOf(flags, anyOf(experience, reply)): closing each part would
    # refuse the other's fields, so the keys are compared by hand.
    assert_documented(document, "get", path, response, closed="queue" not in url)
    if "queue" in url:
        schemas = document["components"]["schemas"]
        allowed = set(schemas["QueueFlags"]["properties"])
        allowed |= set(schemas["ModeratedExperience"]["properties"])
        allowed |= set(schemas["ModeratedReply"]["properties"])
        for item in response.get_json()["items"]:
            assert set(item) <= allowed


def test_moderators_see_unpublished_experiences_as_documented(community):
    client, headers, document = community
    response = client.get("/api/v1/experiences/8", headers=headers[ADMIN])
    assert response.get_json()["status"] == "rejected"
    assert_documented(document, "get", "/api/v1/experiences/{experience_id}", response)


def test_writes_match_the_document(community):
    client, headers, document = community
    member, admin = headers[MEMBER], headers[ADMIN]
    story = client.get("/api/v1/experiences/2").get_json()
    body = {key: story[key] for key in ("title", "body", "exercises", "intensity", "outcome")}
    checks = [
        ("post", "/api/v1/experiences", "/api/v1/experiences", {**body, "flare": "none"}, member),
        (
            "patch",
            "/api/v1/experiences/{experience_id}",
            "/api/v1/experiences/2",
            {"weeks_tried": 3},
            member,
        ),
        (
            "post",
            "/api/v1/experiences/{experience_id}/replies",
            "/api/v1/experiences/7/replies",
            {"body": "Thank you."},
            member,
        ),
        ("post", "/api/v1/experiences/{experience_id}/me-too", "/api/v1/experiences/7/me-too"),
        ("post", "/api/v1/experiences/{experience_id}/flags", "/api/v1/experiences/7/flags"),
        (
            "post",
            "/api/v1/moderation/experiences/{experience_id}/decision",
            "/api/v1/moderation/experiences/10/decision",
            {"action": "approve"},
            admin,
        ),
        (
            "post",
            "/api/v1/moderation/users/{username}/suspend",
            "/api/v1/moderation/users/sorrel/suspend",
            {"days": 3, "reason": "Cooling off."},
            admin,
        ),
        ("patch", "/api/v1/me", "/api/v1/me", {"symptom": None}, member),
        ("post", "/api/v1/auth/register", "/api/v1/auth/register", None, None),
    ]
    defaults = {
        "/api/v1/experiences/7/me-too": ({}, member),
        "/api/v1/experiences/7/flags": ({"reason": "spam"}, member),
        "/api/v1/auth/register": (
            {"username": "linden", "email": "linden@example.org", "password": "a long password"},
            {},
        ),
    }
    for method, path, url, *rest in checks:
        json, caller = rest if rest and rest[0] is not None else defaults[url]
        response = getattr(client, method)(url, json=json, headers=caller)
        assert response.status_code in (200, 201), (url, response.get_json())
        assert_documented(document, method, path, response)


@pytest.mark.parametrize(
    ("method", "path", "url", "json", "status"),
    [
        ("post", "/api/v1/experiences", "/api/v1/experiences", {"title": "x"}, 422),
        ("get", "/api/v1/experiences", "/api/v1/experiences?per_page=0", None, 400),
        ("get", "/api/v1/experiences/{experience_id}", "/api/v1/experiences/99", None, 404),
        ("get", "/api/v1/moderation/log", "/api/v1/moderation/log", None, 403),
        ("post", "/api/v1/auth/register", "/api/v1/auth/register", "[", 400),
        ("post", FLAG_EXPERIENCE, "/api/v1/experiences/3/flags", {"reason": "spam"}, 403),
        ("post", FLAG_REPLY, "/api/v1/replies/1/flags", {"reason": "spam"}, 409),
    ],
)
def test_errors_match_the_document(community, method, path, url, json, status):
    client, headers, document = community
    kwargs = {"data": json} if isinstance(json, str) else {"json": json}
    response = getattr(client, method)(url, headers=headers[MEMBER], **kwargs)
    assert response.status_code == status
    assert_documented(document, method, path, response)


def test_a_missing_token_is_a_documented_401_naming_the_scheme(community):
    client, _, document = community
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert_documented(document, "get", "/api/v1/me", response)


def test_a_rate_limited_call_is_a_documented_429(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_REGISTER_PER_ADDRESS="1 per hour")
    client = app.test_client()
    document = client.get("/api/openapi.json").get_json()
    for name in ("alder", "birch"):
        response = client.post(
            "/api/v1/auth/register",
            json={"username": name, "email": f"{name}@example.org", "password": "long enough!"},
        )
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert_documented(document, "post", "/api/v1/auth/register", response)
    dispose(app)
