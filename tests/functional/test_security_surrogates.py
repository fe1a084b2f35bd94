"""Finding 4: a lone surrogate (JSON's "\\ud800") is refused naming its field, never a 500.

The check lives in InputSchema, the base of every schema, so it holds whoever loads the
schema (forum.validation.load, flask-smorest's @blp.arguments, the CLI).
"""

import importlib
import pkgutil

import pytest
from marshmallow import EXCLUDE, Schema, ValidationError

import forum
from forum.validation import InputSchema, OutputSchema
from tests.factories import STORY_INPUT, ExperienceFactory, UserFactory

SURROGATE = "\ud800"


def forum_schemas() -> list[type[Schema]]:
    for module in pkgutil.walk_packages(forum.__path__, "forum."):
        importlib.import_module(module.name)
    found, pending = [], list(Schema.__subclasses__())
    while pending:
        schema = pending.pop()
        pending.extend(schema.__subclasses__())
        # Answers (the API's shapes, insights responses) are dumped, never loaded.
        if schema.__module__.startswith("forum.") and not issubclass(schema, OutputSchema):
            found.append(schema)
    return sorted(set(found), key=lambda schema: f"{schema.__module__}.{schema.__name__}")


SCHEMAS = forum_schemas()


def test_the_project_has_schemas_to_check():
    assert len(SCHEMAS) > 20


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda schema: schema.__name__)
def test_every_schema_refuses_a_lone_surrogate_in_every_field(schema):
    assert issubclass(schema, InputSchema), f"{schema.__name__} must derive from InputSchema"
    instance = schema()
    for name, field in instance.load_fields.items():
        key = field.data_key or name
        for value in (SURROGATE, f"ok {SURROGATE} ok", [SURROGATE], {"pain": SURROGATE}):
            with pytest.raises(ValidationError) as refused:
                instance.load({key: value}, partial=True, unknown=EXCLUDE)
            assert key in refused.value.messages, (schema.__name__, key, value)


def test_a_surrogate_in_an_unknown_key_is_refused_too():
    from forum.auth.schemas import CredentialsSchema

    with pytest.raises(ValidationError):
        CredentialsSchema().load({f"x{SURROGATE}": "y"}, partial=True, unknown=EXCLUDE)


@pytest.fixture
def member(ctx, auth):
    UserFactory(username="maple")
    return auth.headers()


def refused(response, field):
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    assert field in response.get_json()["error"]["fields"]


def test_the_reviewed_requests_are_refused_naming_the_field(ctx, client, member):
    story = {**STORY_INPUT, "title": f"Surrogate {SURROGATE} title here"}
    refused(client.post("/api/v1/experiences", json=story, headers=member), "title")
    published = ExperienceFactory()
    reply = {"body": f"A reply {SURROGATE} body"}
    url = f"/api/v1/experiences/{published.id}/replies"
    refused(client.post(url, json=reply, headers=member), "body")
    login = {"username": f"ma{SURROGATE}ple", "password": "correct horse battery"}
    refused(client.post("/api/v1/auth/tokens", json=login), "username")


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        (
            "post",
            "/api/v1/auth/register",
            {"username": "x", "email": f"a{SURROGATE}@b.org"},
            "email",
        ),
        ("patch", "/api/v1/me", {"onset": SURROGATE}, "onset"),
        ("post", "/api/v1/experiences", {**STORY_INPUT, "tags": [f"t{SURROGATE}"]}, "tags"),
        (
            "post",
            "/api/v1/experiences",
            {**STORY_INPUT, "effects": {"pain": SURROGATE}},
            "effects.pain",
        ),
        ("delete", "/api/v1/me", {"experiences": "delete", "password": SURROGATE}, "password"),
        ("post", "/api/v1/me/password", {"current_password": SURROGATE}, "current_password"),
    ],
)
def test_every_kind_of_field_names_itself(ctx, client, member, method, path, body, field):
    response = getattr(client, method)(path, json=body, headers=member)
    refused(response, field)
