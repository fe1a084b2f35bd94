"""The API's flask-smorest Blueprint: arguments read by the contract's rules, errors documented
from what a view declares (its arguments, path, sign-in decorator and rate limit)."""

from flask import Response, current_app
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError
from webargs.flaskparser import FlaskParser

from forum.api.request import WRITE_METHODS, json_body
from forum.errors import Invalid
from forum.http import BadRequest
from forum.validation import flatten_messages

# Response components (forum/api/openapi.py registers them) by status.
ERROR_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    410: "Gone",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    422: "ValidationError",
    429: "RateLimited",
}
# Who may call: the security requirement each sign-in decorator documents.
SECURITY = {"anyone": [], "optional": [{}, {"bearer": []}], "member": [{"bearer": []}]}
SECURITY["moderator"] = SECURITY["member"]
OPTIONAL_JSON = "optional_json"
QUERY_ERROR_STATUS = 400


class ContractParser(FlaskParser):
    """webargs, reading as the contract says: a body must be a JSON object (400 otherwise,
    unknown fields 422); a query keeps only the fields the schema knows, empty ones dropped."""

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "json": RAISE,
        OPTIONAL_JSON: RAISE,
        "query": EXCLUDE,
        "querystring": EXCLUDE,
    }

    __location_map__ = {**FlaskParser.__location_map__, OPTIONAL_JSON: "load_optional_json"}

    def load_json(self, req, schema: Schema):
        return json_body()

    def load_optional_json(self, req, schema: Schema):
        """No body at all reads as {}: the schema then says what is missing."""
        return json_body(optional=True)

    def load_querystring(self, req, schema: Schema):
        raw = {}
        for name, field in schema.fields.items():
            value = req.args.get(field.data_key or name, "")
            if value != "":
                raw[field.data_key or name] = value
        return raw

    def handle_error(self, error: ValidationError, req, schema, *, error_status_code, **kwargs):
        # webargs files the messages under the location: {"json": {"title": [...]}}.
        (messages,) = error.messages.values()
        fields = flatten_messages(messages)
        if error_status_code == QUERY_ERROR_STATUS:
            raise BadRequest("The query string is not valid.", fields=fields)
        raise Invalid("Some fields need attention.", fields=fields)


class ApiBlueprint(Blueprint):
    """A smorest Blueprint whose views declare their contract with decorators."""

    ARGUMENTS_PARSER = ContractParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        OPTIONAL_JSON: "application/json",
    }

    def arguments(self, schema, *, location="json", required=True, **kwargs):
        """smorest's arguments, documenting the errors of a body (400, 413, 415, 422) or a
        query (400); `required=False` lets a body be left out entirely."""
        if location == "json":
            location = "json" if required else OPTIONAL_JSON
            errors = (400, 413, 415, 422)
        else:
            kwargs["error_status_code"] = QUERY_ERROR_STATUS
            errors = (400,)
        parse = super().arguments(schema, location=location, required=required, **kwargs)

        def decorator(view):
            view = parse(view)
            # smorest names webargs' own error response; the contract's replace it.
            view._apidoc["arguments"].pop("responses", None)
            return self.documents_errors(*errors)(view)

        return decorator

    def documents_errors(self, *statuses: int):
        """Document the contract's error responses for these statuses."""

        def decorator(view):
            for status in statuses:
                view = self.alt_response(status, ERROR_NAMES[status])(view)
            return view

        return decorator

    def route(self, rule, *, parameters=None, tags=None, **options):
        """smorest's route; the errors its path, methods, sign-in and limit imply are added."""
        methods = set(options.get("methods", ("GET",)))

        def decorator(view):
            access = getattr(view, "api_access", "anyone")
            statuses = {401} if access != "anyone" else set()
            if access == "moderator":
                statuses.add(403)
            if "<" in rule:
                statuses.add(404)
            if getattr(view, "rate_limited", False):
                statuses.add(429)
            if methods & WRITE_METHODS:
                statuses.add(415)
            documented = self.documents_errors(*sorted(statuses))(view)
            documented = self.doc(
                security=SECURITY[access],
                operationId=f"{self.name.removeprefix('api_')}_{view.__name__}",
            )(documented)
            return super(ApiBlueprint, self).route(
                rule, parameters=parameters, tags=tags, **options
            )(documented)

        return decorator


def no_content() -> Response:
    """204 with no body at all (smorest would send `null`)."""
    return current_app.response_class(status=204)
