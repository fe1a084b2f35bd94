"""Reading a request's query string, the same way for pages and the API."""

from flask import request
from marshmallow import Schema

from forum.errors import DomainError, Invalid
from forum.validation import load


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


def query_args(schema: Schema) -> dict:
    """Validated query-string parameters; a malformed query is a 400 naming the fields.

    Parameters the schema does not know are ignored, as browsers and caches add their own.
    """
    raw = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        value = request.args.get(key, "")
        if value != "":
            raw[key] = value
    try:
        return load(schema, raw)
    except Invalid as error:
        raise BadRequest("The query string is not valid.", fields=error.fields) from None
