"""GET /api/openapi.json: a valid OpenAPI 3 document describing every /api/v1 route."""

import re

import pytest
from openapi_spec_validator import validate

from forum.api.openapi import ERRORS, build_document, cached_document
from forum.vocabulary import PROFILE_FIELDS

METHODS = {"get", "post", "patch", "put", "delete"}


@pytest.fixture
def document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def api_routes(app) -> set[tuple[str, str]]:
    """(method, path in OpenAPI spelling) for every /api/v1 route of the app."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule)
            routes.update((method.lower(), path) for method in rule.methods - {"HEAD", "OPTIONS"})
    return routes


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def test_the_document_is_valid_openapi_3(document):
    assert document["openapi"].startswith("3.")
    validate(document)


def test_every_api_route_is_documented_and_nothing_else(app, document):
    documented = {(method, path) for method, path, _ in operations(document)}
    assert len(api_routes(app)) >= 30
    assert documented == api_routes(app)


def test_anyone_may_read_it_without_a_token_or_csrf(client):
    response = client.get("/api/openapi.json", headers={"Cookie": "session=nonsense"})
    assert response.status_code == 200
    assert response.get_json()["info"]["title"] == "Movement Notes API"


def test_unknown_paths_beside_it_are_json_errors(client):
    response = client.get("/api/openapi.yaml")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_path_parameters_are_declared_and_typed(document):
    for _, path, operation in operations(document):
        declared = {p["name"]: p for p in operation["parameters"] if p["in"] == "path"}
        assert set(declared) == set(re.findall(r"{(\w+)}", path)), path
        for parameter in declared.values():
            assert parameter["required"] is True
            expected = "integer" if parameter["name"].endswith("_id") else "string"
            assert parameter["schema"]["type"] == expected


def test_query_parameters_come_from_the_views_schemas(document):
    listing = document["paths"]["/api/v1/experiences"]["get"]["parameters"]
    by_name = {parameter["name"]: parameter["schema"] for parameter in listing}
    assert {"exercise", "onset", "tag", "author", "sort", "page", "per_page"} <= set(by_name)
    assert by_name["per_page"] == {"type": "integer", "default": 20, "minimum": 1, "maximum": 100}
    assert by_name["sort"]["enum"] == ["newest", "most_me_too"]
    compare = document["paths"]["/api/v1/insights/compare"]["get"]["parameters"]
    assert {p["name"]: p["required"] for p in compare} == {"a": True, "b": True, "detail": False}


def test_empty_query_values_are_documented_as_accepted(client, document):
    for _, _, operation in operations(document):
        for parameter in operation["parameters"]:
            assert parameter["in"] == "path" or parameter["allowEmptyValue"] is True
    assert client.get("/api/v1/experiences?tag=&page=").status_code == 200


def test_request_bodies_are_the_input_schemas(document):
    schemas = document["components"]["schemas"]
    post = document["paths"]["/api/v1/experiences"]["post"]["requestBody"]
    # The create schema is the input schema plus `draft` (required fields may then be missing).
    assert post["content"]["application/json"]["schema"]["$ref"].endswith("/ExperienceCreateInput")
    assert schemas["ExperienceCreateInput"]["properties"]["draft"]["type"] == "boolean"
    new = schemas["ExperienceCreateInput"]
    assert set(new["required"]) == {"title", "body", "exercises", "intensity", "outcome", "flare"}
    assert new["additionalProperties"] is False
    title = new["properties"]["title"]
    assert (title["type"], title["minLength"], title["maxLength"]) == ("string", 5, 150)
    # CleanText refuses control characters (tab and newlines are text).
    assert title["pattern"] == r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
    # PATCH loads the same schema with partial=True: nothing is required.
    assert "required" not in schemas["ExperienceInputPatch"]
    assert schemas["RegistrationInput"]["properties"]["username"]["pattern"] == (
        "^[A-Za-z0-9_-]{3,30}$"
    )


@pytest.mark.parametrize(
    "component",
    [
        "ProfileInputPatch",
        "ExperienceCreateInput",
        "ExperienceInputPatch",
        "OwnUser",
        "Experience",
        "QuickAnswer",
    ],
)
def test_every_profile_answer_is_a_key_of_its_list_or_null(document, component):
    properties = document["components"]["schemas"][component]["properties"]
    for name, vocabulary in PROFILE_FIELDS.items():
        assert properties[name] == {
            "type": "string",
            "enum": [*vocabulary, None],
            "nullable": True,
        }, (component, name)


def test_security_follows_who_may_call(document):
    paths = document["paths"]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert paths["/api/v1/me"]["get"]["security"] == [{"bearer": []}]
    assert paths["/api/v1/taxonomy"]["get"]["security"] == []
    # Optional: an anonymous call works, a token shows the caller's own pending items.
    assert paths["/api/v1/experiences/{experience_id}"]["get"]["security"] == [
        {},
        {"bearer": []},
    ]
    for method, path, operation in operations(document):
        if operation["security"] and {} not in operation["security"]:
            assert "401" in operation["responses"], (method, path)


def test_every_error_response_has_the_contract_shape(document):
    responses = document["components"]["responses"]
    for status, (name, _) in ERRORS.items():
        schema = responses[name]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}, status
    error = document["components"]["schemas"]["ErrorDetail"]
    assert error["required"] == ["code", "message"]
    assert set(error["properties"]) == {"code", "message", "fields"}
    assert responses["RateLimited"]["headers"]["Retry-After"]["required"] is True
    for method, path, operation in operations(document):
        statuses = set(operation["responses"])
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= statuses, (method, path)
        if "{" in path:
            assert "404" in statuses, (method, path)


def test_rate_limited_operations_document_429(document):
    limited = {
        ("post", "/api/v1/auth/register"),
        ("post", "/api/v1/auth/tokens"),
        ("post", "/api/v1/experiences"),
        ("post", "/api/v1/experiences/{experience_id}/replies"),
        ("post", "/api/v1/experiences/{experience_id}/flags"),
        ("delete", "/api/v1/me"),
    }
    for method, path in limited:
        assert "429" in document["paths"][path][method]["responses"], (method, path)


def test_the_document_is_built_once_per_app(app):
    first = cached_document(app)
    assert cached_document(app) is first
    assert build_document(app) == first
