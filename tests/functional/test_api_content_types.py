"""Every API write refuses a JSON body that is not declared application/json (415), so a
cross-site form or a text/plain request is never taken as an API call, and changes nothing."""

import json
import re

import pytest
from sqlalchemy import func, select

from forum.auth.service import issue_token
from forum.extensions import db
from tests.conftest import make_app
from tests.factories import STORY_INPUT
from tests.fuzz.seed import ADMIN, MEMBER, seed_community

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
STORY = json.dumps(STORY_INPUT)
# What an HTML form can send: a field named `{"title": "…", "x": "` with the value `"}` is
# encoded as {"title": "…", "x": "="}, JSON by accident.
FORM_SMUGGLED = '{"title": "Qigong every morning", "x": "="}'
UNDECLARED = [
    ("text/plain", STORY),
    ("text/plain;charset=UTF-8", '{"reason": "spam"}'),
    ("application/x-www-form-urlencoded", FORM_SMUGGLED),
    ("multipart/form-data; boundary=x", '{"body": "Thank you for this."}'),
    (None, STORY),
]


def write_routes(app) -> list[tuple[str, str]]:
    """(method, url) for every write route of /api/v1, path ids pointing at seeded rows."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        url = re.sub(r"<int:\w+>", "1", rule.rule)
        url = re.sub(r"<(?:\w+:)?\w+>", MEMBER, url)
        routes.extend((method, url) for method in sorted(rule.methods & WRITE_METHODS))
    return routes


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("content-types"))
    with app.app_context():
        members = seed_community()
        tokens = {name: issue_token(members[name])[0] for name in (MEMBER, ADMIN)}
    yield app, tokens
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_api_has_write_routes_to_check(community):
    app, _ = community
    assert len(write_routes(app)) >= 15


@pytest.mark.parametrize(("content_type", "body"), UNDECLARED)
@pytest.mark.parametrize("caller", [MEMBER, ADMIN, None])
def test_an_undeclared_json_body_is_415_on_every_write_and_changes_nothing(
    community, content_type, body, caller
):
    app, tokens = community
    client = app.test_client()
    headers = {"Authorization": f"Bearer {tokens[caller]}"} if caller else {}
    if content_type:
        headers["Content-Type"] = content_type
    with app.app_context():
        before = row_counts()
    for method, url in write_routes(app):
        response = client.open(url, method=method, data=body, headers=headers)
        assert response.status_code == 415, (method, url, response.get_json())
        error = response.get_json()["error"]
        assert error["code"] == "unsupported_media_type" and error["message"]
    with app.app_context():
        assert row_counts() == before


def test_the_same_body_declared_as_json_is_taken(community):
    app, tokens = community
    client = app.test_client()
    headers = {"Authorization": f"Bearer {tokens[MEMBER]}", "Content-Type": "application/json"}
    response = client.post("/api/v1/experiences", data=STORY, headers=headers)
    assert response.status_code == 201


def test_every_write_documents_the_415(community):
    app, _ = community
    document = app.test_client().get("/api/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method.upper() in WRITE_METHODS:
                assert "415" in operation["responses"], (method, path)
