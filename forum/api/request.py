"""Reading API input: JSON bodies, with the contract's errors for bad ones."""

from flask import request

from forum.errors import DomainError
from forum.http import BadRequest

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


def refuse_bodies_that_are_not_json() -> None:
    """A JSON body on a write must be declared application/json (else 415): a cross-site
    form or text/plain request, which browsers send without asking, is never an API call.
    A body that is not JSON at all stays what it was: malformed, 400, answered by the view."""
    if request.method not in WRITE_METHODS or request.is_json:
        return
    if not (request.content_length or request.headers.get("Transfer-Encoding")):
        return
    if _parsed_body() is not None:
        raise UnsupportedMediaType("Send the request body as application/json.")


def _parsed_body() -> object:
    """The body read as JSON whatever its declared type, or None when it is not JSON."""
    try:
        return request.get_json(force=True, silent=True)
    except RecursionError:
        # Deeply nested arrays exhaust the decoder's stack instead of raising ValueError.
        return None


def json_body(*, optional: bool = False) -> dict:
    """The request's JSON object; 400 when it is not valid JSON or not an object."""
    if not request.data:
        if optional:
            return {}
        raise BadRequest("Send a JSON object as the request body.")
    payload = _parsed_body()
    if payload is None:
        raise BadRequest("The request body is not valid JSON.")
    if not isinstance(payload, dict):
        raise BadRequest("The request body must be a JSON object.")
    return payload
