"""The API's flask-smorest Api, and GET /api/openapi.json: the OpenAPI 3 document smorest and
apispec build from the views' own decorators (arguments, responses, sign-in, limits)."""

from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, current_app, jsonify
from flask_smorest import Api
from flask_smorest.spec.plugins import FlaskPlugin
from marshmallow import Schema, fields
from werkzeug.routing import UnicodeConverter

from forum.api.answers import ErrorShape
from forum.api.blueprint import ERROR_NAMES
from forum.api.moderation_answers import QueueFlagsShape
from forum.auth.schemas import USERNAME_PATTERN
from forum.fields import CleanText, TagName
from forum.insights.schemas import GROUP_FIELDS, GroupSpec
from forum.web.routing import MAX_ID, DatabaseIdConverter

bp = Blueprint("api_openapi", __name__, url_prefix="/api")

ERROR_DESCRIPTIONS = {
    400: "Malformed JSON body or query string.",
    401: "No token, or an expired or revoked one (or bad credentials).",
    403: "Not allowed (a suspended member cannot write).",
    404: "Not found, or not visible to the caller.",
    409: "Conflicts with the current state.",
    410: "A mailed link that expired or was already used.",
    413: "The request body is too large.",
    415: "A JSON request body that is not sent as application/json.",
    422: "Fields are invalid; `fields` names each one.",
    429: "Too many requests; Retry-After says how many seconds to wait.",
}
ERRORS = {status: (ERROR_NAMES[status], text) for status, text in ERROR_DESCRIPTIONS.items()}
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
    GroupSpec: "^(everyone|(({0}):[a-z0-9_]+,)*({0}):[a-z0-9_]+)$".format("|".join(GROUP_FIELDS)),
}
DESCRIPTION = (
    "The JSON API of Movement Notes. Send `Authorization: Bearer <token>` (from "
    "POST /api/v1/auth/tokens); the session cookie is never accepted. Every error is "
    '`{"error": {"code", "message", "fields"}}`.'
)
NULLABLE_OBJECT = {"type": "object", "nullable": True}


class UsernameConverter(UnicodeConverter):
    """`<username:...>`: a member's name; anything else is no route at all (404)."""

    regex = USERNAME_PATTERN.removeprefix(r"\A").removesuffix(r"\Z")


def component_name(schema: Schema | type[Schema]) -> str:
    """Inputs end in Input (ExperienceInput, ExperienceInputPatch), outputs are bare nouns."""
    cls = schema if isinstance(schema, type) else type(schema)
    if cls.__name__.endswith("Shape"):
        return cls.__name__.removesuffix("Shape")
    name = cls.__name__.removesuffix("Schema").removesuffix("Input") + "Input"
    return name + "Patch" if getattr(schema, "partial", False) is True else name


def document_field(converter, field: fields.Field, ret: dict, **kwargs) -> dict:
    """apispec attribute function: what apispec cannot tell from the field alone."""
    for field_class, pattern in FIELD_PATTERNS.items():
        if isinstance(field, field_class):
            return {"pattern": pattern}
    if isinstance(ret.get("pattern"), str):  # ECMA-262 anchors for Python's
        return {"pattern": ret["pattern"].replace(r"\A", "^").replace(r"\Z", "$")}
    documented = getattr(field.parent, "DOCUMENTED_AS", {}).get(field.name)
    if isinstance(documented, dict):  # a field the view fills, spelled out
        return documented
    if documented is not None:  # a computed answer field, typed by its shape
        return converter.field2property(documented)
    any_of = ret.get("anyOf")
    if isinstance(any_of, list) and NULLABLE_OBJECT in any_of:
        # "null or the reference", in plain OpenAPI 3.0.
        del ret["anyOf"]
        return {"allOf": [item for item in any_of if item != NULLABLE_OBJECT], "nullable": True}
    return {}


def query_allows_empty(converter, field: fields.Field, ret: dict, **kwargs) -> dict:
    """`?tag=` reads as no tag at all (forum/api/blueprint.py)."""
    return {"allowEmptyValue": True} if ret.get("in") == "query" else {}


class OperationParametersPlugin(FlaskPlugin):
    """Path parameters listed on each operation, beside its query parameters."""

    def path_helper(self, rule, operations, parameters, **kwargs):
        path = super().path_helper(rule, operations, parameters, **kwargs)
        for operation in operations.values():
            operation["parameters"] = [*parameters, *operation.get("parameters", [])]
        parameters.clear()
        return path


class ContractApi(Api):
    """smorest's Api with the contract's errors: no handlers of its own (the app answers every
    error in the contract's shape) and the error responses of forum/api/blueprint.py."""

    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        pass

    def _register_responses(self) -> None:
        self.spec.components.schema("Error", schema=ErrorShape)
        for status, (name, description) in ERRORS.items():
            response = {
                "description": description,
                "content": {"application/json": {"schema": "Error"}},
            }
            if status in ERROR_HEADERS:
                response["headers"] = ERROR_HEADERS[status]
            self.spec.components.response(name, response)


def create_api(app: Flask) -> ContractApi:
    """The Api of this app; its blueprints are registered through it."""
    app.url_map.converters["username"] = UsernameConverter
    plugin = MarshmallowPlugin(schema_name_resolver=component_name)
    api = ContractApi(
        app,
        spec_kwargs={
            "title": "Movement Notes API",
            "version": "1",
            "openapi_version": "3.0.3",
            "marshmallow_plugin": plugin,
            "flask_plugin": OperationParametersPlugin(),
            "info": {"description": DESCRIPTION},
        },
    )
    plugin.converter.add_attribute_function(document_field)
    plugin.converter.add_parameter_attribute_function(query_allows_empty)
    api.register_converter(
        DatabaseIdConverter, lambda _: {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    )
    api.register_converter(
        UsernameConverter, lambda _: {"type": "string", "pattern": UsernameConverter.regex}
    )
    api.spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "description": "An API token."}
    )
    api.spec.components.schema("QueueFlags", schema=QueueFlagsShape)
    app.extensions["forum.api"] = api
    return api


def build_document(app: Flask) -> dict:
    """The document of this app's API, as smorest built it from the views."""
    return app.extensions["forum.api"].spec.to_dict()


def cached_document(app: Flask) -> dict:
    """Built once per app (so once per worker process): routes do not change at run time."""
    if "forum.openapi" not in app.extensions:
        app.extensions["forum.openapi"] = build_document(app)
    return app.extensions["forum.openapi"]


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(cached_document(current_app._get_current_object()))
