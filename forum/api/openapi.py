"""GET /api/openapi.json: the OpenAPI 3 document of /api/v1, built by apispec from the
schemas the API loads with (forum/api/openapi_operations.py lists the operations)."""

import re
from collections.abc import Iterator

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, current_app, jsonify
from marshmallow import Schema
from werkzeug.routing import Rule

from forum.api import openapi_shapes, openapi_summaries
from forum.api.openapi_operations import ANYONE, MODERATOR, OPERATIONS, OPTIONAL, Operation
from forum.api.request import WRITE_METHODS
from forum.auth.schemas import USERNAME_PATTERN
from forum.experiences.schemas import CleanText, TagName
from forum.insights.schemas import GroupSpec
from forum.web.routing import MAX_ID

bp = Blueprint("api_openapi", __name__, url_prefix="/api")

API_PREFIX = "/api/v1/"
BEARER = [{"bearer": []}]
ANY_OBJECT_OR_NULL = {"type": "object", "nullable": True}
ERRORS = {
    400: ("BadRequest", "Malformed JSON body or query string."),
    401: ("Unauthorized", "No token, or an expired or revoked one (or bad credentials)."),
    403: ("Forbidden", "Not allowed (a suspended member cannot write)."),
    404: ("NotFound", "Not found, or not visible to the caller."),
    409: ("Conflict", "Conflicts with the current state."),
    413: ("PayloadTooLarge", "The request body is too large."),
    415: ("UnsupportedMediaType", "A request body that is not sent as application/json."),
    422: ("ValidationError", "Fields are invalid; `fields` names each one."),
    429: ("RateLimited", "Too many requests; Retry-After says how many seconds to wait."),
}
ERROR_HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "required": True}},
    429: {
        "Retry-After": {
            "description": "Seconds until a new attempt can succeed.",
            "schema": {"type": "integer", "minimum": 1},
            "required": True,
        }
    },
}
# Custom fields are documented by their class: what the server accepts.
FIELD_PATTERNS = {
    CleanText: "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",  # tab and newlines are fine
    TagName: "^[A-Za-z0-9-]{2,30}$",  # lower-cased when read
    GroupSpec: "^(everyone|((onset|condition|symptom|age_band):[a-z0-9_]+,)*"
    "(onset|condition|symptom|age_band):[a-z0-9_]+)$",
}
DESCRIPTION = (
    "The JSON API of Movement Notes. Send `Authorization: Bearer <token>` (from "
    "POST /api/v1/auth/tokens); the session cookie is never accepted. Every error is "
    '`{"error": {"code", "message", "fields"}}`.'
)


def component_name(schema: Schema | type[Schema]) -> str:
    """Inputs end in Input (ExperienceInput, ExperienceInputPatch), outputs are bare nouns."""
    cls = schema if isinstance(schema, type) else type(schema)
    if cls.__name__.endswith("Shape"):
        return cls.__name__.removesuffix("Shape")
    name = cls.__name__.removesuffix("Schema").removesuffix("Input") + "Input"
    return name + "Patch" if getattr(schema, "partial", False) is True else name


def document_custom_fields(converter, field, **kwargs) -> dict:
    """apispec attribute function: the pattern of a custom field class."""
    for field_class, pattern in FIELD_PATTERNS.items():
        if isinstance(field, field_class):
            return {"pattern": pattern}
    return {}


def _shape_classes() -> Iterator[type[Schema]]:
    for module in (openapi_shapes, openapi_summaries):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Schema)
                and value.__name__.endswith("Shape")
                and value.__module__ == module.__name__
            ):
                yield value
    yield from (openapi_shapes.TaxonomyShape, openapi_shapes.ExperiencePageShape)
    yield from (openapi_shapes.ReplyPageShape, openapi_shapes.LogPageShape)


def _register_shapes(spec: APISpec) -> None:
    """Outputs: every field present unless marked optional; more fields may come later."""
    shapes = {component_name(shape): shape for shape in _shape_classes()}
    for name, shape in shapes.items():
        spec.components.schema(name, schema=shape)
    for name, shape in shapes.items():
        component = spec.components.schemas[name]
        component.pop("additionalProperties", None)
        required = sorted(
            field.data_key or key
            for key, field in shape._declared_fields.items()
            if not field.metadata.get("optional")
        )
        component.pop("required", None)
        if required:  # OpenAPI 3.0 forbids an empty list
            component["required"] = required
    queue_items = spec.components.schemas["QueuePage"]["properties"]["items"]
    queue_items["items"] = {
        "allOf": [
            {"$ref": "#/components/schemas/QueueFlags"},
            {
                "anyOf": [
                    {"$ref": "#/components/schemas/ModeratedExperience"},
                    {"$ref": "#/components/schemas/ModeratedReply"},
                ]
            },
        ],
        "description": "Experiences; replies for kind=flagged_replies.",
    }


