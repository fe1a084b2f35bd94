"""The contract's JSON error shape: {"error": {"code", "message", "fields"}}."""

from flask import jsonify
from werkzeug.exceptions import HTTPException

from forum.errors import DomainError

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
}

HTTP_MESSAGES = {
    404: "Not found.",
    405: "That method is not allowed here.",
    413: "The request body is too large.",
    429: "Too many requests. Try again later.",
    500: "Something went wrong on our side.",
}


def json_error(status: int, code: str, message: str, fields=None, headers=None):
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = str(value)
    return response


def api_error_response(error: Exception):
    """Turn a domain or HTTP error into the JSON error response."""
    if isinstance(error, DomainError):
        # RFC 9110: a 401 names the scheme the client should use.
        headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
        return json_error(error.status, error.code, error.message, error.fields, headers)
    if isinstance(error, HTTPException):
        status = error.code or 500
        headers = {}
        if status == 405 and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
        if getattr(error, "retry_after", None):
            headers["Retry-After"] = error.retry_after
        message = HTTP_MESSAGES.get(status) or error.description or "Request failed."
        return json_error(status, HTTP_CODES.get(status, "error"), message, headers=headers)
    return json_error(500, "internal_error", HTTP_MESSAGES[500])