def _path_and_parameters(rule: Rule) -> tuple[str, list[dict]]:
    """/api/v1/experiences/<int:experience_id> → /api/v1/experiences/{experience_id}."""
    parameters = []
    for converter, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule):
        if converter == "int":
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        else:  # the only other path parameter is a member's username
            schema = {"type": "string", "pattern": USERNAME_PATTERN}
        parameters.append({"in": "path", "name": name, "required": True, "schema": schema})
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule), parameters


def _error_statuses(operation: Operation, method: str, has_path_parameters: bool) -> list[int]:
    statuses = set(operation.errors)
    if operation.query:
        statuses.add(400)
    if operation.body:
        statuses.update((400, 413, 422))
    if operation.auth != ANYONE:
        statuses.add(401)
    if operation.auth == MODERATOR:
        statuses.add(403)
    if has_path_parameters:
        statuses.add(404)
    if operation.limited:
        statuses.add(429)
    if method in WRITE_METHODS:
        statuses.add(415)
    return sorted(statuses)


def _operation(operation: Operation, rule: Rule) -> tuple[str, str, dict]:
    path, parameters = _path_and_parameters(rule)
    if operation.query:
        parameters.append({"in": "query", "schema": operation.query})
    success: dict = {"description": "Done." if operation.response is None else "Success."}
    if operation.response:
        success["content"] = {"application/json": {"schema": operation.response}}
    responses: dict = {str(operation.status): success}
    (method,) = rule.methods - {"HEAD", "OPTIONS"}
    for status in _error_statuses(operation, method, bool(rule.arguments)):
        responses[str(status)] = ERRORS[status][0]
    spec: dict = {
        "operationId": rule.endpoint.removeprefix("api_").replace(".", "_"),
        "summary": operation.summary,
        "tags": [operation.tag],
        "security": {ANYONE: [], OPTIONAL: [{}, *BEARER]}.get(operation.auth, BEARER),
        "parameters": parameters,
        "responses": responses,
    }
    if operation.description:
        spec["description"] = operation.description
    if operation.body:
        spec["requestBody"] = {
            "required": operation.body_required,
            "content": {"application/json": {"schema": operation.body}},
        }
    return path, method.lower(), spec


def _api_rules(app: Flask) -> dict[str, Rule]:
    return {
        rule.endpoint: rule for rule in app.url_map.iter_rules() if rule.rule.startswith(API_PREFIX)
    }


def _tidy(node):
    """Make apispec's output plain OpenAPI 3.0 (ECMA-262 anchors, nullable references) and
    say what the views accept beyond the schemas (empty query values)."""
    if isinstance(node, list):
        return [_tidy(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _tidy(value) for key, value in node.items()}
    if node.get("in") == "query":
        node["allowEmptyValue"] = True  # query_args reads `?tag=` as no tag at all
    if isinstance(node.get("pattern"), str):
        node["pattern"] = node["pattern"].replace(r"\A", "^").replace(r"\Z", "$")
    # apispec spells a nullable reference as "any object or the reference": really "null or".
    any_of = node.get("anyOf")
    if isinstance(any_of, list) and len(any_of) == 2 and ANY_OBJECT_OR_NULL in any_of:
        del node["anyOf"]
        any_of.remove(ANY_OBJECT_OR_NULL)
        node.update({"allOf": any_of, "nullable": True})
    return node


def build_document(app: Flask) -> dict:
    """The document for this app's routes; a listed endpoint the app lacks is an error."""
    plugin = MarshmallowPlugin(schema_name_resolver=component_name)
    spec = APISpec(
        title="Movement Notes API",
        version="1",
        openapi_version="3.0.3",
        plugins=[plugin],
        info={"description": DESCRIPTION},
    )
    plugin.converter.add_attribute_function(document_custom_fields)
    spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "description": "An API token."}
    )
    _register_shapes(spec)
    for status, (name, description) in ERRORS.items():
        response: dict = {
            "description": description,
            "content": {"application/json": {"schema": "Error"}},
        }
        if status in ERROR_HEADERS:
            response["headers"] = ERROR_HEADERS[status]
        spec.components.response(name, response)
    rules = _api_rules(app)
    paths: dict[str, dict] = {}
    for operation in OPERATIONS:
        path, method, spec_operation = _operation(operation, rules[operation.endpoint])
        paths.setdefault(path, {})[method] = spec_operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return _tidy(spec.to_dict())


def cached_document(app: Flask) -> dict:
    """Built once per app (so once per worker process): routes do not change at run time."""
    if "forum.openapi" not in app.extensions:
        app.extensions["forum.openapi"] = build_document(app)
    return app.extensions["forum.openapi"]


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(cached_document(current_app._get_current_object()))
